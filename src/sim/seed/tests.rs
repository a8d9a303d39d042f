//! What the seed data promises, checked against the API's own description.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::OnceLock;

use serde_json::Value;

use super::{SeedData, Size, generate, now};
use crate::spec::MEDIA_TYPE;

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/spec/manage.json");
        serde_json::from_str(&std::fs::read_to_string(path).expect("read the spec")).expect("parse the spec")
    })
}

fn small() -> &'static SeedData {
    static SMALL: OnceLock<SeedData> = OnceLock::new();
    SMALL.get_or_init(|| generate(42, Size::Small))
}

fn records<'a>(data: &'a SeedData, path: &str) -> &'a [Value] {
    data.collections.get(path).map_or(&[], |v| v.as_slice())
}

fn by_id(records: &[Value]) -> HashMap<i64, &Value> {
    records
        .iter()
        .map(|r| (r["id"].as_i64().expect("id"), r))
        .collect()
}

/// `/service/tickets/17/notes` → `/service/tickets/{parentId}/notes`, if the spec has it.
fn template_of(path: &str) -> Option<&'static str> {
    let segments: Vec<&str> = path.split('/').collect();
    spec()["paths"]
        .as_object()?
        .keys()
        .map(String::as_str)
        .find(|template| {
            let t: Vec<&str> = template.split('/').collect();
            t.len() == segments.len()
                && t.iter().zip(&segments).all(|(t, s)| {
                    if t.starts_with('{') {
                        s.parse::<i64>().is_ok()
                    } else {
                        t == s
                    }
                })
        })
}

fn resolve(schema: &'static Value) -> &'static Value {
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(spec().pointer(r.trim_start_matches('#')).expect("$ref resolves")),
        None => schema,
    }
}

/// The schema of one record of the collection a GET on `template` returns.
fn item_schema(template: &str) -> &'static Value {
    let get = &spec()["paths"][template]["get"];
    let schema = &get["responses"]["200"]["content"][MEDIA_TYPE]["schema"];
    assert_eq!(schema["type"], "array", "{template} returns a collection");
    resolve(&schema["items"])
}

fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 20
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            10 => *c == b'T',
            13 | 16 => *c == b':',
            19 => *c == b'Z',
            _ => c.is_ascii_digit(),
        })
}

/// Collect every way `value` strays from `schema`: unknown or missing-required properties,
/// wrong JSON types, values outside an enum, nulls (the API omits empty fields) and
/// date-times that are not whole-second UTC.
fn check(schema: &'static Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let schema = resolve(schema);
    if value.is_null() {
        return errors.push(format!("{at}: null"));
    }
    // The spec types a custom field's `value` as an object; real tenants send
    // the text, number, boolean or date itself (shared/real-cw/README.md).
    if at.contains(".customFields[") && at.ends_with(".value") {
        if value.is_object() || value.is_array() {
            errors.push(format!("{at}: {value} is not a scalar custom field value"));
        }
        return;
    }
    if let Some(allowed) = schema.get("enum").and_then(Value::as_array)
        && !allowed.contains(value)
    {
        errors.push(format!("{at}: {value} not in {allowed:?}"));
    }
    let ok = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => value.is_i64(),
        Some("number") => value.is_number(),
        Some("boolean") => value.is_boolean(),
        Some("string") => {
            let date = schema.get("format").and_then(Value::as_str) == Some("date-time");
            value.as_str().is_some_and(|s| !date || is_timestamp(s))
        }
        Some("array") => match value.as_array() {
            Some(items) => {
                for (i, item) in items.iter().enumerate() {
                    check(&schema["items"], item, &format!("{at}[{i}]"), errors);
                }
                true
            }
            None => false,
        },
        _ => match value.as_object() {
            Some(object) => {
                let properties = schema.get("properties").and_then(Value::as_object);
                for (key, v) in object {
                    match (
                        properties.and_then(|p| p.get(key)),
                        schema.get("additionalProperties"),
                    ) {
                        (Some(p), _) => check(p, v, &format!("{at}.{key}"), errors),
                        (None, Some(extra)) if extra.is_object() => {
                            check(extra, v, &format!("{at}.{key}"), errors)
                        }
                        _ => errors.push(format!("{at}: unknown property {key}")),
                    }
                }
                for required in schema
                    .get("required")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if !object.contains_key(required.as_str().unwrap_or_default()) {
                        errors.push(format!("{at}: missing required {required}"));
                    }
                }
                true
            }
            None => false,
        },
    };
    if !ok {
        errors.push(format!(
            "{at}: {value} is not a {}",
            schema.get("type").unwrap_or(&Value::Null)
        ));
    }
}

#[test]
fn the_same_seed_gives_byte_identical_data_and_another_seed_does_not() {
    let text = |d: &SeedData| serde_json::to_string(&d.collections).expect("serialize");
    let first = text(small());
    assert_eq!(first, text(&generate(42, Size::Small)));
    assert_ne!(first, text(&generate(43, Size::Small)));
}

#[test]
fn every_collection_is_a_path_the_spec_serves() {
    for path in small().collections.keys() {
        let template = template_of(path).unwrap_or_else(|| panic!("{path} is not in the spec"));
        assert!(
            spec()["paths"][template]["get"].is_object(),
            "{template} has no GET"
        );
    }
}

#[test]
fn every_record_uses_its_schemas_property_names_and_types() {
    let mut errors = Vec::new();
    for (path, records) in &small().collections {
        let schema = item_schema(template_of(path).expect("template"));
        for (i, record) in records.iter().enumerate() {
            assert!(record["id"].is_i64(), "{path}[{i}] has an integer id");
            check(schema, record, &format!("{path}[{i}]"), &mut errors);
        }
    }
    assert!(
        errors.is_empty(),
        "{} problems, first ones:\n{}",
        errors.len(),
        errors[..errors.len().min(30)].join("\n")
    );
}

#[test]
fn ids_are_unique_within_each_collection_template() {
    let mut seen: BTreeMap<&str, HashSet<i64>> = BTreeMap::new();
    for (path, records) in &small().collections {
        let ids = seen.entry(template_of(path).expect("template")).or_default();
        for r in records {
            assert!(
                ids.insert(r["id"].as_i64().expect("id")),
                "duplicate id {} in {path}",
                r["id"]
            );
        }
    }
}

#[test]
fn a_small_tenant_has_the_promised_counts() {
    let d = small();
    let count = |p: &str| records(d, p).len();
    assert_eq!(count("/company/companies"), 25);
    assert_eq!(count("/company/contacts"), 80);
    assert_eq!(count("/company/configurations"), 40);
    assert_eq!(count("/service/tickets"), 200);
    assert_eq!(count("/time/entries"), 300);
    assert_eq!(count("/service/boards"), 4);
    assert_eq!(count("/service/priorities"), 4);
    assert_eq!(count("/system/members"), 12);
    for path in [
        "/finance/agreements",
        "/sales/opportunities",
        "/project/projects",
        "/project/tickets",
        "/sales/activities",
        "/schedule/entries",
        "/finance/invoices",
    ] {
        assert!(count(path) > 0, "{path} is empty");
    }
    let with_notes = d
        .collections
        .keys()
        .filter(|k| k.starts_with("/service/tickets/") && k.ends_with("/notes"))
        .count();
    assert_eq!(with_notes, 200, "every small ticket has notes");
    for id in 1..=4 {
        assert_eq!(count(&format!("/service/boards/{id}/statuses")), 6);
    }
}

#[test]
fn acme_exists_and_has_open_tickets() {
    let d = small();
    let acme = records(d, "/company/companies")
        .iter()
        .find(|c| c["identifier"] == "ACME")
        .expect("ACME");
    let open = records(d, "/service/tickets")
        .iter()
        .filter(|t| t["company"]["identifier"] == "ACME" && t["closedFlag"] == false)
        .count();
    assert!(open >= 3, "ACME has {open} open tickets");
    assert!(
        records(d, "/company/contacts")
            .iter()
            .filter(|c| c["company"]["id"] == acme["id"])
            .count()
            >= 3
    );
}

#[test]
fn tickets_agree_with_their_board_company_and_contact() {
    let d = small();
    let contacts = by_id(records(d, "/company/contacts"));
    let companies = by_id(records(d, "/company/companies"));
    let members: HashSet<&str> = records(d, "/system/members")
        .iter()
        .filter_map(|m| m["identifier"].as_str())
        .collect();
    for path in ["/service/tickets", "/project/tickets"] {
        for t in records(d, path) {
            let board = t["board"]["id"].as_i64().expect("board");
            let statuses = by_id(records(d, &format!("/service/boards/{board}/statuses")));
            let status = statuses
                .get(&t["status"]["id"].as_i64().expect("status"))
                .expect("status on the ticket's board");
            assert_eq!(status["name"], t["status"]["name"]);
            assert_eq!(status["closedStatus"], t["closedFlag"], "ticket {}", t["id"]);
            assert_eq!(t["closedFlag"] == true, t.get("closedDate").is_some());
            let types = by_id(records(d, &format!("/service/boards/{board}/types")));
            assert!(types.contains_key(&t["type"]["id"].as_i64().expect("type")));
            let contact = contacts[&t["contact"]["id"].as_i64().expect("contact")];
            assert_eq!(
                contact["company"]["id"], t["company"]["id"],
                "contact of ticket {} is at its company",
                t["id"]
            );
            assert_eq!(
                companies[&t["company"]["id"].as_i64().expect("company")]["name"],
                t["company"]["name"]
            );
            for r in t["resources"]
                .as_str()
                .unwrap_or_default()
                .split(", ")
                .filter(|r| !r.is_empty())
            {
                assert!(members.contains(r), "resource {r}");
            }
        }
    }
}

#[test]
fn notes_time_and_schedule_entries_point_at_existing_records() {
    let d = small();
    let tickets = by_id(records(d, "/service/tickets"));
    let project_tickets = by_id(records(d, "/project/tickets"));
    let members = by_id(records(d, "/system/members"));
    let codes = by_id(records(d, "/time/chargeCodes"));
    // Tickets' notes (opportunities have notes of their own, by opportunityId).
    let ticket_notes = |k: &String| k.contains("/tickets/") && k.ends_with("/notes");
    for (path, notes) in d.collections.iter().filter(|(k, _)| ticket_notes(k)) {
        for n in notes {
            let board = if path.starts_with("/project/") {
                "project"
            } else {
                "service"
            };
            let expected = format!("/{board}/tickets/{}/notes", n["ticketId"]);
            assert_eq!(path, &expected);
        }
    }
    let now = now();
    for e in records(d, "/time/entries") {
        let id = e["chargeToId"].as_i64().expect("chargeToId");
        let ticket = match e["chargeToType"].as_str() {
            Some("ServiceTicket") => tickets.get(&id),
            Some("ProjectTicket") => project_tickets.get(&id),
            Some("ChargeCode") => {
                assert!(codes.contains_key(&id));
                continue;
            }
            other => panic!("charge type {other:?}"),
        };
        let ticket = ticket.unwrap_or_else(|| panic!("time entry {} charges ticket {id}", e["id"]));
        assert!(members.contains_key(&e["member"]["id"].as_i64().expect("member")));
        let (start, end) = (e["timeStart"].as_str().unwrap(), e["timeEnd"].as_str().unwrap());
        assert!(
            ticket["_info"]["dateEntered"].as_str().unwrap() <= start && start < end && end <= now.as_str()
        );
        if let Some(closed) = ticket.get("closedDate") {
            assert!(
                end <= closed.as_str().unwrap(),
                "time entry {} ends before its ticket closed",
                e["id"]
            );
        }
    }
    for s in records(d, "/schedule/entries") {
        let id = s["objectId"].as_i64().expect("objectId");
        assert!(tickets.contains_key(&id) || project_tickets.contains_key(&id));
    }
    for (path, items) in d
        .collections
        .iter()
        .filter(|(k, _)| k.ends_with("/communications"))
    {
        for c in items {
            assert_eq!(
                path,
                &format!("/company/contacts/{}/communications", c["contactId"])
            );
        }
    }
}

#[test]
fn finance_and_projects_hang_together() {
    let d = small();
    let agreements = by_id(records(d, "/finance/agreements"));
    for (id, a) in &agreements {
        let additions = records(d, &format!("/finance/agreements/{id}/additions"));
        assert!(!additions.is_empty());
        let total: f64 = additions
            .iter()
            .filter(|x| x.get("cancelledDate").is_none() || a["cancelledFlag"] == true)
            .map(|x| x["extPrice"].as_f64().unwrap())
            .sum();
        assert!((total - a["billAmount"].as_f64().unwrap()).abs() < 0.01);
        assert!(additions.iter().all(|x| x["agreementId"] == *id));
    }
    for i in records(d, "/finance/invoices") {
        if let Some(a) = i.get("agreement") {
            assert_eq!(agreements[&a["id"].as_i64().unwrap()]["company"], i["company"]);
        }
    }
    let phases: BTreeSet<(i64, i64)> = d
        .collections
        .iter()
        .filter(|(k, _)| k.ends_with("/phases"))
        .flat_map(|(_, v)| {
            v.iter()
                .map(|p| (p["projectId"].as_i64().unwrap(), p["id"].as_i64().unwrap()))
        })
        .collect();
    for t in records(d, "/project/tickets") {
        assert!(phases.contains(&(
            t["project"]["id"].as_i64().unwrap(),
            t["phase"]["id"].as_i64().unwrap()
        )));
    }
}

#[test]
fn contacts_carry_an_email_and_a_phone() {
    for c in records(small(), "/company/contacts") {
        let items = c["communicationItems"].as_array().expect("communicationItems");
        let email = items
            .iter()
            .find(|i| i["communicationType"] == "Email")
            .expect("email");
        assert!(email["value"].as_str().unwrap().contains('@'));
        assert!(
            items
                .iter()
                .any(|i| i["communicationType"] == "Phone" && i["defaultFlag"] == true)
        );
    }
}

#[test]
fn record_history_never_runs_past_the_simulated_now() {
    let now = now();
    for (path, records) in &small().collections {
        for r in records {
            for key in ["dateEntered", "lastUpdated"] {
                let at = r["_info"][key]
                    .as_str()
                    .unwrap_or_else(|| panic!("{path} {} has _info.{key}", r["id"]));
                assert!(
                    is_timestamp(at) && at <= now.as_str(),
                    "{path} {}: {key} {at}",
                    r["id"]
                );
            }
        }
    }
}

/// `cargo test --release -- --ignored large` prints how long a large tenant takes.
#[test]
#[ignore = "slow in debug builds; run in release"]
fn a_large_tenant_is_complete_deterministic_and_fast() {
    let started = std::time::Instant::now();
    let d = generate(7, Size::Large);
    let elapsed = started.elapsed();
    let count = |p: &str| records(&d, p).len();
    assert_eq!(count("/company/companies"), 1_000);
    assert_eq!(count("/service/tickets"), 100_000);
    assert_eq!(count("/company/contacts"), 3_200);
    let with_notes = d
        .collections
        .keys()
        .filter(|k| k.starts_with("/service/tickets/"))
        .count();
    assert_eq!(with_notes, 1_000);
    let again = generate(7, Size::Large);
    assert!(d.collections == again.collections);
    let total: usize = d.collections.values().map(Vec::len).sum();
    eprintln!(
        "large tenant: {total} records in {} collections, generated in {elapsed:?}",
        d.collections.len()
    );
    for (k, v) in d.collections.iter().filter(|(k, _)| k.matches('/').count() == 2) {
        eprintln!("  {k}: {}", v.len());
    }
}

#[test]
fn the_schema_check_catches_strays() {
    let ticket = serde_json::json!({"id": 1, "summary": "x", "bogus": 1, "closedFlag": "yes",
        "recordType": "Ticket", "closedDate": null, "requiredDate": "2026-10-05T14:30:00.5Z"});
    let mut errors = Vec::new();
    check(item_schema("/service/tickets"), &ticket, "ticket", &mut errors);
    errors.sort();
    assert_eq!(errors.len(), 5, "{errors:#?}");
}
