//! Fields every record of a collection has with the same value, and fields
//! computed from the rest of the record, for the large collections (tickets,
//! time entries, configurations, contacts, companies). Small collections
//! (boards, members, priorities, ...) store their whole records in the seed.
//!
//! The values are those of a real tenant's records; the shared records they
//! point to (the SLA, the currency, service locations) are in the seed
//! ([`crate::sim::seed`]), so every link resolves.

use super::{Computed, View, links};
use crate::sim::seed::reference_data as data;
use chrono::{DateTime, FixedOffset, Utc};
use serde_json::{Map, Value, json};

/// Constant fields of the records at `template`.
pub fn defaults(template: &str) -> Vec<(&'static str, Value)> {
    match template {
        "/service/tickets" | "/project/tickets" => {
            let record_type = if template == "/service/tickets" {
                "ServiceTicket"
            } else {
                "ProjectTicket"
            };
            vec![
                ("allowAllClientsPortalView", false.into()),
                ("approved", true.into()),
                ("automaticEmailCcFlag", false.into()),
                ("automaticEmailContactFlag", false.into()),
                ("automaticEmailResourceFlag", false.into()),
                ("billExpenses", "Billable".into()),
                ("billProducts", "Billable".into()),
                ("billTime", "Billable".into()),
                ("billingMethod", "ActualRates".into()),
                ("currency", data::currency()),
                ("escalationLevel", 0.into()),
                ("estimatedExpenseCost", 0.0.into()),
                ("estimatedExpenseRevenue", 0.0.into()),
                ("estimatedProductCost", 0.0.into()),
                ("estimatedProductRevenue", 0.0.into()),
                ("estimatedTimeCost", 0.0.into()),
                ("estimatedTimeRevenue", 0.0.into()),
                ("hasChildTicket", false.into()),
                ("hasMergedChildTicketFlag", false.into()),
                ("minutesBeforeWaiting", 0.into()),
                ("minutesWaiting", 0.into()),
                ("recordType", record_type.into()),
                ("resPlanMinutes", 0.into()),
                ("resplanHours", 0.0.into()),
                ("resplanSkippedMinutes", 0.into()),
                ("respondedSkippedMinutes", 0.into()),
                ("serviceLocation", data::service_location(data::REMOTE)),
                ("sla", data::sla()),
                ("subBillingMethod", "ActualRates".into()),
            ]
        }
        "/time/entries" => vec![
            ("addToDetailDescriptionFlag", true.into()),
            ("addToInternalAnalysisFlag", false.into()),
            ("addToResolutionFlag", false.into()),
            ("businessUnitId", 1.into()),
            ("emailCcFlag", false.into()),
            ("emailContactFlag", false.into()),
            ("emailResourceFlag", false.into()),
            ("hoursDeduct", 0.0.into()),
            ("locationId", 1.into()),
        ],
        "/company/configurations" => vec![
            ("billFlag", true.into()),
            ("businessUnitId", 1.into()),
            ("companyLocationId", 1.into()),
            ("displayVendorFlag", false.into()),
            ("locationId", 1.into()),
            ("showAutomateFlag", false.into()),
            ("showRemoteFlag", false.into()),
        ],
        "/company/contacts" => vec![
            ("childrenFlag", false.into()),
            ("companyLocation", data::system_location()),
            ("ignoreDuplicates", false.into()),
            ("marriedFlag", false.into()),
            ("portalSecurityLevel", 3.into()),
        ],
        "/company/companies" => vec![
            ("currency", data::currency()),
            ("invoiceDeliveryMethod", json!({"id": 2, "name": "Email"})),
            ("revenueYear", 2026.into()),
        ],
        _ => Vec::new(),
    }
}

/// A ticket's computed fields.
const TICKET: &[(&str, Computed)] = &[
    ("department", |r, v| board_field(r, v, "department")),
    ("escalationStartDateUTC", |r, _| {
        r.get("_info")?.get("dateEntered").cloned()
    }),
    ("location", |r, v| board_field(r, v, "location")),
    ("requestForChangeFlag", |r, _| {
        let name = r.get("type")?.get("name")?.as_str()?;
        Some((name == "Change Request").into())
    }),
    ("resolutionHours", |r, _| {
        minutes_between(r, "dateResolved").map(hours)
    }),
    ("resolveMinutes", |r, _| {
        Some(minutes_between(r, "dateResolved").unwrap_or(0).into())
    }),
    ("respondMinutes", |r, _| {
        Some(minutes_between(r, "dateResponded").unwrap_or(0).into())
    }),
    ("respondedHours", |r, _| {
        minutes_between(r, "dateResponded").map(hours)
    }),
    ("slaStatus", sla_status),
    ("team", team),
];

/// A time entry's computed fields.
const TIME_ENTRY: &[(&str, Computed)] = &[
    ("agreementHours", |r, _| {
        r.get("agreement")?;
        r.get("actualHours").cloned()
    }),
    ("hoursBilled", |r, _| billable_hours(r)),
    ("invoiceHours", |r, _| billable_hours(r)),
    ("workRole", |r, v| {
        let member = r.get("member")?.get("id")?.as_i64()?;
        v.store.get("/system/members", member)?.get("workRole").cloned()
    }),
];

/// A company's computed fields: it bills itself, at its main site.
const COMPANY: &[(&str, Computed)] = &[
    ("billToCompany", |r, _| {
        let mut m = Map::new();
        for key in ["id", "identifier", "name"] {
            m.insert(key.into(), r.get(key)?.clone());
        }
        Some(Value::Object(m))
    }),
    ("billingSite", |r, _| r.get("site").cloned()),
];

/// Fields computed from the record (and the records it points to).
pub fn computed(template: &str) -> &'static [(&'static str, Computed)] {
    match template {
        "/service/tickets" | "/project/tickets" => TICKET,
        "/time/entries" => TIME_ENTRY,
        "/company/companies" => COMPANY,
        _ => &[],
    }
}

/// Extra `_info` entries: a time entry's `chargeToMobileGuid` (the
/// `mobileGuid` of the ticket it is charged to).
pub fn info_extras(template: &str, record: &Map<String, Value>) -> Vec<(&'static str, Value)> {
    if template != "/time/entries" {
        return Vec::new();
    }
    let charged_to_ticket = record
        .get("chargeToType")
        .and_then(Value::as_str)
        .is_some_and(|t| t.ends_with("Ticket"));
    match record.get("chargeToId").and_then(Value::as_i64) {
        Some(id) if charged_to_ticket => {
            vec![("chargeToMobileGuid", links::mobile_guid("ticket", id).into())]
        }
        _ => Vec::new(),
    }
}

fn board_field(record: &Map<String, Value>, view: &View<'_>, key: &str) -> Option<Value> {
    let board = record.get("board")?.get("id")?.as_i64()?;
    view.store.get("/service/boards", board)?.get(key).cloned()
}

fn team(record: &Map<String, Value>, view: &View<'_>) -> Option<Value> {
    let board = record.get("board")?.get("id")?.as_i64()?;
    let (_, team) = view
        .store
        .collection(&format!("/service/boards/{board}/teams"))?
        .records
        .first()?;
    Some(json!({"id": team.get("id")?, "name": team.get("name")?}))
}

fn time(record: &Map<String, Value>, key: &str) -> Option<DateTime<Utc>> {
    let text = match key {
        "dateEntered" => record.get("_info")?.get(key)?.as_str()?,
        _ => record.get(key)?.as_str()?,
    };
    crate::spec::validate::check_timestamp(text).ok()
}

/// Minutes from the ticket's entry to `key` (`dateResponded`, `dateResolved`).
fn minutes_between(record: &Map<String, Value>, key: &str) -> Option<i64> {
    Some(
        (time(record, key)? - time(record, "dateEntered")?)
            .num_minutes()
            .max(0),
    )
}

fn hours(minutes: i64) -> Value {
    json!((minutes as f64 / 60.0 * 100.0).round() / 100.0)
}

fn billable_hours(record: &Map<String, Value>) -> Option<Value> {
    let billable = record.get("billableOption")?.as_str()? == "Billable";
    Some(if billable {
        record.get("actualHours")?.clone()
    } else {
        json!(0.0)
    })
}

/// "Respond by Fri 11/20 9:00 AM UTC-08", "Resolve by …", "Waiting" or
/// "Resolved", from the priority's SLA hours and the ticket's dates.
fn sla_status(record: &Map<String, Value>, _: &View<'_>) -> Option<Value> {
    if record.get("closedFlag").and_then(Value::as_bool) == Some(true) {
        return Some("Resolved".into());
    }
    let status = record.get("status")?.get("name")?.as_str()?;
    if status.starts_with("Waiting") {
        return Some("Waiting".into());
    }
    let priority = record.get("priority")?.get("id")?.as_i64()?;
    let (respond, resolve) = data::sla_hours(priority);
    let entered = time(record, "dateEntered")?;
    let (word, due) = if record.contains_key("dateResponded") {
        ("Resolve", entered + chrono::Duration::hours(resolve))
    } else {
        ("Respond", entered + chrono::Duration::hours(respond))
    };
    let offset = FixedOffset::east_opt(data::UTC_OFFSET_HOURS * 3600)?;
    let shown = due.with_timezone(&offset).format("%a %m/%d %-I:%M %p");
    Some(format!("{word} by {shown} UTC{:+03}", data::UTC_OFFSET_HOURS).into())
}
