//! ConnectWise failures, injected into a simulator in the test process,
//! come back through the real binary as `isError` results that carry
//! ConnectWise's message and a hint; bad arguments are refused before any
//! request is sent.

mod support;

use connectwise_mcp::sim::Simulator;
use connectwise_mcp::spec::API_ROOT;
use serde_json::{Value, json};
use std::time::Duration;
use support::bin::with_env;
use support::mcp::{Client, call, connect, json_of, list_tools, simple_read_tool, text};
use support::sim::{sim_env, start_sim};

/// A server on `sim` that also sends `structuredContent` (so that the
/// error's facts can be checked one by one), and the read tool the tests call.
async fn session(sim: &Simulator, extra_env: &[(&str, &str)]) -> (Client, String) {
    let env = with_env(sim_env(sim), &[("MCP_OUTPUT_SCHEMAS", "true")]);
    let client = connect(&[], &with_env(env, extra_env)).await;
    let tool = simple_read_tool(&list_tools(&client).await);
    (client, tool)
}

/// The module prefix (`/service`) of the last request the simulator saw.
fn last_prefix(sim: &Simulator) -> String {
    let last = sim.request_log().pop().expect("a request reached the simulator");
    let path = last
        .path_and_query
        .strip_prefix(API_ROOT)
        .unwrap_or(&last.path_and_query)
        .to_owned();
    format!(
        "/{}",
        path.trim_start_matches('/')
            .split(['/', '?'])
            .next()
            .unwrap_or_default()
    )
}

async fn failing_call(client: &Client, tool: &str) -> (String, Value) {
    let result = call(client, tool, json!({})).await.expect("a tool result");
    assert_eq!(
        result.is_error,
        Some(true),
        "{tool} should fail: {}",
        text(&result)
    );
    (text(&result), result.structured_content.unwrap_or_default())
}

#[tokio::test]
async fn a_call_returns_compact_json_text_only_unless_output_schemas_are_on() {
    let sim = start_sim().await;
    let client = connect(&[], &sim_env(&sim)).await;
    let tool = simple_read_tool(&list_tools(&client).await);
    let tools = list_tools(&client).await;
    assert!(tools.iter().all(|t| t.output_schema.is_none()));
    let result = call(&client, &tool, json!({})).await.unwrap();
    assert_eq!(
        result.structured_content, None,
        "the model would pay for the data twice"
    );
    assert!(json_of(&result).is_object());
    let failed = call(&client, &tool, json!({"page_size": 0})).await.unwrap();
    assert_eq!((failed.is_error, failed.structured_content), (Some(true), None));
}

#[tokio::test]
async fn a_call_returns_compact_json_text_and_the_same_structured_object() {
    let sim = start_sim().await;
    let (client, tool) = session(&sim, &[]).await;
    let result = call(&client, &tool, json!({})).await.unwrap();
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    let structured = result.structured_content.clone().expect("structuredContent");
    assert!(structured.is_object());
    let body = text(&result);
    assert!(!body.contains('\n'), "compact JSON");
    assert_eq!(serde_json::from_str::<Value>(&body).unwrap(), structured);
    assert!(!body.contains("\"_info\""), "_info is dropped");
}

#[tokio::test]
async fn forbidden_rate_limited_failed_and_hung_requests_become_useful_tool_errors() {
    let sim = start_sim().await;
    let (client, tool) = session(&sim, &[("CW_REQUEST_TIMEOUT_SECS", "1")]).await;
    assert_eq!(
        call(&client, &tool, json!({})).await.unwrap().is_error,
        Some(false)
    );
    let prefix = last_prefix(&sim);

    sim.faults().forbid_prefix(&prefix);
    let (text, structured) = failing_call(&client, &tool).await;
    assert!(text.contains("403") && text.contains("security role"), "{text}");
    assert_eq!(structured["error"]["status"], json!(403));
    sim.faults().clear();

    sim.faults().rate_limit(0, 1, 7);
    let (text, structured) = failing_call(&client, &tool).await;
    assert!(text.contains("429") && text.contains("retry after 7 s"), "{text}");
    assert_eq!(structured["error"]["retry_after_secs"], json!(7));

    sim.faults().server_errors(0, 1, 500);
    let (text, _) = failing_call(&client, &tool).await;
    assert!(text.contains("500") && text.contains("try again"), "{text}");

    sim.faults().hang(1);
    let (text, structured) = failing_call(&client, &tool).await;
    assert!(
        text.contains("did not answer") && text.contains("narrower query"),
        "{text}"
    );
    assert_eq!(structured["error"]["kind"], json!("timeout"));

    // And the session carries on.
    assert_eq!(
        call(&client, &tool, json!({})).await.unwrap().is_error,
        Some(false)
    );
}

#[tokio::test]
async fn a_rate_limited_read_is_retried_after_retry_after_and_succeeds() {
    let sim = start_sim().await;
    let (client, tool) = session(&sim, &[("CW_MAX_RETRIES", "2")]).await;
    sim.faults().rate_limit(0, 1, 1);
    let started = std::time::Instant::now();
    let result = call(&client, &tool, json!({})).await.unwrap();
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
    assert!(
        started.elapsed() >= Duration::from_millis(900),
        "waited for Retry-After"
    );
}

#[tokio::test]
async fn bad_arguments_are_refused_before_any_request() {
    let sim = start_sim().await;
    let (client, tool) = session(&sim, &[]).await;
    sim.clear_request_log();
    let result = call(&client, &tool, json!({"no_such_argument": 1}))
        .await
        .unwrap();
    assert_eq!(result.is_error, Some(true));
    let body = text(&result);
    assert!(
        body.contains("invalid arguments") && body.contains("no_such_argument"),
        "{body}"
    );
    assert!(sim.request_log().is_empty(), "nothing was sent");
}
