//! The shape of an answer, chosen by measurement (`benches/answers.rs`).
//!
//! A list is column names once, then one array per row. Nested references
//! are flattened to path columns (`company/identifier`), the same paths
//! `fields` and `conditions` use. Columns with no value on any row (null,
//! empty, or a flag that is false on every row) are left out; a column with
//! one value on every row (often because the filter fixed it) is said once,
//! under `same`.
//!
//! ```
//! use connectwise_mcp::tool::table::Table;
//! use serde_json::json;
//! let rows = vec![
//!     json!({"id": 1, "member": {"identifier": "JSmith"}, "notes": "Reboot", "billable": null}),
//!     json!({"id": 2, "member": {"identifier": "JSmith"}, "notes": "Patch"}),
//! ];
//! let table = Table::new(&rows, &["id", "member/identifier", "notes", "billable"]);
//! assert_eq!(
//!     table.to_json(),
//!     json!({"columns": ["id", "notes"], "rows": [[1, "Reboot"], [2, "Patch"]],
//!            "same": {"member/identifier": "JSmith"}})
//! );
//! ```
//!
//! One record is shaped the same way ([`flat_record`]): path keys, and no
//! key without a value. Objects in a list inside a record get path keys too,
//! and a labelled value (`{"type": {"name": "Email"}, "value": "a@b.com"}`)
//! is the text `Email: a@b.com`.

use serde_json::{Map, Value, json};

/// The rows of a list answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
    /// Columns with one value on every row, left out of the rows.
    pub same: Map<String, Value>,
}

impl Table {
    /// `records` as rows. Columns come in the order of `fields` (the paths
    /// asked for; a path may name a whole reference, `company`), then in the
    /// order first seen.
    pub fn new(records: &[Value], fields: &[&str]) -> Table {
        let flat: Vec<Map<String, Value>> = records.iter().map(flatten).collect();
        let mut columns: Vec<String> = Vec::new();
        for row in &flat {
            for key in row.keys() {
                if !columns.contains(key) {
                    columns.push(key.clone());
                }
            }
        }
        let rank = |column: &str| {
            fields
                .iter()
                .position(|f| column == *f || column.starts_with(&format!("{f}/")))
                .unwrap_or(fields.len())
        };
        // Stable: ties keep the order first seen.
        columns.sort_by_key(|c| rank(c));
        columns.retain(|c| flat.iter().any(|row| row.get(c).is_some_and(|v| !is_empty(v))));
        let mut same = Map::new();
        if flat.len() > 1 {
            columns.retain(|c| {
                let first = flat[0].get(c);
                match first {
                    Some(value) if flat.iter().all(|row| row.get(c) == Some(value)) => {
                        same.insert(c.clone(), value.clone());
                        false
                    }
                    _ => true,
                }
            });
        }
        let rows = flat
            .iter()
            .map(|row| {
                columns
                    .iter()
                    .map(|c| row.get(c).cloned().unwrap_or(Value::Null))
                    .collect()
            })
            .collect();
        Table { columns, rows, same }
    }

    /// The compact JSON of one row, as it appears in the answer.
    pub fn row_len(row: &[Value]) -> usize {
        serde_json::to_string(row).map(|s| s.len()).unwrap_or(0) + 1
    }

    /// The bytes the answer takes without any row.
    pub fn frame_len(&self) -> usize {
        let frame = Table {
            columns: self.columns.clone(),
            rows: Vec::new(),
            same: self.same.clone(),
        };
        frame.to_json().to_string().len()
    }

    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert("columns".into(), json!(self.columns));
        out.insert("rows".into(), json!(self.rows));
        if !self.same.is_empty() {
            out.insert("same".into(), Value::Object(self.same.clone()));
        }
        Value::Object(out)
    }
}

/// One record shaped like a row: path keys (`company/identifier`), and no
/// key without a value (null, empty, a flag that is false).
pub fn flat_record(record: &Value) -> Value {
    match record {
        Value::Object(_) => {
            let mut flat = flatten(record);
            flat.retain(|_, v| !is_empty(v));
            Value::Object(flat)
        }
        other => other.clone(),
    }
}

/// Whether a cell says nothing: null, `false`, empty text, an empty list or
/// object. (A flag is false unless set: a column of flags none of which is
/// set says as little as an empty one.)
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

/// A record's fields as path → value; objects are flattened, lists kept
/// whole (a list of objects is one cell), scalars as they are.
fn flatten(record: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    match record {
        Value::Object(map) => {
            for (key, value) in map {
                flatten_into(key, value, &mut out);
            }
        }
        other => {
            out.insert("value".into(), other.clone());
        }
    }
    out
}

fn flatten_into(path: &str, value: &Value, out: &mut Map<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, inner) in map {
                flatten_into(&format!("{path}/{key}"), inner, out);
            }
        }
        Value::Array(items) if items.iter().any(Value::is_object) => {
            out.insert(path.to_owned(), items.iter().map(list_item).collect());
        }
        other => {
            out.insert(path.to_owned(), other.clone());
        }
    }
}

/// One object of a list inside a record (a contact's `communicationItems`),
/// with path keys like the record's own; a labelled value (`value` and one
/// text beside it: `{"type": {"name": "Email"}, "value": "a@b.com"}`) is
/// the text `Email: a@b.com`, a third of the JSON (measured on contacts,
/// `benches/compare`). The server instructions say so once.
fn list_item(item: &Value) -> Value {
    let Value::Object(_) = item else {
        return item.clone();
    };
    let mut flat = flatten(item);
    flat.retain(|_, v| !v.is_null());
    let label = flat
        .iter()
        .find(|(k, _)| k.as_str() != "value")
        .and_then(|(_, v)| v.as_str());
    match (flat.len(), label, flat.get("value")) {
        (2, Some(label), Some(Value::String(value))) => Value::String(format!("{label}: {value}")),
        (2, Some(label), Some(value @ (Value::Number(_) | Value::Bool(_)))) => {
            Value::String(format!("{label}: {value}"))
        }
        _ => Value::Object(flat),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_follow_fields_and_references_are_flattened() {
        let rows = [json!({"summary": "Printer", "id": 7, "company": {"id": 2, "identifier": "ACME"}})];
        let t = Table::new(&rows, &["id", "summary", "company"]);
        assert_eq!(t.columns, ["id", "summary", "company/id", "company/identifier"]);
        assert_eq!(
            t.rows,
            [vec![json!(7), json!("Printer"), json!(2), json!("ACME")]]
        );
    }

    #[test]
    fn a_missing_field_is_null_and_a_column_empty_everywhere_is_left_out() {
        let rows = [
            json!({"id": 1, "notes": "", "title": "CEO", "vipFlag": false, "onsiteFlag": true}),
            json!({"id": 2, "notes": null, "vipFlag": false, "onsiteFlag": false}),
        ];
        let t = Table::new(&rows, &["id", "title", "notes"]);
        assert_eq!(t.columns, ["id", "title", "onsiteFlag"]);
        assert_eq!(t.rows[1], [json!(2), Value::Null, json!(false)]);
    }

    #[test]
    fn a_column_with_one_value_on_every_row_is_said_once() {
        let same = [
            json!({"id": 1, "status": "Open"}),
            json!({"id": 2, "status": "Open"}),
        ];
        let t = Table::new(&same, &["id", "status"]);
        assert_eq!(
            (t.columns.clone(), t.same.get("status")),
            (vec!["id".to_owned()], Some(&json!("Open")))
        );
        // ConnectWise compares text without regard to case: a filter on
        // "open" may match "Open" and "OPEN"; then the rows keep their own.
        let differ = [
            json!({"id": 1, "status": "Open"}),
            json!({"id": 2, "status": "OPEN"}),
        ];
        assert_eq!(Table::new(&differ, &["id", "status"]).columns, ["id", "status"]);
        // One row is one row: nothing moves.
        assert!(Table::new(&same[..1], &["id", "status"]).same.is_empty());
    }

    #[test]
    fn a_record_gets_path_keys_and_loses_keys_without_value() {
        let record = json!({"id": 8, "closedFlag": false, "board": {"name": "Alerts"}, "notes": "", "resources": null});
        assert_eq!(flat_record(&record), json!({"id": 8, "board/name": "Alerts"}));
    }

    #[test]
    fn labelled_values_in_a_list_are_label_colon_value_and_other_objects_get_path_keys() {
        let contact = json!({"id": 1, "communicationItems": [
            {"type": {"id": 1, "name": "Email"}, "value": "ann@acme.com"},
            {"type": {"name": "Direct"}, "value": "6035554337", "extension": null},
        ], "customFields": [{"id": 7, "caption": "Link", "value": "https://x"}]});
        let t = Table::new(std::slice::from_ref(&contact), &["id", "communicationItems"]);
        // The first item keeps its type id: three fields are not a labelled value.
        assert_eq!(
            t.rows[0][1],
            json!([{"type/id": 1, "type/name": "Email", "value": "ann@acme.com"}, "Direct: 6035554337"])
        );
        assert_eq!(
            t.rows[0][2],
            json!([{"id": 7, "caption": "Link", "value": "https://x"}])
        );
        // A list of scalars stays as it is.
        let tags = flat_record(&json!({"id": 2, "types": ["Client", "Vendor"]}));
        assert_eq!(tags["types"], json!(["Client", "Vendor"]));
    }

    #[test]
    fn text_with_commas_quotes_and_newlines_stays_one_cell() {
        let rows = [json!({"id": 1, "text": "a, \"b\"\nc"})];
        let t = Table::new(&rows, &[]);
        let back: Value = serde_json::from_str(&t.to_json().to_string()).unwrap();
        assert_eq!(back["rows"][0][1], "a, \"b\"\nc");
    }
}
