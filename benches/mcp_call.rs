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

mod support;

use base64::Engine;
use connectwise_mcp::sim::{
    DEMO_CLIENT_ID, DEMO_COMPANY_ID, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, SimOptions, Simulator,
};
use serde_json::json;
use std::time::Instant;
use support::{StdioServer, binary, median};

const CALLS: usize = 300;

fn main() {
    let runtime = tokio::runtime::Runtime::new().expect("tokio");
    let sim = runtime.block_on(Simulator::start(SimOptions::default()));
    let bin = binary("MCP_CALL_BIN");
    println!("binary: {bin}");
    let site = sim.site();
    let mut server = StdioServer::spawn(
        &bin,
        &["--toolsets", "all"],
        &[
            ("CW_SITE", site.as_str()),
            ("CW_COMPANY_ID", DEMO_COMPANY_ID),
            ("CW_PUBLIC_KEY", DEMO_PUBLIC_KEY),
            ("CW_PRIVATE_KEY", DEMO_PRIVATE_KEY),
            ("CW_CLIENT_ID", DEMO_CLIENT_ID),
        ],
    );
    server.initialize("mcp_call bench");
    server.notify("notifications/initialized");

    let http = connectwise_mcp::client::tls::client();
    let auth = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{DEMO_COMPANY_ID}+{DEMO_PUBLIC_KEY}:{DEMO_PRIVATE_KEY}"))
    );

    for (tool, args) in [
        ("cw_get_ticket", json!({"id": 8})),
        ("cw_search_tickets", json!({"company": "ACME", "closed": false})),
        (
            "cw_search_companies",
            json!({"name_contains": "a", "page_size": 10}),
        ),
    ] {
        // Warm up both paths, and learn the request the tool sends.
        let result = server.call_tool(tool, &args);
        assert_eq!(result["result"]["isError"], json!(false), "{tool}: {result}");
        let sent = sim.request_log().pop().expect("the tool reached the simulator");
        let url = format!("{}{}", site.trim_end_matches('/'), sent.path_and_query);
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
            server.call_tool(tool, &args);
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
    server.stop();
}
