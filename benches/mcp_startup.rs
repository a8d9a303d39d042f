//! Start-up cost of the MCP server over stdio, as a client sees it.
//!
//! `cargo bench --bench mcp_startup` spawns the real binary (release build)
//! 10 times per configuration and reports medians of:
//! - process start → `initialize` answered,
//! - process start → `tools/list` answered,
//! - peak RSS (`VmHWM` of the child, read just before it is told to exit),
//! - the size of the tools JSON in tokens (bytes / 4), for the default list
//!   and with every toolset, writes and deletes on,
//! - what the endpoint catalog costs when first used: the first
//!   `cw_search_endpoints` (builds the search index) and the first
//!   `cw_describe_endpoint` (parses the schemas), and the resident memory
//!   they add (`VmRSS` after them minus `VmRSS` after `tools/list`).
//!
//! No ConnectWise is contacted: the client is built on the first tool call.
//! `MCP_STARTUP_BIN=path` measures another build of the binary.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 10;

struct Sample {
    initialize: Duration,
    tools_list: Duration,
    peak_rss_kb: u64,
    tools: usize,
    tools_bytes: usize,
    first_call: Duration,
    first_search: Duration,
    first_describe: Duration,
    catalog_rss_kb: u64,
}

fn main() {
    let bin =
        std::env::var("MCP_STARTUP_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_connectwise-mcp").to_owned());
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
        let (tools, bytes) = (samples[0].tools, samples[0].tools_bytes);
        let tokens = bytes / 4;
        println!(
            "{label:>14}: initialize {init:6.2} ms (≤ 20) | tools/list {list:6.2} ms (≤ 25) | peak RSS {rss:5.1} MB (≤ 30) | \
             {tools} tools, {bytes} bytes ≈ {tokens} tokens ({} per tool)",
            tokens.checked_div(tools).unwrap_or(0)
        );
        println!(
            "{:>14}  first tool call (builds the ConnectWise client) {first_call:5.2} ms | catalog on first use: search {search:5.2} ms, describe {describe:5.2} ms (≤ 10 together) | \
             adds {catalog_rss:4.1} MB resident (≤ 10)",
            ""
        );
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

fn spawn_once(bin: &str, args: &[&str]) -> Sample {
    let started = Instant::now();
    let mut child = Command::new(bin)
        .args(args)
        .arg("serve")
        .env_clear()
        .env("CW_SITE", "cw.example.com")
        .env("CW_COMPANY_ID", "bench")
        .env("CW_PUBLIC_KEY", "benchPublic")
        .env("CW_PRIVATE_KEY", "benchPrivate")
        .env("CW_CLIENT_ID", "00000000-0000-0000-0000-000000000000")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawning the server");
    let pid = child.id();
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "mcp_startup bench", "version": "0"}
        }}),
    );
    let init = receive(&mut stdout);
    let initialize = started.elapsed();
    assert!(init.get("result").is_some(), "initialize failed: {init}");
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    );
    send(
        &mut stdin,
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    );
    let list = receive(&mut stdout);
    let tools_list = started.elapsed();
    let tools = list["result"]["tools"].clone();
    let peak_rss_kb = status_kb(pid, "VmHWM:");
    // The first call of any tool builds the ConnectWise client; this one
    // fails its argument check before touching the catalog or the network.
    let (first_call, _) = call(&mut stdin, &mut stdout, 3, "cw_get_ticket", json!({"id": -1}));
    let rss_before_catalog = status_kb(pid, "VmRSS:");
    let first_search = succeeded(call(
        &mut stdin,
        &mut stdout,
        4,
        "cw_search_endpoints",
        json!({"query": "devices with serial numbers"}),
    ));
    let first_describe = succeeded(call(
        &mut stdin,
        &mut stdout,
        5,
        "cw_describe_endpoint",
        json!({"operation_id": "postServiceTickets"}),
    ));
    let catalog_rss_kb = status_kb(pid, "VmRSS:").saturating_sub(rss_before_catalog);
    drop(stdin);
    let _ = child.wait();
    Sample {
        initialize,
        tools_list,
        peak_rss_kb,
        tools: tools.as_array().map_or(0, Vec::len),
        tools_bytes: tools.to_string().len(),
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
fn call(
    stdin: &mut impl Write,
    stdout: &mut impl BufRead,
    id: u64,
    tool: &str,
    arguments: Value,
) -> (Duration, Value) {
    let started = Instant::now();
    send(
        stdin,
        json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}),
    );
    let answer = receive(stdout);
    (started.elapsed(), answer)
}

/// A `kB` line of `/proc/<pid>/status` (`VmHWM:`, `VmRSS:`).
fn status_kb(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

fn send(stdin: &mut impl Write, message: Value) {
    let mut line = message.to_string();
    line.push('\n');
    stdin.write_all(line.as_bytes()).expect("writing to the server");
    stdin.flush().expect("flushing");
}

fn receive(stdout: &mut impl BufRead) -> Value {
    let mut line = String::new();
    stdout.read_line(&mut line).expect("reading from the server");
    serde_json::from_str::<Value>(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
}
