//! What a generated report takes from here: its arguments checked (the
//! kernel's parsing, date and range checks in the arguments' words), then
//! its program run by the engine, read-only, within the code-mode limits.

use super::super::run_blocking;
use crate::tool::{Access, AnswerCap, Context, ToolDef, ToolError, invalid};
use serde::Serialize;
use serde_json::Value;

pub use crate::tool::args::{parse_args, schema, utc_timestamp};

/// Refuses a `date` argument that is not a calendar day (`YYYY-MM-DD`).
pub fn date(arg: &str, value: Option<&str>) -> Result<(), ToolError> {
    match value {
        Some(text) if chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_err() => Err(invalid(format!(
            "{arg}: {text:?} is not a date; give YYYY-MM-DD, e.g. 2026-11-20"
        ))),
        _ => Ok(()),
    }
}

/// Refuses a number outside the argument's inclusive bounds.
pub fn range(arg: &str, value: Option<f64>, min: Option<f64>, max: Option<f64>) -> Result<(), ToolError> {
    let Some(value) = value else { return Ok(()) };
    let low = min.is_some_and(|min| value < min);
    let high = max.is_some_and(|max| value > max);
    if !(low || high) {
        return Ok(());
    }
    let bound = |b: Option<f64>| b.map_or("any".to_owned(), |b| b.to_string());
    Err(invalid(format!(
        "{arg}: {value} is out of range; give {} to {}",
        bound(min),
        bound(max)
    )))
}

/// The checked arguments as the program's `args` (absent optional ones left out).
pub fn to_args<T: Serialize>(args: &T) -> Result<Value, ToolError> {
    serde_json::to_value(args).map_err(|e| ToolError::Program(format!("its arguments: {e}")))
}

/// Runs `program` with `args`: reads only (a report is a read, whatever
/// the session allows), within `[server.code]`'s limits; the program's
/// value is the answer. `cw.invalid(message)` in the program is an
/// argument error (an unknown member), anything else a failed program.
pub async fn run(
    ctx: &Context,
    def: &'static ToolDef,
    program: &'static str,
    args: Value,
) -> Result<Value, ToolError> {
    let mut run_ctx = ctx.clone();
    let why = format!("{} is a report; reports only read", def.name);
    run_ctx.access = Access::read_only(&why, &why);
    let outcome = run_blocking(run_ctx, program.to_owned(), Some(args)).await?;
    let finished = outcome.map_err(|failed| failure(failed.message))?;
    let bytes = finished.value.to_string().len();
    if bytes > ctx.answer_cap.bytes() {
        return Err(ToolError::Program(format!(
            "the report is ~{} tokens, over the cap of {} (max_result_tokens); narrow its arguments",
            AnswerCap::estimate(bytes),
            ctx.answer_cap.tokens
        )));
    }
    Ok(finished.value)
}

/// An `ArgumentError` the program raised is the caller's to fix: said as
/// invalid arguments, without the program's line.
fn failure(message: String) -> ToolError {
    match message.strip_prefix("ArgumentError") {
        Some(rest) => invalid(rest.split_once(": ").map_or(rest, |(_, m)| m).to_owned()),
        None => ToolError::Program(message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_ranges_are_refused_in_the_arguments_words() {
        assert!(date("date", Some("2026-11-20")).is_ok());
        assert!(date("date", None).is_ok());
        assert_eq!(
            date("date", Some("20/11/2026")).unwrap_err().to_string(),
            "invalid arguments: date: \"20/11/2026\" is not a date; give YYYY-MM-DD, e.g. 2026-11-20"
        );
        assert!(range("hours", Some(4.0), Some(0.0), Some(72.0)).is_ok());
        assert_eq!(
            range("hours", Some(100.0), Some(0.0), Some(72.0))
                .unwrap_err()
                .to_string(),
            "invalid arguments: hours: 100 is out of range; give 0 to 72"
        );
    }

    #[test]
    fn an_argument_error_of_the_program_is_the_callers_a_failure_is_the_programs() {
        let e = failure("ArgumentError at line 4: member: no member XYZ".into());
        assert_eq!(e.to_string(), "invalid arguments: member: no member XYZ");
        let e = failure("TypeError at line 2: x is undefined".into());
        assert_eq!(
            e.to_string(),
            "the program failed: TypeError at line 2: x is undefined"
        );
    }
}
