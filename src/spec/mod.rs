//! The ConnectWise OpenAPI document: the normalisation step shared with
//! `build.rs` and `xtask`, and the normalised document embedded at build time.

pub use spec_normalize as normalize;
pub mod shape;
pub mod validate;

use serde_json::Value;
use std::sync::OnceLock;

/// The normalised document, minified, as `build.rs` wrote it.
const NORMALIZED_JSON: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/manage.normalized.json"));

/// The normalised OpenAPI document, parsed on first use. It is large (2.8 MB
/// of JSON, ~50 MB parsed) and only the simulator needs all of it; the
/// server reads single schemas through [`schema`].
pub fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_json::from_slice(NORMALIZED_JSON).expect("build.rs wrote valid JSON"))
}

// `static SCHEMAS: &[(&str, &str)]`: every component schema of the
// normalised document as (name, minified JSON), sorted by name.
include!(concat!(env!("OUT_DIR"), "/schemas.rs"));

/// The component schema called `name`, parsed the first time it is asked
/// for. Checking `fields`, `conditions` or a body touches a handful of
/// schemas, so the server never parses (or keeps) the other 700-odd.
pub fn schema(name: &str) -> Option<&'static Value> {
    static PARSED: OnceLock<Vec<OnceLock<Value>>> = OnceLock::new();
    let i = SCHEMAS.binary_search_by(|(n, _)| (*n).cmp(name)).ok()?;
    let slots = PARSED.get_or_init(|| SCHEMAS.iter().map(|_| OnceLock::new()).collect());
    Some(slots[i].get_or_init(|| serde_json::from_str(SCHEMAS[i].1).expect("build.rs wrote valid JSON")))
}

/// Where component schemas are looked up by name: the embedded spec
/// ([`Embedded`]), or a whole OpenAPI document held as a `Value` (the
/// simulator's, or a test's fixture).
pub trait Schemas {
    fn schema(&self, name: &str) -> Option<&Value>;
}

impl Schemas for Value {
    fn schema(&self, name: &str) -> Option<&Value> {
        self.get("components")?.get("schemas")?.get(name)
    }
}

/// The embedded spec's schemas, parsed one at a time ([`schema`]).
pub struct Embedded;

impl Schemas for Embedded {
    fn schema(&self, name: &str) -> Option<&Value> {
        schema(name)
    }
}

/// The API version the spec describes (e.g. `2022.1`), sent in the `Accept` header.
pub const API_VERSION: &str = env!("CW_SPEC_VERSION");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_component_schema_is_served_alone_as_in_the_whole_document() {
        let whole = document()["components"]["schemas"].as_object().unwrap();
        assert_eq!(SCHEMAS.len(), whole.len());
        for (name, schema) in whole {
            assert_eq!(super::schema(name), Some(schema), "{name}");
        }
    }

    #[test]
    fn a_schema_is_parsed_once_and_unknown_names_are_none() {
        let first = schema("Ticket").expect("the spec has Ticket") as *const Value;
        assert_eq!(schema("Ticket").unwrap() as *const Value, first);
        assert_eq!(schema("NoSuchSchema"), None);
        assert_eq!(schema("ticket"), None, "names are exact");
        assert!(Embedded.schema("Company").is_some());
        assert!(document().schema("Company").is_some());
    }
}
