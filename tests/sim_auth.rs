//! Authentication: HTTP Basic `{companyId}+{publicKey}:{privateKey}` and the
//! `clientId` header.

mod support;

use connectwise_mcp::sim::errors::{CLIENT_ID_REQUIRED_MESSAGE, CLIENT_ID_UNKNOWN_MESSAGE};
use connectwise_mcp::sim::{DEMO_CLIENT_ID, DEMO_COMPANY_ID, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY};
use connectwise_mcp::spec::API_ROOT;
use serde_json::Value;
use support::sim::{bare_get, get, start_sim};

async fn status_and_body(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_configured_credentials_are_accepted() {
    let sim = start_sim().await;
    let response = get(&sim, "/service/boards").send().await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_wrong_private_key_is_a_401() {
    let sim = start_sim().await;
    let response = bare_get(&sim, "/service/boards")
        .basic_auth(format!("{DEMO_COMPANY_ID}+{DEMO_PUBLIC_KEY}"), Some("wrong"))
        .header("clientId", DEMO_CLIENT_ID)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_body(response).await;
    assert_eq!(status, 401);
    assert_eq!(
        body,
        serde_json::json!({"code": "ConnectWiseApi", "message": "UserNotAuthenticated"})
    );
}

#[tokio::test]
async fn a_wrong_company_id_is_a_401() {
    let sim = start_sim().await;
    let response = bare_get(&sim, "/service/boards")
        .basic_auth(format!("othercompany+{DEMO_PUBLIC_KEY}"), Some(DEMO_PRIVATE_KEY))
        .header("clientId", DEMO_CLIENT_ID)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn a_request_without_basic_auth_is_a_401() {
    let sim = start_sim().await;
    let response = bare_get(&sim, "/service/boards")
        .header("clientId", DEMO_CLIENT_ID)
        .send()
        .await
        .unwrap();
    let (status, body) = status_and_body(response).await;
    assert_eq!(status, 401);
    assert_eq!(body["code"], "Unauthorized");
}

#[tokio::test]
async fn a_request_without_client_id_is_a_400_naming_it() {
    let sim = start_sim().await;
    for keys in [Some(DEMO_PRIVATE_KEY), Some("wrong"), None] {
        let mut request = bare_get(&sim, "/service/boards");
        if let Some(private) = keys {
            request = request.basic_auth(format!("{DEMO_COMPANY_ID}+{DEMO_PUBLIC_KEY}"), Some(private));
        }
        let (status, body) = status_and_body(request.send().await.unwrap()).await;
        assert_eq!(status, 400, "clientId is checked before the keys");
        assert_eq!(body["message"], CLIENT_ID_REQUIRED_MESSAGE);
        assert_eq!(body["errors"][0]["field"], "clientId");
    }
    assert!(CLIENT_ID_REQUIRED_MESSAGE.starts_with("clientId is required"));
}

#[tokio::test]
async fn an_unregistered_client_id_is_a_400_naming_it() {
    let sim = start_sim().await;
    let request = bare_get(&sim, "/service/boards")
        .basic_auth(
            format!("{DEMO_COMPANY_ID}+{DEMO_PUBLIC_KEY}"),
            Some(DEMO_PRIVATE_KEY),
        )
        .header("clientId", "11111111-2222-3333-4444-555555555555");
    let (status, body) = status_and_body(request.send().await.unwrap()).await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], CLIENT_ID_UNKNOWN_MESSAGE);
    assert_eq!(body["errors"][0]["field"], "clientId");
    // The registered one, in any case, is accepted.
    let request = bare_get(&sim, "/service/boards")
        .basic_auth(
            format!("{DEMO_COMPANY_ID}+{DEMO_PUBLIC_KEY}"),
            Some(DEMO_PRIVATE_KEY),
        )
        .header("clientId", DEMO_CLIENT_ID.to_uppercase());
    assert_eq!(request.send().await.unwrap().status(), 200);
}

#[tokio::test]
async fn the_request_log_keeps_headers_but_not_authorization() {
    let sim = start_sim().await;
    get(&sim, "/service/boards")
        .query(&[("pageSize", "2")])
        .send()
        .await
        .unwrap();
    let log = sim.request_log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].method, "GET");
    assert_eq!(
        log[0].path_and_query,
        format!("{API_ROOT}/service/boards?pageSize=2")
    );
    assert_eq!(log[0].header("clientid"), Some(DEMO_CLIENT_ID));
    assert!(log[0].header("authorization").is_none());
}
