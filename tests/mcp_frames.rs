//! Bad frames at the real binary, over stdio and streamable HTTP: each is
//! answered with an error a client can match (the right code, the request's
//! `id`), or ignored as JSON-RPC and MCP allow; the server never exits, and
//! the same session answers a tool call afterwards. Then random and mutated
//! frames (proptest) with a ping after each batch.

mod support;

use proptest::prelude::*;
use serde_json::{Value, json};
use std::sync::{Mutex, OnceLock};
use support::http::{Server, initialize_body, post_mcp};
use support::raw::RawStdio;

/// The frame limit the test servers get (`--max-body-bytes`), small so that
/// an oversized frame is cheap to send.
const LIMIT: usize = 64 * 1024;
const LIMIT_ARG: &str = "65536";

/// What a bad frame gets.
#[derive(Debug, Clone)]
enum Expect {
    /// A JSON-RPC error with this code and id.
    Answer(i64, Value),
    /// Nothing on stdio; this HTTP status over HTTP.
    Ignored(u16),
}
use Expect::{Answer, Ignored};

fn frame(message: Value) -> Vec<u8> {
    message.to_string().into_bytes()
}

/// Every malformed frame, by name.
fn corpus() -> Vec<(&'static str, Vec<u8>, Expect)> {
    let deep = format!(
        r#"{{"jsonrpc":"2.0","id":110,"method":"tools/call","params":{{"name":"cw_search_tickets","arguments":{{"conditions":{}{}}}}}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let huge = format!(
        r#"{{"jsonrpc":"2.0","id":111,"method":"tools/call","params":{{"name":"cw_search_tickets","arguments":{{"conditions":"{}"}}}}}}"#,
        "x".repeat(LIMIT * 3)
    );
    let null = Value::Null;
    vec![
        (
            "invalid JSON",
            br#"{"jsonrpc":"2.0","id":1,"#.to_vec(),
            Answer(-32700, null.clone()),
        ),
        (
            "not UTF-8",
            vec![0xff, 0xfe, b'{', b'}'],
            Answer(-32700, null.clone()),
        ),
        (
            "jsonrpc 1.0",
            frame(json!({"jsonrpc": "1.0", "id": 101, "method": "ping"})),
            Answer(-32600, json!(101)),
        ),
        (
            "no jsonrpc",
            frame(json!({"id": 102, "method": "tools/list"})),
            Answer(-32600, json!(102)),
        ),
        (
            "numeric method",
            frame(json!({"jsonrpc": "2.0", "id": 103, "method": 7})),
            Answer(-32600, json!(103)),
        ),
        (
            "array params",
            frame(json!({"jsonrpc": "2.0", "id": "p104", "method": "tools/list", "params": [1, 2]})),
            Answer(-32600, json!("p104")),
        ),
        (
            "string params",
            frame(
                json!({"jsonrpc": "2.0", "id": 105, "method": "tools/call", "params": "cw_search_tickets"}),
            ),
            Answer(-32600, json!(105)),
        ),
        (
            "fractional id",
            frame(json!({"jsonrpc": "2.0", "id": 1.5, "method": "ping"})),
            Answer(-32600, null.clone()),
        ),
        (
            "object id",
            frame(json!({"jsonrpc": "2.0", "id": {"a": 1}, "method": "ping"})),
            Answer(-32600, null.clone()),
        ),
        (
            "a batch",
            frame(json!([{"jsonrpc": "2.0", "id": 1, "method": "ping"}])),
            Answer(-32600, null.clone()),
        ),
        ("a bare number", b"42".to_vec(), Answer(-32600, null.clone())),
        (
            "neither method nor result",
            frame(json!({"jsonrpc": "2.0", "id": 106})),
            Answer(-32600, json!(106)),
        ),
        (
            "tools/call arguments an array",
            frame(
                json!({"jsonrpc": "2.0", "id": 107, "method": "tools/call", "params": {"name": "cw_get_ticket", "arguments": [8]}}),
            ),
            Answer(-32602, json!(107)),
        ),
        (
            "tools/call arguments a string",
            frame(
                json!({"jsonrpc": "2.0", "id": 108, "method": "tools/call", "params": {"name": "cw_get_ticket", "arguments": "{\"id\":8}"}}),
            ),
            Answer(-32602, json!(108)),
        ),
        (
            "tools/call without a name",
            frame(json!({"jsonrpc": "2.0", "id": 109, "method": "tools/call", "params": {"arguments": {}}})),
            Answer(-32602, json!(109)),
        ),
        (
            "an argument nested 10,000 arrays deep",
            deep.into_bytes(),
            Answer(-32600, json!(110)),
        ),
        (
            "a frame three times the limit",
            huge.into_bytes(),
            Answer(-32600, json!(111)),
        ),
        (
            "a notification with jsonrpc 1.0",
            frame(json!({"jsonrpc": "1.0", "method": "notifications/initialized"})),
            Answer(-32600, null.clone()),
        ),
        ("an empty line", Vec::new(), Ignored(400)),
        (
            "a response of the wrong shape",
            frame(json!({"id": 5, "result": 1})),
            Ignored(400),
        ),
        (
            "an unknown notification",
            frame(json!({"jsonrpc": "2.0", "method": "notifications/nonsense", "params": {}})),
            Ignored(202),
        ),
        (
            "a cancel of nothing",
            frame(
                json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 999}}),
            ),
            Ignored(202),
        ),
    ]
}

fn demo_stdio() -> RawStdio {
    RawStdio::start(&["--demo", "serve", "--max-body-bytes", LIMIT_ARG], &[])
}

fn search_call(id: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
        "params": {"name": "cw_search_tickets", "arguments": {"page_size": 1}}})
}

#[test]
fn stdio_answers_every_bad_frame_and_keeps_the_session() {
    let mut server = demo_stdio();
    // Before initialize: a notification or a response is ignored (rmcp
    // would end the session on either: the process exited 1).
    server.send_json(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
    server.send_json(&json!({"jsonrpc": "2.0", "id": 3, "result": {}}));
    server.send(b"{oops");
    let (answer, others) = server.answer_to(&Value::Null);
    assert_eq!(
        (answer["error"]["code"].clone(), others.len()),
        (json!(-32700), 0),
        "{answer}"
    );
    assert!(server.ping().is_empty());
    let init = server.initialize();
    assert_eq!(init["result"]["serverInfo"]["name"], "connectwise-mcp", "{init}");

    for (name, bytes, expect) in corpus() {
        server.send(&bytes);
        if let Answer(code, id) = &expect {
            let (answer, others) = server.answer_to(id);
            assert_eq!(answer["error"]["code"], json!(code), "{name}: {answer}");
            assert!(others.is_empty(), "{name}: unexpected lines {others:?}");
            assert!(
                answer["error"]["message"].as_str().is_some_and(|m| m.len() > 20),
                "{name}: {answer}"
            );
        }
        let stray = server.ping();
        assert!(stray.is_empty(), "{name}: unexpected lines {stray:?}");
        assert_eq!(server.exited(), None, "{name}: the server exited");
    }
    // A method nobody serves is rmcp's to answer, with its id.
    server.send_json(&json!({"jsonrpc": "2.0", "id": "nosuch", "method": "no/such/method"}));
    let (answer, _) = server.answer_to(&json!("nosuch"));
    assert_eq!(answer["error"]["code"], json!(-32601), "{answer}");

    server.send_json(&search_call("after"));
    let (answer, _) = server.answer_to(&json!("after"));
    assert_eq!(answer["result"]["isError"], json!(false), "{answer}");
}

#[test]
fn stdio_says_which_argument_shape_is_wrong() {
    let mut server = demo_stdio();
    server.initialize();
    server.send_json(&json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "cw_get_ticket", "arguments": [8]}}));
    let (answer, _) = server.answer_to(&json!(1));
    let message = answer["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("`arguments` must be an object") && message.contains("not an array"),
        "{answer}"
    );
}

/// The JSON-RPC message with `id` in a streamable HTTP answer (JSON or SSE).
fn message_with_id(body: &str, id: &Value) -> Option<Value> {
    if let Ok(value) = serde_json::from_str::<Value>(body) {
        return Some(value).filter(|v| &v["id"] == id);
    }
    body.lines()
        .filter_map(|line| line.strip_prefix("data:"))
        .filter_map(|data| serde_json::from_str::<Value>(data.trim()).ok())
        .find(|v| &v["id"] == id)
}

/// An HTTP session: the server and its `mcp-session-id`.
struct HttpSession {
    server: Server,
    id: String,
    client: reqwest::Client,
}

impl HttpSession {
    async fn open() -> HttpSession {
        let server = Server::start(&["--demo"], &["--max-body-bytes", LIMIT_ARG], &[]);
        let init = post_mcp(&server, &initialize_body(), &[]).await;
        let id = init
            .headers()
            .get("mcp-session-id")
            .and_then(|v| v.to_str().ok())
            .expect("a session id")
            .to_owned();
        let session = HttpSession {
            server,
            id,
            client: connectwise_mcp::client::tls::client(),
        };
        let (status, _) = session
            .post(frame(
                json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            ))
            .await;
        assert_eq!(status, 202);
        session
    }

    async fn post(&self, body: Vec<u8>) -> (u16, String) {
        let response = self
            .client
            .post(self.server.url("/mcp"))
            .header("accept", "application/json, text/event-stream")
            .header("content-type", "application/json")
            .header("mcp-session-id", &self.id)
            .header("mcp-protocol-version", "2025-06-18")
            .body(body)
            .send()
            .await
            .expect("POST /mcp");
        let status = response.status().as_u16();
        (status, response.text().await.unwrap_or_default())
    }

    /// A request answered in this session.
    async fn request(&self, message: Value) -> Value {
        let id = message["id"].clone();
        let (status, body) = self.post(frame(message)).await;
        assert_eq!(status, 200, "{body}");
        message_with_id(&body, &id).unwrap_or_else(|| panic!("no answer to {id} in {body}"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_answers_every_bad_frame_with_json_rpc_and_keeps_the_session() {
    let session = HttpSession::open().await;
    for (name, bytes, expect) in corpus() {
        let (status, body) = session.post(bytes).await;
        match &expect {
            Answer(code, id) => {
                let answer: Value =
                    serde_json::from_str(&body).unwrap_or_else(|e| panic!("{name}: {e}: {body}"));
                let want_status = if id.is_null() { 400 } else { 200 };
                let want_status = if *name == *"a frame three times the limit" {
                    413
                } else {
                    want_status
                };
                assert_eq!(status, want_status, "{name}: {body}");
                assert_eq!(answer["error"]["code"], json!(code), "{name}: {body}");
                assert_eq!(&answer["id"], id, "{name}: {body}");
            }
            Ignored(want_status) => assert_eq!(status, *want_status, "{name}: {body}"),
        }
        let pong = session
            .request(json!({"jsonrpc": "2.0", "id": "ping", "method": "ping"}))
            .await;
        assert_eq!(pong["result"], json!({}), "{name}: {pong}");
    }
    let answer = session.request(search_call("after")).await;
    assert_eq!(answer["result"]["isError"], json!(false), "{answer}");
    // The probes still answer: the process is up.
    let health = session.server.get("/health", None).await;
    assert!(health.status().is_success());
}

// --- Random and mutated frames -------------------------------------------

/// Frames a client does send, for mutation.
const SEEDS: &[&str] = &[
    r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"f","version":"1"}}}"#,
    r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
    r#"{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{"cursor":"x"}}"#,
    r#"{"jsonrpc":"2.0","id":"c3","method":"tools/call","params":{"name":"cw_search_tickets","arguments":{"page_size":1,"conditions":"id>0"}}}"#,
    r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"cw_get_ticket","arguments":{"id":8,"fields":"id,summary"}}}"#,
    r#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":4}}"#,
    r#"{"jsonrpc":"2.0","id":5,"result":{}}"#,
];

/// A seed with bytes replaced, inserted or removed, or cut short.
fn mutated() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::sample::select(SEEDS),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0..4u8), 1..6),
    )
        .prop_map(|(seed, edits)| {
            let mut bytes = seed.as_bytes().to_vec();
            for (at, byte, how) in edits {
                let i = at.index(bytes.len().max(1));
                match how {
                    0 if i < bytes.len() => bytes[i] = byte,
                    1 => bytes.insert(i.min(bytes.len()), byte),
                    2 if i < bytes.len() => {
                        bytes.remove(i);
                    }
                    _ => bytes.truncate(i),
                }
            }
            bytes
        })
}

/// Any JSON value, a few levels deep.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map("[a-z_]{1,10}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A JSON-RPC envelope with random parts.
fn envelope() -> impl Strategy<Value = Vec<u8>> {
    let method = prop_oneof![
        prop::sample::select(vec![
            "ping",
            "tools/list",
            "tools/call",
            "initialize",
            "notifications/initialized"
        ])
        .prop_map(Value::from),
        json_value(),
    ];
    (json_value(), method, json_value(), any::<bool>()).prop_map(|(id, method, params, with_id)| {
        let mut message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        if with_id {
            message["id"] = id;
        }
        frame(message)
    })
}

fn any_frame() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        4 => mutated(),
        3 => envelope(),
        2 => json_value().prop_map(frame),
        1 => prop::collection::vec(any::<u8>(), 0..64),
    ]
}

/// One stdio server for every case, started and initialized once.
fn fuzzed_stdio() -> &'static Mutex<RawStdio> {
    static SERVER: OnceLock<Mutex<RawStdio>> = OnceLock::new();
    SERVER.get_or_init(|| {
        let mut server = demo_stdio();
        server.initialize();
        Mutex::new(server)
    })
}

/// Every line the server writes is a JSON-RPC 2.0 message.
fn assert_json_rpc(lines: &[Value]) {
    for line in lines {
        assert_eq!(line["jsonrpc"], "2.0", "{line}");
        assert!(
            line.get("result").is_some() || line["error"]["code"].is_i64(),
            "{line}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn stdio_still_answers_after_random_frames(frames in prop::collection::vec(any_frame(), 1..5)) {
        let mut server = fuzzed_stdio().lock().unwrap_or_else(|e| e.into_inner());
        for f in &frames {
            server.send(f);
        }
        let before = server.ping();
        assert_json_rpc(&before);
        prop_assert_eq!(server.exited(), None);
    }
}

/// One HTTP server and session for every case.
fn fuzzed_http() -> &'static (tokio::runtime::Runtime, HttpSession) {
    static SESSION: OnceLock<(tokio::runtime::Runtime, HttpSession)> = OnceLock::new();
    SESSION.get_or_init(|| {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let session = runtime.block_on(HttpSession::open());
        (runtime, session)
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn http_still_answers_after_random_frames(f in any_frame()) {
        let (runtime, session) = fuzzed_http();
        runtime.block_on(async {
            let (status, body) = session.post(f).await;
            // An error of the client's making, or an answer; never the server's failure.
            assert!(status < 500, "{status}: {body}");
            if status == 200 && let Ok(answer) = serde_json::from_str::<Value>(&body) {
                assert_json_rpc(&[answer]);
            }
            let pong = session.request(json!({"jsonrpc": "2.0", "id": "ping", "method": "ping"})).await;
            assert_eq!(pong["result"], json!({}), "{pong}");
        });
    }
}
