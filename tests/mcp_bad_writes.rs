//! Bad writes, refused before they are sent: the real binary over MCP stdio,
//! with writes and deletes on, against the simulated tenant. Every bad input
//! of the corpus must come back as an error that names the tool's own
//! argument (or the field of a `cw_call` body) in plain words, with no Rust
//! type name and no doubled prefix, and afterwards the tenant must be
//! exactly as it was and have seen no write at all.

mod support;

use connectwise_mcp::sim::Simulator;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::bin::temp_path;
use support::mcp::{Client, call, connect, failed, json_of, list_tools, text};
use support::sim::{sim_env, start_sim};

/// Words that only a Rust or serde message would hold.
const RUST_WORDS: [&str; 10] = [
    "i64",
    "i32",
    "f64",
    "usize",
    "invalid type:",
    "unknown variant",
    "unknown field `",
    "missing field `",
    "expected a ",
    "struct ",
];

/// One bad input: the tool, its arguments, and the name the error must say.
struct Bad {
    tool: &'static str,
    args: Value,
    names: &'static str,
}

fn bad(tool: &'static str, args: Value, names: &'static str) -> Bad {
    Bad { tool, args, names }
}

/// Everything the tenant holds, by collection.
fn tenant(sim: &Simulator) -> BTreeMap<String, Vec<Value>> {
    sim.collection_paths()
        .into_iter()
        .map(|path| {
            let records = sim.records(&path);
            (path, records)
        })
        .collect()
}

/// A server with writes and deletes on, its saved queries in a fresh file.
async fn writer(sim: &Simulator) -> Client {
    let db = temp_path("bad-writes.sqlite3");
    let db = db.to_str().expect("a UTF-8 temp path").to_owned();
    connect(
        &["--allow-writes", "--allow-deletes", "--saved-queries-db", &db],
        &sim_env(sim),
    )
    .await
}

/// A time entry on `ticket` with `changes` made to a good one.
fn time_entry(ticket: i64, changes: Value) -> Value {
    let mut args = json!({
        "charge_to_type": "ServiceTicket",
        "charge_to_id": ticket,
        "time_start": "2026-11-20T14:00:00Z",
        "hours": 0.5,
        "notes": "Remote session",
    });
    for (k, v) in changes.as_object().expect("an object of changes") {
        match v {
            Value::Null => args.as_object_mut().unwrap().remove(k),
            v => args.as_object_mut().unwrap().insert(k.clone(), v.clone()),
        };
    }
    args
}

/// The corpus: the nine bad writes of issue 13 first, then others like them.
fn corpus(ticket: i64) -> Vec<Bad> {
    let entry = |changes: Value| time_entry(ticket, changes);
    let post_ticket = |body: Value| json!({"method": "POST", "path": "/service/tickets", "body": body});
    let good_ticket = json!({"summary": "Printer offline", "company": {"identifier": "ACME"}});
    let mut with_bogus = good_ticket.clone();
    with_bogus["bogusField"] = json!(1);
    let mut with_bad_board = good_ticket.clone();
    with_bad_board["board"] = json!({"idd": 1});
    vec![
        // The nine of the issue.
        bad("cw_create_time_entry", entry(json!({"hours": -1})), "hours"),
        bad("cw_create_time_entry", entry(json!({"hours": 0})), "hours"),
        bad("cw_create_time_entry", entry(json!({"hours": 1e9})), "hours"),
        bad(
            "cw_create_time_entry",
            entry(json!({"hours": null})),
            "hours or time_end",
        ),
        bad(
            "cw_create_time_entry",
            entry(json!({"hours": 0.5, "time_end": "2026-11-20T16:00:00Z"})),
            "hours",
        ),
        bad(
            "cw_update_ticket",
            json!({"id": ticket, "summary": ""}),
            "summary",
        ),
        bad(
            "cw_create_ticket",
            json!({"company": "ACME", "summary": ""}),
            "summary",
        ),
        bad("cw_call", post_ticket(with_bogus.clone()), "bogusField"),
        bad(
            "cw_save_query",
            json!({"name": "evil", "method": "GET", "path": "/service/tickets", "query": {"evil": "1"}}),
            "evil",
        ),
        // Time entries.
        bad("cw_create_time_entry", entry(json!({"hours": 24.5})), "hours"),
        bad("cw_create_time_entry", entry(json!({"hours": "two"})), "hours"),
        bad(
            "cw_create_time_entry",
            entry(json!({"charge_to_type": "Bogus"})),
            "charge_to_type",
        ),
        bad(
            "cw_create_time_entry",
            entry(json!({"charge_to_id": -5})),
            "charge_to_id",
        ),
        bad(
            "cw_create_time_entry",
            entry(json!({"charge_to_id": "8"})),
            "charge_to_id",
        ),
        bad(
            "cw_create_time_entry",
            entry(json!({"hours": null, "time_end": "2026-11-20T13:00:00Z"})),
            "time_end",
        ),
        bad(
            "cw_create_time_entry",
            entry(json!({"hours": null, "time_end": "2026-11-21T20:00:00Z"})),
            "time_end",
        ),
        bad(
            "cw_create_time_entry",
            entry(json!({"time_start": "0001-01-01"})),
            "time_start",
        ),
        bad(
            "cw_create_time_entry",
            entry(json!({"time_start": "yesterday"})),
            "time_start",
        ),
        bad(
            "cw_create_time_entry",
            entry(json!({"billable": "sometimes"})),
            "billable",
        ),
        bad("cw_create_time_entry", entry(json!({"notes": "   "})), "notes"),
        bad(
            "cw_create_time_entry",
            entry(json!({"chargeToType": "ServiceTicket"})),
            "chargeToType",
        ),
        // Notes.
        bad(
            "cw_add_ticket_note",
            json!({"ticket_id": ticket, "text": "Rebooted", "visibility": "public"}),
            "visibility",
        ),
        bad(
            "cw_add_ticket_note",
            json!({"ticket_id": ticket, "text": "", "visibility": "internal"}),
            "text",
        ),
        bad(
            "cw_add_ticket_note",
            json!({"ticket_id": ticket, "text": "\n\t ", "visibility": "internal"}),
            "text",
        ),
        bad(
            "cw_add_ticket_note",
            json!({"ticket_id": 0, "text": "Rebooted", "visibility": "internal"}),
            "ticket_id",
        ),
        bad(
            "cw_add_ticket_note",
            json!({"ticket_id": ticket, "text": "Rebooted"}),
            "visibility",
        ),
        // Tickets.
        bad(
            "cw_create_ticket",
            json!({"company": "ACME", "summary": "x".repeat(101)}),
            "summary",
        ),
        bad(
            "cw_create_ticket",
            json!({"company": "ACME", "summary": "Printer offline", "board_id": -1}),
            "board_id",
        ),
        bad(
            "cw_create_ticket",
            json!({"company": "  ", "summary": "Printer offline"}),
            "company",
        ),
        bad("cw_create_ticket", json!({"company": "ACME"}), "summary"),
        bad(
            "cw_create_ticket",
            json!({"company": "ACME", "sumary": "Printer offline"}),
            "sumary",
        ),
        bad("cw_update_ticket", json!({"id": "8", "summary": "New"}), "id"),
        bad(
            "cw_update_ticket",
            json!({"id": ticket, "status_id": 1.5}),
            "status_id",
        ),
        bad("cw_update_ticket", json!({"id": ticket}), "status_id"),
        bad("cw_update_ticket", json!({"id": ticket, "owner": ""}), "owner"),
        bad(
            "cw_update_ticket",
            json!({"id": ticket, "summary": "y".repeat(101)}),
            "summary",
        ),
        // Raw calls and saved queries.
        bad(
            "cw_call",
            json!({"method": "PATCH", "path": format!("/service/tickets/{ticket}"),
                   "body": [{"op": "replace", "path": "bogus", "value": 1}]}),
            "bogus",
        ),
        bad("cw_call", post_ticket(with_bad_board), "idd"),
        bad(
            "cw_call",
            json!({"method": "POST", "path": format!("/service/tickets/{ticket}/notes"),
                   "body": {"text": "x", "internalAnalysisFlag": true, "membr": {"id": 1}}}),
            "membr",
        ),
        bad(
            "cw_save_query",
            json!({"name": "bogus", "method": "POST", "path": "/service/tickets", "body": with_bogus}),
            "bogusField",
        ),
        bad(
            "cw_save_query",
            json!({"name": "fields", "method": "GET", "path": "/service/tickets", "query": {"fields": "id,nosuchfield"}}),
            "nosuchfield",
        ),
        // Unknown `fields`, refused the same way by every tool.
        bad(
            "cw_get_ticket",
            json!({"id": ticket, "fields": "id,nosuchfield"}),
            "nosuchfield",
        ),
        bad(
            "cw_search_tickets",
            json!({"fields": "id,nosuchfield"}),
            "nosuchfield",
        ),
        bad(
            "cw_call",
            json!({"method": "GET", "path": format!("/service/tickets/{ticket}"), "query": {"fields": "id,nosuchfield"}}),
            "nosuchfield",
        ),
    ]
}

/// The error text: failed, names `names`, no Rust word, no doubled prefix.
fn check_refusal(case: &Bad, message: &str) {
    let what = format!("{} {}", case.tool, case.args);
    assert!(
        message.contains(case.names),
        "{what}: the error should name {}: {message}",
        case.names
    );
    for word in RUST_WORDS {
        assert!(!message.contains(word), "{what}: a Rust word {word:?}: {message}");
    }
    let doubled = format!("{0}: {0}:", case.names);
    assert!(!message.contains(&doubled), "{what}: doubled prefix: {message}");
    assert!(
        message.contains("Nothing was sent"),
        "{what}: refused before sending: {message}"
    );
}

#[tokio::test]
async fn bad_writes_are_refused_naming_the_argument_and_nothing_is_written() {
    let sim = start_sim().await;
    let ticket = sim.records("/service/tickets")[0]["id"]
        .as_i64()
        .expect("a ticket");
    let client = writer(&sim).await;
    let before = tenant(&sim);
    sim.clear_request_log();

    let cases = corpus(ticket);
    let mut refused = 0;
    for case in &cases {
        let result = call(&client, case.tool, case.args.clone())
            .await
            .expect("a tool result");
        check_refusal(case, &failed(&result));
        refused += 1;
    }
    assert_eq!(refused, cases.len());
    assert!(cases.len() >= 21, "the nine of the issue and a dozen more");

    let writes: Vec<String> = sim
        .request_log()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path_and_query))
        .collect();
    assert_eq!(writes, Vec::<String>::new(), "no write reached ConnectWise");
    assert!(tenant(&sim) == before, "the tenant is unchanged");
    let saved = json_of(&call(&client, "cw_list_saved_queries", json!({})).await.unwrap());
    assert_eq!(saved["count"], 0, "no refused query was saved: {saved}");
}

#[tokio::test]
async fn good_writes_still_go_through_and_connectwise_errors_name_the_argument() {
    let sim = start_sim().await;
    let ticket = sim.records("/service/tickets")[0]["id"]
        .as_i64()
        .expect("a ticket");
    let client = writer(&sim).await;

    // Start and end alone, start and end with the hours they say, and an
    // allowed value in another case: all accepted and stored as meant.
    for changes in [
        json!({"hours": null, "time_end": "2026-11-20T16:00:00Z"}),
        json!({"hours": 2, "time_end": "2026-11-20T16:00:00Z", "charge_to_type": "serviceticket"}),
    ] {
        let result = call(&client, "cw_create_time_entry", time_entry(ticket, changes))
            .await
            .unwrap();
        assert_eq!(result.is_error, Some(false), "{}", text(&result));
        let id = json_of(&result)["id"].as_i64().expect("the new entry's id");
        let stored = sim.get("/time/entries", id).expect("stored");
        assert_eq!(stored["chargeToType"], "ServiceTicket");
        assert_eq!(stored["actualHours"].as_f64(), Some(2.0), "{stored}");
    }

    // A derived field is still a field of cw_get_ticket.
    let got = call(
        &client,
        "cw_get_ticket",
        json!({"id": ticket, "fields": "id,summary,description"}),
    )
    .await
    .unwrap();
    assert_eq!(got.is_error, Some(false), "{}", text(&got));

    // ConnectWise's own refusal names the argument, once.
    let missing = call(
        &client,
        "cw_create_time_entry",
        time_entry(ticket, json!({"charge_to_id": 999_999})),
    )
    .await
    .unwrap();
    let message = failed(&missing);
    assert!(
        message.contains("charge_to_id: Ticket 999999 not found"),
        "{message}"
    );
    assert!(!message.contains("chargeToId"), "{message}");
}

#[tokio::test]
async fn saved_query_tools_say_they_change_stored_state() {
    let sim = start_sim().await;
    let client = writer(&sim).await;
    let tools = list_tools(&client).await;
    let tool = |name: &str| tools.iter().find(|t| t.name == name).expect(name).clone();
    let save = tool("cw_save_query").annotations.expect("annotations");
    assert_eq!(
        (save.read_only_hint, save.destructive_hint),
        (Some(false), Some(false))
    );
    let delete = tool("cw_delete_saved_query");
    let hints = delete.annotations.clone().expect("annotations");
    assert_eq!(
        (hints.read_only_hint, hints.destructive_hint),
        (Some(false), Some(true))
    );
    assert!(
        delete.input_schema["properties"].get("cursor").is_none(),
        "{:?}",
        delete.input_schema
    );
    assert!(
        tool("cw_run_saved_query").input_schema["properties"]
            .get("cursor")
            .is_some()
    );
    let listed = tool("cw_list_saved_queries").annotations.expect("annotations");
    assert_eq!(listed.read_only_hint, Some(true));
}
