//! Arguments: parsed with errors that name the argument, described by a
//! compact JSON Schema (every byte of it is a model's token), and the
//! checks every tool shares (ranges, record ids, timestamps).

use super::{ToolError, invalid};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// The longest string argument accepted (a note's text is the longest real one).
pub const MAX_STRING_ARG: usize = 20_000;

/// Parses the arguments into the tool's argument type. Errors name the
/// argument and say, in plain words, what it accepts (from the tool's own
/// JSON Schema): `hours: "two" is not accepted; give a number`, never a
/// Rust type name.
pub fn parse_args<T: DeserializeOwned + schemars::JsonSchema>(args: Value) -> Result<T, ToolError> {
    let args = match args {
        Value::Null => Value::Object(Map::new()),
        other => other,
    };
    if !args.is_object() {
        return Err(invalid(format!(
            "arguments must be a JSON object, not {}",
            json_kind(&args)
        )));
    }
    check_sizes(&args, "")?;
    serde_path_to_error::deserialize(&args).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        invalid(plain_words(&schema::<T>(), &args, &path, &inner))
    })
}

/// A serde error at `path` said in the words of the tool's arguments.
fn plain_words(schema: &Value, args: &Value, path: &str, serde_message: &str) -> String {
    let props = schema.get("properties").and_then(Value::as_object);
    let names: Vec<&str> = props
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if let Some(name) = between_backticks(serde_message, "unknown field `") {
        let close = close_names(name, &names);
        let hint = match close.is_empty() {
            true => String::new(),
            false => format!("did you mean {}? ", close.join(" or ")),
        };
        return format!(
            "{name}: not an argument of this tool; {hint}its arguments: {}",
            names.join(", ")
        );
    }
    if let Some(name) = between_backticks(serde_message, "missing field `") {
        let form = props
            .and_then(|p| p.get(name))
            .map_or("a value".into(), accepted_form);
        return format!("{name}: required; give {form}");
    }
    let arg = path.trim_start_matches('.');
    let top = arg.split(['.', '[']).next().unwrap_or(arg);
    let form = props.and_then(|p| p.get(top)).map(accepted_form);
    let given = args
        .get(top)
        .map(abbreviated)
        .unwrap_or_else(|| "this value".into());
    match (arg.is_empty(), form) {
        (true, _) => "the arguments do not fit this tool's input schema".into(),
        (false, Some(form)) if arg == top => format!("{arg}: {given} is not accepted; give {form}"),
        (false, Some(form)) => format!("{arg}: this value is not accepted; {top} takes {form}"),
        (false, None) => format!("{arg}: this value is not accepted (see the tool's input schema)"),
    }
}

/// The name in `… prefix`name` …` of a serde message.
fn between_backticks<'a>(message: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    rest.split('`').next()
}

/// What a JSON Schema property accepts, in plain words.
pub fn accepted_form(schema: &Value) -> String {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values
            .iter()
            .map(|v| v.as_str().map_or(v.to_string(), str::to_owned))
            .collect();
        return format!("one of {}", values.join(", "));
    }
    if let Some(one_of) = schema.get("oneOf").and_then(Value::as_array) {
        let values: Vec<&str> = one_of
            .iter()
            .filter_map(|v| v.get("const").and_then(Value::as_str))
            .collect();
        if !values.is_empty() {
            return format!("one of {}", values.join(", "));
        }
    }
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or(""),
        _ => "",
    };
    match kind {
        "integer" => "a whole number, e.g. 8".into(),
        "number" => "a number, e.g. 0.5".into(),
        "boolean" => "true or false".into(),
        "string" => "text, in quotes".into(),
        "array" => {
            let items = schema
                .get("items")
                .map(accepted_form)
                .unwrap_or_else(|| "values".into());
            format!(
                "a list of {}",
                items.trim_start_matches("a ").trim_start_matches("one of ")
            )
        }
        "object" => "a JSON object".into(),
        _ => "a value as the tool's input schema says".into(),
    }
}

/// A value as a model wrote it, short.
fn abbreviated(value: &Value) -> String {
    let text = value.to_string();
    match text.chars().count() > 40 {
        true => format!("{}…", text.chars().take(40).collect::<String>()),
        false => text,
    }
}

/// "an object", "a list", … for messages about the whole arguments.
fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Up to three of `names` close to `wanted` (ignoring case), closest first:
/// the "did you mean" of every message that names a wrong name.
pub fn close_names<'a>(wanted: &str, names: &[&'a str]) -> Vec<&'a str> {
    let wanted = wanted.to_ascii_lowercase();
    let mut scored: Vec<(usize, &str)> = names
        .iter()
        .map(|n| (strsim::levenshtein(&wanted, &n.to_ascii_lowercase()), *n))
        .filter(|(d, n)| *d <= 2.max(n.len() / 3) || n.to_ascii_lowercase().contains(&wanted))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n).collect()
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

// ---------------------------------------------------------------------------
// Values a write sends: the checks the curated write tools are generated
// with (spec/tools.toml says which argument gets which; the spec gives
// lengths and allowed values). Each returns the value to send.

/// Text a write sends: not blank (leave an optional argument out instead)
/// and no longer than ConnectWise keeps (`max` characters).
pub fn text(arg: &str, value: Option<&str>, max: usize) -> Result<Option<String>, ToolError> {
    let Some(value) = value else { return Ok(None) };
    if value.trim().is_empty() {
        return Err(invalid(format!(
            "{arg}: blank text is not accepted; write the text (an optional argument is left out instead)"
        )));
    }
    let chars = value.chars().count();
    if chars > max {
        return Err(invalid(format!(
            "{arg}: {chars} characters is more than the {max} ConnectWise keeps; shorten it"
        )));
    }
    Ok(Some(value.to_owned()))
}

/// One of the values ConnectWise allows for a field, matched without
/// regard to case and returned as ConnectWise spells it.
pub fn allowed(arg: &str, value: Option<&str>, values: &[&str]) -> Result<Option<String>, ToolError> {
    let Some(value) = value else { return Ok(None) };
    let wanted = value.trim();
    match values.iter().find(|v| v.eq_ignore_ascii_case(wanted)) {
        Some(v) => Ok(Some((*v).to_owned())),
        None => Err(invalid(format!(
            "{arg}: {value:?} is not accepted; give one of {}",
            values.join(", ")
        ))),
    }
}

/// A record id a write sends (`board_id`, `charge_to_id`).
pub fn ids(arg: &str, value: Option<i64>) -> Result<Option<i32>, ToolError> {
    value.map(|v| id(arg, v)).transpose()
}

/// A number a write sends, inside its bounds: `min` and `max` inclusive,
/// `above` exclusive (hours: above 0, at most 24).
pub fn number(
    arg: &str,
    value: Option<f64>,
    min: Option<f64>,
    above: Option<f64>,
    max: Option<f64>,
) -> Result<Option<f64>, ToolError> {
    let Some(v) = value else { return Ok(None) };
    let low_ok = min.is_none_or(|m| v >= m) && above.is_none_or(|a| v > a);
    if low_ok && max.is_none_or(|m| v <= m) && v.is_finite() {
        return Ok(Some(v));
    }
    let mut bounds = Vec::new();
    if let Some(a) = above {
        bounds.push(format!("more than {a}"));
    }
    if let Some(m) = min {
        bounds.push(format!("at least {m}"));
    }
    if let Some(m) = max {
        bounds.push(format!("at most {m}"));
    }
    Err(invalid(format!(
        "{arg}: {v} is out of range; give a number {}",
        bounds.join(" and ")
    )))
}

/// The earliest and latest years a write may carry: a date outside them
/// is a typo or a confusion of units, never a real time entry or ticket.
pub const WRITE_YEARS: std::ops::RangeInclusive<i32> = 1970..=2100;

/// A date or date-time a write sends: normalised like every date argument
/// ([`utc_timestamp`]), and within [`WRITE_YEARS`].
pub fn write_timestamp(arg: &str, value: Option<&str>) -> Result<Option<String>, ToolError> {
    use chrono::Datelike;
    let Some(value) = value else { return Ok(None) };
    let stamp = utc_timestamp(arg, value)?;
    let year = chrono::DateTime::parse_from_rfc3339(&stamp).map_or(0, |d| d.year());
    if !WRITE_YEARS.contains(&year) {
        return Err(invalid(format!(
            "{arg}: {value:?} is not a plausible date (years {} to {} are accepted)",
            WRITE_YEARS.start(),
            WRITE_YEARS.end()
        )));
    }
    Ok(Some(stamp))
}

/// At least one argument of a group given (`hours` or `time_end`).
pub fn require_one_of(given: &[(&str, bool)]) -> Result<(), ToolError> {
    if given.iter().any(|(_, is)| *is) {
        return Ok(());
    }
    let names: Vec<&str> = given.iter().map(|(n, _)| *n).collect();
    Err(invalid(format!(
        "give {}: one of them is needed",
        names.join(" or ")
    )))
}

/// A span of time a write sends as a start, an end and its hours (a time
/// entry): the end after the start and at most `max_hours` later, and the
/// hours, when given with the end, what the two times say (to the minute).
#[derive(Debug, Clone, Copy)]
pub struct Span<'a> {
    pub start: (&'a str, Option<&'a str>),
    pub end: (&'a str, Option<&'a str>),
    pub hours: (&'a str, Option<f64>),
    pub max_hours: f64,
}

impl Span<'_> {
    pub fn check(self) -> Result<(), ToolError> {
        let ((start_arg, Some(start)), (end_arg, Some(end))) = (self.start, self.end) else {
            return Ok(());
        };
        let at = |arg: &str, value: &str| -> Result<chrono::DateTime<chrono::Utc>, ToolError> {
            let stamp = utc_timestamp(arg, value)?;
            chrono::DateTime::parse_from_rfc3339(&stamp)
                .map(|d| d.to_utc())
                .map_err(|e| invalid(format!("{arg}: {e}")))
        };
        let (from, to) = (at(start_arg, start)?, at(end_arg, end)?);
        let span = (to - from).num_seconds() as f64 / 3600.0;
        if span <= 0.0 {
            return Err(invalid(format!(
                "{end_arg}: {end} is not after {start_arg} {start}; the end must come after the start"
            )));
        }
        if span > self.max_hours {
            return Err(invalid(format!(
                "{end_arg}: {span:.2} hours after {start_arg} is more than one entry covers (at most {} hours)",
                self.max_hours
            )));
        }
        match self.hours {
            (hours_arg, Some(hours)) if (hours - span).abs() > 1.0 / 60.0 => Err(invalid(format!(
                "{hours_arg}: {hours} disagrees with {start_arg} to {end_arg} ({span:.2} hours); \
                 give {hours_arg} or {end_arg}, or make them agree"
            ))),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
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
            "invalid arguments: company: 5 is not accepted; give text, in quotes"
        );
        let err = parse_args::<Args>(json!({"page_size": "8"}))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid arguments: page_size: \"8\" is not accepted; give a whole number, e.g. 8"
        );
        let err = parse_args::<Args>(json!({"compnay": "ACME"}))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "invalid arguments: compnay: not an argument of this tool; did you mean company? \
             its arguments: company, page_size"
        );
        let err = parse_args::<Args>(json!(["ACME"])).unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid arguments: arguments must be a JSON object, not a list"
        );
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

    #[test]
    fn written_values_are_checked_and_say_the_accepted_form() {
        fn err<T>(r: Result<T, ToolError>) -> String {
            r.err()
                .map(|e| e.to_string())
                .unwrap_or_else(|| "accepted".into())
        }
        assert!(err(text("summary", Some("  "), 100)).contains("summary: blank text"));
        assert!(
            err(text("summary", Some(&"x".repeat(101)), 100))
                .contains("summary: 101 characters is more than the 100")
        );
        assert_eq!(text("notes", None, 10).unwrap(), None);
        assert_eq!(
            allowed(
                "charge_to_type",
                Some("serviceticket"),
                &["ServiceTicket", "Activity"]
            )
            .unwrap(),
            Some("ServiceTicket".into())
        );
        assert!(
            err(allowed(
                "charge_to_type",
                Some("Bogus"),
                &["ServiceTicket", "Activity"]
            ))
            .contains("charge_to_type: \"Bogus\" is not accepted; give one of ServiceTicket, Activity")
        );
        assert!(err(ids("board_id", Some(-1))).contains("board_id: -1 is not a record id"));
        for bad in [-1.0, 0.0, 1e9, 24.5] {
            let e = err(number("hours", Some(bad), None, Some(0.0), Some(24.0)));
            assert!(e.contains("give a number more than 0 and at most 24"), "{e}");
        }
        assert_eq!(
            number("hours", Some(24.0), None, Some(0.0), Some(24.0)).unwrap(),
            Some(24.0)
        );
        assert!(err(write_timestamp("time_start", Some("0001-01-01"))).contains("not a plausible date"));
        assert_eq!(
            write_timestamp("time_start", Some("2026-11-20T14:00:00.5Z")).unwrap(),
            Some("2026-11-20T14:00:00Z".into())
        );
        let e = require_one_of(&[("hours", false), ("time_end", false)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("give hours or time_end"), "{e}");
        assert!(require_one_of(&[("hours", false), ("time_end", true)]).is_ok());
    }

    #[test]
    fn a_span_ends_after_it_starts_within_a_day_and_agrees_with_its_hours() {
        let span = |end: &str, hours: Option<f64>| {
            Span {
                start: ("time_start", Some("2026-11-20T14:00:00Z")),
                end: ("time_end", Some(end)),
                hours: ("hours", hours),
                max_hours: 24.0,
            }
            .check()
            .map_err(|e| e.to_string())
        };
        assert!(span("2026-11-20T16:00:00Z", Some(2.0)).is_ok());
        assert!(span("2026-11-20T16:00:00Z", None).is_ok());
        assert!(
            span("2026-11-20T16:00:00Z", Some(0.5))
                .unwrap_err()
                .contains("hours: 0.5 disagrees")
        );
        assert!(
            span("2026-11-20T13:00:00Z", None)
                .unwrap_err()
                .contains("time_end: 2026-11-20T13:00:00Z is not after")
        );
        assert!(
            span("2026-11-22T14:00:00Z", None)
                .unwrap_err()
                .contains("at most 24 hours")
        );
    }

    #[test]
    fn a_wrong_argument_name_gets_the_close_ones() {
        assert_eq!(
            close_names("chargeToType", &["charge_to_type", "charge_to_id", "hours"]),
            ["charge_to_type"]
        );
        assert_eq!(
            close_names("bogusField", &["summary", "board"]),
            Vec::<&str>::new()
        );
    }
}
