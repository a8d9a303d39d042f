//! The one place ConnectWise's answers are decoded: tolerant of every shape.
//!
//! The generated client decodes each answer into the spec's types, and real
//! tenants send shapes the spec never promised (`null` for a string, enum
//! values added later, extra fields, odd key casing). A typed decode would
//! fail the whole read, or silently drop what the types lack. So every
//! successful answer is read here as JSON, exactly as ConnectWise sent it,
//! and compared with the spec only to log how it differs (once per schema
//! and field, [`crate::spec::shape`]) and to tell the call's watch
//! ([`super::observe`]). The generated client stays the way
//! requests are built and sent; [`ConnectWise::read`](super::ConnectWise::read)
//! runs a generated call with its answer's bytes captured here, and raw
//! calls (`cw_call`) hand their bytes to [`decode_watched`].

use super::error::ApiError;
use super::observe::{Event, Watch};
use crate::spec::shape::Deviation;
use bytes::Bytes;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};

/// The answer to a generated call, as the transport received it.
#[derive(Default)]
pub(crate) struct Captured {
    /// progenitor's name of the operation (`get_service_tickets`).
    pub operation: &'static str,
    pub body: Bytes,
}

/// Where the transport leaves the answer of a call run by `read`.
pub(crate) type Slot = Arc<Mutex<Option<Captured>>>;

tokio::task_local! {
    /// Set while `ConnectWise::read` runs a generated call.
    pub(crate) static CAPTURE: Slot;
}

/// Keeps a copy of a successful answer's body when a `read` is waiting for
/// it; the response handed on is unchanged. Other answers pass untouched.
pub(crate) async fn capture(
    operation: &'static str,
    response: reqwest::Response,
) -> reqwest::Result<reqwest::Response> {
    let Ok(slot) = CAPTURE.try_with(Arc::clone) else {
        return Ok(response);
    };
    if !response.status().is_success() {
        return Ok(response);
    }
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(Captured {
        operation,
        body: body.clone(),
    });
    let mut rebuilt = http::Response::new(body);
    *rebuilt.status_mut() = status;
    *rebuilt.version_mut() = version;
    *rebuilt.headers_mut() = headers;
    Ok(reqwest::Response::from(rebuilt))
}

/// What the spec says an answer holds: a record of `schema`, or a list of them.
#[derive(Clone, Copy, Debug)]
pub struct Expected {
    pub schema: &'static str,
}

/// The schema of the answer of a generated operation (progenitor's name).
pub(crate) fn expected_for(operation: &str) -> Option<Expected> {
    static BY_NAME: OnceLock<std::collections::HashMap<String, &'static str>> = OnceLock::new();
    let map = BY_NAME.get_or_init(|| {
        use heck::ToSnakeCase;
        crate::catalog::operations()
            .iter()
            .filter_map(|op| Some((op.id.to_snake_case(), op.response_schema?)))
            .collect()
    });
    map.get(operation).map(|schema| Expected { schema })
}

/// An answer's body as JSON, as ConnectWise sent it. Empty is `null`. Only
/// a body that is not JSON at all fails; any JSON is accepted, and how it
/// differs from `expected` is logged once per schema and field.
pub fn decode(body: &[u8], expected: Option<Expected>) -> Result<Value, ApiError> {
    decode_watched(body, expected, None)
}

/// [`decode`], telling `watch` how the answer differs from `expected`, if
/// it does (every answer: whoever watches decides what is news).
pub fn decode_watched(
    body: &[u8],
    expected: Option<Expected>,
    watch: Option<&dyn Watch>,
) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        let excerpt: String = String::from_utf8_lossy(body).trim().chars().take(120).collect();
        ApiError::Decode(format!("the answer is not JSON ({e}): {excerpt}"))
    })?;
    if let Some(expected) = expected {
        let found = deviations_of(expected.schema, &value);
        log_new_deviations(expected.schema, &found);
        if let (Some(watch), false) = (watch, found.is_empty()) {
            let summary = crate::spec::shape::summary(&found, 12);
            watch.event(&Event::ShapeDeviated {
                schema: expected.schema,
                summary: &summary,
            });
        }
    }
    Ok(value)
}

/// Each deviation of a record (or of the records of a list), once.
fn deviations_of(schema: &str, value: &Value) -> Vec<Deviation> {
    let records: &[Value] = match value {
        Value::Array(items) => items,
        other => std::slice::from_ref(other),
    };
    let mut found: Vec<Deviation> = Vec::new();
    for record in records {
        for d in crate::spec::shape::deviations(schema, record) {
            if !found.contains(&d) {
                found.push(d);
            }
        }
    }
    found
}

/// Logs each deviation the first time it is seen in this process.
fn log_new_deviations(schema: &str, found: &[Deviation]) {
    static SEEN: OnceLock<Mutex<HashSet<(String, Deviation)>>> = OnceLock::new();
    if found.is_empty() {
        return;
    }
    let new: Vec<Deviation> = {
        let mut seen = SEEN
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        found
            .iter()
            .filter(|d| seen.insert((schema.to_owned(), (*d).clone())))
            .cloned()
            .collect()
    };
    if !new.is_empty() {
        tracing::warn!(
            schema,
            "ConnectWise sent {schema} records that differ from the spec (passed on as sent): {}",
            crate::spec::shape::summary(&new, 12)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_json_is_read_as_sent_and_only_non_json_fails() {
        let expected = Some(Expected { schema: "Company" });
        let body = br#"[{"id": 1, "name": null, "Identifier": "ACME", "extra": {"x": [1]}}]"#;
        let value = decode(body, expected).unwrap();
        assert_eq!(
            value,
            serde_json::json!([{"id": 1, "name": null, "Identifier": "ACME", "extra": {"x": [1]}}])
        );
        assert_eq!(decode(b"  ", expected).unwrap(), Value::Null);
        let err = decode(b"<html>Service Unavailable</html>", expected).unwrap_err();
        assert!(
            err.to_string().contains("not JSON") && err.to_string().contains("<html>"),
            "{err}"
        );
    }

    #[test]
    fn generated_operations_map_to_their_answer_schema() {
        assert_eq!(
            expected_for("get_service_tickets").map(|e| e.schema),
            Some("Ticket")
        );
        assert_eq!(
            expected_for("get_service_tickets_by_id").map(|e| e.schema),
            Some("Ticket")
        );
        assert_eq!(expected_for("get_system_info").map(|e| e.schema), Some("Info"));
        assert!(expected_for("no_such_operation").is_none());
    }
}
