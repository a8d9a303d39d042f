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
    vec![
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
    ]
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
    let mut args = vec!["--toolsets", "all", "--allow-writes"];
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
