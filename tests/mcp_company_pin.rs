//! A caller pinned to one company cannot read or write another's records by
//! any tool: the real binary over MCP (stdio with `--companies`, HTTP with a
//! token limited in `MCP_TOKEN_COMPANIES`), against the simulated tenant,
//! whose state is compared before and after.
//!
//! Every tool the registry lists is called with arguments that aim at the
//! other company (its ticket, contact, configuration, time entry, its
//! identifier); a tool this test has no arguments for fails the test, so a
//! new tool cannot slip past it.

mod support;

use connectwise_mcp::sim::Simulator;
use serde_json::{Value, json};
use support::http::{EDITOR, Server, token_env};
use support::mcp::{call, connect, list_tools, records, text};
use support::sim::{sim_env, start_sim};

const PINNED: &str = "ACME";

/// Records of the other company the calls aim at.
struct Other {
    identifier: String,
    company: i64,
    ticket: i64,
    contact: i64,
    configuration: i64,
    time_entry: i64,
    /// Records of any company but the pinned one.
    project: i64,
    project_ticket: i64,
    agreement: i64,
}

/// The first record of `path` that belongs to a company other than the pinned one.
fn foreign(sim: &Simulator, path: &str) -> i64 {
    sim.records(path)
        .into_iter()
        .find(|r| r["company"]["identifier"] != json!(PINNED))
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("{path} has a record of another company"))
}

fn other_company(sim: &Simulator) -> Other {
    let owned_by = |path: &str, identifier: &str| {
        sim.records(path)
            .into_iter()
            .find(|r| r["company"]["identifier"] == json!(identifier))
            .and_then(|r| r["id"].as_i64())
    };
    for company in sim.records("/company/companies") {
        let identifier = company["identifier"].as_str().unwrap_or_default().to_owned();
        if identifier == PINNED {
            continue;
        }
        let found = (
            owned_by("/service/tickets", &identifier),
            owned_by("/company/contacts", &identifier),
            owned_by("/company/configurations", &identifier),
            owned_by("/time/entries", &identifier),
        );
        if let (Some(ticket), Some(contact), Some(configuration), Some(time_entry)) = found {
            return Other {
                company: company["id"].as_i64().unwrap(),
                identifier,
                ticket,
                contact,
                configuration,
                time_entry,
                project: foreign(sim, "/project/projects"),
                project_ticket: foreign(sim, "/project/tickets"),
                agreement: foreign(sim, "/finance/agreements"),
            };
        }
    }
    panic!("the tenant has another company with tickets, contacts, configurations and time");
}

/// The collections whose records say which company they belong to, by tool noun.
fn collection_of(tool: &str) -> Option<(&'static str, &'static str)> {
    let nouns: &[(&str, &str, &str)] = &[
        // Records under a company's record, and setup lists named after one.
        ("project_ticket_note", "", ""),
        ("project_phase", "", ""),
        ("opportunity_notes", "", ""),
        ("opportunity_forecast", "", ""),
        ("agreement_types", "", ""),
        ("agreement_addition", "", ""),
        ("company_types", "", ""),
        ("company_statuses", "", ""),
        ("company_sites", "", ""),
        ("contact_types", "", ""),
        ("configuration_types", "", ""),
        ("ticket_sources", "", ""),
        ("ticket_tasks", "", ""),
        ("count_tickets", "", ""),
        ("project_ticket", "/project/tickets", "company/identifier"),
        ("ticket_time", "/time/entries", "company/identifier"),
        ("time", "/time/entries", "company/identifier"),
        ("ticket_note", "", ""),
        ("ticket", "/service/tickets", "company/identifier"),
        ("compan", "/company/companies", "identifier"),
        ("contact", "/company/contacts", "company/identifier"),
        ("configuration", "/company/configurations", "company/identifier"),
        ("opportunit", "/sales/opportunities", "company/identifier"),
        ("activit", "/sales/activities", "company/identifier"),
        ("agreement", "/finance/agreements", "company/identifier"),
        ("invoice", "/finance/invoices", "company/identifier"),
        ("project", "/project/projects", "company/identifier"),
    ];
    nouns
        .iter()
        .find(|(noun, _, _)| tool.contains(noun))
        .filter(|(_, path, _)| !path.is_empty())
        .map(|(_, path, field)| (*path, *field))
}

/// The arguments each tool is called with: aimed at the other company.
fn calls(tool: &str, o: &Other, board: i64) -> Option<Vec<Value>> {
    let other_record = |tool: &str| match collection_of(tool).map(|(p, _)| p) {
        Some("/service/tickets") => o.ticket,
        Some("/company/companies") => o.company,
        Some("/company/contacts") => o.contact,
        Some("/company/configurations") => o.configuration,
        _ => 0,
    };
    let t = o.ticket;
    let args = match tool {
        "cw_search_tickets"
        | "cw_search_contacts"
        | "cw_search_configurations"
        | "cw_search_opportunities"
        | "cw_search_activities"
        | "cw_search_agreements"
        | "cw_search_invoices"
        | "cw_search_projects"
        | "cw_search_time_entries" => vec![json!({}), json!({"company": o.identifier})],
        "cw_search_companies" => vec![json!({}), json!({"identifier": o.identifier})],
        "cw_my_tickets" | "cw_my_time" | "cw_search_project_tickets" => vec![json!({})],
        "cw_get_ticket" => vec![json!({"id": t, "include_notes": true}), json!({"id": t})],
        "cw_get_company" | "cw_get_contact" | "cw_get_configuration" => {
            vec![json!({"id": other_record(tool)})]
        }
        "cw_get_opportunity"
        | "cw_get_activity"
        | "cw_get_agreement"
        | "cw_get_invoice"
        | "cw_get_project"
        | "cw_get_project_ticket" => vec![json!({"id": 1}), json!({"id": 2}), json!({"id": 3})],
        "cw_list_ticket_notes" | "cw_ticket_time" => vec![json!({"ticket_id": t})],
        "cw_create_ticket" => vec![
            json!({"company": o.identifier, "summary": "pinned leak"}),
            json!({"company": PINNED.to_lowercase() + "x", "summary": "pinned leak"}),
        ],
        "cw_update_ticket" => vec![json!({"id": t, "summary": "pinned leak"})],
        "cw_add_ticket_note" => {
            vec![json!({"ticket_id": t, "text": "pinned leak", "visibility": "internal"})]
        }
        "cw_create_time_entry" => vec![json!({"charge_to_type": "ServiceTicket", "charge_to_id": t,
            "time_start": "2026-11-20T09:00:00Z", "hours": 0.5, "notes": "pinned leak"})],
        // Setup data that belongs to no company, and the server's own metadata.
        "cw_list_boards"
        | "cw_list_priorities"
        | "cw_search_members"
        | "cw_search_endpoints"
        | "cw_list_saved_queries" => vec![json!({})],
        "cw_list_board_statuses" | "cw_list_board_types" => vec![json!({"board_id": board})],
        "cw_get_member" => vec![json!({"id": 1})],
        "cw_describe_endpoint" => vec![json!({"method": "GET", "path": "/service/tickets/{id}"})],
        "cw_search_schedule_entries" => vec![json!({})],
        "cw_get_schedule_entry" => vec![json!({"id": 1})],
        // The tools of the other servers' tasks (issue 16).
        "cw_search_expense_entries" | "cw_count_tickets" => {
            vec![json!({}), json!({"company": o.identifier})]
        }
        "cw_list_timesheets" | "cw_search_kb_articles" | "cw_my_schedule" => vec![json!({})],
        "cw_list_work_roles"
        | "cw_list_work_types"
        | "cw_list_company_types"
        | "cw_list_company_statuses"
        | "cw_list_contact_types"
        | "cw_list_configuration_types"
        | "cw_list_ticket_sources"
        | "cw_list_billing_cycles"
        | "cw_list_schedule_types"
        | "cw_list_sales_stages"
        | "cw_list_agreement_types"
        | "cw_search_catalog" => vec![json!({})],
        "cw_list_company_sites" => vec![json!({"company_id": o.company})],
        "cw_list_ticket_tasks" => vec![json!({"ticket_id": t})],
        "cw_list_project_phases" => vec![json!({"project_id": o.project})],
        "cw_list_project_ticket_notes" => vec![json!({"ticket_id": o.project_ticket})],
        "cw_list_opportunity_notes" | "cw_get_opportunity_forecast" => {
            vec![
                json!({"opportunity_id": 1}),
                json!({"opportunity_id": 2}),
                json!({"opportunity_id": 3}),
            ]
        }
        "cw_list_agreement_additions" => vec![json!({"agreement_id": o.agreement})],
        "cw_update_time_entry" => vec![json!({"id": o.time_entry, "notes": "pinned leak"})],
        "cw_submit_timesheet" => vec![json!({"id": 1})],
        "cw_create_company" => vec![json!({"identifier": "LEAKCO", "name": "pinned leak"})],
        "cw_update_company" => vec![json!({"id": o.company, "phone": "555-0000"})],
        "cw_create_contact" => vec![json!({"company": o.identifier, "first_name": "Leak"})],
        "cw_schedule_ticket" => vec![json!({"ticket_id": t, "member": "JSmith",
            "date_start": "2026-11-24T14:00:00Z", "date_end": "2026-11-24T15:00:00Z"})],
        "cw_move_schedule_entry" => vec![json!({"id": 1, "member": "CLee"})],
        "cw_delete_schedule_entry" => vec![json!({"id": 1})],
        "cw_create_project" => vec![
            json!({"name": "pinned leak", "company": o.identifier, "board_id": board,
            "billing_method": "FixedFee", "estimated_start": "2026-12-01", "estimated_end": "2027-01-15"}),
        ],
        "cw_update_project" => vec![json!({"id": o.project, "description": "pinned leak"})],
        "cw_add_project_phase" => vec![json!({"project_id": o.project, "description": "pinned leak"})],
        "cw_add_project_note" => vec![json!({"project_id": o.project, "text": "pinned leak"})],
        "cw_add_project_ticket_note" => {
            vec![json!({"ticket_id": o.project_ticket, "text": "pinned leak", "visibility": "internal"})]
        }
        "cw_create_opportunity" | "cw_create_activity" => {
            vec![json!({"name": "pinned leak", "company": o.identifier})]
        }
        "cw_create_agreement" => vec![json!({"name": "pinned leak", "company": o.identifier, "type_id": 1})],
        "cw_add_agreement_addition" => vec![json!({"agreement_id": o.agreement, "product": "MS-WKS",
            "quantity": 1, "bill_customer": "Billable"})],
        "cw_call" => vec![
            json!({"method": "GET", "path": "/service/tickets"}),
            json!({"method": "GET", "path": "/service/tickets", "query": {"conditions": format!("company/identifier = \"{}\"", o.identifier)}}),
            json!({"method": "GET", "path": "/service/tickets/count"}),
            json!({"method": "GET", "path": format!("/service/tickets/{t}")}),
            json!({"method": "GET", "path": format!("/service/tickets/{t}/notes")}),
            json!({"method": "GET", "path": format!("/company/contacts/{}", o.contact)}),
            json!({"method": "GET", "path": format!("/company/configurations/{}", o.configuration)}),
            json!({"method": "GET", "path": format!("/time/entries/{}", o.time_entry)}),
            json!({"method": "GET", "path": format!("/company/companies/{}", o.company)}),
            json!({"method": "GET", "path": "/time/entries", "query": {"conditions": format!("chargeToId = {t}")}}),
            json!({"method": "GET", "path": "/system/documents", "query": {"recordType": "Ticket", "recordId": t}}),
            json!({"method": "POST", "path": format!("/service/tickets/{t}/notes"), "body": {"text": "pinned leak", "internalAnalysisFlag": true}}),
            json!({"method": "PATCH", "path": format!("/service/tickets/{t}"), "body": [{"op": "replace", "path": "summary", "value": "pinned leak"}]}),
            json!({"method": "PATCH", "path": format!("/company/contacts/{}", o.contact), "body": [{"op": "replace", "path": "firstName", "value": "Leak"}]}),
            json!({"method": "PATCH", "path": format!("/company/configurations/{}", o.configuration), "body": [{"op": "replace", "path": "notes", "value": "pinned leak"}]}),
            json!({"method": "PATCH", "path": format!("/time/entries/{}", o.time_entry), "body": [{"op": "replace", "path": "notes", "value": "pinned leak"}]}),
            json!({"method": "POST", "path": "/company/contacts", "body": {"firstName": "Leak", "company": {"identifier": o.identifier}}}),
            json!({"method": "POST", "path": "/company/contacts", "body": {"firstName": "Leak", "company": {"id": o.company}}}),
            json!({"method": "POST", "path": "/time/entries", "body": {"chargeToType": "ServiceTicket", "chargeToId": t, "timeStart": "2026-11-20T09:00:00Z", "actualHours": 0.5}}),
        ],
        "cw_save_query" => {
            vec![json!({"name": "leak", "method": "GET", "path": format!("/service/tickets/{t}")})]
        }
        "cw_run_saved_query" => vec![json!({"name": "leak"})],
        "cw_delete_saved_query" => vec![json!({"name": "leak"})],
        // Reports are programs: their requests pass the same limit.
        "cw_report_unbilled_time"
        | "cw_report_invoice_aging"
        | "cw_report_mrr"
        | "cw_report_sla_breaches" => vec![json!({}), json!({"company": o.identifier})],
        "cw_report_member_availability" => vec![json!({"member": "TWilson", "date": "2026-11-20"})],
        // Nothing of the other company is journaled, so nothing to revert.
        "cw_undo" => vec![json!({}), json!({"id": 1})],
        // A program's requests pass the same limit as cw_call's.
        "cw_run" => vec![
            json!({"code": format!("return cw.request('GET', '/service/tickets/{t}');")}),
            json!({"code": "return cw.service.tickets.list({pageSize: 100}).map(r => [r.id, r.company.identifier]);"}),
            json!({"code": format!("return cw.service.tickets.notes.create({t}, {{text: 'pinned leak', internalAnalysisFlag: true}});")}),
        ],
        _ => return None,
    };
    Some(args)
}

/// What the other company has in the tenant: it must be the same after.
fn state_of(sim: &Simulator, o: &Other) -> Value {
    json!({
        "tickets": sim.records("/service/tickets"),
        "notes": sim.records(&format!("/service/tickets/{}/notes", o.ticket)),
        "time": sim.records("/time/entries"),
        "contacts": sim.records("/company/contacts"),
        "configurations": sim.records("/company/configurations"),
    })
}

/// Every record an answer carries belongs to the pinned company, where the
/// tool's records carry one; the other company's identifier never appears.
fn assert_no_leak(tool: &str, args: &Value, answer: &str, sim: &Simulator, o: &Other) {
    assert!(
        !answer.contains(&format!("\"{}\"", o.identifier)),
        "{tool} {args} shows the other company: {answer}"
    );
    let Ok(value) = serde_json::from_str::<Value>(answer) else {
        return;
    };
    let path = match (tool, args["path"].as_str()) {
        ("cw_call", Some(p)) if p.starts_with("/service/tickets") && !p.contains("notes") => {
            Some(("/service/tickets", "company/identifier"))
        }
        ("cw_call", Some(p)) if p.starts_with("/time/entries") => {
            Some(("/time/entries", "company/identifier"))
        }
        ("cw_call", _) => None,
        _ => collection_of(tool),
    };
    let Some((collection, field)) = path else {
        return;
    };
    let rows = if value.get("columns").is_some() {
        records(&value)
    } else if value.get("id").is_some() {
        vec![value.clone()]
    } else {
        Vec::new()
    };
    for row in rows {
        let Some(id) = row["id"].as_i64() else {
            continue;
        };
        let stored = sim
            .get(collection, id)
            .unwrap_or_else(|| panic!("{tool}: {collection} {id} exists"));
        let owner = field.split('/').fold(&stored, |v, k| &v[k]);
        assert_eq!(
            owner,
            &json!(PINNED),
            "{tool} {args} returned {collection} {id} of {owner}"
        );
    }
}

#[tokio::test]
async fn a_session_pinned_to_one_company_reaches_no_other_by_any_tool() {
    let sim = start_sim().await;
    let o = other_company(&sim);
    let board = sim.records("/service/boards")[0]["id"].as_i64().unwrap();
    let client = connect(
        &[
            "--toolsets",
            "all",
            "--allow-writes",
            "--allow-deletes",
            "--companies",
            PINNED,
        ],
        &sim_env(&sim),
    )
    .await;
    let before = state_of(&sim, &o);
    let tools = list_tools(&client).await;
    assert!(tools.len() > 40, "every tool is listed: {}", tools.len());
    let mut refused = 0;
    for tool in &tools {
        let name = tool.name.as_ref();
        let cases = calls(name, &o, board).unwrap_or_else(|| panic!("no pinned case for {name}: add one"));
        for args in cases {
            let result = call(&client, name, args.clone()).await.expect("a tool result");
            let answer = text(&result);
            if result.is_error == Some(true) {
                refused += 1;
            }
            assert_no_leak(name, &args, &answer, &sim, &o);
            let writes =
                name.starts_with("cw_create") || name.starts_with("cw_update") || name.starts_with("cw_add");
            let raw_write = name == "cw_call" && args["method"] != "GET";
            if writes || raw_write {
                assert_eq!(
                    result.is_error,
                    Some(true),
                    "{name} {args} was not refused: {answer}"
                );
            }
            let reads_other = matches!(
                name,
                "cw_get_ticket"
                    | "cw_get_company"
                    | "cw_get_contact"
                    | "cw_get_configuration"
                    | "cw_list_ticket_notes"
                    | "cw_run_saved_query"
            ) || (name == "cw_call"
                && args["path"]
                    .as_str()
                    .is_some_and(|p| p.chars().any(|c| c.is_ascii_digit())));
            if reads_other {
                assert_eq!(
                    result.is_error,
                    Some(true),
                    "{name} {args} read the other company: {answer}"
                );
            }
        }
    }
    assert!(refused > 20, "refusals: {refused}");
    assert_eq!(state_of(&sim, &o), before, "the other company's records changed");

    // The pinned company itself is served: its ticket read, a note written.
    let acme = sim
        .records("/service/tickets")
        .into_iter()
        .find(|t| t["company"]["identifier"] == json!(PINNED))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let read = call(&client, "cw_get_ticket", json!({"id": acme})).await.unwrap();
    assert_ne!(read.is_error, Some(true), "{}", text(&read));
    let notes = sim.records(&format!("/service/tickets/{acme}/notes")).len();
    let note = call(
        &client,
        "cw_add_ticket_note",
        json!({"ticket_id": acme, "text": "pinned and allowed", "visibility": "internal"}),
    )
    .await
    .unwrap();
    assert_ne!(note.is_error, Some(true), "{}", text(&note));
    assert_eq!(
        sim.records(&format!("/service/tickets/{acme}/notes")).len(),
        notes + 1
    );
    let refusal = text(
        &call(&client, "cw_get_ticket", json!({"id": o.ticket}))
            .await
            .unwrap(),
    );
    assert!(refusal.contains("ACME"), "the refusal names the limit: {refusal}");
}

#[tokio::test]
async fn an_http_token_limited_to_a_company_is_limited_and_others_are_not() {
    let sim = start_sim().await;
    let o = other_company(&sim);
    let mut env = sim_env(&sim);
    env.extend(token_env());
    env.push(("MCP_TOKEN_COMPANIES".into(), format!("eddie:{PINNED}")));
    let server = Server::start(&["--allow-writes"], &[], &env);
    let pinned = server.connect(Some(EDITOR), &[]).await.unwrap();
    let before = state_of(&sim, &o);
    let get = call(&pinned, "cw_get_ticket", json!({"id": o.ticket}))
        .await
        .unwrap();
    assert_eq!(get.is_error, Some(true), "{}", text(&get));
    let note = call(
        &pinned,
        "cw_add_ticket_note",
        json!({"ticket_id": o.ticket, "text": "pinned leak", "visibility": "internal"}),
    )
    .await
    .unwrap();
    assert_eq!(note.is_error, Some(true), "{}", text(&note));
    let list = call(&pinned, "cw_search_tickets", json!({})).await.unwrap();
    assert_no_leak("cw_search_tickets", &json!({}), &text(&list), &sim, &o);
    assert_eq!(state_of(&sim, &o), before);
    // The admin token has no limit.
    let admin = server.connect(Some(support::http::ADMIN), &[]).await.unwrap();
    let get = call(&admin, "cw_get_ticket", json!({"id": o.ticket}))
        .await
        .unwrap();
    assert_ne!(get.is_error, Some(true), "{}", text(&get));
}

#[test]
fn a_limit_for_an_unknown_token_or_an_empty_list_stops_the_start() {
    let env = vec![
        (
            "MCP_TOKENS_VIEWER".to_owned(),
            "vic:viewer-token-0123456789".to_owned(),
        ),
        ("MCP_TOKEN_COMPANIES".to_owned(), "nobody:ACME".to_owned()),
    ];
    let mut all = support::bin::offline_env();
    all.extend(env);
    let out = support::bin::run(&["serve", "--http", "--bind", "127.0.0.1:0"], &all);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("nobody"), "{err}");
    let out = support::bin::run(&["--companies", ",", "tools"], &support::bin::offline_env());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("companies"), "{err}");
}
