//! Writes against the simulator: creation, validation, references, PATCH,
//! PUT, DELETE, child collections and time-entry rules.

mod support;

use connectwise_mcp::sim::errors::CLOSED_PERIOD_MESSAGE;
use reqwest::Method;
use serde_json::{Value, json};
use support::sim::{list, request, send_json, start_sim};

async fn post(sim: &connectwise_mcp::sim::Simulator, path: &str, body: Value) -> (u16, Value) {
    send_json(sim, Method::POST, path, &body).await
}

async fn patch(sim: &connectwise_mcp::sim::Simulator, path: &str, body: Value) -> (u16, Value) {
    send_json(sim, Method::PATCH, path, &body).await
}

#[tokio::test]
async fn post_assigns_the_next_id_and_fills_info() {
    let sim = start_sim().await;
    let next = sim.records("/service/tickets").last().unwrap()["id"]
        .as_i64()
        .unwrap()
        + 1;
    let (status, body) = post(
        &sim,
        "/service/tickets",
        json!({"summary": "Printer offline", "board": {"id": 1}}),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(body["id"], next);
    for key in ["dateEntered", "enteredBy", "lastUpdated", "updatedBy"] {
        assert!(body["_info"][key].is_string(), "_info/{key} in {body}");
    }
    assert_eq!(body["_info"]["updatedBy"], "APIMember");
    assert_eq!(sim.get("/service/tickets", next), Some(body));
}

#[tokio::test]
async fn post_resolves_references_to_full_reference_objects() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/service/tickets",
        json!({"summary": "VPN down", "board": {"id": 1}, "company": {"identifier": "acme"},
               "priority": {"id": 1}, "owner": {"identifier": "JSmith"}}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let base = sim.base_url();
    let guid = |path: &str, id: i64| sim.get(path, id).unwrap()["mobileGuid"].clone();
    assert_eq!(
        body["board"],
        json!({"id": 1, "name": "Service Desk", "_info": {"board_href": format!("{base}//service/boards/1")}})
    );
    assert_eq!(
        body["company"],
        json!({"id": 2, "identifier": "ACME", "name": "Acme Dental Group", "_info": {
            "company_href": format!("{base}//company/companies/2"), "mobileGuid": guid("/company/companies", 2)}})
    );
    assert_eq!(
        body["owner"],
        json!({"id": 1, "identifier": "JSmith", "name": "John Smith", "_info": {
            "member_href": format!("{base}//system/members/1")}})
    );
    assert!(body["priority"]["name"].is_string());
    assert_eq!(
        body["status"],
        json!({"id": 1, "name": "New", "Sort": 0, "_info": {
            "status_href": format!("{base}//service/boards/1/statuses/1")}}),
        "a new ticket takes its board's first status"
    );
}

#[tokio::test]
async fn a_missing_required_field_is_a_400_naming_it() {
    let sim = start_sim().await;
    let (status, body) = post(&sim, "/service/tickets", json!({"board": {"id": 1}})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"code": "InvalidObject", "message": "ticket object is invalid", "errors": [
            {"code": "MissingRequiredField", "message": "summary is required.", "resource": "ticket", "field": "summary"}
        ]})
    );
}

#[tokio::test]
async fn a_value_of_the_wrong_type_is_a_400_naming_the_field() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/service/tickets",
        json!({"summary": "x", "board": "Service Desk"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "board");
    assert_eq!(body["errors"][0]["code"], "InvalidType");
    let (status, body) = post(
        &sim,
        "/service/tickets",
        json!({"summary": "x", "board": {"id": "one"}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "board/id");
}

#[tokio::test]
async fn an_enum_value_outside_the_list_is_a_400() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/service/tickets",
        json!({"summary": "x", "severity": "Apocalyptic"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "severity");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("Low, Medium, High")
    );
}

#[tokio::test]
async fn text_longer_than_the_max_length_is_a_400() {
    let sim = start_sim().await;
    let (status, body) = post(&sim, "/service/tickets", json!({"summary": "x".repeat(101)})).await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"code": "MaxLengthField", "message": "The field summary must be a string with a maximum length of 100."})
    );
}

#[tokio::test]
async fn a_reference_to_a_missing_record_is_a_400() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/service/tickets",
        json!({"summary": "x", "company": {"id": 424242}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(
        body,
        json!({"code": "InvalidObject", "message": "ticket object is invalid", "errors": [
            {"code": "NotFound", "message": "Company 424242 not found", "resource": "ticket", "field": "company/id"}
        ]})
    );
}

#[tokio::test]
async fn a_status_missing_from_the_board_is_not_found_for_that_board() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/service/tickets",
        json!({"summary": "x", "board": {"id": 2}, "status": {"id": 1}}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["code"], "NotFound");
    assert_eq!(body["errors"][0]["field"], "status/id");
    assert_eq!(
        body["errors"][0]["message"],
        "Service Status 1 not found for Service Board 2"
    );
}

#[tokio::test]
async fn a_patch_body_that_is_not_an_array_is_a_400_and_changes_nothing() {
    let sim = start_sim().await;
    let before = sim.get("/service/tickets", 5);
    let (status, body) = patch(
        &sim,
        "/service/tickets/5",
        json!({"op": "replace", "path": "summary", "value": "Renamed"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["code"], "InvalidObject");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("JSON Patch array")
    );
    assert_eq!(sim.get("/service/tickets", 5), before);
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_400() {
    let sim = start_sim().await;
    let response = request(&sim, Method::POST, "/service/tickets")
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "InvalidObject");
}

#[tokio::test]
async fn initial_description_becomes_the_first_note() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/service/tickets",
        json!({"summary": "x", "initialDescription": "It broke."}),
    )
    .await;
    assert_eq!(status, 201);
    assert!(body.get("initialDescription").is_none());
    let id = body["id"].as_i64().unwrap();
    let notes = sim.records(&format!("/service/tickets/{id}/notes"));
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["text"], "It broke.");
    assert_eq!(notes[0]["detailDescriptionFlag"], true);
}

#[tokio::test]
async fn patch_replaces_a_reference_and_resolves_its_name() {
    let sim = start_sim().await;
    let board = sim.get("/service/tickets", 5).unwrap()["board"]["id"]
        .as_i64()
        .unwrap();
    let target = sim.records(&format!("/service/boards/{board}/statuses"))[1].clone();
    let (status, body) = patch(
        &sim,
        "/service/tickets/5",
        json!([{"op": "replace", "path": "status", "value": {"id": target["id"]}}]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"]["id"], target["id"]);
    assert_eq!(body["status"]["name"], target["name"]);
    assert_eq!(body["_info"]["updatedBy"], "APIMember");
    assert_eq!(sim.get("/service/tickets", 5).unwrap()["status"], body["status"]);
}

#[tokio::test]
async fn patch_accepts_slash_and_nested_paths() {
    let sim = start_sim().await;
    let (status, body) = patch(
        &sim,
        "/service/tickets/5",
        json!([{"op": "replace", "path": "/summary", "value": "Renamed"},
               {"op": "replace", "path": "priority/id", "value": 1}]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["summary"], "Renamed");
    assert_eq!(body["priority"]["id"], 1);
    assert!(
        body["priority"]["name"]
            .as_str()
            .unwrap()
            .starts_with("Priority 1")
    );
}

#[tokio::test]
async fn patch_remove_drops_a_field() {
    let sim = start_sim().await;
    let (status, body) = patch(
        &sim,
        "/service/tickets/1",
        json!([{"op": "remove", "path": "contact"}]),
    )
    .await;
    assert_eq!(status, 200);
    assert!(body.get("contact").is_none());
}

#[tokio::test]
async fn patch_of_an_unknown_path_is_a_400() {
    let sim = start_sim().await;
    let (status, body) = patch(
        &sim,
        "/service/tickets/5",
        json!([{"op": "replace", "path": "stauts", "value": {"id": 1}}]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "stauts");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("status"));
}

#[tokio::test]
async fn patch_with_a_value_of_the_wrong_type_is_a_400() {
    let sim = start_sim().await;
    let before = sim.get("/service/tickets", 5);
    let (status, body) = patch(
        &sim,
        "/service/tickets/5",
        json!([{"op": "replace", "path": "summary", "value": 5}]),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "summary");
    assert_eq!(
        sim.get("/service/tickets", 5),
        before,
        "a rejected patch changes nothing"
    );
}

#[tokio::test]
async fn put_replaces_the_record_and_keeps_its_id() {
    let sim = start_sim().await;
    let (status, body) = send_json(
        &sim,
        Method::PUT,
        "/service/tickets/9",
        &json!({"summary": "Replaced", "board": {"id": 2}}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["id"], 9);
    assert_eq!(body["summary"], "Replaced");
    assert_eq!(
        body["board"]["name"],
        sim.get("/service/boards", 2).unwrap()["name"]
    );
    assert!(body.get("company").is_none());
}

#[tokio::test]
async fn delete_answers_204_and_the_record_is_gone() {
    let sim = start_sim().await;
    let response = request(&sim, Method::DELETE, "/service/tickets/3")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(sim.get("/service/tickets", 3).is_none());
    let (status, _, _) = list(&sim, "/service/tickets/3", &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_note_is_created_under_its_ticket() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/service/tickets/1/notes",
        json!({"text": "Called the client.", "internalAnalysisFlag": true}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["ticketId"], 1);
    assert_eq!(body["member"]["identifier"], "APIMember");
    let id = body["id"].as_i64().unwrap();
    assert_eq!(sim.get("/service/tickets/1/notes", id), Some(body));
}

#[tokio::test]
async fn a_note_needs_one_of_the_three_flags() {
    let sim = start_sim().await;
    let (status, body) = post(&sim, "/service/tickets/1/notes", json!({"text": "Hello"})).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "detailDescriptionFlag");
}

#[tokio::test]
async fn a_note_on_a_missing_ticket_is_a_404() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/service/tickets/999999/notes",
        json!({"text": "Hello", "detailDescriptionFlag": true}),
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(body["code"], "NotFound");
}

#[tokio::test]
async fn a_time_entry_in_an_open_period_is_charged_to_its_ticket() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/time/entries",
        json!({"chargeToId": 1, "chargeToType": "ServiceTicket", "member": {"identifier": "JSmith"},
               "timeStart": "2026-11-20T14:00:00Z", "timeEnd": "2026-11-20T15:30:00Z", "notes": "Replaced PSU."}),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["actualHours"], 1.5);
    assert_eq!(body["ticket"]["id"], 1);
    assert_eq!(
        body["company"],
        sim.get("/service/tickets", 1).unwrap()["company"]
    );
    assert_eq!(body["member"]["name"], "John Smith");
}

#[tokio::test]
async fn a_time_entry_in_a_closed_period_is_a_400_saying_so() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/time/entries",
        json!({"chargeToId": 1, "chargeToType": "ServiceTicket", "timeStart": "2026-01-05T14:00:00Z", "actualHours": 1}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["message"], CLOSED_PERIOD_MESSAGE);
    assert_eq!(body["errors"][0]["field"], "timeStart");
}

#[tokio::test]
async fn fractional_seconds_in_a_timestamp_are_a_400() {
    let sim = start_sim().await;
    let (status, body) = post(
        &sim,
        "/time/entries",
        json!({"chargeToId": 1, "chargeToType": "ServiceTicket", "timeStart": "2026-11-20T14:00:00.123Z"}),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["field"], "timeStart");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("fractional seconds")
    );
}

#[tokio::test]
async fn reset_restores_the_seed() {
    let sim = start_sim().await;
    let before = sim.records("/service/tickets");
    post(&sim, "/service/tickets", json!({"summary": "temporary"})).await;
    assert_ne!(sim.records("/service/tickets"), before);
    sim.reset();
    assert_eq!(sim.records("/service/tickets"), before);
}
