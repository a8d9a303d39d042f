//! The shared deployment over real HTTP: the binary's `serve --http` against
//! a simulator in this process, driven with reqwest and an rmcp client.
//! Each auth path, role filtering of the list and of calls, own keys bound
//! to the session, Host/Origin rejection, the body limit, a slow
//! ConnectWise not blocking other sessions, many sessions at once, the
//! audit log and shutdown on SIGTERM.

mod support;

use serde_json::{Value, json};
use std::time::{Duration, Instant};
use support::bin::{Env, command, temp_path, with_env};
use support::http::*;
use support::mcp::{call, tool_names};
use support::sim::{sim_env, start_sim};

/// A server on `sim` with the role tokens, no audit log, and `extra`.
fn env_with(sim: &connectwise_mcp::sim::Simulator, extra: &[(&str, &str)]) -> Env {
    let mut env = sim_env(sim);
    env.extend(token_env());
    with_env(with_env(env, &[("MCP_AUDIT", "off")]), extra)
}

#[tokio::test]
async fn tokens_are_required_and_wrong_ones_say_so() {
    let sim = start_sim().await;
    let server = Server::start(&[], &[], &env_with(&sim, &[]));
    let health = server.get("/health", None).await;
    assert_eq!(health.status(), 200);
    let ready: Value = server.get("/ready", None).await.json().await.unwrap();
    assert_eq!(ready["ready"], true);

    let none = post_mcp(&server, &initialize_body(), &[]).await;
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    let body: Value = none.json().await.unwrap();
    assert_eq!(body["error"], "missing_token");
    let wrong = post_mcp(
        &server,
        &initialize_body(),
        &[("authorization", "Bearer not-a-token-at-all")],
    )
    .await;
    assert_eq!(wrong.status(), 401);
    assert_eq!(wrong.json::<Value>().await.unwrap()["error"], "invalid_token");
    let basic = post_mcp(&server, &initialize_body(), &[("authorization", "Basic abc")]).await;
    assert_eq!(
        basic.json::<Value>().await.unwrap()["error"],
        "malformed_authorization"
    );
    let ok = post_mcp(
        &server,
        &initialize_body(),
        &[("authorization", &format!("Bearer {VIEWER}"))],
    )
    .await;
    assert_eq!(ok.status(), 200);
    assert!(ok.headers().contains_key("mcp-session-id"));
    // OpenAPI routes sit behind the same guard.
    let openapi = server.get("/openapi.json", None).await;
    assert_eq!(openapi.status(), 401);
}

#[tokio::test]
async fn roles_filter_the_list_and_every_call() {
    let sim = start_sim().await;
    let server = Server::start(&["--allow-writes"], &[], &env_with(&sim, &[]));
    let viewer = server.connect(Some(VIEWER), &[]).await.unwrap();
    let editor = server.connect(Some(EDITOR), &[]).await.unwrap();
    let (v, e) = (tool_names(&viewer).await, tool_names(&editor).await);
    assert!(
        v.contains(&"cw_search_tickets".to_owned()) && !v.contains(&"cw_add_ticket_note".to_owned()),
        "{v:?}"
    );
    assert!(e.contains(&"cw_add_ticket_note".to_owned()), "{e:?}");
    let refused = call(
        &viewer,
        "cw_add_ticket_note",
        json!({"ticket_id": 1, "text": "x", "visibility": "internal"}),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(
        refused.contains("role `viewer`") && refused.contains("`editor` token"),
        "{refused}"
    );
    let notes_before = sim.records("/service/tickets/1/notes").len();
    let ok = call(
        &editor,
        "cw_add_ticket_note",
        json!({"ticket_id": 1, "text": "Checked the UPS.", "visibility": "internal"}),
    )
    .await
    .unwrap();
    assert_ne!(ok.is_error, Some(true), "{ok:?}");
    assert_eq!(sim.records("/service/tickets/1/notes").len(), notes_before + 1);

    // The OpenAPI bridge: the same role decides what is described and run.
    let http = connectwise_mcp::client::tls::client();
    let doc: Value = http
        .get(server.url("/openapi.json"))
        .bearer_auth(VIEWER)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/tools/cw_search_tickets"]["post"].is_object());
    assert!(doc["paths"]["/tools/cw_add_ticket_note"].is_null());
    let denied = http
        .post(server.url("/tools/cw_add_ticket_note"))
        .bearer_auth(VIEWER)
        .json(&json!({"ticket_id": 1, "text": "x", "visibility": "internal"}))
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), 403);
    let found = http
        .post(server.url("/tools/cw_search_tickets"))
        .bearer_auth(VIEWER)
        .json(&json!({"page_size": 2}))
        .send()
        .await
        .unwrap();
    assert_eq!(found.status(), 200);
    let bad = http
        .post(server.url("/tools/cw_search_tickets"))
        .bearer_auth(VIEWER)
        .json(&json!({"page_size": "lots"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);
}

/// `cw_call` and saved queries choose their tier per call: a viewer's
/// session gets them, but only for reads, even on a server that allows
/// writes; an editor's may write.
#[tokio::test]
async fn a_viewer_cannot_write_through_cw_call_or_a_saved_query() {
    let sim = start_sim().await;
    let db = temp_path("http-saved.sqlite3");
    let db_path = db.display().to_string();
    let server = Server::start(
        &["--allow-writes"],
        &[],
        &env_with(&sim, &[("CW_SAVED_QUERIES_DB", db_path.as_str())]),
    );
    let viewer = server.connect(Some(VIEWER), &[]).await.unwrap();
    let editor = server.connect(Some(EDITOR), &[]).await.unwrap();
    let note = json!({"method": "POST", "path": "/service/tickets/1/notes",
                      "body": {"text": "Via cw_call.", "internalAnalysisFlag": true}});
    let before = sim.records("/service/tickets/1/notes").len();

    let read = call(
        &viewer,
        "cw_call",
        json!({"method": "GET", "path": "/service/tickets/1"}),
    )
    .await
    .unwrap();
    assert_ne!(read.is_error, Some(true), "{read:?}");
    let refused = call(&viewer, "cw_call", note.clone()).await.unwrap();
    assert_eq!(refused.is_error, Some(true));
    let said = refused.content[0]
        .as_text()
        .map(|t| t.text.as_str())
        .unwrap_or_default();
    assert!(said.starts_with("not allowed"), "{refused:?}");
    // Each caller's saved queries are their own; a viewer may save a write
    // but running it still needs the role.
    let mut saved = note.clone();
    saved["name"] = json!("note on 1");
    for client in [&editor, &viewer] {
        let stored = call(client, "cw_save_query", saved.clone()).await.unwrap();
        assert_ne!(stored.is_error, Some(true), "{stored:?}");
    }
    let gone = call(&viewer, "cw_delete_saved_query", json!({"name": "note on 1"}))
        .await
        .unwrap();
    assert_ne!(gone.is_error, Some(true), "{gone:?}");
    let listed = call(&viewer, "cw_list_saved_queries", json!({})).await.unwrap();
    assert!(
        !format!("{listed:?}").contains("note on 1"),
        "the viewer's is deleted: {listed:?}"
    );
    let stored = call(&viewer, "cw_save_query", saved.clone()).await.unwrap();
    assert_ne!(stored.is_error, Some(true), "{stored:?}");
    let run = call(&viewer, "cw_run_saved_query", json!({"name": "note on 1"}))
        .await
        .unwrap();
    assert_eq!(run.is_error, Some(true), "{run:?}");
    let said = run.content[0]
        .as_text()
        .map(|t| t.text.as_str())
        .unwrap_or_default();
    assert!(said.starts_with("not allowed"), "{run:?}");
    assert_eq!(
        sim.records("/service/tickets/1/notes").len(),
        before,
        "nothing written"
    );

    let written = call(&editor, "cw_call", note).await.unwrap();
    assert_ne!(written.is_error, Some(true), "{written:?}");
    // The viewer deleting its own "note on 1" left the editor's in place.
    let ran = call(&editor, "cw_run_saved_query", json!({"name": "note on 1"}))
        .await
        .unwrap();
    assert_ne!(ran.is_error, Some(true), "{ran:?}");
    assert_eq!(sim.records("/service/tickets/1/notes").len(), before + 2);
    let _ = std::fs::remove_file(&db);
}

#[tokio::test]
async fn own_keys_act_as_the_technician_and_bind_the_session() {
    let sim = start_sim().await;
    let audit = temp_path("http-audit.jsonl");
    let _ = std::fs::remove_file(&audit);
    let env = env_with(&sim, &[("MCP_AUDIT", audit.to_str().unwrap())]);
    let server = Server::start(&["--allow-writes"], &[], &env);
    let (public, private, member) = connectwise_mcp::sim::DEMO_MEMBER_KEYS[0];
    let keys = [
        ("x-cw-public-key", public),
        ("x-cw-private-key", private),
        ("x-cw-member-id", member),
    ];
    let tech = server.connect(Some(EDITOR), &keys).await.unwrap();
    let ok = call(
        &tech,
        "cw_add_ticket_note",
        json!({"ticket_id": 2, "text": "On site now.", "visibility": "internal"}),
    )
    .await
    .unwrap();
    assert_ne!(ok.is_error, Some(true), "{ok:?}");
    let notes = sim.records("/service/tickets/2/notes");
    assert_eq!(
        notes.last().unwrap()["createdBy"],
        member,
        "ConnectWise attributes the note to the technician"
    );

    // A session opened with keys refuses a request with other keys or none.
    let headers = |extra: &[(&'static str, &'static str)]| {
        let mut h: Vec<(&str, &str)> = vec![("authorization", "Bearer editor-token-0123456789")];
        h.extend_from_slice(extra);
        h
    };
    let init = post_mcp(&server, &initialize_body(), &headers(&keys)).await;
    assert_eq!(init.status(), 200);
    let session = init.headers()["mcp-session-id"].to_str().unwrap().to_owned();
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    let (other_public, other_private, _) = connectwise_mcp::sim::DEMO_MEMBER_KEYS[1];
    for extra in [
        vec![
            ("x-cw-public-key", other_public),
            ("x-cw-private-key", other_private),
        ],
        vec![],
    ] {
        let mut h = headers(&extra);
        h.push(("mcp-session-id", &session));
        h.push(("mcp-protocol-version", "2025-06-18"));
        let r = post_mcp(&server, &list, &h).await;
        assert_eq!(r.status(), 403);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"], "session_bound", "{body}");
    }
    // Another token on the session is refused too.
    let r = post_mcp(
        &server,
        &list,
        &[
            ("authorization", "Bearer admin-token-0123456789"),
            ("x-cw-public-key", public),
            ("x-cw-private-key", private),
            ("x-cw-member-id", member),
            ("mcp-session-id", &session),
        ],
    )
    .await;
    assert_eq!(r.status(), 403);

    // With-token policy: keys without a token are refused (the token check comes first).
    let r = post_mcp(&server, &initialize_body(), &keys).await;
    assert_eq!(r.status(), 401);

    // The audit line names the principal and the member, never the keys.
    let log = std::fs::read_to_string(&audit).unwrap();
    let line: Value = log
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|l| l["tool"] == "cw_add_ticket_note")
        .expect("an audit line for the note");
    assert_eq!(
        (
            &line["principal"],
            &line["member"],
            &line["tier"],
            &line["outcome"],
            &line["targets"]
        ),
        (
            &json!("eddie"),
            &json!(member),
            &json!("write"),
            &json!("ok"),
            &json!({"ticket_id": 2})
        )
    );
    assert!(!log.contains(private) && !log.contains("On site now"), "{log}");
}

#[tokio::test]
async fn keys_policy_disabled_refuses_own_keys() {
    let sim = start_sim().await;
    let server = Server::start(&[], &["--keys-policy", "disabled"], &env_with(&sim, &[]));
    let (public, private, _) = connectwise_mcp::sim::DEMO_MEMBER_KEYS[0];
    let r = post_mcp(
        &server,
        &initialize_body(),
        &[
            ("authorization", &format!("Bearer {ADMIN}")),
            ("x-cw-public-key", public),
            ("x-cw-private-key", private),
        ],
    )
    .await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.json::<Value>().await.unwrap()["error"], "own_keys_disabled");
    let half = post_mcp(
        &server,
        &initialize_body(),
        &[
            ("authorization", &format!("Bearer {ADMIN}")),
            ("x-cw-public-key", public),
        ],
    )
    .await;
    assert_eq!(half.status(), 400);
}

#[tokio::test]
async fn foreign_origins_and_hosts_and_big_bodies_are_refused() {
    let sim = start_sim().await;
    let server = Server::start(&[], &["--max-body-bytes", "10000"], &env_with(&sim, &[]));
    let auth = format!("Bearer {VIEWER}");
    let evil = post_mcp(
        &server,
        &initialize_body(),
        &[("authorization", &auth), ("origin", "https://evil.example")],
    )
    .await;
    assert_eq!(evil.status(), 403);
    assert_eq!(evil.json::<Value>().await.unwrap()["error"], "origin_not_allowed");
    let local = post_mcp(
        &server,
        &initialize_body(),
        &[("authorization", &auth), ("origin", "http://localhost:5173")],
    )
    .await;
    assert_eq!(local.status(), 200);
    let host = post_mcp(
        &server,
        &initialize_body(),
        &[("authorization", &auth), ("host", "rebound.example:80")],
    )
    .await;
    assert_eq!(host.status(), 403);
    assert_eq!(host.json::<Value>().await.unwrap()["error"], "host_not_allowed");
    let mut big = initialize_body();
    big["params"]["clientInfo"]["name"] = json!("x".repeat(20_000));
    let r = post_mcp(&server, &big, &[("authorization", &auth)]).await;
    assert_eq!(r.status(), 413);
}

/// A store URL whose TLS settings cannot be used stops the start with the
/// setting's name (a deployer fixes it now, not at the first write), and
/// never shows the password.
#[test]
fn a_database_url_with_unusable_tls_settings_stops_the_start() {
    for (url, said) in [
        (
            "postgres://cw:secret-4711@db.example/cw?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
            "sslrootcert /nonexistent/ca.pem",
        ),
        (
            "postgres://cw:secret-4711@db.example/cw?sslmode=verify_full",
            "sslmode=verify_full is not one of",
        ),
    ] {
        let out = command(
            &["--demo", "serve", "--http", "--bind", "127.0.0.1:0"],
            &[("MCP_DATABASE_URL".to_owned(), url.to_owned())],
        )
        .output()
        .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(said), "{err}");
        assert!(!err.contains("secret-4711"), "{err}");
    }
}

#[tokio::test]
async fn a_public_bind_without_tokens_is_refused_unless_insisted() {
    let out = command(&["--demo", "serve", "--http", "--bind", "0.0.0.0:0"], &[])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--insecure-no-auth"), "{err}");
    let server = Server::start(&["--demo"], &["--bind", "0.0.0.0:0", "--insecure-no-auth"], &[]);
    assert!(
        server.stderr().iter().any(|l| l.contains("NO AUTHENTICATION")),
        "{:?}",
        server.stderr()
    );
}

#[tokio::test]
async fn a_slow_connectwise_call_does_not_hold_up_other_sessions() {
    let sim = start_sim().await;
    let server = Server::start(&[], &[], &env_with(&sim, &[]));
    let slow = server.connect(Some(VIEWER), &[]).await.unwrap();
    let quick = server.connect(Some(VIEWER), &[]).await.unwrap();
    sim.faults().hang(1);
    let stuck = tokio::spawn(async move { call(&slow, "cw_search_tickets", json!({"page_size": 1})).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let r = call(&quick, "cw_search_tickets", json!({"page_size": 1}))
        .await
        .unwrap();
    assert_ne!(r.is_error, Some(true));
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert!(
        !stuck.is_finished(),
        "the slow call is still waiting for ConnectWise"
    );
    let slow_result = stuck.await.unwrap().unwrap();
    assert_eq!(slow_result.is_error, Some(true), "it ends in a timeout error");
}

#[tokio::test]
async fn fifty_sessions_at_once_all_succeed() {
    let sim = start_sim().await;
    let server = std::sync::Arc::new(Server::start(&[], &[], &env_with(&sim, &[])));
    let mut tasks = Vec::new();
    for i in 0..50 {
        let server = server.clone();
        tasks.push(tokio::spawn(async move {
            let token = if i % 2 == 0 { VIEWER } else { EDITOR };
            let client = server.connect(Some(token), &[]).await?;
            let names = tool_names(&client).await;
            if names.is_empty() {
                return Err("no tools".to_owned());
            }
            for _ in 0..4 {
                let r = call(&client, "cw_search_tickets", json!({"page_size": 3}))
                    .await
                    .map_err(|e| e.to_string())?;
                if r.is_error == Some(true) {
                    return Err(format!("{r:?}"));
                }
            }
            client.cancel().await.map_err(|e| e.to_string())?;
            Ok::<_, String>(())
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn sigterm_stops_the_server_cleanly() {
    let mut server = Server::start(&["--demo"], &[], &[]);
    let client = server.connect(None, &[]).await.unwrap();
    assert!(!tool_names(&client).await.is_empty());
    // The container health check probes /health.
    let probe = |url: String| {
        command(&["healthcheck", "--url", &url], &[])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(probe(server.url("/health")), Some(0));
    assert_eq!(probe("http://127.0.0.1:9/health".into()), Some(1));
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = server
        .wait_exit(Duration::from_secs(15))
        .expect("exits after SIGTERM");
    assert!(status.success(), "{status:?}");
    assert!(server.stderr().iter().any(|l| l.contains("shutting down")));
}

#[tokio::test]
async fn stateless_mode_answers_each_request_on_its_own_with_its_own_token() {
    let sim = start_sim().await;
    let server = Server::start(&[], &["--stateless"], &env_with(&sim, &[]));
    let auth = format!("Bearer {VIEWER}");
    let headers = [
        ("authorization", auth.as_str()),
        ("mcp-protocol-version", "2025-06-18"),
    ];
    let init = post_mcp(&server, &initialize_body(), &headers).await;
    assert_eq!(init.status(), 200);
    assert!(!init.headers().contains_key("mcp-session-id"), "no sessions");
    // Without initialize on this "instance", with no session id: a call works.
    let call = json!({"jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "cw_get_ticket", "arguments": {"id": 3}}});
    let r = post_mcp(&server, &call, &headers).await;
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    let answer: Value = serde_json::from_str(body["result"]["content"][0]["text"].as_str().unwrap()).unwrap();
    assert_eq!(answer["id"], 3, "{body}");
    // Each request is authenticated on its own.
    let r = post_mcp(&server, &call, &[("mcp-protocol-version", "2025-06-18")]).await;
    assert_eq!(r.status(), 401);
}
