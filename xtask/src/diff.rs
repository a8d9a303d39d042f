//! What changed between two normalised OpenAPI documents, as data.
//!
//! Both sides are compared *after* normalisation, so that the known upstream
//! defects (vendor media types, the `clientId` header, …) do not show up as
//! changes, and so that the diff speaks about the API the generated client
//! actually exposes.
//!
//! Operations are matched by `METHOD path` (a renamed operationId is reported as
//! a change of that operation); schemas by their name under
//! `components/schemas`.

use crate::normalize::{METHODS, for_each_operation};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One operation, named the way the reports name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct OperationRef {
    /// The path template, e.g. `/service/tickets/{id}`.
    pub path: String,
    /// Upper case, e.g. `GET`.
    pub method: String,
    /// The operationId (`?` when there is none).
    pub id: String,
}

impl fmt::Display for OperationRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({} {})", self.id, self.method, self.path)
    }
}

/// One way an operation changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OperationChange {
    OperationId {
        from: String,
        to: String,
    },
    Summary {
        from: Option<String>,
        to: Option<String>,
    },
    ParameterAdded {
        name: String,
        location: String,
        ty: String,
        required: bool,
    },
    ParameterRemoved {
        name: String,
        location: String,
        ty: String,
    },
    /// `what` is `location`, `type` or `required`.
    ParameterChanged {
        name: String,
        what: &'static str,
        from: String,
        to: String,
    },
    /// `None` is "no request body".
    RequestBody {
        from: Option<String>,
        to: Option<String>,
    },
    ResponseAdded {
        status: String,
        schema: String,
    },
    ResponseRemoved {
        status: String,
        schema: String,
    },
    ResponseChanged {
        status: String,
        from: String,
        to: String,
    },
}

impl fmt::Display for OperationChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use OperationChange::*;
        match self {
            OperationId { from, to } => write!(f, "operationId: {from} → {to}"),
            Summary { from, to } => write!(f, "summary: {} → {}", quoted(from), quoted(to)),
            ParameterAdded {
                name,
                location,
                ty,
                required,
            } => {
                let req = if *required { ", required" } else { "" };
                write!(f, "parameter `{name}` added ({location}, {ty}{req})")
            }
            ParameterRemoved { name, location, ty } => {
                write!(f, "parameter `{name}` removed (was {location}, {ty})")
            }
            ParameterChanged { name, what, from, to } => {
                write!(f, "parameter `{name}` {what}: {from} → {to}")
            }
            RequestBody { from, to } => write!(
                f,
                "request body: {} → {}",
                from.as_deref().unwrap_or("none"),
                to.as_deref().unwrap_or("none")
            ),
            ResponseAdded { status, schema } => write!(f, "response {status} added ({schema})"),
            ResponseRemoved { status, schema } => {
                write!(f, "response {status} removed (was {schema})")
            }
            ResponseChanged { status, from, to } => write!(f, "response {status}: {from} → {to}"),
        }
    }
}

/// One way a component schema changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaChange {
    PropertyAdded {
        name: String,
        ty: String,
    },
    PropertyRemoved {
        name: String,
        ty: String,
    },
    PropertyType {
        name: String,
        from: String,
        to: String,
    },
    /// Same type, something else differs (enum values, nullable, description…).
    PropertyOther {
        name: String,
        detail: String,
    },
    RequiredAdded {
        name: String,
    },
    RequiredRemoved {
        name: String,
    },
    /// A change outside the properties (the schema's own type, enum, composition…).
    Definition {
        detail: String,
    },
}

impl fmt::Display for SchemaChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SchemaChange::*;
        match self {
            PropertyAdded { name, ty } => write!(f, "property `{name}` added ({ty})"),
            PropertyRemoved { name, ty } => write!(f, "property `{name}` removed (was {ty})"),
            PropertyType { name, from, to } => write!(f, "property `{name}` type: {from} → {to}"),
            PropertyOther { name, detail } => write!(f, "property `{name}`: {detail}"),
            RequiredAdded { name } => write!(f, "`{name}` is now required"),
            RequiredRemoved { name } => write!(f, "`{name}` is no longer required"),
            Definition { detail } => write!(f, "{detail}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedOperation {
    /// As named in the new document.
    pub operation: OperationRef,
    pub changes: Vec<OperationChange>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedSchema {
    pub name: String,
    pub changes: Vec<SchemaChange>,
}

/// Every API change between two normalised documents, each list sorted
/// (operations by path then method, schemas by name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecDiff {
    pub operations_added: Vec<OperationRef>,
    pub operations_removed: Vec<OperationRef>,
    pub operations_changed: Vec<ChangedOperation>,
    pub schemas_added: Vec<String>,
    pub schemas_removed: Vec<String>,
    pub schemas_changed: Vec<ChangedSchema>,
}

impl SpecDiff {
    /// Compares two *normalised* documents.
    pub fn between(old: &Value, new: &Value) -> SpecDiff {
        let mut diff = SpecDiff::default();
        let old_ops = operations(old);
        let new_ops = operations(new);
        for (key, op) in &new_ops {
            match old_ops.get(key) {
                None => diff.operations_added.push(op.reference(key)),
                Some(before) => {
                    let changes = operation_changes(before, op);
                    if !changes.is_empty() {
                        diff.operations_changed.push(ChangedOperation {
                            operation: op.reference(key),
                            changes,
                        });
                    }
                }
            }
        }
        for (key, op) in &old_ops {
            if !new_ops.contains_key(key) {
                diff.operations_removed.push(op.reference(key));
            }
        }

        let empty = Map::new();
        let schemas = |doc: &'_ Value| -> Map<String, Value> {
            doc.pointer("/components/schemas")
                .and_then(Value::as_object)
                .unwrap_or(&empty)
                .clone()
        };
        let (old_schemas, new_schemas) = (schemas(old), schemas(new));
        let old_names: BTreeSet<&String> = old_schemas.keys().collect();
        let new_names: BTreeSet<&String> = new_schemas.keys().collect();
        diff.schemas_added = new_names.difference(&old_names).map(|s| s.to_string()).collect();
        diff.schemas_removed = old_names.difference(&new_names).map(|s| s.to_string()).collect();
        for name in new_names.intersection(&old_names) {
            let changes = schema_changes(&old_schemas[*name], &new_schemas[*name]);
            if !changes.is_empty() {
                diff.schemas_changed.push(ChangedSchema {
                    name: name.to_string(),
                    changes,
                });
            }
        }
        diff
    }

    pub fn is_empty(&self) -> bool {
        self.operations_added.is_empty()
            && self.operations_removed.is_empty()
            && self.operations_changed.is_empty()
            && self.schemas_added.is_empty()
            && self.schemas_removed.is_empty()
            && self.schemas_changed.is_empty()
    }

    /// The one-line tally, e.g. `operations: 1 added, 0 removed, 2 changed; schemas: …`.
    pub fn totals(&self) -> String {
        format!(
            "operations: {} added, {} removed, {} changed; schemas: {} added, {} removed, {} changed",
            self.operations_added.len(),
            self.operations_removed.len(),
            self.operations_changed.len(),
            self.schemas_added.len(),
            self.schemas_removed.len(),
            self.schemas_changed.len(),
        )
    }
}

impl fmt::Display for SpecDiff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return writeln!(f, "  no API changes");
        }
        writeln!(f, "  {}", self.totals())?;
        let section = |f: &mut fmt::Formatter<'_>, title: &str, n: usize| {
            if n > 0 {
                writeln!(f, "\n  {title} ({n}):")
            } else {
                Ok(())
            }
        };
        section(f, "operations added", self.operations_added.len())?;
        for op in &self.operations_added {
            writeln!(f, "    + {op}")?;
        }
        section(f, "operations removed", self.operations_removed.len())?;
        for op in &self.operations_removed {
            writeln!(f, "    - {op}")?;
        }
        section(f, "operations changed", self.operations_changed.len())?;
        for op in &self.operations_changed {
            writeln!(f, "    ~ {}", op.operation)?;
            for change in &op.changes {
                writeln!(f, "        {change}")?;
            }
        }
        section(f, "schemas added", self.schemas_added.len())?;
        for name in &self.schemas_added {
            writeln!(f, "    + {name}")?;
        }
        section(f, "schemas removed", self.schemas_removed.len())?;
        for name in &self.schemas_removed {
            writeln!(f, "    - {name}")?;
        }
        section(f, "schemas changed", self.schemas_changed.len())?;
        for schema in &self.schemas_changed {
            writeln!(f, "    ~ {}", schema.name)?;
            for change in &schema.changes {
                writeln!(f, "        {change}")?;
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------
// Operations

/// `(path, index of the method in METHODS)`: sorts by path, then in the
/// conventional method order.
type OpKey = (String, usize);

struct OperationView<'a> {
    method: &'static str,
    op: &'a Value,
}

impl OperationView<'_> {
    fn id(&self) -> String {
        self.op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    }

    fn reference(&self, key: &OpKey) -> OperationRef {
        OperationRef {
            path: key.0.clone(),
            method: self.method.to_uppercase(),
            id: self.id(),
        }
    }
}

fn operations(doc: &Value) -> BTreeMap<OpKey, OperationView<'_>> {
    let mut out = BTreeMap::new();
    for_each_operation(doc, |path, method, _| {
        let index = METHODS.iter().position(|m| *m == method).unwrap_or(METHODS.len());
        let method = METHODS[index];
        // `for_each_operation` hands out a borrow of the callback's lifetime
        // only, so look the operation up again with the document's.
        if let Some(op) = doc
            .get("paths")
            .and_then(|p| p.get(path))
            .and_then(|i| i.get(method))
        {
            out.insert((path.to_owned(), index), OperationView { method, op });
        }
    });
    out
}

struct Param {
    location: String,
    required: bool,
    ty: String,
}

fn parameters(op: &Value) -> BTreeMap<String, Param> {
    let mut out = BTreeMap::new();
    for p in op
        .get("parameters")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(name) = p.get("name").and_then(Value::as_str) else {
            continue;
        };
        out.insert(
            name.to_owned(),
            Param {
                location: p.get("in").and_then(Value::as_str).unwrap_or("?").to_owned(),
                required: p.get("required") == Some(&Value::Bool(true)),
                ty: type_label(p.get("schema")),
            },
        );
    }
    out
}

/// The schema of the first media type of a `content` object, labelled;
/// `no content` when there is none.
fn content_label(holder: &Value) -> String {
    match holder
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.values().next())
    {
        Some(media) => type_label(media.get("schema")),
        None => "no content".to_owned(),
    }
}

fn operation_changes(old: &OperationView<'_>, new: &OperationView<'_>) -> Vec<OperationChange> {
    use OperationChange::*;
    let mut changes = Vec::new();
    let (old_id, new_id) = (old.id(), new.id());
    if old_id != new_id {
        changes.push(OperationId {
            from: old_id,
            to: new_id,
        });
    }
    let summary = |v: &Value| v.get("summary").and_then(Value::as_str).map(str::to_owned);
    let (old_summary, new_summary) = (summary(old.op), summary(new.op));
    if old_summary != new_summary {
        changes.push(Summary {
            from: old_summary,
            to: new_summary,
        });
    }

    let (old_params, new_params) = (parameters(old.op), parameters(new.op));
    for (name, p) in &new_params {
        match old_params.get(name) {
            None => changes.push(ParameterAdded {
                name: name.clone(),
                location: p.location.clone(),
                ty: p.ty.clone(),
                required: p.required,
            }),
            Some(before) => {
                let mut changed = |what, from: String, to: String| {
                    if from != to {
                        changes.push(ParameterChanged {
                            name: name.clone(),
                            what,
                            from,
                            to,
                        });
                    }
                };
                changed("location", before.location.clone(), p.location.clone());
                changed("type", before.ty.clone(), p.ty.clone());
                changed("required", before.required.to_string(), p.required.to_string());
            }
        }
    }
    for (name, p) in &old_params {
        if !new_params.contains_key(name) {
            changes.push(ParameterRemoved {
                name: name.clone(),
                location: p.location.clone(),
                ty: p.ty.clone(),
            });
        }
    }

    let body = |v: &Value| v.get("requestBody").map(content_label);
    let (old_body, new_body) = (body(old.op), body(new.op));
    if old_body != new_body {
        changes.push(RequestBody {
            from: old_body,
            to: new_body,
        });
    }

    let responses = |v: &Value| -> BTreeMap<String, String> {
        v.get("responses")
            .and_then(Value::as_object)
            .map(|r| {
                r.iter()
                    .map(|(status, r)| (status.clone(), content_label(r)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (old_responses, new_responses) = (responses(old.op), responses(new.op));
    for (status, schema) in &new_responses {
        match old_responses.get(status) {
            None => changes.push(ResponseAdded {
                status: status.clone(),
                schema: schema.clone(),
            }),
            Some(before) if before != schema => changes.push(ResponseChanged {
                status: status.clone(),
                from: before.clone(),
                to: schema.clone(),
            }),
            Some(_) => {}
        }
    }
    for (status, schema) in &old_responses {
        if !new_responses.contains_key(status) {
            changes.push(ResponseRemoved {
                status: status.clone(),
                schema: schema.clone(),
            });
        }
    }
    changes
}

// ---------------------------------------------------------------------------
// Schemas

fn schema_changes(old: &Value, new: &Value) -> Vec<SchemaChange> {
    use SchemaChange::*;
    let mut changes = Vec::new();
    if old == new {
        return changes;
    }
    let empty = Map::new();
    let props = |v: &'_ Value| {
        v.get("properties")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_else(|| empty.clone())
    };
    let (old_props, new_props) = (props(old), props(new));
    for (name, schema) in &new_props {
        match old_props.get(name) {
            None => changes.push(PropertyAdded {
                name: name.clone(),
                ty: type_label(Some(schema)),
            }),
            Some(before) if before != schema => {
                let (from, to) = (type_label(Some(before)), type_label(Some(schema)));
                if from != to {
                    changes.push(PropertyType {
                        name: name.clone(),
                        from,
                        to,
                    });
                } else {
                    changes.push(PropertyOther {
                        name: name.clone(),
                        detail: detail(before, schema),
                    });
                }
            }
            Some(_) => {}
        }
    }
    for (name, schema) in &old_props {
        if !new_props.contains_key(name) {
            changes.push(PropertyRemoved {
                name: name.clone(),
                ty: type_label(Some(schema)),
            });
        }
    }

    let required = |v: &Value| -> BTreeSet<String> {
        v.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| r.as_str().map(str::to_owned))
            .collect()
    };
    let (old_required, new_required) = (required(old), required(new));
    for name in new_required.difference(&old_required) {
        changes.push(RequiredAdded { name: name.clone() });
    }
    for name in old_required.difference(&new_required) {
        changes.push(RequiredRemoved { name: name.clone() });
    }

    // Whatever is left outside `properties` and `required`.
    let rest = |v: &Value| -> Value {
        let mut v = v.clone();
        if let Some(obj) = v.as_object_mut() {
            obj.remove("properties");
            obj.remove("required");
        }
        v
    };
    let (old_rest, new_rest) = (rest(old), rest(new));
    if old_rest != new_rest {
        let (from, to) = (type_label(Some(old)), type_label(Some(new)));
        changes.push(Definition {
            detail: if from != to {
                format!("type: {from} → {to}")
            } else {
                detail(&old_rest, &new_rest)
            },
        });
    }
    changes
}

/// Says what differs between two schemas of the same type label.
fn detail(old: &Value, new: &Value) -> String {
    let mut parts = Vec::new();
    let strings = |v: &Value| -> Vec<String> {
        v.get("enum")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|e| match e {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    };
    let (old_enum, new_enum) = (strings(old), strings(new));
    if old_enum != new_enum {
        let added: Vec<&str> = new_enum
            .iter()
            .filter(|e| !old_enum.contains(e))
            .map(String::as_str)
            .collect();
        let removed: Vec<&str> = old_enum
            .iter()
            .filter(|e| !new_enum.contains(e))
            .map(String::as_str)
            .collect();
        let mut text = "enum values".to_owned();
        if !added.is_empty() {
            text.push_str(&format!(" added [{}]", added.join(", ")));
        }
        if !removed.is_empty() {
            text.push_str(&format!(" removed [{}]", removed.join(", ")));
        }
        if added.is_empty() && removed.is_empty() {
            text.push_str(" reordered");
        }
        parts.push(text);
    }
    let flag = |v: &Value, k: &str| v.get(k) == Some(&Value::Bool(true));
    for key in ["nullable", "readOnly", "deprecated"] {
        if flag(old, key) != flag(new, key) {
            parts.push(format!("{key}: {} → {}", flag(old, key), flag(new, key)));
        }
    }
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    if text(old, "description") != text(new, "description") {
        parts.push(format!(
            "description: {} → {}",
            quoted(&text(old, "description")),
            quoted(&text(new, "description"))
        ));
    }
    if parts.is_empty() {
        parts.push("definition changed".to_owned());
    }
    parts.join("; ")
}

/// A short, readable name for a schema: `Ticket` for a `$ref`,
/// `integer(int32)`, `array of Ticket`, `object`, `allOf[A, B]`, `any`.
pub fn type_label(schema: Option<&Value>) -> String {
    let Some(schema) = schema.filter(|s| s.is_object()) else {
        return "none".to_owned();
    };
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        if let Some(parts) = schema.get(key).and_then(Value::as_array) {
            let parts: Vec<String> = parts.iter().map(|p| type_label(Some(p))).collect();
            return format!("{key}[{}]", parts.join(", "));
        }
    }
    let ty = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(other) => other.to_string(),
        None if schema.get("properties").is_some() => "object".to_owned(),
        None => return "any".to_owned(),
    };
    if ty == "array" {
        return format!("array of {}", type_label(schema.get("items")));
    }
    if ty == "object"
        && schema.get("properties").is_none()
        && let Some(values) = schema.get("additionalProperties").filter(|v| v.is_object())
    {
        return format!("map of {}", type_label(Some(values)));
    }
    match schema.get("format").and_then(Value::as_str) {
        Some(format) => format!("{ty}({format})"),
        None => ty,
    }
}

fn quoted(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("{s:?}"),
        None => "none".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(paths: Value, schemas: Value) -> Value {
        json!({ "openapi": "3.0.1", "info": {}, "paths": paths, "components": { "schemas": schemas } })
    }

    #[test]
    fn identical_documents_have_no_changes() {
        let d = doc(
            json!({ "/a": { "get": { "operationId": "getA" } } }),
            json!({ "A": { "type": "object" } }),
        );
        let diff = SpecDiff::between(&d, &d);
        assert!(diff.is_empty());
        assert_eq!(diff.to_string(), "  no API changes\n");
    }

    #[test]
    fn type_labels_are_short() {
        assert_eq!(
            type_label(Some(&json!({ "$ref": "#/components/schemas/Ticket" }))),
            "Ticket"
        );
        assert_eq!(
            type_label(Some(&json!({ "type": "integer", "format": "int32" }))),
            "integer(int32)"
        );
        assert_eq!(
            type_label(Some(
                &json!({ "type": "array", "items": { "$ref": "#/components/schemas/T" } })
            )),
            "array of T"
        );
        assert_eq!(type_label(Some(&json!({}))), "any");
        assert_eq!(type_label(None), "none");
        assert_eq!(
            type_label(Some(
                &json!({ "type": "object", "additionalProperties": { "type": "string" } })
            )),
            "map of string"
        );
    }

    #[test]
    fn operation_changes_are_itemised() {
        let old = doc(
            json!({ "/a/{id}": { "get": { "operationId": "getA", "summary": "Get A", "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                { "name": "gone", "in": "query", "schema": { "type": "string" } } ],
                "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/A" } } } } } } } }),
            json!({}),
        );
        let new = doc(
            json!({ "/a/{id}": { "get": { "operationId": "getA", "summary": "Get an A", "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": "fresh", "in": "query", "schema": { "type": "boolean" } } ],
                "requestBody": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/B" } } } },
                "responses": { "200": { "content": { "application/json": { "schema": { "$ref": "#/components/schemas/B" } } } },
                               "404": { "description": "no" } } } } }),
            json!({}),
        );
        let diff = SpecDiff::between(&old, &new);
        assert_eq!(diff.operations_changed.len(), 1);
        let text: Vec<String> = diff.operations_changed[0]
            .changes
            .iter()
            .map(|c| c.to_string())
            .collect();
        assert_eq!(
            text,
            [
                "summary: \"Get A\" → \"Get an A\"",
                "parameter `fresh` added (query, boolean)",
                "parameter `id` type: integer → string",
                "parameter `gone` removed (was query, string)",
                "request body: none → B",
                "response 200: A → B",
                "response 404 added (no content)",
            ]
        );
    }

    #[test]
    fn schema_changes_are_itemised() {
        let old = doc(
            json!({}),
            json!({ "S": { "type": "object", "required": ["a"], "properties": {
                "a": { "type": "string" }, "b": { "type": "string", "enum": ["X", "Y"] }, "c": { "type": "integer" } } },
                "E": { "type": "string", "enum": ["P"] } }),
        );
        let new = doc(
            json!({}),
            json!({ "S": { "type": "object", "required": ["b"], "properties": {
                "a": { "type": "integer" }, "b": { "type": "string", "enum": ["X", "Z"] }, "d": { "type": "boolean" } } },
                "E": { "type": "string", "enum": ["P", "Q"] } }),
        );
        let diff = SpecDiff::between(&old, &new);
        let find = |n: &str| diff.schemas_changed.iter().find(|s| s.name == n).unwrap();
        let text: Vec<String> = find("S").changes.iter().map(|c| c.to_string()).collect();
        assert_eq!(
            text,
            [
                "property `a` type: string → integer",
                "property `b`: enum values added [Z] removed [Y]",
                "property `d` added (boolean)",
                "property `c` removed (was integer)",
                "`b` is now required",
                "`a` is no longer required",
            ]
        );
        assert_eq!(
            find("E").changes,
            [SchemaChange::Definition {
                detail: "enum values added [Q]".into()
            }]
        );
    }
}
