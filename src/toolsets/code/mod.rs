//! Code mode: `cw_run` runs a short JavaScript program against the whole
//! API, so that a report that takes dozens of list calls and some
//! arithmetic is one call whose answer is the result alone.
//!
//! The engine is QuickJS through `rquickjs` ([`engine`]): a few hundred
//! kilobytes of C compiled into the binary, with a memory limit, a stack
//! limit and an interrupt handler built in, and none of a browser's or
//! Node's I/O. (`boa_engine`, pure Rust, was the other candidate: several
//! times the compile time and binary size, for nothing a program here
//! needs.)
//!
//! A program sees `cw`: `cw.request(method, path, {query, body})` and one
//! function per operation, named by [`crate::catalog::script`] and built at
//! the start of each run from the catalog's table (so there is no
//! per-operation code anywhere, and the names and the declarations that
//! search and describe show come from one rule); `cw.all` for every page
//! of a list, within a page and record cap; `cw.cond` to write conditions
//! with every value escaped; `cw.date` for UTC dates. Every request goes
//! through [`crate::tool::call::send`], the checked raw call of `cw_call`:
//! path guard, query and body checks, the session's access per request.
//!
//! The same engine runs the [`reports`]: programs kept in the allow-list,
//! each a tool of its own with typed arguments (toolset `reports`).

pub mod engine;
pub mod reports;

use crate::tool::args::{parse_args, schema};
use crate::tool::{AnswerCap, Context, Tier, ToolDef, ToolError, ToolFuture, invalid};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio_util::sync::CancellationToken;

/// The toolset of `cw_run`.
pub const TOOLSET: &str = "code";

/// The longest program accepted, in bytes.
const MAX_CODE_BYTES: usize = 20_000;

/// Arguments of `cw_run`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunArgs {
    /// JavaScript: the body of an async function; `return` the answer.
    pub code: String,
}

fn run_schema(_: &ToolDef) -> Value {
    schema::<RunArgs>()
}

/// Runs a program on a blocking thread of its own. A call the client
/// cancels drops this future, and the token is cancelled with it: the
/// program's interrupt handler stops the program, and a request it is
/// waiting for is dropped.
async fn run_blocking(
    ctx: Context,
    code: String,
    args: Option<Value>,
) -> Result<Result<engine::Finished, engine::Failed>, ToolError> {
    let cancel = CancellationToken::new();
    let _cancel_on_drop = cancel.clone().drop_guard();
    let handle = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || engine::run(ctx, handle, &code, args.as_ref(), cancel))
        .await
        .map_err(|e| ToolError::Program(format!("its thread failed: {e}")))
}

fn run_tool<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let args: RunArgs = parse_args(args)?;
        if args.code.trim().is_empty() {
            return Err(invalid("code: empty; write a program that returns the answer"));
        }
        if args.code.len() > MAX_CODE_BYTES {
            return Err(invalid(format!(
                "code: {} bytes; at most {MAX_CODE_BYTES}",
                args.code.len()
            )));
        }
        let outcome = run_blocking(ctx.clone(), args.code, None).await?;
        answer(outcome, ctx.answer_cap)
    })
}

/// The program's value, console lines and request count; an error a model
/// can fix when it failed or returned more than the cap.
fn answer(outcome: Result<engine::Finished, engine::Failed>, cap: AnswerCap) -> Result<Value, ToolError> {
    let finished = outcome.map_err(|failed| {
        let mut message = failed.message;
        if failed.requests > 0 {
            message.push_str(&format!(" (after {} requests)", failed.requests));
        }
        if !failed.logs.is_empty() {
            message.push_str(&format!("; console: {}", failed.logs.join(" | ")));
        }
        ToolError::Program(message)
    })?;
    // What a program returns is what the model reads: customer text kept
    // in its place as in every answer (records' text fields wrapped, every
    // string stripped of hidden characters, secrets masked). Inside the
    // program, reads are the records as ConnectWise sent them.
    let mut result = finished.value;
    crate::tool::text::guard_record(&mut result);
    let mut out = json!({ "result": result, "requests": finished.requests });
    if !finished.logs.is_empty() {
        out["console"] = json!(finished.logs);
    }
    if finished.logs_dropped > 0 {
        out["console_dropped"] = json!(finished.logs_dropped);
    }
    let bytes = out.to_string().len();
    if bytes > cap.bytes() {
        return Err(ToolError::Program(format!(
            "the result is ~{} tokens, over the cap of {} (max_result_tokens); return totals, groups or \
             the first rows (e.g. rows.slice(0, 20)) instead of whole records",
            AnswerCap::estimate(bytes),
            cap.tokens
        )));
    }
    Ok(out)
}

/// The `code` toolset.
pub static TOOLS: &[ToolDef] = &[ToolDef {
    name: "cw_run",
    title: "Run a report program",
    description: "Runs JavaScript (an async function body; `return` the answer) against the whole API, for \
                  reports that need many calls or arithmetic. cw.<module>.<resource>.list/count/get(…) \
                  (their signatures are the `code` of cw_search_endpoints hits), cw.request(method, path, \
                  {query, body}), cw.all(listFn, …args) for every page, cw.cond`a = ${v}` escapes values, \
                  cw.date UTC helpers (daysAgo, startOfMonth, iso), cw.sum, cw.groupBy, console.log. \
                  Writes need --allow-writes. Limits: 10 s, 100 requests. Example: \
                  const t = cw.all(cw.service.tickets.list, {conditions: 'closedFlag=false', fields: 'id,board/name'}); \
                  return Object.entries(cw.groupBy(t, r => r.board.name)).map(([b, r]) => [b, r.length]);",
    toolset: TOOLSET,
    tier: Tier::Read,
    tier_per_call: true,
    per_caller: false,
    always_selected: false,
    idempotent: false,
    operation_id: "",
    input_schema: run_schema,
    call: run_tool,
}];
