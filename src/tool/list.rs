//! Lists and records shaped for a model: `fields` and `orderBy` checked
//! against the record's schema, raw `conditions` parsed and validated,
//! paging, `_info` dropped unless asked for, a size cap, and a cursor for
//! whatever was cut.

use super::{ToolError, args::check_range, invalid};
use crate::conditions::{self, Expr, FieldPath};
use serde_json::{Map, Value, json};

/// Results larger than this (bytes of compact JSON) are cut, with a cursor.
pub const RESULT_CAP_BYTES: usize = 24 * 1024;
/// ConnectWise's hard maximum page size.
pub const MAX_PAGE_SIZE: i32 = 1000;

/// The `fields` projection of a get tool: the argument, checked, or the default.
pub fn fields_or(arg: Option<&str>, default: &str) -> Result<Option<String>, ToolError> {
    let fields = match arg.map(str::trim).filter(|f| !f.is_empty()) {
        Some(f) => check_fields(f, None)?,
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
}
