//! Shared helpers for the simulator's fidelity tests.
#![allow(dead_code)]

use connectwise_mcp::sim::{
    DEMO_CLIENT_ID, DEMO_COMPANY_ID, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, SimOptions, Simulator,
};
use serde_json::Value;

pub async fn start() -> Simulator {
    Simulator::start(SimOptions::default()).await
}

/// A client sending the demo credentials and clientId, as a real integration would.
pub fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// A request with the demo credentials and clientId.
pub fn request(sim: &Simulator, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
    client()
        .request(method, format!("{}{path}", sim.base_url()))
        .basic_auth(
            format!("{DEMO_COMPANY_ID}+{DEMO_PUBLIC_KEY}"),
            Some(DEMO_PRIVATE_KEY),
        )
        .header("clientId", DEMO_CLIENT_ID)
        .header("Accept", connectwise_mcp::spec::MEDIA_TYPE)
}

pub fn get(sim: &Simulator, path: &str) -> reqwest::RequestBuilder {
    request(sim, reqwest::Method::GET, path)
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

pub fn ids(body: &Value) -> Vec<i64> {
    body.as_array()
        .expect("a JSON array")
        .iter()
        .map(|r| r["id"].as_i64().expect("an id"))
        .collect()
}
