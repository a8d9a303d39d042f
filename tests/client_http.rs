//! The generated client and its runtime, driven against a local HTTP server
//! that records what it receives and answers what each test scripts.
//!
//! This pins the wire contract with ConnectWise: Basic auth, `clientId` and
//! `Accept` on every request, query encoding of `conditions`, the retry
//! policy, the host guard, and how each error status is read.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use connectwise_mcp::client::{ApiError, Config, ConnectWise};
use connectwise_mcp::spec::{API_ROOT, MEDIA_TYPE};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const PRIVATE_KEY: &str = "s3cr3t-private-KEY-value";

/// What the server saw of one request.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    path: String,
    query: Option<String>,
    headers: HeaderMap,
}

/// A scripted answer: status, extra headers, body, and an optional delay.
#[derive(Clone)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

fn answer(status: u16, body: &str) -> Answer {
    Answer {
        status,
        headers: Vec::new(),
        body: body.to_owned(),
        delay: Duration::ZERO,
    }
}

#[derive(Default)]
struct Script {
    answers: Mutex<VecDeque<Answer>>,
    seen: Mutex<Vec<Seen>>,
}

async fn handle(State(script): State<Arc<Script>>, request: Request) -> Response {
    script.seen.lock().unwrap().push(Seen {
        method: request.method().to_string(),
        path: request.uri().path().to_owned(),
        query: request.uri().query().map(str::to_owned),
        headers: request.headers().clone(),
    });
    let next = script
        .answers
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or_else(|| answer(200, "[]"));
    tokio::time::sleep(next.delay).await;
    let mut response = (
        StatusCode::from_u16(next.status).unwrap(),
        [("content-type", MEDIA_TYPE)],
        next.body,
    )
        .into_response();
    for (name, value) in next.headers {
        response.headers_mut().insert(name, value.parse().unwrap());
    }
    response
}

/// A server answering `answers` in order, then `[]`; and a client for it.
async fn setup(answers: Vec<Answer>, timeout_secs: u64) -> (Arc<Script>, ConnectWise) {
    let script = Arc::new(Script {
        answers: Mutex::new(answers.into()),
        ..Script::default()
    });
    let app = Router::new().fallback(handle).with_state(script.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let env = move |k: &str| {
        Some(match k {
            "CW_SITE" => format!("http://127.0.0.1:{port}"),
            "CW_COMPANY_ID" => "acme".into(),
            "CW_PUBLIC_KEY" => "pubkey".into(),
            "CW_PRIVATE_KEY" => PRIVATE_KEY.into(),
            "CW_CLIENT_ID" => "0b7c0ffe-1234-4567-89ab-0123456789ab".into(),
            "CW_REQUEST_TIMEOUT_SECS" => timeout_secs.to_string(),
            "CW_MAX_RETRIES" => "2".into(),
            "CW_MAX_RETRY_AFTER_SECS" => "5".into(),
            _ => return None,
        })
    };
    let config = Config::from_sources(env, None).unwrap();
    (script, ConnectWise::new(&config).unwrap())
}

fn seen(script: &Script) -> Vec<Seen> {
    script.seen.lock().unwrap().clone()
}

async fn list_tickets(cw: &ConnectWise, conditions: &str) -> Result<Vec<serde_json::Value>, ApiError> {
    let tickets = cw
        .read(cw.api().get_service_tickets(
            None,
            Some(conditions),
            None,
            Some("id,summary"),
            None,
            None,
            None,
            Some(5),
        ))
        .await?;
    Ok(tickets.as_array().cloned().unwrap_or_default())
}

#[tokio::test]
async fn every_request_carries_basic_auth_client_id_and_the_versioned_accept() {
    let (script, cw) = setup(
        vec![answer(200, r#"[{"id": 7, "summary": "Printer offline"}]"#)],
        5,
    )
    .await;
    let tickets = list_tickets(&cw, "status/name=\"New\"").await.unwrap();
    assert_eq!(
        tickets,
        vec![serde_json::json!({"id": 7, "summary": "Printer offline"})]
    );

    let request = &seen(&script)[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, format!("{API_ROOT}/service/tickets"));
    let expected_auth = format!(
        "Basic {}",
        base64_encode(format!("acme+pubkey:{PRIVATE_KEY}").as_bytes())
    );
    assert_eq!(request.headers["authorization"], expected_auth.as_str());
    assert_eq!(
        request.headers["clientid"],
        "0b7c0ffe-1234-4567-89ab-0123456789ab"
    );
    // The one place the literal is spelled out: the 2022.1 spec's media type
    // (`spec::MEDIA_TYPE`) is what goes on the wire.
    assert_eq!(
        request.headers["accept"],
        "application/vnd.connectwise.com+json; version=2022.1"
    );
    assert!(
        request.headers.get("api-version").is_none(),
        "progenitor's header is dropped"
    );
}

#[tokio::test]
async fn conditions_are_query_encoded_and_arrive_intact() {
    let (script, cw) = setup(vec![], 5).await;
    let condition = r#"company/name="Smith & Sons \"Ltd\"" and summary like "50%+off#1" and dateEntered > [2024-01-01T00:00:00Z]"#;
    list_tickets(&cw, condition).await.unwrap();

    let query = seen(&script)[0].query.clone().unwrap();
    assert!(
        !query.contains(' ') && !query.contains('"'),
        "raw query is encoded: {query}"
    );
    assert!(
        query.contains("%26"),
        "& inside a value must not split the query: {query}"
    );
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert!(
        pairs.contains(&("conditions".into(), condition.into())),
        "{pairs:?}"
    );
    assert!(pairs.contains(&("fields".into(), "id,summary".into())));
    assert!(pairs.contains(&("pageSize".into(), "5".into())));
}

#[tokio::test]
async fn a_400_is_read_into_code_message_and_field_errors() {
    let body = r#"{"code":"InvalidObject","message":"The ticket object is invalid.","errors":[{"code":"NullOrEmpty","message":"Summary is required.","resource":"ticket","field":"summary"}]}"#;
    let (_, cw) = setup(vec![answer(400, body)], 5).await;
    let ApiError::Response(e) = list_tickets(&cw, "id=1").await.unwrap_err() else {
        panic!("expected a response error")
    };
    assert_eq!((e.status, e.code.as_deref()), (400, Some("InvalidObject")));
    assert_eq!(e.message, "The ticket object is invalid.");
    assert_eq!(e.errors[0].field.as_deref(), Some("summary"));
    assert_eq!(e.errors[0].message, "Summary is required.");
}

#[tokio::test]
async fn auth_permission_and_missing_record_errors_keep_connectwise_message() {
    for (status, code, message) in [
        (401, "Unauthorized", "Authentication failed"),
        (403, "Forbidden", "You do not have access to service tickets."),
        (404, "NotFound", "Ticket 999 not found"),
    ] {
        let body = format!(r#"{{"code":"{code}","message":"{message}"}}"#);
        let (script, cw) = setup(vec![answer(status, &body)], 5).await;
        let err = list_tickets(&cw, "id=1").await.unwrap_err();
        assert_eq!(err.status(), Some(status));
        assert_eq!(
            err.to_string(),
            format!("ConnectWise answered {status} {code}: {message}")
        );
        assert_eq!(seen(&script).len(), 1, "a {status} is not retried");
    }
}

#[tokio::test]
async fn a_429_is_retried_after_the_delay_connectwise_asks_for() {
    let mut limited = answer(
        429,
        r#"{"code":"TooManyRequests","message":"Rate limit exceeded"}"#,
    );
    limited.headers.push(("retry-after", "1".into()));
    let (script, cw) = setup(vec![limited, answer(200, r#"[{"id": 1}]"#)], 5).await;
    let started = std::time::Instant::now();
    let tickets = list_tickets(&cw, "id=1").await.unwrap();
    assert_eq!(tickets.len(), 1);
    assert_eq!(seen(&script).len(), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_429_asking_for_too_long_is_returned_with_its_retry_after() {
    let mut limited = answer(
        429,
        r#"{"code":"TooManyRequests","message":"Rate limit exceeded"}"#,
    );
    limited.headers.push(("retry-after", "120".into()));
    let (script, cw) = setup(vec![limited], 5).await;
    let ApiError::Response(e) = list_tickets(&cw, "id=1").await.unwrap_err() else {
        panic!("expected a response error")
    };
    assert_eq!((e.status, e.retry_after_secs), (429, Some(120)));
    assert_eq!(
        seen(&script).len(),
        1,
        "not waited for: longer than CW_MAX_RETRY_AFTER_SECS"
    );
}

#[tokio::test]
async fn a_429_from_the_edge_as_html_reads_as_a_clear_error_with_its_retry_after() {
    // The edge in front of ConnectWise rate-limits with an HTML page, not ConnectWise JSON.
    let page = "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>Error 1015: You are being rate limited</title></head>\n<body><h1>Error 1015</h1><p>You are being rate limited.</p></body>\n</html>\n";
    let mut limited = answer(429, page);
    limited.headers.push(("retry-after", "120".into()));
    limited
        .headers
        .push(("content-type", "text/html; charset=UTF-8".into()));
    let (script, cw) = setup(vec![limited], 5).await;
    let ApiError::Response(e) = list_tickets(&cw, "id=1").await.unwrap_err() else {
        panic!("expected a response error, not a decode failure")
    };
    assert_eq!((e.status, e.retry_after_secs), (429, Some(120)));
    assert_eq!(
        e.message,
        "Too Many Requests: Error 1015: You are being rate limited"
    );
    assert_eq!(seen(&script).len(), 1);
}

#[tokio::test]
async fn a_429_from_the_edge_is_retried_after_its_delay_like_any_other() {
    let mut limited = answer(
        429,
        "<html><head><title>429 Too Many Requests</title></head></html>",
    );
    limited.headers.push(("retry-after", "1".into()));
    let (script, cw) = setup(vec![limited, answer(200, r#"[{"id": 1}]"#)], 5).await;
    assert_eq!(list_tickets(&cw, "id=1").await.unwrap().len(), 1);
    assert_eq!(seen(&script).len(), 2);
}

#[tokio::test]
async fn a_500_on_a_read_is_retried_then_reported() {
    let failing = answer(
        500,
        r#"{"code":"InternalServerError","message":"An error occurred"}"#,
    );
    let (script, cw) = setup(vec![failing.clone(), failing.clone(), failing], 5).await;
    let err = list_tickets(&cw, "id=1").await.unwrap_err();
    assert_eq!(err.status(), Some(500));
    assert_eq!(seen(&script).len(), 3, "one try and CW_MAX_RETRIES=2 retries");
}

#[tokio::test]
async fn a_500_on_a_write_is_never_retried() {
    let failing = answer(
        500,
        r#"{"code":"InternalServerError","message":"An error occurred"}"#,
    );
    let (script, cw) = setup(vec![failing.clone(), failing], 5).await;
    let note = connectwise_mcp::client::generated::types::ServiceNote {
        text: Some("Called the customer".into()),
        internal_analysis_flag: Some(true),
        ..Default::default()
    };
    let result = cw
        .read(cw.api().post_service_tickets_by_parent_id_notes(42, &note))
        .await;
    assert_eq!(result.unwrap_err().status(), Some(500));
    let seen = seen(&script);
    assert_eq!(seen.len(), 1, "a write that may have landed is not repeated");
    assert_eq!(seen[0].path, format!("{API_ROOT}/service/tickets/42/notes"));
}

#[tokio::test]
async fn a_read_that_times_out_is_retried_then_reported_as_a_timeout() {
    let mut slow = answer(200, "[]");
    slow.delay = Duration::from_secs(3);
    let (script, cw) = setup(vec![slow.clone(), slow.clone(), slow], 1).await;
    let err = list_tickets(&cw, "id=1").await.unwrap_err();
    assert!(matches!(err, ApiError::Timeout(_)), "{err:?}");
    assert_eq!(err.to_string(), "ConnectWise did not answer within 1 s");
    assert_eq!(seen(&script).len(), 3);
}

#[tokio::test]
async fn requests_outside_the_configured_site_are_refused_before_sending() {
    let (script, cw) = setup(vec![], 5).await;
    let transport = cw.transport();
    for url in [
        &format!("http://evil.example.com{API_ROOT}/service/tickets"),
        &format!("https://127.0.0.1{API_ROOT}/service/tickets"),
        &format!("{}../../admin", transport.base_url()),
        &format!("{}", transport.base_url()).replace(&format!("{API_ROOT}/"), "/other/"),
    ] {
        let request = transport.http().get(url).build().unwrap();
        let err = transport.execute(request).await.unwrap_err();
        assert!(matches!(err, ApiError::Refused(_)), "{url}: {err:?}");
    }
    assert!(seen(&script).is_empty(), "nothing left the process");
}

#[tokio::test]
async fn the_private_key_never_appears_in_debug_errors_or_logs() {
    let logs = LogBuffer::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let unauthorized = answer(
        401,
        r#"{"code":"Unauthorized","message":"Authentication failed"}"#,
    );
    let busy = answer(503, "busy");
    let (_, cw) = setup(vec![busy, unauthorized], 5).await;
    let err = list_tickets(&cw, "id=1").await.unwrap_err();

    let shown = format!("{cw:?} {err:?} {err} {:?}", cw.transport());
    let logged = logs.text();
    assert!(
        logged.contains("retrying ConnectWise request"),
        "the retry was logged: {logged}"
    );
    for text in [&shown, &logged] {
        assert!(!text.contains(PRIVATE_KEY), "{text}");
        assert!(!text.contains(&base64_encode(format!("acme+pubkey:{PRIVATE_KEY}").as_bytes())));
    }
}

/// Collects tracing output for assertions.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

fn base64_encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn a_record_the_spec_did_not_promise_is_read_as_sent() {
    // A real-shaped company: `null` where the spec promises a string, an
    // enum value it does not list, an extra field, odd key casing, and an
    // object where it promises a list. The typed decode would fail on the
    // first of these; the read does not, and nothing is dropped.
    let company = r#"{"id": 19, "identifier": "ACME", "name": null, "Status": {"id": 1, "name": "Active"},
        "market": {"id": 3, "name": "Manufacturing"}, "billingTerms": {"id": 1, "name": "Net 30"},
        "invoiceDeliveryMethod": {"id": 1, "name": "Carrier Pigeon"}, "types": {"id": 1, "name": "Client"},
        "somethingNew": {"x": [1, 2]}}"#;
    let (_script, cw) = setup(vec![answer(200, company)], 5).await;
    let value = cw
        .read(
            cw.api()
                .get_company_companies_by_id(19, None, None, None, None, None, None, None, None),
        )
        .await
        .expect("a read survives shapes the spec did not promise");
    let sent: serde_json::Value = serde_json::from_str(company).unwrap();
    assert_eq!(value, sent);
}

#[tokio::test]
async fn an_answer_that_is_not_json_is_a_clear_error() {
    let (_script, cw) = setup(vec![answer(200, "<html>maintenance</html>")], 5).await;
    let err = list_tickets(&cw, "id > 0").await.unwrap_err();
    assert!(matches!(err, ApiError::Decode(_)), "{err:?}");
    assert!(
        err.to_string().contains("not JSON") && err.to_string().contains("maintenance"),
        "{err}"
    );
}
