//! Step 1: `spec/tools.toml` read into typed values.
//!
//! Every key the file may hold is a field here, every closed set of words
//! (argument type, tier, condition operator) an enum, and an argument's
//! mapping one [`Mapping`]: a key or a value the generator does not know is a
//! reading error, never a string matched by hand later. Each tool, argument
//! and include is read on its own, so every problem names where it is:
//! `tool cw_x: argument y: unknown field `foo``.

use super::ToolError;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The allow-list, in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct AllowList {
    pub tools: Vec<ToolSpec>,
    /// `[[report]]`: programs the code-mode engine runs ([`super::report`]).
    pub reports: Vec<super::report::ReportSpec>,
}

/// One `[[tool]]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    pub name: String,
    /// The operationId it wraps.
    pub operation: String,
    pub toolset: String,
    pub title: String,
    pub description: String,
    /// From the HTTP method when absent.
    pub tier: Option<Tier>,
    /// Default `fields` projection.
    pub fields: Option<String>,
    /// Default page size of list tools.
    pub page_size: Option<i32>,
    /// Where a list tool clips text (characters), when it is not the
    /// runtime's default for lists: a list read for its text (notes).
    pub text_chars: Option<usize>,
    /// The `orderBy` a list tool sends unless the caller gives one
    /// (required of list tools: ConnectWise's own order is by id, oldest
    /// first, which is rarely what a technician means).
    pub order_by: Option<String>,
    /// For "my …" tools: the field that must equal the configured member.
    pub member_filter: Option<String>,
    /// For "my …" tools: a text list of member identifiers (`resources`)
    /// that may contain the member instead.
    pub member_also_in: Option<String>,
    /// `[[tool.arg]]`, read one by one (see [`read`]).
    #[serde(skip)]
    pub args: Vec<ArgSpec>,
    /// `[[tool.include]]`: extra lists fetched on request (a ticket's notes
    /// with the ticket), read one by one.
    #[serde(skip)]
    pub includes: Vec<IncludeSpec>,
    /// `[[tool.derived]]`: a value ConnectWise keeps elsewhere, always added
    /// (a ticket's description is its first detail note), read one by one.
    #[serde(skip)]
    pub derived: Vec<DerivedSpec>,
    /// Groups of arguments of which at least one must be given
    /// (`[["hours", "time_end"]]`).
    #[serde(default)]
    pub one_of: Vec<Vec<String>>,
    /// A start, an end and hours that must agree (a time entry).
    pub span: Option<SpanSpec>,
    /// Body fields every call sends as they are (`{ type = { identifier =
    /// "S" } }`: a schedule entry for a service ticket).
    pub fixed_body: Option<BTreeMap<String, Value>>,
}

/// `span`: the arguments of a span of time, checked together: the end after
/// the start and at most `max_hours` later; the hours, when given with the
/// end, equal to what the two times say.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpanSpec {
    pub start: String,
    pub end: String,
    pub hours: String,
    pub max_hours: f64,
}

/// What a tool may do (the library's `Tier`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Read,
    Write,
    Delete,
}

/// One `[[tool.arg]]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "RawArg")]
pub struct ArgSpec {
    pub name: String,
    pub kind: ArgType,
    pub description: String,
    pub required: bool,
    pub mapping: Mapping,
    /// Inclusive bounds of a number or integer.
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// Exclusive lower bound of a number (`hours` above 0).
    pub above: Option<f64>,
    /// A name looked up to the id the body or patch field takes.
    pub lookup: Option<LookupSpec>,
}

/// `lookup`: the argument is a name (a status's "Closed") for the record
/// whose id its `…/id` field takes: the record of the list `operation`
/// whose `by` field equals it, in any case. `parent` is the field of the
/// tool's record holding the id the list is under (a ticket's statuses are
/// its board's: `parent = "board/id"`), taken from this call when an
/// argument sets it (moving the ticket), else from the record as it is.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupSpec {
    pub operation: String,
    #[serde(default = "LookupSpec::default_by")]
    pub by: String,
    pub parent: Option<String>,
}

impl LookupSpec {
    fn default_by() -> String {
        "name".into()
    }
}

/// An argument's `type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum ArgType {
    #[serde(rename = "string")]
    String,
    #[serde(rename = "integer")]
    Integer,
    #[serde(rename = "number")]
    Number,
    #[serde(rename = "boolean")]
    Boolean,
    /// Text, normalised to whole-second UTC.
    #[serde(rename = "datetime")]
    Datetime,
    #[serde(rename = "string[]")]
    StringList,
    #[serde(rename = "integer[]")]
    IntegerList,
    /// One of fixed values (the [`Mapping::Choice`] table).
    #[serde(rename = "choice")]
    Choice,
}

impl ArgType {
    pub fn is_list(self) -> bool {
        matches!(self, ArgType::StringList | ArgType::IntegerList)
    }
}

/// As the allow-list spells it (`string[]`): serde's names are the one home
/// of the spelling.
impl fmt::Display for ArgType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match serde_json::to_value(self) {
            Ok(Value::String(name)) => f.write_str(&name),
            _ => Err(fmt::Error),
        }
    }
}

/// How an argument reaches the request: exactly one per argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Mapping {
    /// A term of the `conditions` query, on this field path.
    Condition { field: String, op: Option<Operator> },
    /// A path parameter.
    Path(String),
    /// A request body field (`board/id` nests).
    Body(String),
    /// A JSON Patch replace of this field path.
    Patch(String),
    /// Allowed values → body fields merged when chosen.
    Choice(BTreeMap<String, Value>),
}

/// A condition's `op`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Operator {
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "contains")]
    Contains,
    #[serde(rename = "like")]
    Like,
    #[serde(rename = "in")]
    In,
}

/// An argument as written: each mapping is its own optional key, so that
/// unknown keys are still refused (`deny_unknown_fields` does not mix with
/// a flattened enum); [`ArgSpec`] keeps exactly one of them.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArg {
    name: String,
    #[serde(rename = "type")]
    kind: ArgType,
    description: String,
    #[serde(default)]
    required: bool,
    condition: Option<String>,
    op: Option<Operator>,
    path: Option<String>,
    body: Option<String>,
    patch: Option<String>,
    choice: Option<BTreeMap<String, Value>>,
    min: Option<f64>,
    max: Option<f64>,
    above: Option<f64>,
    lookup: Option<LookupSpec>,
}

impl TryFrom<RawArg> for ArgSpec {
    type Error = String;

    fn try_from(raw: RawArg) -> Result<ArgSpec, String> {
        let op = raw.op;
        let given: Vec<Mapping> = [
            raw.condition.map(|field| Mapping::Condition { field, op }),
            raw.path.map(Mapping::Path),
            raw.body.map(Mapping::Body),
            raw.patch.map(Mapping::Patch),
            raw.choice.map(Mapping::Choice),
        ]
        .into_iter()
        .flatten()
        .collect();
        let count = given.len();
        let Ok([mapping]) = <[Mapping; 1]>::try_from(given) else {
            return Err(format!(
                "give exactly one of condition, path, body, patch or choice (found {count})"
            ));
        };
        if op.is_some() && !matches!(mapping, Mapping::Condition { .. }) {
            return Err("op applies to a condition only".into());
        }
        if raw.lookup.is_some() && !matches!(mapping, Mapping::Body(_) | Mapping::Patch(_)) {
            return Err("lookup applies to a body or patch field only".into());
        }
        Ok(ArgSpec {
            name: raw.name,
            kind: raw.kind,
            description: raw.description,
            required: raw.required,
            mapping,
            min: raw.min,
            max: raw.max,
            above: raw.above,
            lookup: raw.lookup,
        })
    }
}

/// One `[[tool.include]]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncludeSpec {
    /// The boolean argument that asks for it.
    pub arg: String,
    pub description: String,
    pub operation: String,
    /// Key of the result it goes under.
    pub key: String,
    pub fields: Option<String>,
    /// Where its text is clipped (characters), when not the list default.
    pub text_chars: Option<usize>,
}

/// One `[[tool.derived]]`: `key` of the answer is `field` of the first
/// record `operation` lists under the tool's id, filtered by `conditions`
/// and ordered by `order_by`. Added unless the caller's `fields` leave it out.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedSpec {
    /// Key of the result it goes under.
    pub key: String,
    pub operation: String,
    pub conditions: String,
    pub order_by: String,
    /// The field of that record whose value it is.
    pub field: String,
    /// An include (its `arg`) that already brings the value: when asked for,
    /// the value is not fetched again (a ticket's notes hold its description).
    pub unless: Option<String>,
}

/// Reads the allow-list; errors name the tool, and the argument or include.
pub fn read(text: &str) -> Result<AllowList, Vec<ToolError>> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct File {
        tool: Vec<toml::Table>,
        #[serde(default)]
        report: Vec<toml::Table>,
    }
    let file: File = toml::from_str(text).map_err(|e| vec![ToolError::in_file(e.to_string())])?;
    let mut tools = Vec::new();
    let mut errors = Vec::new();
    for (index, table) in file.tool.into_iter().enumerate() {
        match read_tool(table) {
            Ok(tool) => tools.push(tool),
            Err((name, problems)) => {
                let name = name.unwrap_or_else(|| format!("#{} (no name)", index + 1));
                errors.extend(problems.into_iter().map(|p| ToolError::new(&name, p)));
            }
        }
    }
    let reports = super::report::read(file.report).unwrap_or_else(|problems| {
        errors.extend(problems);
        Vec::new()
    });
    if errors.is_empty() {
        Ok(AllowList { tools, reports })
    } else {
        Err(errors)
    }
}

/// One tool, or its name (when it has one) and every problem in it.
fn read_tool(mut table: toml::Table) -> Result<ToolSpec, (Option<String>, Vec<String>)> {
    let name = table.get("name").and_then(toml::Value::as_str).map(str::to_owned);
    let mut problems = Vec::new();
    let args = read_each(table.remove("arg"), "argument", "name", &mut problems);
    let includes = read_each(table.remove("include"), "include", "arg", &mut problems);
    let derived = read_each(table.remove("derived"), "derived", "key", &mut problems);
    match toml::Value::Table(table).try_into::<ToolSpec>() {
        Ok(tool) if problems.is_empty() => Ok(ToolSpec {
            args,
            includes,
            derived,
            ..tool
        }),
        Ok(_) => Err((name, problems)),
        Err(e) => {
            problems.insert(0, e.message().to_owned());
            Err((name, problems))
        }
    }
}

/// Reads an array of tables (`[[tool.arg]]`) item by item; a problem is
/// named `{what} {label}` (`argument closed`), by the item's `label_key`.
fn read_each<T: serde::de::DeserializeOwned>(
    items: Option<toml::Value>,
    what: &str,
    label_key: &str,
    problems: &mut Vec<String>,
) -> Vec<T> {
    let items = match items {
        None => return Vec::new(),
        Some(toml::Value::Array(items)) => items,
        Some(_) => {
            problems.push(format!("`{what}` must be an array of tables ([[…]])"));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let label = match item.get(label_key).and_then(toml::Value::as_str) {
            Some(label) => label.to_owned(),
            None => format!("#{}", index + 1),
        };
        match item.try_into::<T>() {
            Ok(value) => out.push(value),
            Err(e) => problems.push(format!("{what} {label}: {}", e.message())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOOL: &str = r#"
        [[tool]]
        name = "cw_t"
        operation = "getT"
        toolset = "t"
        title = "T"
        description = "T."
    "#;

    fn read_one(extra: &str) -> Result<ToolSpec, Vec<String>> {
        read(&format!("{TOOL}{extra}"))
            .map(|mut list| list.tools.remove(0))
            .map_err(|errors| errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn every_key_of_an_argument_reads_into_its_typed_value() {
        let tool = read_one(
            r#"tier = "delete"
            [[tool.arg]]
            name = "after"
            type = "datetime"
            description = "d"
            condition = "_info/lastUpdated"
            op = ">="
            [[tool.arg]]
            name = "ids"
            type = "integer[]"
            description = "d"
            condition = "id"
            [[tool.arg]]
            name = "kind"
            type = "choice"
            description = "d"
            required = true
            choice = { a = { x = true } }
            [[tool.arg]]
            name = "count"
            type = "integer"
            description = "d"
            body = "count"
            min = 1
            max = 9
            "#,
        )
        .unwrap();
        assert_eq!(tool.tier, Some(Tier::Delete));
        let arg = |i: usize| &tool.args[i];
        assert_eq!(arg(0).kind, ArgType::Datetime);
        assert_eq!(
            arg(0).mapping,
            Mapping::Condition {
                field: "_info/lastUpdated".into(),
                op: Some(Operator::Ge)
            }
        );
        assert!(arg(1).kind.is_list());
        assert_eq!(
            arg(1).mapping,
            Mapping::Condition {
                field: "id".into(),
                op: None
            }
        );
        assert!(arg(2).required);
        assert_eq!(
            arg(2).mapping,
            Mapping::Choice(BTreeMap::from([("a".into(), serde_json::json!({ "x": true }))]))
        );
        assert_eq!((arg(3).min, arg(3).max), (Some(1.0), Some(9.0)));
        assert_eq!(arg(3).mapping, Mapping::Body("count".into()));
    }

    #[test]
    fn an_unknown_key_names_the_tool_and_the_argument() {
        let err = read_one(
            r#"[[tool.arg]]
            name = "closed"
            type = "boolean"
            description = "d"
            condition = "closedFlag"
            opp = "="
            "#,
        )
        .unwrap_err();
        assert_eq!(err.len(), 1, "{err:?}");
        assert!(
            err[0].starts_with("spec/tools.toml: tool cw_t: argument closed: unknown field `opp`"),
            "{err:?}"
        );
        let err = read_one("colour = \"red\"").unwrap_err();
        assert!(
            err[0].starts_with("spec/tools.toml: tool cw_t: unknown field `colour`"),
            "{err:?}"
        );
        let err = read_one("[[tool.include]]\narg = \"with_x\"\nkey = \"x\"\nwhat = 1\n").unwrap_err();
        assert!(
            err[0].starts_with("spec/tools.toml: tool cw_t: include with_x: unknown field `what`"),
            "{err:?}"
        );
    }

    #[test]
    fn two_mappings_or_none_name_the_tool_and_the_argument() {
        let arg = |mappings: &str| {
            read_one(&format!(
                "[[tool.arg]]\nname = \"id\"\ntype = \"integer\"\ndescription = \"d\"\n{mappings}"
            ))
            .unwrap_err()
        };
        assert_eq!(
            arg("path = \"id\"\nbody = \"id\""),
            ["spec/tools.toml: tool cw_t: argument id: \
              give exactly one of condition, path, body, patch or choice (found 2)"]
        );
        assert_eq!(
            arg(""),
            ["spec/tools.toml: tool cw_t: argument id: \
              give exactly one of condition, path, body, patch or choice (found 0)"]
        );
        assert_eq!(
            arg("path = \"id\"\nop = \"<\""),
            ["spec/tools.toml: tool cw_t: argument id: op applies to a condition only"]
        );
    }

    #[test]
    fn a_type_tier_or_operator_that_does_not_exist_is_refused_with_the_choices() {
        let err = read_one(
            "[[tool.arg]]\nname = \"n\"\ntype = \"float\"\ndescription = \"d\"\ncondition = \"n\"\n",
        )
        .unwrap_err();
        assert!(
            err[0].contains("argument n: unknown variant `float`, expected one of"),
            "{err:?}"
        );
        assert!(err[0].contains("`string[]`"), "{err:?}");
        let err = read_one(
            "[[tool.arg]]\nname = \"n\"\ntype = \"string\"\ndescription = \"d\"\ncondition = \"n\"\nop = \"~\"\n",
        )
        .unwrap_err();
        assert!(err[0].contains("argument n: unknown variant `~`"), "{err:?}");
        let err = read_one("tier = \"admin\"").unwrap_err();
        assert!(err[0].contains("tool cw_t: unknown variant `admin`"), "{err:?}");
    }

    #[test]
    fn every_problem_of_every_tool_is_reported_at_once() {
        let text = format!(
            "{TOOL}toolset2 = 1\n[[tool.arg]]\nname = \"a\"\n\n[[tool]]\nname = \"cw_u\"\n{}",
            "operation = \"o\"\ntoolset = \"t\"\ntitle = \"T\"\ndescription = \"d\"\ntier = \"x\"\n"
        );
        let errors: Vec<String> = read(&text).unwrap_err().iter().map(ToString::to_string).collect();
        assert_eq!(errors.len(), 3, "{errors:?}");
        assert!(
            errors[0].contains("tool cw_t: unknown field `toolset2`"),
            "{errors:?}"
        );
        assert!(
            errors[1].contains("tool cw_t: argument a: missing field `type`"),
            "{errors:?}"
        );
        assert!(errors[2].contains("tool cw_u: unknown variant `x`"), "{errors:?}");
    }

    #[test]
    fn a_file_that_is_not_toml_fails_with_its_line() {
        let err = read("[[tool]\nname = 1").unwrap_err();
        assert_eq!(err.len(), 1);
        let text = err[0].to_string();
        assert!(
            text.starts_with("spec/tools.toml: TOML parse error at line 1"),
            "{text}"
        );
    }
}
