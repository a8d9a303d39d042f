//! What a client hears while a tool call runs, through the real binary over
//! stdio, read a line at a time so that the order on the wire is what is
//! checked: log messages at the session's level (`logging/setLevel`;
//! warning until set) for a 429 wait, a retry and odd record shapes;
//! progress for each ConnectWise request when the call asks for it; and a
//! cancelled call that stops its program and its requests, is never
//! answered, and leaves the server serving. Over HTTP, the same through an
//! rmcp client.

mod support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::bin::with_env;
use support::http::{EDITOR, Server, token_env};
use support::raw::RawStdio;
use support::sim::{sim_env, start_sim};

/// A server on `sim` that retries (the tests' default is not to).
fn start(sim: &connectwise_mcp::sim::Simulator) -> RawStdio {
    let env = with_env(sim_env(sim), &[("CW_MAX_RETRIES", "2")]);
    let mut server = RawStdio::start(&["serve"], &env);
    let init = server.initialize();
    assert_eq!(
        init["result"]["capabilities"]["logging"],
        json!({}),
        "logging is advertised: {init}"
    );
    server
}

fn set_level(server: &mut RawStdio, level: &str) {
    let id = json!(format!("level-{level}"));
    server.send_json(
        &json!({"jsonrpc": "2.0", "id": id, "method": "logging/setLevel", "params": {"level": level}}),
    );
    let (answer, _) = server.answer_to(&id);
    assert_eq!(answer["result"], json!({}), "{answer}");
}

/// Calls `tool`; its answer and every line written before it.
fn call(
    server: &mut RawStdio,
    id: &str,
    tool: &str,
    args: Value,
    meta: Option<Value>,
) -> (Value, Vec<Value>) {
    let mut params = json!({"name": tool, "arguments": args});
    if let Some(meta) = meta {
        params["_meta"] = meta;
    }
    server.send_json(&json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params}));
    let (answer, before) = server.answer_to(&json!(id));
    assert_eq!(answer["result"]["isError"], json!(false), "{answer}");
    (answer, before)
}

fn messages(lines: &[Value]) -> Vec<&Value> {
    lines
        .iter()
        .filter(|l| l["method"] == "notifications/message")
        .map(|l| &l["params"])
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_told_as_a_warning_with_its_wait_and_below_the_level_nothing_is_sent() {
    let sim = start_sim().await;
    let mut server = start(&sim);
    set_level(&mut server, "info");
    sim.faults().rate_limit(0, 1, 1);
    let started = Instant::now();
    let (_, before) = call(
        &mut server,
        "c1",
        "cw_search_tickets",
        json!({"page_size": 2}),
        None,
    );
    assert!(started.elapsed() >= Duration::from_secs(1), "it waited");
    let told = messages(&before);
    assert_eq!(
        told.len(),
        1,
        "one message, the wait (debug ones are below info): {before:?}"
    );
    let warning = told[0];
    assert_eq!(warning["level"], "warning", "{warning}");
    assert_eq!(warning["logger"], "connectwise");
    let text = warning["data"]["message"].as_str().unwrap();
    assert!(
        text.contains("429") && text.contains("waiting 1 s") && text.contains("GET /service/tickets"),
        "{text}"
    );
    assert_eq!(warning["data"]["wait_seconds"], json!(1.0));

    // At `error`, the same wait is not told.
    set_level(&mut server, "error");
    sim.faults().rate_limit(0, 1, 1);
    let (_, before) = call(
        &mut server,
        "c2",
        "cw_search_tickets",
        json!({"page_size": 2}),
        None,
    );
    assert!(messages(&before).is_empty(), "{before:?}");

    // At `debug`, each request is told as it ends.
    set_level(&mut server, "debug");
    let (_, before) = call(
        &mut server,
        "c3",
        "cw_search_tickets",
        json!({"page_size": 2}),
        None,
    );
    let told = messages(&before);
    assert!(
        told.iter()
            .any(|m| m["level"] == "debug" && m["data"]["message"] == "GET /service/tickets page 1: 200"),
        "{before:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_after_a_5xx_is_a_warning_sent_by_default() {
    let sim = start_sim().await;
    let mut server = start(&sim);
    sim.faults().server_errors(0, 1, 502);
    let (_, before) = call(&mut server, "c1", "cw_get_ticket", json!({"id": 8}), None);
    let told = messages(&before);
    assert_eq!(told.len(), 1, "{before:?}");
    assert_eq!(told[0]["level"], "warning");
    let text = told[0]["data"]["message"].as_str().unwrap();
    assert!(
        text.contains("GET /service/tickets/8") && text.contains("502") && text.contains("again"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_record_shapes_are_a_notice_once_per_session_when_the_level_allows() {
    let sim = start_sim().await;
    sim.faults().serve_odd_shapes(true);
    let mut server = start(&sim);
    let args = json!({"page_size": 50, "fields": "id,summary,severity"});
    let (_, before) = call(&mut server, "c1", "cw_search_tickets", args.clone(), None);
    assert!(
        messages(&before).is_empty(),
        "a notice is below the default level: {before:?}"
    );
    set_level(&mut server, "notice");
    let (_, before) = call(&mut server, "c2", "cw_search_tickets", args.clone(), None);
    let told = messages(&before);
    assert_eq!(told.len(), 1, "{before:?}");
    assert_eq!(told[0]["level"], "notice");
    let text = told[0]["data"]["message"].as_str().unwrap();
    assert!(
        text.contains("Ticket records that differ from the spec"),
        "{text}"
    );
    let (_, before) = call(&mut server, "c3", "cw_search_tickets", args, None);
    assert!(messages(&before).is_empty(), "told once: {before:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_progress_token_brings_one_progress_notification_per_request_in_order() {
    let sim = start_sim().await;
    let mut server = start(&sim);
    let code = "for (let p = 1; p <= 3; p++) cw.service.tickets.list({page: p, pageSize: 2, fields: 'id'}); \
                return cw.service.boards.count().count;";
    let (answer, before) = call(
        &mut server,
        "run",
        "cw_run",
        json!({"code": code}),
        Some(json!({"progressToken": "p-1"})),
    );
    let progress: Vec<&Value> = before
        .iter()
        .filter(|l| l["method"] == "notifications/progress")
        .map(|l| &l["params"])
        .collect();
    let seen: Vec<(f64, &str)> = progress
        .iter()
        .map(|p| {
            assert_eq!(p["progressToken"], "p-1");
            (p["progress"].as_f64().unwrap(), p["message"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            (1.0, "GET /service/tickets page 1"),
            (2.0, "GET /service/tickets page 2"),
            (3.0, "GET /service/tickets page 3"),
            (4.0, "GET /service/boards/count"),
        ],
        "{answer}"
    );
    // Without a token, no progress.
    let (_, before) = call(&mut server, "run2", "cw_run", json!({"code": code}), None);
    assert!(
        !before.iter().any(|l| l["method"] == "notifications/progress"),
        "{before:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_run_stops_its_requests_is_never_answered_and_the_server_keeps_serving() {
    let sim = start_sim().await;
    let mut server = start(&sim);
    sim.faults().set_latency(Duration::from_millis(100));
    let code = "for (;;) cw.service.boards.list({pageSize: 1}); return 1;";
    server.send_json(&json!({"jsonrpc": "2.0", "id": "long", "method": "tools/call",
        "params": {"name": "cw_run", "arguments": {"code": code}}}));
    let requests = || sim.request_log().len();
    let deadline = Instant::now() + Duration::from_secs(5);
    while requests() < 3 {
        assert!(Instant::now() < deadline, "the program is making requests");
        std::thread::sleep(Duration::from_millis(20));
    }
    server.send_json(&json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
        "params": {"requestId": "long", "reason": "the user stopped it"}}));
    // The request in flight is dropped and no other is made.
    std::thread::sleep(Duration::from_millis(300));
    let after_cancel = requests();
    std::thread::sleep(Duration::from_millis(700));
    assert_eq!(requests(), after_cancel, "no request after the cancel");

    // The server answers, and never the cancelled call.
    let before = server.ping();
    assert!(!before.iter().any(|l| l["id"] == "long"), "{before:?}");
    sim.faults().set_latency(Duration::ZERO);
    let (answer, before) = call(
        &mut server,
        "next",
        "cw_run",
        json!({"code": "return 1 + 1;"}),
        None,
    );
    assert!(
        answer["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("\"result\":2"),
        "{answer}"
    );
    assert!(!before.iter().any(|l| l["id"] == "long"), "{before:?}");
    assert!(
        server.next(Duration::from_millis(500)).is_none(),
        "nothing more comes"
    );
}

/// An MCP client that keeps the log messages and progress it is sent.
#[derive(Clone, Default)]
struct Heard {
    messages: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
    progress: std::sync::Arc<std::sync::Mutex<Vec<Value>>>,
}

impl rmcp::ClientHandler for Heard {
    async fn on_progress(
        &self,
        params: rmcp::model::ProgressNotificationParam,
        _: rmcp::service::NotificationContext<rmcp::RoleClient>,
    ) {
        self.progress
            .lock()
            .unwrap()
            .push(serde_json::to_value(params).unwrap());
    }

    #[allow(deprecated)]
    async fn on_logging_message(
        &self,
        params: rmcp::model::LoggingMessageNotificationParam,
        _: rmcp::service::NotificationContext<rmcp::RoleClient>,
    ) {
        self.messages
            .lock()
            .unwrap()
            .push(serde_json::to_value(params).unwrap());
    }
}

async fn call_over(
    client: &rmcp::service::RunningService<rmcp::RoleClient, Heard>,
    tool: &str,
    args: Value,
) -> rmcp::model::CallToolResult {
    let Value::Object(args) = args else { unreachable!() };
    let params = rmcp::model::CallToolRequestParams::new(tool.to_owned()).with_arguments(args);
    client.call_tool(params).await.expect("tools/call")
}

/// Waits up to 5 s for `list` to hold `n` items.
async fn wait_for(list: &std::sync::Mutex<Vec<Value>>, n: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = list.lock().unwrap().clone();
        if now.len() >= n || Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_http_progress_comes_with_the_call_and_a_429_wait_is_told() {
    let sim = start_sim().await;
    let env = with_env(sim_env(&sim), &[("CW_MAX_RETRIES", "2")]);
    let mut env = env;
    env.extend(token_env());
    let server = Server::start(&[], &[], &env);
    let heard = Heard::default();
    let client = server
        .connect_with(heard.clone(), Some(EDITOR), &[])
        .await
        .expect("connect");
    // rmcp's client asks for progress on every request.
    let code = "for (let p = 1; p <= 3; p++) cw.service.tickets.list({page: p, pageSize: 2}); return 1;";
    let result = call_over(&client, "cw_run", json!({"code": code})).await;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let progress = wait_for(&heard.progress, 3).await;
    let mut counted: Vec<f64> = progress.iter().map(|p| p["progress"].as_f64().unwrap()).collect();
    counted.sort_by(f64::total_cmp);
    assert_eq!(counted, [1.0, 2.0, 3.0], "{progress:?}");

    #[allow(deprecated)]
    client
        .peer()
        .set_level(rmcp::model::SetLevelRequestParams::new(
            rmcp::model::LoggingLevel::Warning,
        ))
        .await
        .expect("logging/setLevel");
    sim.faults().rate_limit(0, 1, 1);
    let result = call_over(&client, "cw_search_tickets", json!({"page_size": 1})).await;
    assert_ne!(result.is_error, Some(true), "{result:?}");
    let messages = wait_for(&heard.messages, 1).await;
    assert!(
        messages
            .iter()
            .any(|m| m["level"] == "warning" && m["data"]["message"].as_str().unwrap().contains("429")),
        "{messages:?}"
    );
    client.cancel().await.ok();
}
