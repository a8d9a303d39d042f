//! The process's metrics, for `/metrics` (OpenMetrics / Prometheus text).
//!
//! One registry per process, counted always (an atomic add each) and served
//! only when `--metrics` is set. The layers that see each event record it
//! here: the client ConnectWise's answers, retries and 429 waits, the MCP
//! handler tool calls and their latency, the HTTP deployment its sessions,
//! the store its errors. Labels are bounded: tool names come from the
//! registry, statuses are HTTP codes.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::sync::OnceLock;

/// The media type of [`render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolOutcome {
    tool: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ToolName {
    tool: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Status {
    status: String,
}

type Latency = Family<ToolName, Histogram, fn() -> Histogram>;

struct Metrics {
    registry: Registry,
    tool_calls: Family<ToolOutcome, Counter>,
    tool_seconds: Latency,
    cw_responses: Family<Status, Counter>,
    cw_retries: Counter,
    cw_rate_limit_waits: Counter,
    active_sessions: Gauge,
    store_errors: Counter,
}

/// 5 ms to ~80 s, doubling.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 15))
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(|| {
        let mut registry = Registry::with_prefix("connectwise_mcp");
        let m = Metrics {
            tool_calls: Family::default(),
            tool_seconds: Family::new_with_constructor(latency_histogram as fn() -> Histogram),
            cw_responses: Family::default(),
            cw_retries: Counter::default(),
            cw_rate_limit_waits: Counter::default(),
            active_sessions: Gauge::default(),
            store_errors: Counter::default(),
            registry: Registry::default(),
        };
        registry.register(
            "tool_calls",
            "Tool calls by tool and outcome (ok, denied, invalid_arguments, failed)",
            m.tool_calls.clone(),
        );
        registry.register(
            "tool_call_seconds",
            "How long tool calls took, by tool",
            m.tool_seconds.clone(),
        );
        registry.register(
            "connectwise_responses",
            "Responses from ConnectWise by HTTP status (every attempt, retries included)",
            m.cw_responses.clone(),
        );
        registry.register(
            "connectwise_retries",
            "Requests to ConnectWise sent again (429, 5xx on reads, connection failures)",
            m.cw_retries.clone(),
        );
        registry.register(
            "connectwise_rate_limit_waits",
            "Waits after ConnectWise answered 429 Too Many Requests",
            m.cw_rate_limit_waits.clone(),
        );
        registry.register(
            "active_sessions",
            "MCP sessions open over HTTP",
            m.active_sessions.clone(),
        );
        registry.register(
            "store_errors",
            "Operations of the local store that failed",
            m.store_errors.clone(),
        );
        Metrics { registry, ..m }
    })
}

/// A tool call ended with `outcome` after `seconds`.
pub fn tool_call(tool: &str, outcome: &str, seconds: f64) {
    let m = metrics();
    m.tool_calls
        .get_or_create(&ToolOutcome {
            tool: tool.to_owned(),
            outcome: outcome.to_owned(),
        })
        .inc();
    m.tool_seconds
        .get_or_create(&ToolName {
            tool: tool.to_owned(),
        })
        .observe(seconds);
}

/// ConnectWise answered with `status`.
pub fn connectwise_response(status: u16) {
    metrics()
        .cw_responses
        .get_or_create(&Status {
            status: status.to_string(),
        })
        .inc();
}

/// A request to ConnectWise is sent again; `rate_limited`: after a 429.
pub fn connectwise_retry(rate_limited: bool) {
    let m = metrics();
    m.cw_retries.inc();
    if rate_limited {
        m.cw_rate_limit_waits.inc();
    }
}

pub fn session_opened() {
    metrics().active_sessions.inc();
}

pub fn session_closed() {
    metrics().active_sessions.dec();
}

pub fn store_error() {
    metrics().store_errors.inc();
}

/// Every metric, in the OpenMetrics text format.
pub fn render() -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = prometheus_client::encoding::text::encode(&mut out, &metrics().registry);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_events_show_in_the_text() {
        tool_call("cw_test_tool", "ok", 0.02);
        connectwise_response(429);
        connectwise_retry(true);
        let text = render();
        assert!(
            text.contains(r#"connectwise_mcp_tool_calls_total{tool="cw_test_tool",outcome="ok"}"#),
            "{text}"
        );
        assert!(text.contains(r#"connectwise_mcp_connectwise_responses_total{status="429"}"#));
        assert!(text.contains("connectwise_mcp_connectwise_rate_limit_waits_total"));
        assert!(text.contains("# TYPE connectwise_mcp_tool_call_seconds histogram"));
        assert!(text.ends_with("# EOF\n"));
    }
}
