//! Spec normalisation: the upstream ConnectWise OpenAPI document in, a document
//! progenitor accepts out.
//!
//! The upstream document has real defects (see `spec/PROVENANCE.md`). We never
//! edit it by hand; every fix is a named [`Rule`] with a one-line reason, applied
//! here, in code, and reported. After the rules run, [`audit`] looks for anything
//! the generator cannot take; a defect no rule covers fails normalisation with a
//! message naming the operation or schema, instead of a panic deep inside
//! progenitor.
//!
//! This crate is the one home of normalisation for `build.rs` (a
//! build-dependency), `xtask` and the library (re-exported as
//! `spec::normalize`), so it depends on nothing but `std` and `serde_json`.

use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// The HTTP methods an OpenAPI path item can carry operations for.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One named fix.
pub struct Rule {
    /// Short kebab-case name, shown in reports.
    pub name: &'static str,
    /// Why the rule exists, in one line.
    pub reason: &'static str,
    /// Applies the fix; returns one entry per place it changed (e.g.
    /// `"GET /company/configurations: managedIdentifier"`).
    pub apply: fn(&mut Value) -> Vec<String>,
}

/// Every rule, in the order they run. Order matters where noted.
pub const RULES: &[Rule] = &[
    Rule {
        name: "vendor-json-media-type",
        reason: "ConnectWise labels JSON `application/vnd.connectwise.com+json; version=…`; progenitor only types `application/json`",
        apply: vendor_json_media_type,
    },
    Rule {
        name: "truncated-route-constraint",
        reason: "route constraints such as `{memberIdentifier:regex(^(types. |(` were cut off upstream; the template keeps only `{name}`",
        apply: truncated_route_constraint,
    },
    Rule {
        name: "path-missing-slash",
        reason: "`…/events{grandparentId}/…` lacks the `/` before its parameter",
        apply: path_missing_slash,
    },
    Rule {
        name: "path-param-not-in-template",
        reason: "parameters declared `in: path` but absent from the template are query parameters to ConnectWise",
        apply: path_param_not_in_template,
    },
    Rule {
        name: "undeclared-path-variable",
        reason: "a `{name}` in the template with no declared parameter gets a required string path parameter",
        apply: undeclared_path_variable,
    },
    Rule {
        name: "client-id-header",
        reason: "the `clientId` header is sent once by the client runtime, from configuration, not per call",
        apply: client_id_header,
    },
    Rule {
        name: "multipart-body",
        reason: "progenitor cannot generate `multipart/form-data` bodies; such operations are left to the raw HTTP client",
        apply: multipart_body,
    },
    Rule {
        name: "required-not-a-property",
        reason: "`required` names that are not properties: matched case-insensitively (`Server` → `server`), else dropped",
        apply: required_not_a_property,
    },
    Rule {
        name: "nullable-enum",
        reason: "`nullable: true` enums do not list `null`; the generator needs it listed to accept null values",
        apply: nullable_enum,
    },
    Rule {
        name: "patch-operation-value",
        reason: "`PatchOperation.value` is typed as an object, but JSON Patch values are any JSON value",
        apply: patch_operation_value,
    },
    Rule {
        name: "object-means-any-value",
        reason: "C# `object` fields (a custom field's `value`, a question's `answer`) are written `{type: object, additionalProperties: {}}`; real values are strings, numbers, booleans or null",
        apply: object_means_any_value,
    },
    Rule {
        name: "operation-id-artefacts",
        reason: "operationIds carrying route-constraint debris (`…regextypes`) are rebuilt from the method and path",
        apply: operation_id_artefacts,
    },
    Rule {
        name: "summary-type-names",
        reason: "summaries such as `Get List of ConnectWise.Apis.v3_0.v2015_3.Service.Ticket.Ticket` keep only the type name",
        apply: summary_type_names,
    },
    Rule {
        name: "default-only-response",
        reason: "operations whose only response is `default` (no content) get an explicit `204` so the generator types them as no-content",
        apply: default_only_response,
    },
];

/// Rules for the generator's copy only. The normalised document keeps what
/// these remove, because the simulator and body validation need it.
pub const GENERATOR_RULES: &[Rule] = &[Rule {
    name: "required-on-create-only",
    reason: "`required` means required on create; a `fields` projection returns any subset, so generated record types make every field optional",
    apply: required_on_create_only,
}];

/// What one rule did.
pub struct Applied {
    pub rule: &'static Rule,
    /// One entry per place changed; empty when the rule found nothing to fix.
    pub fixes: Vec<String>,
}

/// A normalised document and the record of what was done to it.
pub struct Normalized {
    pub spec: Value,
    pub applied: Vec<Applied>,
}

impl Normalized {
    /// The copy progenitor reads: the normalised document with
    /// [`GENERATOR_RULES`] applied, and what they did.
    pub fn for_generator(&self) -> (Value, Vec<Applied>) {
        let mut spec = self.spec.clone();
        let applied = GENERATOR_RULES
            .iter()
            .map(|rule| Applied {
                rule,
                fixes: (rule.apply)(&mut spec),
            })
            .collect();
        (spec, applied)
    }

    /// `(rule name, number of fixes)` for every rule, in order.
    pub fn counts(&self) -> Vec<(&'static str, usize)> {
        self.applied
            .iter()
            .map(|a| (a.rule.name, a.fixes.len()))
            .collect()
    }
}

/// A problem left after the rules ran, named by where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Defect {
    /// `operation getFoo (GET /foo)` or `schema Foo`.
    pub location: String,
    pub problem: String,
}

impl fmt::Display for Defect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.problem)
    }
}

/// Why a document could not be normalised.
#[derive(Debug)]
pub enum NormalizeError {
    NotJson(String),
    NotOpenApi(String),
    Defects(Vec<Defect>),
}

impl fmt::Display for NormalizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NormalizeError::NotJson(e) => write!(f, "the spec is not valid JSON: {e}"),
            NormalizeError::NotOpenApi(e) => write!(f, "the spec is not an OpenAPI 3 document: {e}"),
            NormalizeError::Defects(defects) => {
                write!(
                    f,
                    "the spec has {} defect(s) that no normalisation rule covers \
                     (add a rule in spec/normalize/src/lib.rs):",
                    defects.len()
                )?;
                for d in defects.iter().take(20) {
                    write!(f, "\n  - {d}")?;
                }
                if defects.len() > 20 {
                    write!(f, "\n  … and {} more", defects.len() - 20)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for NormalizeError {}

/// Parses and normalises a document given as text.
pub fn normalize_str(text: &str) -> Result<Normalized, NormalizeError> {
    let spec: Value = serde_json::from_str(text).map_err(|e| NormalizeError::NotJson(e.to_string()))?;
    normalize(spec)
}

/// Runs every rule, then the audit.
pub fn normalize(mut spec: Value) -> Result<Normalized, NormalizeError> {
    check_shape(&spec)?;
    let applied = RULES
        .iter()
        .map(|rule| Applied {
            rule,
            fixes: (rule.apply)(&mut spec),
        })
        .collect();
    let defects = audit(&spec);
    if !defects.is_empty() {
        return Err(NormalizeError::Defects(defects));
    }
    Ok(Normalized { spec, applied })
}

fn check_shape(spec: &Value) -> Result<(), NormalizeError> {
    let not = |m: &str| Err(NormalizeError::NotOpenApi(m.to_string()));
    let Some(obj) = spec.as_object() else {
        return not("the top level is not a JSON object");
    };
    match obj.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => {}
        Some(v) => return not(&format!("`openapi` is {v:?}; only 3.x is supported")),
        None => return not("there is no `openapi` version field"),
    }
    if !obj.get("paths").is_some_and(Value::is_object) {
        return not("there is no `paths` object");
    }
    if !obj.get("info").is_some_and(Value::is_object) {
        return not("there is no `info` object");
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Walking the document

/// Calls `f(path, method, operation)` for every operation.
pub fn for_each_operation(spec: &Value, mut f: impl FnMut(&str, &str, &Value)) {
    let Some(paths) = spec.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                f(path, method, op);
            }
        }
    }
}

fn for_each_operation_mut(spec: &mut Value, mut f: impl FnMut(&str, &str, &mut Value)) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        for method in METHODS {
            if let Some(op) = item.get_mut(method) {
                f(path, method, op);
            }
        }
    }
}

/// `GET /foo` style label for reports.
fn label(method: &str, path: &str) -> String {
    format!("{} {path}", method.to_uppercase())
}

fn operation_location(method: &str, path: &str, op: &Value) -> String {
    match op.get("operationId").and_then(Value::as_str) {
        Some(id) => format!("operation {id} ({})", label(method, path)),
        None => format!("operation {}", label(method, path)),
    }
}

/// Visits every JSON object in `v`, depth first, with its JSON pointer.
fn visit_objects_mut(v: &mut Value, at: &mut String, f: &mut impl FnMut(&str, &mut Map<String, Value>)) {
    match v {
        Value::Object(map) => {
            f(at, map);
            for (k, child) in map.iter_mut() {
                let len = at.len();
                at.push('/');
                at.push_str(k);
                visit_objects_mut(child, at, f);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter_mut().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                visit_objects_mut(child, at, f);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

fn visit_objects(v: &Value, at: &mut String, f: &mut impl FnMut(&str, &Map<String, Value>)) {
    match v {
        Value::Object(map) => {
            f(at, map);
            for (k, child) in map {
                let len = at.len();
                at.push('/');
                at.push_str(k);
                visit_objects(child, at, f);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let len = at.len();
                at.push('/');
                at.push_str(&i.to_string());
                visit_objects(child, at, f);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Rebuilds the `paths` object with some keys renamed, keeping order.
fn rename_paths(spec: &mut Value, rename: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let mut fixes = Vec::new();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return fixes;
    };
    let old = std::mem::take(paths);
    for (path, item) in old {
        match rename(&path) {
            Some(new) if new != path => {
                fixes.push(format!("{path} → {new}"));
                match paths.get_mut(&new).and_then(Value::as_object_mut) {
                    // Two templates collapse into one: merge their methods.
                    Some(existing) => {
                        if let Value::Object(item) = item {
                            for (k, v) in item {
                                existing.entry(k).or_insert(v);
                            }
                        }
                    }
                    None => {
                        paths.insert(new, item);
                    }
                }
            }
            _ => {
                paths.insert(path, item);
            }
        }
    }
    fixes
}

/// Names of the `{variables}` in a path template.
pub fn template_variables(path: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

// ---------------------------------------------------------------------------
// The rules

/// The media type ConnectWise labels its JSON with (followed by `; version=…`).
pub const VENDOR_JSON: &str = "application/vnd.connectwise.com+json";

fn vendor_json_media_type(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    for_each_operation_mut(spec, |path, method, op| {
        let Some(op) = op.as_object_mut() else { return };
        let mut contents: Vec<&mut Value> = Vec::new();
        for (key, part) in op.iter_mut() {
            match key.as_str() {
                "requestBody" => contents.extend(part.get_mut("content")),
                "responses" => {
                    if let Some(responses) = part.as_object_mut() {
                        contents.extend(responses.values_mut().filter_map(|r| r.get_mut("content")));
                    }
                }
                _ => {}
            }
        }
        for content in contents {
            let Some(content) = content.as_object_mut() else {
                continue;
            };
            let vendor: Vec<String> = content
                .keys()
                .filter(|k| k.starts_with(VENDOR_JSON))
                .cloned()
                .collect();
            for key in vendor {
                let media = content.remove(&key).unwrap_or(Value::Null);
                content.entry("application/json").or_insert(media);
                fixes.push(label(method, path));
            }
        }
    });
    fixes
}

/// `{name:constraint…` (possibly without the closing brace, when the upstream
/// generator cut it off) becomes `{name}`.
fn strip_route_constraints(path: &str) -> Option<String> {
    if !path.contains(':') {
        return None;
    }
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('}');
        let inner = &after[..end.unwrap_or(after.len())];
        let name = inner.split(':').next().unwrap_or(inner);
        out.push('{');
        out.push_str(name);
        out.push('}');
        rest = match end {
            Some(end) => &after[end + 1..],
            None => "",
        };
    }
    out.push_str(rest);
    Some(out)
}

fn truncated_route_constraint(spec: &mut Value) -> Vec<String> {
    rename_paths(spec, strip_route_constraints)
}

fn path_missing_slash(spec: &mut Value) -> Vec<String> {
    rename_paths(spec, |path| {
        let mut out = String::with_capacity(path.len() + 2);
        let mut prev = '/';
        for c in path.chars() {
            if c == '{' && prev != '/' {
                out.push('/');
            }
            out.push(c);
            prev = c;
        }
        (out != path).then_some(out)
    })
}

fn path_param_not_in_template(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    for_each_operation_mut(spec, |path, method, op| {
        let vars: BTreeSet<&str> = template_variables(path).into_iter().collect();
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            return;
        };
        let query_names: BTreeSet<String> = params
            .iter()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        let mut kept = Vec::with_capacity(params.len());
        for mut p in std::mem::take(params) {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            if p["in"] == "path" && !vars.contains(name.as_str()) {
                fixes.push(format!("{}: {name}", label(method, path)));
                if query_names.contains(&name) {
                    continue; // already a query parameter; drop the duplicate
                }
                p["in"] = json!("query");
                p["required"] = json!(false);
            }
            kept.push(p);
        }
        *params = kept;
    });
    fixes
}

fn undeclared_path_variable(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    for_each_operation_mut(spec, |path, method, op| {
        let Some(op) = op.as_object_mut() else { return };
        let params = op.entry("parameters").or_insert_with(|| json!([]));
        let Some(params) = params.as_array_mut() else {
            return;
        };
        for var in template_variables(path) {
            if !params.iter().any(|p| p["in"] == "path" && p["name"] == var) {
                fixes.push(format!("{}: {var}", label(method, path)));
                params.push(
                    json!({ "name": var, "in": "path", "required": true, "schema": { "type": "string" } }),
                );
            }
        }
    });
    fixes
}

fn client_id_header(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    for_each_operation_mut(spec, |path, method, op| {
        let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
            return;
        };
        let before = params.len();
        params.retain(|p| !(p["in"] == "header" && p["name"] == "clientId"));
        if params.len() != before {
            fixes.push(label(method, path));
        }
    });
    fixes
}

fn multipart_body(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else {
        return fixes;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let multipart = item
                .get(method)
                .and_then(|op| op.pointer("/requestBody/content"))
                .and_then(Value::as_object)
                .is_some_and(|c| c.keys().any(|k| k.starts_with("multipart/")));
            if multipart {
                item.remove(method);
                fixes.push(label(method, path));
            }
        }
    }
    paths.retain(|_, item| {
        item.as_object()
            .is_none_or(|i| METHODS.iter().any(|m| i.contains_key(*m)))
    });
    fixes
}

fn required_not_a_property(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    visit_objects_mut(spec, &mut String::new(), &mut |at, obj| {
        let (Some(Value::Array(required)), Some(Value::Object(props))) =
            (obj.get("required"), obj.get("properties"))
        else {
            return;
        };
        if required
            .iter()
            .all(|r| r.as_str().is_some_and(|r| props.contains_key(r)))
        {
            return;
        }
        let mut fixed = Vec::new();
        for r in required {
            let Some(r) = r.as_str() else { continue };
            if props.contains_key(r) {
                fixed.push(json!(r));
            } else if let Some(real) = props.keys().find(|k| k.eq_ignore_ascii_case(r)) {
                fixes.push(format!("{at}: {r} → {real}"));
                fixed.push(json!(real));
            } else {
                fixes.push(format!("{at}: {r} dropped"));
            }
        }
        obj.insert("required".into(), Value::Array(fixed));
    });
    fixes
}

fn nullable_enum(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    visit_objects_mut(spec, &mut String::new(), &mut |at, obj| {
        if obj.get("nullable") != Some(&Value::Bool(true)) {
            return;
        }
        if let Some(Value::Array(values)) = obj.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
            fixes.push(at.to_owned());
        }
    });
    fixes
}

fn patch_operation_value(spec: &mut Value) -> Vec<String> {
    match spec.pointer_mut("/components/schemas/PatchOperation/properties/value") {
        Some(value) if value.get("type").is_some() => {
            *value =
                json!({ "description": "Any JSON value: a string, number, boolean, null, object or array." });
            vec!["schema PatchOperation: value".into()]
        }
        _ => Vec::new(),
    }
}

fn object_means_any_value(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    let Some(schemas) = spec.pointer_mut("/components/schemas") else {
        return fixes;
    };
    visit_objects_mut(schemas, &mut String::new(), &mut |at, obj| {
        // A whole component schema left open is an object of unknown
        // fields, not any value: only fields and items are C# `object`s.
        let is_field = at.trim_start_matches('/').contains('/');
        let untyped = is_field
            && obj.get("type") == Some(&json!("object"))
            && obj.get("additionalProperties") == Some(&json!({}))
            && obj
                .keys()
                .all(|k| matches!(k.as_str(), "type" | "additionalProperties" | "description"));
        if untyped {
            obj.remove("type");
            obj.remove("additionalProperties");
            fixes.push(format!(
                "schema {}",
                at.trim_start_matches('/').replace("/properties/", ": ")
            ));
        }
    });
    fixes
}

/// `getSystemMembersByMemberIdentifier` from `get` and `/system/members/{memberIdentifier}`,
/// following the upstream naming convention.
pub fn operation_id_from_path(method: &str, path: &str) -> String {
    let mut id = method.to_owned();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        let (by, word) = match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(var) => ("By", var),
            None => ("", segment),
        };
        id.push_str(by);
        let mut chars = word.chars().filter(|c| c.is_ascii_alphanumeric());
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    id
}

fn operation_id_artefacts(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    for_each_operation_mut(spec, |path, method, op| {
        let Some(id) = op.get("operationId").and_then(Value::as_str) else {
            return;
        };
        if id.contains("regex") {
            let new = operation_id_from_path(method, path);
            fixes.push(format!("{id} → {new}"));
            op["operationId"] = json!(new);
        }
    });
    fixes
}

/// `ConnectWise.Apis.v3_0.v2015_3.Service.Ticket.Ticket` → `Ticket`.
fn strip_dotnet_type_names(text: &str) -> Option<String> {
    const PREFIX: &str = "ConnectWise.Apis.";
    if !text.contains(PREFIX) {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(PREFIX) {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_'))
            .unwrap_or(tail.len());
        let dotted = tail[..end].trim_end_matches('.');
        out.push_str(dotted.rsplit('.').next().unwrap_or(dotted));
        rest = &tail[dotted.len()..];
    }
    out.push_str(rest);
    Some(out)
}

fn summary_type_names(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    for_each_operation_mut(spec, |path, method, op| {
        let Some(summary) = op.get("summary").and_then(Value::as_str) else {
            return;
        };
        if let Some(new) = strip_dotnet_type_names(summary) {
            fixes.push(format!("{}: {new}", label(method, path)));
            op["summary"] = json!(new);
        }
    });
    fixes
}

fn default_only_response(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    for_each_operation_mut(spec, |path, method, op| {
        let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
            return;
        };
        let only_default = responses.len() == 1
            && responses.get("default").is_some_and(|r| {
                r.get("content")
                    .is_none_or(|c| c.as_object().is_some_and(Map::is_empty))
            });
        if only_default {
            let response = responses.remove("default").unwrap_or(Value::Null);
            responses.insert("204".into(), response);
            fixes.push(label(method, path));
        }
    });
    fixes
}

fn required_on_create_only(spec: &mut Value) -> Vec<String> {
    let mut fixes = Vec::new();
    let Some(schemas) = spec
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return fixes;
    };
    for (name, schema) in schemas.iter_mut() {
        visit_objects_mut(schema, &mut String::new(), &mut |at, obj| {
            if obj.remove("required").is_some() {
                fixes.push(format!("schema {name}{at}"));
            }
        });
    }
    fixes
}

// ---------------------------------------------------------------------------
// The audit: what the generator cannot take, named by where it is.

/// Finds every remaining defect the generator would trip on.
pub fn audit(spec: &Value) -> Vec<Defect> {
    let mut defects = Vec::new();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for_each_operation(spec, |path, method, op| {
        let location = operation_location(method, path, op);
        let mut problem = |p: String| {
            defects.push(Defect {
                location: location.clone(),
                problem: p,
            })
        };
        match op.get("operationId").and_then(Value::as_str) {
            None => problem("has no operationId".into()),
            Some(id) => {
                if let Some(other) = ids.insert(id.to_owned(), label(method, path)) {
                    problem(format!("reuses the operationId of {other}"));
                }
            }
        }
        if path.matches('{').count() != path.matches('}').count() || path.contains(':') {
            problem(format!("has a malformed path template {path:?}"));
        }
        let vars = template_variables(path);
        let params: Vec<&Value> = op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|p| p.iter().collect())
            .unwrap_or_default();
        for p in &params {
            let name = p["name"].as_str().unwrap_or("?");
            match p["in"].as_str() {
                Some("path") if !vars.contains(&name) => problem(format!(
                    "declares path parameter `{name}` that is not in the template"
                )),
                Some("path" | "query") => {}
                Some(other) => problem(format!(
                    "has a `{other}` parameter `{name}` the client cannot send"
                )),
                None => problem(format!("has parameter `{name}` without `in`")),
            }
        }
        for var in &vars {
            if !params.iter().any(|p| p["in"] == "path" && p["name"] == *var) {
                problem(format!(
                    "has template variable `{{{var}}}` with no path parameter"
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for p in &params {
            if !seen.insert(p["name"].as_str().unwrap_or("?").to_ascii_lowercase()) {
                problem(format!(
                    "declares parameter `{}` twice",
                    p["name"].as_str().unwrap_or("?")
                ));
            }
        }
        if let Some(content) = op.pointer("/requestBody/content").and_then(Value::as_object) {
            if content.len() != 1 {
                problem(format!(
                    "has {} request media types; the generator takes one",
                    content.len()
                ));
            }
            for media in content.keys().filter(|k| *k != "application/json") {
                problem(format!("has a request body of media type `{media}`"));
            }
        }
        match op.get("responses").and_then(Value::as_object) {
            None => problem("has no responses".into()),
            Some(responses) => {
                if !responses.keys().any(|c| c.starts_with('2')) {
                    problem("has no 2xx response".into());
                }
                for (code, r) in responses {
                    let Some(content) = r.get("content").and_then(Value::as_object) else {
                        continue;
                    };
                    for media in content.keys() {
                        if media != "application/json" && media != "application/octet-stream" {
                            problem(format!("response {code} has media type `{media}`"));
                        }
                    }
                }
            }
        }
    });

    if let Some(schemas) = spec.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            let location = format!("schema {name}");
            visit_objects(schema, &mut String::new(), &mut |at, obj| {
                let at = if at.is_empty() {
                    String::new()
                } else {
                    format!(" at {at}")
                };
                if let (Some(Value::Array(required)), Some(Value::Object(props))) =
                    (obj.get("required"), obj.get("properties"))
                {
                    for r in required {
                        if !r.as_str().is_some_and(|r| props.contains_key(r)) {
                            defects.push(Defect {
                                location: location.clone(),
                                problem: format!(
                                    "requires `{}`{at}, which is not a property",
                                    r.as_str().unwrap_or("?")
                                ),
                            });
                        }
                    }
                }
                if obj.get("nullable") == Some(&Value::Bool(true))
                    && let Some(Value::Array(values)) = obj.get("enum")
                    && !values.contains(&Value::Null)
                {
                    defects.push(Defect {
                        location: location.clone(),
                        problem: format!("has a nullable enum{at} that does not list null"),
                    });
                }
            });
        }
    }

    defects.extend(dangling_refs(spec));
    defects
}

/// Every local `$ref` that does not resolve, named by the operation or
/// component it is in (`operation getFoo (GET /foo)`, `schema Foo`) and where
/// inside it: path keys hold `/`, so a bare JSON pointer would not read.
fn dangling_refs(spec: &Value) -> Vec<Defect> {
    let mut defects = Vec::new();
    let mut within = |location: String, part: &Value| {
        visit_objects(part, &mut String::new(), &mut |at, obj| {
            let Some(Value::String(r)) = obj.get("$ref") else {
                return;
            };
            let resolves = r
                .strip_prefix('#')
                .is_some_and(|pointer| spec.pointer(pointer).is_some());
            if !resolves {
                let at = if at.is_empty() {
                    String::new()
                } else {
                    format!(" at {at}")
                };
                defects.push(Defect {
                    location: location.clone(),
                    problem: format!("refers to `{r}`{at}, which does not exist"),
                });
            }
        });
    };
    let Some(top) = spec.as_object() else {
        return defects;
    };
    for (key, part) in top {
        match (key.as_str(), part.as_object()) {
            ("paths", Some(paths)) => {
                for (path, item) in paths {
                    for (key, part) in item.as_object().into_iter().flatten() {
                        let location = match METHODS.contains(&key.as_str()) {
                            true => operation_location(key, path, part),
                            false => format!("path {path} ({key})"),
                        };
                        within(location, part);
                    }
                }
            }
            ("components", Some(components)) => {
                for (kind, items) in components {
                    for (name, item) in items.as_object().into_iter().flatten() {
                        let location = match kind.as_str() {
                            "schemas" => format!("schema {name}"),
                            _ => format!("components/{kind}/{name}"),
                        };
                        within(location, item);
                    }
                }
            }
            _ => within(key.clone(), part),
        }
    }
    defects
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal valid document with the given paths and schemas.
    fn doc(paths: Value, schemas: Value) -> Value {
        json!({
            "openapi": "3.0.1",
            "info": { "title": "t", "version": "1" },
            "paths": paths,
            "components": { "schemas": schemas },
        })
    }

    fn ok_response() -> Value {
        json!({ "200": { "description": "ok", "content": { "application/json": { "schema": { "type": "object" } } } } })
    }

    fn rule(name: &str) -> &'static Rule {
        RULES.iter().find(|r| r.name == name).expect("rule exists")
    }

    /// Applies one rule and returns the document and its fixes.
    fn apply(name: &str, mut spec: Value) -> (Value, Vec<String>) {
        let fixes = (rule(name).apply)(&mut spec);
        (spec, fixes)
    }

    #[test]
    fn vendor_json_media_type_becomes_application_json() {
        let spec = doc(
            json!({ "/a": { "get": { "operationId": "getA", "responses": {
                "200": { "description": "ok", "content": {
                    "application/vnd.connectwise.com+json; version=2022.1": { "schema": { "type": "string" } } } } } } } }),
            json!({}),
        );
        let (spec, fixes) = apply("vendor-json-media-type", spec);
        assert_eq!(fixes, ["GET /a"]);
        assert_eq!(
            spec.pointer("/paths/~1a/get/responses/200/content/application~1json/schema/type"),
            Some(&json!("string"))
        );
        assert!(audit(&spec).is_empty());
    }

    #[test]
    fn truncated_route_constraint_keeps_the_name() {
        let spec = doc(
            json!({ "/system/members/{memberIdentifier:regex(^(types. |(": { "get": {} } }),
            json!({}),
        );
        let (spec, fixes) = apply("truncated-route-constraint", spec);
        assert_eq!(fixes.len(), 1);
        assert!(spec["paths"].get("/system/members/{memberIdentifier}").is_some());
        assert_eq!(
            strip_route_constraints("/a/{id:int}/b").as_deref(),
            Some("/a/{id}/b")
        );
        assert_eq!(strip_route_constraints("/a/{id}"), None);
    }

    #[test]
    fn path_missing_slash_is_inserted() {
        let spec = doc(json!({ "/x/events{g}/actions/{p}": { "get": {} } }), json!({}));
        let (spec, fixes) = apply("path-missing-slash", spec);
        assert_eq!(fixes, ["/x/events{g}/actions/{p} → /x/events/{g}/actions/{p}"]);
        assert!(spec["paths"].get("/x/events/{g}/actions/{p}").is_some());
    }

    #[test]
    fn path_param_not_in_template_moves_to_query() {
        let spec = doc(
            json!({ "/c/{id}": { "get": { "operationId": "g", "responses": ok_response(), "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                { "name": "flag", "in": "path", "required": true, "schema": { "type": "boolean" } },
                { "name": "dup", "in": "path", "required": true, "schema": { "type": "string" } },
                { "name": "dup", "in": "query", "schema": { "type": "string" } },
            ] } } }),
            json!({}),
        );
        let (spec, fixes) = apply("path-param-not-in-template", spec);
        assert_eq!(fixes, ["GET /c/{id}: flag", "GET /c/{id}: dup"]);
        let params = spec.pointer("/paths/~1c~1{id}/get/parameters").unwrap();
        assert_eq!(
            params[1],
            json!({ "name": "flag", "in": "query", "required": false, "schema": { "type": "boolean" } })
        );
        assert_eq!(params.as_array().unwrap().len(), 3, "the duplicate is dropped");
        assert!(audit(&spec).is_empty(), "{:?}", audit(&spec));
    }

    #[test]
    fn undeclared_path_variable_is_declared_as_a_string() {
        let spec = doc(
            json!({ "/m/{ident}": { "get": { "operationId": "g", "responses": ok_response() } } }),
            json!({}),
        );
        assert!(audit(&spec)[0].problem.contains("no path parameter"));
        let (spec, fixes) = apply("undeclared-path-variable", spec);
        assert_eq!(fixes, ["GET /m/{ident}: ident"]);
        assert_eq!(
            spec.pointer("/paths/~1m~1{ident}/get/parameters/0"),
            Some(&json!({ "name": "ident", "in": "path", "required": true, "schema": { "type": "string" } }))
        );
        assert!(audit(&spec).is_empty());
    }

    #[test]
    fn client_id_header_is_removed() {
        let spec = doc(
            json!({ "/a": { "get": { "operationId": "g", "responses": ok_response(), "parameters": [
                { "name": "clientId", "in": "header", "required": true, "schema": { "type": "string" } } ] } } }),
            json!({}),
        );
        assert!(!audit(&spec).is_empty(), "a header parameter is a defect");
        let (spec, fixes) = apply("client-id-header", spec);
        assert_eq!(fixes, ["GET /a"]);
        assert!(audit(&spec).is_empty());
    }

    #[test]
    fn multipart_body_operations_are_left_out() {
        let spec = doc(
            json!({ "/docs": {
                "post": { "operationId": "p", "responses": ok_response(), "requestBody": { "content": { "multipart/form-data": { "schema": {} } } } },
                "get": { "operationId": "g", "responses": ok_response() } },
                "/only": { "post": { "operationId": "q", "responses": ok_response(), "requestBody": { "content": { "multipart/form-data": { "schema": {} } } } } } }),
            json!({}),
        );
        let (spec, fixes) = apply("multipart-body", spec);
        assert_eq!(fixes, ["POST /docs", "POST /only"]);
        assert!(spec.pointer("/paths/~1docs/get").is_some());
        assert!(spec.pointer("/paths/~1docs/post").is_none());
        assert!(
            spec.pointer("/paths/~1only").is_none(),
            "an emptied path item goes too"
        );
    }

    #[test]
    fn required_not_a_property_is_matched_or_dropped() {
        let spec = doc(
            json!({}),
            json!({ "L": { "type": "object", "required": ["Server", "ghost", "port"],
                           "properties": { "server": { "type": "string" }, "port": { "type": "integer" } } } }),
        );
        assert_eq!(audit(&spec).len(), 2);
        let (spec, fixes) = apply("required-not-a-property", spec);
        assert_eq!(fixes.len(), 2);
        assert_eq!(
            spec.pointer("/components/schemas/L/required"),
            Some(&json!(["server", "port"]))
        );
        assert!(audit(&spec).is_empty());
    }

    #[test]
    fn nullable_enum_lists_null() {
        let spec = doc(
            json!({}),
            json!({ "E": { "type": "object", "properties": {
                "kind": { "type": "string", "enum": ["A", "B"], "nullable": true },
                "other": { "type": "string", "enum": ["C"] } } } }),
        );
        let (spec, fixes) = apply("nullable-enum", spec);
        assert_eq!(fixes, ["/components/schemas/E/properties/kind"]);
        assert_eq!(
            spec.pointer("/components/schemas/E/properties/kind/enum"),
            Some(&json!(["A", "B", null]))
        );
        assert_eq!(
            spec.pointer("/components/schemas/E/properties/other/enum"),
            Some(&json!(["C"]))
        );
    }

    #[test]
    fn object_means_any_value_untypes_csharp_objects_only() {
        let spec = doc(
            json!({}),
            json!({ "CustomFieldValue": { "type": "object", "properties": {
                "caption": { "type": "string" },
                "value": { "type": "object", "additionalProperties": {} },
                "map": { "type": "object", "additionalProperties": { "type": "string" } } } },
              "Opaque": { "type": "object", "additionalProperties": {} } }),
        );
        let (spec, fixes) = apply("object-means-any-value", spec);
        assert_eq!(fixes, ["schema CustomFieldValue: value"]);
        assert_eq!(
            spec.pointer("/components/schemas/CustomFieldValue/properties/value"),
            Some(&json!({}))
        );
        assert_eq!(
            spec.pointer("/components/schemas/CustomFieldValue/properties/map/type"),
            Some(&json!("object")),
            "a map of strings keeps its type"
        );
        assert_eq!(
            spec.pointer("/components/schemas/Opaque/type"),
            Some(&json!("object")),
            "a whole schema stays an object"
        );
    }

    #[test]
    fn patch_operation_value_is_any_json() {
        let spec = doc(
            json!({}),
            json!({ "PatchOperation": { "type": "object", "properties": {
                "op": { "type": "string" }, "value": { "type": "object", "additionalProperties": {} } } } }),
        );
        let (spec, fixes) = apply("patch-operation-value", spec);
        assert_eq!(fixes.len(), 1);
        let value = spec
            .pointer("/components/schemas/PatchOperation/properties/value")
            .unwrap();
        assert!(value.get("type").is_none(), "no type constraint left: {value}");
        let (_, again) = apply("patch-operation-value", spec);
        assert!(again.is_empty(), "idempotent");
    }

    #[test]
    fn operation_id_artefacts_are_rebuilt_from_the_path() {
        let spec = doc(
            json!({ "/system/members/{memberIdentifier}": { "get": { "operationId": "getSystemMembersmemberIdentifierregextypes" } } }),
            json!({}),
        );
        let (spec, fixes) = apply("operation-id-artefacts", spec);
        assert_eq!(fixes.len(), 1);
        assert_eq!(
            spec.pointer("/paths/~1system~1members~1{memberIdentifier}/get/operationId"),
            Some(&json!("getSystemMembersByMemberIdentifier"))
        );
    }

    #[test]
    fn summary_type_names_keep_the_last_segment() {
        assert_eq!(
            strip_dotnet_type_names("Get List of ConnectWise.Apis.v3_0.v2015_3.Service.Ticket.Ticket")
                .as_deref(),
            Some("Get List of Ticket")
        );
        assert_eq!(strip_dotnet_type_names("Get Ticket"), None);
        let spec = doc(
            json!({ "/t": { "get": { "summary": "Get ConnectWise.Apis.v3_0.Service.Ticket.Ticket." } } }),
            json!({}),
        );
        let (spec, fixes) = apply("summary-type-names", spec);
        assert_eq!(fixes.len(), 1);
        assert_eq!(
            spec.pointer("/paths/~1t/get/summary"),
            Some(&json!("Get Ticket."))
        );
    }

    #[test]
    fn default_only_response_becomes_no_content() {
        let spec = doc(
            json!({ "/n": { "post": { "operationId": "p", "responses": { "default": { "description": "?" } } } } }),
            json!({}),
        );
        assert!(audit(&spec).iter().any(|d| d.problem.contains("2xx")));
        let (spec, fixes) = apply("default-only-response", spec);
        assert_eq!(fixes, ["POST /n"]);
        assert!(spec.pointer("/paths/~1n/post/responses/204").is_some());
        assert!(audit(&spec).is_empty());
    }

    #[test]
    fn required_on_create_only_applies_to_the_generator_copy() {
        let spec = doc(
            json!({}),
            json!({ "T": { "type": "object", "required": ["summary"], "properties": { "summary": { "type": "string" } } } }),
        );
        let normalized = normalize(spec).expect("normalises");
        let (generator, applied) = normalized.for_generator();
        assert_eq!(applied[0].fixes, ["schema T"]);
        assert!(generator.pointer("/components/schemas/T/required").is_none());
        assert_eq!(
            normalized.spec.pointer("/components/schemas/T/required"),
            Some(&json!(["summary"])),
            "the normalised document keeps `required` for validators"
        );
    }

    #[test]
    fn an_uncovered_defect_names_its_operation() {
        let spec = doc(
            json!({ "/a": { "get": { "operationId": "getA", "responses": {
                "200": { "description": "ok", "content": { "text/xml": { "schema": {} } } } } } } }),
            json!({}),
        );
        let err = normalize(spec).err().expect("a defect");
        let text = err.to_string();
        assert!(text.contains("operation getA (GET /a)"), "{text}");
        assert!(text.contains("text/xml"), "{text}");
    }

    #[test]
    fn a_dangling_ref_is_a_defect_named_by_its_operation_or_schema() {
        let missing = json!({ "$ref": "#/components/schemas/Missing" });
        let spec = doc(
            json!({ "/service/boards": {
                "parameters": [{ "name": "x", "in": "query", "schema": missing }],
                "get": { "operationId": "getBoards", "responses": {
                    "200": { "description": "ok", "content": { "application/json": { "schema": missing } } } } } } }),
            json!({ "A": missing, "B": { "properties": { "c": missing } } }),
        );
        let defects: Vec<String> = audit(&spec).iter().map(ToString::to_string).collect();
        assert_eq!(
            defects,
            [
                "schema A: refers to `#/components/schemas/Missing`, which does not exist",
                "schema B: refers to `#/components/schemas/Missing` at /properties/c, which does not exist",
                "operation getBoards (GET /service/boards): refers to `#/components/schemas/Missing` \
                 at /responses/200/content/application/json/schema, which does not exist",
                "path /service/boards (parameters): refers to `#/components/schemas/Missing` \
                 at /0/schema, which does not exist",
            ]
        );
    }

    #[test]
    fn not_json_and_not_openapi_are_told_apart() {
        assert!(matches!(normalize_str("{nope"), Err(NormalizeError::NotJson(_))));
        let err = normalize_str(r#"{"swagger": "2.0", "paths": {}}"#).err().unwrap();
        assert!(err.to_string().contains("no `openapi` version"), "{err}");
        let err = normalize_str(r#"{"openapi": "3.0.1", "info": {}}"#)
            .err()
            .unwrap();
        assert!(err.to_string().contains("`paths`"), "{err}");
    }

    #[test]
    fn normalising_twice_changes_nothing_more() {
        let spec = doc(
            json!({ "/x/{id:int}": { "get": { "operationId": "g", "responses": ok_response(), "parameters": [
                { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } },
                { "name": "clientId", "in": "header", "schema": { "type": "string" } } ] } } }),
            json!({}),
        );
        let once = normalize(spec).expect("normalises");
        assert!(once.counts().iter().any(|(_, n)| *n > 0));
        let twice = normalize(once.spec.clone()).expect("normalises again");
        assert!(
            twice.counts().iter().all(|(_, n)| *n == 0),
            "{:?}",
            twice.counts()
        );
        assert_eq!(once.spec, twice.spec);
    }
}
