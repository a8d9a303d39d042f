//! Writes an MSP can trust, end to end: the real binary over MCP stdio
//! against a simulated tenant whose state each test reads back. Every write
//! takes one path: previewed with `dry_run`, confirmed by token where the
//! deployment says so, never doubled (a repeated create, an answer lost after
//! the write), refused over someone else's change, journaled and reverted
//! by `cw_undo`.

mod support;

use connectwise_mcp::sim::Simulator;
use rmcp::handler::client::ClientHandler;
use rmcp::model::{
    CallToolRequestParams, CallToolResult, ClientCapabilities, ClientConfig, ElicitRequestParams,
    ElicitResult, ElicitationAction, Implementation,
};
use rmcp::service::{RequestContext, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ErrorData, RoleClient, ServiceExt};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};
use support::bin::{Env, temp_path, with_env};
use support::mcp::{Client, call, connect, failed, json_of, records, text, unwrapped};
use support::sim::{send_json, sim_env, start_sim};

/// The server's settings for `sim`, with its own journal (no test sees
/// another's writes).
fn env_for(sim: &Simulator, name: &str) -> Env {
    let db = temp_path(&format!("{name}.sqlite3"));
    let _ = std::fs::remove_file(&db);
    with_env(sim_env(sim), &[("CW_SAVED_QUERIES_DB", db.to_str().unwrap())])
}

/// The id of an open ACME ticket.
async fn acme_ticket(client: &Client) -> i64 {
    let found = json_of(
        &call(
            client,
            "cw_search_tickets",
            json!({"company": "ACME", "closed": false}),
        )
        .await
        .unwrap(),
    );
    records(&found)[0]["id"].as_i64().expect("an open ACME ticket")
}

/// Requests the simulator received that were not reads.
fn writes_received(sim: &Simulator) -> Vec<String> {
    sim.request_log()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path_and_query))
        .collect()
}

fn notes(sim: &Simulator, ticket: i64) -> Vec<Value> {
    sim.records(&format!("/service/tickets/{ticket}/notes"))
}

#[tokio::test]
async fn dry_run_of_every_write_tool_shows_the_exact_request_and_writes_nothing() {
    let sim = start_sim().await;
    let client = connect(
        &["--toolsets", "all", "--allow-writes", "--allow-deletes"],
        &env_for(&sim, "dry"),
    )
    .await;
    let ticket = acme_ticket(&client).await;
    let first = |collection: &str| sim.records(collection)[0]["id"].as_i64().expect("seeded");
    let (entry, sheet, schedule) = (
        first("/time/entries"),
        first("/time/sheets"),
        first("/schedule/entries"),
    );
    let (project, project_ticket, agreement) = (
        first("/project/projects"),
        first("/project/tickets"),
        first("/finance/agreements"),
    );
    let before_ticket = sim.get("/service/tickets", ticket).unwrap();
    let (tickets, entries, note_count) = (
        sim.records("/service/tickets").len(),
        sim.records("/time/entries").len(),
        notes(&sim, ticket).len(),
    );
    sim.clear_request_log();

    let cases = [
        (
            "cw_create_ticket",
            json!({"company": "ACME", "summary": "Printer offline", "board_id": 1}),
            json!({"method": "POST", "path": "/service/tickets",
                   "body": {"company": {"identifier": "ACME"}, "summary": "Printer offline", "board": {"id": 1}}}),
        ),
        (
            "cw_update_ticket",
            json!({"id": ticket, "summary": "Printer offline again"}),
            json!({"method": "PATCH", "path": format!("/service/tickets/{ticket}"),
                   "body": [{"op": "replace", "path": "summary", "value": "Printer offline again"}]}),
        ),
        (
            "cw_add_ticket_note",
            json!({"ticket_id": ticket, "text": "Rebooted", "visibility": "internal"}),
            json!({"method": "POST", "path": format!("/service/tickets/{ticket}/notes"),
                   "body": {"text": "Rebooted", "internalAnalysisFlag": true}}),
        ),
        (
            "cw_create_time_entry",
            json!({"charge_to_type": "ServiceTicket", "charge_to_id": ticket,
                   "time_start": "2026-11-20T15:00:00+01:00", "hours": 0.5}),
            json!({"method": "POST", "path": "/time/entries",
                   "body": {"chargeToType": "ServiceTicket", "chargeToId": ticket,
                            "timeStart": "2026-11-20T14:00:00Z", "actualHours": 0.5}}),
        ),
        // The tools of the other servers' tasks (issue 16).
        (
            "cw_update_time_entry",
            json!({"id": entry, "notes": "Replaced the toner", "hours": 1.25}),
            json!({"method": "PATCH", "path": format!("/time/entries/{entry}"),
                   "body": [{"op": "replace", "path": "notes", "value": "Replaced the toner"},
                            {"op": "replace", "path": "actualHours", "value": 1.25}]}),
        ),
        (
            "cw_submit_timesheet",
            json!({"id": sheet}),
            json!({"method": "POST", "path": format!("/time/sheets/{sheet}/submit")}),
        ),
        (
            "cw_create_company",
            json!({"identifier": "NEWCO", "name": "New Co Ltd"}),
            json!({"method": "POST", "path": "/company/companies", "body": {"identifier": "NEWCO", "name": "New Co Ltd"}}),
        ),
        (
            "cw_update_company",
            json!({"id": 2, "status_id": 3}),
            json!({"method": "PATCH", "path": "/company/companies/2",
                   "body": [{"op": "replace", "path": "status", "value": {"id": 3}}]}),
        ),
        (
            "cw_create_contact",
            json!({"company": "ACME", "first_name": "Jane"}),
            json!({"method": "POST", "path": "/company/contacts",
                   "body": {"company": {"identifier": "ACME"}, "firstName": "Jane"}}),
        ),
        (
            "cw_schedule_ticket",
            json!({"ticket_id": ticket, "member": "JSmith", "date_start": "2026-11-24T15:00:00+01:00", "date_end": "2026-11-24T15:00:00Z"}),
            json!({"method": "POST", "path": "/schedule/entries",
                   "body": {"type": {"identifier": "S"}, "objectId": ticket, "member": {"identifier": "JSmith"},
                            "dateStart": "2026-11-24T14:00:00Z", "dateEnd": "2026-11-24T15:00:00Z"}}),
        ),
        (
            "cw_move_schedule_entry",
            json!({"id": schedule, "member": "CLee"}),
            json!({"method": "PATCH", "path": format!("/schedule/entries/{schedule}"),
                   "body": [{"op": "replace", "path": "member", "value": {"identifier": "CLee"}}]}),
        ),
        (
            "cw_delete_schedule_entry",
            json!({"id": schedule}),
            json!({"method": "DELETE", "path": format!("/schedule/entries/{schedule}")}),
        ),
        (
            "cw_create_project",
            json!({"name": "Server migration", "company": "ACME", "board_id": 4, "billing_method": "FixedFee",
                   "estimated_start": "2026-12-01", "estimated_end": "2027-01-15"}),
            json!({"method": "POST", "path": "/project/projects",
                   "body": {"name": "Server migration", "company": {"identifier": "ACME"}, "board": {"id": 4},
                            "billingMethod": "FixedFee", "estimatedStart": "2026-12-01T00:00:00Z",
                            "estimatedEnd": "2027-01-15T00:00:00Z"}}),
        ),
        (
            "cw_update_project",
            json!({"id": project, "budget_hours": 80}),
            json!({"method": "PATCH", "path": format!("/project/projects/{project}"),
                   "body": [{"op": "replace", "path": "budgetHours", "value": 80.0}]}),
        ),
        (
            "cw_add_project_phase",
            json!({"project_id": project, "description": "Cutover"}),
            json!({"method": "POST", "path": format!("/project/projects/{project}/phases"), "body": {"description": "Cutover"}}),
        ),
        (
            "cw_add_project_note",
            json!({"project_id": project, "text": "Kick-off held"}),
            json!({"method": "POST", "path": format!("/project/projects/{project}/notes"), "body": {"text": "Kick-off held"}}),
        ),
        (
            "cw_add_project_ticket_note",
            json!({"ticket_id": project_ticket, "text": "Racked", "visibility": "resolution"}),
            json!({"method": "POST", "path": format!("/project/tickets/{project_ticket}/notes"),
                   "body": {"text": "Racked", "resolutionFlag": true}}),
        ),
        (
            "cw_create_opportunity",
            json!({"name": "Firewall refresh", "company": "ACME"}),
            json!({"method": "POST", "path": "/sales/opportunities",
                   "body": {"name": "Firewall refresh", "company": {"identifier": "ACME"}}}),
        ),
        (
            "cw_create_activity",
            json!({"name": "Follow-up call", "assign_to": "BCarter"}),
            json!({"method": "POST", "path": "/sales/activities",
                   "body": {"name": "Follow-up call", "assignTo": {"identifier": "BCarter"}}}),
        ),
        (
            "cw_create_agreement",
            json!({"name": "ACME Backup", "company": "ACME", "type_id": 1}),
            json!({"method": "POST", "path": "/finance/agreements",
                   "body": {"name": "ACME Backup", "company": {"identifier": "ACME"}, "type": {"id": 1}}}),
        ),
        (
            "cw_add_agreement_addition",
            json!({"agreement_id": agreement, "product": "MS-WKS", "quantity": 2, "bill_customer": "billable"}),
            json!({"method": "POST", "path": format!("/finance/agreements/{agreement}/additions"),
                   "body": {"product": {"identifier": "MS-WKS"}, "quantity": 2.0, "billCustomer": "Billable"}}),
        ),
        (
            "cw_call",
            json!({"method": "PATCH", "path": format!("/service/tickets/{ticket}"),
                   "body": [{"op": "replace", "path": "summary", "value": "Via cw_call"}]}),
            json!({"method": "PATCH", "path": format!("/service/tickets/{ticket}"),
                   "body": [{"op": "replace", "path": "summary", "value": "Via cw_call"}]}),
        ),
        (
            "cw_call",
            json!({"method": "DELETE", "path": format!("/service/tickets/{ticket}")}),
            json!({"method": "DELETE", "path": format!("/service/tickets/{ticket}")}),
        ),
    ];
    // A write tool cannot land without its case here.
    let mut untested: Vec<&str> = connectwise_mcp::toolsets::curated::tools()
        .iter()
        .filter(|t| t.tier != connectwise_mcp::tool::Tier::Read)
        .map(|t| t.name)
        .filter(|name| !cases.iter().any(|(tool, _, _)| tool == name))
        .collect();
    untested.sort();
    assert_eq!(untested, Vec::<&str>::new(), "write tools without a dry-run case");
    for (tool, mut args, expected) in cases {
        args["dry_run"] = json!(true);
        let answer = json_of(&call(&client, tool, args.clone()).await.unwrap());
        assert_eq!(answer["dry_run"], true, "{tool}: {answer}");
        assert_eq!(answer["written"], false, "{tool}: {answer}");
        let sent = &answer["would_send"];
        for key in ["method", "path", "body"] {
            assert_eq!(sent.get(key), expected.get(key), "{tool} {args}: {key} of {sent}");
        }
        if expected["method"] == "PATCH" && expected["path"] == format!("/service/tickets/{ticket}") {
            assert_eq!(
                unwrapped(&sent["current"]["summary"]),
                before_ticket["summary"],
                "{tool}: an update shows the value it replaces beside the new one: {sent}"
            );
            assert_eq!(sent["lastUpdated"], before_ticket["_info"]["lastUpdated"]);
        }
    }
    assert_eq!(
        writes_received(&sim),
        Vec::<String>::new(),
        "a dry run sends no write"
    );
    assert_eq!(sim.get("/service/tickets", ticket).unwrap(), before_ticket);
    assert_eq!(sim.records("/service/tickets").len(), tickets);
    assert_eq!(sim.records("/time/entries").len(), entries);
    assert_eq!(notes(&sim, ticket).len(), note_count);
}

#[tokio::test]
async fn a_create_repeated_three_times_creates_one_record_unless_a_new_key_is_given() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes"], &env_for(&sim, "idem")).await;
    let ticket = acme_ticket(&client).await;
    let count = notes(&sim, ticket).len();
    let args = json!({"ticket_id": ticket, "text": "Replaced the toner", "visibility": "internal"});

    let first = json_of(&call(&client, "cw_add_ticket_note", args.clone()).await.unwrap());
    assert!(first.get("repeated").is_none(), "{first}");
    for _ in 0..2 {
        let again = json_of(&call(&client, "cw_add_ticket_note", args.clone()).await.unwrap());
        assert_eq!(again["id"], first["id"], "the first result: {again}");
        assert!(
            again["repeated"].as_str().unwrap().contains("already made"),
            "{again}"
        );
    }
    assert_eq!(notes(&sim, ticket).len(), count + 1, "one note for three calls");

    let mut on_purpose = args.clone();
    on_purpose["idempotency_key"] = json!("second toner");
    let second = json_of(&call(&client, "cw_add_ticket_note", on_purpose).await.unwrap());
    assert_ne!(second["id"], first["id"]);
    assert_eq!(notes(&sim, ticket).len(), count + 2);
}

#[tokio::test]
async fn an_update_over_someone_elses_change_is_refused_with_what_changed() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes"], &env_for(&sim, "guard")).await;
    let ticket = acme_ticket(&client).await;
    let read = json_of(
        &call(&client, "cw_get_ticket", json!({"id": ticket}))
            .await
            .unwrap(),
    );
    let seen = read["_info/lastUpdated"]
        .as_str()
        .unwrap_or_else(|| panic!("cw_get_ticket returns _info/lastUpdated: {read}"))
        .to_owned();

    // Someone else changes the ticket a moment later (lastUpdated has seconds).
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _) = send_json(
        &sim,
        reqwest::Method::PATCH,
        &format!("/service/tickets/{ticket}"),
        &json!([{"op": "replace", "path": "summary", "value": "Changed by a colleague"}]),
    )
    .await;
    assert_eq!(status, 200);

    let refused = call(
        &client,
        "cw_update_ticket",
        json!({"id": ticket, "summary": "My summary", "last_updated": seen}),
    )
    .await
    .unwrap();
    let message = failed(&refused);
    assert!(message.contains("changed since you read it"), "{message}");
    assert!(
        message.contains("Changed by a colleague"),
        "shows the current value: {message}"
    );
    assert_eq!(
        sim.get("/service/tickets", ticket).unwrap()["summary"],
        "Changed by a colleague",
        "nothing was written over the colleague's change"
    );

    // With what the record says now, it goes through.
    let now = sim.get("/service/tickets", ticket).unwrap()["_info"]["lastUpdated"].clone();
    let done = json_of(
        &call(
            &client,
            "cw_update_ticket",
            json!({"id": ticket, "summary": "My summary", "last_updated": now}),
        )
        .await
        .unwrap(),
    );
    assert_eq!(unwrapped(&done["summary"]), "My summary");
}

#[tokio::test]
async fn cw_undo_restores_the_previous_values_and_deletes_a_created_note() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes"], &env_for(&sim, "undo")).await;
    let ticket = acme_ticket(&client).await;
    let before = sim.get("/service/tickets", ticket).unwrap();

    let updated = json_of(
        &call(
            &client,
            "cw_update_ticket",
            json!({"id": ticket, "summary": "Temporary summary", "priority_id": 1}),
        )
        .await
        .unwrap(),
    );
    let journal_id = updated["journal_id"]
        .as_i64()
        .expect("a write answers its journal id");
    assert_eq!(
        sim.get("/service/tickets", ticket).unwrap()["summary"],
        "Temporary summary"
    );

    let listed = json_of(&call(&client, "cw_undo", json!({})).await.unwrap());
    assert_eq!(listed["items"][0]["id"], journal_id, "{listed}");
    assert_eq!(listed["items"][0]["tool"], "cw_update_ticket");

    let undone = json_of(&call(&client, "cw_undo", json!({"id": journal_id})).await.unwrap());
    assert_eq!(undone["undid"], journal_id, "{undone}");
    let after = sim.get("/service/tickets", ticket).unwrap();
    assert_eq!(after["summary"], before["summary"]);
    assert_eq!(after["priority"]["id"], before["priority"]["id"]);
    let twice = call(&client, "cw_undo", json!({"id": journal_id})).await.unwrap();
    assert!(failed(&twice).contains("already undone"));

    // A created note is deleted, which needs the delete switch.
    let note = json_of(
        &call(
            &client,
            "cw_add_ticket_note",
            json!({"ticket_id": ticket, "text": "Wrong ticket", "visibility": "internal"}),
        )
        .await
        .unwrap(),
    );
    let note_journal = note["journal_id"].as_i64().unwrap();
    let refused = call(&client, "cw_undo", json!({"id": note_journal}))
        .await
        .unwrap();
    assert!(failed(&refused).contains("--allow-deletes"), "{}", text(&refused));
    let note_id = note["id"].as_i64().unwrap();
    assert!(notes(&sim, ticket).iter().any(|n| n["id"] == note_id));
    client.cancel().await.unwrap();

    // The same journal, a new session with deletes on.
    let db = temp_path("undo.sqlite3");
    let env = with_env(sim_env(&sim), &[("CW_SAVED_QUERIES_DB", db.to_str().unwrap())]);
    let client = connect(&["--allow-writes", "--allow-deletes"], &env).await;
    json_of(
        &call(&client, "cw_undo", json!({"id": note_journal}))
            .await
            .unwrap(),
    );
    assert!(
        !notes(&sim, ticket).iter().any(|n| n["id"] == note_id),
        "the created note is gone"
    );
}

#[tokio::test]
async fn with_confirmation_on_nothing_is_written_without_the_token_and_a_token_fits_one_request() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes", "--confirm-writes"], &env_for(&sim, "confirm")).await;
    let ticket = acme_ticket(&client).await;
    let count = notes(&sim, ticket).len();
    let args = json!({"ticket_id": ticket, "text": "Called the customer", "visibility": "discussion"});

    let asked = json_of(&call(&client, "cw_add_ticket_note", args.clone()).await.unwrap());
    assert_eq!(asked["confirmation_required"], true, "{asked}");
    assert_eq!(asked["would_send"]["body"]["text"], "Called the customer");
    let token = asked["confirm_token"].as_str().unwrap().to_owned();
    assert_eq!(notes(&sim, ticket).len(), count, "no write without the token");
    assert!(writes_received(&sim).is_empty());

    // The token of one request does not write another, and is spent.
    let mut other = args.clone();
    other["text"] = json!("Something else entirely");
    other["confirm_token"] = json!(token);
    let refused = call(&client, "cw_add_ticket_note", other).await.unwrap();
    assert!(
        failed(&refused).contains("different request"),
        "{}",
        text(&refused)
    );
    let mut replay = args.clone();
    replay["confirm_token"] = json!(token);
    let spent = call(&client, "cw_add_ticket_note", replay).await.unwrap();
    assert!(failed(&spent).contains("already used"), "{}", text(&spent));
    assert_eq!(notes(&sim, ticket).len(), count);

    // A fresh token, given back with the same request, writes once.
    let asked = json_of(&call(&client, "cw_add_ticket_note", args.clone()).await.unwrap());
    let mut confirmed = args.clone();
    confirmed["confirm_token"] = asked["confirm_token"].clone();
    let written = json_of(
        &call(&client, "cw_add_ticket_note", confirmed.clone())
            .await
            .unwrap(),
    );
    assert_eq!(unwrapped(&written["text"]), "Called the customer");
    assert_eq!(notes(&sim, ticket).len(), count + 1);

    // cw_call writes take the same gate.
    let raw = json_of(
        &call(
            &client,
            "cw_call",
            json!({"method": "PATCH", "path": format!("/service/tickets/{ticket}"),
                   "body": [{"op": "replace", "path": "summary", "value": "Raw"}]}),
        )
        .await
        .unwrap(),
    );
    assert_eq!(raw["confirmation_required"], true, "{raw}");
    assert_ne!(sim.get("/service/tickets", ticket).unwrap()["summary"], "Raw");
}

#[tokio::test]
async fn a_write_whose_answer_was_dropped_is_looked_up_and_reported_written() {
    let sim = start_sim().await;
    let client = connect(&["--allow-writes"], &env_for(&sim, "dropped")).await;
    let ticket = acme_ticket(&client).await;
    let count = notes(&sim, ticket).len();
    let args = json!({"ticket_id": ticket, "text": "UPS battery swapped", "visibility": "internal"});

    sim.faults().drop_after_write(1);
    let answer = call(&client, "cw_add_ticket_note", args.clone()).await.unwrap();
    let answer = json_of(&answer);
    assert_eq!(notes(&sim, ticket).len(), count + 1, "ConnectWise made the write");
    assert!(
        answer["note"].as_str().unwrap().contains("WAS made"),
        "said written, not 'cannot reach ConnectWise': {answer}"
    );
    assert_eq!(unwrapped(&answer["text"]), "UPS battery swapped");
    let stored = notes(&sim, ticket);
    assert_eq!(answer["id"], stored.last().unwrap()["id"], "with the record");

    // A model that retries anyway does not write it twice.
    let again = json_of(&call(&client, "cw_add_ticket_note", args).await.unwrap());
    assert!(again.get("repeated").is_some(), "{again}");
    assert_eq!(notes(&sim, ticket).len(), count + 1);

    // An update whose answer is dropped is looked up the same way.
    sim.faults().drop_after_write(1);
    let updated = json_of(
        &call(
            &client,
            "cw_update_ticket",
            json!({"id": ticket, "summary": "After the drop"}),
        )
        .await
        .unwrap(),
    );
    assert!(
        updated["note"].as_str().unwrap().contains("WAS made"),
        "{updated}"
    );
    assert_eq!(
        sim.get("/service/tickets", ticket).unwrap()["summary"],
        "After the drop"
    );
}

#[tokio::test]
async fn over_http_confirmation_is_per_role_and_a_token_is_bound_to_its_session() {
    use support::http::{ADMIN, EDITOR, Server, token_env};
    let sim = start_sim().await;
    let mut env = env_for(&sim, "http-confirm");
    env.extend(token_env());
    let server = Server::start(&["--allow-writes"], &["--confirm-writes-roles", "editor"], &env);
    let editor = server.connect(Some(EDITOR), &[]).await.unwrap();
    let ticket = acme_ticket(&editor).await;
    let count = notes(&sim, ticket).len();
    let args = json!({"ticket_id": ticket, "text": "Checked the backups", "visibility": "internal"});

    let asked = json_of(&call(&editor, "cw_add_ticket_note", args.clone()).await.unwrap());
    assert_eq!(
        asked["confirmation_required"], true,
        "an editor confirms: {asked}"
    );
    let mut confirmed = args.clone();
    confirmed["confirm_token"] = asked["confirm_token"].clone();

    // The same token in another session of the same token holder does not write.
    let other_session = server.connect(Some(EDITOR), &[]).await.unwrap();
    let refused = call(&other_session, "cw_add_ticket_note", confirmed.clone())
        .await
        .unwrap();
    assert!(failed(&refused).contains("another session"), "{}", text(&refused));
    assert_eq!(notes(&sim, ticket).len(), count);

    // An admin's writes are not confirmed in this deployment.
    let admin = server.connect(Some(ADMIN), &[]).await.unwrap();
    let written = json_of(&call(&admin, "cw_add_ticket_note", args.clone()).await.unwrap());
    assert_eq!(unwrapped(&written["text"]), "Checked the backups", "{written}");
    assert_eq!(notes(&sim, ticket).len(), count + 1);
}

/// A client whose user answers every question the same way, and the
/// questions they were shown.
#[derive(Clone)]
struct User {
    action: ElicitationAction,
    ticks_send: bool,
    shown: Arc<Mutex<Vec<String>>>,
}

impl ClientHandler for User {
    fn get_info(&self) -> ClientConfig {
        ClientConfig::new(
            ClientCapabilities::builder().enable_elicitation().build(),
            Implementation::new("elicitation-test", "1"),
        )
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, ErrorData> {
        if let ElicitRequestParams::FormElicitationParams { message, .. } = request {
            self.shown.lock().unwrap().push(message);
        }
        let answer = ElicitResult::new(self.action.clone());
        Ok(match self.action {
            ElicitationAction::Accept => answer.with_content(json!({"send": self.ticks_send})),
            _ => answer,
        })
    }
}

/// The server over stdio, spoken to by `user`'s client.
async fn connect_as(user: User, args: &[&str], env: &Env) -> RunningService<RoleClient, User> {
    let cmd = tokio::process::Command::from(support::bin::command(args, env));
    let (transport, _) = TokioChildProcess::builder(cmd)
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("spawning connectwise-mcp");
    user.serve(transport).await.expect("initialize")
}

#[tokio::test]
async fn with_confirmation_on_a_client_that_can_ask_asks_the_user_and_writes_only_on_yes() {
    let sim = start_sim().await;
    let args = json!({"text": "Replaced the fan", "visibility": "internal"});
    for (action, ticks, writes) in [
        (ElicitationAction::Accept, true, true),
        (ElicitationAction::Accept, false, false),
        (ElicitationAction::Decline, false, false),
        (ElicitationAction::Cancel, false, false),
    ] {
        let user = User {
            action: action.clone(),
            ticks_send: ticks,
            shown: Arc::default(),
        };
        let env = env_for(&sim, &format!("elicit-{action:?}-{ticks}"));
        let client = connect_as(user.clone(), &["--allow-writes", "--confirm-writes"], &env).await;
        let found = json_of(
            &call_as(
                &client,
                "cw_search_tickets",
                json!({"company": "ACME", "closed": false}),
            )
            .await,
        );
        let ticket = records(&found)[0]["id"].as_i64().unwrap();
        let count = notes(&sim, ticket).len();
        let mut note = args.clone();
        note["ticket_id"] = json!(ticket);

        let result = call_as(&client, "cw_add_ticket_note", note).await;
        let shown = user.shown.lock().unwrap().clone();
        assert_eq!(shown.len(), 1, "the user is asked once: {shown:?}");
        assert!(
            shown[0].contains("cw_add_ticket_note")
                && shown[0].contains("Replaced the fan")
                && shown[0].contains("POST"),
            "the question shows exactly what would be sent: {}",
            shown[0]
        );
        if writes {
            let written = json_of(&result);
            assert_eq!(unwrapped(&written["text"]), "Replaced the fan", "{written}");
            assert_eq!(
                notes(&sim, ticket).len(),
                count + 1,
                "written once, with no token"
            );
        } else {
            let why = failed(&result);
            assert!(why.contains("nothing was sent"), "{action:?}/{ticks}: {why}");
            assert_eq!(
                notes(&sim, ticket).len(),
                count,
                "{action:?}/{ticks}: nothing written"
            );
        }
        client.cancel().await.unwrap();
    }
    let posts = writes_received(&sim);
    assert_eq!(posts.len(), 1, "one write reached ConnectWise, on yes: {posts:?}");
}

async fn call_as(client: &RunningService<RoleClient, User>, name: &str, args: Value) -> CallToolResult {
    let mut params = CallToolRequestParams::new(name.to_owned());
    if let Value::Object(map) = args {
        params = params.with_arguments(map);
    }
    client.call_tool(params).await.expect("tools/call")
}
