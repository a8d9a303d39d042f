//! Start-up cost of the MCP server over stdio, as a client sees it.
//!
//! `cargo bench --bench mcp_startup` spawns the real binary (release build)
//! 10 times per configuration and reports medians of:
//! - process start → `initialize` answered,
//! - process start → `tools/list` answered,
//! - peak RSS (`VmHWM` of the child, read just before it is told to exit),
//! - the size of the tools JSON in bytes and in tokens (o200k_base, via
//!   tiktoken-rs, as `tests/tool_budget.rs` counts them), for the default list
//!   and with every toolset, writes and deletes on,
//! - what the endpoint catalog costs when first used: the first
//!   `cw_search_endpoints` (builds the search index) and the first
//!   `cw_describe_endpoint` (parses the schemas), and the resident memory
//!   they add (`VmRSS` after them minus `VmRSS` after `tools/list`).
//!
//! No ConnectWise is contacted: the client is built on the first tool call.
//! `MCP_STARTUP_BIN=path` measures another build of the binary.

mod support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::{StdioServer, binary, median, status_kib};

const RUNS: usize = 10;

struct Sample {
    initialize: Duration,
    tools_list: Duration,
    peak_rss_kb: u64,
    tools: usize,
    tools_bytes: usize,
    tools_tokens: usize,
    first_call: Duration,
    first_search: Duration,
    first_describe: Duration,
    catalog_rss_kb: u64,
}

fn main() {
    let bin = binary("MCP_STARTUP_BIN");
    println!("binary: {bin}");
    let configurations: [(&str, &[&str]); 2] = [
        ("default", &[]),
        (
            "everything on",
            &["--toolsets", "all", "--allow-writes", "--allow-deletes"],
        ),
    ];
    for (label, args) in configurations {
        let _warm_up = spawn_once(&bin, args);
        let samples: Vec<Sample> = (0..RUNS).map(|_| spawn_once(&bin, args)).collect();
        let init = median(samples.iter().map(|s| s.initialize.as_secs_f64() * 1e3).collect());
        let list = median(samples.iter().map(|s| s.tools_list.as_secs_f64() * 1e3).collect());
        let rss = median(samples.iter().map(|s| s.peak_rss_kb as f64 / 1024.0).collect());
        let first_call = median(samples.iter().map(|s| s.first_call.as_secs_f64() * 1e3).collect());
        let search = median(
            samples
                .iter()
                .map(|s| s.first_search.as_secs_f64() * 1e3)
                .collect(),
        );
        let describe = median(
            samples
                .iter()
                .map(|s| s.first_describe.as_secs_f64() * 1e3)
                .collect(),
        );
        let catalog_rss = median(samples.iter().map(|s| s.catalog_rss_kb as f64 / 1024.0).collect());
        let (tools, bytes, tokens) = (samples[0].tools, samples[0].tools_bytes, samples[0].tools_tokens);
        println!(
            "{label:>14}: initialize {init:6.2} ms (≤ 20) | tools/list {list:6.2} ms (≤ 25) | peak RSS {rss:5.1} MB (≤ 30) | \
             {tools} tools, {bytes} bytes, {tokens} tokens ({} per tool)",
            tokens.checked_div(tools).unwrap_or(0)
        );
        println!(
            "{:>14}  first tool call (builds the ConnectWise client) {first_call:5.2} ms | catalog on first use: search {search:5.2} ms, describe {describe:5.2} ms (≤ 10 together) | \
             adds {catalog_rss:4.1} MB resident (≤ 10)",
            ""
        );
    }
}

fn spawn_once(bin: &str, args: &[&str]) -> Sample {
    let started = Instant::now();
    let mut server = StdioServer::spawn(
        bin,
        args,
        &[
            ("CW_SITE", "cw.example.com"),
            ("CW_COMPANY_ID", "bench"),
            ("CW_PUBLIC_KEY", "benchPublic"),
            ("CW_PRIVATE_KEY", "benchPrivate"),
            ("CW_CLIENT_ID", "00000000-0000-0000-0000-000000000000"),
        ],
    );
    let init = server.initialize("mcp_startup bench");
    let initialize = started.elapsed();
    assert!(init.get("result").is_some(), "initialize failed: {init}");
    server.notify("notifications/initialized");
    let list = server.request("tools/list", Value::Null);
    let tools_list = started.elapsed();
    let tools = list["result"]["tools"].clone();
    let peak_rss_kb = status_kib(server.pid(), "VmHWM").unwrap_or(0);
    // The first call of any tool builds the ConnectWise client; this one
    // fails its argument check before touching the catalog or the network.
    let (first_call, _) = timed_call(&mut server, "cw_get_ticket", json!({"id": -1}));
    let rss_before_catalog = status_kib(server.pid(), "VmRSS").unwrap_or(0);
    let first_search = succeeded(timed_call(
        &mut server,
        "cw_search_endpoints",
        json!({"query": "devices with serial numbers"}),
    ));
    let first_describe = succeeded(timed_call(
        &mut server,
        "cw_describe_endpoint",
        json!({"operation_id": "postServiceTickets"}),
    ));
    let catalog_rss_kb = status_kib(server.pid(), "VmRSS")
        .unwrap_or(0)
        .saturating_sub(rss_before_catalog);
    server.stop();
    Sample {
        initialize,
        tools_list,
        peak_rss_kb,
        tools: tools.as_array().map_or(0, Vec::len),
        tools_bytes: tools.to_string().len(),
        tools_tokens: tokens(&tools.to_string()),
        first_call,
        first_search,
        first_describe,
        catalog_rss_kb,
    }
}

/// The time a call took, which must have succeeded.
fn succeeded((took, answer): (Duration, Value)) -> Duration {
    assert_eq!(
        answer["result"]["isError"],
        json!(false),
        "the call failed: {answer}"
    );
    took
}

/// Calls a tool; returns how long it took and the answer.
fn timed_call(server: &mut StdioServer, tool: &str, arguments: Value) -> (Duration, Value) {
    let started = Instant::now();
    let answer = server.call_tool(tool, &arguments);
    (started.elapsed(), answer)
}

/// Tokens of `text` as a model counts them (o200k_base).
fn tokens(text: &str) -> usize {
    static BPE: std::sync::OnceLock<tiktoken_rs::CoreBPE> = std::sync::OnceLock::new();
    BPE.get_or_init(|| tiktoken_rs::o200k_base().expect("o200k_base"))
        .encode_with_special_tokens(text)
        .len()
}
