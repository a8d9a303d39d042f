//! What the plan step reads of a normalised spec: operations by id or by
//! `METHOD path`, their parameters in progenitor's positional order, their
//! records, and whether a schema has a field.

use crate::normalize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A normalised spec, its operations indexed by operationId.
pub struct Api<'a> {
    spec: &'a Value,
    /// operationId → (lower-case method, path).
    by_id: BTreeMap<&'a str, (&'a str, &'a str)>,
}

/// One operation, as the generator needs it.
pub struct Operation<'a> {
    /// Lower case, as in the spec (`get`).
    pub method: &'a str,
    pub path: &'a str,
    op: &'a Value,
}

/// Where a parameter goes, in progenitor's positional order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    Path(String),
    Query(String),
}

impl<'a> Api<'a> {
    pub fn new(spec: &'a Value) -> Api<'a> {
        let mut by_id = BTreeMap::new();
        let paths = spec.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for method in normalize::METHODS {
                let id = item.get(method).and_then(|op| op.get("operationId"));
                if let Some(id) = id.and_then(Value::as_str) {
                    by_id.insert(id, (method, path.as_str()));
                }
            }
        }
        Api { spec, by_id }
    }

    pub fn operation(&self, id: &str) -> Option<Operation<'a>> {
        let (method, path) = *self.by_id.get(id)?;
        let op = self.spec.get("paths")?.get(path)?.get(method)?;
        Some(Operation { method, path, op })
    }

    /// The operationId at `method` (lower case) and `path`, if any.
    pub fn id_at(&self, method: &str, path: &str) -> Option<&'a str> {
        let op = self.spec.get("paths")?.get(path)?.get(method)?;
        op.get("operationId").and_then(Value::as_str)
    }

    /// For a GET `…/count` answering `Count`: the record of the list at
    /// the same path without `/count`, whose conditions it takes.
    pub fn counted(&self, op: &Operation<'_>) -> Option<String> {
        let list = op.path.strip_suffix("/count").filter(|_| op.method == "get")?;
        if op.record()?.0 != "Count" {
            return None;
        }
        let id = self.id_at("get", list)?;
        let (record, is_list) = self.operation(id)?.record()?;
        is_list.then_some(record)
    }

    /// Walks a `/`-separated field path through a component schema, following
    /// `$ref`s and list items; `_info/…` is always there.
    pub fn has_field(&self, schema: &str, path: &str) -> bool {
        self.walk(schema, path).is_some()
    }

    /// The schema of a field (`$ref`s followed): what a written value must
    /// be (its `enum`, the "Max length: N;" of its description). `None` for
    /// `_info/…`, which is never written.
    pub fn field(&self, schema: &str, path: &str) -> Option<&'a Value> {
        self.walk(schema, path)?.and_then(|field| self.resolve(field))
    }

    /// `None`: no such field; `Some(None)`: somewhere under `_info`.
    fn walk(&self, schema: &str, path: &str) -> Option<Option<&'a Value>> {
        let mut current = self
            .spec
            .pointer(&format!("/components/schemas/{}", schema.replace('/', "~1")))?;
        for segment in path.split('/') {
            let resolved = self.resolve(current)?;
            current = match resolved.get("items") {
                Some(items) => self.resolve(items)?,
                None => resolved,
            };
            if segment == "_info" && current.pointer("/properties/_info").is_some() {
                return Some(None);
            }
            current = current.get("properties").and_then(|p| p.get(segment))?;
        }
        Some(Some(current))
    }

    /// Follows `$ref`s until a schema that is not one; `None` when one dangles.
    fn resolve(&self, mut schema: &'a Value) -> Option<&'a Value> {
        while let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            schema = self.spec.pointer(r.trim_start_matches('#'))?;
        }
        Some(schema)
    }
}

impl Operation<'_> {
    /// Parameters as progenitor orders its positional arguments: path
    /// parameters in template order, then query parameters by name.
    pub fn positional(&self) -> Vec<Param> {
        let path = normalize::template_variables(self.path)
            .into_iter()
            .map(|var| Param::Path(var.to_owned()));
        let params = self.op.get("parameters").and_then(Value::as_array);
        let mut query: Vec<String> = params
            .into_iter()
            .flatten()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        query.sort();
        path.chain(query.into_iter().map(Param::Query)).collect()
    }

    pub fn has_path_param(&self, name: &str) -> bool {
        normalize::template_variables(self.path).contains(&name)
    }

    /// `(schema name, is a list)` of the success response.
    pub fn record(&self) -> Option<(String, bool)> {
        let responses = self.op.get("responses")?.as_object()?;
        let schema = responses
            .iter()
            .find(|(code, _)| code.starts_with('2'))
            .and_then(|(_, r)| r.pointer("/content/application~1json/schema"))?;
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            return Some((ref_name(r).to_owned(), false));
        }
        let r = schema.pointer("/items/$ref").and_then(Value::as_str)?;
        Some((ref_name(r).to_owned(), true))
    }

    pub fn has_body(&self) -> bool {
        self.body_schema().is_some()
    }

    /// The request body's schema name, when it is a named schema.
    pub fn body_record(&self) -> Option<&str> {
        self.body_schema()?
            .get("$ref")
            .and_then(Value::as_str)
            .map(ref_name)
    }

    fn body_schema(&self) -> Option<&Value> {
        self.op.pointer("/requestBody/content/application~1json/schema")
    }
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Value {
        json!({
            "paths": {
                "/t/{parentId}/notes": { "get": {
                    "operationId": "getNotes",
                    "parameters": [
                        { "name": "pageSize", "in": "query" },
                        { "name": "parentId", "in": "path" },
                        { "name": "conditions", "in": "query" },
                    ],
                    "responses": { "200": { "content": { "application/json": {
                        "schema": { "type": "array", "items": { "$ref": "#/components/schemas/Note" } } } } } },
                } },
            },
            "components": { "schemas": {
                "Note": { "properties": {
                    "member": { "$ref": "#/components/schemas/MemberRef" },
                    "tags": { "type": "array", "items": { "$ref": "#/components/schemas/Tag" } },
                    "_info": { "type": "object" },
                } },
                "MemberRef": { "properties": { "identifier": { "type": "string" } } },
                "Tag": { "properties": { "name": { "type": "string" } } },
            } },
        })
    }

    #[test]
    fn operations_are_found_by_id_and_by_method_and_path() {
        let spec = spec();
        let api = Api::new(&spec);
        let op = api.operation("getNotes").expect("indexed");
        assert_eq!((op.method, op.path), ("get", "/t/{parentId}/notes"));
        assert_eq!(
            op.positional(),
            [
                Param::Path("parentId".into()),
                Param::Query("conditions".into()),
                Param::Query("pageSize".into()),
            ]
        );
        assert_eq!(op.record(), Some(("Note".into(), true)));
        assert!(op.has_path_param("parentId") && !op.has_path_param("id"));
        assert!(!op.has_body());
        assert_eq!(api.id_at("get", "/t/{parentId}/notes"), Some("getNotes"));
        assert_eq!(api.id_at("post", "/t/{parentId}/notes"), None);
        assert!(api.operation("getNope").is_none());
    }

    #[test]
    fn field_paths_follow_refs_and_list_items() {
        let spec = spec();
        let api = Api::new(&spec);
        assert!(api.has_field("Note", "member/identifier"));
        assert!(api.has_field("Note", "tags/name"));
        assert!(
            api.has_field("Note", "_info/lastUpdated"),
            "_info/… is always there"
        );
        assert!(!api.has_field("Note", "member/name"));
        assert_eq!(
            api.field("Note", "member/identifier"),
            Some(&json!({ "type": "string" }))
        );
        assert!(
            api.field("Note", "member")
                .is_some_and(|m| m.get("properties").is_some())
        );
        assert_eq!(api.field("Note", "_info/lastUpdated"), None);
        assert!(!api.has_field("Nope", "id"));
    }
}
