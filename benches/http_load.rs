//! Load benchmark of `serve --http`: N concurrent MCP sessions, each doing
//! initialize, tools/list and 20 tool calls, against the simulator.
//!
//! `cargo bench --bench http_load` (release). Prints tool calls per second,
//! p50/p99 latency of a call through the server and of the same request sent
//! straight to the simulator (the difference is the server's added latency),
//! errors, and the server's peak resident memory. Settings:
//! `HTTP_LOAD_SESSIONS` (200), `HTTP_LOAD_CALLS` (20); `HTTP_LOAD_BIN=path`
//! measures another build of the binary.
//!
//! The server runs as the real binary with role tokens and an audit log
//! (to a file); the simulator and the load generator share this process.

mod support;

use connectwise_mcp::sim::{self, SimOptions, Simulator};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};
use support::{binary, command, peak_rss_kib};

const TOKEN: &str = "bench-viewer-token-0123456789";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// The JSON-RPC message of a response body (plain JSON or SSE `data:` lines).
fn message(body: &str) -> Option<Value> {
    if let Ok(v) = serde_json::from_str::<Value>(body) {
        return Some(v);
    }
    body.lines()
        .filter_map(|l| l.strip_prefix("data:"))
        .filter_map(|d| serde_json::from_str::<Value>(d.trim()).ok())
        .find(|v| v.get("id").is_some())
}

struct Session {
    http: reqwest::Client,
    url: String,
    id: Option<String>,
}

impl Session {
    async fn post(&self, body: Value) -> Result<Option<Value>, String> {
        let mut req = self
            .http
            .post(&self.url)
            .bearer_auth(TOKEN)
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", "2025-06-18")
            .json(&body);
        if let Some(id) = &self.id {
            req = req.header("mcp-session-id", id);
        }
        let resp = req.send().await.map_err(|e| e.to_string())?;
        let status = resp.status();
        let text = resp.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("HTTP {status}: {text}"));
        }
        Ok(message(&text))
    }
}

/// One session: initialize, initialized, tools/list, `calls` tool calls.
/// Returns each call's latency.
async fn run_session(
    http: reqwest::Client,
    url: String,
    calls: usize,
    offset: usize,
    pace: Option<Duration>,
) -> Result<Vec<Duration>, String> {
    let mut s = Session { http, url, id: None };
    let init = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}});
    let resp = s
        .http
        .post(&s.url)
        .bearer_auth(TOKEN)
        .header("accept", "application/json, text/event-stream")
        .json(&init)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    s.id = resp
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let _ = resp.text().await;
    s.id.as_ref().ok_or("no session id")?;
    s.post(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}))
        .await?;
    let list = s
        .post(json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list"}))
        .await?
        .ok_or("no tools/list answer")?;
    if list["result"]["tools"].as_array().is_none_or(|t| t.is_empty()) {
        return Err(format!("tools/list: {list}"));
    }
    let mut latencies = Vec::with_capacity(calls);
    let mut ticker = pace.map(|p| {
        let mut t = tokio::time::interval_at(
            tokio::time::Instant::now() + p.mul_f64((offset % 100) as f64 / 100.0),
            p,
        );
        t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        t
    });
    for i in 0..calls {
        if let Some(t) = &mut ticker {
            t.tick().await;
        }
        let ticket = 1 + ((offset + i) % 40) as i64;
        let body = json!({"jsonrpc": "2.0", "id": 2 + i, "method": "tools/call",
            "params": {"name": "cw_get_ticket", "arguments": {"id": ticket}}});
        let started = Instant::now();
        let answer = s.post(body).await?.ok_or("no tools/call answer")?;
        latencies.push(started.elapsed());
        if answer["result"]["isError"] == json!(true) || answer.get("error").is_some() {
            return Err(format!("tools/call: {answer}"));
        }
    }
    let _ = s
        .http
        .delete(&s.url)
        .bearer_auth(TOKEN)
        .header("mcp-session-id", s.id.as_deref().unwrap_or(""))
        .send()
        .await;
    Ok(latencies)
}

/// The same request the tool makes, straight to the simulator, at the same concurrency.
async fn direct_baseline(sim: &Simulator, sessions: usize, calls: usize) -> Vec<Duration> {
    let http = connectwise_mcp::client::tls::client();
    let auth = format!(
        "Basic {}",
        base64_basic(&format!(
            "{}+{}:{}",
            sim::DEMO_COMPANY_ID,
            sim::DEMO_PUBLIC_KEY,
            sim::DEMO_PRIVATE_KEY
        ))
    );
    let mut tasks = Vec::new();
    for s in 0..sessions {
        let http = http.clone();
        let base = sim.base_url();
        let auth = auth.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in 0..calls {
                let id = 1 + ((s + i) % 40);
                let started = Instant::now();
                let r = http
                    .get(format!("{base}/service/tickets/{id}"))
                    .header("authorization", &auth)
                    .header("clientid", sim::DEMO_CLIENT_ID)
                    .send()
                    .await;
                if let Ok(r) = r {
                    let _ = r.bytes().await;
                }
                out.push(started.elapsed());
            }
            out
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    all.sort();
    all
}

fn base64_basic(text: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(text)
}

fn main() {
    let sessions = env_usize("HTTP_LOAD_SESSIONS", 200);
    let calls = env_usize("HTTP_LOAD_CALLS", 20);
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        let sim = Simulator::start(SimOptions::default()).await;
        let audit = std::env::temp_dir().join(format!("http-load-audit-{}.jsonl", std::process::id()));
        let (site, tokens) = (sim.site(), format!("bench:{TOKEN}"));
        let audit_path = audit.to_string_lossy().into_owned();
        let mut child = command(
            &binary("HTTP_LOAD_BIN"),
            &["serve", "--http", "--bind", "127.0.0.1:0"],
            &[
                ("CW_SITE", site.as_str()),
                ("CW_COMPANY_ID", sim::DEMO_COMPANY_ID),
                ("CW_PUBLIC_KEY", sim::DEMO_PUBLIC_KEY),
                ("CW_PRIVATE_KEY", sim::DEMO_PRIVATE_KEY),
                ("CW_CLIENT_ID", sim::DEMO_CLIENT_ID),
                ("MCP_TOKENS_VIEWER", tokens.as_str()),
                ("MCP_AUDIT", audit_path.as_str()),
            ],
        )
        .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting the server (build it: cargo bench builds the binary)");
        let stderr = child.stderr.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_owned());
                }
            }
        });
        let base = rx.recv_timeout(Duration::from_secs(30)).expect("server address");
        let url = format!("{base}/mcp");
        let http = connectwise_mcp::client::tls::client_builder()
            .pool_max_idle_per_host(sessions)
            .build()
            .unwrap();
        // Warm-up: connections, the first client build, caches.
        let _ = run_session(http.clone(), url.clone(), 2, 0, None).await;

        let started = Instant::now();
        let mut tasks = Vec::new();
        for s in 0..sessions {
            tasks.push(tokio::spawn(run_session(http.clone(), url.clone(), calls, s, None)));
        }
        let mut latencies = Vec::new();
        let mut errors = Vec::new();
        for t in tasks {
            match t.await {
                Ok(Ok(l)) => latencies.extend(l),
                Ok(Err(e)) => errors.push(e),
                Err(e) => errors.push(e.to_string()),
            }
        }
        let wall = started.elapsed();
        latencies.sort();
        let direct = direct_baseline(&sim, sessions, calls).await;
        // Unloaded: one session, one call at a time, through the server and direct.
        let mut alone = run_session(http.clone(), url.clone(), 200, 0, None).await.unwrap_or_default();
        alone.sort();
        // Paced: the same sessions at the target rate (HTTP_LOAD_RATE calls/s in all),
        // so latency is the server's, not a saturated queue's.
        let rate = env_usize("HTTP_LOAD_RATE", 2000) as f64;
        let pace = Duration::from_secs_f64(sessions as f64 / rate);
        let mut paced_tasks = Vec::new();
        for s in 0..sessions {
            paced_tasks.push(tokio::spawn(run_session(http.clone(), url.clone(), calls, s, Some(pace))));
        }
        let mut paced = Vec::new();
        let mut paced_errors = 0;
        for t in paced_tasks {
            match t.await {
                Ok(Ok(l)) => paced.extend(l),
                _ => paced_errors += 1,
            }
        }
        paced.sort();
        let rss = peak_rss_kib(child.id());
        let alone_direct = direct_baseline(&sim, 1, 200).await;
        let _ = child.kill();
        let _ = child.wait();
        let audit_lines = std::fs::read_to_string(&audit).map(|t| t.lines().count()).unwrap_or(0);
        let _ = std::fs::remove_file(&audit);

        let (p50, p99) = (percentile(&latencies, 0.50), percentile(&latencies, 0.99));
        let (d50, d99) = (percentile(&direct, 0.50), percentile(&direct, 0.99));
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        println!("http_load: {sessions} sessions x (initialize, tools/list, {calls} calls)");
        println!("  tool calls:       {} in {:.2} s = {:.0} calls/s (whole sessions included)", latencies.len(), wall.as_secs_f64(), latencies.len() as f64 / wall.as_secs_f64());
        println!("  errors:           {}", errors.len());
        for e in errors.iter().take(5) {
            println!("    {e}");
        }
        println!("  saturated, through server: p50 {:.2} ms, p99 {:.2} ms", ms(p50), ms(p99));
        println!("  saturated, direct to sim:  p50 {:.2} ms, p99 {:.2} ms", ms(d50), ms(d99));
        println!("  saturated, difference:    p50 {:.2} ms, p99 {:.2} ms", ms(p50) - ms(d50), ms(p99) - ms(d99));
        println!(
            "  one session alone: through server p50 {:.2} ms, p99 {:.2} ms; direct p50 {:.2} ms, p99 {:.2} ms; added p50 {:.2} ms, p99 {:.2} ms",
            ms(percentile(&alone, 0.5)),
            ms(percentile(&alone, 0.99)),
            ms(percentile(&alone_direct, 0.5)),
            ms(percentile(&alone_direct, 0.99)),
            ms(percentile(&alone, 0.5)) - ms(percentile(&alone_direct, 0.5)),
            ms(percentile(&alone, 0.99)) - ms(percentile(&alone_direct, 0.99)),
        );
        println!(
            "  paced at {rate:.0} calls/s: through server p50 {:.2} ms, p99 {:.2} ms; added over direct-alone p50 {:.2} ms, p99 {:.2} ms; errors {paced_errors}",
            ms(percentile(&paced, 0.5)),
            ms(percentile(&paced, 0.99)),
            ms(percentile(&paced, 0.5)) - ms(percentile(&alone_direct, 0.5)),
            ms(percentile(&paced, 0.99)) - ms(percentile(&alone_direct, 0.99)),
        );
        println!("  server peak RSS:  {} MiB", rss.map(|k| format!("{:.1}", k as f64 / 1024.0)).unwrap_or("?".into()));
        println!("  audit lines:      {audit_lines}");
    });
}
