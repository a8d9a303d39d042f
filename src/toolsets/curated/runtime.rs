//! What the generated curated tools share beyond the kernel: typed filters
//! compiled to `conditions` (values always escaped by the printer, never
//! pasted), and "me". Writes go through the kernel's one write path
//! ([`crate::tool::write`]). Generated code calls everything through `rt::`, so the
//! kernel's argument, list and body helpers are re-exported here.

use crate::client::ApiError;
use crate::conditions::{CompareOp, Expr, FieldPath, Literal};
pub use crate::tool::args::*;
pub use crate::tool::body::*;
pub use crate::tool::invalid;
pub use crate::tool::list::*;
pub use crate::tool::write::{WriteOptions, WriteRequest, send as send_write};
use crate::tool::{Context, ToolError};
use serde_json::Value;

/// The member "my tickets / my time" refer to.
pub fn member(ctx: &Context) -> Result<&str, ToolError> {
    ctx.member_identifier.as_deref().ok_or_else(|| {
        invalid("this tool needs to know who \"me\" is: set CW_MEMBER_IDENTIFIER (e.g. JSmith) in the server's configuration, or use the search tool with an owner/member filter")
    })
}

fn field(path: &str) -> FieldPath {
    FieldPath::parse(path).expect("allow-list field paths are checked by cargo xtask regen")
}

/// Adds `path op value` to the filter when the argument was given.
pub fn term(terms: &mut Vec<Expr>, path: &str, op: CompareOp, value: Option<impl Into<Literal>>) {
    if let Some(value) = value {
        terms.push(Expr::compare(field(path), op, value));
    }
}

/// "Mine": `owner = me`, or also `me` in a text list of identifiers
/// (`resources = "JSmith, TWilson"`), as ConnectWise's own "my tickets"
/// counts tickets a member is assigned to as a resource.
pub fn member_term(terms: &mut Vec<Expr>, path: &str, also_in: Option<&str>, me: &str) {
    let own = Expr::eq(field(path), me);
    terms.push(match also_in {
        Some(list) => Expr::or(vec![own, Expr::contains(field(list), me)]),
        None => own,
    });
}

/// Adds `path in (…)` when the argument was given and is not empty.
pub fn term_in<L: Into<Literal>>(terms: &mut Vec<Expr>, path: &str, values: Option<Vec<L>>) {
    if let Some(values) = values.filter(|v| !v.is_empty()) {
        terms.push(Expr::is_in(field(path), values));
    }
}

/// Adds a date comparison when the argument was given.
pub fn term_date(
    terms: &mut Vec<Expr>,
    arg: &str,
    path: &str,
    op: CompareOp,
    value: Option<&str>,
) -> Result<(), ToolError> {
    if let Some(value) = value {
        let stamp = utc_timestamp(arg, value)?;
        let literal = Literal::date(&stamp).map_err(|e| invalid(format!("{arg}: {e}")))?;
        terms.push(Expr::compare(field(path), op, literal));
    }
    Ok(())
}

/// ConnectWise's errors about fields the tool sends, said of the tool's own
/// arguments (`chargeToId` → `charge_to_id`), with the field's name taken
/// off the front of the message so that it is not said twice.
pub fn said_of_args(error: ApiError, field_args: &[(&str, &str)]) -> ToolError {
    let ApiError::Response(mut cw) = error else {
        return ToolError::Api(error);
    };
    for e in &mut cw.errors {
        let Some(field) = e.field.as_deref().map(|f| f.replace('.', "/")) else {
            continue;
        };
        if let Some((cw_field, arg)) = field_args.iter().find(|(f, _)| f.eq_ignore_ascii_case(&field)) {
            e.message = crate::client::without_field_prefix(&e.message, cw_field).to_owned();
            e.field = Some((*arg).to_owned());
        }
    }
    ToolError::Api(ApiError::Response(cw))
}

/// [`said_of_args`] for an error of the write path: ConnectWise's own
/// answers are said of the tool's arguments, everything else stays.
pub fn said_of_args_in(error: ToolError, field_args: &[(&str, &str)]) -> ToolError {
    match error {
        ToolError::Api(api) => said_of_args(api, field_args),
        other => other,
    }
}

/// Whether the answer should carry the derived value `key`
/// (`[[tool.derived]]`): always with the default fields; with the caller's
/// own `fields` only when they name it. ConnectWise has no such field, so it
/// is taken out of the `fields` sent (a list of only derived keys sends `id`).
pub fn take_derived(fields: &mut Option<String>, asked: bool, key: &str) -> bool {
    if !asked {
        return true;
    }
    let Some(list) = fields.as_deref() else {
        return true;
    };
    let (named, rest): (Vec<&str>, Vec<&str>) = list.split(',').partition(|f| f.trim() == key);
    if named.is_empty() {
        return false;
    }
    *fields = Some(match rest.is_empty() {
        true => "id".to_owned(),
        false => rest.join(","),
    });
    true
}

/// `field` of the first record of a list answer, if it has one.
pub fn first_value(records: &Value, field: &str) -> Option<Value> {
    records
        .as_array()?
        .first()?
        .get(field)
        .filter(|v| !v.is_null())
        .cloned()
}

/// Two ways of giving one field (a status by name or by id): one only.
pub fn require_not_both(one: (&str, bool), other: (&str, bool)) -> Result<(), ToolError> {
    match (one, other) {
        ((a, true), (b, true)) => Err(invalid(format!("give {a} or {b}, not both"))),
        _ => Ok(()),
    }
}

/// The id of the one record of `records` whose `by` field is `wanted`, in
/// any case and ignoring spaces around it, as ConnectWise's screens match
/// a name. When none (or several) is, the error lists the names there are,
/// `under` saying whose list it is (`("board", 1)`), so the next call can
/// pick one.
pub fn looked_up(
    arg: &str,
    wanted: &str,
    records: &Value,
    by: &str,
    under: Option<(&str, i32)>,
) -> Result<i64, ToolError> {
    let records = records.as_array().map(Vec::as_slice).unwrap_or_default();
    fn name_of<'r>(record: &'r Value, by: &str) -> Option<&'r str> {
        record.get(by).and_then(Value::as_str).map(str::trim)
    }
    let key = wanted.trim().to_lowercase();
    let found: Vec<i64> = records
        .iter()
        .filter(|r| name_of(r, by).is_some_and(|n| n.to_lowercase() == key))
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect();
    let place = under.map_or(String::new(), |(noun, id)| format!(" on {noun} {id}"));
    match found.as_slice() {
        [id] => Ok(*id),
        [] => {
            let names: Vec<String> = records
                .iter()
                .filter_map(|r| name_of(r, by))
                .map(|n| format!("{n:?}"))
                .collect();
            Err(invalid(format!(
                "{arg}: there is no {arg} {wanted:?}{place}; the names there are: {}",
                match names.is_empty() {
                    true => "none".to_owned(),
                    false => names.join(", "),
                }
            )))
        }
        several => Err(invalid(format!(
            "{arg}: {} records are named {wanted:?}{place} (ids {several:?}): give the id instead",
            several.len()
        ))),
    }
}

/// The id at `field` (`board/id`) of a record read to find a lookup's
/// parent; `arg` is the argument looked up.
pub fn id_in(record: &Value, field: &str, arg: &str) -> Result<i32, ToolError> {
    let pointer = format!("/{field}");
    record
        .pointer(&pointer)
        .and_then(Value::as_i64)
        .and_then(|id| i32::try_from(id).ok())
        .ok_or_else(|| {
            invalid(format!(
                "{arg}: the record has no {field} to look the name up under"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_name_is_looked_up_in_any_case_and_a_miss_lists_the_names() {
        let statuses = json!([{"id": 7, "name": "New"}, {"id": 12, "name": "Closed "}]);
        assert_eq!(
            looked_up("status", " closed", &statuses, "name", Some(("board", 2))).unwrap(),
            12
        );
        let miss = looked_up("status", "Clsed", &statuses, "name", Some(("board", 2))).unwrap_err();
        assert_eq!(
            miss.to_string(),
            r#"invalid arguments: status: there is no status "Clsed" on board 2; the names there are: "New", "Closed""#
        );
        let twice = json!([{"id": 1, "name": "Open"}, {"id": 2, "name": "open"}]);
        let err = looked_up("status", "OPEN", &twice, "name", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("2 records are named \"OPEN\" (ids [1, 2])"), "{err}");
    }

    #[test]
    fn a_parent_id_is_read_from_the_record_and_two_ways_are_refused() {
        assert_eq!(
            id_in(&json!({"board": {"id": 3}}), "board/id", "status").unwrap(),
            3
        );
        assert!(id_in(&json!({"board": null}), "board/id", "status").is_err());
        assert!(require_not_both(("status", true), ("status_id", false)).is_ok());
        let both = require_not_both(("status", true), ("status_id", true)).unwrap_err();
        assert_eq!(
            both.to_string(),
            "invalid arguments: give status or status_id, not both"
        );
    }

    #[test]
    fn a_derived_value_is_sent_as_no_field_and_kept_only_when_wanted() {
        let mut fields = Some("id,summary".to_owned());
        assert!(take_derived(&mut fields, false, "description"));
        assert!(!take_derived(&mut fields, true, "description"));
        assert_eq!(fields.as_deref(), Some("id,summary"));
        let mut fields = Some("id,description,summary".to_owned());
        assert!(take_derived(&mut fields, true, "description"));
        assert_eq!(fields.as_deref(), Some("id,summary"));
        let mut fields = Some("description".to_owned());
        assert!(take_derived(&mut fields, true, "description"));
        assert_eq!(fields.as_deref(), Some("id"));
    }

    #[test]
    fn the_first_record_gives_the_value() {
        let records = serde_json::json!([{"text": "first"}, {"text": "second"}]);
        assert_eq!(first_value(&records, "text"), Some("first".into()));
        assert_eq!(first_value(&serde_json::json!([]), "text"), None);
        assert_eq!(first_value(&serde_json::json!([{"text": null}]), "text"), None);
    }

    #[test]
    fn typed_filters_cannot_be_escaped_from() {
        let mut terms = Vec::new();
        term(
            &mut terms,
            "company/identifier",
            CompareOp::Eq,
            Some(r#"ACME" or id > 0 or name="x"#),
        );
        let q = ListQuery::new("Ticket", "id", 25, terms, ListArgs::default()).unwrap();
        assert_eq!(
            q.conditions(),
            Some(r#"company/identifier = "ACME\" or id > 0 or name=\"x""#)
        );
    }
}
