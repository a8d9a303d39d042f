//! How a record ConnectWise sent differs from what the spec promised.
//!
//! Real tenants send shapes the spec does not describe: `null` where a string
//! was promised, enum values added in later releases, fields the spec does
//! not list, a scalar where a list was promised, keys in odd casing
//! (`"Sort": 0`). Reads must survive all of them, so nothing here rejects a
//! record: [`deviations`] only lists what differs, for the log (once per
//! schema and field, see `client::read`) and for `connectwise-mcp doctor`.
//!
//! ```
//! use connectwise_mcp::spec::shape::{deviations, Kind};
//! let ticket = serde_json::json!({"id": 8, "summary": null, "severity": "Catastrophic", "colour": "red"});
//! let found = deviations("Ticket", &ticket);
//! let kinds: Vec<(&str, &Kind)> = found.iter().map(|d| (d.field.as_str(), &d.kind)).collect();
//! assert!(kinds.contains(&("summary", &Kind::Null)));
//! assert!(kinds.contains(&("severity", &Kind::UnknownEnum("Catastrophic".into()))));
//! assert!(kinds.contains(&("colour", &Kind::Extra)));
//! ```

use super::validate::resolve;
use serde_json::Value;
use std::fmt;

/// One way a value differs from its schema.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `null` where the spec promised a value.
    Null,
    /// A JSON type other than the one promised (`expected`, `found`).
    Type {
        expected: &'static str,
        found: &'static str,
    },
    /// A string the spec's enum does not list.
    UnknownEnum(String),
    /// A field the schema does not have.
    Extra,
    /// A field the schema has, spelled in another case (`Sort` for `sort`).
    Casing { spec: String },
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Kind::Null => write!(f, "null"),
            Kind::Type { expected, found } => write!(f, "{found} where the spec has {expected}"),
            Kind::UnknownEnum(v) => write!(f, "value {v:?} not in the spec's list"),
            Kind::Extra => write!(f, "not in the spec"),
            Kind::Casing { spec } => write!(f, "spelled differently from the spec's {spec:?}"),
        }
    }
}

/// One deviation: the field (a `/` path from the record, list indexes left
/// out, so that every record of a list names a field the same way) and how.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Deviation {
    pub field: String,
    pub kind: Kind,
}

impl fmt::Display for Deviation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.kind)
    }
}

/// The deviations in a few words: fields not in the spec are counted per
/// parent when there are many (an expanded reference brings dozens), and at
/// most `max` items are spelled out.
///
/// ```
/// use connectwise_mcp::spec::shape::{summary, Deviation, Kind};
/// let extra = |f: &str| Deviation { field: f.into(), kind: Kind::Extra };
/// let mut found: Vec<Deviation> = (0..5).map(|i| extra(&format!("owner/f{i}"))).collect();
/// found.push(Deviation { field: "summary".into(), kind: Kind::Null });
/// assert_eq!(summary(&found, 10), "owner/…: 5 fields not in the spec; summary: null");
/// ```
pub fn summary(found: &[Deviation], max: usize) -> String {
    let mut items: Vec<String> = Vec::new();
    let mut extras: Vec<(&str, usize)> = Vec::new();
    for d in found.iter().filter(|d| d.kind == Kind::Extra) {
        let parent = d.field.rsplit_once('/').map_or("", |(p, _)| p);
        match extras.iter_mut().find(|(p, _)| *p == parent) {
            Some((_, n)) => *n += 1,
            None => extras.push((parent, 1)),
        }
    }
    for d in found {
        let parent = d.field.rsplit_once('/').map_or("", |(p, _)| p);
        match (&d.kind, extras.iter().find(|(p, _)| *p == parent)) {
            (Kind::Extra, Some((p, n))) if *n > 3 => {
                let item = format!(
                    "{}{n} fields not in the spec",
                    if p.is_empty() {
                        String::new()
                    } else {
                        format!("{p}/…: ")
                    }
                );
                if !items.contains(&item) {
                    items.push(item);
                }
            }
            _ => items.push(d.to_string()),
        }
    }
    let more = items.len().saturating_sub(max);
    items.truncate(max);
    if more > 0 {
        items.push(format!("and {more} more"));
    }
    items.join("; ")
}

/// Deeper than this, values are not looked at (records nest a few levels).
const MAX_DEPTH: usize = 12;

/// How `value` differs from the component schema `schema_name` (an unknown
/// schema name: nothing is known, so nothing differs). Each deviation is
/// listed once, however many times it occurs.
pub fn deviations(schema_name: &str, value: &Value) -> Vec<Deviation> {
    let Some(schema) = super::schema(schema_name) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    walk(schema, value, "", 0, &mut found);
    found
}

fn push(found: &mut Vec<Deviation>, field: &str, kind: Kind) {
    let d = Deviation {
        field: field.to_owned(),
        kind,
    };
    if !found.contains(&d) {
        found.push(d);
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}/{key}")
    }
}

fn walk(schema: &'static Value, value: &Value, path: &str, depth: usize, found: &mut Vec<Deviation>) {
    if depth > MAX_DEPTH {
        return;
    }
    let schema = resolve(schema);
    let ty = schema.get("type").and_then(Value::as_str);
    let is_object = ty == Some("object") || schema.get("properties").is_some();
    if value.is_null() {
        let nullable = schema.get("nullable").and_then(Value::as_bool) == Some(true);
        if (ty.is_some() || is_object) && !nullable {
            push(found, path, Kind::Null);
        }
        return;
    }
    let wrong = |expected, found: &mut Vec<Deviation>| {
        push(
            found,
            path,
            Kind::Type {
                expected,
                found: json_type(value),
            },
        )
    };
    match ty {
        Some("string") => match value.as_str() {
            None => wrong("string", found),
            Some(s) => {
                if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
                    && !allowed.iter().any(|a| a.as_str() == Some(s))
                {
                    push(found, path, Kind::UnknownEnum(s.to_owned()));
                }
            }
        },
        Some("integer") if !(value.is_i64() || value.is_u64()) => wrong("integer", found),
        Some("number") if !value.is_number() => wrong("number", found),
        Some("boolean") if !value.is_boolean() => wrong("boolean", found),
        Some("array") => match (value.as_array(), schema.get("items")) {
            (None, _) => wrong("array", found),
            (Some(items), Some(item_schema)) => {
                for item in items {
                    walk(item_schema, item, path, depth + 1, found);
                }
            }
            (Some(_), None) => {}
        },
        _ if is_object => match value.as_object() {
            None => wrong("object", found),
            Some(object) => walk_object(schema, object, path, depth, found),
        },
        _ => {}
    }
}

fn walk_object(
    schema: &'static Value,
    object: &serde_json::Map<String, Value>,
    path: &str,
    depth: usize,
    found: &mut Vec<Deviation>,
) {
    let props = schema.get("properties").and_then(Value::as_object);
    let extras = schema.get("additionalProperties");
    for (key, v) in object {
        let field = join(path, key);
        match props.and_then(|p| p.get(key)) {
            Some(prop) => walk(prop, v, &field, depth + 1, found),
            None => {
                let cased = props.and_then(|p| p.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)));
                match (cased, extras) {
                    (Some((spec, prop)), _) => {
                        push(found, &field, Kind::Casing { spec: spec.clone() });
                        walk(prop, v, &field, depth + 1, found);
                    }
                    // A map (`_info`: any keys, values of one schema).
                    (None, Some(extra)) if extra.is_object() => walk(extra, v, &field, depth + 1, found),
                    (None, Some(Value::Bool(true))) => {}
                    (None, _) => push(found, &field, Kind::Extra),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn kinds(schema: &str, value: Value) -> Vec<String> {
        deviations(schema, &value)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_record_as_the_spec_describes_it_has_no_deviation() {
        let ticket = json!({
            "id": 8, "summary": "Printer offline", "closedFlag": false,
            "board": {"id": 1, "name": "Service Desk", "_info": {"board_href": "https://x//service/boards/1"}},
            "_info": {"lastUpdated": "2026-11-20T17:00:00Z"},
        });
        assert_eq!(kinds("Ticket", ticket), Vec::<String>::new());
    }

    #[test]
    fn every_kind_of_deviation_is_named_with_its_field() {
        let ticket = json!({
            "id": "8",
            "summary": null,
            "board": {"id": 1, "Name": "Service Desk"},
            "status": [{"id": 1}],
            "customFields": {"id": 3},
            "severity": "Catastrophic",
            "mood": "grumpy",
        });
        let found = kinds("Ticket", ticket);
        for want in [
            "id: string where the spec has integer",
            "summary: null",
            "board/Name: spelled differently from the spec's \"name\"",
            "status: array where the spec has object",
            "customFields: object where the spec has array",
            "severity: value \"Catastrophic\" not in the spec's list",
            "mood: not in the spec",
        ] {
            assert!(found.iter().any(|f| f == want), "{want} not in {found:?}");
        }
    }

    #[test]
    fn a_deviation_repeated_in_a_list_is_listed_once_without_indexes() {
        let company = json!({"id": 1, "types": [{"id": 1, "extra": 1}, {"id": 2, "extra": 2}]});
        assert_eq!(kinds("Company", company), ["types/extra: not in the spec"]);
        assert!(deviations("NoSuchSchema", &json!({"x": 1})).is_empty());
    }
}
