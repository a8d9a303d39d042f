//! Saved queries, a technician's fast memory: a named `cw_call` (method,
//! path, query, body) kept in a SQLite database, listed by use (or found by
//! words of their name, description or path), run by name, deleted one by
//! one, by search, or all at once.
//!
//! Saving runs every check `cw_call` runs before sending
//! ([`call::prepare`]: the path, the query parameters, `fields`, `orderBy`,
//! `conditions`, the body), so a query is saved exactly when the same
//! `cw_call` would be sent; nothing is sent. Running one checks the
//! session's gate again: a saved write runs only where writes are allowed.
//! Saving and deleting change only the local database, never ConnectWise,
//! so these tools are read-tier (listed in read-only sessions); their
//! annotations still say that they change stored state ([`local_change`]).

use crate::catalog::{Method, path};
use crate::store::SavedQuery;
use crate::tool::args::{parse_args, schema};
use crate::tool::write::WriteOptions;
use crate::tool::{Context, Tier, ToolDef, ToolError, ToolFuture, call, invalid};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// Saved queries extend the `api` toolset: they are named `cw_call`s.
const TOOLSET: &str = "api";

/// The store failed (or is out of reach): its message says which.
fn storage(e: String) -> ToolError {
    ToolError::Write {
        message: e,
        detail: json!({"kind": "store"}),
    }
}

fn check_name(name: &str) -> Result<String, ToolError> {
    let name = name.trim();
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(invalid(format!(
            "name: {name:?} must be 1-64 letters, digits, spaces, '-', '_' or '.'"
        )))
    }
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Arguments of `cw_save_query`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveArgs {
    /// e.g. "open POs".
    pub name: String,
    /// GET, POST, PUT, PATCH or DELETE.
    pub method: String,
    /// As for cw_call.
    pub path: String,
    /// As for cw_call.
    #[serde(default)]
    pub query: Option<Map<String, Value>>,
    /// As for cw_call.
    #[serde(default)]
    pub body: Option<Value>,
    /// What it is for.
    #[serde(default)]
    pub description: Option<String>,
}

fn save_schema(_: &ToolDef) -> Value {
    schema::<SaveArgs>()
}

fn save<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let args: SaveArgs = parse_args(args)?;
        let name = check_name(&args.name)?;
        let method = Method::parse(&args.method).ok_or_else(|| {
            invalid(format!(
                "method: {:?} is not GET, POST, PUT, PATCH or DELETE",
                args.method
            ))
        })?;
        let target = path::resolve(method, &args.path).map_err(invalid)?;
        call::prepare(&target, args.query.as_ref(), args.body.as_ref(), None)?;
        let replaced = ctx
            .store
            .save(SavedQuery {
                name: name.clone(),
                description: args.description,
                method: method.as_str().into(),
                path: args.path.trim().into(),
                query: args.query,
                body: args.body,
                uses: 0,
                created_at: now(),
                last_used_at: None,
            })
            .await
            .map_err(storage)?;
        Ok(json!({
            "saved": name,
            "replaced": replaced,
            "operation_id": target.operation.id,
            "tier": target.operation.tier.as_str(),
        }))
    })
}

/// Arguments of `cw_list_saved_queries`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ListArgs {
    /// Words of the name, description or path (any case).
    #[serde(default)]
    pub search: Option<String>,
}

fn list_schema(_: &ToolDef) -> Value {
    schema::<ListArgs>()
}

/// A search: its words, lower case (none: everything matches).
struct Search(Vec<String>);

impl Search {
    fn new(text: &str) -> Search {
        Search(text.split_whitespace().map(str::to_lowercase).collect())
    }

    /// Every word is in the query's name, description or path, in any case.
    fn matches(&self, q: &SavedQuery) -> bool {
        let text = format!(
            "{}\n{}\n{}",
            q.name,
            q.description.as_deref().unwrap_or(""),
            q.path
        )
        .to_lowercase();
        self.0.iter().all(|word| text.contains(word.as_str()))
    }
}

/// The caller's saved queries that `search` matches, most used first.
async fn found(ctx: &Context, search: &Search) -> Result<Vec<SavedQuery>, ToolError> {
    let all = ctx.store.list().await.map_err(storage)?;
    Ok(all.into_iter().filter(|q| search.matches(q)).collect())
}

fn list<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let args: ListArgs = parse_args(args)?;
        let search = Search::new(args.search.as_deref().unwrap_or(""));
        let items: Vec<Value> = found(ctx, &search)
            .await?
            .into_iter()
            .map(|q| {
                json!({
                    "name": q.name,
                    "description": q.description,
                    "call": format!("{} {}", q.method, q.path),
                    "query": q.query,
                    "body": q.body.is_some(),
                    "uses": q.uses,
                    "last_used_at": q.last_used_at,
                })
            })
            .map(|mut v| {
                if let Value::Object(m) = &mut v {
                    m.retain(|_, v| !v.is_null() && v != &json!(false));
                }
                v
            })
            .collect();
        Ok(json!({ "count": items.len(), "items": items }))
    })
}

/// Arguments of `cw_run_saved_query`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunArgs {
    /// The saved query's name.
    pub name: String,
    /// A previous result's cursor.
    #[serde(default)]
    pub cursor: Option<String>,
    /// A saved write: true answers what would be sent, sends nothing.
    #[serde(default)]
    pub dry_run: Option<bool>,
    /// A saved write: the token a previous answer gave, where writes are confirmed.
    #[serde(default)]
    pub confirm_token: Option<String>,
    /// A saved POST: a new value makes a create again what was just created.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

fn run_schema(_: &ToolDef) -> Value {
    schema::<RunArgs>()
}

/// Arguments of `cw_delete_saved_query`: exactly one of them.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteArgs {
    /// One saved query, by name.
    #[serde(default)]
    pub name: Option<String>,
    /// All a search finds.
    #[serde(default)]
    pub matching: Option<String>,
    /// true: every saved query.
    #[serde(default)]
    pub all: Option<bool>,
}

fn delete_schema(_: &ToolDef) -> Value {
    schema::<DeleteArgs>()
}

/// What a saved-query tool does to the local store (never to ConnectWise):
/// its annotations say so, though its tier is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalChange {
    /// Adds or overwrites a saved query.
    Saves,
    /// Deletes one.
    Deletes,
}

/// The local change a tool of this module makes, by tool name.
pub fn local_change(tool: &str) -> Option<LocalChange> {
    match tool {
        "cw_save_query" => Some(LocalChange::Saves),
        "cw_delete_saved_query" => Some(LocalChange::Deletes),
        _ => None,
    }
}

fn run<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let args: RunArgs = parse_args(args)?;
        let name = check_name(&args.name)?;
        let Some(q) = ctx.store.get(&name).await.map_err(storage)? else {
            return Err(invalid(format!(
                "name: no saved query {name:?}; cw_list_saved_queries lists them"
            )));
        };
        let method =
            Method::parse(&q.method).ok_or_else(|| invalid(format!("saved method {:?}", q.method)))?;
        let target = path::resolve(method, &q.path).map_err(invalid)?;
        let options = WriteOptions {
            dry_run: args.dry_run.unwrap_or(false),
            confirm_token: args.confirm_token.clone(),
            idempotency_key: args.idempotency_key.clone(),
            last_updated: None,
        };
        let value = call::execute_as(
            ctx,
            "cw_run_saved_query",
            &options,
            &target,
            q.query.as_ref(),
            q.body.as_ref(),
            args.cursor.as_deref(),
        )
        .await?;
        ctx.store.used(&name, now()).await.map_err(storage)?;
        Ok(value)
    })
}

fn delete<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let (names, none) = chosen(ctx, parse_args(args)?).await?;
        let mut deleted = Vec::new();
        for name in names {
            if ctx.store.delete(&name).await.map_err(storage)? {
                deleted.push(name);
            }
        }
        if let (true, Some(none)) = (deleted.is_empty(), none) {
            return Err(invalid(format!("{none}; cw_list_saved_queries lists them")));
        }
        Ok(json!({ "deleted": deleted, "count": deleted.len() }))
    })
}

/// The names a delete is for, and what to say when none of them is found
/// (`None`: clearing what is already empty is done).
async fn chosen(ctx: &Context, args: DeleteArgs) -> Result<(Vec<String>, Option<String>), ToolError> {
    match (args.name, args.matching, args.all) {
        (Some(name), None, None | Some(false)) => {
            let name = check_name(&name)?;
            let none = format!("name: no saved query {name:?}");
            Ok((vec![name], Some(none)))
        }
        (None, Some(matching), None | Some(false)) => {
            let search = Search::new(&matching);
            if search.0.is_empty() {
                return Err(invalid(
                    "matching: empty; to delete every saved query pass all: true",
                ));
            }
            let none =
                format!("matching: no saved query has all of {matching:?} in its name, description or path");
            Ok((names_of(found(ctx, &search).await?), Some(none)))
        }
        (None, None, Some(true)) => Ok((names_of(found(ctx, &Search::new("")).await?), None)),
        _ => Err(invalid(
            "give exactly one of name, matching (a search) or all: true",
        )),
    }
}

fn names_of(queries: Vec<SavedQuery>) -> Vec<String> {
    queries.into_iter().map(|q| q.name).collect()
}

/// The saved-query tools (toolset `api`).
pub static TOOLS: &[ToolDef] = &[
    ToolDef {
        name: "cw_save_query",
        title: "Save a query",
        description: "Saves a cw_call under a name to run again later (checked, not sent). \
                      Example: {\"name\": \"open POs\", \"method\": \"GET\", \"path\": \"/procurement/purchaseorders\", \
                      \"query\": {\"conditions\": \"closedFlag=false\"}}.",
        toolset: TOOLSET,
        tier: Tier::Read,
        tier_per_call: false,
        per_caller: true,
        always_selected: false,
        idempotent: true,
        operation_id: "",
        input_schema: save_schema,
        call: save,
    },
    ToolDef {
        name: "cw_list_saved_queries",
        title: "List saved queries",
        description: "Saved queries, most used first, or those a `search` finds.",
        toolset: TOOLSET,
        tier: Tier::Read,
        tier_per_call: false,
        per_caller: true,
        always_selected: false,
        idempotent: true,
        operation_id: "",
        input_schema: list_schema,
        call: list,
    },
    ToolDef {
        name: "cw_run_saved_query",
        title: "Run a saved query",
        description: "Runs a saved query by name, like cw_call (a saved write still needs --allow-writes).",
        toolset: TOOLSET,
        tier: Tier::Read,
        tier_per_call: true,
        per_caller: true,
        always_selected: false,
        idempotent: false,
        operation_id: "",
        input_schema: run_schema,
        call: run,
    },
    ToolDef {
        name: "cw_delete_saved_query",
        title: "Delete saved queries",
        description: "Deletes saved queries (local only): by `name`, `matching` a search, or `all: true`.",
        toolset: TOOLSET,
        tier: Tier::Read,
        tier_per_call: false,
        per_caller: true,
        always_selected: false,
        idempotent: true,
        operation_id: "",
        input_schema: delete_schema,
        call: delete,
    },
];
