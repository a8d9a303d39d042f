//! Soak: many concurrent HTTP sessions reading and writing through the real
//! binary to the simulated tenant, behind a proxy that injects faults; then
//! the tenant's state against every write's answer.
//!
//! The proxy (in this process, between the server and the simulator) gives
//! each request one of: a 429 with `Retry-After`, a 503 (neither reaches the
//! tenant), a slow answer, or, after the tenant has processed the request,
//! no answer within the server's timeout, or a dropped connection (the
//! write happened; its answer is lost).
//!
//! Each write carries a unique marker (note text, time entry notes). At the
//! end every marker is looked up in the tenant: an acknowledged write must
//! be there exactly once (`missing`, `duplicated` are 0), and nothing is
//! there twice. Writes the server reported failed are counted by whether
//! they landed, and those whose answer says the outcome is unknown apart.
//!
//! CI runs a short variant (8 sessions, 4 s). The full run:
//! `SOAK_SESSIONS=50 SOAK_SECS=180 cargo test --test soak -- --nocapture`.

mod support;

use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use connectwise_mcp::sim::Simulator;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use support::bin::with_env;
use support::http::Server;
use support::sim::{sim_env, start_sim};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The server's ConnectWise timeout here; a "timeout" fault waits longer.
const CW_TIMEOUT_SECS: u64 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Fault {
    None,
    RateLimited,
    Unavailable,
    Slow,
    /// Processed by the tenant, then no answer within the timeout.
    TimeoutAfter,
    /// Processed by the tenant, then the connection dropped.
    DropAfter,
}

impl Fault {
    /// About one request in four gets a fault.
    fn pick() -> Fault {
        match fastrand::u32(0..100) {
            0..6 => Fault::RateLimited,
            6..12 => Fault::Unavailable,
            12..18 => Fault::Slow,
            18..20 => Fault::TimeoutAfter,
            20..26 => Fault::DropAfter,
            _ => Fault::None,
        }
    }
}

/// The fault proxy: forwards to the simulator, injecting faults while on.
struct Proxy {
    sim_base: String,
    http: reqwest::Client,
    on: std::sync::atomic::AtomicBool,
    injected: std::sync::Mutex<HashMap<Fault, u64>>,
}

async fn proxy(State(p): State<Arc<Proxy>>, request: Request) -> Response {
    let fault = if p.on.load(Ordering::Relaxed) {
        Fault::pick()
    } else {
        Fault::None
    };
    *p.injected.lock().unwrap().entry(fault).or_default() += 1;
    match fault {
        Fault::RateLimited => {
            return (
                axum::http::StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", "1")],
                "slow down",
            )
                .into_response();
        }
        Fault::Unavailable => {
            return (axum::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable").into_response();
        }
        Fault::Slow => tokio::time::sleep(Duration::from_millis(fastrand::u64(100..800))).await,
        _ => {}
    }
    let answer = forward(&p, request).await;
    match fault {
        // The connection's task ends without an answer: the client sees the
        // connection closed (no panic message: resume_unwind skips the hook).
        Fault::DropAfter => std::panic::resume_unwind(Box::new("dropped after processing")),
        Fault::TimeoutAfter => {
            tokio::time::sleep(Duration::from_secs(CW_TIMEOUT_SECS + 1)).await;
            answer
        }
        _ => answer,
    }
}

async fn forward(p: &Proxy, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let url = format!(
        "{}{}",
        p.sim_base,
        parts.uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("/")
    );
    let body = axum::body::to_bytes(body, 16 << 20).await.unwrap_or_default();
    let mut out = p.http.request(parts.method, url).body(body);
    for (name, value) in &parts.headers {
        if name != "host" && name != "content-length" {
            out = out.header(name, value);
        }
    }
    match out.send().await {
        Ok(r) => {
            let status = r.status();
            let headers = r.headers().clone();
            let bytes = r.bytes().await.unwrap_or_default();
            let mut response = (status, bytes).into_response();
            for (name, value) in &headers {
                if name != "content-length" && name != "transfer-encoding" {
                    response.headers_mut().insert(name, value.clone());
                }
            }
            response
        }
        Err(e) => (axum::http::StatusCode::BAD_GATEWAY, e.to_string()).into_response(),
    }
}

async fn start_proxy(sim: &Simulator) -> (String, Arc<Proxy>) {
    let state = Arc::new(Proxy {
        sim_base: sim.site(),
        http: connectwise_mcp::client::tls::client(),
        on: std::sync::atomic::AtomicBool::new(true),
        injected: Default::default(),
    });
    let app = axum::Router::new().fallback(proxy).with_state(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), state)
}

/// What the server said of one write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Said {
    Acknowledged,
    /// A tool error whose words say the outcome is not known.
    Unknown,
    /// Any other tool error.
    Refused,
    /// No MCP answer at all (an HTTP or JSON-RPC failure of the server).
    NoAnswer,
}

/// A write and its marker, to find it in the tenant.
struct Write {
    marker: String,
    ticket: i64,
    is_note: bool,
    said: Said,
}

/// One MCP session over HTTP.
struct Session {
    http: reqwest::Client,
    url: String,
    id: String,
    next: u64,
}

impl Session {
    async fn open(http: reqwest::Client, url: String) -> Result<Session, String> {
        let mut s = Session {
            http,
            url,
            id: String::new(),
            next: 1,
        };
        let init = s
            .send(json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "soak", "version": "1"}}}))
            .await?;
        s.id = init
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .ok_or("no session id")?
            .to_owned();
        let _ = init.text().await;
        s.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
            .await?;
        Ok(s)
    }

    async fn send(&self, body: Value) -> Result<reqwest::Response, String> {
        let mut request = self
            .http
            .post(&self.url)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18");
        if !self.id.is_empty() {
            request = request.header("mcp-session-id", &self.id);
        }
        request.json(&body).send().await.map_err(|e| e.to_string())
    }

    /// A tool call's result, or why there is none.
    async fn call(&mut self, tool: &str, arguments: Value) -> Result<Value, String> {
        self.next += 1;
        let id = self.next;
        let response = self
            .send(json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                "params": {"name": tool, "arguments": arguments}}))
            .await?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        let answer = text
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
            .find(|v| v["id"] == json!(id))
            .ok_or_else(|| format!("HTTP {status}: {text}"))?;
        answer.get("result").cloned().ok_or_else(|| answer.to_string())
    }
}

/// What a write's answer says.
fn classify(result: &Result<Value, String>) -> Said {
    match result {
        Err(_) => Said::NoAnswer,
        Ok(r) if r["isError"] != json!(true) => Said::Acknowledged,
        Ok(r) => {
            let text = r.to_string().to_lowercase();
            if text.contains("unknown") || text.contains("may have") || text.contains("not known") {
                Said::Unknown
            } else {
                Said::Refused
            }
        }
    }
}

/// One session: reads and writes until `until`.
async fn run_session(
    http: reqwest::Client,
    url: String,
    n: usize,
    until: Instant,
    calls: Arc<AtomicU64>,
) -> Vec<Write> {
    let mut session = match Session::open(http, url).await {
        Ok(s) => s,
        Err(e) => panic!("session {n} did not open: {e}"),
    };
    let mut writes = Vec::new();
    let mut i = 0u64;
    while Instant::now() < until {
        i += 1;
        let ticket = 1 + fastrand::i64(0..40);
        let marker = format!("soak s{n} w{i} {}", fastrand::u64(..));
        let roll = fastrand::u32(0..100);
        calls.fetch_add(1, Ordering::Relaxed);
        if roll < 60 {
            let result = session.call("cw_get_ticket", json!({"id": ticket})).await;
            assert!(result.is_ok(), "a read got no MCP answer: {result:?}");
            continue;
        }
        let is_note = roll < 85;
        let result = if is_note {
            session
                .call(
                    "cw_add_ticket_note",
                    json!({"ticket_id": ticket, "text": marker, "visibility": "internal"}),
                )
                .await
        } else {
            let start = chrono::Utc::now() - chrono::Duration::minutes(fastrand::i64(30..600));
            session
                .call(
                    "cw_create_time_entry",
                    json!({"charge_to_type": "ServiceTicket", "charge_to_id": ticket,
                        "time_start": start.format("%Y-%m-%dT%H:%M:%SZ").to_string(), "hours": 0.25, "notes": marker}),
                )
                .await
        };
        writes.push(Write {
            marker,
            ticket,
            is_note,
            said: classify(&result),
        });
    }
    writes
}

/// How many times each marker is in the tenant.
fn landed(sim: &Simulator) -> HashMap<String, usize> {
    let mut seen = HashMap::new();
    let mut count = |text: Option<&str>| {
        if let Some(text) = text.filter(|t| t.starts_with("soak s")) {
            *seen.entry(text.to_owned()).or_default() += 1;
        }
    };
    for ticket in 1..=40 {
        for note in sim.records(&format!("/service/tickets/{ticket}/notes")) {
            count(note["text"].as_str());
        }
    }
    for entry in sim.records("/time/entries") {
        count(entry["notes"].as_str());
    }
    seen
}

fn rss_kib(pid: u32, key: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_land_once_under_faults() {
    let sessions = env_or("SOAK_SESSIONS", 8) as usize;
    let seconds = env_or("SOAK_SECS", 4);
    let sim = start_sim().await;
    let (proxy_url, proxy) = start_proxy(&sim).await;
    let timeout = CW_TIMEOUT_SECS.to_string();
    let env = with_env(
        sim_env(&sim),
        &[
            ("CW_SITE", proxy_url.as_str()),
            ("CW_MAX_RETRIES", "2"),
            ("CW_MAX_RETRY_AFTER_SECS", "2"),
            ("CW_REQUEST_TIMEOUT_SECS", timeout.as_str()),
            ("MCP_AUDIT", "off"),
        ],
    );
    let server = Server::start(&["--allow-writes"], &[], &env);
    let http = connectwise_mcp::client::tls::client_builder()
        .pool_max_idle_per_host(sessions)
        .build()
        .unwrap();
    let url = server.url("/mcp");
    let calls = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let until = started + Duration::from_secs(seconds);
    let rss_start = rss_kib(server.pid(), "VmRSS:");
    let tasks: Vec<_> = (0..sessions)
        .map(|n| tokio::spawn(run_session(http.clone(), url.clone(), n, until, calls.clone())))
        .collect();
    let mut writes = Vec::new();
    for task in tasks {
        writes.extend(task.await.expect("a session failed"));
    }
    let elapsed = started.elapsed();
    proxy.on.store(false, Ordering::Relaxed);
    let rss_end = rss_kib(server.pid(), "VmRSS:");
    let rss_peak = rss_kib(server.pid(), "VmHWM:");

    let seen = landed(&sim);
    let mut said: HashMap<Said, usize> = HashMap::new();
    let (mut missing, mut duplicated) = (0, 0);
    let mut landed_by_said: HashMap<Said, usize> = HashMap::new();
    for w in &writes {
        *said.entry(w.said).or_default() += 1;
        let times = seen.get(&w.marker).copied().unwrap_or(0);
        if times > 0 {
            *landed_by_said.entry(w.said).or_default() += 1;
        }
        if times > 1 {
            duplicated += 1;
        }
        if w.said == Said::Acknowledged && times == 0 {
            missing += 1;
            eprintln!(
                "missing: {} on ticket {} ({})",
                w.marker,
                w.ticket,
                if w.is_note { "note" } else { "time entry" }
            );
        }
    }
    let injected = proxy.injected.lock().unwrap().clone();
    let faults: u64 = injected
        .iter()
        .filter(|(f, _)| **f != Fault::None)
        .map(|(_, n)| n)
        .sum();
    let get = |m: &HashMap<Said, usize>, s| m.get(&s).copied().unwrap_or(0);
    println!(
        "soak: {sessions} sessions, {:.1} s, {} tool calls ({} writes); tenant requests {}, faults injected {faults} {:?}",
        elapsed.as_secs_f64(),
        calls.load(Ordering::Relaxed),
        writes.len(),
        injected.values().sum::<u64>(),
        injected,
    );
    for s in [Said::Acknowledged, Said::Unknown, Said::Refused, Said::NoAnswer] {
        println!(
            "  {s:?}: {} writes, {} of them landed",
            get(&said, s),
            get(&landed_by_said, s)
        );
    }
    println!(
        "  missing (acknowledged, not in the tenant) {missing}, duplicated {duplicated}; server RSS start {} MiB, end {} MiB, peak {} MiB",
        rss_start / 1024,
        rss_end / 1024,
        rss_peak / 1024
    );
    assert_eq!((missing, duplicated), (0, 0));
    assert_eq!(get(&said, Said::NoAnswer), 0, "every write gets an MCP answer");
    assert!(get(&said, Said::Acknowledged) > 0, "nothing was acknowledged");
    assert!(faults > 0, "no fault was injected");
    let health = server.get("/health", None).await;
    assert!(health.status().is_success());
}
