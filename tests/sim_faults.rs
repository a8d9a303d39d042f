//! Fault injection, switched on at run time.

mod support;

use serde_json::Value;
use std::time::{Duration, Instant};
use support::sim::{get, start_sim};

async fn status(sim: &connectwise_mcp::sim::Simulator, path: &str) -> u16 {
    get(sim, path).send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_after_n_requests() {
    let sim = start_sim().await;
    sim.faults().rate_limit(2, 1, 7);
    assert_eq!(status(&sim, "/service/boards").await, 200);
    assert_eq!(status(&sim, "/service/boards").await, 200);
    let response = get(&sim, "/service/boards").send().await.unwrap();
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "7");
    assert!(
        response.headers().get("api-current-version").is_none(),
        "the edge answers, not ConnectWise"
    );
    let content_type = response.headers()["content-type"].to_str().unwrap().to_string();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let body = response.text().await.unwrap();
    assert!(serde_json::from_str::<Value>(&body).is_err(), "not JSON: {body}");
    assert!(body.contains("rate limited"), "{body}");
    assert_eq!(
        status(&sim, "/service/boards").await,
        200,
        "only `count` requests are limited"
    );
}

#[tokio::test]
async fn server_errors_answer_5xx_for_the_next_k_requests() {
    let sim = start_sim().await;
    sim.faults().server_errors(0, 2, 500);
    let response = get(&sim, "/service/tickets/1").send().await.unwrap();
    assert_eq!(response.status(), 500);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "InternalServerError", "a 500 is ConnectWise's own");
    assert_eq!(status(&sim, "/service/tickets/1").await, 500);
    assert_eq!(status(&sim, "/service/tickets/1").await, 200);
}

#[tokio::test]
async fn a_503_comes_from_the_edge_as_html_with_retry_after() {
    let sim = start_sim().await;
    sim.faults().server_errors(0, 1, 503);
    let response = get(&sim, "/service/tickets/1").send().await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.headers()["retry-after"],
        connectwise_mcp::sim::server::EDGE_RETRY_AFTER_SECS.to_string()
    );
    let body = response.text().await.unwrap();
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert_eq!(status(&sim, "/service/tickets/1").await, 200);
}

#[tokio::test]
async fn latency_delays_every_response() {
    let sim = start_sim().await;
    sim.faults().set_latency(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(status(&sim, "/service/boards").await, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn a_hung_request_never_answers_so_the_client_times_out() {
    let sim = start_sim().await;
    sim.faults().hang(1);
    let result = get(&sim, "/service/boards")
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(result.unwrap_err().is_timeout());
    assert_eq!(
        status(&sim, "/service/boards").await,
        200,
        "the next request is answered"
    );
}

#[tokio::test]
async fn a_forbidden_prefix_answers_403() {
    let sim = start_sim().await;
    sim.faults().forbid_prefix("/finance");
    let response = get(&sim, "/finance/agreements").send().await.unwrap();
    assert_eq!(response.status(), 403);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"code": "Security", "message": "You do not have security permission to perform this action."})
    );
    assert_eq!(status(&sim, "/service/boards").await, 200);
}

#[tokio::test]
async fn clear_switches_every_fault_off() {
    let sim = start_sim().await;
    sim.faults().server_errors(0, 100, 503);
    sim.faults().forbid_prefix("/service");
    sim.faults().clear();
    assert_eq!(status(&sim, "/service/boards").await, 200);
}
