//! What every generated tool wrapper shares: argument parsing with errors
//! that name the argument, typed filters compiled to `conditions`, request
//! bodies and JSON Patch lists built from arguments, and result shaping
//! (`_info` dropped, a size cap, a cursor for whatever was cut).
//!
//! Generated code stays thin: it declares the arguments and calls these.

use super::{Context, ToolError};
use crate::conditions::{self, CompareOp, Expr, FieldPath, Literal};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

/// Results larger than this (bytes of compact JSON) are cut, with a cursor.
pub const RESULT_CAP_BYTES: usize = 24 * 1024;
/// ConnectWise's hard maximum page size.
pub const MAX_PAGE_SIZE: i32 = 1000;
/// The longest string argument accepted (a note's text is the longest real one).
pub const MAX_STRING_ARG: usize = 20_000;

fn invalid(message: impl Into<String>) -> ToolError {
    ToolError::InvalidArguments(message.into())
}

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

/// The `fields` projection of a get tool: the argument, checked, or the default.
pub fn fields_or(arg: Option<&str>, default: &str) -> Result<Option<String>, ToolError> {
    let fields = match arg.map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => check_fields(f, None)?,
        None => default.to_owned(),
    };
    Ok((!fields.is_empty()).then_some(fields))
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

/// Ranges for numeric arguments.
pub fn check_range(arg: &str, value: Option<i64>, min: i64, max: i64) -> Result<(), ToolError> {
    match value {
        Some(v) if v < min || v > max => Err(invalid(format!("{arg}: {v} is out of range {min}..={max}"))),
        _ => Ok(()),
    }
}

/// The arguments every list tool takes besides its typed filters.
#[derive(Debug, Default)]
pub struct ListArgs {
    pub conditions: Option<String>,
    pub order_by: Option<String>,
    pub page: Option<i64>,
    pub page_size: Option<i64>,
    pub fields: Option<String>,
    pub cursor: Option<String>,
}

/// A list request, ready to hand to the generated client, and what is
/// needed to shape its answer.
#[derive(Debug)]
pub struct ListQuery {
    conditions: Option<String>,
    child_conditions: Option<String>,
    order_by: Option<String>,
    fields: String,
    page: i32,
    page_size: i32,
    skip: usize,
    keep_info: bool,
}

impl ListQuery {
    /// Combines typed filters (already escaped ASTs) with the raw
    /// `conditions` escape hatch, which is parsed and validated against the
    /// record schema before any request is sent.
    pub fn new(
        schema: &str,
        default_fields: &str,
        default_page_size: i32,
        terms: Vec<Expr>,
        args: ListArgs,
    ) -> Result<Self, ToolError> {
        let (page, page_size, skip) = match &args.cursor {
            Some(cursor) => Cursor::parse(cursor)?.into_parts(),
            None => {
                check_range("page", args.page, 1, 100_000)?;
                check_range("page_size", args.page_size, 1, MAX_PAGE_SIZE.into())?;
                (
                    args.page.unwrap_or(1) as i32,
                    args.page_size.map(|p| p as i32).unwrap_or(default_page_size),
                    0,
                )
            }
        };
        let mut all = terms;
        if let Some(raw) = args.conditions.as_deref().filter(|c| !c.trim().is_empty()) {
            all.push(conditions::parse(raw).map_err(|e| invalid(format!("conditions: {e}")))?);
        }
        let (conditions, child_conditions) = match Expr::all(all) {
            None => (None, None),
            Some(expr) if args.conditions.is_some() => {
                let split = conditions::validate(&expr, &crate::spec::Embedded, schema)
                    .map_err(|e| invalid(format!("conditions: {e}")))?;
                (
                    split.conditions.map(|e| e.to_string()),
                    split.child_conditions.map(|e| e.to_string()),
                )
            }
            Some(expr) => (Some(expr.to_string()), None),
        };
        let order_by = match args.order_by.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
            Some(o) => Some(check_order_by(o, schema)?),
            None => None,
        };
        let fields = match args.fields.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(f) => check_fields(f, Some(schema))?,
            None => default_fields.to_owned(),
        };
        let keep_info = fields.split(',').any(|f| f.trim().starts_with("_info"));
        Ok(Self {
            conditions,
            child_conditions,
            order_by,
            fields,
            page,
            page_size,
            skip,
            keep_info,
        })
    }

    pub fn conditions(&self) -> Option<&str> {
        self.conditions.as_deref()
    }
    pub fn child_conditions(&self) -> Option<&str> {
        self.child_conditions.as_deref()
    }
    pub fn order_by(&self) -> Option<&str> {
        self.order_by.as_deref()
    }
    pub fn fields(&self) -> Option<&str> {
        Some(&self.fields)
    }
    pub fn page(&self) -> Option<i32> {
        Some(self.page)
    }
    pub fn page_size(&self) -> Option<i32> {
        Some(self.page_size)
    }

    /// Shapes a page of records: `_info` dropped unless `fields` asked for
    /// it, cut to the size cap; says what was cut and how to get the rest.
    /// A list is expected; anything else ConnectWise sent in its place is
    /// taken as a list of that one record (`null`: none).
    pub fn finish(self, records: Value) -> Result<Value, ToolError> {
        let records = match records {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            other => vec![other],
        };
        let full_page = records.len() as i32 >= self.page_size;
        let mut items = Vec::new();
        let mut size = 2;
        let mut cut_at = None;
        for (i, mut value) in records.into_iter().enumerate().skip(self.skip) {
            if !self.keep_info {
                drop_info(&mut value);
            }
            let len = serde_json::to_string(&value).map(|s| s.len()).unwrap_or(0) + 1;
            if size + len > RESULT_CAP_BYTES && !items.is_empty() {
                cut_at = Some(i);
                break;
            }
            size += len;
            items.push(value);
        }
        let mut out = Map::new();
        out.insert("count".into(), json!(items.len()));
        out.insert("items".into(), Value::Array(items));
        out.insert("page".into(), json!(self.page));
        if let Some(skip) = cut_at {
            let cursor = Cursor {
                page: self.page,
                page_size: self.page_size,
                skip,
            };
            out.insert(
                "truncated".into(),
                json!({
                    "reason": format!("result cut at {} KB", RESULT_CAP_BYTES / 1024),
                    "returned": skip - self.skip,
                    "hint": "pass `cursor` to get the rest, or narrow `fields`/filters",
                }),
            );
            out.insert("cursor".into(), json!(cursor.to_string()));
        } else if full_page {
            let cursor = Cursor {
                page: self.page + 1,
                page_size: self.page_size,
                skip: 0,
            };
            out.insert("more".into(), json!(true));
            out.insert("cursor".into(), json!(cursor.to_string()));
        }
        Ok(Value::Object(out))
    }
}

/// Where to continue a list: a page, its size, and how many of its records
/// were already returned. Printed as `p2.s25.k10`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cursor {
    page: i32,
    page_size: i32,
    skip: usize,
}

impl Cursor {
    fn parse(text: &str) -> Result<Self, ToolError> {
        let bad = || invalid(format!("cursor: {text:?} is not a cursor this server returned"));
        let mut parts = text.trim().split('.');
        let mut next = |prefix: char| -> Result<i64, ToolError> {
            let part = parts.next().ok_or_else(bad)?;
            part.strip_prefix(prefix)
                .and_then(|n| n.parse().ok())
                .ok_or_else(bad)
        };
        let (page, page_size, skip) = (next('p')?, next('s')?, next('k')?);
        if !(1..=100_000).contains(&page)
            || !(1..=MAX_PAGE_SIZE as i64).contains(&page_size)
            || !(0..page_size).contains(&skip)
        {
            return Err(bad());
        }
        Ok(Self {
            page: page as i32,
            page_size: page_size as i32,
            skip: skip as usize,
        })
    }

    fn into_parts(self) -> (i32, i32, usize) {
        (self.page, self.page_size, self.skip)
    }
}

impl std::fmt::Display for Cursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "p{}.s{}.k{}", self.page, self.page_size, self.skip)
    }
}

/// `orderBy`: comma-separated `field [asc|desc]`; nothing else gets through.
fn check_order_by(text: &str, schema: &str) -> Result<String, ToolError> {
    let mut parts = Vec::new();
    for clause in text.split(',') {
        let mut words = clause.split_whitespace();
        let path = words.next().ok_or_else(|| invalid("order_by: empty clause"))?;
        let parsed = FieldPath::parse(path).map_err(|e| invalid(format!("order_by: {path:?}: {e}")))?;
        let path = conditions::check_field(&crate::spec::Embedded, schema, &parsed, false)
            .map_err(|e| invalid(format!("order_by: {e}")))?
            .to_string();
        let dir = match words.next().map(str::to_ascii_lowercase).as_deref() {
            None => "",
            Some("asc") => " asc",
            Some("desc") => " desc",
            Some(other) => return Err(invalid(format!("order_by: {other:?} is not asc or desc"))),
        };
        if words.next().is_some() {
            return Err(invalid(format!(
                "order_by: {clause:?} has more than a field and a direction"
            )));
        }
        parts.push(format!("{path}{dir}"));
    }
    Ok(parts.join(","))
}

/// `fields`: comma-separated field paths, checked against the record
/// schema when it is known.
fn check_fields(text: &str, schema: Option<&str>) -> Result<String, ToolError> {
    let mut out = Vec::new();
    for f in text.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        let parsed = FieldPath::parse(f).map_err(|e| invalid(format!("fields: {f:?}: {e}")))?;
        out.push(match schema {
            Some(schema) => conditions::check_field(&crate::spec::Embedded, schema, &parsed, true)
                .map_err(|e| invalid(format!("fields: {e}")))?
                .to_string(),
            None => f.to_owned(),
        });
    }
    Ok(out.join(","))
}

/// One record, shaped like a list item; long texts cut to fit the cap.
pub fn finish_one(mut value: Value, keep_info: bool) -> Result<Value, ToolError> {
    if !keep_info {
        drop_info(&mut value);
    }
    let size = serde_json::to_string(&value).map(|s| s.len()).unwrap_or(0);
    if size > RESULT_CAP_BYTES
        && let Value::Object(map) = &mut value
    {
        let mut cut = Vec::new();
        for (k, v) in map.iter_mut() {
            if let Value::String(s) = v
                && s.len() > 2000
            {
                let keep: String = s.chars().take(2000).collect();
                *s = format!("{keep}…");
                cut.push(k.clone());
            }
        }
        if !cut.is_empty() {
            map.insert(
                "truncated".into(),
                json!({ "reason": "long text fields cut to 2,000 characters", "fields": cut }),
            );
        }
    }
    Ok(value)
}

/// `_info` (links, audit stamps) is noise for a model unless asked for.
fn drop_info(value: &mut Value) {
    match value {
        Value::Object(map) => {
            map.remove("_info");
            map.values_mut().for_each(drop_info);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_info),
        _ => {}
    }
}

/// A request body assembled from arguments: `set("board/id", 5)` gives
/// `{"board": {"id": 5}}`.
#[derive(Debug, Default)]
pub struct Body(Map<String, Value>);

impl Body {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set(&mut self, path: &str, value: Option<impl Into<Value>>) {
        let Some(value) = value else { return };
        let mut segments = path.split('/').peekable();
        let mut map = &mut self.0;
        while let Some(segment) = segments.next() {
            if segments.peek().is_none() {
                map.insert(segment.to_owned(), value.into());
                return;
            }
            let entry = map
                .entry(segment.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            map = entry.as_object_mut().expect("just made an object");
        }
    }

    /// Merges fixed values (e.g. a note's visibility flags).
    pub fn merge(&mut self, fixed: Value) {
        if let Value::Object(fixed) = fixed {
            self.0.extend(fixed);
        }
    }

    /// Into the generated request type; a mismatch names the field.
    pub fn into_typed<T: DeserializeOwned>(self) -> Result<T, ToolError> {
        serde_path_to_error::deserialize(Value::Object(self.0))
            .map_err(|e| invalid(format!("{}: {}", e.path(), e.inner())))
    }
}

/// A JSON Patch list assembled from arguments.
#[derive(Debug, Default)]
pub struct Patch(Vec<Value>);

impl Patch {
    pub fn new() -> Self {
        Self::default()
    }

    /// `replace("status/id", 5)` → `{"op":"replace","path":"status","value":{"id":5}}`.
    pub fn replace(&mut self, path: &str, value: Option<impl Into<Value>>) {
        let Some(value) = value else { return };
        let (top, rest) = path.split_once('/').unwrap_or((path, ""));
        let value = if rest.is_empty() {
            value.into()
        } else {
            let mut body = Body::new();
            body.set(rest, Some(value));
            Value::Object(body.0)
        };
        self.0
            .push(json!({ "op": "replace", "path": top, "value": value }));
    }

    /// The list for the generated client; at least one change is required.
    pub fn into_typed<T: DeserializeOwned>(self, args: &[&str]) -> Result<Vec<T>, ToolError> {
        if self.0.is_empty() {
            return Err(invalid(format!(
                "nothing to change: give at least one of {}",
                args.join(", ")
            )));
        }
        serde_json::from_value(Value::Array(self.0)).map_err(|e| invalid(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn order_by_and_fields_are_checked() {
        assert_eq!(
            check_order_by("id desc, Summary", "Ticket").unwrap(),
            "id desc,summary",
            "canonical spelling"
        );
        assert!(check_order_by("id; drop", "Ticket").is_err());
        assert!(check_order_by("id sideways", "Ticket").is_err());
        let typo = check_order_by("sumary desc", "Ticket").unwrap_err().to_string();
        assert!(
            typo.contains("order_by") && typo.contains("\"summary\""),
            "{typo}"
        );
        let object = check_order_by("company", "Ticket").unwrap_err().to_string();
        assert!(object.contains("company/"), "{object}");
        assert_eq!(check_fields("id, status/name", None).unwrap(), "id,status/name");
        assert_eq!(
            check_fields("id,company,_info/dateEntered", Some("Ticket")).unwrap(),
            "id,company,_info/dateEntered"
        );
        let typo = check_fields("id,stauts/name", Some("Ticket"))
            .unwrap_err()
            .to_string();
        assert!(typo.contains("fields") && typo.contains("status/name"), "{typo}");
        assert!(check_fields("id,\"x\"", None).is_err());
    }

    #[test]
    fn a_full_page_offers_a_cursor_and_a_cut_one_says_what_was_cut() {
        let q = ListQuery::new("Ticket", "id", 2, Vec::new(), ListArgs::default()).unwrap();
        let out = q
            .finish(json!([{"id": 1, "_info": {"x": 1}}, {"id": 2}]))
            .unwrap();
        assert_eq!(out["items"], json!([{"id": 1}, {"id": 2}]));
        assert_eq!(
            (out["more"].clone(), out["cursor"].clone()),
            (json!(true), json!("p2.s2.k0"))
        );

        let big = "y".repeat(RESULT_CAP_BYTES / 3);
        let q = ListQuery::new("Ticket", "id", 25, Vec::new(), ListArgs::default()).unwrap();
        let records: Vec<Value> = (1..=5).map(|id| json!({"id": id, "notes": big})).collect();
        let out = q.finish(Value::Array(records.clone())).unwrap();
        assert_eq!(out["count"], json!(2));
        assert_eq!(out["cursor"], json!("p1.s25.k2"));
        let rest = ListQuery::new(
            "Ticket",
            "id",
            25,
            Vec::new(),
            ListArgs {
                cursor: Some("p1.s25.k2".into()),
                ..Default::default()
            },
        )
        .unwrap()
        .finish(Value::Array(records))
        .unwrap();
        assert_eq!(
            rest["items"][0]["id"],
            json!(3),
            "the cursor continues where the cut was"
        );
        assert!(
            ListQuery::new(
                "T",
                "id",
                25,
                vec![],
                ListArgs {
                    cursor: Some("p0.s0.k9".into()),
                    ..Default::default()
                }
            )
            .is_err()
        );
    }

    #[test]
    fn bodies_and_patches_nest_reference_fields() {
        let mut body = Body::new();
        body.set("board/id", Some(3));
        body.set("summary", Some("Printer offline"));
        body.set("priority/id", None::<i64>);
        assert_eq!(
            Value::Object(body.0),
            json!({"board": {"id": 3}, "summary": "Printer offline"})
        );
        let mut patch = Patch::new();
        patch.replace("status/id", Some(5));
        patch.replace("summary", Some("New text"));
        assert_eq!(
            patch.0,
            vec![
                json!({"op": "replace", "path": "status", "value": {"id": 5}}),
                json!({"op": "replace", "path": "summary", "value": "New text"})
            ]
        );
        let err = Patch::new()
            .into_typed::<Value>(&["status_id", "summary"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("give at least one of status_id, summary"));
    }
}
