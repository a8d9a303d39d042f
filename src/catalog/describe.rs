//! One operation explained compactly enough for a model: parameters, body
//! fields (flattened, required marked, max lengths and enums), response
//! fields, an example `cw_call`, and its function in `cw_run`'s `cw` object.

use super::{Method, Operation};
use crate::spec::validate::{max_length, ref_name, resolve, schema_named};
use serde_json::{Map, Value, json};

/// At most this many body fields are listed (the rest are counted).
const MAX_FIELDS: usize = 80;

/// The description of `op`, as a JSON object; `curated_tool` names the
/// tool that already wraps it, if any.
pub fn describe(op: &'static Operation, curated_tool: Option<&str>) -> Value {
    let mut out = Map::new();
    out.insert("operation_id".into(), json!(op.id));
    out.insert("method".into(), json!(op.method.as_str()));
    out.insert("path".into(), json!(op.path));
    out.insert("summary".into(), json!(op.summary));
    out.insert("tier".into(), json!(op.tier.as_str()));
    if let Some(tool) = curated_tool {
        out.insert("curated_tool".into(), json!(tool));
    }
    let path: Map<String, Value> = op.path_params().map(|p| (p.name.into(), json!(p.ty))).collect();
    if !path.is_empty() {
        out.insert("path_params".into(), Value::Object(path));
    }
    let query: Vec<String> = op
        .query_params()
        .map(|p| format!("{}: {}", p.name, p.ty))
        .collect();
    if !query.is_empty() {
        out.insert("query_params".into(), json!(query));
    }
    if let Some(name) = op.request_schema {
        out.insert("body".into(), body(op, name));
    }
    if let Some(name) = op.response_schema {
        out.insert(
            "response".into(),
            json!({
                "schema": name,
                "list": op.response_is_array,
                "fields": response_fields(name),
            }),
        );
    }
    out.insert("example".into(), example(op));
    out.insert("code".into(), json!(super::script::declaration(op)));
    Value::Object(out)
}

fn body(op: &Operation, name: &'static str) -> Value {
    if op.method == Method::Patch || op.request_is_array && name == "PatchOperation" {
        return json!({
            "kind": "JSON Patch list",
            "shape": [{"op": "replace", "path": "status", "value": {"id": 5}}],
        });
    }
    let mut fields = Map::new();
    let mut total = 0;
    if let Some(schema) = schema_named(name) {
        flatten(schema, "", 0, &mut fields, &mut total);
    }
    let mut out = json!({ "schema": name, "fields": fields });
    if op.request_is_array {
        out["array"] = json!(true);
    }
    if total > MAX_FIELDS {
        out["more_fields"] = json!(total - MAX_FIELDS);
    }
    out
}

/// `field path → "type, required, max N, one of …"`; references as `x/id`.
fn flatten(
    schema: &'static Value,
    prefix: &str,
    depth: usize,
    out: &mut Map<String, Value>,
    total: &mut usize,
) {
    let schema = resolve(schema);
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return;
    };
    // Required fields first, so the cap never hides them.
    let mut ordered: Vec<(&String, &'static Value)> = props.iter().collect();
    ordered.sort_by_key(|(k, _)| !required.contains(&k.as_str()));
    for (key, prop) in ordered {
        if key == "_info" || (depth == 0 && key == "id") {
            continue;
        }
        let resolved = resolve(prop);
        let path = format!("{prefix}{key}");
        let nested = resolved.get("properties").and_then(Value::as_object);
        match nested {
            // A reference to another record: its id is what a body sets.
            Some(p) if p.contains_key("id") && depth < 2 => {
                *total += 1;
                if out.len() < MAX_FIELDS {
                    let mut words = vec!["integer".to_owned()];
                    if required.contains(&key.as_str()) {
                        words.push("required".into());
                    }
                    out.insert(format!("{path}/id"), json!(words.join(", ")));
                }
            }
            Some(_) if depth < 2 => flatten(resolved, &format!("{path}/"), depth + 1, out, total),
            _ => {
                *total += 1;
                if out.len() < MAX_FIELDS {
                    out.insert(
                        path,
                        json!(field_words(resolved, required.contains(&key.as_str()))),
                    );
                }
            }
        }
    }
}

fn field_words(schema: &Value, required: bool) -> String {
    let mut words = vec![type_of(schema)];
    if required {
        words.push("required".into());
    }
    if let Some(max) = max_length(schema) {
        words.push(format!("max {max}"));
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let names: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
        words.push(format!("one of {}", names.join("|")));
    }
    words.join(", ")
}

fn type_of(schema: &Value) -> String {
    let ty = schema.get("type").and_then(Value::as_str).unwrap_or("object");
    match (ty, schema.get("format").and_then(Value::as_str)) {
        ("string", Some("date-time")) => "date-time".into(),
        ("array", _) => {
            let items = schema
                .get("items")
                .map(|i| ref_name(i).map(str::to_owned).unwrap_or_else(|| type_of(i)));
            format!("array of {}", items.unwrap_or_else(|| "any".into()))
        }
        (t, _) => t.to_owned(),
    }
}

/// `name: type` of the response record's top-level fields, space-separated.
fn response_fields(name: &str) -> String {
    let Some(props) = schema_named(name)
        .map(resolve)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
    else {
        return String::new();
    };
    props
        .iter()
        .filter(|(k, _)| *k != "_info")
        .map(|(k, v)| {
            let ty = ref_name(v)
                .map(|r| r.trim_end_matches("Reference").to_owned() + "Ref")
                .unwrap_or_else(|| type_of(resolve(v)));
            format!("{k}:{ty}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A `cw_call` that would work, with placeholders for what the caller knows.
fn example(op: &Operation) -> Value {
    let mut path = op.path.to_owned();
    for p in op.path_params() {
        let value = if p.ty == "integer" || p.ty == "number" {
            "1"
        } else {
            "X"
        };
        path = path.replace(&format!("{{{}}}", p.name), value);
    }
    let mut call = json!({ "method": op.method.as_str(), "path": path });
    if op.is_list() {
        call["query"] = json!({ "conditions": "id > 0", "pageSize": 25 });
    }
    match (op.method, op.request_schema) {
        (Method::Patch, _) => {
            call["body"] = json!([{"op": "replace", "path": "name", "value": "New name"}]);
        }
        (_, Some(name)) => {
            let mut body = Map::new();
            if let Some(schema) = schema_named(name).map(resolve) {
                let props = schema.get("properties").and_then(Value::as_object);
                for field in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let Some(field) = field.as_str() else { continue };
                    let prop = props.and_then(|p| p.get(field)).map(resolve);
                    body.insert(field.to_owned(), placeholder(prop));
                }
            }
            call["body"] = Value::Object(body);
        }
        _ => {}
    }
    call
}

fn placeholder(schema: Option<&Value>) -> Value {
    let Some(schema) = schema else { return json!("…") };
    if let Some(first) = schema.pointer("/enum/0") {
        return first.clone();
    }
    match (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    ) {
        (Some("integer" | "number"), _) => json!(1),
        (Some("boolean"), _) => json!(false),
        (Some("string"), Some("date-time")) => json!("2026-01-01T00:00:00Z"),
        (Some("string"), _) => json!("…"),
        (Some("array"), _) => json!([]),
        _ => json!({"id": 1}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::by_id;

    #[test]
    fn a_create_is_described_with_required_fields_limits_and_an_example() {
        let d = describe(by_id("postServiceTickets").unwrap(), Some("cw_create_ticket"));
        let fields = &d["body"]["fields"];
        let summary = fields["summary"].as_str().unwrap();
        assert!(
            summary.contains("required") && summary.contains("max 100"),
            "{summary}"
        );
        assert!(fields.get("board/id").is_some(), "{fields}");
        assert_eq!(d["example"]["method"], "POST");
        assert!(d["example"]["body"].get("summary").is_some(), "{}", d["example"]);
        assert_eq!(d["curated_tool"], "cw_create_ticket");
        assert!(serde_json::to_string(&d).unwrap().len() < 8000);
    }
}
