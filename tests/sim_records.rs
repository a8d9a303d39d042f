//! Records served at the size and in the shape of a real tenant's
//! (`/work/shared/real-cw/README.md`): every field a real record carries,
//! `_info` links, references with `_info`, custom fields, and the
//! description only as the first note.

mod support;

use connectwise_mcp::spec::API_ROOT;
use reqwest::Method;
use serde_json::{Value, json};
use support::sim::{bare_get, get, ids, list, send_json, start_sim};

async fn ticket(sim: &connectwise_mcp::sim::Simulator, id: i64) -> Value {
    let (status, _, body) = list(sim, &format!("/service/tickets/{id}"), &[]).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_ticket_is_served_at_real_size() {
    let sim = start_sim().await;
    for id in [1, 2, 3, 50, 199] {
        let t = ticket(&sim, id).await;
        let keys = t.as_object().unwrap();
        assert!(
            keys.len() >= 60,
            "ticket {id} has {} top-level keys: {t:#}",
            keys.len()
        );
        let size = serde_json::to_string(&t).unwrap().len();
        assert!(size >= 4_000, "ticket {id} is {size} bytes of JSON");
        for key in [
            "allowAllClientsPortalView",
            "approved",
            "automaticEmailContactFlag",
            "billingMethod",
            "currency",
            "department",
            "escalationLevel",
            "escalationStartDateUTC",
            "estimatedTimeRevenue",
            "hasMergedChildTicketFlag",
            "location",
            "minutesWaiting",
            "mobileGuid",
            "recordType",
            "requestForChangeFlag",
            "resolveMinutes",
            "respondMinutes",
            "serviceLocation",
            "sla",
            "slaStatus",
            "subBillingMethod",
            "team",
            "customFields",
        ] {
            assert!(keys.contains_key(key), "ticket {id} lacks {key}");
        }
        assert!(
            !keys.contains_key("dateEntered"),
            "dateEntered is only under _info"
        );
        assert!(!keys.contains_key("initialDescription"));
        assert!(
            keys.values().all(|v| !v.is_null()),
            "fields with no value are left out"
        );
    }
}

#[tokio::test]
async fn a_tickets_info_has_its_audit_fields_and_links() {
    let sim = start_sim().await;
    let t = ticket(&sim, 5).await;
    let info = t["_info"].as_object().unwrap();
    for key in ["dateEntered", "enteredBy", "lastUpdated", "updatedBy"] {
        assert!(info[key].is_string(), "_info/{key}");
    }
    let base = sim.base_url();
    assert_eq!(info["notes_href"], format!("{base}/service/tickets/5/notes"));
    assert_eq!(
        info["timeentries_href"],
        format!(
            "{base}/time/entries?conditions=(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId=5"
        )
    );
    for key in [
        "activities_href",
        "configurations_href",
        "documents_href",
        "expenseEntries_href",
        "products_href",
        "scheduleentries_href",
        "tasks_href",
    ] {
        assert!(info[key].as_str().unwrap().starts_with(&base), "{key}");
    }
}

#[tokio::test]
async fn references_carry_an_href_with_a_double_slash_and_the_targets_mobile_guid() {
    let sim = start_sim().await;
    let t = ticket(&sim, 3).await;
    let company = t["company"]["id"].as_i64().unwrap();
    let base = sim.base_url();
    assert_eq!(
        t["company"]["_info"]["company_href"],
        format!("{base}//company/companies/{company}")
    );
    let (_, _, company_record) = list(&sim, &format!("/company/companies/{company}"), &[]).await;
    assert_eq!(t["company"]["_info"]["mobileGuid"], company_record["mobileGuid"]);
    assert!(company_record["mobileGuid"].as_str().unwrap().len() == 36);
    assert!(
        t["status"]["Sort"].is_number(),
        "the status reference's odd `Sort`: {}",
        t["status"]
    );
    assert!(
        t["priority"]["_info"]["image_href"]
            .as_str()
            .unwrap()
            .contains("/image?lm=")
    );
    // Every reference's href leads to the record it names.
    for field in [
        "board",
        "status",
        "company",
        "site",
        "contact",
        "type",
        "priority",
        "source",
        "team",
        "sla",
        "currency",
        "department",
        "location",
        "serviceLocation",
    ] {
        let href = t[field]["_info"]
            .as_object()
            .and_then(|info| {
                info.iter()
                    .find(|(k, _)| k.ends_with("_href") && *k != "image_href")
            })
            .and_then(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{field} has no href: {}", t[field]));
        let path = href.trim_start_matches(&base).trim_start_matches('/');
        let (status, _, target) = list(&sim, &format!("/{path}"), &[]).await;
        assert_eq!(status, 200, "{field}: {href}");
        assert_eq!(target["id"], t[field]["id"], "{field}: {href}");
    }
}

/// Every reference in `value` (an object with an `id` and an `_info` holding
/// a `*_href`), with where it sits.
fn references(value: &Value, at: &str, out: &mut Vec<(String, i64, String)>) {
    match value {
        Value::Object(object) => {
            let href = object
                .get("_info")
                .and_then(Value::as_object)
                .and_then(|info| {
                    info.iter()
                        .find(|(k, _)| k.ends_with("_href") && *k != "image_href")
                })
                .and_then(|(_, v)| v.as_str());
            if let (Some(href), Some(id)) = (href, object.get("id").and_then(Value::as_i64))
                && !at.is_empty()
            {
                out.push((at.to_string(), id, href.to_string()));
            }
            for (k, v) in object {
                if k != "_info" {
                    references(v, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, at, out)),
        _ => {}
    }
}

#[tokio::test]
async fn every_reference_of_every_kind_of_record_leads_to_its_record() {
    let sim = start_sim().await;
    let base = sim.base_url();
    let mut checked = std::collections::HashSet::new();
    for path in [
        "/service/tickets",
        "/project/tickets",
        "/project/projects",
        "/company/companies",
        "/company/contacts",
        "/company/configurations",
        "/time/entries",
        "/system/members",
        "/finance/agreements",
        "/finance/invoices",
        "/sales/opportunities",
        "/sales/activities",
        "/schedule/entries",
        "/service/boards",
        "/service/tickets/1/notes",
    ] {
        let (status, _, page) = list(&sim, path, &[("pageSize", "3")]).await;
        assert_eq!(status, 200, "{path}");
        let mut found = Vec::new();
        references(&page, "", &mut found);
        assert!(!found.is_empty(), "{path} has references");
        for (at, id, href) in found {
            if !checked.insert(href.clone()) {
                continue;
            }
            let target = href
                .strip_prefix(&format!("{base}/"))
                .unwrap_or_else(|| panic!("{path}{at}: {href}"));
            assert!(target.starts_with('/'), "{path}{at}: the doubled slash in {href}");
            let (status, _, record) = list(&sim, target, &[]).await;
            assert_eq!(status, 200, "{path}{at}: {href} answers {status}: {record}");
            assert_eq!(record["id"], id, "{path}{at}: {href}");
        }
    }
}

#[tokio::test]
async fn links_are_built_against_the_host_the_request_came_in_on() {
    let sim = start_sim().await;
    let response = get(&sim, "/service/tickets/4")
        .header("host", "cw.example.test")
        .send()
        .await
        .unwrap();
    let t: Value = response.json().await.unwrap();
    let href = t["board"]["_info"]["board_href"].as_str().unwrap();
    assert!(
        href.starts_with(&format!("http://cw.example.test{API_ROOT}//service/boards/")),
        "{href}"
    );
}

#[tokio::test]
async fn other_records_carry_links_and_mobile_guids_too() {
    let sim = start_sim().await;
    let contact = sim.get("/company/contacts", 1).unwrap();
    for key in [
        "mobileGuid",
        "childrenFlag",
        "companyLocation",
        "ignoreDuplicates",
        "marriedFlag",
        "portalSecurityLevel",
    ] {
        assert!(contact.get(key).is_some(), "contact lacks {key}: {contact:#}");
    }
    assert!(contact["company"]["_info"]["company_href"].is_string());
    let entry = sim
        .records("/time/entries")
        .into_iter()
        .find(|e| e["chargeToType"] == "ServiceTicket")
        .unwrap();
    let charged = sim
        .get("/service/tickets", entry["chargeToId"].as_i64().unwrap())
        .unwrap();
    assert_eq!(entry["_info"]["chargeToMobileGuid"], charged["mobileGuid"]);
    assert!(
        entry["workRole"]["_info"]["workRole_href"].is_string(),
        "{entry:#}"
    );
    let member = sim.get("/system/members", 1).unwrap();
    assert!(member.as_object().unwrap().len() >= 60, "{member:#}");
}

#[tokio::test]
async fn custom_fields_list_every_definition_with_typed_values() {
    let sim = start_sim().await;
    let company = sim.get("/company/companies", 2).unwrap();
    let fields = company["customFields"].as_array().unwrap();
    let captions: Vec<&str> = fields.iter().map(|f| f["caption"].as_str().unwrap()).collect();
    assert_eq!(
        captions,
        ["Backup Provider", "Contract Renewal", "Seats Covered", "Link"]
    );
    let link = &fields[3];
    assert_eq!(link["type"], "Hyperlink");
    assert_eq!(link["entryMethod"], "EntryField");
    assert_eq!(link["numberOfDecimals"], 0);
    assert!(link["value"].as_str().unwrap().starts_with("https://"));
    assert!(fields[2]["value"].is_i64(), "a Number field holds a number");
    let (status, _, defs) = list(&sim, "/system/userDefinedFields", &[("pageSize", "100")]).await;
    assert_eq!(status, 200);
    assert_eq!(defs.as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn custom_field_conditions_match_the_seeds_definitions() {
    let sim = start_sim().await;
    let (status, _, body) = list(
        &sim,
        "/company/companies",
        &[
            (
                "customFieldConditions",
                r#"caption="Backup Provider" and value="Datto""#,
            ),
            ("pageSize", "100"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let expected: Vec<i64> = sim
        .records("/company/companies")
        .iter()
        .filter(|c| {
            c["customFields"].as_array().is_some_and(|f| {
                f.iter()
                    .any(|f| f["caption"] == "Backup Provider" && f["value"] == "Datto")
            })
        })
        .map(|c| c["id"].as_i64().unwrap())
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(ids(&body), expected);
}

#[tokio::test]
async fn a_partial_custom_fields_array_clears_the_fields_left_out() {
    let sim = start_sim().await;
    let (status, body) = send_json(
        &sim,
        Method::PATCH,
        "/company/companies/2",
        &json!([{"op": "replace", "path": "customFields", "value": [{"id": 6, "value": 40}]}]),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let fields = body["customFields"].as_array().unwrap();
    assert_eq!(fields.len(), 4, "every definition is still listed");
    for f in fields {
        match f["id"].as_i64().unwrap() {
            6 => assert_eq!(f["value"], 40),
            _ => assert!(f.get("value").is_none(), "cleared: {f}"),
        }
    }
    assert_eq!(
        sim.get("/company/companies", 2).unwrap()["customFields"],
        body["customFields"]
    );
}

#[tokio::test]
async fn a_custom_field_value_of_the_wrong_type_is_a_400() {
    let sim = start_sim().await;
    let mut company = sim.get("/company/companies", 3).unwrap();
    company["customFields"] = json!([{"id": 6, "value": "forty"}]);
    let (status, body) = send_json(&sim, Method::PUT, "/company/companies/3", &company).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["field"], "customFields/0/value");
}

#[tokio::test]
async fn a_record_put_back_as_served_is_unchanged() {
    let sim = start_sim().await;
    let before = sim.get("/service/tickets", 12).unwrap();
    let stored_before = sim.stored("/service/tickets", 12).unwrap();
    let (status, after) = send_json(&sim, Method::PUT, "/service/tickets/12", &before).await;
    assert_eq!(status, 200, "{after}");
    let mut after = after;
    // Only the audit stamp of the write differs.
    after["_info"]["lastUpdated"] = before["_info"]["lastUpdated"].clone();
    after["_info"]["updatedBy"] = before["_info"]["updatedBy"].clone();
    assert_eq!(after, before, "what GET serves, PUT keeps");
    let stored_after = sim.stored("/service/tickets", 12).unwrap();
    assert_eq!(
        stored_after.as_object().unwrap().len(),
        stored_before.as_object().unwrap().len(),
        "defaults, computed fields and links are not stored: {stored_after:#}"
    );
}

#[tokio::test]
async fn conditions_order_and_fields_see_defaults_and_computed_fields() {
    let sim = start_sim().await;
    let all = sim.records("/service/tickets").len();
    let (_, _, count) = list(
        &sim,
        "/service/tickets/count",
        &[(
            "conditions",
            r#"billingMethod = "ActualRates" and approved = true"#,
        )],
    )
    .await;
    assert_eq!(count["count"], all, "a default is seen by conditions");
    let (status, _, body) = list(
        &sim,
        "/service/tickets",
        &[
            ("conditions", r#"slaStatus = "Resolved""#),
            ("fields", "id,team/name,slaStatus"),
            ("pageSize", "1000"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let closed = sim
        .records("/service/tickets")
        .iter()
        .filter(|t| t["closedFlag"] == true)
        .count();
    assert_eq!(
        body.as_array().unwrap().len(),
        closed,
        "a computed field is seen by conditions"
    );
    assert!(body[0]["team"]["name"].is_string(), "{}", body[0]);
    let (status, _, sorted) = list(
        &sim,
        "/service/tickets",
        &[
            ("orderBy", "slaStatus desc"),
            ("fields", "id,slaStatus"),
            ("pageSize", "1000"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let statuses: Vec<String> = sorted
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["slaStatus"].as_str().unwrap().to_lowercase())
        .collect();
    assert!(
        statuses.windows(2).all(|w| w[0] >= w[1]),
        "sorted on a computed field"
    );
}

#[tokio::test]
async fn get_never_returns_initial_description_it_is_the_first_note() {
    let sim = start_sim().await;
    let (status, created) = send_json(
        &sim,
        Method::POST,
        "/service/tickets",
        &json!({"summary": "Outlook keeps asking for a password", "board": {"id": 1},
                "company": {"id": 2}, "initialDescription": "Since this morning Outlook prompts every few minutes."}),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert!(created.get("initialDescription").is_none());
    let id = created["id"].as_i64().unwrap();
    assert!(ticket(&sim, id).await.get("initialDescription").is_none());
    let (_, _, notes) = list(&sim, &format!("/service/tickets/{id}/notes"), &[]).await;
    assert_eq!(
        notes[0]["text"],
        "Since this morning Outlook prompts every few minutes."
    );
    assert_eq!(notes[0]["detailDescriptionFlag"], true);
    let (_, _, page) = list(&sim, "/service/tickets", &[("pageSize", "1000")]).await;
    assert!(
        page.as_array()
            .unwrap()
            .iter()
            .all(|t| t.get("initialDescription").is_none())
    );
}

#[tokio::test]
async fn initial_description_on_an_update_is_a_400() {
    let sim = start_sim().await;
    let (status, body) = send_json(
        &sim,
        Method::PATCH,
        "/service/tickets/6",
        &json!([{"op": "replace", "path": "initialDescription", "value": "Rewritten"}]),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["errors"][0]["field"], "initialDescription");
    let mut t = sim.get("/service/tickets", 6).unwrap();
    t["initialDescription"] = json!("Rewritten");
    let (status, _) = send_json(&sim, Method::PUT, "/service/tickets/6", &t).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn odd_shapes_break_the_specs_promises_on_a_few_records() {
    let sim = start_sim().await;
    let before = ticket(&sim, 7).await;
    sim.faults().serve_odd_shapes(true);
    assert_eq!(ticket(&sim, 7).await["summary"], Value::Null, "a null value");
    let (_, _, projected) = list(&sim, "/service/tickets/7", &[("fields", "summary")]).await;
    assert_eq!(
        projected,
        json!({"summary": null}),
        "`fields` sees the odd record too"
    );
    let unlisted = ticket(&sim, 17).await;
    assert!(
        unlisted
            .as_object()
            .unwrap()
            .values()
            .any(|v| v == "Undocumented"),
        "an enum value the spec does not list"
    );
    assert_eq!(ticket(&sim, 27).await["unexpectedFlag"], true, "extra fields");
    assert!(
        ticket(&sim, 37).await["customFields"].is_object(),
        "an object where a list was promised"
    );
    let cased = ticket(&sim, 47).await;
    assert!(
        cased.get("Summary").is_some() && cased.get("summary").is_none(),
        "odd key casing"
    );
    assert!(
        ticket(&sim, 8).await.get("summary").is_some(),
        "other records are as before"
    );
    let (status, _, page) = list(&sim, "/service/tickets", &[("conditions", r#"summary like "%""#)]).await;
    assert_eq!(status, 200);
    assert!(!ids(&page).contains(&7), "filters see the record as served");
    sim.faults().serve_odd_shapes(false);
    assert_eq!(ticket(&sim, 7).await, before);
}

#[tokio::test]
async fn the_reported_version_can_be_switched() {
    let sim = start_sim().await;
    let response = get(&sim, "/system/info").send().await.unwrap();
    assert_eq!(response.headers()["api-current-version"], "2022.1");
    let info: Value = response.json().await.unwrap();
    assert!(info["version"].as_str().unwrap().starts_with("v2022.1."));
    sim.faults().report_version("2025.1");
    let response = get(&sim, "/system/info").send().await.unwrap();
    assert_eq!(response.headers()["api-current-version"], "2025.1");
    let info: Value = response.json().await.unwrap();
    assert!(
        info["version"].as_str().unwrap().starts_with("v2025.1."),
        "{info}"
    );
}

#[tokio::test]
async fn every_connectwise_answer_carries_api_current_version() {
    let sim = start_sim().await;
    for path in [
        "/service/boards",
        "/service/tickets/999999",
        "/service/nosuchthing",
    ] {
        let response = get(&sim, path).send().await.unwrap();
        assert_eq!(response.headers()["api-current-version"], "2022.1", "{path}");
    }
    let unauthenticated = bare_get(&sim, "/service/boards").send().await.unwrap();
    assert_eq!(unauthenticated.headers()["api-current-version"], "2022.1");
}
