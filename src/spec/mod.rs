//! The ConnectWise OpenAPI document: the normalisation step shared with
//! `build.rs` and `xtask`, and the normalised document embedded at build time.

pub mod normalize;
pub mod validate;

use serde_json::Value;
use std::sync::OnceLock;

/// The normalised document, minified, as `build.rs` wrote it.
const NORMALIZED_JSON: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/manage.normalized.json"));

/// The normalised OpenAPI document, parsed on first use (about 6 MB; callers
/// that only serve curated tools never pay for it).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_slice(NORMALIZED_JSON).expect("build.rs wrote valid JSON"))
}

/// The API version the spec describes (e.g. `2022.1`), sent in the `Accept` header.
pub const API_VERSION: &str = env!("CW_SPEC_VERSION");
