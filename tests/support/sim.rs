//! The simulated tenant, started in the test process, and requests to it.

use super::bin::{Env, with_env};
use connectwise_mcp::sim::{
    DEMO_CLIENT_ID, DEMO_COMPANY_ID, DEMO_MEMBER_IDENTIFIER, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, SimOptions,
    Simulator,
};
use connectwise_mcp::spec::MEDIA_TYPE;
use serde_json::Value;

/// The demo tenant with its default seed.
pub async fn start_sim() -> Simulator {
    Simulator::start(SimOptions::default()).await
}

/// The settings of a server talking to `sim` with the demo keys; no retries
/// and a 2 s timeout, so that injected faults come back at once.
pub fn sim_env(sim: &Simulator) -> Env {
    let site = sim.site();
    with_env(
        Vec::new(),
        &[
            ("CW_SITE", site.as_str()),
            ("CW_COMPANY_ID", DEMO_COMPANY_ID),
            ("CW_PUBLIC_KEY", DEMO_PUBLIC_KEY),
            ("CW_PRIVATE_KEY", DEMO_PRIVATE_KEY),
            ("CW_CLIENT_ID", DEMO_CLIENT_ID),
            ("CW_MEMBER_IDENTIFIER", DEMO_MEMBER_IDENTIFIER),
            ("CW_MAX_RETRIES", "0"),
            ("CW_REQUEST_TIMEOUT_SECS", "2"),
        ],
    )
}

/// A request as an integration sends it: the demo keys, the clientId and
/// the versioned `Accept`. `path` is below the API root.
pub fn request(sim: &Simulator, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    connectwise_mcp::client::tls::client()
        .request(method, format!("{}{path}", sim.base_url()))
        .basic_auth(
            format!("{DEMO_COMPANY_ID}+{DEMO_PUBLIC_KEY}"),
            Some(DEMO_PRIVATE_KEY),
        )
        .header("clientId", DEMO_CLIENT_ID)
        .header("Accept", MEDIA_TYPE)
}

pub fn get(sim: &Simulator, path: &str) -> reqwest::RequestBuilder {
    request(sim, reqwest::Method::GET, path)
}

/// A GET that carries nothing: no keys, no clientId. Tests of
/// authentication add what they check.
pub fn bare_get(sim: &Simulator, path: &str) -> reqwest::RequestBuilder {
    connectwise_mcp::client::tls::client().get(format!("{}{path}", sim.base_url()))
}

/// GETs `path` with `query` pairs; returns status, Link header and JSON body.
pub async fn list(sim: &Simulator, path: &str, query: &[(&str, &str)]) -> (u16, Option<String>, Value) {
    let response = get(sim, path).query(query).send().await.expect("request");
    let status = response.status().as_u16();
    let link = response
        .headers()
        .get("link")
        .map(|v| v.to_str().unwrap().to_string());
    let body = response.json().await.unwrap_or(Value::Null);
    (status, link, body)
}

/// Sends `body` as JSON; returns status and JSON body (`null` if none).
pub async fn send_json(sim: &Simulator, method: reqwest::Method, path: &str, body: &Value) -> (u16, Value) {
    let response = request(sim, method, path)
        .json(body)
        .send()
        .await
        .expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The ids of a list of records.
pub fn ids(body: &Value) -> Vec<i64> {
    body.as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| r["id"].as_i64().expect("an id"))
        .collect()
}
