//! What a technician's questions cost a model: the size of each answer, in
//! tokens (o200k_base, via tiktoken-rs) and bytes, on the realistic
//! simulated tenant.
//!
//! `cargo bench --bench answers` starts the simulated tenant in this process
//! and the real binary as a child over MCP stdio, asks each question once,
//! and prints per answer the text a model reads (tokens, bytes) and, when the
//! server sends it, the `structuredContent` a client may pass on as well.
//!
//! For list answers it also prints what the same rows would cost in other
//! shapes (JSON objects per row, columns + rows, a text table), which is how
//! the list shape was chosen.
//!
//! `ANSWERS_BIN` runs another build of the server (an older commit) for a
//! before/after comparison.

mod support;

use connectwise_mcp::sim::{
    DEMO_CLIENT_ID, DEMO_COMPANY_ID, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, SimOptions, Simulator,
};
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use serde_json::{Map, Value, json};
use support::{binary, command, text_of};

/// The technician asking: "my tickets", "my time".
const ME: &str = "JSmith";

/// One question a technician asks, and the tool call that answers it.
struct Question {
    ask: &'static str,
    tool: &'static str,
    args: Value,
}

fn questions(sim: &Simulator) -> Vec<Question> {
    let me = ME;
    let acme = company_id(sim, "ACME");
    let project = sim.records("/project/projects")[0]["id"].clone();
    let board = sim.records("/service/boards")[0]["id"].clone();
    let last_day = latest_day(sim, "/schedule/entries", "dateStart", me);
    let last_time = latest_day(sim, "/time/entries", "timeStart", me);
    let week_start =
        last_time - chrono::Duration::days(last_time.format("%u").to_string().parse::<i64>().unwrap() - 1);
    let q = |ask, tool, args| Question { ask, tool, args };
    vec![
        q(
            "open tickets for ACME",
            "cw_search_tickets",
            json!({"company": "ACME", "closed": false}),
        ),
        q(
            "ticket 8 with its notes",
            "cw_get_ticket",
            json!({"id": 8, "include_notes": true}),
        ),
        q(
            "companies named \"acme\"",
            "cw_search_companies",
            json!({"name_contains": "acme"}),
        ),
        q(
            "JSmith's time entries",
            "cw_search_time_entries",
            json!({"member": "JSmith"}),
        ),
        q("my open tickets", "cw_my_tickets", json!({"closed": false})),
        q(
            "the notes of ticket 8",
            "cw_list_ticket_notes",
            json!({"ticket_id": 8}),
        ),
        q(
            "ACME's contacts with phone numbers",
            "cw_search_contacts",
            json!({"company": "ACME"}),
        ),
        q(
            "ACME's devices with serials",
            "cw_search_configurations",
            json!({"company": "ACME"}),
        ),
        q(
            "today's schedule",
            "cw_search_schedule_entries",
            json!({"member": me, "from": format!("{last_day}T00:00:00Z"),
                   "to": format!("{}T00:00:00Z", last_day + chrono::Duration::days(1))}),
        ),
        q(
            "my time this week",
            "cw_my_time",
            json!({"from": format!("{week_start}T00:00:00Z")}),
        ),
        q(
            "open opportunities",
            "cw_search_opportunities",
            json!({"status": "Open"}),
        ),
        q(
            "ACME's agreements",
            "cw_search_agreements",
            json!({"company": "ACME"}),
        ),
        q(
            "a project's tickets",
            "cw_search_project_tickets",
            json!({"project_id": project}),
        ),
        q("company ACME", "cw_get_company", json!({"id": acme})),
        q(
            "endpoint search",
            "cw_search_endpoints",
            json!({"query": "approve a time sheet"}),
        ),
        q(
            "cw_call: a page of tickets",
            "cw_call",
            json!({"method": "GET", "path": "/service/tickets", "query": {"pageSize": 10}}),
        ),
        q(
            "cw_call: ticket 8, whole record",
            "cw_call",
            json!({"method": "GET", "path": "/service/tickets/8"}),
        ),
        // The technician's writes: what each answers (after the reads, so
        // that they do not change what the reads see).
        q(
            "write: move ticket 8 to In Progress",
            "cw_update_ticket",
            json!({"id": 8, "status": "In Progress"}),
        ),
        q(
            "write: add an internal note to ticket 8",
            "cw_add_ticket_note",
            json!({"ticket_id": 8, "text": "Called the customer; drive cleanup scheduled", "visibility": "internal"}),
        ),
        q(
            "write: log 30 minutes on ticket 8",
            "cw_create_time_entry",
            json!({"charge_to_type": "ServiceTicket", "charge_to_id": 8, "time_start": format!("{last_day}T14:00:00Z"),
                   "hours": 0.5, "notes": "Remote session: cleared temp files"}),
        ),
        q(
            "write: open a ticket for ACME",
            "cw_create_ticket",
            json!({"company": "ACME", "summary": "Printer offline", "board_id": board}),
        ),
    ]
}

fn company_id(sim: &Simulator, identifier: &str) -> Value {
    sim.records("/company/companies")
        .into_iter()
        .find(|c| c["identifier"] == identifier)
        .map(|c| c["id"].clone())
        .expect("the company exists")
}

/// The last day `member` has a record of `path` on.
fn latest_day(sim: &Simulator, path: &str, field: &str, member: &str) -> chrono::NaiveDate {
    sim.records(path)
        .into_iter()
        .filter(|r| r["member"]["identifier"] == member)
        .filter_map(|r| r[field].as_str().and_then(|t| t.get(..10)).map(str::to_owned))
        .filter_map(|d| chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
        .max()
        .expect("the member has records")
}

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    runtime.block_on(run());
}

async fn run() {
    let bpe = tiktoken_rs::o200k_base().expect("o200k_base");
    let tokens = |text: &str| bpe.encode_with_special_tokens(text).len();
    let sim = Simulator::start(SimOptions::default()).await;
    let bin = binary("ANSWERS_BIN");
    let site = sim.site();
    let cmd = tokio::process::Command::from(command(
        &bin,
        &["--toolsets", "all", "--allow-writes", "serve"],
        &[
            ("CW_SITE", site.as_str()),
            ("CW_COMPANY_ID", DEMO_COMPANY_ID),
            ("CW_PUBLIC_KEY", DEMO_PUBLIC_KEY),
            ("CW_PRIVATE_KEY", DEMO_PRIVATE_KEY),
            ("CW_CLIENT_ID", DEMO_CLIENT_ID),
            ("CW_MEMBER_IDENTIFIER", ME),
            // Creates are journaled (idempotency): a store of this run's own.
            ("CW_SAVED_QUERIES_DB", ":memory:"),
        ],
    ));
    let client = ().serve(TokioChildProcess::new(cmd).expect("spawn")).await.expect("initialize");
    println!("binary: {bin}\n");
    println!(
        "{:<36} {:>7} {:>7} {:>10} {:>6}",
        "question", "tokens", "bytes", "structured", "rows"
    );
    let (mut total_tokens, mut total_bytes, mut total_structured) = (0, 0, 0);
    let mut shapes = [0usize; 3];
    for question in questions(&sim) {
        let mut params = CallToolRequestParams::new(question.tool);
        if let Value::Object(args) = question.args {
            params = params.with_arguments(args);
        }
        let result = client.call_tool(params).await.expect("tools/call");
        let text = text_of(&result);
        let structured = result
            .structured_content
            .as_ref()
            .map(|s| tokens(&s.to_string()))
            .unwrap_or(0);
        let rows = list_rows(&text);
        if result.is_error == Some(true) {
            println!(
                "{:<36} ERROR {}",
                question.ask,
                text.lines().next().unwrap_or_default()
            );
            continue;
        }
        let t = tokens(&text);
        println!(
            "{:<36} {:>7} {:>7} {:>10} {:>6}",
            question.ask,
            t,
            text.len(),
            structured,
            rows.as_ref().map_or(String::new(), |r| r.len().to_string())
        );
        total_tokens += t;
        total_bytes += text.len();
        total_structured += structured;
        if let Some(rows) = rows.filter(|r| !r.is_empty()) {
            for (i, shape) in [objects(&rows), columns(&rows), table(&rows)].iter().enumerate() {
                shapes[i] += tokens(shape);
            }
        }
    }
    println!(
        "{:<36} {:>7} {:>7} {:>10}",
        "total", total_tokens, total_bytes, total_structured
    );
    println!(
        "\nthe list answers' rows in other shapes (tokens, all lists together):\n  \
         JSON objects per row {}\n  columns + rows       {}\n  text table           {}",
        shapes[0], shapes[1], shapes[2]
    );
    client.cancel().await.ok();
}

/// The rows of a list answer as flat objects (`company/identifier` keys),
/// whichever shape the server sent.
fn list_rows(text: &str) -> Option<Vec<Map<String, Value>>> {
    let value: Value = serde_json::from_str(text).ok()?;
    if let (Some(Value::Array(columns)), Some(Value::Array(rows))) = (value.get("columns"), value.get("rows"))
    {
        let names: Vec<String> = columns
            .iter()
            .filter_map(|c| c.as_str().map(str::to_owned))
            .collect();
        return Some(
            rows.iter()
                .filter_map(Value::as_array)
                .map(|row| names.iter().cloned().zip(row.iter().cloned()).collect())
                .collect(),
        );
    }
    let items = value.get("items")?.as_array()?;
    Some(
        items
            .iter()
            .map(|item| {
                let mut flat = Map::new();
                flatten("", item, &mut flat);
                flat
            })
            .collect(),
    )
}

fn flatten(prefix: &str, value: &Value, out: &mut Map<String, Value>) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}/{k}")
                };
                flatten(&key, v, out);
            }
        }
        other => {
            out.insert(prefix.to_owned(), other.clone());
        }
    }
}

fn column_names(rows: &[Map<String, Value>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for row in rows {
        for k in row.keys() {
            if !names.contains(k) {
                names.push(k.clone());
            }
        }
    }
    names
}

/// Today's shape: one JSON object per row, nested references unflattened.
fn objects(rows: &[Map<String, Value>]) -> String {
    let items: Vec<Value> = rows
        .iter()
        .map(|row| {
            let mut item = Value::Object(Map::new());
            for (k, v) in row {
                let mut at = &mut item;
                let parts: Vec<&str> = k.split('/').collect();
                for p in &parts[..parts.len() - 1] {
                    at = at
                        .as_object_mut()
                        .unwrap()
                        .entry(p.to_string())
                        .or_insert_with(|| json!({}));
                }
                at[parts[parts.len() - 1]] = v.clone();
            }
            item
        })
        .collect();
    json!({ "items": items }).to_string()
}

/// Column names once, then one array per row.
fn columns(rows: &[Map<String, Value>]) -> String {
    let names = column_names(rows);
    let rows: Vec<Value> = rows
        .iter()
        .map(|row| {
            Value::Array(
                names
                    .iter()
                    .map(|n| row.get(n).cloned().unwrap_or(Value::Null))
                    .collect(),
            )
        })
        .collect();
    json!({ "columns": names, "rows": rows }).to_string()
}

/// A tab-separated table: header line, one line per row; text escaped
/// (`\t`, `\n`) so that a cell stays one cell.
fn table(rows: &[Map<String, Value>]) -> String {
    let names = column_names(rows);
    let mut out = names.join("\t");
    for row in rows {
        out.push('\n');
        let cells: Vec<String> = names
            .iter()
            .map(|n| match row.get(n) {
                None | Some(Value::Null) => String::new(),
                Some(Value::String(s)) => s.replace('\\', "\\\\").replace('\t', "\\t").replace('\n', "\\n"),
                Some(other) => other.to_string(),
            })
            .collect();
        out.push_str(&cells.join("\t"));
    }
    out
}
