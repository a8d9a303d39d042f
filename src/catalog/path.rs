//! A caller's path matched to one of the spec's templates, or refused.
//!
//! Only a path that matches a template of the spec gets through, rebuilt
//! from the template: literal segments in the spec's spelling, path
//! parameters checked by type and percent-encoded. Anything that could steer
//! the request elsewhere is refused before matching, with a message saying
//! why: a scheme or host, `..` or `.` segments, encoded slashes or dots,
//! backslashes, a query or fragment smuggled into the path, control
//! characters.

use crate::catalog::template::{self, Segment, decode_segment, encode_segment};
use crate::catalog::{Method, Operation, operations};
use crate::spec::API_ROOT;

/// A path matched to its operation.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub operation: &'static Operation,
    /// The path to request, below the API root, encoded: `/service/tickets/5`.
    pub path: String,
}

/// Refuses what could leave the API, then finds the operation.
pub fn resolve(method: Method, raw: &str) -> Result<Resolved, String> {
    let segments = checked_segments(raw)?;
    let mut type_error = None;
    let mut best: Option<(usize, &'static Operation, Vec<String>)> = None;
    let mut other_methods: Vec<&'static str> = Vec::new();
    for op in operations() {
        let template = template::segments(op.path);
        let Some(literals) = template::literals_matched(&template, &segments, |_, _| true) else {
            continue;
        };
        if op.method != method {
            if !other_methods.contains(&op.method.as_str()) {
                other_methods.push(op.method.as_str());
            }
            continue;
        }
        let mut parts = Vec::with_capacity(segments.len());
        let mut failed = None;
        for (t, s) in template.iter().zip(&segments) {
            match t {
                Segment::Literal(l) => parts.push((*l).to_owned()),
                Segment::Variable(name) => match encode_param(op, name, s) {
                    Ok(v) => parts.push(v),
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                },
            }
        }
        if let Some(e) = failed {
            type_error.get_or_insert(e);
            continue;
        }
        if best.as_ref().is_none_or(|(n, _, _)| literals > *n) {
            best = Some((literals, op, parts));
        }
    }
    if let Some((_, operation, parts)) = best {
        return Ok(Resolved {
            operation,
            path: format!("/{}", parts.join("/")),
        });
    }
    if let Some(e) = type_error {
        return Err(e);
    }
    let shown = format!("/{}", segments.join("/"));
    if !other_methods.is_empty() {
        return Err(format!(
            "path: {} {shown} is not an operation of the spec; that path takes {}",
            method.as_str(),
            other_methods.join(", ")
        ));
    }
    Err(format!(
        "path: no ConnectWise operation matches {shown}; find one with cw_search_endpoints"
    ))
}

/// The decoded segments of a caller's path, or why it is refused.
fn checked_segments(raw: &str) -> Result<Vec<String>, String> {
    let path = raw.trim();
    if path.is_empty() {
        return Err("path: empty; give an API path such as /service/tickets".into());
    }
    let lower = path.to_ascii_lowercase();
    if lower.contains("://")
        || path.starts_with("//")
        || lower.starts_with("http:")
        || lower.starts_with("https:")
    {
        return Err(format!(
            "path: {path:?} names a scheme or host; give only the API path (e.g. /service/tickets): requests go to the configured ConnectWise site and nowhere else"
        ));
    }
    if path.contains('?') || path.contains('#') {
        return Err(format!(
            "path: {path:?} carries a query or fragment; put query parameters in `query`, e.g. {{\"conditions\": \"id > 5\"}}"
        ));
    }
    if path.contains('\\') || path.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(format!(
            "path: {path:?} contains a backslash, whitespace or a control character"
        ));
    }
    for bad in ["%2f", "%5c", "%2e", "%00", "%3f", "%23"] {
        if lower.contains(bad) {
            return Err(format!(
                "path: {path:?} contains an encoded slash, backslash, dot, query or NUL ({bad}); write path parameters plainly, they are encoded for you"
            ));
        }
    }
    // The API root a caller may paste in front of a path is dropped.
    let path = path.strip_prefix(API_ROOT).unwrap_or(path);
    let mut segments = Vec::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        let decoded = decode_segment(seg).ok_or_else(|| format!("path: {seg:?} has a malformed %-escape"))?;
        if decoded == "." || decoded == ".." {
            return Err(format!(
                "path: {raw:?} contains a `{decoded}` segment; relative paths are refused"
            ));
        }
        segments.push(decoded);
    }
    if segments.is_empty() {
        return Err("path: names no resource; give an API path such as /service/tickets".into());
    }
    Ok(segments)
}

/// A path parameter checked against its declared type and encoded.
fn encode_param(op: &Operation, name: &str, value: &str) -> Result<String, String> {
    let ty = op
        .path_params()
        .find(|p| p.name.eq_ignore_ascii_case(name))
        .map(|p| p.ty)
        .unwrap_or("string");
    let bad = |what: &str| {
        format!(
            "path parameter `{name}` of {} {} must be {what}, got {value:?}",
            op.method.as_str(),
            op.path
        )
    };
    match ty {
        "integer" => value
            .parse::<i64>()
            .ok()
            .filter(|_| value.bytes().all(|b| b.is_ascii_digit()))
            .map(|n| n.to_string())
            .ok_or_else(|| bad("an integer")),
        "number" => value
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(|_| value.to_owned())
            .ok_or_else(|| bad("a number")),
        "boolean" => match value.to_ascii_lowercase().as_str() {
            "true" | "false" => Ok(value.to_ascii_lowercase()),
            _ => Err(bad("true or false")),
        },
        _ => Ok(encode_segment(value)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(method: Method, path: &str) -> (String, &'static str) {
        let r = resolve(method, path).unwrap_or_else(|e| panic!("{path}: {e}"));
        (r.path, r.operation.id)
    }

    fn refused(method: Method, path: &str) -> String {
        resolve(method, path).expect_err(path)
    }

    #[test]
    fn paths_match_templates_and_literals_win_over_variables() {
        assert_eq!(
            ok(Method::Get, "/service/tickets/5"),
            ("/service/tickets/5".into(), "getServiceTicketsById")
        );
        assert_eq!(
            ok(Method::Get, "service/Tickets/count").1,
            "getServiceTicketsCount"
        );
        assert_eq!(
            ok(Method::Get, &format!("{API_ROOT}/service/tickets")).1,
            "getServiceTickets"
        );
        assert_eq!(ok(Method::Post, "/service/tickets").1, "postServiceTickets");
    }

    #[test]
    fn escapes_and_wrong_types_are_refused_with_the_reason() {
        assert!(refused(Method::Get, "/service/../system/members").contains("`..` segment"));
        assert!(refused(Method::Get, "/service/tickets/1%2F..%2Fx").contains("encoded slash"));
        assert!(refused(Method::Get, "http://evil.example/service/tickets").contains("scheme or host"));
        assert!(refused(Method::Get, "//evil.example/service/tickets").contains("scheme or host"));
        assert!(
            refused(Method::Get, "/service/tickets?conditions=id>1")
                .contains("put query parameters in `query`")
        );
        assert!(refused(Method::Get, "/service/tickets/abc").contains("`id`"));
        assert!(refused(Method::Get, "/service/tickets/-1").contains("must be an integer"));
        assert!(refused(Method::Get, "/no/such/thing").contains("cw_search_endpoints"));
        assert!(refused(Method::Delete, "/service/tickets").contains("takes GET, POST"));
    }

    #[test]
    fn string_parameters_are_encoded() {
        let r = resolve(Method::Get, "/procurement/catalog/ABC%20123/quantityOnHand").unwrap();
        assert_eq!(r.path, "/procurement/catalog/ABC%20123/quantityOnHand");
    }
}
