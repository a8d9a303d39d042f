//! Step 2: the allow-list checked against the normalised spec, into a plan.
//!
//! Everything the generated code relies on is checked here: the operation
//! exists (and, when the committed spec had it under another name, the
//! message names the operation now at the same method and path), path
//! parameters, body, patch, condition, default and member fields, includes.
//! Problems are collected per tool and argument, so one run reports them all.
//! The plan is plain data: the emit step reads nothing else, and two plans
//! compare equal exactly when they generate the same code.

use super::ToolError;
use super::allow_list::{
    AllowList, ArgSpec, ArgType, DerivedSpec, IncludeSpec, LookupSpec, Mapping, Operator, SpanSpec, Tier,
    ToolSpec,
};
use super::openapi::{Api, Operation, Param};
use heck::ToSnakeCase;
use std::collections::{BTreeMap, BTreeSet};

/// One curated tool, ready to emit.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolPlan {
    pub name: String,
    pub title: String,
    /// Trimmed.
    pub description: String,
    pub toolset: String,
    pub operation_id: String,
    /// Lower case (`get`).
    pub method: String,
    pub path: String,
    pub tier: Tier,
    pub idempotent: bool,
    pub args: Vec<ArgPlan>,
    pub shape: Shape,
    /// For "my …" tools.
    pub member: Option<MemberPlan>,
    /// The typed request built before the call.
    pub request: Request,
    /// The client method's positional arguments.
    pub call: Vec<CallArg>,
    pub includes: Vec<IncludePlan>,
    pub derived: Vec<DerivedPlan>,
    /// Groups of arguments of which at least one must be given.
    pub one_of: Vec<Vec<String>>,
    /// A start, an end and hours checked together.
    pub span: Option<SpanSpec>,
    /// `(ConnectWise field, argument)` of every body and patch argument:
    /// ConnectWise's errors about a field are said of the argument.
    pub field_args: Vec<(String, String)>,
    /// Body fields every call sends, as JSON text.
    pub fixed_body: Option<String>,
}

/// One argument of the tool: its struct field and what it does.
#[derive(Debug, Clone, PartialEq)]
pub struct ArgPlan {
    pub name: String,
    pub kind: ArgType,
    pub description: String,
    pub required: bool,
    /// An integer's `(min, max)`, checked before use.
    pub range: Option<(i64, i64)>,
    /// A number's bounds, checked before use.
    pub bounds: Option<Bounds>,
    pub step: Step,
}

/// A number's bounds: `min` and `max` inclusive, `above` exclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bounds {
    pub min: Option<f64>,
    pub above: Option<f64>,
    pub max: Option<f64>,
}

/// What a value sent in a body or patch is checked as, before it is sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Written {
    /// Not blank, at most this many characters (the spec's "Max length",
    /// else the longest argument accepted).
    Text { max_chars: Option<usize> },
    /// One of the values the spec's `enum` allows.
    Allowed(Vec<String>),
    /// A record id (a field `…/id` or `…Id`).
    Id,
    /// A date or date-time, normalised, within plausible years.
    Timestamp,
    /// As parsed (numbers are bounded by [`Bounds`], booleans are booleans).
    AsGiven,
    /// A name, looked up to the id of the record it names.
    Lookup(Box<LookupPlan>),
}

/// A `lookup`, checked: the list searched for the name and how to call it.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupPlan {
    pub operation_id: String,
    /// The list's client call: [`CallArg::Parent`] fills its path.
    pub call: Vec<CallArg>,
    /// The field of its records matched against the name.
    pub by: String,
    pub parent: Option<ParentPlan>,
    /// The argument that gives the same field by id: one or the other.
    pub by_id: Option<String>,
}

/// Where the id a looked-up list is under comes from.
#[derive(Debug, Clone, PartialEq)]
pub struct ParentPlan {
    /// The field of the tool's record holding it (`board/id`).
    pub field: String,
    /// The argument of the call that sets the field, when the tool has one.
    pub arg: Option<String>,
    /// The read of the record as it is (its operationId and call), for a
    /// tool that changes a record; a create has none.
    pub read: Option<(String, Vec<CallArg>)>,
}

/// What an argument does to the request.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Condition(Condition),
    /// Checked as an id and passed as the path parameter.
    Path,
    Body {
        field: String,
        written: Written,
    },
    Patch {
        field: String,
        written: Written,
    },
    /// `(value, body fields as JSON text)`, by value.
    Choice(Vec<(String, String)>),
}

/// A term of the list query's `conditions`.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    /// `field op value`; the operator is never `in`.
    Term { field: String, op: Operator },
    /// `field in (values)`, from a list argument.
    In { field: String },
    /// A date or date-time, normalised to UTC.
    Date { field: String, op: Operator },
}

/// A list of records, or one record.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    List {
        record: String,
        default_fields: String,
        default_order: String,
        page_size: i32,
        /// `None`: the runtime's default for lists.
        text_chars: Option<usize>,
    },
    /// `fields` is `Some(default projection)` for a GET, which takes a
    /// `fields` argument (checked against `record`); `None` otherwise (a
    /// write; a delete answers no record: `record` is empty).
    One { fields: Option<String>, record: String },
    /// `{"count": N}` of a `…/count` operation: the records of the list
    /// `record` that its conditions match.
    Count { record: String },
}

#[derive(Debug, Clone, PartialEq)]
pub struct MemberPlan {
    pub field: String,
    pub also_in: Option<String>,
}

/// The typed request body.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    None,
    /// A body of this schema (its name as in the spec).
    Body(String),
    /// A JSON Patch, from these arguments.
    Patch(Vec<String>),
}

/// One positional argument of a client call.
#[derive(Debug, Clone, PartialEq)]
pub enum CallArg {
    /// The id from the path argument of this name.
    PathArg(String),
    /// A query parameter the list query fills.
    List(ListParam),
    /// The checked `fields` projection of a GET of one record.
    Fields,
    /// A query parameter no argument sets.
    None,
    Body,
    Patch,
    /// The parent id of a [`LookupPlan`]'s list.
    Parent,
    /// A fixed text (`fields` of a lookup).
    Text(String),
    /// A fixed number (`pageSize` of a lookup).
    Int(i64),
}

/// The query parameters a list query fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListParam {
    Conditions,
    ChildConditions,
    OrderBy,
    Page,
    PageSize,
    Fields,
}

/// A list fetched on request and put under `key` of the result.
#[derive(Debug, Clone, PartialEq)]
pub struct IncludePlan {
    pub arg: String,
    pub description: String,
    pub operation_id: String,
    pub record: String,
    pub fields: String,
    pub key: String,
    pub call: Vec<CallArg>,
    pub text_chars: Option<usize>,
}

/// One `[[tool.derived]]`, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct DerivedPlan {
    pub key: String,
    pub operation_id: String,
    pub record: String,
    pub conditions: String,
    pub order_by: String,
    pub field: String,
    pub call: Vec<CallArg>,
    /// The include argument that makes it redundant.
    pub unless: Option<String>,
}

/// Default page size of list tools.
const PAGE_SIZE: i32 = 25;
/// The clip lengths a list may set: below, a text says nothing; above, one
/// cell could take a whole answer.
const TEXT_CHARS: std::ops::RangeInclusive<usize> = 40..=4000;

/// Plans every tool; `previous` (the committed spec, when a new one is
/// read) names the operations a renamed one was. Errors name the tool.
pub fn plan(
    list: &AllowList,
    spec: &serde_json::Value,
    previous: Option<&serde_json::Value>,
) -> Result<Vec<ToolPlan>, Vec<ToolError>> {
    let specs = Specs {
        api: Api::new(spec),
        previous: previous.map(Api::new),
    };
    let mut errors = Vec::new();
    let mut plans = Vec::new();
    let mut seen = BTreeSet::new();
    for tool in &list.tools {
        let mut problems = Vec::new();
        if !seen.insert(&tool.name) {
            errors.push(ToolError::new(&tool.name, "is listed twice"));
            continue;
        }
        if !is_snake_case(&tool.name) || !tool.name.starts_with("cw_") {
            problems.push("names must be snake_case with the cw_ prefix".into());
        }
        match plan_tool(tool, &specs) {
            Ok(plan) if problems.is_empty() => plans.push(plan),
            Ok(_) => {}
            Err(more) => problems.extend(more),
        }
        errors.extend(problems.into_iter().map(|p| ToolError::new(&tool.name, p)));
    }
    if errors.is_empty() { Ok(plans) } else { Err(errors) }
}

/// The spec the tools are generated from, and the committed one before it.
struct Specs<'a> {
    api: Api<'a>,
    previous: Option<Api<'a>>,
}

impl<'a> Specs<'a> {
    /// The operation, or why it cannot be had.
    fn operation(&self, id: &str) -> Result<Operation<'a>, String> {
        if let Some(op) = self.api.operation(id) {
            return Ok(op);
        }
        let gone = format!("operation {id} is not in the spec");
        let Some(was) = self.previous.as_ref().and_then(|p| p.operation(id)) else {
            return Err(gone);
        };
        let at = format!("{} {}", was.method.to_uppercase(), was.path);
        Err(match self.api.id_at(was.method, was.path) {
            Some(now) => format!("{gone}; {at} is now {now}"),
            None => format!("{gone} (it was {at}, which is gone too)"),
        })
    }
}

/// What the checks of one tool need to hand.
struct Context<'s, 'a> {
    tool: &'s ToolSpec,
    specs: &'s Specs<'a>,
    op: Operation<'a>,
    record: String,
    is_list: bool,
    /// A `…/count` operation: conditions apply, on `record`.
    counts: bool,
    problems: Vec<String>,
}

impl Context<'_, '_> {
    fn has_field(&self, schema: &str, field: &str) -> bool {
        self.specs.api.has_field(schema, field)
    }

    /// A problem unless the tool's record has `field`.
    fn need_field(&mut self, what: &str, field: &str) {
        if !self.has_field(&self.record, field) {
            let problem = format!("{what}: {} has no field {field}", self.record);
            self.problems.push(problem);
        }
    }
}

fn plan_tool(tool: &ToolSpec, specs: &Specs<'_>) -> Result<ToolPlan, Vec<String>> {
    let op = specs.operation(&tool.operation).map_err(|e| vec![e])?;
    // A delete answers no record; the write path says what was deleted.
    let answer = match op.record() {
        None if op.method == "delete" => Some((String::new(), false)),
        answer => answer,
    };
    let Some((mut record, is_list)) = answer else {
        return Err(vec![format!(
            "operation {} has no JSON response to return",
            tool.operation
        )]);
    };
    // A count's conditions are on the records of the list it counts.
    let counts = specs.api.counted(&op);
    if let Some(listed) = &counts {
        record = listed.clone();
    }
    let tier = match tool.tier.or_else(|| tier_of(op.method)) {
        Some(tier) => tier,
        None => {
            return Err(vec![format!(
                "a {} operation needs a `tier`",
                op.method.to_uppercase()
            )]);
        }
    };
    let mut cx = Context {
        tool,
        specs,
        op,
        record,
        is_list,
        counts: counts.is_some(),
        problems: Vec::new(),
    };
    let args: Vec<ArgPlan> = tool
        .args
        .iter()
        .filter_map(|arg| plan_arg(&mut cx, arg))
        .collect();
    let member = plan_member(&mut cx);
    let request = plan_request(&mut cx, &args);
    let call = plan_call(&mut cx, &args, &request);
    let shape = plan_shape(&mut cx);
    let includes = tool
        .includes
        .iter()
        .filter_map(|inc| plan_include(&mut cx, &args, inc))
        .collect();
    let derived = tool
        .derived
        .iter()
        .filter_map(|d| plan_derived(&mut cx, &args, d))
        .collect();
    check_names(&mut cx);
    check_one_of(&mut cx, &args);
    check_span(&mut cx, &args);
    let field_args = field_args(&args);
    let fixed_body = plan_fixed_body(&mut cx, &request);
    if !cx.problems.is_empty() {
        return Err(cx.problems);
    }
    Ok(ToolPlan {
        name: tool.name.clone(),
        title: tool.title.clone(),
        description: tool.description.trim().to_owned(),
        toolset: tool.toolset.clone(),
        operation_id: tool.operation.clone(),
        method: cx.op.method.to_owned(),
        path: cx.op.path.to_owned(),
        tier,
        idempotent: matches!(cx.op.method, "get" | "put" | "delete" | "patch"),
        args,
        shape,
        member,
        request,
        call,
        includes,
        derived,
        one_of: tool.one_of.clone(),
        span: tool.span.clone(),
        field_args,
        fixed_body,
    })
}

/// `fixed_body`: fields of the operation's body schema, as JSON text.
fn plan_fixed_body(cx: &mut Context<'_, '_>, request: &Request) -> Option<String> {
    let fixed = cx.tool.fixed_body.as_ref()?;
    let Request::Body(schema) = request else {
        cx.problems
            .push(format!("fixed_body: {} takes no body", cx.tool.operation));
        return None;
    };
    for field in fixed.keys() {
        if !cx.has_field(schema, field) {
            cx.problems
                .push(format!("fixed_body: {schema} has no field {field}"));
        }
    }
    Some(serde_json::to_string(fixed).expect("JSON values"))
}

/// Every group of `one_of` names two or more optional arguments of the tool.
fn check_one_of(cx: &mut Context<'_, '_>, args: &[ArgPlan]) {
    for group in &cx.tool.one_of {
        if group.len() < 2 {
            cx.problems
                .push(format!("one_of {group:?}: a group needs two or more arguments"));
        }
        for name in group {
            match args.iter().find(|a| &a.name == name) {
                None => cx
                    .problems
                    .push(format!("one_of: the tool has no argument {name}")),
                Some(arg) if arg.required => cx
                    .problems
                    .push(format!("one_of: argument {name} is required already")),
                Some(_) => {}
            }
        }
    }
}

/// `span` names a start and an end (datetimes) and hours (a number).
fn check_span(cx: &mut Context<'_, '_>, args: &[ArgPlan]) {
    let Some(span) = &cx.tool.span else { return };
    let wanted = [
        (&span.start, ArgType::Datetime),
        (&span.end, ArgType::Datetime),
        (&span.hours, ArgType::Number),
    ];
    for (name, kind) in wanted {
        if !args.iter().any(|a| &a.name == name && a.kind == kind) {
            cx.problems
                .push(format!("span: the tool has no {kind} argument {name}"));
        }
    }
    if span.max_hours.is_nan() || span.max_hours <= 0.0 {
        cx.problems.push("span: max_hours must be above 0".into());
    }
}

/// `(field, argument)` for ConnectWise's errors: the whole field path and,
/// for a reference (`status/id`), its top field (`status`) too.
fn field_args(args: &[ArgPlan]) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    for arg in args {
        let (Step::Body { field, .. } | Step::Patch { field, .. }) = &arg.step else {
            continue;
        };
        pairs.push((field.clone(), arg.name.clone()));
        if let Some((top, _)) = field.split_once('/') {
            pairs.push((top.to_owned(), arg.name.clone()));
        }
    }
    pairs
}

/// The tier an HTTP method implies.
fn tier_of(method: &str) -> Option<Tier> {
    match method {
        "get" => Some(Tier::Read),
        "post" | "put" | "patch" => Some(Tier::Write),
        "delete" => Some(Tier::Delete),
        _ => None,
    }
}

/// One argument; `None` (with the problem noted) when it cannot be planned.
fn plan_arg(cx: &mut Context<'_, '_>, arg: &ArgSpec) -> Option<ArgPlan> {
    let before = cx.problems.len();
    let step = match &arg.mapping {
        Mapping::Condition { field, op } => plan_condition(cx, arg, field, *op),
        Mapping::Path(param) => plan_path(cx, arg, param),
        Mapping::Body(field) => plan_body(cx, arg, field),
        Mapping::Patch(field) => {
            cx.need_field(&format!("argument {}", arg.name), field);
            let record = cx.record.clone();
            Some(Step::Patch {
                field: field.clone(),
                written: written(cx, arg, &record, field),
            })
        }
        Mapping::Choice(values) => {
            plan_body_schema(cx, arg);
            let values = values.iter().map(|(k, v)| (k.clone(), v.to_string())).collect();
            Some(Step::Choice(values))
        }
    };
    let step = match (step, &arg.lookup) {
        (Some(Step::Body { field, .. }), Some(lookup)) => {
            plan_lookup(cx, arg, &field, lookup).map(|plan| Step::Body {
                field,
                written: Written::Lookup(Box::new(plan)),
            })
        }
        (Some(Step::Patch { field, .. }), Some(lookup)) => {
            plan_lookup(cx, arg, &field, lookup).map(|plan| Step::Patch {
                field,
                written: Written::Lookup(Box::new(plan)),
            })
        }
        (step, _) => step,
    };
    check_kind(cx, arg);
    let (range, bounds) = plan_bounds(cx, arg);
    let step = step.filter(|_| cx.problems.len() == before)?;
    Some(ArgPlan {
        name: arg.name.clone(),
        kind: arg.kind,
        description: arg.description.clone(),
        required: arg.required,
        range,
        bounds,
        step,
    })
}

/// A `lookup` of the argument writing `field`: a text argument, an id field,
/// a list of records that have the `by` field, and a parent id to put the
/// list under exactly when its path needs one.
fn plan_lookup(
    cx: &mut Context<'_, '_>,
    arg: &ArgSpec,
    field: &str,
    lookup: &LookupSpec,
) -> Option<LookupPlan> {
    let what = format!("argument {}: lookup", arg.name);
    let before = cx.problems.len();
    if arg.kind != ArgType::String {
        cx.problems.push(format!("{what}: a looked-up name is a string"));
    }
    if !field.ends_with("/id") {
        cx.problems
            .push(format!("{what}: {field} is not an id field (…/id)"));
    }
    let op = match cx.specs.operation(&lookup.operation) {
        Ok(op) if op.method == "get" => op,
        Ok(_) => {
            cx.problems
                .push(format!("{what}: {} is not a read", lookup.operation));
            return None;
        }
        Err(e) => {
            cx.problems.push(format!("{what}: {e}"));
            return None;
        }
    };
    match op.record() {
        Some((record, true)) if cx.has_field(&record, &lookup.by) => {}
        Some((record, true)) => cx
            .problems
            .push(format!("{what}: {record} has no field {}", lookup.by)),
        _ => cx
            .problems
            .push(format!("{what}: {} does not return a list", lookup.operation)),
    }
    let fields = format!("id,{}", lookup.by);
    let mut call = Vec::new();
    for param in op.positional() {
        call.push(match param {
            Param::Path(_) => CallArg::Parent,
            Param::Query(name) if name == "fields" => CallArg::Text(fields.clone()),
            Param::Query(name) if name == "pageSize" => CallArg::Int(LOOKUP_PAGE),
            Param::Query(_) => CallArg::None,
        });
    }
    let needs_parent = call.contains(&CallArg::Parent);
    let parent = match (&lookup.parent, needs_parent) {
        (Some(parent), true) => plan_parent(cx, &what, parent),
        (None, false) => None,
        (Some(_), false) => {
            cx.problems
                .push(format!("{what}: {} is under no parent", lookup.operation));
            None
        }
        (None, true) => {
            cx.problems.push(format!(
                "{what}: {} needs a parent id: give parent",
                lookup.operation
            ));
            None
        }
    };
    let by_id = writers_of(cx.tool, field)
        .find(|other| *other != arg.name)
        .map(str::to_owned);
    (cx.problems.len() == before).then(|| LookupPlan {
        operation_id: lookup.operation.clone(),
        call,
        by: lookup.by.clone(),
        parent,
        by_id,
    })
}

/// The largest page ConnectWise answers: a lookup reads the whole list.
const LOOKUP_PAGE: i64 = 1000;

/// The arguments of `tool` that write `field` of its body or patch.
fn writers_of<'t>(tool: &'t ToolSpec, field: &'t str) -> impl Iterator<Item = &'t str> {
    tool.args.iter().filter_map(move |a| match &a.mapping {
        Mapping::Body(f) | Mapping::Patch(f) if f == field => Some(a.name.as_str()),
        _ => None,
    })
}

/// The parent id of a lookup: `field` of the tool's record, set by an
/// argument of this call or read from the record as it is.
fn plan_parent(cx: &mut Context<'_, '_>, what: &str, field: &str) -> Option<ParentPlan> {
    cx.need_field(what, field);
    let arg = writers_of(cx.tool, field).next().map(str::to_owned);
    let is_create = cx.op.method == "post";
    let read = match cx.specs.api.id_at("get", cx.op.path) {
        Some(id) if !is_create => Some(plan_record_read(cx, id, field)),
        _ => None,
    };
    if read.is_none() && arg.is_none() {
        cx.problems.push(format!(
            "{what}: nothing gives the parent {field} (no argument sets it, no record to read it from)"
        ));
    }
    Some(ParentPlan {
        field: field.to_owned(),
        arg,
        read,
    })
}

/// The GET `id` of the tool's own record, asking for `field` only.
fn plan_record_read(cx: &Context<'_, '_>, id: &str, field: &str) -> (String, Vec<CallArg>) {
    let op = cx.specs.api.operation(id).expect("id_at names an operation");
    let path_arg = cx.tool.args.iter().find_map(|a| match &a.mapping {
        Mapping::Path(_) => Some(a.name.clone()),
        _ => None,
    });
    let call = op
        .positional()
        .into_iter()
        .map(|param| match param {
            Param::Path(_) => CallArg::PathArg(path_arg.clone().unwrap_or_default()),
            Param::Query(name) if name == "fields" => CallArg::Text(field.to_owned()),
            Param::Query(_) => CallArg::None,
        })
        .collect();
    (id.to_owned(), call)
}

/// An integer's whole `(min, max)`, or a number's bounds; a problem for
/// bounds on anything else.
fn plan_bounds(cx: &mut Context<'_, '_>, arg: &ArgSpec) -> (Option<(i64, i64)>, Option<Bounds>) {
    let given = arg.min.is_some() || arg.max.is_some() || arg.above.is_some();
    let name = &arg.name;
    match arg.kind {
        _ if !given => (None, None),
        ArgType::Integer => {
            let whole = |v: Option<f64>| v.is_none_or(|v| v.fract() == 0.0);
            if arg.above.is_some() || !whole(arg.min) || !whole(arg.max) {
                cx.problems.push(format!(
                    "argument {name}: an integer's bounds are whole min/max (above is for numbers)"
                ));
            }
            let min = arg.min.map_or(i64::MIN, |v| v as i64);
            (Some((min, arg.max.map_or(i64::MAX, |v| v as i64))), None)
        }
        ArgType::Number => {
            let bounds = Bounds {
                min: arg.min,
                above: arg.above,
                max: arg.max,
            };
            (None, Some(bounds))
        }
        _ => {
            cx.problems.push(format!(
                "argument {name}: min/max/above apply to integers and numbers only"
            ));
            (None, None)
        }
    }
}

/// What a value written to `field` of `schema` is checked as, from the
/// argument's type and the field's schema (its `enum`, its max length, an
/// id field).
fn written(cx: &Context<'_, '_>, arg: &ArgSpec, schema: &str, field: &str) -> Written {
    let spec = cx.specs.api.field(schema, field);
    let last = field.rsplit('/').next().unwrap_or(field);
    match arg.kind {
        ArgType::String => match spec.and_then(|f| f.get("enum")).and_then(|e| e.as_array()) {
            Some(values) => Written::Allowed(
                values
                    .iter()
                    .filter_map(|v| v.as_str().map(str::to_owned))
                    .collect(),
            ),
            None => Written::Text {
                max_chars: spec.and_then(max_length),
            },
        },
        ArgType::Integer if last == "id" || last.ends_with("Id") => Written::Id,
        ArgType::Datetime => Written::Timestamp,
        _ => Written::AsGiven,
    }
}

/// The "Max length: N;" the spec keeps in a field's description.
fn max_length(field: &serde_json::Value) -> Option<usize> {
    let description = field.get("description")?.as_str()?;
    let rest = &description[description.find("Max length:")? + "Max length:".len()..];
    let digits: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// `type = "choice"` goes with a `choice` table, and only with one.
fn check_kind(cx: &mut Context<'_, '_>, arg: &ArgSpec) {
    let is_choice = matches!(arg.mapping, Mapping::Choice(_));
    if (arg.kind == ArgType::Choice) != is_choice {
        let problem = if is_choice {
            "a `choice` table needs type choice"
        } else {
            "type choice needs a `choice` table"
        };
        cx.problems.push(format!("argument {}: {problem}", arg.name));
    }
}

fn plan_condition(
    cx: &mut Context<'_, '_>,
    arg: &ArgSpec,
    field: &str,
    op: Option<Operator>,
) -> Option<Step> {
    let name = &arg.name;
    if !cx.is_list && !cx.counts {
        cx.problems.push(format!(
            "argument {name}: conditions apply to list and count operations only"
        ));
    }
    cx.need_field(&format!("argument {name}"), field);
    let field = field.to_owned();
    let default = if arg.kind.is_list() {
        Operator::In
    } else {
        Operator::Eq
    };
    let condition = match (op.unwrap_or(default), arg.kind) {
        (Operator::In, kind) if kind.is_list() => Condition::In { field },
        (Operator::In, _) => {
            cx.problems.push(format!(
                "argument {name}: op in needs a list type, not {}",
                arg.kind
            ));
            return None;
        }
        (op, ArgType::Datetime) => Condition::Date { field, op },
        (op, _) => Condition::Term { field, op },
    };
    Some(Step::Condition(condition))
}

fn plan_path(cx: &mut Context<'_, '_>, arg: &ArgSpec, param: &str) -> Option<Step> {
    if !cx.op.has_path_param(param) {
        let problem = format!(
            "argument {}: {} has no path parameter {param}",
            arg.name, cx.tool.operation
        );
        cx.problems.push(problem);
    }
    if !arg.required || arg.kind != ArgType::Integer {
        cx.problems.push(format!(
            "argument {}: path arguments are required integers",
            arg.name
        ));
    }
    Some(Step::Path)
}

fn plan_body(cx: &mut Context<'_, '_>, arg: &ArgSpec, field: &str) -> Option<Step> {
    let schema = plan_body_schema(cx, arg);
    if let Some(schema) = &schema
        && !cx.has_field(schema, field)
    {
        cx.problems
            .push(format!("argument {}: {schema} has no field {field}", arg.name));
    }
    let written = written(cx, arg, schema.as_deref().unwrap_or_default(), field);
    Some(Step::Body {
        field: field.to_owned(),
        written,
    })
}

/// The request body's schema name; a problem when the operation takes none.
fn plan_body_schema(cx: &mut Context<'_, '_>, arg: &ArgSpec) -> Option<String> {
    let schema = cx.op.body_record().map(str::to_owned);
    if schema.is_none() && !cx.op.has_body() {
        cx.problems.push(format!(
            "argument {}: {} takes no body",
            arg.name, cx.tool.operation
        ));
    }
    schema
}

fn plan_member(cx: &mut Context<'_, '_>) -> Option<MemberPlan> {
    let field = cx.tool.member_filter.clone()?;
    cx.need_field("member_filter", &field);
    let also_in = cx.tool.member_also_in.clone();
    if let Some(list) = &also_in {
        cx.need_field("member_also_in", list);
    }
    Some(MemberPlan { field, also_in })
}

/// A patch when an argument patches; else the body the operation takes.
fn plan_request(cx: &mut Context<'_, '_>, args: &[ArgPlan]) -> Request {
    let patched: Vec<String> = args
        .iter()
        .filter(|a| matches!(a.step, Step::Patch { .. }))
        .map(|a| a.name.clone())
        .collect();
    if !patched.is_empty() {
        return Request::Patch(patched);
    }
    if !cx.op.has_body() {
        return Request::None;
    }
    match cx.op.body_record() {
        Some(schema) => Request::Body(schema.to_owned()),
        None => {
            let problem = format!("{}: the request body is not a named schema", cx.tool.operation);
            cx.problems.push(problem);
            Request::None
        }
    }
}

/// The positional call: path values, then query parameters by name, then
/// the body or patch.
fn plan_call(cx: &mut Context<'_, '_>, args: &[ArgPlan], request: &Request) -> Vec<CallArg> {
    let paths = path_args(cx.tool, args);
    let mut call = Vec::new();
    for param in cx.op.positional() {
        match param {
            Param::Path(param) => match paths.get(param.as_str()) {
                Some(arg) => call.push(CallArg::PathArg((*arg).to_owned())),
                None => {
                    let problem = format!("path parameter {param} of {} has no argument", cx.tool.operation);
                    cx.problems.push(problem);
                }
            },
            Param::Query(name) if cx.counts => call.push(count_arg(&name)),
            Param::Query(name) => call.push(query_arg(&name, cx.is_list, cx.op.method == "get")),
        }
    }
    match request {
        Request::None => {}
        Request::Body(_) => call.push(CallArg::Body),
        Request::Patch(_) => call.push(CallArg::Patch),
    }
    call
}

/// Path parameter → the argument that gives it.
fn path_args<'t>(tool: &'t ToolSpec, planned: &[ArgPlan]) -> BTreeMap<&'t str, &'t str> {
    tool.args
        .iter()
        .filter(|a| planned.iter().any(|p| p.name == a.name))
        .filter_map(|a| match &a.mapping {
            Mapping::Path(param) => Some((param.as_str(), a.name.as_str())),
            _ => None,
        })
        .collect()
}

/// A count sends its conditions only (ConnectWise ignores paging there).
fn count_arg(name: &str) -> CallArg {
    match name {
        "conditions" => CallArg::List(ListParam::Conditions),
        "childConditions" => CallArg::List(ListParam::ChildConditions),
        _ => CallArg::None,
    }
}

/// What fills a query parameter of the tool's own call.
fn query_arg(name: &str, is_list: bool, is_get: bool) -> CallArg {
    match (is_list, name) {
        (true, "childConditions") => CallArg::List(ListParam::ChildConditions),
        (true, _) => list_param(name).map_or(CallArg::None, CallArg::List),
        (false, "fields") if is_get => CallArg::Fields,
        (false, _) => CallArg::None,
    }
}

/// The query parameters a list query fills (an include's call too).
fn list_param(name: &str) -> Option<ListParam> {
    Some(match name {
        "conditions" => ListParam::Conditions,
        "orderBy" => ListParam::OrderBy,
        "page" => ListParam::Page,
        "pageSize" => ListParam::PageSize,
        "fields" => ListParam::Fields,
        _ => return None,
    })
}

fn plan_shape(cx: &mut Context<'_, '_>) -> Shape {
    let default_fields = cx.tool.fields.clone().unwrap_or_default();
    if cx.counts {
        if cx.tool.order_by.is_some() || cx.tool.fields.is_some() {
            cx.problems.push("a count takes no order_by or fields".into());
        }
        return Shape::Count {
            record: cx.record.clone(),
        };
    }
    if !cx.is_list {
        if cx.tool.order_by.is_some() {
            cx.problems
                .push("order_by: only list tools take a default order".into());
        }
        if cx.tool.text_chars.is_some() {
            cx.problems.push(
                "text_chars: only list tools clip text (one record is clipped only to fit the cap)".into(),
            );
        }
        let fields = (cx.op.method == "get").then_some(default_fields);
        return Shape::One {
            fields,
            record: cx.record.clone(),
        };
    }
    for field in default_fields.split(',').filter(|f| !f.is_empty()) {
        if !cx.has_field(&cx.record, field.trim()) {
            let problem = format!("fields: {} has no field {field}", cx.record);
            cx.problems.push(problem);
        }
    }
    let default_order = cx.tool.order_by.clone().unwrap_or_default();
    if default_order.trim().is_empty() {
        cx.problems.push(
            "a list tool needs `order_by` (what its description promises: newest first, by name …)".into(),
        );
    }
    for clause in default_order.split(',').filter(|c| !c.trim().is_empty()) {
        let mut words = clause.split_whitespace();
        let field = words.next().unwrap_or_default();
        if !cx.has_field(&cx.record, field) {
            let problem = format!("order_by: {} has no field {field}", cx.record);
            cx.problems.push(problem);
        }
        if let Some(dir) = words.next().filter(|d| !matches!(*d, "asc" | "desc")) {
            cx.problems.push(format!("order_by: {dir:?} is not asc or desc"));
        }
    }
    Shape::List {
        record: cx.record.clone(),
        default_fields,
        default_order,
        page_size: cx.tool.page_size.unwrap_or(PAGE_SIZE),
        text_chars: checked_text_chars(cx, "text_chars", cx.tool.text_chars),
    }
}

/// A `text_chars` within [`TEXT_CHARS`].
fn checked_text_chars(cx: &mut Context<'_, '_>, what: &str, chars: Option<usize>) -> Option<usize> {
    if let Some(n) = chars.filter(|n| !TEXT_CHARS.contains(n)) {
        cx.problems.push(format!(
            "{what}: {n} is outside {}..={}",
            TEXT_CHARS.start(),
            TEXT_CHARS.end()
        ));
    }
    chars
}

fn plan_include(cx: &mut Context<'_, '_>, args: &[ArgPlan], inc: &IncludeSpec) -> Option<IncludePlan> {
    let what = format!("include {}", inc.arg);
    let (record, call) = plan_child_list(cx, args, &what, &inc.operation)?;
    Some(IncludePlan {
        arg: inc.arg.clone(),
        description: inc.description.clone(),
        operation_id: inc.operation.clone(),
        record,
        fields: inc.fields.clone().unwrap_or_default(),
        key: inc.key.clone(),
        call,
        text_chars: checked_text_chars(cx, &format!("{what}: text_chars"), inc.text_chars),
    })
}

fn plan_derived(cx: &mut Context<'_, '_>, args: &[ArgPlan], d: &DerivedSpec) -> Option<DerivedPlan> {
    let what = format!("derived {}", d.key);
    if cx.is_list {
        cx.problems.push(format!(
            "{what}: only a tool that reads one record can derive a value"
        ));
        return None;
    }
    let (record, call) = plan_child_list(cx, args, &what, &d.operation)?;
    if !cx.has_field(&record, &d.field) {
        cx.problems
            .push(format!("{what}: {record} has no field {}", d.field));
    }
    let order_field = d.order_by.split_whitespace().next().unwrap_or_default();
    if !cx.has_field(&record, order_field) {
        cx.problems
            .push(format!("{what}: order_by: {record} has no field {order_field}"));
    }
    if let Some(unless) = &d.unless
        && !cx.tool.includes.iter().any(|i| &i.arg == unless)
    {
        cx.problems
            .push(format!("{what}: unless: the tool has no include {unless}"));
    }
    if cx.has_field(&cx.record, &d.key) {
        let problem = format!("{what}: {} already has a field {}", cx.record, d.key);
        cx.problems.push(problem);
    }
    Some(DerivedPlan {
        key: d.key.clone(),
        operation_id: d.operation.clone(),
        record,
        conditions: d.conditions.clone(),
        order_by: d.order_by.clone(),
        field: d.field.clone(),
        call,
        unless: d.unless.clone(),
    })
}

/// The list `operation` answers under the tool's id (a ticket's notes):
/// its record and the client call's arguments.
fn plan_child_list(
    cx: &mut Context<'_, '_>,
    args: &[ArgPlan],
    what: &str,
    operation: &str,
) -> Option<(String, Vec<CallArg>)> {
    let op = match cx.specs.operation(operation) {
        Ok(op) => op,
        Err(e) => {
            cx.problems.push(format!("{what}: {e}"));
            return None;
        }
    };
    let Some((record, true)) = op.record() else {
        cx.problems
            .push(format!("{what}: {operation} does not return a list"));
        return None;
    };
    // The tool's id (its first path argument by parameter name) fills every
    // path parameter of the list.
    let id = path_args(cx.tool, args).into_values().next().map(str::to_owned);
    let mut call = Vec::new();
    for param in op.positional() {
        call.push(match (param, &id) {
            (Param::Path(_), Some(id)) => CallArg::PathArg(id.clone()),
            (Param::Path(param), None) => {
                cx.problems
                    .push(format!("{what}: no id argument to pass as {param}"));
                continue;
            }
            (Param::Query(name), _) => list_param(&name).map_or(CallArg::None, CallArg::List),
        });
    }
    Some((record, call))
}

/// Every name becomes a Rust identifier: argument, include and choice names
/// must be snake_case words, distinct from each other.
fn check_names(cx: &mut Context<'_, '_>) {
    let tool = cx.tool;
    let mut seen = BTreeSet::new();
    let names = tool.args.iter().map(|a| ("argument", &a.name));
    for (what, name) in names.chain(tool.includes.iter().map(|i| ("include", &i.arg))) {
        if !is_snake_case(name) || RESERVED.contains(&name.as_str()) {
            cx.problems.push(format!(
                "{what} {name}: names must be snake_case words other than self, super and crate"
            ));
        } else if !seen.insert(name) {
            cx.problems.push(format!("{what} {name} is listed twice"));
        }
    }
    for arg in &tool.args {
        let Mapping::Choice(values) = &arg.mapping else {
            continue;
        };
        for value in values.keys().filter(|v| !is_snake_case(v)) {
            cx.problems.push(format!(
                "argument {}: choice {value:?} must be a snake_case word",
                arg.name
            ));
        }
    }
}

/// Keywords that cannot be raw identifiers either.
const RESERVED: [&str; 3] = ["self", "super", "crate"];

/// A lower-case Rust identifier (`type` included: it becomes `r#type`).
fn is_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && *name == name.to_snake_case()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::allow_list;
    use serde_json::{Value, json};

    /// Tickets: a list, a count, one by id, a create, a patch and a delete.
    fn spec() -> Value {
        let ok =
            |schema: Value| json!({ "200": { "content": { "application/json": { "schema": schema } } } });
        let t = json!({ "$ref": "#/components/schemas/T" });
        let query = |names: &[&str]| -> Vec<Value> {
            names
                .iter()
                .map(|n| json!({ "name": n, "in": "query" }))
                .collect()
        };
        let id = json!({ "name": "id", "in": "path" });
        let mut one_params = query(&["fields"]);
        one_params.push(id.clone());
        json!({
            "paths": {
                "/t": {
                    "get": { "operationId": "getTs", "responses": ok(json!({ "type": "array", "items": t })),
                             "parameters": query(&["pageSize", "conditions", "childConditions", "orderBy", "page", "fields", "customFieldConditions"]) },
                    "post": { "operationId": "postT", "responses": ok(t.clone()),
                              "requestBody": { "content": { "application/json": { "schema": t } } } },
                },
                "/t/count": {
                    "get": { "operationId": "getTsCount", "responses": ok(json!({ "$ref": "#/components/schemas/Count" })),
                             "parameters": query(&["conditions", "childConditions", "orderBy", "page", "pageSize", "fields"]) },
                },
                "/b/{parentId}/s": {
                    "get": { "operationId": "getSs", "responses": ok(json!({ "type": "array", "items": { "$ref": "#/components/schemas/S" } })),
                             "parameters": [{ "name": "parentId", "in": "path" }, { "name": "fields", "in": "query" }, { "name": "pageSize", "in": "query" }] },
                },
                "/t/{id}": {
                    "get": { "operationId": "getT", "responses": ok(t.clone()), "parameters": one_params },
                    "delete": { "operationId": "deleteT", "responses": { "204": { "description": "No Content" } }, "parameters": [id.clone()] },
                    "patch": { "operationId": "patchT", "responses": ok(t.clone()), "parameters": [id],
                               "requestBody": { "content": { "application/json": { "schema": { "type": "array" } } } } },
                },
            },
            "components": { "schemas": { "Count": { "properties": { "count": { "type": "integer" } } },
                "S": { "properties": { "id": { "type": "integer" }, "name": { "type": "string" } } },
                "T": { "properties": {
                "status": { "properties": { "id": { "type": "integer" } } },
                "id": { "type": "integer" }, "_info": { "type": "object" },
                "summary": { "type": "string", "description": "Max length: 100;" }, "closedFlag": { "type": "boolean" },
                "owner": { "properties": { "identifier": { "type": "string" } } },
                "resources": { "type": "string" },
                "kind": { "type": "string", "enum": ["Service", "Project"] },
                "hours": { "type": "number" }, "start": { "type": "string" }, "end": { "type": "string" },
                "board": { "properties": { "id": { "type": "integer" } } },
            } } } },
        })
    }

    /// A tool of `operation`; the list operation gets the order list tools need.
    fn tool(operation: &str, rest: &str) -> String {
        let order = if operation == "getTs" {
            "order_by = \"id desc\"\n"
        } else {
            ""
        };
        format!(
            "[[tool]]\nname = \"cw_t\"\noperation = \"{operation}\"\ntoolset = \"t\"\ntitle = \"T\"\n\
             description = \"  Tickets.  \"\n{order}{rest}\n"
        )
    }

    fn arg(name: &str, kind: &str, rest: &str) -> String {
        format!("[[tool.arg]]\nname = \"{name}\"\ntype = \"{kind}\"\ndescription = \"d\"\n{rest}\n")
    }

    fn plan_of(text: &str, spec: &Value, previous: Option<&Value>) -> Result<ToolPlan, Vec<String>> {
        let list = allow_list::read(text).expect("the allow-list reads");
        plan(&list, spec, previous)
            .map(|mut plans| plans.remove(0))
            .map_err(|errors| errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn a_name_is_looked_up_under_the_parent_the_call_sets_or_the_record_has() {
        let lookup = "patch = \"status/id\"\nlookup = { operation = \"getSs\", parent = \"board/id\" }";
        let text = tool("patchT", "")
            + &arg("id", "integer", "required = true\npath = \"id\"")
            + &arg("board_id", "integer", "patch = \"board/id\"")
            + &arg("status", "string", lookup)
            + &arg("status_id", "integer", "patch = \"status/id\"");
        let plan = plan_of(&text, &spec(), None).unwrap();
        let Step::Patch {
            field,
            written: Written::Lookup(lookup),
        } = &plan.args[2].step
        else {
            panic!("a lookup: {:?}", plan.args[2].step);
        };
        assert_eq!(field, "status/id");
        assert_eq!(lookup.operation_id, "getSs");
        assert_eq!(lookup.by, "name");
        assert_eq!(lookup.by_id.as_deref(), Some("status_id"), "one or the other");
        assert!(lookup.call.contains(&CallArg::Parent));
        assert!(
            lookup.call.contains(&CallArg::Text("id,name".into())),
            "{:?}",
            lookup.call
        );
        assert!(lookup.call.contains(&CallArg::Int(1000)), "the whole list");
        let parent = lookup.parent.as_ref().expect("a parent");
        assert_eq!(parent.arg.as_deref(), Some("board_id"), "moving the ticket");
        let (read, call) = parent.read.as_ref().expect("else the record as it is");
        assert_eq!(read, "getT");
        assert!(call.contains(&CallArg::PathArg("id".into())));
        assert!(call.contains(&CallArg::Text("board/id".into())), "{call:?}");

        let wrong = tool("patchT", "")
            + &arg("id", "integer", "required = true\npath = \"id\"")
            + &arg(
                "a",
                "integer",
                "patch = \"status/id\"\nlookup = { operation = \"getSs\", parent = \"board/id\" }",
            )
            + &arg(
                "b",
                "string",
                "patch = \"status/id\"\nlookup = { operation = \"getSs\", by = \"label\", parent = \"board/id\" }",
            )
            + &arg(
                "c",
                "string",
                "patch = \"status/id\"\nlookup = { operation = \"getSs\" }",
            )
            + &arg(
                "d",
                "string",
                "patch = \"summary\"\nlookup = { operation = \"getTs\", parent = \"board/id\" }",
            )
            + &arg("e", "string", "patch = \"summary\"");
        assert_eq!(
            plan_of(&wrong, &spec(), None).unwrap_err(),
            [
                "spec/tools.toml: tool cw_t: argument a: lookup: a looked-up name is a string",
                "spec/tools.toml: tool cw_t: argument b: lookup: S has no field label",
                "spec/tools.toml: tool cw_t: argument c: lookup: getSs needs a parent id: give parent",
                "spec/tools.toml: tool cw_t: argument d: lookup: summary is not an id field (…/id)",
                "spec/tools.toml: tool cw_t: argument d: lookup: T has no field name",
                "spec/tools.toml: tool cw_t: argument d: lookup: getTs is under no parent",
            ]
        );
    }

    #[test]
    fn a_count_takes_the_conditions_of_the_list_it_counts_and_nothing_else() {
        let text = tool("getTsCount", "") + &arg("closed", "boolean", "condition = \"closedFlag\"");
        let plan = plan_of(&text, &spec(), None).unwrap();
        assert_eq!(plan.shape, Shape::Count { record: "T".into() });
        assert_eq!(plan.tier, Tier::Read);
        use ListParam::*;
        assert_eq!(
            plan.call,
            [
                CallArg::List(ChildConditions),
                CallArg::List(Conditions),
                CallArg::None,
                CallArg::None,
                CallArg::None,
                CallArg::None
            ],
            "no paging, order or fields: ConnectWise counts every match"
        );
        let wrong =
            tool("getTsCount", "order_by = \"id\"") + &arg("nope", "boolean", "condition = \"nopeFlag\"");
        assert_eq!(
            plan_of(&wrong, &spec(), None).unwrap_err(),
            [
                "spec/tools.toml: tool cw_t: argument nope: T has no field nopeFlag",
                "spec/tools.toml: tool cw_t: a count takes no order_by or fields"
            ]
        );
    }

    #[test]
    fn a_delete_answers_no_record_and_is_its_own_tier() {
        let text = tool("deleteT", "") + &arg("id", "integer", "required = true\npath = \"id\"");
        let plan = plan_of(&text, &spec(), None).unwrap();
        assert_eq!((plan.tier, plan.idempotent), (Tier::Delete, true));
        assert_eq!(plan.request, Request::None);
        assert_eq!(plan.call, [CallArg::PathArg("id".into())]);
    }

    #[test]
    fn a_fixed_body_is_checked_against_the_body_schema() {
        let text = tool("postT", "fixed_body = { kind = \"Service\" }");
        assert_eq!(
            plan_of(&text, &spec(), None).unwrap().fixed_body.as_deref(),
            Some(r#"{"kind":"Service"}"#)
        );
        let unknown = tool("postT", "fixed_body = { nope = 1 }");
        assert_eq!(
            plan_of(&unknown, &spec(), None).unwrap_err(),
            ["spec/tools.toml: tool cw_t: fixed_body: T has no field nope"]
        );
        let no_body = tool("getT", "fixed_body = { kind = \"Service\" }")
            + &arg("id", "integer", "required = true\npath = \"id\"");
        assert_eq!(
            plan_of(&no_body, &spec(), None).unwrap_err(),
            ["spec/tools.toml: tool cw_t: fixed_body: getT takes no body"]
        );
    }

    #[test]
    fn a_list_tool_plans_its_terms_call_and_shape() {
        let text = tool(
            "getTs",
            "fields = \"id,summary\"\nmember_filter = \"owner/identifier\"\nmember_also_in = \"resources\"",
        ) + &arg("closed", "boolean", "condition = \"closedFlag\"")
            + &arg(
                "after",
                "datetime",
                "condition = \"_info/lastUpdated\"\nop = \">=\"",
            )
            + &arg("summaries", "string[]", "condition = \"summary\"");
        let plan = plan_of(&text, &spec(), None).unwrap();
        assert_eq!((plan.method.as_str(), plan.path.as_str()), ("get", "/t"));
        assert_eq!((plan.tier, plan.idempotent), (Tier::Read, true));
        assert_eq!(plan.description, "Tickets.");
        let steps: Vec<&Step> = plan.args.iter().map(|a| &a.step).collect();
        let field = |f: &str| f.to_owned();
        assert_eq!(
            steps,
            [
                &Step::Condition(Condition::Term {
                    field: field("closedFlag"),
                    op: Operator::Eq
                }),
                &Step::Condition(Condition::Date {
                    field: field("_info/lastUpdated"),
                    op: Operator::Ge
                }),
                &Step::Condition(Condition::In {
                    field: field("summary")
                }),
            ]
        );
        assert_eq!(
            plan.member,
            Some(MemberPlan {
                field: field("owner/identifier"),
                also_in: Some(field("resources"))
            })
        );
        use ListParam::*;
        assert_eq!(
            plan.call,
            [ChildConditions, Conditions]
                .map(CallArg::List)
                .into_iter()
                .chain([CallArg::None])
                .chain([Fields, OrderBy, Page, PageSize].map(CallArg::List))
                .collect::<Vec<_>>(),
            "query parameters by name; ones no argument fills are None"
        );
        assert_eq!(
            plan.shape,
            Shape::List {
                record: "T".into(),
                default_fields: "id,summary".into(),
                default_order: "id desc".into(),
                page_size: PAGE_SIZE,
                text_chars: None,
            }
        );
        assert_eq!(plan.request, Request::None);
    }

    #[test]
    fn one_record_tools_plan_path_ids_bodies_and_patches() {
        let get = plan_of(
            &(tool("getT", "") + &arg("id", "integer", "required = true\npath = \"id\"")),
            &spec(),
            None,
        )
        .unwrap();
        assert_eq!(get.call, [CallArg::PathArg("id".into()), CallArg::Fields]);
        assert_eq!(
            get.shape,
            Shape::One {
                fields: Some(String::new()),
                record: "T".into()
            }
        );

        let patch = tool("patchT", "")
            + &arg("id", "integer", "required = true\npath = \"id\"")
            + &arg("summary", "string", "patch = \"summary\"");
        let patch = plan_of(&patch, &spec(), None).unwrap();
        assert_eq!((patch.tier, patch.idempotent), (Tier::Write, true));
        assert_eq!(patch.request, Request::Patch(vec!["summary".into()]));
        assert_eq!(patch.call, [CallArg::PathArg("id".into()), CallArg::Patch]);
        assert_eq!(
            patch.shape,
            Shape::One {
                fields: None,
                record: "T".into()
            }
        );
        assert_eq!(
            patch.args[1].step,
            Step::Patch {
                field: "summary".into(),
                written: Written::Text { max_chars: Some(100) }
            },
            "text is checked with the spec's max length"
        );
        assert_eq!(patch.field_args, [("summary".to_owned(), "summary".to_owned())]);

        let post = tool("postT", "tier = \"delete\"") + &arg("when", "datetime", "body = \"summary\"");
        let post = plan_of(&post, &spec(), None).unwrap();
        assert_eq!(
            (post.tier, post.idempotent),
            (Tier::Delete, false),
            "the allow-list's tier wins"
        );
        assert_eq!(post.request, Request::Body("T".into()));
        assert_eq!(
            post.args[0].step,
            Step::Body {
                field: "summary".into(),
                written: Written::Timestamp
            }
        );
        assert_eq!(post.call, [CallArg::Body]);
    }

    #[test]
    fn every_problem_is_named_by_tool_and_argument() {
        let text = tool("getT", "fields = \"id\"")
            + &arg("id", "string", "path = \"ticketId\"")
            + &arg("closed", "boolean", "condition = \"closedFlag\"")
            + &arg("size", "string", "body = \"size\"\nmin = 1")
            + &arg("kind", "choice", "body = \"kind\"")
            + &arg("Bad-Name", "integer", "patch = \"nope\"");
        let errors = plan_of(&text, &spec(), None).unwrap_err();
        let expected = [
            "argument id: getT has no path parameter ticketId",
            "argument id: path arguments are required integers",
            "argument closed: conditions apply to list and count operations only",
            "argument size: getT takes no body",
            "argument size: min/max/above apply to integers and numbers only",
            "argument kind: getT takes no body",
            "argument kind: type choice needs a `choice` table",
            "argument Bad-Name: T has no field nope",
            "path parameter id of getT has no argument",
            "argument Bad-Name: names must be snake_case words other than self, super and crate",
        ];
        let expected: Vec<String> = expected
            .iter()
            .map(|p| format!("spec/tools.toml: tool cw_t: {p}"))
            .collect();
        assert_eq!(errors, expected);
    }

    fn derived(key: &str, field: &str, order_by: &str) -> String {
        format!(
            "[[tool.derived]]\nkey = \"{key}\"\noperation = \"getTs\"\nconditions = \"closedFlag = true\"\n\
             order_by = \"{order_by}\"\nfield = \"{field}\"\n"
        )
    }

    #[test]
    fn a_derived_value_is_checked_against_both_records() {
        let id = arg("id", "integer", "required = true\npath = \"id\"");
        let ok = plan_of(
            &(tool("getT", "") + &id + &derived("description", "summary", "id asc")),
            &spec(),
            None,
        )
        .unwrap();
        assert_eq!(ok.derived[0].record, "T");
        assert!(ok.derived[0].call.contains(&CallArg::List(ListParam::OrderBy)));
        let bad = tool("getT", "") + &id + &derived("summary", "nope", "rank desc");
        assert_eq!(
            plan_of(&bad, &spec(), None).unwrap_err(),
            [
                "spec/tools.toml: tool cw_t: derived summary: T has no field nope",
                "spec/tools.toml: tool cw_t: derived summary: order_by: T has no field rank",
                "spec/tools.toml: tool cw_t: derived summary: T already has a field summary",
            ]
        );
        assert_eq!(
            plan_of(
                &(tool("getTs", "") + &derived("d", "summary", "id")),
                &spec(),
                None
            )
            .unwrap_err(),
            ["spec/tools.toml: tool cw_t: derived d: only a tool that reads one record can derive a value"]
        );
    }

    #[test]
    fn a_list_tool_says_its_order_and_the_order_is_checked() {
        let unordered = tool("getTs", "").replace("order_by = \"id desc\"\n", "");
        assert_eq!(
            plan_of(&unordered, &spec(), None).unwrap_err(),
            [
                "spec/tools.toml: tool cw_t: a list tool needs `order_by` (what its description promises: newest first, by name …)"
            ]
        );
        let bad = tool("getTs", "").replace("id desc", "rank upward");
        assert_eq!(
            plan_of(&bad, &spec(), None).unwrap_err(),
            [
                "spec/tools.toml: tool cw_t: order_by: T has no field rank",
                "spec/tools.toml: tool cw_t: order_by: \"upward\" is not asc or desc",
            ]
        );
        let one = tool("getT", "order_by = \"id\"") + &arg("id", "integer", "required = true\npath = \"id\"");
        assert_eq!(
            plan_of(&one, &spec(), None).unwrap_err(),
            ["spec/tools.toml: tool cw_t: order_by: only list tools take a default order"]
        );
    }

    #[test]
    fn a_list_may_clip_its_text_elsewhere_within_bounds() {
        let notes = tool("getTs", "text_chars = 2000");
        let planned = plan_of(&notes, &spec(), None).unwrap();
        assert!(
            matches!(
                planned.shape,
                Shape::List {
                    text_chars: Some(2000),
                    ..
                }
            ),
            "{:?}",
            planned.shape
        );
        let tiny = tool("getTs", "text_chars = 5");
        assert_eq!(
            plan_of(&tiny, &spec(), None).unwrap_err(),
            ["spec/tools.toml: tool cw_t: text_chars: 5 is outside 40..=4000"]
        );
        let one = tool("getT", "text_chars = 500") + &arg("id", "integer", "required = true\npath = \"id\"");
        assert_eq!(
            plan_of(&one, &spec(), None).unwrap_err(),
            [
                "spec/tools.toml: tool cw_t: text_chars: only list tools clip text (one record is clipped only to fit the cap)"
            ]
        );
    }

    #[test]
    fn op_in_needs_a_list_and_lists_take_in_by_default() {
        let text = tool("getTs", "") + &arg("summary", "string", "condition = \"summary\"\nop = \"in\"");
        assert_eq!(
            plan_of(&text, &spec(), None).unwrap_err(),
            ["spec/tools.toml: tool cw_t: argument summary: op in needs a list type, not string"]
        );
    }

    #[test]
    fn a_renamed_operation_is_named_by_its_method_and_path() {
        let mut renamed = spec();
        renamed["paths"]["/t/{id}"]["get"]["operationId"] = json!("getTById");
        let text = tool("getT", "") + &arg("id", "integer", "required = true\npath = \"id\"");
        assert_eq!(
            plan_of(&text, &renamed, Some(&spec())).unwrap_err(),
            ["spec/tools.toml: tool cw_t: operation getT is not in the spec; GET /t/{id} is now getTById"]
        );
        let mut gone = spec();
        gone["paths"]["/t/{id}"].as_object_mut().unwrap().remove("get");
        assert_eq!(
            plan_of(&text, &gone, Some(&spec())).unwrap_err(),
            [
                "spec/tools.toml: tool cw_t: operation getT is not in the spec (it was GET /t/{id}, which is gone too)"
            ]
        );
        assert_eq!(
            plan_of(&text, &gone, None).unwrap_err(),
            ["spec/tools.toml: tool cw_t: operation getT is not in the spec"],
            "without the committed spec there is nothing to compare with"
        );
    }

    #[test]
    fn a_tool_listed_twice_or_misnamed_is_refused() {
        let text = tool("getTs", "").replace("cw_t", "cw_T") + &tool("getTs", "").repeat(2);
        let errors: Vec<String> = plan(&allow_list::read(&text).unwrap(), &spec(), None)
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                "spec/tools.toml: tool cw_T: names must be snake_case with the cw_ prefix",
                "spec/tools.toml: tool cw_t: is listed twice",
            ]
        );
    }

    #[test]
    fn written_values_get_their_checks_from_the_spec_and_the_allow_list() {
        let text = tool(
            "postT",
            "one_of = [[\"hours\", \"end\"]]\nspan = { start = \"start\", end = \"end\", hours = \"hours\", max_hours = 24 }",
        ) + &arg("kind", "string", "body = \"kind\"")
            + &arg("board_id", "integer", "body = \"board/id\"")
            + &arg("start", "datetime", "required = true\nbody = \"start\"")
            + &arg("end", "datetime", "body = \"end\"")
            + &arg("hours", "number", "body = \"hours\"\nabove = 0\nmax = 24");
        let plan = plan_of(&text, &spec(), None).unwrap();
        let written: Vec<&Written> = plan
            .args
            .iter()
            .map(|a| match &a.step {
                Step::Body { written, .. } => written,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            written,
            [
                &Written::Allowed(vec!["Service".into(), "Project".into()]),
                &Written::Id,
                &Written::Timestamp,
                &Written::Timestamp,
                &Written::AsGiven,
            ]
        );
        assert_eq!(
            plan.args[4].bounds,
            Some(Bounds {
                min: None,
                above: Some(0.0),
                max: Some(24.0)
            })
        );
        assert_eq!(plan.one_of, [vec!["hours".to_owned(), "end".to_owned()]]);
        assert!(plan.field_args.contains(&("board".into(), "board_id".into())));

        let bad = tool(
            "postT",
            "one_of = [[\"start\", \"nope\"]]\nspan = { start = \"start\", end = \"kind\", hours = \"hours\", max_hours = 0 }",
        ) + &arg("kind", "string", "body = \"kind\"\nabove = 1")
            + &arg("start", "datetime", "required = true\nbody = \"start\"")
            + &arg("hours", "integer", "body = \"hours\"\nmin = 0.5");
        assert_eq!(
            plan_of(&bad, &spec(), None).unwrap_err(),
            [
                "argument kind: min/max/above apply to integers and numbers only",
                "argument hours: an integer's bounds are whole min/max (above is for numbers)",
                "one_of: argument start is required already",
                "one_of: the tool has no argument nope",
                "span: the tool has no datetime argument kind",
                "span: the tool has no number argument hours",
                "span: max_hours must be above 0",
            ]
            .map(|p| format!("spec/tools.toml: tool cw_t: {p}"))
        );
    }
}
