//! The binary as an MCP server over stdio, spoken to with an rmcp client:
//! start it, list and call tools, read what a result holds; and its
//! `tools` subcommand.

use super::bin::{Env, command, offline_env, run};
use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::RunningService;
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceError, ServiceExt};
use serde_json::Value;
use std::process::Stdio;

/// An MCP client session (over stdio or HTTP).
pub type Client = RunningService<RoleClient, ()>;

/// Starts the server (`args`, e.g. `["--allow-writes"]`; `serve` is the
/// default) with exactly `env`, and completes `initialize`.
pub async fn connect(args: &[&str], env: &[(String, String)]) -> Client {
    let cmd = tokio::process::Command::from(command(args, env));
    let (transport, _) = TokioChildProcess::builder(cmd)
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawning connectwise-mcp");
    ().serve(transport).await.expect("initialize")
}

/// A server with fake credentials: enough to list tools (nothing is called).
pub async fn connect_offline(args: &[&str]) -> Client {
    connect(args, &offline_env()).await
}

/// `tools/list`, every page.
pub async fn list_tools(client: &Client) -> Vec<Tool> {
    client.list_all_tools().await.expect("tools/list")
}

pub fn names(tools: &[Tool]) -> Vec<String> {
    tools.iter().map(|t| t.name.to_string()).collect()
}

/// The names of the tools the session lists.
pub async fn tool_names(client: &Client) -> Vec<String> {
    names(&list_tools(client).await)
}

/// Calls a tool; `args` is a JSON object (anything else sends no arguments).
pub async fn call(client: &Client, name: &str, args: Value) -> Result<CallToolResult, ServiceError> {
    let mut params = CallToolRequestParams::new(name.to_owned());
    if let Value::Object(map) = args {
        params = params.with_arguments(map);
    }
    client.call_tool(params).await
}

/// The text content of a result.
pub fn text(result: &CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text())
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The text of a result that must have failed.
pub fn failed(result: &CallToolResult) -> String {
    assert_eq!(
        result.is_error,
        Some(true),
        "expected a failure: {}",
        text(result)
    );
    text(result)
}

/// A read tool with no required argument, preferring a ticket search: one
/// any test can call with `{}`.
pub fn simple_read_tool(tools: &[Tool]) -> String {
    let no_required = |t: &&Tool| {
        t.annotations.as_ref().and_then(|a| a.read_only_hint) == Some(true)
            && t.input_schema
                .get("required")
                .and_then(Value::as_array)
                .is_none_or(|r| r.is_empty())
            && !t.name.contains("my")
    };
    tools
        .iter()
        .filter(no_required)
        .find(|t| t.name.contains("ticket") && t.name.contains("search"))
        .or_else(|| tools.iter().find(no_required))
        .map(|t| t.name.to_string())
        .expect("a read tool without required arguments")
}

/// One line of `connectwise-mcp tools`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub tier: String,
    pub toolset: String,
    pub title: String,
}

/// What `connectwise-mcp tools` prints with these gating `args`.
pub fn listed(args: &[&str]) -> Vec<Listed> {
    let mut all = args.to_vec();
    all.push("tools");
    let out = run(&all, &Env::new());
    assert!(
        out.status.success(),
        "tools {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .expect("utf-8")
        .lines()
        .map(|line| {
            let mut parts = line.split_whitespace();
            let mut next = || parts.next().unwrap_or_default().to_owned();
            let (name, tier, toolset) = (next(), next(), next());
            let title = parts.collect::<Vec<_>>().join(" ");
            Listed {
                name,
                tier,
                toolset,
                title,
            }
        })
        .collect()
}

/// Every tool of the build.
pub fn everything() -> Vec<Listed> {
    listed(&["--toolsets", "all", "--allow-writes", "--allow-deletes"])
}

/// A successful result as JSON: its text. (Results carry no
/// `structuredContent` unless the server runs with `--output-schemas`.)
pub fn json_of(result: &CallToolResult) -> Value {
    assert_ne!(result.is_error, Some(true), "tool failed: {}", text(result));
    serde_json::from_str(&text(result)).unwrap_or_else(|e| panic!("not JSON ({e}): {}", text(result)))
}

/// The records of a list answer (`columns` and `rows`, and the `same`
/// values), nested again the way ConnectWise sends them.
pub fn records(list: &Value) -> Vec<Value> {
    let columns: Vec<&str> = list["columns"]
        .as_array()
        .unwrap_or_else(|| panic!("a list answer has columns: {list}"))
        .iter()
        .map(|c| c.as_str().expect("column names are text"))
        .collect();
    let same = list.get("same").and_then(Value::as_object);
    list["rows"]
        .as_array()
        .expect("a list answer has rows")
        .iter()
        .map(|row| {
            let mut record = Value::Object(serde_json::Map::new());
            let cells = row.as_array().expect("a row is an array");
            for (column, cell) in columns.iter().zip(cells).filter(|(_, c)| !c.is_null()) {
                set_path(&mut record, column, cell.clone());
            }
            for (column, value) in same.into_iter().flatten() {
                set_path(&mut record, column, value.clone());
            }
            record
        })
        .collect()
}

/// Customer text as stored: an answer wraps it as `«…»`
/// (`connectwise_mcp::tool::text`); anything else as it is.
pub fn unwrapped(value: &Value) -> Value {
    match value
        .as_str()
        .and_then(|s| s.strip_prefix('«')?.strip_suffix('»'))
    {
        Some(inner) => Value::String(inner.to_owned()),
        None => value.clone(),
    }
}

/// A record's value at a field path (`company/identifier`), nested or flat.
pub fn at_path<'a>(record: &'a Value, path: &str) -> &'a Value {
    if let Some(flat) = record.get(path) {
        return flat;
    }
    path.split('/').fold(record, |at, key| &at[key])
}

fn set_path(record: &mut Value, path: &str, value: Value) {
    let mut at = record;
    let mut keys = path.split('/').peekable();
    while let Some(key) = keys.next() {
        if keys.peek().is_none() {
            at[key] = value;
            return;
        }
        at = at
            .as_object_mut()
            .expect("a path runs through objects")
            .entry(key)
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
}
