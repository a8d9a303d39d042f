//! `/metrics` over real HTTP: served only with `--metrics`, behind the role
//! tokens like `/mcp`, read with a parser of Prometheus' text format, and
//! its counters move with traffic (tool calls, ConnectWise responses,
//! latency, sessions).

mod support;

use prometheus_parse::{Sample, Scrape, Value as Metric};
use serde_json::json;
use support::bin::with_env;
use support::http::*;
use support::mcp::call;
use support::sim::{sim_env, start_sim};

/// `/metrics` as the viewer reads it, parsed.
async fn scrape(server: &Server) -> Vec<Sample> {
    let r = server.get("/metrics", Some(VIEWER)).await;
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
        "{:?}",
        r.headers()
    );
    let text = r.text().await.unwrap();
    Scrape::parse(text.lines().map(|l| Ok(l.to_owned())))
        .unwrap_or_else(|e| panic!("not Prometheus text ({e}): {text}"))
        .samples
}

/// The value of the sample `name` whose labels include `labels`; 0 if none.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    samples
        .iter()
        .filter(|s| s.metric == name)
        .find(|s| labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))
        .map(|s| match &s.value {
            Metric::Counter(v) | Metric::Gauge(v) | Metric::Untyped(v) => *v,
            Metric::Histogram(buckets) => buckets.last().map(|b| b.count).unwrap_or(0.0),
            Metric::Summary(_) => panic!("{name} is a summary"),
        })
        .unwrap_or(0.0)
}

#[tokio::test]
async fn metrics_need_a_token_parse_and_move_with_traffic() {
    let sim = start_sim().await;
    let mut env = sim_env(&sim);
    env.extend(token_env());
    // One retry, so that a 429 is waited out and counted.
    let env = with_env(env, &[("MCP_AUDIT", "off"), ("CW_MAX_RETRIES", "1")]);
    let server = Server::start(&[], &["--metrics"], &env);

    let anonymous = server.get("/metrics", None).await;
    assert_eq!(anonymous.status(), 401);
    let wrong = server.get("/metrics", Some("not-a-token-at-all")).await;
    assert_eq!(wrong.status(), 401);

    let before = scrape(&server).await;
    let tool = [("tool", "cw_search_tickets"), ("outcome", "ok")];
    let calls = "connectwise_mcp_tool_calls_total";
    let responses = "connectwise_mcp_connectwise_responses_total";
    let client = server.connect(Some(VIEWER), &[]).await.unwrap();
    // The first call's request is answered 429 (`Retry-After: 0`), then retried.
    sim.faults().rate_limit(0, 1, 0);
    for _ in 0..3 {
        let r = call(&client, "cw_search_tickets", json!({"page_size": 2}))
            .await
            .unwrap();
        assert_ne!(r.is_error, Some(true), "{r:?}");
    }
    // A denied call is counted under its own outcome.
    let denied = call(&client, "cw_add_ticket_note", json!({})).await;
    assert!(denied.is_err());

    let after = scrape(&server).await;
    assert_eq!(value(&after, calls, &tool) - value(&before, calls, &tool), 3.0);
    assert!(
        value(
            &after,
            calls,
            &[("tool", "cw_add_ticket_note"), ("outcome", "denied")]
        ) >= 1.0,
        "{after:?}"
    );
    assert!(
        value(&after, responses, &[("status", "200")]) - value(&before, responses, &[("status", "200")])
            >= 3.0
    );
    assert!(
        value(
            &after,
            "connectwise_mcp_tool_call_seconds_count",
            &[("tool", "cw_search_tickets")]
        ) >= 3.0,
        "{after:?}"
    );
    assert!(value(&after, "connectwise_mcp_active_sessions", &[]) >= 1.0);
    let moved =
        |name: &str, labels: &[(&str, &str)]| value(&after, name, labels) - value(&before, name, labels);
    assert_eq!(moved(responses, &[("status", "429")]), 1.0);
    assert_eq!(
        moved("connectwise_mcp_connectwise_rate_limit_waits_total", &[]),
        1.0
    );
    assert_eq!(moved("connectwise_mcp_connectwise_retries_total", &[]), 1.0);
    let store_errors = "connectwise_mcp_store_errors_total";
    assert!(
        after.iter().any(|s| s.metric == store_errors),
        "{store_errors} missing: {after:?}"
    );
}

#[tokio::test]
async fn without_the_flag_there_are_no_metrics() {
    let sim = start_sim().await;
    let mut env = sim_env(&sim);
    env.extend(token_env());
    let server = Server::start(&[], &[], &with_env(env, &[("MCP_AUDIT", "off")]));
    let r = server.get("/metrics", Some(VIEWER)).await;
    assert_eq!(r.status(), 404);
}
