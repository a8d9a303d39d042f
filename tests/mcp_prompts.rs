//! Prompts, resources and completions, end to end: the real binary over MCP
//! (stdio, and HTTP where the session's role matters) against a simulated
//! tenant.
//!
//! Every prompt is fetched with `prompts/get`, and every tool call its text
//! names is made as written (values it marks `"<…>"` filled from earlier
//! answers, as a model would) and must answer.

mod support;

use connectwise_mcp::mcp::prompts::calls_in;
use connectwise_mcp::sim::DEMO_MEMBER_IDENTIFIER;
use rmcp::model::{
    ArgumentInfo, CompleteRequestParams, CompletionContext, GetPromptRequestParams,
    ReadResourceRequestParams, Reference, ResourceContents,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use support::http::{Server, VIEWER, token_env};
use support::mcp::{Client, at_path, call, connect, json_of, records, text};
use support::sim::{sim_env, start_sim};

/// The prompt's text, fetched over MCP.
async fn prompt(client: &Client, name: &str, args: Value) -> String {
    let mut params = GetPromptRequestParams::new(name);
    if let Value::Object(map) = args {
        params = params.with_arguments(map);
    }
    let got = client.get_prompt(params).await.expect("prompts/get");
    assert_eq!(got.messages.len(), 1);
    got.messages[0]
        .content
        .as_text()
        .expect("a text message")
        .text
        .clone()
}

/// What the test knows to put in for each "<…>" a prompt may use.
struct Facts(HashMap<&'static str, Value>);

impl Facts {
    /// Fills every "<…>" string of `args`; a placeholder the test does not
    /// know fails the test, so a new one is never silently sent as text.
    fn fill(&self, args: &Value) -> Value {
        match args {
            Value::String(s) if s.starts_with('<') => self
                .0
                .get(s.as_str())
                .cloned()
                .unwrap_or_else(|| panic!("a placeholder this test does not know: {s}")),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), self.fill(v))).collect()),
            other => other.clone(),
        }
    }

    /// Learns from an answer what later steps need.
    fn learn(&mut self, tool: &str, answer: &Value) {
        match tool {
            "cw_get_ticket" => {
                let board = at_path(answer, "board/id").clone();
                self.0.insert("<the ticket's board id>", board);
            }
            "cw_list_board_statuses" => {
                let closed = records(answer)
                    .into_iter()
                    .find(|s| s["closedStatus"] == true)
                    .expect("the board has a closed status");
                self.0.insert("<the closed status id>", closed["id"].clone());
                self.0
                    .insert("<the name of its board's closed status>", closed["name"].clone());
            }
            _ => {}
        }
    }
}

/// Makes every call the prompt's text names, in order; each must answer.
/// Returns the answers by tool.
async fn follow(client: &Client, text: &str, facts: &mut Facts) -> HashMap<String, Value> {
    let calls = calls_in(text);
    assert!(calls.len() >= 3, "a plan of several calls: {text}");
    let mut answers = HashMap::new();
    for (tool, args) in calls {
        let args = facts.fill(&args);
        let result = call(client, &tool, args.clone())
            .await
            .unwrap_or_else(|e| panic!("{tool} {args}: {e}"));
        let answer = json_of(&result);
        facts.learn(&tool, &answer);
        answers.insert(tool, answer);
    }
    answers
}

#[tokio::test]
async fn every_prompt_lists_its_arguments_and_its_tool_calls_answer_on_the_simulated_tenant() {
    let sim = start_sim().await;
    let client = connect(&["--toolsets", "all", "--allow-writes"], &sim_env(&sim)).await;

    let listed = client.list_all_prompts().await.expect("prompts/list");
    let names: Vec<&str> = listed.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "my_day",
            "triage_board",
            "end_of_day_time_check",
            "customer_briefing",
            "close_out_ticket"
        ]
    );
    let triage = &listed[1];
    let board = &triage.arguments.as_ref().unwrap()[0];
    assert_eq!((board.name.as_str(), board.required), ("board", Some(true)));

    let open = json_of(
        &call(
            &client,
            "cw_search_tickets",
            json!({"company": "ACME", "closed": false}),
        )
        .await
        .unwrap(),
    );
    let ticket = records(&open)[0]["id"].clone();
    let mut facts = Facts(HashMap::from([
        ("<my member identifier>", json!(DEMO_MEMBER_IDENTIFIER)),
        ("<a ticket id from the search>", ticket.clone()),
        ("<a scheduled ticket's id>", ticket.clone()),
        ("<when the work started, UTC>", json!("2026-11-20T14:00:00Z")),
    ]));

    let day = prompt(&client, "my_day", json!({"date": "2026-11-20"})).await;
    assert!(
        day.contains("2026-11-20") && !day.contains("not enabled"),
        "{day}"
    );
    let answers = follow(&client, &day, &mut facts).await;
    assert!(answers.contains_key("cw_search_schedule_entries"));

    let triage = prompt(&client, "triage_board", json!({"board": "Service Desk"})).await;
    let answers = follow(&client, &triage, &mut facts).await;
    let new = records(&answers["cw_search_tickets"]);
    assert!(!new.is_empty(), "the simulated Service Desk has new tickets");

    let check = prompt(&client, "end_of_day_time_check", json!({"date": "2026-11-20"})).await;
    follow(&client, &check, &mut facts).await;
    let theirs = prompt(
        &client,
        "end_of_day_time_check",
        json!({"date": "2026-11-20", "member": DEMO_MEMBER_IDENTIFIER}),
    )
    .await;
    assert!(theirs.contains("cw_search_time_entries"), "{theirs}");
    follow(&client, &theirs, &mut facts).await;

    let briefing = prompt(&client, "customer_briefing", json!({"company": "ACME"})).await;
    let answers = follow(&client, &briefing, &mut facts).await;
    assert!(
        !records(&answers["cw_search_contacts"]).is_empty(),
        "ACME has contacts"
    );

    let close = prompt(
        &client,
        "close_out_ticket",
        json!({"ticket_id": ticket.to_string(), "resolution": "Replaced the UPS battery.", "hours": "0.5"}),
    )
    .await;
    let answers = follow(&client, &close, &mut facts).await;
    assert_eq!(answers["cw_add_ticket_note"]["resolutionFlag"], true);
    assert!(answers.contains_key("cw_create_time_entry"));
    let closed = json_of(
        &call(
            &client,
            "cw_get_ticket",
            json!({"id": ticket, "fields": "id,status/id"}),
        )
        .await
        .unwrap(),
    );
    assert_eq!(
        at_path(&closed, "status/id"),
        &facts.0["<the closed status id>"],
        "{closed}"
    );

    let bad = client
        .get_prompt(GetPromptRequestParams::new("triage_board"))
        .await
        .unwrap_err()
        .to_string();
    assert!(bad.contains("board: required"), "{bad}");
}

#[tokio::test]
async fn a_default_session_says_which_steps_it_cannot_take_and_refuses_them() {
    let sim = start_sim().await;
    let client = connect(&[], &sim_env(&sim)).await;
    let briefing = prompt(&client, "customer_briefing", json!({"company": "ACME"})).await;
    let agreements = briefing
        .lines()
        .find(|l| l.contains("cw_search_agreements"))
        .unwrap();
    assert!(agreements.contains("`finance` is not selected"), "{agreements}");
    let refused = call(&client, "cw_search_agreements", json!({"company": "ACME"}))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("not enabled"), "{refused}");
}

fn read_text(contents: &[ResourceContents]) -> (String, Option<String>) {
    match &contents[0] {
        ResourceContents::TextResourceContents { text, mime_type, .. } => (text.clone(), mime_type.clone()),
        other => panic!("text contents: {other:?}"),
    }
}

async fn read(client: &Client, uri: &str) -> Result<(String, Option<String>), String> {
    client
        .read_resource(ReadResourceRequestParams::new(uri))
        .await
        .map(|r| read_text(&r.contents))
        .map_err(|e| e.to_string())
}

#[tokio::test]
async fn resources_read_records_through_their_tools_and_say_what_is_wrong() {
    let sim = start_sim().await;
    let client = connect(&["--max-result-tokens", "500"], &sim_env(&sim)).await;

    let templates = client.list_all_resource_templates().await.expect("templates");
    let uris: Vec<&str> = templates.iter().map(|t| t.uri_template.as_str()).collect();
    assert!(uris.contains(&"connectwise://service/tickets/{id}"), "{uris:?}");
    assert!(
        uris.contains(&"connectwise://api/operations/{operationId}"),
        "{uris:?}"
    );
    let resources = client.list_all_resources().await.expect("resources");
    assert_eq!(resources[0].uri, "connectwise://docs/conditions");

    let open = json_of(
        &call(&client, "cw_search_tickets", json!({"fields": "id"}))
            .await
            .unwrap(),
    );
    let id = records(&open)[0]["id"].as_i64().unwrap();
    let (ticket, mime) = read(&client, &format!("connectwise://service/tickets/{id}"))
        .await
        .unwrap();
    let tool = call(&client, "cw_get_ticket", json!({"id": id})).await.unwrap();
    assert_eq!(
        ticket,
        text(&tool),
        "the same answer as the tool, shaped and capped the same"
    );
    assert_eq!(mime.as_deref(), Some("application/json"));

    let (op, _) = read(&client, "connectwise://api/operations/getServiceTickets")
        .await
        .unwrap();
    let op: Value = serde_json::from_str(&op).unwrap_or_else(|_| json!({"text": op}));
    assert!(op.to_string().contains("/service/tickets"), "{op}");

    let (sheet, mime) = read(&client, "connectwise://docs/conditions").await.unwrap();
    assert!(sheet.contains("contains") && mime.as_deref() == Some("text/markdown"));

    let missing = read(&client, "connectwise://service/tickets/999999")
        .await
        .unwrap_err();
    assert!(
        missing.contains("-32002") || missing.to_lowercase().contains("not found"),
        "{missing}"
    );
    let bad = read(&client, "connectwise://service/tickets/abc")
        .await
        .unwrap_err();
    assert!(bad.contains("not a record id"), "{bad}");
    let unknown = read(&client, "connectwise://finance/invoices/1")
        .await
        .unwrap_err();
    assert!(unknown.contains("unknown resource"), "{unknown}");
}

#[tokio::test]
async fn resources_follow_the_sessions_toolsets() {
    let sim = start_sim().await;
    let client = connect(&["--toolsets", "tickets"], &sim_env(&sim)).await;
    let templates = client.list_all_resource_templates().await.expect("templates");
    let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["ticket"]);
    let off = read(&client, "connectwise://company/companies/1")
        .await
        .unwrap_err();
    assert!(off.contains("not enabled") && off.contains("companies"), "{off}");
}

async fn complete(
    client: &Client,
    reference: Reference,
    arg: &str,
    value: &str,
    context: &[(&str, &str)],
) -> Vec<String> {
    let mut params = CompleteRequestParams::new(reference, ArgumentInfo::new(arg, value));
    if !context.is_empty() {
        let chosen = context
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        params = params.with_context(CompletionContext::with_arguments(chosen));
    }
    let result = client.complete(params).await.expect("completion/complete");
    assert!(result.completion.values.len() <= 100);
    result.completion.values
}

#[tokio::test]
async fn completions_come_from_the_tenant_by_prefix() {
    let sim = start_sim().await;
    let client = connect(&[], &sim_env(&sim)).await;
    let triage = || Reference::for_prompt("triage_board");

    let boards = complete(&client, triage(), "board", "serv", &[]).await;
    assert_eq!(boards, ["Service Desk"]);
    let statuses = complete(&client, triage(), "status", "", &[("board", "Service Desk")]).await;
    assert!(statuses.contains(&"New".to_owned()), "{statuses:?}");
    assert!(
        complete(&client, triage(), "status", "", &[]).await.is_empty(),
        "no board chosen: nothing"
    );
    let priorities = complete(&client, triage(), "priority", "", &[]).await;
    assert!(!priorities.is_empty());

    let companies = complete(
        &client,
        Reference::for_prompt("customer_briefing"),
        "company",
        "ac",
        &[],
    )
    .await;
    assert!(companies.contains(&"ACME".to_owned()), "{companies:?}");
    assert!(
        companies.iter().all(|c| c.to_lowercase().starts_with("ac")),
        "{companies:?}"
    );
    let members = complete(
        &client,
        Reference::for_prompt("end_of_day_time_check"),
        "member",
        "api",
        &[],
    )
    .await;
    assert_eq!(members, [DEMO_MEMBER_IDENTIFIER]);

    let ops = complete(
        &client,
        Reference::for_resource("connectwise://api/operations/{operationId}"),
        "operationId",
        "getServiceTicketsBy",
        &[],
    )
    .await;
    assert!(ops.contains(&"getServiceTicketsById".to_owned()), "{ops:?}");
    let all_gets = complete(
        &client,
        Reference::for_resource("connectwise://api/operations/{operationId}"),
        "operationId",
        "get",
        &[],
    )
    .await;
    assert_eq!(all_gets.len(), 100, "at most 100 values");
    assert!(
        complete(
            &client,
            Reference::for_prompt("close_out_ticket"),
            "ticket_id",
            "1",
            &[]
        )
        .await
        .is_empty()
    );
}

#[tokio::test]
async fn over_http_prompts_resources_and_completions_answer_in_the_sessions_role() {
    let sim = start_sim().await;
    let mut env = sim_env(&sim);
    env.extend(token_env());
    env.push(("MCP_AUDIT".into(), "off".into()));
    let server = Server::start(&[], &[], &env);
    let client = server.connect(Some(VIEWER), &[]).await.expect("connect");
    let info = client.peer_info().expect("initialize result");
    let caps = &info.capabilities;
    assert!(caps.prompts.is_some() && caps.resources.is_some() && caps.completions.is_some());

    assert_eq!(client.list_all_prompts().await.unwrap().len(), 5);
    let day = prompt(&client, "my_day", json!({})).await;
    assert!(day.contains("cw_my_tickets"), "{day}");
    let close = prompt(&client, "close_out_ticket", json!({"ticket_id": "1"})).await;
    let note = close.lines().find(|l| l.contains("cw_add_ticket_note")).unwrap();
    assert!(note.contains("not enabled"), "a viewer cannot write: {note}");

    let (sheet, _) = read(&client, "connectwise://docs/conditions").await.unwrap();
    assert!(sheet.contains("like"));
    let (ticket, _) = read(&client, "connectwise://service/tickets/1").await.unwrap();
    assert!(ticket.contains("\"id\":1"), "{ticket}");
    let boards = complete(&client, Reference::for_prompt("triage_board"), "board", "", &[]).await;
    assert!(boards.contains(&"Service Desk".to_owned()), "{boards:?}");
}
