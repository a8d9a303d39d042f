//! The tenant's shared reference records: the system location and
//! departments, the currency, the SLA, service locations, sources, board
//! teams and custom field definitions. Records of the large collections
//! point at them through defaults ([`crate::sim::shape::defaults`]), so their
//! values live here, once.

use serde_json::{Value, json};

use super::Gen;
use super::time::{date, ts};
use super::world::info;
use crate::sim::shape::custom_fields;

/// The MSP's one office: system location 1.
pub(crate) const LOCATION: (i64, &str) = (1, "Main Office");
/// System departments: (id, identifier, name).
pub(crate) const DEPARTMENTS: &[(i64, &str, &str)] = &[(1, "Service", "Service"), (2, "Projects", "Projects")];
/// Service locations (where work happens): (id, name).
pub(crate) const SERVICE_LOCATIONS: &[(i64, &str)] = &[(1, "On-Site"), (2, "Remote"), (3, "In-House")];
pub(crate) const ON_SITE: i64 = 1;
pub(crate) const REMOTE: i64 = 2;
/// Ticket sources: (id, name).
pub(crate) const SOURCES: &[(i64, &str)] = &[(1, "Email"), (2, "Phone"), (3, "Portal"), (4, "RMM")];
/// Each board's team, by board index: (name, leader's identifier).
pub(crate) const TEAMS: &[(&str, &str)] = &[
    ("Help Desk", "AJones"),
    ("Network Team", "DPatel"),
    ("NOC", "TWilson"),
    ("Project Team", "SMartinez"),
];
/// Respond and resolve hours of the Standard SLA, by priority id 1 to 4.
const SLA_HOURS: [(i64, i64); 4] = [(1, 4), (2, 8), (4, 24), (8, 72)];

/// The tenant's offset from UTC for dates shown as text (US Pacific, standard time).
pub(crate) const UTC_OFFSET_HOURS: i32 = -8;

const SETUP_BY: &str = "LHall";

fn setup_time() -> i64 {
    date(2023, 1, 9) + 16 * 3600
}

/// Respond and resolve hours for a priority id (unknown ids: the lowest priority's).
pub(crate) fn sla_hours(priority: i64) -> (i64, i64) {
    let i = usize::try_from(priority - 1).unwrap_or(3).min(3);
    SLA_HOURS[i]
}

pub(crate) fn currency() -> Value {
    json!({"id": 1, "symbol": "$", "currencyCode": "USD", "decimalSeparator": ".", "numberOfDecimals": 2,
        "thousandsSeparator": ",", "negativeParenthesesFlag": false, "displaySymbolFlag": false,
        "currencyIdentifier": "USD", "displayIdFlag": false, "rightAlign": false, "name": "US Dollars"})
}

pub(crate) fn sla() -> Value {
    json!({"id": 1, "name": "Standard SLA"})
}

pub(crate) fn system_location() -> Value {
    json!({"id": LOCATION.0, "name": LOCATION.1})
}

pub(crate) fn department(id: i64) -> Value {
    let (id, identifier, name) = DEPARTMENTS.iter().find(|d| d.0 == id).copied().unwrap_or(DEPARTMENTS[0]);
    json!({"id": id, "identifier": identifier, "name": name})
}

pub(crate) fn service_location(id: i64) -> Value {
    let (id, name) = SERVICE_LOCATIONS.iter().find(|l| l.0 == id).copied().unwrap_or(SERVICE_LOCATIONS[1]);
    json!({"id": id, "name": name})
}

pub(crate) fn source(id: i64) -> Value {
    let (id, name) = SOURCES.iter().find(|s| s.0 == id).copied().unwrap_or(SOURCES[0]);
    json!({"id": id, "name": name})
}

/// The reference collections (teams come with the boards, [`teams`]).
pub(super) fn generate(g: &mut Gen) {
    let at = setup_time();
    let stamp = || info(at, SETUP_BY, at, SETUP_BY);
    g.put(
        "/system/locations",
        vec![json!({"id": LOCATION.0, "name": LOCATION.1, "ownerLevelId": 1, "clientFlag": false,
            "locationFlag": true, "departmentIds": [1, 2], "_info": stamp()})],
    );
    g.put(
        "/system/departments",
        DEPARTMENTS
            .iter()
            .map(|(id, identifier, name)| {
                json!({"id": id, "identifier": identifier, "name": name, "_info": stamp()})
            })
            .collect(),
    );
    g.put(
        "/service/locations",
        SERVICE_LOCATIONS
            .iter()
            .map(|(id, name)| {
                let place = ["OnSite", "Remote", "InHouse"][(*id as usize - 1).min(2)];
                json!({"id": id, "name": name, "where": place, "defaultFlag": *id == REMOTE, "_info": stamp()})
            })
            .collect(),
    );
    g.put(
        "/service/sources",
        SOURCES
            .iter()
            .map(|(id, name)| json!({"id": id, "name": name, "defaultFlag": *id == 1, "enteredBy": SETUP_BY, "_info": stamp()}))
            .collect(),
    );
    let mut currency = currency();
    if let Some(record) = currency.as_object_mut() {
        // The record's currencyCode is a reference, unlike the ticket's.
        record.insert("currencyCode".into(), json!({"id": 1, "name": "USD"}));
        record.insert("_info".into(), stamp());
    }
    g.put("/finance/currencies", vec![currency]);
    g.put(
        "/service/SLAs",
        vec![json!({"id": 1, "name": "Standard SLA", "defaultFlag": true, "basedOn": "MyCalendar",
            "respondHours": SLA_HOURS[2].0, "planWithin": 8, "resolutionHours": SLA_HOURS[2].1,
            "_info": stamp()})],
    );
    let entered = ts(at);
    g.put(
        "/system/userDefinedFields",
        custom_fields::DEFINITIONS
            .iter()
            .map(|d| {
                let pod = match d.template {
                    custom_fields::TICKETS => 12,
                    custom_fields::COMPANIES => 1,
                    _ => 17,
                };
                d.record(pod, &entered)
            })
            .collect(),
    );
}

/// The board's team (one per board, team id = board id).
pub(super) fn team(g: &Gen, board_index: usize, board_id: i64) -> Value {
    let at = setup_time();
    let (name, leader) = TEAMS[board_index.min(TEAMS.len() - 1)];
    let leader = g
        .members
        .iter()
        .find(|m| m.identifier == leader)
        .map(|m| m.reference())
        .unwrap_or(Value::Null);
    without_nulls(json!({
        "id": board_index + 1, "name": name, "teamLeader": leader, "boardId": board_id,
        "defaultFlag": true, "notifyOnTicketDelete": false, "locationId": LOCATION.0,
        "businessUnitId": if board_index == 3 { 2 } else { 1 },
        "_info": info(at, SETUP_BY, at, SETUP_BY),
    }))
}

fn without_nulls(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, v| !v.is_null());
    }
    v
}
