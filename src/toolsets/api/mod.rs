//! The whole API, safely: find an operation (`cw_search_endpoints`),
//! explain it (`cw_describe_endpoint`), call it (`cw_call`), and expose
//! operations named in the deployment's config as tools of their own
//! ([`extra`]).
//!
//! Safety is layered: the path must match a spec template ([`path`]); the
//! operation's tier is checked against the session's gate at call time;
//! query parameters and the body are checked against the spec; the
//! transport refuses any URL outside the configured site.

pub mod extra;

use crate::catalog::{self, Method, Operation, browse, describe::describe, path, search::search};
use crate::tool::args::{check_range, parse_args, schema};
use crate::tool::write::WriteOptions;
use crate::tool::{Context, Tier, ToolDef, ToolError, ToolFuture, call, invalid};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The toolset of these tools (and of saved queries).
pub const TOOLSET: &str = "api";

/// Arguments of `cw_search_endpoints`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchArgs {
    /// What you want, in plain words, e.g. "unbilled time for a client".
    #[serde(default)]
    pub query: Option<String>,
    /// Browse: a module (service, finance…) alone lists its resources; neither argument: the modules.
    #[serde(default)]
    pub module: Option<String>,
    /// 1-25, default 8.
    #[serde(default)]
    pub limit: Option<i64>,
}

fn search_schema(_: &ToolDef) -> Value {
    schema::<SearchArgs>()
}

fn search_tool<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let args: SearchArgs = parse_args(args)?;
        check_range("limit", args.limit, 1, 25)?;
        let limit = args.limit.unwrap_or(8) as usize;
        let query = args.query.as_deref().map(str::trim).filter(|q| !q.is_empty());
        let module = match args.module.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
            Some(name) => Some(browse::module(name).ok_or_else(|| {
                invalid(format!(
                    "module: no module {name:?}; modules: {}",
                    module_names().join(", ")
                ))
            })?),
            None => None,
        };
        Ok(match (query, module) {
            (Some(query), module) => search_hits(ctx, query, module, limit),
            (None, Some(module)) => module_resources(module, limit),
            (None, None) => module_list(),
        })
    })
}

fn module_names() -> Vec<&'static str> {
    browse::modules().into_iter().map(|m| m.name).collect()
}

/// Ranked operations for `query`, within `module` if one is given; a query
/// that names one of the module's resources lists that resource.
fn search_hits(ctx: &Context, query: &str, module: Option<&'static str>, limit: usize) -> Value {
    if let Some(module) = module {
        let squeezed: String = query.chars().filter(|c| !c.is_whitespace()).collect();
        let resources = browse::resources(module);
        if let Some(resource) = resources.iter().find(|r| r.name.eq_ignore_ascii_case(&squeezed)) {
            let mut items = Map::new();
            items.insert(resource.name.to_owned(), operation_rows(resource));
            return json!({ "module": module, "columns": OPERATION_COLUMNS, "items": items });
        }
    }
    // Hits outside the module are dropped, so look further down the ranking.
    let pool = if module.is_some() { limit.max(200) } else { limit };
    let hits: Vec<Value> = search(query, pool)
        .into_iter()
        .filter(|h| module.is_none_or(|m| h.operation.module == m))
        .take(limit)
        .map(|h| {
            let op = h.operation;
            let mut hit = json!({
                "operation_id": op.id,
                "method": op.method.as_str(),
                "path": op.path,
                "tier": op.tier.as_str(),
                "code": catalog::script::short_declaration(op),
            });
            if let Some(tool) = crate::tool::wrapping(ctx.tools, op.id) {
                hit["curated_tool"] = json!(tool);
            }
            hit
        })
        .collect();
    // The same shape as every list (columns and rows), and what the hits'
    // `ListOpts` is, once.
    let (name, options) = catalog::script::LIST_OPTS;
    let named = hits
        .iter()
        .any(|h| h["code"].as_str().is_some_and(|c| c.contains(name)));
    let mut answer = crate::tool::table::Table::new(&hits, &HIT_COLUMNS).to_json();
    if named {
        answer[name] = json!(options);
    }
    answer
}

/// The columns of a search hit. (Not the spec's summary: all but a few are
/// "Get List of Ticket", what the method and `code` already say.)
const HIT_COLUMNS: [&str; 6] = ["operation_id", "method", "path", "tier", "curated_tool", "code"];

/// The columns of an operation row in a browse answer.
const OPERATION_COLUMNS: [&str; 4] = ["method", "path", "operation_id", "summary"];

fn operation_rows(resource: &browse::Resource) -> Value {
    let row = |op: &&Operation| json!([op.method.as_str(), op.path, op.id, op.summary]);
    Value::Array(resource.operations.iter().map(row).collect())
}

/// The API's modules: name, resources, operations.
fn module_list() -> Value {
    let rows: Vec<Value> = browse::modules()
        .into_iter()
        .map(|m| json!([m.name, m.resources, m.operations]))
        .collect();
    json!({
        "columns": ["module", "resources", "operations"],
        "items": rows,
        "next": "module: a name lists its resources and operations",
    })
}

/// The first `limit` resources of `module` with their operations (side
/// operations /count, /info, /usages left out), and the names of the rest.
fn module_resources(module: &'static str, limit: usize) -> Value {
    let resources = browse::resources(module);
    let mut items = Map::new();
    for r in resources.iter().take(limit) {
        items.insert(r.name.to_owned(), operation_rows(r));
    }
    let more: Vec<&str> = resources.iter().skip(limit).map(|r| r.name).collect();
    let mut out = json!({
        "module": module,
        "resources": resources.len(),
        "columns": OPERATION_COLUMNS,
        "items": items,
    });
    if !more.is_empty() {
        out["more"] = json!(more);
        out["next"] = json!("query: a resource name from more lists it; /count, /info, /usages are left out");
    }
    out
}

/// Arguments of `cw_describe_endpoint`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DescribeArgs {
    /// e.g. getFinanceAgreements. Or give method and path.
    #[serde(default)]
    pub operation_id: Option<String>,
    /// GET, POST, PUT, PATCH or DELETE.
    #[serde(default)]
    pub method: Option<String>,
    /// Template or concrete path, e.g. /service/tickets/{id}.
    #[serde(default)]
    pub path: Option<String>,
}

fn describe_schema(_: &ToolDef) -> Value {
    schema::<DescribeArgs>()
}

fn describe_tool<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let args: DescribeArgs = parse_args(args)?;
        let op = match (&args.operation_id, &args.method, &args.path) {
            (Some(id), _, _) => catalog::by_id(id).ok_or_else(|| {
                invalid(format!(
                    "operation_id: no operation {id:?}; close: {}",
                    catalog::close_ids(id).join(", ")
                ))
            })?,
            (None, Some(method), Some(path)) => {
                let method = parse_method(method)?;
                match catalog::by_template(method, path) {
                    Some(op) => op,
                    None => path::resolve(method, path).map_err(invalid)?.operation,
                }
            }
            _ => return Err(invalid("give operation_id, or method and path")),
        };
        Ok(describe(op, crate::tool::wrapping(ctx.tools, op.id)))
    })
}

fn parse_method(text: &str) -> Result<Method, ToolError> {
    Method::parse(text)
        .ok_or_else(|| invalid(format!("method: {text:?} is not GET, POST, PUT, PATCH or DELETE")))
}

/// Arguments of `cw_call`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallArgs {
    /// GET, POST, PUT, PATCH or DELETE.
    pub method: String,
    /// API path with ids filled in, e.g. /finance/agreements/12/additions.
    pub path: String,
    /// Query parameters by spec name: conditions, orderBy, fields, page, pageSize…
    #[serde(default)]
    pub query: Option<Map<String, Value>>,
    /// JSON body (POST/PUT: the record; PATCH: a JSON Patch list).
    #[serde(default)]
    pub body: Option<Value>,
    /// A previous result's cursor.
    #[serde(default)]
    pub cursor: Option<String>,
    /// Writes: true answers what would be sent (and current values), sends nothing.
    #[serde(default)]
    pub dry_run: Option<bool>,
    /// Writes: the token a previous answer gave, where writes are confirmed.
    #[serde(default)]
    pub confirm_token: Option<String>,
    /// POST: a new value makes a create again what was just created.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// PATCH/PUT: the record's _info/lastUpdated as you read it; refused if it changed since.
    #[serde(default)]
    pub last_updated: Option<String>,
}

impl CallArgs {
    fn write_options(&self) -> WriteOptions {
        WriteOptions {
            dry_run: self.dry_run.unwrap_or(false),
            confirm_token: self.confirm_token.clone(),
            idempotency_key: self.idempotency_key.clone(),
            last_updated: self.last_updated.clone(),
        }
    }
}

fn call_schema(_: &ToolDef) -> Value {
    schema::<CallArgs>()
}

fn call_tool<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let args: CallArgs = parse_args(args)?;
        let method = parse_method(&args.method)?;
        let target = path::resolve(method, &args.path).map_err(invalid)?;
        call::execute_as(
            ctx,
            "cw_call",
            &args.write_options(),
            &target,
            args.query.as_ref(),
            args.body.as_ref(),
            args.cursor.as_deref(),
        )
        .await
    })
}

/// The `api` toolset.
pub static TOOLS: &[ToolDef] = &[
    ToolDef {
        name: "cw_search_endpoints",
        title: "Search the ConnectWise API",
        description: "Find API operations for anything no other tool covers (procurement, finance, sales, \
                      system…). Plain words work: \"devices with serial numbers\", \"purchase orders for a vendor\". \
                      Hits name a curated tool when one exists; prefer it. Then cw_describe_endpoint, then cw_call.",
        toolset: TOOLSET,
        tier: Tier::Read,
        tier_per_call: false,
        per_caller: false,
        always_selected: false,
        idempotent: true,
        operation_id: "",
        input_schema: search_schema,
        call: search_tool,
    },
    ToolDef {
        name: "cw_describe_endpoint",
        title: "Describe an API operation",
        description: "Parameters, body fields (required, max lengths, enums), response fields and an example \
                      cw_call for one operation. Example: {\"operation_id\": \"getProcurementPurchaseorders\"}.",
        toolset: TOOLSET,
        tier: Tier::Read,
        tier_per_call: false,
        per_caller: false,
        always_selected: false,
        idempotent: true,
        operation_id: "",
        input_schema: describe_schema,
        call: describe_tool,
    },
    ToolDef {
        name: "cw_call",
        title: "Call any API operation",
        description: "Calls any spec operation; lists page with a cursor. POST/PUT/PATCH need --allow-writes, \
                      DELETE --allow-deletes. Example: {\"method\": \"GET\", \"path\": \"/procurement/purchaseorders\", \
                      \"query\": {\"conditions\": \"closedFlag=false\"}}.",
        toolset: TOOLSET,
        tier: Tier::Read,
        tier_per_call: true,
        per_caller: false,
        always_selected: false,
        idempotent: false,
        operation_id: "",
        input_schema: call_schema,
        call: call_tool,
    },
];
