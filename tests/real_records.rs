//! Real ConnectWise records through every curated read tool and `cw_call`.
//!
//! The records (`tests/fixtures/real-cw/`) were captured from real tenants:
//! references expanded into whole objects, `null` where the spec promises a
//! value, keys and enum values the spec does not list. A stand-in
//! ConnectWise (the simulator, emptied and loaded with them) applies
//! `fields`, `conditions` and paging the way ConnectWise does; the real
//! binary is driven over MCP stdio. Every read tool must succeed and show
//! the record it was asked for.

mod support;

use connectwise_mcp::sim::{SimOptions, Simulator};
use connectwise_mcp::tool::Tier;
use connectwise_mcp::toolsets::curated;
use serde_json::{Value, json};
use support::mcp::{call, connect, text};
use support::sim::sim_env;

fn fixtures() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/real-cw/django-connectwise-fixtures.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The fixture `name`, or its first record when it is a list.
fn record(f: &Value, name: &str) -> Value {
    match &f[name] {
        Value::Array(items) => items[0].clone(),
        other => other.clone(),
    }
}

/// Where each fixture lives on a real tenant.
fn load(sim: &Simulator, f: &Value) {
    let ticket = record(f, "API_SERVICE_TICKET");
    let ticket_id = ticket["id"].as_i64().unwrap();
    let board_id = record(f, "API_BOARD")["id"].as_i64().unwrap();
    let places: &[(&str, &str)] = &[
        ("API_SERVICE_TICKET", "/service/tickets"),
        ("API_BOARD", "/service/boards"),
        ("API_SERVICE_PRIORITY_LIST", "/service/priorities"),
        ("API_TIME_ENTRY", "/time/entries"),
        ("API_COMPANY", "/company/companies"),
        ("API_COMPANY_CONTACT_LIST", "/company/contacts"),
        ("API_SALES_OPPORTUNITY", "/sales/opportunities"),
        ("API_SALES_ACTIVITY", "/sales/activities"),
        ("API_AGREEMENT", "/finance/agreements"),
        ("API_PROJECT", "/project/projects"),
        ("API_PROJECT_TICKET", "/project/tickets"),
        ("API_MEMBER", "/system/members"),
        ("API_SCHEDULE_ENTRY_FOR_TICKET", "/schedule/entries"),
        ("API_SCHEDULE_ENTRIES", "/schedule/entries"),
        ("API_AGREEMENT_TYPE_LIST", "/finance/agreements/types"),
        ("API_COMPANY_STATUS_LIST", "/company/companies/statuses"),
        ("API_COMPANY_TYPES_LIST", "/company/companies/types"),
        ("API_CONFIGURATION_TYPES", "/company/configurations/types"),
        ("API_CONTACT_TYPE_LIST", "/company/contacts/types"),
        ("API_SALES_OPPORTUNITY_STAGES", "/sales/stages"),
        ("API_SCHEDULE_TYPE_LIST", "/schedule/types"),
        ("API_WORK_ROLE_LIST", "/time/workRoles"),
        ("API_WORK_TYPE_LIST", "/time/workTypes"),
    ];
    let notes = format!("/service/tickets/{ticket_id}/notes");
    let statuses = format!("/service/boards/{board_id}/statuses");
    let types = format!("/service/boards/{board_id}/types");
    let id_of = |name: &str| record(f, name)["id"].as_i64().unwrap();
    let sites = format!("/company/companies/{}/sites", id_of("API_COMPANY"));
    let phases = format!("/project/projects/{}/phases", id_of("API_PROJECT"));
    let project_notes = format!("/project/tickets/{}/notes", id_of("API_PROJECT_TICKET"));
    let opportunity_notes = format!("/sales/opportunities/{}/notes", id_of("API_SALES_OPPORTUNITY"));
    let children: [(&str, &str); 8] = [
        ("API_SERVICE_NOTE_LIST", &notes),
        ("API_BOARD_STATUS_LIST", &statuses),
        ("API_TYPE_LIST", &types),
        ("API_COMPANY_SITE_LIST", &sites),
        ("API_PROJECT_PHASE_LIST", &phases),
        // Project ticket notes are ticket notes (the same schema).
        ("API_SERVICE_NOTE_LIST", &project_notes),
        ("API_SALES_OPPORTUNITY_NOTE_LIST", &opportunity_notes),
        ("API_SOURCE_LIST", "/service/sources"),
    ];
    for (name, path) in places.iter().copied().chain(children) {
        match &f[name] {
            Value::Array(items) => items.iter().for_each(|r| {
                sim.insert(path, r.clone());
            }),
            other => {
                sim.insert(path, other.clone());
            }
        }
    }
    // The fixtures hold no configuration and no invoice: these two are
    // written the way real ones come (nulls, an expanded reference, an
    // unlisted enum value, a key the spec lacks), not taken from a tenant.
    sim.insert(
        "/company/configurations",
        json!({"id": 31, "name": "YOURCO-DC01", "type": {"id": 2, "name": "Server", "_info": {"type_href": "https://example.com/v4_6_release/apis/3.0//company/configurations/types/2"}},
               "status": {"id": 1, "name": "Active"}, "company": record(f, "API_COMPANY"), "serialNumber": "CZ2345ABC",
               "modelNumber": null, "ipAddress": "10.0.0.10", "activeFlag": true, "deviceIdentifier": null,
               "backupBillableSkipFlag": "maybe", "_info": {"lastUpdated": "2024-03-01T14:30:00Z"}}),
    );
    sim.insert(
        "/finance/invoices",
        json!({"id": 412, "invoiceNumber": "INV-00412", "type": "Agreement", "company": {"id": 2, "identifier": "YourCompany", "name": "TestCompany"},
               "date": "2024-03-01T00:00:00Z", "dueDate": "2024-03-31T00:00:00Z", "total": 1250.0, "balance": null,
               "status": {"id": 1, "name": "New", "isClosed": false}, "applyToType": "All", "Sort": 0}),
    );
    // Neither are there timesheets, expenses, billing cycles, ticket tasks,
    // knowledge-base articles, forecasts, catalog items or agreement
    // additions: written the same way.
    let member = record(f, "API_MEMBER");
    let company = record(f, "API_COMPANY");
    let agreement = id_of("API_AGREEMENT");
    let opportunity = id_of("API_SALES_OPPORTUNITY");
    let written: [(String, Value); 8] = [
        (
            "/time/sheets".into(),
            json!({"id": 7, "member": member, "year": 2024, "period": 10,
            "dateStart": "2024-03-03T00:00:00Z", "dateEnd": "2024-03-09T00:00:00Z", "status": "Open",
            "hours": null, "deadline": null, "approvalTier": 1, "_info": {"lastUpdated": "2024-03-04T09:00:00Z"}}),
        ),
        (
            "/expense/entries".into(),
            json!({"id": 15, "company": company, "chargeToId": ticket_id, "chargeToType": "ServiceTicket",
            "type": {"id": 2, "name": "Parking", "_info": null}, "member": {"id": 176, "identifier": "User1", "name": "Training User1"},
            "amount": 12.5, "billableOption": "Billable", "date": "2024-03-05T00:00:00Z", "notes": "Parking at the client's office",
            "status": "Submitted", "invoice": null, "_info": {"lastUpdated": "2024-03-05T17:00:00Z"}}),
        ),
        (
            "/finance/billingCycles".into(),
            json!({"id": 1, "identifier": "Monthly", "name": "Monthly", "defaultFlag": null,
            "billingOptions": "Monthly", "_info": {"lastUpdated": "2015-08-21T20:22:06Z", "updatedBy": null}}),
        ),
        (
            format!("/service/tickets/{ticket_id}/tasks"),
            json!({"id": 3, "ticketId": ticket_id, "notes": "Verify the backup job ran",
            "closedFlag": null, "priority": 1, "schedule": null, "code": null, "resolution": null, "childTicketId": 0}),
        ),
        (
            "/service/knowledgeBaseArticles".into(),
            json!({"id": 4, "title": "Outlook keeps asking for a password", "issue": "Prompts after the migration",
            "resolution": "Clear cached credentials", "board": record(f, "API_BOARD"), "categoryId": null, "subCategoryId": null,
            "dateCreated": "2023-06-01T15:00:00Z", "createdBy": "User1", "articleType": "Internal"}),
        ),
        (
            format!("/sales/opportunities/{opportunity}/forecast"),
            json!({"id": opportunity, "forecastItems": [
            {"id": 21, "forecastDescription": "Managed Workstation", "quantity": 10, "revenue": 750.0, "cost": 220.0,
             "status": {"id": 1, "name": "Open", "_info": null}, "catalogItem": null, "forecastType": "Agreement", "includeFlag": true}],
            "recurringTotal": 750.0, "expectedProbability": null, "_info": null}),
        ),
        (
            "/procurement/catalog".into(),
            json!({"id": 12, "identifier": "FG-60F", "description": "FortiGate 60F", "customerDescription": "Firewall",
            "inactiveFlag": false, "category": {"id": 2, "name": "Hardware"}, "productClass": "NonInventory", "price": 695.0, "cost": null,
            "unitOfMeasure": {"id": 1, "name": "Each", "_info": {"uom_href": "https://example.com/v4_6_release/apis/3.0/procurement/unitOfMeasures/1"}},
            "vendor": null, "_info": {"lastUpdated": "2024-01-02T10:00:00Z"}}),
        ),
        (
            format!("/finance/agreements/{agreement}/additions"),
            json!({"id": 30, "product": {"id": 12, "identifier": "FG-60F", "serializedFlag": null},
            "quantity": 1, "unitPrice": 95.0, "unitCost": null, "billCustomer": "Billable", "effectiveDate": "2024-01-01T00:00:00Z",
            "cancelledDate": null, "agreementId": agreement, "description": "Firewall management", "agreementStatus": "Active"}),
        ),
    ];
    for (path, value) in written {
        sim.insert(&path, value);
    }
}

/// For each curated read tool: its arguments and a text its answer must show.
fn case(tool: &str, f: &Value) -> Option<(Value, String)> {
    let s = |name: &str, key: &str| record(f, name)[key].as_str().unwrap().to_owned();
    let id = |name: &str| record(f, name)["id"].clone();
    let ticket = s("API_SERVICE_TICKET", "summary");
    let time = "Code Red".to_owned();
    Some(match tool {
        "cw_search_tickets" | "cw_my_tickets" => (json!({}), ticket),
        "cw_get_ticket" => (
            json!({"id": id("API_SERVICE_TICKET"), "include_notes": true}),
            s("API_SERVICE_NOTE_LIST", "text"),
        ),
        "cw_list_ticket_notes" => (
            json!({"ticket_id": id("API_SERVICE_TICKET")}),
            s("API_SERVICE_NOTE_LIST", "text"),
        ),
        "cw_list_boards" => (json!({}), s("API_BOARD", "name")),
        "cw_list_board_statuses" => (
            json!({"board_id": id("API_BOARD")}),
            s("API_BOARD_STATUS_LIST", "name"),
        ),
        "cw_list_board_types" => (json!({"board_id": id("API_BOARD")}), s("API_TYPE_LIST", "name")),
        "cw_list_priorities" => (json!({}), s("API_SERVICE_PRIORITY_LIST", "name")),
        "cw_my_time" | "cw_search_time_entries" => (json!({}), time),
        "cw_ticket_time" => (json!({"ticket_id": id("API_SERVICE_TICKET")}), time),
        "cw_search_companies" => (json!({}), s("API_COMPANY", "identifier")),
        "cw_get_company" => (json!({"id": id("API_COMPANY")}), s("API_COMPANY", "name")),
        "cw_search_contacts" => (json!({}), s("API_COMPANY_CONTACT_LIST", "firstName")),
        "cw_get_contact" => (
            json!({"id": id("API_COMPANY_CONTACT_LIST")}),
            s("API_COMPANY_CONTACT_LIST", "lastName"),
        ),
        "cw_search_configurations" => (json!({}), "YOURCO-DC01".into()),
        "cw_get_configuration" => (json!({"id": 31}), "CZ2345ABC".into()),
        "cw_search_opportunities" => (json!({}), s("API_SALES_OPPORTUNITY", "name")),
        "cw_get_opportunity" => (
            json!({"id": id("API_SALES_OPPORTUNITY")}),
            s("API_SALES_OPPORTUNITY", "name"),
        ),
        "cw_search_activities" => (json!({}), s("API_SALES_ACTIVITY", "name")),
        "cw_get_activity" => (
            json!({"id": id("API_SALES_ACTIVITY")}),
            s("API_SALES_ACTIVITY", "name"),
        ),
        "cw_search_agreements" => (json!({}), s("API_AGREEMENT", "name")),
        "cw_get_agreement" => (json!({"id": id("API_AGREEMENT")}), s("API_AGREEMENT", "name")),
        "cw_search_invoices" => (json!({}), "INV-00412".into()),
        "cw_get_invoice" => (json!({"id": 412}), "INV-00412".into()),
        "cw_search_projects" => (json!({}), s("API_PROJECT", "name")),
        "cw_get_project" => (json!({"id": id("API_PROJECT")}), s("API_PROJECT", "name")),
        "cw_search_project_tickets" => (json!({}), s("API_PROJECT_TICKET", "summary")),
        "cw_get_project_ticket" => (
            json!({"id": id("API_PROJECT_TICKET")}),
            s("API_PROJECT_TICKET", "summary"),
        ),
        "cw_search_members" => (json!({}), s("API_MEMBER", "identifier")),
        "cw_get_member" => (json!({"id": id("API_MEMBER")}), s("API_MEMBER", "identifier")),
        "cw_search_schedule_entries" | "cw_my_schedule" => {
            (json!({}), s("API_SCHEDULE_ENTRY_FOR_TICKET", "name"))
        }
        // The tools of the other servers' tasks (issue 16).
        "cw_list_timesheets" => (json!({}), "2024-03-03".into()),
        "cw_list_work_roles" => (json!({}), s("API_WORK_ROLE_LIST", "name")),
        "cw_list_work_types" => (json!({}), s("API_WORK_TYPE_LIST", "name")),
        "cw_search_expense_entries" => (json!({}), "Parking at the client".into()),
        "cw_list_company_types" => (json!({}), s("API_COMPANY_TYPES_LIST", "name")),
        "cw_list_company_statuses" => (json!({}), s("API_COMPANY_STATUS_LIST", "name")),
        "cw_list_contact_types" => (json!({}), s("API_CONTACT_TYPE_LIST", "description")),
        "cw_list_configuration_types" => (json!({}), s("API_CONFIGURATION_TYPES", "name")),
        "cw_list_ticket_sources" => (json!({}), s("API_SOURCE_LIST", "name")),
        "cw_list_billing_cycles" => (json!({}), "Monthly".into()),
        "cw_list_company_sites" => (
            json!({"company_id": id("API_COMPANY")}),
            s("API_COMPANY_SITE_LIST", "name"),
        ),
        "cw_count_tickets" => (json!({}), "count".into()),
        "cw_list_ticket_tasks" => (
            json!({"ticket_id": id("API_SERVICE_TICKET")}),
            "Verify the backup job".into(),
        ),
        "cw_search_kb_articles" => (json!({}), "Outlook keeps asking".into()),
        "cw_list_schedule_types" => (json!({}), s("API_SCHEDULE_TYPE_LIST", "name")),
        "cw_list_project_phases" => (
            json!({"project_id": id("API_PROJECT")}),
            s("API_PROJECT_PHASE_LIST", "description"),
        ),
        "cw_list_project_ticket_notes" => (
            json!({"ticket_id": id("API_PROJECT_TICKET")}),
            s("API_SERVICE_NOTE_LIST", "text"),
        ),
        "cw_list_opportunity_notes" => (
            json!({"opportunity_id": id("API_SALES_OPPORTUNITY")}),
            s("API_SALES_OPPORTUNITY_NOTE_LIST", "text"),
        ),
        "cw_get_opportunity_forecast" => (
            json!({"opportunity_id": id("API_SALES_OPPORTUNITY")}),
            "Managed Workstation".into(),
        ),
        "cw_list_sales_stages" => (json!({}), s("API_SALES_OPPORTUNITY_STAGES", "name")),
        "cw_search_catalog" => (json!({}), "FG-60F".into()),
        "cw_list_agreement_types" => (json!({}), s("API_AGREEMENT_TYPE_LIST", "name")),
        "cw_list_agreement_additions" => (
            json!({"agreement_id": id("API_AGREEMENT")}),
            "Firewall management".into(),
        ),
        "cw_get_schedule_entry" => (
            json!({"id": id("API_SCHEDULE_ENTRY_FOR_TICKET")}),
            s("API_SCHEDULE_ENTRY_FOR_TICKET", "name"),
        ),
        _ => return None,
    })
}

#[tokio::test]
async fn every_curated_read_tool_and_cw_call_read_real_records() {
    let f = fixtures();
    let sim = Simulator::start(SimOptions {
        empty: true,
        ..SimOptions::default()
    })
    .await;
    load(&sim, &f);
    let mut env = sim_env(&sim);
    // "Me" is the member the real records are owned by.
    let me = record(&f, "API_MEMBER")["identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    env.retain(|(k, _)| k != "CW_MEMBER_IDENTIFIER");
    env.push(("CW_MEMBER_IDENTIFIER".into(), me));
    let client = connect(&["--toolsets", "all"], &env).await;

    let mut failures = Vec::new();
    let mut missing = Vec::new();
    for def in curated::tools().iter().filter(|t| t.tier == Tier::Read) {
        let Some((args, shows)) = case(def.name, &f) else {
            missing.push(def.name);
            continue;
        };
        let result = call(&client, def.name, args.clone()).await;
        match result {
            Ok(r) if r.is_error != Some(true) && text(&r).contains(&shows) => {}
            Ok(r) => failures.push(format!(
                "{} {args}: expected {shows:?} in:\n{}",
                def.name,
                text(&r)
            )),
            Err(e) => failures.push(format!("{} {args}: {e}", def.name)),
        }
    }
    for (path, shows) in [
        (
            "/service/tickets/69",
            record(&f, "API_SERVICE_TICKET")["summary"].clone(),
        ),
        (
            "/company/companies",
            record(&f, "API_COMPANY")["identifier"].clone(),
        ),
        (
            "/system/members/176",
            record(&f, "API_MEMBER")["officeEmail"].clone(),
        ),
        (
            "/sales/activities",
            record(&f, "API_SALES_ACTIVITY")["name"].clone(),
        ),
    ] {
        let r = call(&client, "cw_call", json!({"method": "GET", "path": path})).await;
        let shows = shows.as_str().unwrap();
        match r {
            Ok(r) if r.is_error != Some(true) && text(&r).contains(shows) => {}
            Ok(r) => failures.push(format!(
                "cw_call GET {path}: expected {shows:?} in:\n{}",
                text(&r)
            )),
            Err(e) => failures.push(format!("cw_call GET {path}: {e}")),
        }
    }
    assert!(missing.is_empty(), "read tools without a case here: {missing:?}");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
