//! Lists and records shaped for a model: `fields` and `orderBy` checked
//! against the record's schema, raw `conditions` parsed and validated,
//! paging, `_info` dropped unless asked for, lists as a [`Table`], long
//! text clipped, answers held under the [`AnswerCap`], and a cursor for
//! whatever was cut.

use super::table::{Table, flat_record};
use super::{ToolError, args::check_range, invalid};
use crate::conditions::{self, Expr, FieldPath};
use serde_json::{Value, json};

/// The most an answer may take of a model's context, in tokens. Sizes are
/// estimated from bytes ([`AnswerCap::estimate`]), never by running a
/// tokenizer per answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AnswerCap {
    pub tokens: usize,
}

impl AnswerCap {
    /// About 6,000 tokens: a long answer, a small share of any context.
    pub const DEFAULT: AnswerCap = AnswerCap { tokens: 6000 };
    /// The range a deployment may set.
    pub const RANGE: std::ops::RangeInclusive<usize> = 500..=200_000;

    /// Tokens of `bytes` of compact JSON, rounded up: at
    /// [`BYTES_PER_10_TOKENS`] bytes per ten tokens, the fewest measured.
    pub fn estimate(bytes: usize) -> usize {
        (bytes * 10).div_ceil(BYTES_PER_10_TOKENS)
    }

    /// The bytes the cap allows.
    pub fn bytes(self) -> usize {
        self.tokens * BYTES_PER_10_TOKENS / 10
    }
}

impl Default for AnswerCap {
    fn default() -> Self {
        AnswerCap::DEFAULT
    }
}

/// Bytes per ten o200k_base tokens: the fewest measured on the answers of
/// `benches/answers.rs` (2.8 on a schedule list; 3.2 on average), so an
/// estimate errs high, and the cap holds.
pub const BYTES_PER_10_TOKENS: usize = 27;

/// Text in a list is clipped at this many characters, with a marker: a list
/// is for finding (a time entry's notes, a note's first lines), its record
/// for reading. Measured beside other servers (`benches/compare`): real notes
/// run to thousands of characters, and at 1,000 a page of 25 time entries
/// took most of an answer's cap. A list read for its text (a ticket's notes)
/// sets its own ([`ListQuery::with_text_chars`], `text_chars` in the
/// allow-list).
pub const LIST_TEXT_CHARS: usize = 100;
/// Text in one record is clipped at this many characters when the record
/// would not fit the cap otherwise.
pub const RECORD_TEXT_CHARS: usize = 4000;
/// ConnectWise's hard maximum page size.
pub const MAX_PAGE_SIZE: i32 = 1000;

/// The `fields` projection of a tool that reads one `record`: the argument,
/// checked against the record's schema exactly as a list's `fields` are
/// (one check for every tool), or the default. `derived` names values the
/// tool adds itself (a ticket's `description`), which pass as they are.
pub fn fields_of(
    arg: Option<&str>,
    default: &str,
    record: &str,
    derived: &[&str],
) -> Result<Option<String>, ToolError> {
    let fields = match arg.map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => {
            let (own, theirs): (Vec<&str>, Vec<&str>) = f
                .split(',')
                .map(str::trim)
                .filter(|f| !f.is_empty())
                .partition(|f| derived.contains(f));
            let checked = check_fields(&theirs.join(","), Some(record))?;
            std::iter::once(checked.as_str())
                .chain(own)
                .filter(|f| !f.is_empty())
                .collect::<Vec<_>>()
                .join(",")
        }
        None => default.to_owned(),
    };
    Ok((!fields.is_empty()).then_some(fields))
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
    text_chars: usize,
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
            text_chars: LIST_TEXT_CHARS,
        })
    }

    /// Clips text at `chars` instead of [`LIST_TEXT_CHARS`].
    pub fn with_text_chars(mut self, chars: usize) -> Self {
        self.text_chars = chars;
        self
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

    /// Shapes a page of records as a [`Table`]: `_info` dropped unless
    /// `fields` asked for it, long text clipped, cut to the `cap`; says what
    /// was cut and how to get the rest. A list is expected; anything else
    /// ConnectWise sent in its place is taken as a list of that one record
    /// (`null`: none).
    pub fn finish(self, records: Value, cap: AnswerCap) -> Result<Value, ToolError> {
        let records = match records {
            Value::Array(items) => items,
            Value::Null => Vec::new(),
            other => vec![other],
        };
        let full_page = records.len() as i32 >= self.page_size;
        let mut page: Vec<Value> = records.into_iter().skip(self.skip).collect();
        for record in &mut page {
            if !self.keep_info {
                drop_info(record);
            }
            super::text::guard_record(record);
            clip_text(record, self.text_chars);
        }
        let fields: Vec<&str> = self
            .fields
            .split(',')
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .collect();
        let mut table = Table::new(&page, &fields);
        // Room for the cursor and the note of a cut.
        let mut size = table.frame_len() + 200;
        let total = table.rows.len();
        let keep = table
            .rows
            .iter()
            .take_while(|row| {
                size += Table::row_len(row);
                size <= cap.bytes()
            })
            .count()
            .max(1)
            .min(total);
        table.rows.truncate(keep);
        let mut out = table.to_json();
        if keep < total {
            let cursor = Cursor {
                page: self.page,
                page_size: self.page_size,
                skip: self.skip + keep,
            };
            out["cursor"] = json!(cursor.to_string());
            out["truncated"] = json!(format!(
                "cut at ~{} tokens: {keep} of this page's {total} rows shown; pass `cursor` for the rest, or ask for fewer `fields`",
                cap.tokens
            ));
        } else if full_page {
            let cursor = Cursor {
                page: self.page + 1,
                page_size: self.page_size,
                skip: 0,
            };
            out["cursor"] = json!(cursor.to_string());
        }
        Ok(out)
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

/// One record, shaped for a model: `_info` dropped unless asked for, path
/// keys and no key without a value ([`flat_record`]); when it would not fit
/// the `cap`, long text clipped (with a marker) and, if still too large, its
/// largest fields left out and named.
pub fn finish_one(mut value: Value, keep_info: bool, cap: AnswerCap) -> Result<Value, ToolError> {
    if keep_info {
        // The `_info` of the records inside this one (a company's `types`) is
        // links to them and their audit stamps: noise, even where `fields`
        // kept the record's own (`_info/lastUpdated`).
        if let Value::Object(map) = &mut value {
            map.iter_mut()
                .filter(|(k, _)| k.as_str() != "_info")
                .for_each(|(_, v)| drop_info(v));
        }
    } else {
        // The one `_info` field a model needs: an update carries it back as
        // `last_updated`, so that it is refused over someone else's change.
        let last_updated = value.pointer("/_info/lastUpdated").cloned();
        drop_info(&mut value);
        if let (Some(last), Value::Object(map)) = (last_updated, &mut value) {
            map.insert("_info".into(), json!({ "lastUpdated": last }));
        }
    }
    super::text::guard_record(&mut value);
    let mut value = flat_record(&value);
    let size = |v: &Value| serde_json::to_string(v).map(|s| s.len()).unwrap_or(0);
    if size(&value) <= cap.bytes() {
        return Ok(value);
    }
    clip_text(&mut value, RECORD_TEXT_CHARS);
    let Value::Object(map) = &mut value else {
        return Ok(value);
    };
    let mut left_out = Vec::new();
    let map_size =
        |m: &serde_json::Map<String, Value>| serde_json::to_string(m).map(|s| s.len()).unwrap_or(0);
    while map_size(map) > cap.bytes() && map.len() > 1 {
        let Some(largest) = map
            .iter()
            .filter(|(k, _)| k.as_str() != "id")
            .max_by_key(|(_, v)| size(v))
            .map(|(k, _)| k.clone())
        else {
            break;
        };
        map.remove(&largest);
        left_out.push(largest);
    }
    if !left_out.is_empty() {
        map.insert(
            "truncated".into(),
            json!(format!(
                "cut at ~{} tokens: left out {}; ask for them with `fields`",
                cap.tokens,
                left_out.join(", ")
            )),
        );
    }
    Ok(value)
}

/// Clips every text longer than `max` characters inside `value`, ending it
/// with the marker `…[+N]`: N more characters (the server instructions say
/// once how to read all of it, rather than every clipped cell).
pub fn clip_text(value: &mut Value, max: usize) {
    match value {
        Value::String(s) if s.chars().count() > max => {
            let total = s.chars().count();
            let keep: String = s.chars().take(max).collect();
            // Customer text keeps its closing wrapper (`super::text`).
            let close = if s.starts_with('«') && s.ends_with('»') {
                "»"
            } else {
                ""
            };
            *s = format!("{keep}…[+{}]{close}", total - max);
        }
        Value::Object(map) => map.values_mut().for_each(|v| clip_text(v, max)),
        Value::Array(items) => items.iter_mut().for_each(|v| clip_text(v, max)),
        _ => {}
    }
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let cap = AnswerCap::DEFAULT;
        let q = ListQuery::new("Ticket", "id", 2, Vec::new(), ListArgs::default()).unwrap();
        let out = q
            .finish(json!([{"id": 1, "_info": {"x": 1}}, {"id": 2}]), cap)
            .unwrap();
        assert_eq!(out["columns"], json!(["id"]));
        assert_eq!(out["rows"], json!([[1], [2]]));
        assert_eq!(out["cursor"], json!("p2.s2.k0"));

        let big = "y".repeat(1000);
        let small = AnswerCap { tokens: 1000 };
        let q = ListQuery::new("Ticket", "id,notes", 25, Vec::new(), ListArgs::default())
            .unwrap()
            .with_text_chars(1000);
        let records: Vec<Value> = (1..=5)
            .map(|id| json!({"id": id, "notes": format!("{id}{big}")}))
            .collect();
        let out = q.finish(Value::Array(records.clone()), small).unwrap();
        let shown = out["rows"].as_array().unwrap().len();
        assert!((1..5).contains(&shown), "{out}");
        assert!(
            AnswerCap::estimate(out.to_string().len()) <= small.tokens,
            "{out}"
        );
        assert_eq!(out["cursor"], json!(format!("p1.s25.k{shown}")));
        assert!(out["truncated"].as_str().unwrap().contains("cursor"));
        let rest = ListQuery::new(
            "Ticket",
            "id,notes",
            25,
            Vec::new(),
            ListArgs {
                cursor: Some(format!("p1.s25.k{shown}")),
                ..Default::default()
            },
        )
        .unwrap()
        .with_text_chars(1000)
        .finish(Value::Array(records), small)
        .unwrap();
        assert_eq!(
            rest["rows"][0][0],
            json!(shown + 1),
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
    fn columns_the_filter_fixed_are_said_once() {
        let terms = vec![Expr::eq(FieldPath::parse("member/identifier").unwrap(), "JSmith")];
        let q = ListQuery::new(
            "TimeEntry",
            "id,member/identifier,notes",
            25,
            terms,
            ListArgs::default(),
        )
        .unwrap();
        let out = q
            .finish(
                json!([{"id": 1, "member": {"identifier": "JSmith"}, "notes": "a"},
                       {"id": 2, "member": {"identifier": "JSmith"}, "notes": "b"}]),
                AnswerCap::DEFAULT,
            )
            .unwrap();
        assert_eq!(out["columns"], json!(["id", "notes"]));
        assert_eq!(out["same"], json!({"member/identifier": "JSmith"}));
    }

    #[test]
    fn a_record_keeps_its_own_info_when_asked_and_never_that_of_records_inside_it() {
        let company = json!({"id": 2, "_info": {"lastUpdated": "2026-01-01T00:00:00Z"},
            "types": [{"id": 1, "name": "Client", "_info": {"type_href": "https://x/types/1"}}],
            "status": {"name": "Active", "_info": {"status_href": "https://x/statuses/1"}}});
        let kept = finish_one(company.clone(), true, AnswerCap::DEFAULT).unwrap();
        assert_eq!(
            kept,
            json!({"id": 2, "_info/lastUpdated": "2026-01-01T00:00:00Z",
                   "types": [{"id": 1, "name": "Client"}], "status/name": "Active"})
        );
        // Without `_info` asked for, the one stamp an update needs stays.
        assert_eq!(finish_one(company, false, AnswerCap::DEFAULT).unwrap(), kept);
    }

    #[test]
    fn long_text_is_clipped_with_a_marker_that_says_how_to_get_it() {
        let q = ListQuery::new("ServiceNote", "id,text", 25, Vec::new(), ListArgs::default()).unwrap();
        let long = "word ".repeat(1000);
        let out = q
            .finish(json!([{"id": 1, "text": long}]), AnswerCap::DEFAULT)
            .unwrap();
        // Note text is customer text: it stays wrapped («…») when clipped.
        let text = out["rows"][0][1].as_str().unwrap();
        assert!(
            text.starts_with('«') && text.ends_with(&format!("…[+{}]»", long.len() + 2 - LIST_TEXT_CHARS)),
            "{text}"
        );
        // A list read for its text clips where it says.
        let notes = ListQuery::new("ServiceNote", "id,text", 25, Vec::new(), ListArgs::default())
            .unwrap()
            .with_text_chars(2000)
            .finish(json!([{"id": 1, "text": long}]), AnswerCap::DEFAULT)
            .unwrap();
        let text = notes["rows"][0][1].as_str().unwrap();
        assert!(
            text.ends_with(&format!("…[+{}]»", long.len() + 2 - 2000)),
            "{text}"
        );
        let one = finish_one(
            json!({"id": 1, "text": long.repeat(10)}),
            false,
            AnswerCap { tokens: 2000 },
        )
        .unwrap();
        assert!(one["text"].as_str().unwrap().ends_with("]»"), "{one}");
        assert!(AnswerCap::estimate(one.to_string().len()) <= 2000);
    }
}
