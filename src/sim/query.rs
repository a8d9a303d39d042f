//! List query parameters: `conditions`, `childConditions`,
//! `customFieldConditions`, `orderBy`, `fields`, `page`, `pageSize`, `pageId`.
//!
//! Choices (see the module docs of [`crate::sim`]):
//! - `pageSize` defaults to 25; above 1,000 it is clamped to 1,000 (ConnectWise's
//!   hard limit: it answers with at most 1,000 records, no error); 0 means the
//!   default; a negative value or a non-number is a 400.
//! - `page` is 1-based; 0 or absent means 1; a negative value is a 400.
//! - Forward-only paging (`pagination-type: forward-only` header) ignores
//!   `page` and `orderBy`: records come in id order, `pageId` acts as `id > pageId`.
//! - Parameter names are matched case-insensitively, as ConnectWise does.
//! - Records are tested, sorted and projected as served
//!   ([`crate::sim::shape`]): a query whose fields are all stored runs on the
//!   stored records; one that reads a default, a computed field or a link
//!   runs on the served form of just the fields it reads; `fields` projects
//!   the served record.
//! - A literal whose kind does not fit its field (`closedFlag = 1`) is a 400
//!   with ConnectWise's own words ([`CONDITION_LITERAL_MESSAGE`]).

use super::errors::{ApiError, CONDITION_LITERAL_MESSAGE, FieldError};
use super::shape::View;
use super::store::{Collection, fold_key};
use crate::conditions::{self, CompareOp, Compiled, Expr, FieldPath, Literal, ValidationError};
use crate::spec::validate;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::cmp::Ordering;

pub const DEFAULT_PAGE_SIZE: usize = 25;
pub const MAX_PAGE_SIZE: usize = 1000;

/// The raw list parameters of a request.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub conditions: Option<String>,
    pub child_conditions: Option<String>,
    pub custom_field_conditions: Option<String>,
    pub order_by: Option<String>,
    pub fields: Option<String>,
    pub page: usize,
    pub page_size: usize,
    pub page_id: Option<i64>,
}

fn int_param(resource: &str, name: &str, value: &str) -> Result<i64, ApiError> {
    value
        .trim()
        .parse::<i64>()
        .map_err(|_| ApiError::bad_parameter(resource, name, format!("\"{value}\" is not an integer.")))
}

impl ListParams {
    /// Reads the parameters from decoded query pairs.
    pub fn from_pairs(pairs: &[(String, String)], resource: &str) -> Result<ListParams, ApiError> {
        let mut p = ListParams {
            page: 1,
            page_size: DEFAULT_PAGE_SIZE,
            ..ListParams::default()
        };
        for (key, value) in pairs {
            let non_empty = || Some(value.clone()).filter(|v| !v.trim().is_empty());
            match key.to_ascii_lowercase().as_str() {
                "conditions" => p.conditions = non_empty(),
                "childconditions" => p.child_conditions = non_empty(),
                "customfieldconditions" => p.custom_field_conditions = non_empty(),
                "orderby" => p.order_by = non_empty(),
                "fields" => p.fields = non_empty(),
                "page" if !value.is_empty() => {
                    let n = int_param(resource, "page", value)?;
                    if n < 0 {
                        return Err(ApiError::bad_parameter(
                            resource,
                            "page",
                            "page must be 1 or more.",
                        ));
                    }
                    p.page = (n as usize).max(1);
                }
                "pagesize" if !value.is_empty() => {
                    let n = int_param(resource, "pageSize", value)?;
                    if n < 0 {
                        return Err(ApiError::bad_parameter(
                            resource,
                            "pageSize",
                            "pageSize must be between 1 and 1000.",
                        ));
                    }
                    p.page_size = match n as usize {
                        0 => DEFAULT_PAGE_SIZE,
                        n => n.min(MAX_PAGE_SIZE),
                    };
                }
                "pageid" if !value.is_empty() => p.page_id = Some(int_param(resource, "pageId", value)?),
                _ => {}
            }
        }
        Ok(p)
    }
}

/// A list request, ready to run against records.
pub struct Query {
    conditions: Option<Compiled>,
    child_conditions: Option<Compiled>,
    custom_field_conditions: Option<Compiled>,
    order_by: Vec<(Vec<String>, bool)>,
    fields: Option<FieldTree>,
    after_id: Option<i64>,
    /// Top-level `path = "text"` terms of `conditions`, for the text indexes.
    eq_terms: Vec<(Vec<String>, String)>,
    /// Whether `eq_terms` are the whole query: then the text indexes give the
    /// matches exactly, without evaluating a record.
    eq_terms_only: bool,
    /// Every field path `conditions`, `childConditions` and `orderBy` read.
    paths: Vec<Vec<String>>,
}

/// The page a query produced.
pub struct Page {
    pub items: Vec<Value>,
    /// Whether at least one more record matches after this page.
    pub more: bool,
    /// How many records match in all.
    pub total: usize,
    /// The id of the page's last record (for forward-only paging's `pageId`).
    pub last_id: Option<i64>,
}

fn parse_conditions(text: &str, parameter: &str, resource: &str) -> Result<Expr, ApiError> {
    conditions::parse(text).map_err(|e| ApiError::bad_parameter(resource, parameter, e.to_string()))
}

/// A condition that does not fit the schema: ConnectWise's words for a
/// literal of the wrong kind, ours (naming the field) for the rest.
fn invalid_condition(e: ValidationError, parameter: &str, resource: &str) -> ApiError {
    match e {
        ValidationError::TypeMismatch { .. } => {
            ApiError::new(400, "InvalidObject", CONDITION_LITERAL_MESSAGE).with_errors(vec![FieldError::new(
                "InvalidParameter",
                e.to_string(),
                resource,
                parameter,
            )])
        }
        e => ApiError::bad_parameter(resource, parameter, e.to_string()),
    }
}

/// Every field path an expression reads.
fn collect_paths(expr: &Expr, out: &mut Vec<Vec<String>>) {
    match expr {
        Expr::And(terms) | Expr::Or(terms) => terms.iter().for_each(|t| collect_paths(t, out)),
        Expr::Compare { field, .. } | Expr::In { field, .. } => out.push(field.0.clone()),
    }
}

impl Query {
    /// Compiles `params` for records of `schema_name`. `forward_only`: the
    /// `pagination-type: forward-only` header was sent.
    pub fn compile(
        params: &ListParams,
        schema_name: Option<&str>,
        resource: &str,
        forward_only: bool,
    ) -> Result<Query, ApiError> {
        let spec = &crate::spec::Embedded;
        let record_schema = schema_name.and_then(validate::schema_named);
        let mut eq_terms = Vec::new();
        let mut eq_terms_only = false;
        let mut paths = Vec::new();
        let conditions = match &params.conditions {
            Some(text) => {
                let mut expr = parse_conditions(text, "conditions", resource)?;
                if let Some(name) = schema_name {
                    let split = conditions::validate(&expr, spec, name)
                        .map_err(|e| invalid_condition(e, "conditions", resource))?;
                    if let Some(child) = &split.child_conditions {
                        return Err(ApiError::bad_parameter(
                            resource,
                            "conditions",
                            format!(
                                "{child} is on a child collection; put it in childConditions, not conditions."
                            ),
                        ));
                    }
                    if let Some(canonical) = split.conditions {
                        expr = canonical;
                    }
                }
                let expr = audit_fields_under_info(expr, record_schema);
                collect_eq_terms(&expr, &mut eq_terms);
                eq_terms_only = conjunction_len(&expr) == eq_terms.len();
                collect_paths(&expr, &mut paths);
                Some(expr.compile())
            }
            None => None,
        };
        let child_conditions = match &params.child_conditions {
            Some(text) => {
                let mut expr = parse_conditions(text, "childConditions", resource)?;
                if let Some(name) = schema_name {
                    let split = conditions::validate(&expr, spec, name)
                        .map_err(|e| invalid_condition(e, "childConditions", resource))?;
                    if let Some(e) = Expr::all(split.conditions.into_iter().chain(split.child_conditions)) {
                        expr = e;
                    }
                }
                collect_paths(&expr, &mut paths);
                Some(expr.compile())
            }
            None => None,
        };
        let custom_field_conditions = match &params.custom_field_conditions {
            Some(text) => Some(parse_conditions(text, "customFieldConditions", resource)?.compile()),
            None => None,
        };
        let mut order_by = Vec::new();
        if !forward_only && let Some(text) = &params.order_by {
            for part in text.split(',') {
                let mut words = part.split_whitespace();
                let Some(field) = words.next() else { continue };
                let desc = match words.next().map(str::to_ascii_lowercase).as_deref() {
                    None | Some("asc") => false,
                    Some("desc") => true,
                    Some(other) => {
                        return Err(ApiError::bad_parameter(
                            resource,
                            "orderBy",
                            format!("expected asc or desc after {field}, found \"{other}\"."),
                        ));
                    }
                };
                if let Some(extra) = words.next() {
                    return Err(ApiError::bad_parameter(
                        resource,
                        "orderBy",
                        format!("unexpected \"{extra}\" after {field}; separate sort fields with commas."),
                    ));
                }
                let path: Vec<String> = field.trim_matches('/').split('/').map(str::to_string).collect();
                if let Some(s) = record_schema {
                    let segs: Vec<&str> = path.iter().map(String::as_str).collect();
                    if validate::at_path(s, &segs).is_none() {
                        return Err(ApiError::bad_parameter(
                            resource,
                            "orderBy",
                            format!("unknown field {field} for {resource}."),
                        ));
                    }
                }
                order_by.push((path, desc));
            }
        }
        // `id asc` alone is the natural order.
        if order_by.len() == 1 && order_by[0].0 == ["id"] && !order_by[0].1 {
            order_by.clear();
        }
        paths.extend(order_by.iter().map(|(p, _)| p.clone()));
        let fields = params.fields.as_deref().map(FieldTree::parse);
        Ok(Query {
            conditions,
            child_conditions,
            custom_field_conditions,
            order_by,
            fields,
            after_id: if forward_only {
                Some(params.page_id.unwrap_or(0))
            } else {
                None
            },
            eq_terms_only: eq_terms_only
                && params.child_conditions.is_none()
                && params.custom_field_conditions.is_none()
                && !forward_only,
            eq_terms,
            paths,
        })
    }

    /// The top-level keys to serve before testing or sorting records, when
    /// some path reads a served-only part (`None`: the stored records do).
    fn served_keys(&self, view: &View) -> Option<Vec<String>> {
        let derived = view.odd_shapes || self.paths.iter().any(|p| view.shape.is_derived(p));
        derived.then(|| {
            let mut keys: Vec<String> = self.paths.iter().filter_map(|p| p.first().cloned()).collect();
            keys.sort();
            keys.dedup();
            keys
        })
    }

    /// A record as the query tests it: stored, or served (the keys it reads;
    /// all of it when odd shapes may move keys).
    fn seen<'a>(&self, record: &'a Value, keys: Option<&[String]>, view: &View) -> Cow<'a, Value> {
        match keys {
            None => Cow::Borrowed(record),
            Some(_) if view.odd_shapes => Cow::Owned(view.serve(record)),
            Some(keys) => Cow::Owned(view.serve_keys(record, keys)),
        }
    }

    /// Whether the record matches; `seen` is the record as the query tests it.
    fn matches(&self, id: i64, record: &Value, seen: &Value, view: &View) -> bool {
        if self.after_id.is_some_and(|after| id <= after) {
            return false;
        }
        if let Some(e) = &self.conditions
            && !e.matches(seen)
        {
            return false;
        }
        if let Some(e) = &self.child_conditions
            && !e.matches(seen)
        {
            return false;
        }
        if let Some(e) = &self.custom_field_conditions
            && !view.custom_fields(record).iter().any(|f| e.matches(f))
        {
            return false;
        }
        true
    }

    /// The positions of the records that can match, in id order, when the
    /// text indexes on stored values narrow the scan (`None`: every record
    /// can): the intersection of each term's candidates. `exact` when those
    /// are exactly the matches (see [`Query::eq_terms_only`]).
    fn candidates(&self, collection: &Collection, view: &View) -> Option<Candidates> {
        if view.odd_shapes || self.eq_terms.is_empty() {
            return None;
        }
        let mut exact = self.eq_terms_only;
        let mut lists: Vec<Vec<u32>> = Vec::new();
        for (path, key) in &self.eq_terms {
            if view.shape.is_derived(path) {
                exact = false;
                continue;
            }
            let index = collection.text_index(path);
            let hits = index.by_text.get(key).map(Vec::as_slice).unwrap_or(&[]);
            let mut list = Vec::with_capacity(hits.len() + index.other.len());
            list.extend_from_slice(hits);
            if !index.other.is_empty() {
                // Values the index cannot fold: candidates, to be tested.
                exact = false;
                list.extend_from_slice(&index.other);
                list.sort_unstable();
            }
            lists.push(list);
        }
        lists.sort_by_key(Vec::len);
        let mut lists = lists.into_iter();
        let first = lists.next()?;
        let positions = lists.fold(first, |acc, list| intersect(&acc, &list));
        Some(Candidates { positions, exact })
    }

    /// The records a scan must test, in id order.
    fn scan<'a>(
        &self,
        collection: &'a Collection,
        view: &View,
    ) -> Box<dyn DoubleEndedIterator<Item = &'a (i64, Value)> + 'a> {
        let records = &collection.records;
        match self.candidates(collection, view) {
            Some(c) => Box::new(c.positions.into_iter().map(move |p| &records[p as usize])),
            None => {
                // Forward-only paging starts right after `pageId`.
                let start = self
                    .after_id
                    .map_or(0, |after| records.partition_point(|(id, _)| *id <= after));
                Box::new(records[start..].iter())
            }
        }
    }

    /// The matching records, in id order (reversed for `orderBy=id desc`),
    /// each with the form the query tested.
    fn matching<'a>(
        &'a self,
        collection: &'a Collection,
        view: &'a View,
    ) -> impl Iterator<Item = (i64, &'a Value, Cow<'a, Value>)> + 'a {
        let keys = self.served_keys(view);
        let scan = if self.is_id_desc() {
            Box::new(self.scan(collection, view).rev())
        } else {
            self.scan(collection, view)
        };
        scan.filter_map(move |(id, record)| {
            let seen = self.seen(record, keys.as_deref(), view);
            self.matches(*id, record, &seen, view)
                .then_some((*id, record, seen))
        })
    }

    /// The matches, in id order, when the text indexes give them exactly.
    fn exact_matches(&self, collection: &Collection, view: &View) -> Option<Vec<u32>> {
        self.candidates(collection, view)
            .filter(|c| c.exact)
            .map(|c| c.positions)
    }

    /// Number of matching records.
    pub fn count(&self, collection: &Collection, view: &View) -> usize {
        match self.exact_matches(collection, view) {
            Some(positions) => positions.len(),
            None => self.matching(collection, view).count(),
        }
    }

    /// One page (1-based) of `page_size` matching records, served and projected.
    pub fn page(&self, collection: &Collection, page: usize, page_size: usize, view: &View) -> Page {
        let skip = page.saturating_sub(1).saturating_mul(page_size);
        if self.order_by.is_empty()
            && let Some(positions) = self.exact_matches(collection, view)
        {
            let window: Vec<&(i64, Value)> = positions
                .iter()
                .skip(skip)
                .take(page_size)
                .map(|&p| &collection.records[p as usize])
                .collect();
            return Page {
                items: window.iter().map(|(_, r)| self.project(r, view)).collect(),
                more: skip.saturating_add(page_size) < positions.len(),
                total: positions.len(),
                last_id: window.last().map(|(id, _)| *id),
            };
        }
        if self.order_by.is_empty() || self.is_id_desc() {
            let mut items = Vec::with_capacity(page_size.min(collection.records.len()));
            let mut total = 0usize;
            let mut last_id = None;
            for (id, record, _) in self.matching(collection, view) {
                total += 1;
                if total > skip && items.len() < page_size {
                    items.push(self.project(record, view));
                    last_id = Some(id);
                }
            }
            return Page {
                items,
                more: skip.saturating_add(page_size) < total,
                total,
                last_id,
            };
        }
        let mut matched: Vec<(i64, &Value, Cow<Value>)> = self.matching(collection, view).collect();
        matched.sort_by(|a, b| self.compare((a.0, &a.2), (b.0, &b.2)));
        let total = matched.len();
        let window = &matched[skip.min(total)..skip.saturating_add(page_size).min(total)];
        Page {
            items: window.iter().map(|(_, r, _)| self.project(r, view)).collect(),
            more: skip.saturating_add(page_size) < total,
            total,
            last_id: window.last().map(|(id, _, _)| *id),
        }
    }

    fn is_id_desc(&self) -> bool {
        self.order_by.len() == 1 && self.order_by[0].0 == ["id"] && self.order_by[0].1
    }

    fn compare(&self, a: (i64, &Value), b: (i64, &Value)) -> Ordering {
        for (path, desc) in &self.order_by {
            let ord = compare_values(lookup(a.1, path), lookup(b.1, path));
            let ord = if *desc { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        a.0.cmp(&b.0)
    }

    /// The record as the response shows it: served, then the `fields`
    /// projection (only the top-level fields it names are served).
    pub fn project(&self, record: &Value, view: &View) -> Value {
        match &self.fields {
            Some(tree) => tree.project(&view.serve_keys(record, &tree.top_level())),
            None => view.serve(record),
        }
    }
}

/// Candidate positions from the text indexes.
struct Candidates {
    positions: Vec<u32>,
    /// Whether every candidate matches.
    exact: bool,
}

/// The positions in both sorted lists.
fn intersect(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            Ordering::Less => i += 1,
            Ordering::Greater => j += 1,
            Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// How many terms a top-level `and` has (1 for anything else).
fn conjunction_len(expr: &Expr) -> usize {
    match expr {
        Expr::And(terms) => terms.iter().map(conjunction_len).sum(),
        _ => 1,
    }
}

/// The `path = "text"` terms every match must satisfy (top-level `and`s).
fn collect_eq_terms(expr: &Expr, out: &mut Vec<(Vec<String>, String)>) {
    match expr {
        Expr::And(terms) => terms.iter().for_each(|t| collect_eq_terms(t, out)),
        Expr::Compare {
            field,
            op: CompareOp::Eq,
            value: Literal::String(text),
        } => {
            if let Some(key) = fold_key(text) {
                out.push((field.0.clone(), key));
            }
        }
        _ => {}
    }
}

/// ConnectWise filters on `lastUpdated`, `dateEntered`, `updatedBy` and
/// `enteredBy` of records that keep them only in `_info`: point such paths there.
fn audit_fields_under_info(expr: Expr, record_schema: Option<&'static Value>) -> Expr {
    let props = record_schema.map(validate::property_names).unwrap_or_default();
    fn walk(expr: Expr, props: &[&str]) -> Expr {
        let fix = |field: FieldPath| -> FieldPath {
            match field.0.as_slice() {
                [one]
                    if ["lastUpdated", "dateEntered", "updatedBy", "enteredBy"]
                        .iter()
                        .any(|a| a.eq_ignore_ascii_case(one))
                        && !props.iter().any(|p| p.eq_ignore_ascii_case(one)) =>
                {
                    FieldPath(vec!["_info".to_string(), one.clone()])
                }
                _ => field,
            }
        };
        match expr {
            Expr::And(terms) => Expr::And(terms.into_iter().map(|t| walk(t, props)).collect()),
            Expr::Or(terms) => Expr::Or(terms.into_iter().map(|t| walk(t, props)).collect()),
            Expr::Compare { field, op, value } => Expr::Compare {
                field: fix(field),
                op,
                value,
            },
            Expr::In {
                field,
                negated,
                values,
            } => Expr::In {
                field: fix(field),
                negated,
                values,
            },
        }
    }
    walk(expr, &props)
}

fn lookup<'a>(record: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut v = record;
    for seg in path {
        v = v.get(seg.as_str())?;
    }
    Some(v)
}

fn rank(v: Option<&Value>) -> u8 {
    match v {
        None | Some(Value::Null) => 0,
        Some(Value::Bool(_)) => 1,
        Some(Value::Number(_)) => 2,
        Some(Value::String(_)) => 3,
        Some(_) => 4,
    }
}

/// SQL Server's order: nulls first, text case-insensitively.
fn compare_values(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    match (a, b) {
        (Some(Value::Bool(x)), Some(Value::Bool(y))) => x.cmp(y),
        (Some(Value::Number(x)), Some(Value::Number(y))) => {
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            x.partial_cmp(&y).unwrap_or(Ordering::Equal)
        }
        (Some(Value::String(x)), Some(Value::String(y))) => x
            .chars()
            .flat_map(char::to_lowercase)
            .cmp(y.chars().flat_map(char::to_lowercase)),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// The `fields` parameter as a tree: `id,status/name,status/id` →
/// `{id, status: {name, id}}`. A field that is not on a record is left out.
#[derive(Debug, Default, Clone)]
pub struct FieldTree {
    children: Vec<(String, FieldTree)>,
}

impl FieldTree {
    pub fn parse(text: &str) -> FieldTree {
        let mut root = FieldTree::default();
        for field in text.split(',') {
            let mut node = &mut root;
            let segs: Vec<&str> = field
                .trim()
                .trim_matches('/')
                .split('/')
                .filter(|s| !s.is_empty())
                .collect();
            if segs.is_empty() {
                continue;
            }
            let mut covered = false;
            for seg in segs {
                if node.is_leaf() {
                    covered = true;
                    break;
                }
                let i = match node
                    .children
                    .iter()
                    .position(|(k, _)| k.eq_ignore_ascii_case(seg))
                {
                    Some(i) => i,
                    None => {
                        node.children.push((seg.to_string(), FieldTree::default()));
                        node.children.len() - 1
                    }
                };
                node = &mut node.children[i].1;
            }
            if !covered && !node.is_leaf() {
                // The whole value asked for: a leaf.
                node.children.clear();
                node.children.push((String::new(), FieldTree::default()));
            }
        }
        root
    }

    fn is_leaf(&self) -> bool {
        self.children.len() == 1 && self.children[0].0.is_empty()
    }

    /// The top-level fields the tree names.
    pub fn top_level(&self) -> Vec<String> {
        self.children.iter().map(|(k, _)| k.clone()).collect()
    }

    pub fn project(&self, value: &Value) -> Value {
        if self.is_leaf() {
            return value.clone();
        }
        match value {
            Value::Object(object) => {
                let mut out = Map::new();
                for (key, sub) in &self.children {
                    let found = object.get(key.as_str()).map(|v| (key.clone(), v)).or_else(|| {
                        object
                            .iter()
                            .find(|(k, _)| k.eq_ignore_ascii_case(key))
                            .map(|(k, v)| (k.clone(), v))
                    });
                    if let Some((k, v)) = found {
                        out.insert(k, sub.project(v));
                    }
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(|v| self.project(v)).collect()),
            other => other.clone(),
        }
    }
}
