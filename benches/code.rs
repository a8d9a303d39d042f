//! What code mode costs per report question: the ConnectWise requests one
//! `cw_run` program makes, its run time (median of 5), and the tokens of
//! its answer (o200k_base, via tiktoken-rs), on the simulated tenant; and
//! what `cw_run` adds to the tool list, in tokens. Beside each, the same
//! question with curated tools only (every toolset on): the calls a model
//! makes (each task's `curated` plan, 100 rows a page, every page followed
//! by its cursor) and the tokens of their answers, which the model then
//! adds up in its own context.
//!
//! `cargo bench --bench code` starts the simulated tenant in this process
//! and the real binary as a child over MCP stdio, and runs each program of
//! `tests/support/code_tasks.rs` (the task suite `tests/code_mode.rs`
//! checks). `CODE_BIN` runs another build of the server. `CODE_LARGE=1`
//! uses the large tenant (1,000 companies, 100,000 tickets).

mod support;

#[path = "../tests/support/code_tasks.rs"]
mod code_tasks;

use connectwise_mcp::sim::seed::Size;
use connectwise_mcp::sim::{
    DEMO_CLIENT_ID, DEMO_COMPANY_ID, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, SimOptions, Simulator,
};
use rmcp::ServiceExt;
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use serde_json::{Value, json};
use support::{binary, command, median, text_of};

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    runtime.block_on(run());
}

async fn run() {
    let bpe = tiktoken_rs::o200k_base().expect("o200k_base");
    let tokens = |text: &str| bpe.encode_with_special_tokens(text).len();
    let mut options = SimOptions::default();
    if std::env::var("CODE_LARGE").is_ok_and(|v| v == "1") {
        options.size = Size::Large;
    }
    let sim = Simulator::start(options).await;
    let bin = binary("CODE_BIN");
    let site = sim.site();
    let env = [
        ("CW_SITE", site.as_str()),
        ("CW_COMPANY_ID", DEMO_COMPANY_ID),
        ("CW_PUBLIC_KEY", DEMO_PUBLIC_KEY),
        ("CW_PRIVATE_KEY", DEMO_PRIVATE_KEY),
        ("CW_CLIENT_ID", DEMO_CLIENT_ID),
    ];
    let cmd = tokio::process::Command::from(command(&bin, &["serve"], &env));
    let client = ().serve(TokioChildProcess::new(cmd).expect("spawn")).await.expect("initialize");
    let curated_cmd = tokio::process::Command::from(command(&bin, &["serve", "--toolsets", "all"], &env));
    let curated = ().serve(TokioChildProcess::new(curated_cmd).expect("spawn")).await.expect("initialize");
    let tools = client.list_all_tools().await.expect("tools/list");
    let run_tool = tools
        .iter()
        .find(|t| t.name == "cw_run")
        .expect("cw_run is listed");
    let list_tokens = |tools: &[&rmcp::model::Tool]| tokens(&serde_json::to_string(tools).expect("JSON"));
    let all: Vec<&rmcp::model::Tool> = tools.iter().collect();
    println!(
        "tool list: {} tokens, of which cw_run {} tokens\n",
        list_tokens(&all),
        list_tokens(&[run_tool])
    );
    let now = connectwise_mcp::sim::seed::now();
    println!("binary: {bin}\n");
    println!(
        "{:<62} {:>8} {:>8} {:>7} | {:>14} {:>15}",
        "question", "requests", "ms", "tokens", "curated calls", "curated tokens"
    );
    let (mut all_requests, mut all_tokens, mut all_calls, mut all_curated) = (0, 0, 0, 0);
    for task in code_tasks::ALL {
        let code = format!("const NOW = new Date({now:?});\n{}", task.code);
        let mut times = Vec::new();
        let mut answer = String::new();
        let mut requests = Value::Null;
        for _ in 0..5 {
            let params = CallToolRequestParams::new("cw_run")
                .with_arguments(json!({ "code": code }).as_object().unwrap().clone());
            let started = std::time::Instant::now();
            let result = client.call_tool(params).await.expect("tools/call");
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            answer = text_of(&result);
            if result.is_error == Some(true) {
                println!("{:<62} ERROR {answer}", task.ask);
                break;
            }
            requests = serde_json::from_str::<Value>(&answer).unwrap_or_default()["requests"].clone();
        }
        let t = tokens(&answer);
        let (calls, curated_tokens) = curated_cost(&curated, task, &now, &tokens).await;
        println!(
            "{:<62} {:>8} {:>8.1} {:>7} | {:>14} {:>15}",
            task.ask,
            requests,
            median(times),
            t,
            calls,
            curated_tokens
        );
        all_requests += requests.as_u64().unwrap_or(0);
        all_tokens += t;
        all_calls += calls;
        all_curated += curated_tokens;
    }
    println!(
        "\n{} questions: {all_requests} requests, {all_tokens} answer tokens in all; \
         curated tools only: {all_calls} calls, {all_curated} answer tokens",
        code_tasks::ALL.len()
    );
    curated.cancel().await.ok();
    client.cancel().await.ok();
}

/// The calls and answer tokens of `task` with curated tools only: each call
/// of its plan, every page of it.
async fn curated_cost(
    client: &rmcp::service::RunningService<rmcp::RoleClient, ()>,
    task: &code_tasks::Task,
    now: &str,
    tokens: &dyn Fn(&str) -> usize,
) -> (usize, usize) {
    let (mut calls, mut total) = (0, 0);
    for (tool, args) in task.curated {
        let mut args = code_tasks::curated_args(args, now);
        args["page_size"] = json!(100);
        loop {
            let params = CallToolRequestParams::new(*tool).with_arguments(args.as_object().unwrap().clone());
            let result = client.call_tool(params).await.expect("tools/call");
            let text = text_of(&result);
            calls += 1;
            total += tokens(&text);
            let cursor = serde_json::from_str::<Value>(&text)
                .ok()
                .and_then(|v| v["cursor"].as_str().map(str::to_owned));
            match cursor {
                Some(cursor) if result.is_error != Some(true) => args["cursor"] = json!(cursor),
                _ => break,
            }
        }
    }
    (calls, total)
}
