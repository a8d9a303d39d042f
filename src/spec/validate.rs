//! Request bodies checked against the spec's schemas: shared by the
//! simulator (which answers with ConnectWise's errors) and `cw_call` (which
//! refuses a bad body before sending it).
//!
//! What is checked: required fields (present and not null), JSON types
//! (`string`, `integer`, `number`, `boolean`, `array`, `object`), enum
//! membership, `date-time` strings (RFC 3339 with whole seconds; fractional
//! seconds are rejected as ConnectWise does) and the "Max length: N;" the spec
//! keeps in descriptions. Unknown properties are ignored, as ConnectWise's
//! deserialiser ignores them. `null` is accepted for any field that is not
//! required. Codes and texts are ConnectWise's where known
//! (`MissingRequiredField` "summary is required.", `MaxLengthField` "The
//! field summary must be a string with a maximum length of 100.").

use serde_json::Value;

/// One problem with one field, in ConnectWise's `errors[]` shape.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    pub code: String,
    pub message: String,
    pub resource: String,
    pub field: String,
}

impl FieldError {
    pub fn new(code: &str, message: impl Into<String>, resource: &str, field: impl Into<String>) -> Self {
        FieldError {
            code: code.to_string(),
            message: message.into(),
            resource: resource.to_string(),
            field: field.into(),
        }
    }
}

/// Follows `$ref`s (and single-element `allOf`s) to the schema they name.
pub fn resolve(schema: &'static Value) -> &'static Value {
    let mut schema = schema;
    for _ in 0..16 {
        if let Some(name) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
        {
            match schema_named(name) {
                Some(s) => schema = s,
                None => return schema,
            }
        } else if let Some([one]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            schema = one;
        } else {
            return schema;
        }
    }
    schema
}

/// The component schema called `name` in the embedded spec.
pub fn schema_named(name: &str) -> Option<&'static Value> {
    crate::spec::schema(name)
}

/// The name of the schema a property refers to (`BoardReference` for `board`).
pub fn ref_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

/// The schema of a property path (`status/name`) inside `schema`; array
/// items are stepped into transparently, numeric segments index arrays.
pub fn at_path(schema: &'static Value, path: &[&str]) -> Option<&'static Value> {
    let mut current = resolve(schema);
    for seg in path {
        if current.get("type").and_then(Value::as_str) == Some("array") {
            current = resolve(current.get("items")?);
            if seg.parse::<usize>().is_ok() {
                continue;
            }
        }
        let props = current.get("properties")?.as_object()?;
        let next = props.get(*seg).or_else(|| {
            props
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(seg))
                .map(|(_, v)| v)
        })?;
        current = resolve(next);
    }
    Some(current)
}

/// The property names of an object schema, for "did you mean" messages.
pub fn property_names(schema: &'static Value) -> Vec<&'static str> {
    resolve(schema)
        .get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// The "Max length: N;" the spec keeps in a field's description.
pub fn max_length(schema: &Value) -> Option<usize> {
    let description = schema.get("description")?.as_str()?;
    let rest = &description[description.find("Max length:")? + "Max length:".len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Checks a whole body against `schema_name`. `check_required`: POST and PUT.
pub fn validate_body(
    schema_name: &str,
    body: &Value,
    resource: &str,
    check_required: bool,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let Some(schema) = schema_named(schema_name) else {
        return errors;
    };
    let schema = resolve(schema);
    if !body.is_object() {
        errors.push(FieldError::new(
            "InvalidObject",
            format!(
                "The request body must be a JSON object ({resource}), not {}.",
                type_word(body)
            ),
            resource,
            "",
        ));
        return errors;
    }
    if check_required && let Some(required) = schema.get("required").and_then(Value::as_array) {
        for field in required.iter().filter_map(Value::as_str) {
            if body.get(field).is_none_or(Value::is_null) {
                errors.push(FieldError::new(
                    "MissingRequiredField",
                    format!("{field} is required."),
                    resource,
                    field,
                ));
            }
        }
    }
    check_value(schema, body, "", resource, &mut errors);
    errors
}

fn type_word(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Checks `value` against `schema` (already resolved or not); `path` names
/// the field in messages (`status/id`).
pub fn check_value(
    schema: &'static Value,
    value: &Value,
    path: &str,
    resource: &str,
    errors: &mut Vec<FieldError>,
) {
    let schema = resolve(schema);
    if value.is_null() {
        return;
    }
    let ty = schema.get("type").and_then(Value::as_str);
    let is_object_schema = ty == Some("object") || schema.get("properties").is_some();
    let wrong = |expected: &str, errors: &mut Vec<FieldError>| {
        errors.push(FieldError::new(
            "InvalidType",
            format!(
                "The value of {path} must be {expected}, not {}.",
                type_word(value)
            ),
            resource,
            path,
        ));
    };
    match ty {
        Some("string") => {
            let Some(s) = value.as_str() else {
                return wrong("a string", errors);
            };
            if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
                && !allowed.iter().any(|a| a.as_str() == Some(s))
            {
                let names: Vec<&str> = allowed.iter().filter_map(Value::as_str).collect();
                errors.push(FieldError::new(
                    "InvalidEnum",
                    format!("{path} must be one of: {} (got \"{s}\").", names.join(", ")),
                    resource,
                    path,
                ));
                return;
            }
            if schema.get("format").and_then(Value::as_str) == Some("date-time")
                && let Err(message) = check_timestamp(s)
            {
                errors.push(FieldError::new(
                    "InvalidDateTime",
                    format!("{path}: {message}"),
                    resource,
                    path,
                ));
                return;
            }
            if let Some(max) = max_length(schema) {
                let len = s.chars().count();
                if len > max {
                    errors.push(FieldError::new(
                        "MaxLengthField",
                        format!("The field {path} must be a string with a maximum length of {max}."),
                        resource,
                        path,
                    ));
                }
            }
        }
        Some("integer") if !(value.is_i64() || value.is_u64()) => wrong("an integer", errors),
        Some("number") if !value.is_number() => wrong("a number", errors),
        Some("boolean") if !value.is_boolean() => wrong("true or false", errors),
        Some("array") => {
            let Some(items) = value.as_array() else {
                return wrong("an array", errors);
            };
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    let p = if path.is_empty() {
                        i.to_string()
                    } else {
                        format!("{path}/{i}")
                    };
                    check_value(item_schema, item, &p, resource, errors);
                }
            }
        }
        _ if is_object_schema => {
            let Some(object) = value.as_object() else {
                let expected = if ref_like(schema) {
                    "an object (a reference such as {\"id\": 5})"
                } else {
                    "an object"
                };
                return wrong(expected, errors);
            };
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (key, v) in object {
                    if let Some(prop) = props.get(key) {
                        let p = if path.is_empty() {
                            key.clone()
                        } else {
                            format!("{path}/{key}")
                        };
                        check_value(prop, v, &p, resource, errors);
                    }
                }
            }
        }
        _ => {}
    }
}

fn ref_like(schema: &Value) -> bool {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| p.contains_key("id") && p.len() <= 6)
}

/// RFC 3339 with whole seconds (`2024-03-01T14:30:00Z`).
pub fn check_timestamp(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let parsed = chrono::DateTime::parse_from_rfc3339(s).map_err(|_| {
        format!("\"{s}\" is not a valid date-time; use UTC ISO 8601 with whole seconds, e.g. 2024-03-01T14:30:00Z.")
    })?;
    let time_part = s.split(['T', 't']).nth(1).unwrap_or("");
    if time_part.contains('.') {
        return Err(format!(
            "\"{s}\" has fractional seconds, which are not accepted; use whole seconds, e.g. 2024-03-01T14:30:00Z."
        ));
    }
    Ok(parsed.with_timezone(&chrono::Utc))
}
