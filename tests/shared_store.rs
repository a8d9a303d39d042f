//! Several instances on one PostgreSQL database, as a deployment behind a
//! round-robin load balancer runs them: two `serve --http --stateless`
//! processes of the real binary on the demo tenant (a simulator in this
//! process, which both talk to), writes on and confirmed. What one instance
//! keeps, the other finds: saved queries, confirmation tokens, the journal
//! (undo, repeated creates). And when the database goes away, reading
//! ConnectWise goes on, what needs the store says so, and once the database
//! is back the same processes use it again.
//!
//! Needs PostgreSQL (`CW_TEST_DATABASE_URL`, see tests/support/pg.rs),
//! except the dead-port test, which needs none.

mod support;

use connectwise_mcp::store::DatabaseUrl;
use serde_json::{Value, json};
use support::bin::{Env, with_env};
use support::http::*;
use support::pg;
use support::sim::{sim_env, start_sim};

/// An instance's settings: the demo tenant at `sim`, the role tokens, the
/// database at `url`.
fn env_for(sim: &connectwise_mcp::sim::Simulator, url: &str) -> Env {
    let mut env = sim_env(sim);
    env.extend(token_env());
    with_env(env, &[("MCP_AUDIT", "off"), ("MCP_DATABASE_URL", url)])
}

/// An instance with writes on and confirmed, stateless.
fn instance(env: &Env) -> Server {
    Server::start(&["--allow-writes", "--confirm-writes"], &["--stateless"], env)
}

/// Calls `tool` as the editor (`eddie`): whether it failed, and its answer
/// (JSON where it is, else the text).
async fn call(server: &Server, tool: &str, arguments: Value) -> (bool, Value) {
    let auth = format!("Bearer {EDITOR}");
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": tool, "arguments": arguments}});
    let headers = [
        ("authorization", auth.as_str()),
        ("mcp-protocol-version", "2025-06-18"),
    ];
    let response = post_mcp(server, &body, &headers).await;
    assert_eq!(response.status(), 200, "{tool}");
    let body: Value = response.json().await.unwrap();
    let result = &body["result"];
    let text = result["content"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("{tool}: no result: {body}"));
    let answer = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()));
    (result["isError"] == true, answer)
}

/// Calls `tool` and expects it to work.
async fn ok(server: &Server, tool: &str, arguments: Value) -> Value {
    let (failed, answer) = call(server, tool, arguments).await;
    assert!(!failed, "{tool} failed: {answer}");
    answer
}

/// `arguments` with `token` added.
fn confirmed(arguments: &Value, token: &Value) -> Value {
    let mut arguments = arguments.clone();
    arguments["confirm_token"] = token.clone();
    arguments
}

fn saved_names(listed: &Value) -> Vec<String> {
    let text = listed.to_string();
    ["open ACME tickets"]
        .into_iter()
        .filter(|n| text.contains(n))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn two_instances_share_saved_queries_confirmation_tokens_and_undo() {
    let Some(url) = pg::fresh_database("shared").await else {
        return;
    };
    let sim = start_sim().await;
    let env = env_for(&sim, &url);
    let env = with_env(env, &[("MCP_AUDIT", "database")]);
    let (a, b) = (instance(&env), instance(&env));

    // A query saved through A is listed and run through B.
    ok(
        &a,
        "cw_save_query",
        json!({"name": "open ACME tickets", "method": "GET",
        "path": "/service/tickets", "query": {"conditions": "company/identifier=\"ACME\""}}),
    )
    .await;
    let listed = ok(&b, "cw_list_saved_queries", json!({})).await;
    assert_eq!(saved_names(&listed), ["open ACME tickets"], "{listed}");
    ok(&b, "cw_run_saved_query", json!({"name": "open ACME tickets"})).await;

    // A token A issued is spent through B, whichever request brings it.
    let ticket = 3;
    let notes = || sim.records(&format!("/service/tickets/{ticket}/notes")).len();
    let notes_before = notes();
    let note = json!({"ticket_id": ticket, "text": "Rebooted the server", "visibility": "internal"});
    let asked = ok(&a, "cw_add_ticket_note", note.clone()).await;
    assert_eq!(asked["confirmation_required"], true, "{asked}");
    let other = json!({"ticket_id": ticket, "text": "Something else", "visibility": "internal"});
    let (failed, refused) = call(
        &b,
        "cw_add_ticket_note",
        confirmed(&other, &asked["confirm_token"]),
    )
    .await;
    assert!(
        failed && refused.to_string().contains("different request"),
        "{refused}"
    );
    let (failed, spent) = call(
        &a,
        "cw_add_ticket_note",
        confirmed(&note, &asked["confirm_token"]),
    )
    .await;
    assert!(failed && spent.to_string().contains("already used"), "{spent}");
    assert_eq!(notes(), notes_before, "nothing written");

    // A token A issued is redeemed through B, which writes once.
    let asked = ok(&a, "cw_add_ticket_note", note.clone()).await;
    let written = ok(
        &b,
        "cw_add_ticket_note",
        confirmed(&note, &asked["confirm_token"]),
    )
    .await;
    assert!(written["journal_id"].as_i64().is_some(), "{written}");
    assert_eq!(notes(), notes_before + 1);
    // The same create again, through A: B's journal recognises it.
    let again = ok(&a, "cw_add_ticket_note", note.clone()).await;
    assert!(again["repeated"].as_str().is_some(), "{again}");
    assert_eq!(notes(), notes_before + 1);

    // A write made through A is undone through B.
    let summary = sim.get("/service/tickets", ticket).unwrap()["summary"].clone();
    let update = json!({"id": ticket, "summary": "Made through A"});
    let asked = ok(&a, "cw_update_ticket", update.clone()).await;
    let updated = ok(
        &a,
        "cw_update_ticket",
        confirmed(&update, &asked["confirm_token"]),
    )
    .await;
    let id = updated["journal_id"].as_i64().expect("journaled");
    assert_eq!(
        sim.get("/service/tickets", ticket).unwrap()["summary"],
        "Made through A"
    );
    let undo = json!({"id": id});
    let asked = ok(&b, "cw_undo", undo.clone()).await;
    let undone = ok(&b, "cw_undo", confirmed(&undo, &asked["confirm_token"])).await;
    assert_eq!(undone["undid"], id, "{undone}");
    assert_eq!(sim.get("/service/tickets", ticket).unwrap()["summary"], summary);

    // Both instances' audit lines are in the one database (written in the background).
    let store = connectwise_mcp::store::Store::postgres(&DatabaseUrl::parse(&url).unwrap()).unwrap();
    let mut audited = Vec::new();
    for _ in 0..50 {
        audited = store.audit_recent(100).await.unwrap();
        if audited
            .iter()
            .any(|l| l["tool"] == "cw_undo" && l["outcome"] == "ok")
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        audited.iter().any(|l| l["tool"] == "cw_save_query"),
        "{audited:?}"
    );
    assert!(audited.iter().all(|l| l["principal"] == "eddie"), "{audited:?}");
    assert!(
        audited
            .iter()
            .any(|l| l["tool"] == "cw_undo" && l["outcome"] == "ok"),
        "{audited:?}"
    );
}

#[tokio::test]
async fn when_the_database_stops_store_tools_say_so_reads_go_on_and_it_recovers_without_a_restart() {
    // A cluster of this test's own, to stop and start.
    let Some(cluster) = pg::Cluster::start(55433) else {
        return;
    };
    let url = pg::create_database(&cluster.url, "outage").await;
    let sim = start_sim().await;
    let server = instance(&env_for(&sim, &url));
    ok(
        &server,
        "cw_save_query",
        json!({"name": "open ACME tickets", "method": "GET",
        "path": "/service/tickets"}),
    )
    .await;

    cluster.stop();
    let read = ok(&server, "cw_get_ticket", json!({"id": 3})).await;
    assert_eq!(read["id"], 3, "reading ConnectWise goes on");
    for (tool, arguments) in [
        ("cw_list_saved_queries", json!({})),
        (
            "cw_add_ticket_note",
            json!({"ticket_id": 3, "text": "During the outage", "visibility": "internal"}),
        ),
        ("cw_undo", json!({})),
    ] {
        let (failed, answer) = call(&server, tool, arguments).await;
        assert!(failed, "{tool}: {answer}");
        assert!(
            answer
                .to_string()
                .contains("the store (PostgreSQL) is unavailable"),
            "{tool}: {answer}"
        );
    }
    assert!(
        !sim.records("/service/tickets/3/notes")
            .iter()
            .any(|n| n["text"] == "During the outage"),
        "no write without the store"
    );

    cluster.restart();
    let listed = ok(&server, "cw_list_saved_queries", json!({})).await;
    assert_eq!(saved_names(&listed), ["open ACME tickets"], "{listed}");
    let password = url::Url::parse(&url).unwrap().password().unwrap().to_owned();
    let logged = server.stderr().join("\n");
    assert!(
        !logged.contains(&password),
        "the password is never logged: {logged}"
    );
}

#[tokio::test]
async fn with_no_database_listening_the_server_starts_and_reads_while_store_tools_say_so() {
    let sim = start_sim().await;
    let url = "postgres://cw:never-logged-pw@127.0.0.1:9/cw";
    let server = instance(&env_for(&sim, url));
    let read = ok(&server, "cw_get_ticket", json!({"id": 3})).await;
    assert_eq!(read["id"], 3);
    let (failed, answer) = call(&server, "cw_list_saved_queries", json!({})).await;
    assert!(
        failed
            && answer
                .to_string()
                .contains("the store (PostgreSQL) is unavailable"),
        "{answer}"
    );
    let logged = server.stderr().join("\n");
    assert!(!logged.contains("never-logged-pw"), "{logged}");
}
