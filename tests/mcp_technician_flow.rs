//! A technician's morning, end to end: the real binary over MCP stdio, with
//! writes enabled, against a simulated tenant whose state the test reads back.
//!
//! "What's open for ACME? Add an internal note to the first one, log 30
//! minutes on it, and move it to In Progress."

mod support;

use serde_json::{Value, json};
use support::mcp::{call, connect, json_of, records, text, unwrapped};
use support::sim::{sim_env, start_sim};

#[tokio::test]
async fn find_note_log_time_and_move_a_customer_ticket() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes"], &sim_env(&sim)).await;

    // 1. Find the customer's open tickets.
    let found = json_of(
        &call(
            &client,
            "cw_search_tickets",
            json!({"company": "ACME", "closed": false}),
        )
        .await
        .unwrap(),
    );
    let first = &records(&found)[0];
    let ticket_id = first["id"].as_i64().expect("an open ACME ticket");
    assert_eq!(first["company"]["identifier"], "ACME");
    assert!(
        first.get("closedFlag").is_none_or(|c| c == false),
        "open: {first}"
    );

    // 2. An internal note.
    let note = json_of(
        &call(
            &client,
            "cw_add_ticket_note",
            json!({"ticket_id": ticket_id, "text": "Rebooted the UPS; monitoring.", "visibility": "internal"}),
        )
        .await
        .unwrap(),
    );
    assert_eq!(note["internalAnalysisFlag"], true);

    // 3. Thirty minutes, timestamps given with an offset and a fraction.
    json_of(
        &call(
            &client,
            "cw_create_time_entry",
            json!({"charge_to_type": "ServiceTicket", "charge_to_id": ticket_id,
                   "time_start": "2026-11-20T15:00:00.250+01:00", "hours": 0.5, "notes": "UPS battery check"}),
        )
        .await
        .unwrap(),
    );

    // 4. Move it to "In Progress", named as the technician says it: the
    // name is looked up among the statuses of the ticket's own board.
    json_of(
        &call(
            &client,
            "cw_update_ticket",
            json!({"id": ticket_id, "status": "in progress"}),
        )
        .await
        .unwrap(),
    );
    let board_id = sim.get("/service/tickets", ticket_id).unwrap()["board"]["id"]
        .as_i64()
        .unwrap();
    let in_progress = status_id_on(&sim, board_id, "In Progress");

    // What ConnectWise now holds.
    let ticket = sim.get("/service/tickets", ticket_id).unwrap();
    assert_eq!(ticket["status"]["id"], json!(in_progress));
    assert_eq!(ticket["status"]["name"], "In Progress");
    let notes = sim.records(&format!("/service/tickets/{ticket_id}/notes"));
    let added = notes
        .iter()
        .find(|n| n["text"] == "Rebooted the UPS; monitoring.")
        .expect("the note landed");
    assert_eq!(added["internalAnalysisFlag"], true);
    assert_ne!(
        added["detailDescriptionFlag"], true,
        "internal notes are not customer-visible"
    );
    let entry = sim
        .records("/time/entries")
        .into_iter()
        .find(|e| e["notes"] == "UPS battery check")
        .expect("the time entry landed");
    assert_eq!(entry["chargeToId"], json!(ticket_id));
    assert_eq!(entry["timeStart"], "2026-11-20T14:00:00Z", "whole-second UTC");
    assert_eq!(entry["actualHours"], json!(0.5));
}

/// The id of the status named `name` on `board`, from the tenant's own records.
fn status_id_on(sim: &connectwise_mcp::sim::Simulator, board: i64, name: &str) -> i64 {
    sim.records(&format!("/service/boards/{board}/statuses"))
        .into_iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("board {board} has {name}"))["id"]
        .as_i64()
        .unwrap()
}

/// "Move 8 to the Projects board as Scheduled": a status name is looked up
/// on the board the ticket moves to, not the one it leaves; a name the board
/// does not have is refused with the names it does, and nothing changes.
#[tokio::test]
async fn a_status_by_name_follows_the_board_the_ticket_moves_to() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes"], &sim_env(&sim)).await;
    let before = sim.get("/service/tickets", 8).unwrap();
    let from = before["board"]["id"].as_i64().unwrap();
    let to = sim
        .records("/service/boards")
        .into_iter()
        .map(|b| b["id"].as_i64().unwrap())
        .find(|b| *b != from)
        .expect("a second board");

    let refused = call(
        &client,
        "cw_update_ticket",
        json!({"id": 8, "status": "Escalated to Mars"}),
    )
    .await
    .unwrap();
    assert_eq!(refused.is_error, Some(true));
    let said = text(&refused);
    assert!(
        said.contains("status") && said.contains(&format!("board {from}")),
        "{said}"
    );
    assert!(
        said.contains("\"In Progress\""),
        "the board's names are listed: {said}"
    );
    assert_eq!(sim.get("/service/tickets", 8).unwrap(), before, "nothing changed");

    let both = call(
        &client,
        "cw_update_ticket",
        json!({"id": 8, "status": "New", "status_id": 1}),
    )
    .await
    .unwrap();
    assert_eq!(both.is_error, Some(true));
    assert!(text(&both).contains("status or status_id"), "{}", text(&both));

    call(
        &client,
        "cw_update_ticket",
        json!({"id": 8, "board_id": to, "status": "SCHEDULED"}),
    )
    .await
    .unwrap();
    let after = sim.get("/service/tickets", 8).unwrap();
    assert_eq!(after["board"]["id"], json!(to));
    assert_eq!(after["status"]["id"], json!(status_id_on(&sim, to, "Scheduled")));
    assert_ne!(
        status_id_on(&sim, to, "Scheduled"),
        status_id_on(&sim, from, "Scheduled")
    );
}

/// "Open a ticket for ACME on the Projects board, Scheduled, priority 2":
/// status and type names are looked up on the board the ticket is opened
/// on, the priority among the priorities; a status named without its board
/// is refused before anything is written, and so is a name the board lacks.
#[tokio::test]
async fn a_new_ticket_takes_its_status_priority_and_type_by_name() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes"], &sim_env(&sim)).await;
    let boards = sim.records("/service/boards");
    let board = boards.last().unwrap()["id"].as_i64().unwrap();
    let type_name = sim.records(&format!("/service/boards/{board}/types"))[0]["name"]
        .as_str()
        .expect("the board has a type")
        .to_owned();
    let priority = sim
        .records("/service/priorities")
        .into_iter()
        .find(|p| p["name"] == "Priority 2 - Quick Response")
        .unwrap();
    let tickets = sim.records("/service/tickets").len();

    let refused = |args: Value| {
        let client = &client;
        async move {
            let result = call(client, "cw_create_ticket", args).await.unwrap();
            assert_eq!(result.is_error, Some(true), "{}", text(&result));
            text(&result)
        }
    };
    let said = refused(json!({"company": "ACME", "summary": "Switch flapping", "status": "Scheduled"})).await;
    assert!(said.contains("give board_id too"), "{said}");
    let said = refused(
        json!({"company": "ACME", "summary": "Switch flapping", "board_id": board, "priority": "Urgent"}),
    )
    .await;
    assert!(
        said.contains("Priority 2 - Quick Response"),
        "the names are listed: {said}"
    );
    assert_eq!(sim.records("/service/tickets").len(), tickets, "nothing written");

    let created = json_of(
        &call(
            &client,
            "cw_create_ticket",
            json!({"company": "ACME", "summary": "Switch flapping", "board_id": board,
                   "status": "scheduled", "priority": "priority 2 - quick response", "type": type_name}),
        )
        .await
        .unwrap(),
    );
    // The answer: what names the ticket and what this call set, as stored
    // (names for the ids looked up), not the whole record.
    assert_eq!(created["status/name"], "Scheduled", "{created}");
    assert_eq!(
        created["priority/name"], "Priority 2 - Quick Response",
        "{created}"
    );
    assert!(created.get("_info/lastUpdated").is_some(), "{created}");
    assert!(
        created.get("currency/name").is_none() && created.get("billingMethod").is_none(),
        "{created}"
    );
    let stored = sim
        .get("/service/tickets", created["id"].as_i64().unwrap())
        .unwrap();
    assert_eq!(stored["board"]["id"], json!(board));
    assert_eq!(
        stored["status"]["id"],
        json!(status_id_on(&sim, board, "Scheduled"))
    );
    assert_eq!(stored["priority"]["id"], priority["id"]);
    assert_eq!(stored["type"]["name"], json!(type_name));
}

#[tokio::test]
async fn a_closed_time_period_is_reported_plainly_and_nothing_is_written() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes"], &sim_env(&sim)).await;
    let before = sim.records("/time/entries").len();
    let result = call(
        &client,
        "cw_create_time_entry",
        json!({"charge_to_type": "ServiceTicket", "charge_to_id": 8, "time_start": "2026-09-01T09:00:00Z", "hours": 1}),
    )
    .await
    .unwrap();
    assert_eq!(result.is_error, Some(true));
    assert!(
        text(&result).contains(connectwise_mcp::sim::errors::CLOSED_PERIOD_MESSAGE),
        "{}",
        text(&result)
    );
    assert_eq!(sim.records("/time/entries").len(), before);
}

/// "Log a call for ACME: the scanner is offline" and, later, "what was 4711
/// about?". ConnectWise keeps a new ticket's description only as its first
/// detail note (GET never returns `initialDescription`); the ticket tool
/// still shows it.
#[tokio::test]
async fn a_new_tickets_description_is_shown_when_it_is_read_back() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes"], &sim_env(&sim)).await;
    let board = sim.records("/service/boards")[0]["id"].as_i64().unwrap();
    let text_of_call = "Front-desk scanner shows offline since the power cut; printing works.";
    let created = json_of(
        &call(
            &client,
            "cw_create_ticket",
            json!({"company": "ACME", "summary": "Scanner offline", "board_id": board, "description": text_of_call}),
        )
        .await
        .unwrap(),
    );
    let id = created["id"].as_i64().unwrap();

    // The tenant: no initialDescription on the ticket, one detail note.
    let stored = sim.get("/service/tickets", id).unwrap();
    assert!(stored.get("initialDescription").is_none(), "{stored}");
    let notes = sim.records(&format!("/service/tickets/{id}/notes"));
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["detailDescriptionFlag"], true);

    // Read back: the description is there; with the notes, it is the
    // oldest detail note (and not sent twice).
    let ticket = json_of(&call(&client, "cw_get_ticket", json!({"id": id})).await.unwrap());
    // Customer text comes wrapped as «…» (the server instructions say so).
    assert_eq!(unwrapped(&ticket["description"]), text_of_call, "{ticket}");
    assert!(ticket.get("initialDescription").is_none());
    let with_notes = json_of(
        &call(&client, "cw_get_ticket", json!({"id": id, "include_notes": true}))
            .await
            .unwrap(),
    );
    assert!(with_notes.get("description").is_none(), "{with_notes}");
    let notes = records(&with_notes["notes"]);
    assert_eq!(unwrapped(&notes[0]["text"]), text_of_call, "{with_notes}");
    assert_eq!(notes[0]["detailDescriptionFlag"], true);
    // Asked for by name among the caller's own fields; left out when not named.
    let named = json_of(
        &call(
            &client,
            "cw_get_ticket",
            json!({"id": id, "fields": "summary,description"}),
        )
        .await
        .unwrap(),
    );
    assert_eq!(unwrapped(&named["summary"]), "Scanner offline");
    assert_eq!(unwrapped(&named["description"]), text_of_call);
    let without = json_of(
        &call(&client, "cw_get_ticket", json!({"id": id, "fields": "summary"}))
            .await
            .unwrap(),
    );
    assert!(without.get("description").is_none(), "{without}");
}
