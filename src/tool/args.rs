//! Arguments: parsed with errors that name the argument, described by a
//! compact JSON Schema (every byte of it is a model's token), and the
//! checks every tool shares (ranges, record ids, timestamps).

use super::{ToolError, invalid};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The longest string argument accepted (a note's text is the longest real one).
pub const MAX_STRING_ARG: usize = 20_000;

/// Parses the arguments into the tool's argument type. Errors name the
/// argument (`company: invalid type: integer `5`, expected a string`).
pub fn parse_args<T: DeserializeOwned>(args: Value) -> Result<T, ToolError> {
    let args = match args {
        Value::Null => Value::Object(Map::new()),
        other => other,
    };
    if !args.is_object() {
        return Err(invalid("arguments must be a JSON object"));
    }
    check_sizes(&args, "")?;
    serde_path_to_error::deserialize(args).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." || path.is_empty() {
            invalid(inner)
        } else {
            invalid(format!("{path}: {inner}"))
        }
    })
}

/// Refuses huge strings before anything else looks at them.
fn check_sizes(value: &Value, at: &str) -> Result<(), ToolError> {
    match value {
        Value::String(s) if s.len() > MAX_STRING_ARG => Err(invalid(format!(
            "{}: {} characters is more than the {MAX_STRING_ARG} accepted",
            at.trim_start_matches('.'),
            s.chars().count()
        ))),
        Value::Array(items) if items.len() > 200 => Err(invalid(format!(
            "{}: more than 200 values",
            at.trim_start_matches('.')
        ))),
        Value::Array(items) => items.iter().try_for_each(|v| check_sizes(v, at)),
        Value::Object(map) => map
            .iter()
            .try_for_each(|(k, v)| check_sizes(v, &format!("{at}.{k}"))),
        _ => Ok(()),
    }
}

/// A record id argument, as the generated client takes it.
pub fn id(arg: &str, value: i64) -> Result<i32, ToolError> {
    i32::try_from(value)
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| invalid(format!("{arg}: {value} is not a record id (1 to {})", i32::MAX)))
}

/// The JSON Schema of a tool's arguments: compact (no `$schema`, no title,
/// optional arguments not spelled as nullable), since every byte of it is
/// a model's token.
pub fn schema<T: schemars::JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| s.inline_subschemas = true)
        .into_generator();
    let mut value = generator.into_root_schema_for::<T>().to_value();
    if let Value::Object(map) = &mut value {
        map.remove("$schema");
        map.remove("title");
        map.remove("description");
    }
    drop_null_types(&mut value);
    value
}

/// Optional arguments are simply left out; `"type": ["string", "null"]` and
/// `"default": null` would only cost tokens (about 35 a tool) and invite the
/// model to send nulls.
fn drop_null_types(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("default").is_some_and(Value::is_null) {
                map.remove("default");
            }
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            // `int64`/`double` say nothing a model needs.
            if map.get("format").is_some_and(|f| f == "int64" || f == "double") {
                map.remove("format");
            }
            map.values_mut().for_each(drop_null_types);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_types),
        _ => {}
    }
}

/// A date/time argument as ConnectWise wants it: whole-second UTC
/// (`2024-03-01T14:30:00Z`). Accepts RFC 3339 with any offset or fraction,
/// or a bare date (midnight UTC).
pub fn utc_timestamp(arg: &str, value: &str) -> Result<String, ToolError> {
    use chrono::{DateTime, NaiveDate, SecondsFormat, SubsecRound, Utc};
    let trimmed = value.trim();
    let parsed = DateTime::parse_from_rfc3339(trimmed)
        .map(|d| d.with_timezone(&Utc))
        .or_else(|_| {
            NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
                .map(|d| d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
        })
        .map_err(|_| {
            invalid(format!(
                "{arg}: {value:?} is not a date or date-time; use e.g. 2024-03-01 or 2024-03-01T14:30:00Z"
            ))
        })?;
    Ok(parsed.trunc_subsecs(0).to_rfc3339_opts(SecondsFormat::Secs, true))
}

/// Ranges for numeric arguments.
pub fn check_range(arg: &str, value: Option<i64>, min: i64, max: i64) -> Result<(), ToolError> {
    match value {
        Some(v) if v < min || v > max => Err(invalid(format!("{arg}: {v} is out of range {min}..={max}"))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Args {
        company: Option<String>,
        page_size: Option<i64>,
    }

    #[test]
    fn argument_errors_name_the_argument() {
        let err = parse_args::<Args>(json!({"company": 5})).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid arguments: company: invalid type: integer `5`, expected a string"
        );
        let err = parse_args::<Args>(json!({"compnay": "ACME"}))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unknown field `compnay`, expected `company` or `page_size`"),
            "{err}"
        );
        let err = parse_args::<Args>(json!(["ACME"])).unwrap_err().to_string();
        assert_eq!(err, "invalid arguments: arguments must be a JSON object");
        let huge = "x".repeat(MAX_STRING_ARG + 1);
        let err = parse_args::<Args>(json!({ "company": huge }))
            .unwrap_err()
            .to_string();
        assert!(err.contains("company: 20001 characters"), "{err}");
    }

    #[test]
    fn dates_are_whole_second_utc() {
        assert_eq!(
            utc_timestamp("t", "2024-03-01T16:30:00.987+02:00").unwrap(),
            "2024-03-01T14:30:00Z"
        );
        assert_eq!(utc_timestamp("t", "2024-03-01").unwrap(), "2024-03-01T00:00:00Z");
        let err = utc_timestamp("time_start", "yesterday").unwrap_err().to_string();
        assert!(err.contains("time_start: \"yesterday\" is not a date"), "{err}");
    }
}
