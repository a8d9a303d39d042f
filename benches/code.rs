//! What code mode costs per report question: the ConnectWise requests one
//! `cw_run` program makes, its run time (median of 5), and the tokens of
//! its answer (o200k_base, via tiktoken-rs), on the simulated tenant; and
//! what `cw_run` adds to the tool list, in tokens.
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
use support::{binary, command, median};

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
    let cmd = tokio::process::Command::from(command(
        &bin,
        &["serve"],
        &[
            ("CW_SITE", site.as_str()),
            ("CW_COMPANY_ID", DEMO_COMPANY_ID),
            ("CW_PUBLIC_KEY", DEMO_PUBLIC_KEY),
            ("CW_PRIVATE_KEY", DEMO_PRIVATE_KEY),
            ("CW_CLIENT_ID", DEMO_CLIENT_ID),
        ],
    ));
    let client = ().serve(TokioChildProcess::new(cmd).expect("spawn")).await.expect("initialize");
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
    println!("{:<62} {:>8} {:>8} {:>7}", "question", "requests", "ms", "tokens");
    let (mut all_requests, mut all_tokens) = (0, 0);
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
            answer = result
                .content
                .iter()
                .filter_map(|c| c.as_text().map(|t| t.text.clone()))
                .collect();
            if result.is_error == Some(true) {
                println!("{:<62} ERROR {answer}", task.ask);
                break;
            }
            requests = serde_json::from_str::<Value>(&answer).unwrap_or_default()["requests"].clone();
        }
        let t = tokens(&answer);
        println!("{:<62} {:>8} {:>8.1} {:>7}", task.ask, requests, median(times), t);
        all_requests += requests.as_u64().unwrap_or(0);
        all_tokens += t;
    }
    println!(
        "\n{} questions: {all_requests} requests, {all_tokens} answer tokens in all",
        code_tasks::ALL.len()
    );
    client.cancel().await.ok();
}
