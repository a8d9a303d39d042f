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
/// of JSON, ~50 MB parsed) and only tests read all of it; the server and
/// the simulator read single schemas through [`schema`], and operations
/// through [`crate::catalog`].
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

// Facts about the API that follow from the spec, written by `build.rs`: this
// is their one home, shared by the client, the catalog and the simulator.

/// The API version the spec describes (`info.version`, e.g. `2022.1`).
pub const API_VERSION: &str = env!("CW_SPEC_VERSION");

/// The media type of ConnectWise's JSON for [`API_VERSION`]:
/// `application/vnd.connectwise.com+json; version=2022.1`. The client asks
/// for it (`Accept`); the simulator answers in it (`Content-Type`).
pub const MEDIA_TYPE: &str = env!("CW_MEDIA_TYPE");

/// The path every REST call is under, from the spec's server URL:
/// `/v4_6_release/apis/3.0`. On cloud sites the release segment
/// `v4_6_release` always reaches the current release.
pub const API_ROOT: &str = env!("CW_API_ROOT");

/// The REST API's own path, the end of [`API_ROOT`] after the release
/// segment: `/apis/3.0`. An on-premise site may name its release instead
/// (`/v2022_1/apis/3.0`).
pub const API_PATH: &str = env!("CW_API_PATH");

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
    fn the_api_root_is_the_path_of_the_specs_server() {
        // The media type is checked on the wire (`tests/client_http.rs`) and
        // against the upstream document's responses (`sim::seed::tests`).
        assert_eq!(API_ROOT, "/v4_6_release/apis/3.0");
        assert_eq!(API_PATH, "/apis/3.0");
        let server = document()["servers"][0]["url"].as_str().unwrap_or_default();
        assert!(server.ends_with(API_ROOT), "{server}");
        assert!(MEDIA_TYPE.ends_with(&format!("; version={API_VERSION}")));
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
