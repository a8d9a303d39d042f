//! Every curated tool, once on its happy path and once failing, through the
//! real binary over MCP stdio against a simulated tenant.
//!
//! The table below has one row per tool; a test checks that it covers every
//! tool of the build, so a new tool cannot land without its two calls. A
//! happy path is checked against the simulator's own state (the record
//! asked for, the filter applied, the write stored); a failure must be an
//! `isError` result whose text names what went wrong.

mod support;

use connectwise_mcp::sim::Simulator;
use connectwise_mcp::toolsets::curated;
use serde_json::{Value, json};
use support::mcp::{at_path, call, connect, json_of, list_tools, records, text, unwrapped};
use support::sim::{sim_env, start_sim};

/// What a happy result must show, given the simulator after the call.
type Check = Box<dyn Fn(&Value, &Simulator)>;

struct Case {
    tool: &'static str,
    happy: Value,
    check: Check,
    failure: Value,
    /// Every one of these is in the failure's text.
    failure_says: &'static [&'static str],
}

fn case(
    tool: &'static str,
    happy: Value,
    check: impl Fn(&Value, &Simulator) + 'static,
    failure: Value,
    failure_says: &'static [&'static str],
) -> Case {
    Case {
        tool,
        happy,
        check: Box::new(check),
        failure,
        failure_says,
    }
}

fn first_id(sim: &Simulator, collection: &str) -> i64 {
    sim.records(collection)
        .first()
        .and_then(|r| r["id"].as_i64())
        .unwrap_or_else(|| panic!("the seed has {collection}"))
}

/// A list result's records, nested again (see `support::mcp::records`).
fn items(result: &Value) -> Vec<Value> {
    records(result)
}

/// A list result with at least one item, each carrying an id.
fn nonempty_list(result: &Value, _: &Simulator) {
    assert!(!items(result).is_empty(), "no items: {result}");
    assert!(items(result).iter().all(|i| i["id"].is_i64()), "{result}");
}

/// Every item has `path` (a `/`-separated field path) equal to `want`.
fn all_items(path: &'static str, want: Value) -> impl Fn(&Value, &Simulator) {
    move |result, sim| {
        nonempty_list(result, sim);
        for item in items(result) {
            let got = at_path(&item, path);
            // A flag left out is false.
            let got = if got.is_null() && want == json!(false) {
                &want
            } else {
                got
            };
            assert_eq!(got, &want, "{path} of {item}");
        }
    }
}

/// Every item's stored record in `collection` has `path` equal to `want`
/// (for filters on fields the result does not show).
fn all_stored(collection: &'static str, path: &'static str, want: Value) -> impl Fn(&Value, &Simulator) {
    move |result, sim| {
        nonempty_list(result, sim);
        for item in items(result) {
            let stored = sim.get(collection, item["id"].as_i64().unwrap()).expect("stored");
            let got = path.split('/').fold(&stored, |v, key| &v[key]);
            assert_eq!(got, &want, "{path} of {stored}");
        }
    }
}

/// A get result for `id` that matches the simulator's record in `collection`.
fn is_record(collection: &'static str, id: i64) -> impl Fn(&Value, &Simulator) {
    move |result, sim| {
        assert_eq!(result["id"], json!(id), "{result}");
        let stored = sim.get(collection, id).expect("the record exists");
        // Keys are field paths (`company/identifier`).
        for (key, value) in result.as_object().unwrap() {
            // A derived value (a ticket's description) is no field of the
            // record; its own case checks it.
            if key == "description" && collection.ends_with("/tickets") {
                continue;
            }
            // A secret pasted into the text is masked in answers
            // (tests/mcp_customer_text.rs checks how).
            if value.as_str().is_some_and(|s| s.contains("[hidden]")) {
                continue;
            }
            if value.is_string() || value.is_number() || value.is_boolean() {
                assert_eq!(
                    at_path(&stored, key),
                    &unwrapped(value),
                    "{key} differs from the simulator's record"
                );
            }
        }
    }
}

const NOT_FOUND: &[&str] = &["404", "no such record"];

fn cases(sim: &Simulator, ticket: i64, me: &str) -> Vec<Case> {
    let board = first_id(sim, "/service/boards");
    // A status of the ticket's own board other than its current one.
    let stored = sim.get("/service/tickets", ticket).expect("the ticket");
    let status = sim
        .records(&format!("/service/boards/{}/statuses", stored["board"]["id"]))
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .find(|id| stored["status"]["id"] != json!(id))
        .expect("another status");
    let priority = first_id(sim, "/service/priorities");
    let project_ticket = first_id(sim, "/project/tickets");
    let me_owned = me.to_owned();
    let more = More::of(sim, me);
    let mut cases = vec![
        // ------------------------------------------------------------ tickets
        case(
            "cw_search_tickets",
            json!({"company": "ACME", "closed": false}),
            |r, s| {
                all_items("company/identifier", json!("ACME"))(r, s);
                all_items("closedFlag", json!(false))(r, s);
            },
            json!({"closed": "yes"}),
            &["invalid arguments", "closed"],
        ),
        case(
            "cw_my_tickets",
            json!({"page_size": 1000}),
            move |r, s| {
                // Owned, or assigned as a resource: exactly those.
                let mine = |t: &Value| {
                    t["owner"]["identifier"] == json!(me_owned)
                        || t["resources"].as_str().unwrap_or_default().contains(&me_owned)
                };
                let want: Vec<Value> = s.records("/service/tickets").into_iter().filter(mine).collect();
                assert!(
                    want.iter().any(|t| t["owner"]["identifier"] != json!(me_owned)),
                    "the seed has a ticket {me_owned} is only a resource on"
                );
                // Newest first.
                let got: Vec<Value> = items(r).iter().map(|i| i["id"].clone()).collect();
                let want: Vec<Value> = want.iter().rev().map(|t| t["id"].clone()).collect();
                assert_eq!(got, want);
            },
            json!({"closed": 1}),
            &["invalid arguments", "closed"],
        ),
        case(
            "cw_get_ticket",
            json!({"id": ticket, "include_notes": true}),
            move |r, s| {
                is_record("/service/tickets", ticket)(r, s);
                let notes = s.records(&format!("/service/tickets/{ticket}/notes"));
                assert_eq!(records(&r["notes"]).len(), notes.len(), "{r}");
                // The notes hold the description (the oldest detail note):
                // it is not fetched and sent twice.
                assert!(r.get("description").is_none(), "{r}");
            },
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        case(
            "cw_list_ticket_notes",
            json!({"ticket_id": ticket}),
            move |r, s| {
                let stored = s.records(&format!("/service/tickets/{ticket}/notes")).len();
                assert_eq!(items(r).len(), stored, "{r}");
            },
            json!({}),
            &["invalid arguments", "ticket_id"],
        ),
        case(
            "cw_list_boards",
            json!({}),
            |r, s| assert_eq!(items(r).len(), s.records("/service/boards").len(), "{r}"),
            json!({"page_size": 5000}),
            &["invalid arguments", "page_size"],
        ),
        case(
            "cw_list_board_statuses",
            json!({"board_id": board}),
            move |r, s| {
                let stored = s.records(&format!("/service/boards/{board}/statuses")).len();
                assert_eq!(items(r).len(), stored, "{r}");
            },
            json!({"board_id": "Help Desk"}),
            &["invalid arguments", "board_id"],
        ),
        case(
            "cw_list_board_types",
            json!({"board_id": board}),
            nonempty_list,
            json!({"board_id": board, "order_by": "colour desc"}),
            &["order_by", "colour"],
        ),
        case(
            "cw_list_priorities",
            json!({}),
            |r, s| assert_eq!(items(r).len(), s.records("/service/priorities").len(), "{r}"),
            json!({"conditions": "name = "}),
            &["conditions"],
        ),
        // ------------------------------------------------------------- time
        case(
            "cw_ticket_time",
            json!({"ticket_id": ticket}),
            move |r, s| {
                // The filter fixes chargeToId, so rows leave it out: check
                // the ids against the tenant's own entries for the ticket.
                let of_ticket: Vec<Value> = s
                    .records("/time/entries")
                    .into_iter()
                    .filter(|e| e["chargeToId"] == json!(ticket) && e["chargeToType"] == "ServiceTicket")
                    .map(|e| e["id"].clone())
                    .collect();
                assert!(!items(r).is_empty(), "{r}");
                for item in items(r) {
                    assert!(
                        of_ticket.contains(&item["id"]),
                        "{item} is not an entry of ticket {ticket}"
                    );
                }
            },
            json!({"ticket_id": -1.5}),
            &["invalid arguments", "ticket_id"],
        ),
        case(
            "cw_my_time",
            json!({"from": "2026-01-01"}),
            all_stored("/time/entries", "member/identifier", json!(me)),
            json!({"from": "last tuesday"}),
            &["invalid arguments", "from"],
        ),
        case(
            "cw_search_time_entries",
            json!({"company": "ACME"}),
            all_items("company/identifier", json!("ACME")),
            json!({"conditions": "colour = \"red\""}),
            &["colour"],
        ),
        // -------------------------------------------------------- companies
        case(
            "cw_search_companies",
            json!({"identifier": "ACME"}),
            |r, s| {
                all_items("identifier", json!("ACME"))(r, s);
                assert_eq!(items(r).len(), 1);
            },
            json!({"name_contains": 5}),
            &["invalid arguments", "name_contains"],
        ),
        case(
            "cw_get_company",
            json!({"id": 2}),
            is_record("/company/companies", 2),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        case(
            "cw_search_contacts",
            json!({"company": "ACME"}),
            all_items("company/identifier", json!("ACME")),
            json!({"first_name": ["Ann"]}),
            &["invalid arguments", "first_name"],
        ),
        case(
            "cw_get_contact",
            json!({"id": first_id(sim, "/company/contacts")}),
            is_record("/company/contacts", first_id(sim, "/company/contacts")),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        case(
            "cw_search_configurations",
            json!({"company": "ACME"}),
            all_items("company/identifier", json!("ACME")),
            json!({"serial": "X1"}),
            &["invalid arguments", "serial"],
        ),
        case(
            "cw_get_configuration",
            json!({"id": first_id(sim, "/company/configurations")}),
            is_record(
                "/company/configurations",
                first_id(sim, "/company/configurations"),
            ),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        // ------------------------------------------------------------ sales
        case(
            "cw_search_opportunities",
            json!({}),
            nonempty_list,
            json!({"page": 0}),
            &["invalid arguments", "page"],
        ),
        case(
            "cw_get_opportunity",
            json!({"id": first_id(sim, "/sales/opportunities")}),
            is_record("/sales/opportunities", first_id(sim, "/sales/opportunities")),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        case(
            "cw_search_activities",
            json!({}),
            nonempty_list,
            json!({"company": "x".repeat(20_001)}),
            &["invalid arguments", "company", "20000"],
        ),
        case(
            "cw_get_activity",
            json!({"id": first_id(sim, "/sales/activities")}),
            is_record("/sales/activities", first_id(sim, "/sales/activities")),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        // ---------------------------------------------------------- finance
        case(
            "cw_search_agreements",
            json!({"cancelled": false}),
            all_items("cancelledFlag", json!(false)),
            json!({"cursor": "p1.s0.k9"}),
            &["invalid arguments", "cursor"],
        ),
        case(
            "cw_get_agreement",
            json!({"id": first_id(sim, "/finance/agreements")}),
            is_record("/finance/agreements", first_id(sim, "/finance/agreements")),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        case(
            "cw_search_invoices",
            json!({}),
            nonempty_list,
            json!({"from": "2026-13-45"}),
            &["invalid arguments", "from"],
        ),
        case(
            "cw_get_invoice",
            json!({"id": first_id(sim, "/finance/invoices")}),
            is_record("/finance/invoices", first_id(sim, "/finance/invoices")),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        // --------------------------------------------------------- projects
        case(
            "cw_search_projects",
            json!({}),
            nonempty_list,
            json!({"fields": "id,budgetColour"}),
            &["fields", "budgetColour"],
        ),
        case(
            "cw_get_project",
            json!({"id": first_id(sim, "/project/projects")}),
            is_record("/project/projects", first_id(sim, "/project/projects")),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        case(
            "cw_search_project_tickets",
            json!({}),
            nonempty_list,
            json!({"project_id": true}),
            &["invalid arguments", "project_id"],
        ),
        case(
            "cw_get_project_ticket",
            json!({"id": project_ticket}),
            move |r, s| {
                is_record("/project/tickets", project_ticket)(r, s);
                let first_detail = s
                    .records(&format!("/project/tickets/{project_ticket}/notes"))
                    .into_iter()
                    .filter(|n| n["detailDescriptionFlag"] == true)
                    .min_by_key(|n| n["id"].as_i64());
                assert_eq!(
                    r.get("description").map(unwrapped),
                    first_detail.as_ref().map(|n| n["text"].clone()),
                    "{r}"
                );
            },
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        // ---------------------------------------------------------- members
        case(
            "cw_search_members",
            json!({"identifier": me}),
            all_items("identifier", json!(me)),
            json!({"identifier": null, "order_by": "id sideways"}),
            &["order_by"],
        ),
        case(
            "cw_get_member",
            json!({"id": first_id(sim, "/system/members")}),
            is_record("/system/members", first_id(sim, "/system/members")),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        // --------------------------------------------------------- schedule
        case(
            "cw_search_schedule_entries",
            json!({}),
            nonempty_list,
            json!({"to": 20261120}),
            &["invalid arguments", "to"],
        ),
        case(
            "cw_get_schedule_entry",
            json!({"id": first_id(sim, "/schedule/entries")}),
            is_record("/schedule/entries", first_id(sim, "/schedule/entries")),
            json!({"id": 987_654_321}),
            NOT_FOUND,
        ),
        // ----------------------------------------------------------- writes
        // Last: they change the tenant the reads above checked.
        case(
            "cw_create_ticket",
            json!({"company": "ACME", "summary": "Scanner offline at front desk", "board_id": board}),
            |r, s| {
                let stored = s
                    .get("/service/tickets", r["id"].as_i64().unwrap())
                    .expect("stored");
                assert_eq!(stored["summary"], "Scanner offline at front desk");
                assert_eq!(stored["company"]["identifier"], "ACME");
            },
            json!({"company": "ACME", "summary": "x".repeat(101), "board_id": board}),
            &["summary"],
        ),
        case(
            "cw_update_ticket",
            json!({"id": ticket, "status_id": status, "priority_id": priority}),
            move |_, s| {
                let stored = s.get("/service/tickets", ticket).unwrap();
                assert_eq!(stored["status"]["id"], json!(status));
                assert_eq!(stored["priority"]["id"], json!(priority));
            },
            json!({"id": 987_654_321, "summary": "Nothing to update"}),
            NOT_FOUND,
        ),
        case(
            "cw_add_ticket_note",
            json!({"ticket_id": ticket, "text": "Customer confirmed the fix.", "visibility": "discussion"}),
            move |r, s| {
                let notes = s.records(&format!("/service/tickets/{ticket}/notes"));
                let stored = notes.iter().find(|n| n["id"] == r["id"]).expect("stored");
                assert_eq!(stored["detailDescriptionFlag"], true);
                assert_ne!(stored["internalAnalysisFlag"], true, "not internal");
            },
            json!({"ticket_id": ticket, "text": "Shh", "visibility": "secret"}),
            &["invalid arguments", "visibility"],
        ),
        case(
            "cw_create_time_entry",
            json!({"charge_to_type": "ServiceTicket", "charge_to_id": ticket,
                   "time_start": "2026-11-20T09:00:00Z", "hours": 0.25, "notes": "Follow-up call"}),
            |r, s| {
                let stored = s.get("/time/entries", r["id"].as_i64().unwrap()).expect("stored");
                assert_eq!(stored["notes"], "Follow-up call");
                assert_eq!(stored["timeStart"], "2026-11-20T09:00:00Z");
            },
            json!({"charge_to_type": "ServiceTicket", "charge_to_id": ticket,
                   "time_start": "2026-09-01T09:00:00Z", "hours": 1, "notes": "Old work"}),
            &["closed", "open period"],
        ),
    ];
    // The tools of the other servers' tasks (issue 16): their reads after
    // the reads above, their writes after every read.
    let (reads, writes) = more_cases(&more, ticket, me);
    let first_write = cases
        .iter()
        .position(|c| c.tool == "cw_create_ticket")
        .expect("the writes come last");
    cases.splice(first_write..first_write, reads);
    cases.extend(writes);
    cases
}

/// Records of the tenant the cases of the wider tools work on.
struct More {
    /// A time entry of an open period, and one of a closed one.
    open_entry: i64,
    closed_entry: i64,
    /// An open timesheet, and a billed one.
    open_sheet: i64,
    billed_sheet: i64,
    /// A member with expense entries.
    spender: String,
    /// A ticket with a checklist.
    task_ticket: i64,
    project: i64,
    project_board: i64,
    project_ticket: i64,
    opportunity: i64,
    agreement: i64,
    /// Two schedule entries: one to move, one to delete.
    entries: (i64, i64),
}

impl More {
    fn of(sim: &Simulator, me: &str) -> More {
        let entries = sim.records("/time/entries");
        let entry = |open: bool| {
            entries
                .iter()
                .find(|e| (e["timeStart"].as_str().unwrap() >= "2026-10-01") == open)
                .and_then(|e| e["id"].as_i64())
                .expect("the seed has time in open and closed periods")
        };
        let sheets = sim.records("/time/sheets");
        let sheet = |status: &str| {
            sheets
                .iter()
                .find(|s| s["status"] == status)
                .and_then(|s| s["id"].as_i64())
                .unwrap_or_else(|| panic!("the seed has a {status} timesheet"))
        };
        let tickets = sim.records("/service/tickets");
        let task_ticket = tickets
            .iter()
            .filter_map(|t| t["id"].as_i64())
            .find(|id| !sim.records(&format!("/service/tickets/{id}/tasks")).is_empty())
            .expect("the seed has a ticket with tasks");
        let schedule: Vec<i64> = sim
            .records("/schedule/entries")
            .iter()
            .filter_map(|e| e["id"].as_i64())
            .collect();
        let project_board = sim
            .records("/service/boards")
            .iter()
            .find(|b| b["name"] == "Projects")
            .and_then(|b| b["id"].as_i64())
            .expect("a project board");
        let agreement = sim
            .records("/finance/agreements")
            .iter()
            .filter_map(|a| a["id"].as_i64())
            .find(|id| {
                !sim.records(&format!("/finance/agreements/{id}/additions"))
                    .is_empty()
            })
            .expect("an agreement with additions");
        let spender = sim
            .records("/expense/entries")
            .iter()
            .find_map(|e| e["member"]["identifier"].as_str().map(str::to_owned))
            .expect("the seed has expenses");
        let _ = me;
        More {
            open_entry: entry(true),
            closed_entry: entry(false),
            open_sheet: sheet("Open"),
            billed_sheet: sheet("Billed"),
            spender,
            task_ticket,
            project: first_id(sim, "/project/projects"),
            project_board,
            project_ticket: first_id(sim, "/project/tickets"),
            opportunity: first_id(sim, "/sales/opportunities"),
            agreement,
            entries: (schedule[0], schedule[1]),
        }
    }
}

/// A list tool whose rows are every record of `collection`.
fn lists_all(collection: String) -> impl Fn(&Value, &Simulator) {
    move |r, s| {
        let stored = s.records(&collection).len();
        assert!(stored > 0, "the seed has {collection}");
        assert_eq!(items(r).len(), stored, "{collection}: {r}");
    }
}

/// The record a create answered with, as stored in `collection`.
fn created(r: &Value, s: &Simulator, collection: &str) -> Value {
    let id = r["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("a created record: {r}"));
    s.get(collection, id)
        .unwrap_or_else(|| panic!("{collection}/{id} stored"))
}

fn more_cases(m: &More, ticket: i64, me: &str) -> (Vec<Case>, Vec<Case>) {
    let me_owned = me.to_owned();
    let (project, opportunity, agreement) = (m.project, m.opportunity, m.agreement);
    let (open_entry, open_sheet, project_ticket) = (m.open_entry, m.open_sheet, m.project_ticket);
    let (moved, deleted) = m.entries;
    let reads = vec![
        // ------------------------------------------------------- timesheets
        case(
            "cw_list_timesheets",
            json!({"member": me, "page_size": 100}),
            all_items("member/identifier", json!(me)),
            json!({"from": "soon"}),
            &["invalid arguments", "from"],
        ),
        case(
            "cw_list_work_roles",
            json!({}),
            lists_all("/time/workRoles".into()),
            json!({"page": 0}),
            &["page"],
        ),
        case(
            "cw_list_work_types",
            json!({}),
            lists_all("/time/workTypes".into()),
            json!({"fields": "id,colour"}),
            &["colour"],
        ),
        case(
            "cw_search_expense_entries",
            json!({"member": m.spender, "page_size": 100}),
            all_items("member/identifier", json!(m.spender)),
            json!({"member": 7}),
            &["invalid arguments", "member"],
        ),
        // ------------------------------------------------------------ setup
        case(
            "cw_list_company_types",
            json!({}),
            lists_all("/company/companies/types".into()),
            json!({"order_by": "colour"}),
            &["colour"],
        ),
        case(
            "cw_list_company_statuses",
            json!({}),
            lists_all("/company/companies/statuses".into()),
            json!({"fields": "id,mood"}),
            &["mood"],
        ),
        case(
            "cw_list_contact_types",
            json!({}),
            lists_all("/company/contacts/types".into()),
            json!({"conditions": "description = "}),
            &["conditions"],
        ),
        case(
            "cw_list_configuration_types",
            json!({}),
            lists_all("/company/configurations/types".into()),
            json!({"page_size": 0}),
            &["page_size"],
        ),
        case(
            "cw_list_ticket_sources",
            json!({}),
            lists_all("/service/sources".into()),
            json!({"order_by": "name sideways"}),
            &["order_by"],
        ),
        case(
            "cw_list_billing_cycles",
            json!({}),
            lists_all("/finance/billingCycles".into()),
            json!({"fields": "id,colour"}),
            &["colour"],
        ),
        // -------------------------------------------------------------- crm
        case(
            "cw_list_company_sites",
            json!({"company_id": 2}),
            lists_all("/company/companies/2/sites".into()),
            json!({"company_id": "ACME"}),
            &["invalid arguments", "company_id"],
        ),
        // ---------------------------------------------------------- service
        case(
            "cw_count_tickets",
            json!({"company": "ACME", "closed": false}),
            |r, s| {
                let want = s
                    .records("/service/tickets")
                    .iter()
                    .filter(|t| t["company"]["identifier"] == "ACME" && t["closedFlag"] != true)
                    .count();
                assert!(want > 0);
                assert_eq!(r["count"], json!(want), "{r}");
            },
            json!({"closed": "no"}),
            &["invalid arguments", "closed"],
        ),
        case(
            "cw_list_ticket_tasks",
            json!({"ticket_id": m.task_ticket}),
            lists_all(format!("/service/tickets/{}/tasks", m.task_ticket)),
            json!({}),
            &["invalid arguments", "ticket_id"],
        ),
        case(
            "cw_search_kb_articles",
            json!({"title_contains": "VPN"}),
            |r, s| {
                nonempty_list(r, s);
                for item in items(r) {
                    assert!(
                        unwrapped(&item["title"]).as_str().unwrap().contains("VPN"),
                        "{item}"
                    );
                }
            },
            json!({"title_contains": ["VPN"]}),
            &["invalid arguments", "title_contains"],
        ),
        // --------------------------------------------------------- schedule
        case(
            "cw_my_schedule",
            json!({"from": "2026-01-01", "page_size": 100}),
            all_stored("/schedule/entries", "member/identifier", json!(me_owned)),
            json!({"to": "the day after"}),
            &["invalid arguments", "to"],
        ),
        case(
            "cw_list_schedule_types",
            json!({}),
            lists_all("/schedule/types".into()),
            json!({"order_by": "colour"}),
            &["colour"],
        ),
        // --------------------------------------------------------- projects
        case(
            "cw_list_project_phases",
            json!({"project_id": project}),
            lists_all(format!("/project/projects/{project}/phases")),
            json!({"project_id": 987_654_321}),
            NOT_FOUND,
        ),
        case(
            "cw_list_project_ticket_notes",
            json!({"ticket_id": project_ticket}),
            lists_all(format!("/project/tickets/{project_ticket}/notes")),
            json!({"ticket_id": null}),
            &["invalid arguments", "ticket_id"],
        ),
        // ------------------------------------------------------------ sales
        case(
            "cw_list_opportunity_notes",
            json!({"opportunity_id": opportunity}),
            lists_all(format!("/sales/opportunities/{opportunity}/notes")),
            json!({"opportunity_id": 987_654_321}),
            NOT_FOUND,
        ),
        case(
            "cw_get_opportunity_forecast",
            json!({"opportunity_id": opportunity}),
            move |r, s| {
                let stored = s.records(&format!("/sales/opportunities/{opportunity}/forecast"));
                let got = items(r);
                assert_eq!(got.len(), 1, "{r}");
                assert_eq!(
                    got[0]["forecastItems"].as_array().map(Vec::len),
                    stored[0]["forecastItems"].as_array().map(Vec::len),
                    "{r}"
                );
            },
            json!({"opportunity_id": 987_654_321}),
            NOT_FOUND,
        ),
        case(
            "cw_list_sales_stages",
            json!({}),
            lists_all("/sales/stages".into()),
            json!({"fields": "id,colour"}),
            &["colour"],
        ),
        case(
            "cw_search_catalog",
            json!({"identifier": "MS-WKS"}),
            |r, s| {
                all_items("identifier", json!("MS-WKS"))(r, s);
                assert_eq!(items(r).len(), 1);
            },
            json!({"inactive": "no"}),
            &["invalid arguments", "inactive"],
        ),
        // ---------------------------------------------------------- finance
        case(
            "cw_list_agreement_types",
            json!({}),
            lists_all("/finance/agreements/types".into()),
            json!({"page_size": 1001}),
            &["page_size"],
        ),
        case(
            "cw_list_agreement_additions",
            json!({"agreement_id": agreement}),
            lists_all(format!("/finance/agreements/{agreement}/additions")),
            json!({"agreement_id": 987_654_321}),
            NOT_FOUND,
        ),
    ];
    let writes = vec![
        case(
            "cw_update_time_entry",
            json!({"id": open_entry, "notes": "Replaced the toner", "hours": 1.25}),
            move |_, s| {
                let stored = s.get("/time/entries", open_entry).unwrap();
                assert_eq!(stored["notes"], "Replaced the toner");
                assert_eq!(stored["actualHours"], json!(1.25));
            },
            json!({"id": m.closed_entry, "notes": "A late correction"}),
            &["closed"],
        ),
        case(
            "cw_submit_timesheet",
            json!({"id": open_sheet}),
            move |r, s| {
                assert_eq!(r["success"], true, "{r}");
                assert_eq!(
                    s.get("/time/sheets", open_sheet).unwrap()["status"],
                    "PendingApproval"
                );
            },
            json!({"id": m.billed_sheet}),
            &["cannot be submitted", "Billed"],
        ),
        case(
            "cw_create_company",
            json!({"identifier": "NEWCO", "name": "New Co Ltd", "phone": "555-0100", "city": "Tampa"}),
            |r, s| {
                let stored = created(r, s, "/company/companies");
                assert_eq!(
                    (&stored["identifier"], &stored["name"]),
                    (&json!("NEWCO"), &json!("New Co Ltd"))
                );
                assert_eq!(stored["phoneNumber"], "555-0100");
            },
            json!({"identifier": "X".repeat(26), "name": "Too long an identifier"}),
            &["identifier"],
        ),
        case(
            "cw_update_company",
            json!({"id": 2, "phone": "555-0199", "website": "www.example.com"}),
            |_, s| {
                let stored = s.get("/company/companies", 2).unwrap();
                assert_eq!(stored["phoneNumber"], "555-0199");
                assert_eq!(stored["website"], "www.example.com");
            },
            json!({"id": 987_654_321, "phone": "555-0199"}),
            NOT_FOUND,
        ),
        case(
            "cw_create_contact",
            json!({"company": "ACME", "first_name": "Jane", "last_name": "Doe", "title": "Office Manager"}),
            |r, s| {
                let stored = created(r, s, "/company/contacts");
                assert_eq!(stored["company"]["identifier"], "ACME");
                assert_eq!(
                    (&stored["firstName"], &stored["lastName"]),
                    (&json!("Jane"), &json!("Doe"))
                );
            },
            json!({"company": "ACME", "first_name": "   "}),
            &["first_name"],
        ),
        case(
            "cw_schedule_ticket",
            json!({"ticket_id": ticket, "member": me, "date_start": "2026-11-24T14:00:00Z", "date_end": "2026-11-24T15:30:00Z"}),
            move |r, s| {
                let stored = created(r, s, "/schedule/entries");
                assert_eq!(stored["objectId"], json!(ticket));
                assert_eq!(stored["type"]["identifier"], "S");
                assert_eq!(stored["member"]["identifier"], json!(me_owned));
                assert_eq!(stored["hours"], json!(1.5));
            },
            json!({"ticket_id": ticket, "member": me, "date_start": "2026-11-24T15:00:00Z", "date_end": "2026-11-24T14:00:00Z"}),
            &["after"],
        ),
        case(
            "cw_move_schedule_entry",
            json!({"id": moved, "date_start": "2026-11-25T09:00:00Z", "date_end": "2026-11-25T10:00:00Z"}),
            move |_, s| {
                let stored = s.get("/schedule/entries", moved).unwrap();
                assert_eq!(stored["dateStart"], "2026-11-25T09:00:00Z");
                assert_eq!(stored["hours"], json!(1.0));
            },
            json!({"id": 987_654_321, "date_start": "2026-11-25T09:00:00Z"}),
            NOT_FOUND,
        ),
        case(
            "cw_delete_schedule_entry",
            json!({"id": deleted}),
            move |r, s| {
                assert_eq!(r["ok"], true, "{r}");
                assert!(s.get("/schedule/entries", deleted).is_none(), "deleted");
            },
            json!({"id": deleted}),
            NOT_FOUND,
        ),
        case(
            "cw_create_project",
            json!({"name": "Server migration", "company": "ACME", "board_id": m.project_board,
                   "billing_method": "FixedFee", "estimated_start": "2026-12-01", "estimated_end": "2027-01-15"}),
            |r, s| {
                let stored = created(r, s, "/project/projects");
                assert_eq!(stored["name"], "Server migration");
                assert_eq!(stored["estimatedStart"], "2026-12-01T00:00:00Z");
            },
            json!({"name": "Server migration", "company": "ACME", "board_id": m.project_board,
                   "billing_method": "Hourly", "estimated_start": "2026-12-01", "estimated_end": "2027-01-15"}),
            &["billing_method"],
        ),
        case(
            "cw_update_project",
            json!({"id": project, "budget_hours": 120, "estimated_end": "2027-02-01"}),
            move |_, s| {
                let stored = s.get("/project/projects", project).unwrap();
                assert_eq!(stored["budgetHours"], json!(120.0));
                assert_eq!(stored["estimatedEnd"], "2027-02-01T00:00:00Z");
            },
            json!({"id": project, "budget_hours": -5}),
            &["invalid arguments", "budget_hours"],
        ),
        case(
            "cw_add_project_phase",
            json!({"project_id": project, "description": "Cutover", "budget_hours": 16}),
            move |r, s| {
                let stored = created(r, s, &format!("/project/projects/{project}/phases"));
                assert_eq!(stored["description"], "Cutover");
            },
            json!({"project_id": project, "description": "x".repeat(101)}),
            &["description"],
        ),
        case(
            "cw_add_project_note",
            json!({"project_id": project, "text": "Kick-off held with the customer"}),
            move |r, s| {
                let stored = created(r, s, &format!("/project/projects/{project}/notes"));
                assert_eq!(stored["text"], "Kick-off held with the customer");
            },
            json!({"project_id": 987_654_321, "text": "Nobody reads this"}),
            NOT_FOUND,
        ),
        case(
            "cw_add_project_ticket_note",
            json!({"ticket_id": project_ticket, "text": "Switches racked", "visibility": "internal"}),
            move |r, s| {
                let stored = created(r, s, &format!("/project/tickets/{project_ticket}/notes"));
                assert_eq!(stored["internalAnalysisFlag"], true);
            },
            json!({"ticket_id": project_ticket, "text": "Hm", "visibility": "whisper"}),
            &["invalid arguments", "visibility"],
        ),
        case(
            "cw_create_opportunity",
            json!({"name": "Firewall refresh", "company": "ACME", "sales_rep": "BCarter", "expected_close": "2026-12-31"}),
            |r, s| {
                let stored = created(r, s, "/sales/opportunities");
                assert_eq!(stored["primarySalesRep"]["identifier"], "BCarter");
                assert_eq!(stored["expectedCloseDate"], "2026-12-31T00:00:00Z");
            },
            json!({"name": "x".repeat(101), "company": "ACME"}),
            &["name"],
        ),
        case(
            "cw_create_activity",
            json!({"name": "Follow-up call", "company": "ACME", "assign_to": "BCarter", "date_start": "2026-11-24T15:00:00Z"}),
            |r, s| {
                let stored = created(r, s, "/sales/activities");
                assert_eq!(stored["assignTo"]["identifier"], "BCarter");
            },
            json!({"name": " ", "company": "ACME"}),
            &["name"],
        ),
        case(
            "cw_create_agreement",
            json!({"name": "ACME Backup Plus", "company": "ACME", "type_id": 1, "start_date": "2027-01-01", "bill_amount": 99.5}),
            |r, s| {
                let stored = created(r, s, "/finance/agreements");
                assert_eq!(stored["billAmount"], json!(99.5));
                assert_eq!(stored["company"]["identifier"], "ACME");
            },
            json!({"name": "ACME Backup Plus", "company": "ACME", "type_id": 1, "bill_amount": -1}),
            &["invalid arguments", "bill_amount"],
        ),
        case(
            "cw_add_agreement_addition",
            json!({"agreement_id": agreement, "product": "M365-BP", "quantity": 3, "bill_customer": "Billable"}),
            move |r, s| {
                let stored = created(r, s, &format!("/finance/agreements/{agreement}/additions"));
                assert_eq!(stored["quantity"], json!(3.0));
            },
            json!({"agreement_id": agreement, "product": "M365-BP", "quantity": 3, "bill_customer": "Sometimes"}),
            &["bill_customer"],
        ),
    ];
    (reads, writes)
}

#[tokio::test]
async fn every_curated_tool_succeeds_once_and_fails_once_with_a_useful_error() {
    every_case(&[]).await;
}

/// With `--output-schemas`, every tool declares one and every happy result
/// is valid under it (checked by a JSON Schema validator), and carries the
/// same value as its text.
#[tokio::test]
async fn with_output_schemas_every_result_matches_its_tools_schema() {
    every_case(&["--output-schemas"]).await;
}

/// Each list tool's `order_by` in `spec/tools.toml`.
fn default_orders() -> std::collections::HashMap<String, String> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/tools.toml")).unwrap();
    let file: toml::Table = toml::from_str(&text).unwrap();
    file["tool"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| {
            Some((
                t["name"].as_str()?.to_owned(),
                t.get("order_by")?.as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// A list tool sends its promised `orderBy` (ConnectWise's own order is
/// oldest first), and the rows come in that order where the answer shows
/// the field.
fn sends_and_keeps_its_order(tool: &str, order: &str, sim: &Simulator, value: &Value) {
    let first = sim
        .request_log()
        .into_iter()
        .find(|r| r.method == "GET")
        .unwrap_or_else(|| panic!("{tool} sent no GET"));
    let query = first
        .path_and_query
        .split_once('?')
        .map(|(_, q)| q)
        .unwrap_or_default();
    let sent: Vec<String> = url::form_urlencoded::parse(query.as_bytes())
        .filter(|(k, _)| k == "orderBy")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(sent, [order], "{tool}: orderBy sent");
    let mut words = order.split(',').next().unwrap().split_whitespace();
    let (field, descending) = (words.next().unwrap(), words.next() == Some("desc"));
    let keys: Vec<Value> = items(value).iter().map(|r| at_path(r, field).clone()).collect();
    if keys.iter().any(Value::is_null) || !(field == "id" || field.ends_with("Start") || field == "date") {
        return;
    }
    let as_key = |v: &Value| {
        v.as_i64()
            .map(|n| format!("{n:020}"))
            .unwrap_or_else(|| v.to_string())
    };
    let mut sorted: Vec<String> = keys.iter().map(as_key).collect();
    sorted.sort();
    if descending {
        sorted.reverse();
    }
    assert_eq!(
        keys.iter().map(as_key).collect::<Vec<_>>(),
        sorted,
        "{tool}: rows in {order} order"
    );
}

async fn every_case(extra_args: &[&str]) {
    let sim = start_sim().await;
    // An open ACME ticket with an owner; "me" is its owner, so that "my
    // tickets" has some.
    let (ticket, me) = sim
        .records("/service/tickets")
        .iter()
        .find(|t| t["company"]["identifier"] == "ACME" && t["closedFlag"] == false && t["owner"].is_object())
        .map(|t| {
            (
                t["id"].as_i64().unwrap(),
                t["owner"]["identifier"].as_str().unwrap().to_owned(),
            )
        })
        .expect("the seed has an owned, open ACME ticket");
    let mut env = sim_env(&sim);
    env.retain(|(k, _)| k != "CW_MEMBER_IDENTIFIER");
    env.push(("CW_MEMBER_IDENTIFIER".into(), me.clone()));
    let mut args = vec!["--toolsets", "all", "--allow-writes", "--allow-deletes"];
    args.extend_from_slice(extra_args);
    let client = connect(&args, &env).await;
    let tools = list_tools(&client).await;
    let schemas = !extra_args.is_empty();

    let cases = cases(&sim, ticket, &me);
    let mut untested: Vec<&str> = curated::tools().iter().map(|t| t.name).collect();
    untested.retain(|name| !cases.iter().any(|c| c.tool == *name));
    assert!(untested.is_empty(), "tools without a case: {untested:?}");

    let orders = default_orders();
    for case in &cases {
        sim.clear_request_log();
        let ok = call(&client, case.tool, case.happy.clone())
            .await
            .expect("a result");
        assert_eq!(
            ok.is_error,
            Some(false),
            "{} {}: {}",
            case.tool,
            case.happy,
            text(&ok)
        );
        let value = json_of(&ok);
        if schemas {
            let tool = tools.iter().find(|t| t.name == case.tool).expect("listed");
            let schema = Value::Object((**tool.output_schema.as_ref().expect("an output schema")).clone());
            let structured = ok.structured_content.clone().expect("structuredContent");
            assert_eq!(structured, value, "{}: the same value as the text", case.tool);
            let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
            let errors: Vec<String> = validator
                .iter_errors(&structured)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?} in {structured}", case.tool);
        } else {
            assert_eq!(
                ok.structured_content, None,
                "{}: text only without --output-schemas",
                case.tool
            );
        }
        (case.check)(&value, &sim);
        if let Some(order) = orders.get(case.tool) {
            sends_and_keeps_its_order(case.tool, order, &sim, &value);
        }

        let sent = sim.request_log().len();
        let failed = call(&client, case.tool, case.failure.clone())
            .await
            .expect("a result");
        let message = text(&failed);
        assert_eq!(
            failed.is_error,
            Some(true),
            "{} {} should fail: {message}",
            case.tool,
            case.failure
        );
        for want in case.failure_says {
            assert!(
                message.contains(want),
                "{}: `{want}` not in: {message}",
                case.tool
            );
        }
        if message.starts_with("invalid arguments") {
            assert_eq!(
                sim.request_log().len(),
                sent,
                "{}: nothing is sent on bad arguments",
                case.tool
            );
        }
    }
}

#[tokio::test]
async fn a_filter_value_cannot_change_the_condition_it_is_put_in() {
    let sim = start_sim().await;
    let client = connect(&[], &sim_env(&sim)).await;
    let all = sim.records("/company/companies").len();
    for sneaky in [
        r#"ACME" or id > 0 or identifier = "x"#,
        r#"ACME\" or 1=1 --"#,
        "ACME' OR '1'='1",
    ] {
        let result = call(&client, "cw_search_companies", json!({"identifier": sneaky}))
            .await
            .unwrap();
        assert_eq!(result.is_error, Some(false), "{}", text(&result));
        let value = json_of(&result);
        assert!(
            items(&value).is_empty(),
            "{sneaky:?} matched {} of {all} companies",
            items(&value).len()
        );
    }
}
