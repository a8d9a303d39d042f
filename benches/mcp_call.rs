//! What the server adds to a tool call, over the simulator's own time.
//!
//! `cargo bench --bench mcp_call` starts the simulated tenant in this
//! process and the real binary (release build) as a child over stdio, then
//! for each measured tool, alternately:
//! - calls the tool over MCP (JSON-RPC over the child's stdin/stdout), and
//! - sends the very request the tool sent (read back from the simulator's
//!   request log) straight to the simulator with reqwest.
//!
//! The difference of the medians is what the server adds: argument
//! validation, building the conditions, the HTTP client, shaping the result,
//! JSON-RPC framing. Target: ≤ 1 ms.

use base64::Engine;
use connectwise_mcp::sim::{
    DEMO_CLIENT_ID, DEMO_COMPANY_ID, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, SimOptions, Simulator,
};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::Instant;

const CALLS: usize = 300;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let sim = runtime.block_on(Simulator::start(SimOptions::default()));
    let bin =
        std::env::var("MCP_CALL_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_connectwise-mcp").to_owned());
    println!("binary: {bin}");
    let mut child = Command::new(&bin)
        .args(["--toolsets", "all", "serve"])
        .env_clear()
        .env("CW_SITE", sim.site())
        .env("CW_COMPANY_ID", DEMO_COMPANY_ID)
        .env("CW_PUBLIC_KEY", DEMO_PUBLIC_KEY)
        .env("CW_PRIVATE_KEY", DEMO_PRIVATE_KEY)
        .env("CW_CLIENT_ID", DEMO_CLIENT_ID)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawning the server");
    let mut stdin = child.stdin.take().expect("stdin");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut rpc = Rpc {
        stdin: &mut stdin,
        stdout: &mut stdout,
        next_id: 1,
    };
    rpc.request(
        "initialize",
        json!({"protocolVersion": "2025-06-18", "capabilities": {},
               "clientInfo": {"name": "mcp_call bench", "version": "0"}}),
    );
    rpc.notify("notifications/initialized");

    let http = reqwest::Client::new();
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{DEMO_COMPANY_ID}+{DEMO_PUBLIC_KEY}:{DEMO_PRIVATE_KEY}"))
    );
    let origin = sim.site();

    for (tool, args) in [
        ("cw_get_ticket", json!({"id": 8})),
        ("cw_search_tickets", json!({"company": "ACME", "closed": false})),
        (
            "cw_search_companies",
            json!({"name_contains": "a", "page_size": 10}),
        ),
    ] {
        // Warm up both paths, and learn the request the tool sends.
        let result = rpc.call_tool(tool, &args);
        assert_eq!(result["result"]["isError"], json!(false), "{tool}: {result}");
        let sent = sim.request_log().pop().expect("the tool reached the simulator");
        let url = format!("{}{}", origin.trim_end_matches('/'), sent.path_and_query);
        let direct = || {
            runtime.block_on(async {
                let response = http
                    .get(&url)
                    .header("Authorization", &auth)
                    .header("clientId", DEMO_CLIENT_ID)
                    .header("Accept", connectwise_mcp::spec::MEDIA_TYPE)
                    .send()
                    .await
                    .expect("simulator");
                assert!(response.status().is_success());
                response.bytes().await.expect("body")
            })
        };
        direct();

        let (mut via_mcp, mut straight) = (Vec::with_capacity(CALLS), Vec::with_capacity(CALLS));
        for _ in 0..CALLS {
            let t = Instant::now();
            rpc.call_tool(tool, &args);
            via_mcp.push(t.elapsed().as_secs_f64() * 1e3);
            let t = Instant::now();
            direct();
            straight.push(t.elapsed().as_secs_f64() * 1e3);
        }
        let (m, d) = (median(via_mcp), median(straight));
        println!(
            "{tool:>20}: over MCP {m:6.3} ms | simulator alone {d:6.3} ms | added {:6.3} ms (≤ 1) [median of {CALLS}]",
            m - d
        );
        sim.clear_request_log();
    }
    drop(stdin);
    let _ = child.wait();
}

struct Rpc<'a, W: Write, R: BufRead> {
    stdin: &'a mut W,
    stdout: &'a mut R,
    next_id: u64,
}

impl<W: Write, R: BufRead> Rpc<'_, W, R> {
    fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        self.stdin
            .write_all(line.as_bytes())
            .expect("writing to the server");
        self.stdin.flush().expect("flushing");
    }

    fn notify(&mut self, method: &str) {
        self.send(json!({"jsonrpc": "2.0", "method": method}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("reading from the server");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    fn call_tool(&mut self, name: &str, args: &Value) -> Value {
        self.request("tools/call", json!({"name": name, "arguments": args}))
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}
