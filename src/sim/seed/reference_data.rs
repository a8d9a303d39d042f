//! The tenant's shared reference records: the system location and
//! departments, the currency, the SLA, service locations, sources, board
//! teams and custom field definitions. Records of the large collections
//! point at them through defaults ([`crate::sim::shape::defaults`]), so their
//! values live here, once.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value, json};

use super::Gen;
use super::time::{date, ts};
use super::world::info;
use crate::sim::routes::RouteTable;
use crate::sim::shape::{Shape, custom_fields};
use crate::sim::store::template_of;

/// The MSP's one office: system location 1.
pub(crate) const LOCATION: (i64, &str) = (1, "Main Office");
/// System departments: (id, identifier, name).
pub(crate) const DEPARTMENTS: &[(i64, &str, &str)] =
    &[(1, "Service", "Service"), (2, "Projects", "Projects")];
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

/// Time zone setups: (id, name, the zone's id and name, hours from UTC).
/// The office is on US Pacific; a few engineers work from elsewhere.
const TIME_ZONES: &[(i64, &str, i64, &str, f64)] = &[
    (1, "US Eastern", 1, "Eastern Standard Time", -5.0),
    (2, "US Central", 2, "Central Standard Time", -6.0),
    (3, "US Mountain", 3, "Mountain Standard Time", -7.0),
    (4, "US Pacific", 4, "Pacific Standard Time", -8.0),
];

/// Members who do not work on the office's time zone, and theirs.
const REMOTE_MEMBERS: &[(&str, i64)] = &[("CLee", 1), ("DPatel", 2), ("TWilson", 3)];

/// Schedule calendars: (id, name, start and end of Monday to Friday).
const CALENDARS: &[(i64, &str, &str, &str)] = &[
    (1, "Standard Calendar", "08:00:00", "17:00:00"),
    (2, "Early Shift", "07:00:00", "16:00:00"),
];

/// Members on the early shift (the network engineers watch the morning's alerts).
const EARLY_SHIFT: &[&str] = &["DPatel", "TWilson"];

/// Billing cycles: (id, identifier, name, billingOptions).
const BILLING_CYCLES: &[(i64, &str, &str, &str)] = &[
    (1, "M", "Monthly", "Monthly"),
    (2, "Q", "Quarterly", "Quarterly"),
    (3, "S", "Semi-Annual", "SemiAnnual"),
    (4, "A", "Annual", "Yearly"),
];

/// A billing cycle's reference, by id (1 monthly, 2 quarterly, 3 semi-annual, 4 annual).
pub(crate) fn billing_cycle(id: i64) -> Value {
    let (id, _, name, _) = BILLING_CYCLES
        .iter()
        .find(|c| c.0 == id)
        .copied()
        .unwrap_or(BILLING_CYCLES[0]);
    json!({"id": id, "name": name})
}

/// A member's time zone setup reference.
pub(crate) fn member_time_zone(identifier: &str) -> Value {
    let id = REMOTE_MEMBERS
        .iter()
        .find(|(m, _)| *m == identifier)
        .map_or(4, |(_, zone)| *zone);
    let (id, name, ..) = TIME_ZONES[id as usize - 1];
    json!({"id": id, "name": name})
}

/// A member's calendar reference (none for the API member).
pub(crate) fn member_calendar(identifier: &str) -> Option<Value> {
    if identifier == "APIMember" {
        return None;
    }
    let (id, name, ..) = CALENDARS[usize::from(EARLY_SHIFT.contains(&identifier))];
    Some(json!({"id": id, "name": name}))
}

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
    let (id, identifier, name) = DEPARTMENTS
        .iter()
        .find(|d| d.0 == id)
        .copied()
        .unwrap_or(DEPARTMENTS[0]);
    json!({"id": id, "identifier": identifier, "name": name})
}

pub(crate) fn service_location(id: i64) -> Value {
    let (id, name) = SERVICE_LOCATIONS
        .iter()
        .find(|l| l.0 == id)
        .copied()
        .unwrap_or(SERVICE_LOCATIONS[1]);
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
        vec![
            json!({"id": LOCATION.0, "name": LOCATION.1, "ownerLevelId": 1, "clientFlag": false,
            "locationFlag": true, "departmentIds": [1, 2], "_info": stamp()}),
        ],
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
        vec![
            json!({"id": 1, "name": "Standard SLA", "defaultFlag": true, "basedOn": "MyCalendar",
            "respondHours": SLA_HOURS[2].0, "planWithin": 8, "resolutionHours": SLA_HOURS[2].1,
            "_info": stamp()}),
        ],
    );
    g.put(
        "/service/SLAs/1/priorities",
        g.priorities
            .iter()
            .enumerate()
            .map(|(i, &(id, name, _))| {
                let (respond, resolve) = sla_hours(id);
                json!({"id": i + 1, "priority": {"id": id, "name": name}, "sla": sla(),
                "respondHours": respond as f64, "planWithin": respond as f64 * 2.0,
                "resolutionHours": resolve as f64, "_info": stamp()})
            })
            .collect(),
    );
    g.put(
        "/system/timeZoneSetups",
        TIME_ZONES
            .iter()
            .map(|&(id, name, zone, zone_name, offset)| {
                json!({"id": id, "name": name, "timeZone": {"id": zone, "name": zone_name},
                "offset": offset, "defaultFlag": id == 4, "daylightSavingsFlag": true, "_info": stamp()})
            })
            .collect(),
    );
    g.put(
        "/schedule/calendars",
        CALENDARS
            .iter()
            .map(|&(id, name, start, end)| {
                let mut c = json!({"id": id, "name": name,
                    "holidayList": {"id": 1, "name": "Standard Holiday List"}, "_info": stamp()});
                for day in ["monday", "tuesday", "wednesday", "thursday", "friday"] {
                    c[format!("{day}StartTime")] = json!(start);
                    c[format!("{day}EndTime")] = json!(end);
                }
                c
            })
            .collect(),
    );
    g.put(
        "/finance/billingCycles",
        BILLING_CYCLES
            .iter()
            .map(|&(id, identifier, name, options)| {
                json!({"id": id, "identifier": identifier, "name": name, "defaultFlag": id == 1,
                "billingOptions": options, "_info": stamp()})
            })
            .collect(),
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

/// The lookup lists the seed's references name but no generator makes
/// (countries, billing terms, company and contact types, ...), so that every
/// reference's href leads to a record. Each record is built from the first
/// reference to it (its `id`, `name`, ... as far as the list's schema has
/// them). Lists a generator makes are left alone, as are references scoped
/// to a parent (statuses of a board, sites of a company), which are
/// generated with their parents.
pub(super) fn lookups(g: &mut Gen) {
    let mut found: BTreeMap<String, BTreeMap<i64, Value>> = BTreeMap::new();
    let mut seen: HashSet<(&'static str, i64)> = HashSet::new();
    for (path, records) in &g.out {
        // Only fields whose references lead to a list nobody generates.
        let fields: Vec<(&str, &str, &str)> = Shape::of(&template_of(path))
            .reference_fields()
            .into_iter()
            .filter(|(_, link)| link.path.matches('{').count() == 1)
            .map(|(field, link)| (field, link.schema, link.path.trim_end_matches("/{id}")))
            .filter(|(_, _, collection)| !g.out.contains_key(*collection))
            .collect();
        if fields.is_empty() {
            continue;
        }
        for record in records {
            for &(field, schema, collection) in &fields {
                let references = match record.get(field) {
                    Some(Value::Array(items)) => items.iter().collect(),
                    Some(one) => vec![one],
                    None => Vec::new(),
                };
                for reference in references {
                    let Some(id) = reference.get("id").and_then(Value::as_i64) else {
                        continue;
                    };
                    if seen.insert((schema, id)) {
                        found
                            .entry(collection.to_string())
                            .or_default()
                            .insert(id, reference.clone());
                    }
                }
            }
        }
    }
    let at = setup_time();
    for (collection, references) in found {
        let schema = RouteTable::global()
            .record_schema(&collection)
            .and_then(crate::spec::validate::schema_named);
        let props = schema
            .map(crate::spec::validate::property_names)
            .unwrap_or_default();
        let records = references
            .into_values()
            .map(|reference| {
                let mut record: Map<String, Value> = reference
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter(|(k, _)| props.contains(&k.as_str()) && k.as_str() != "_info")
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                fill_required(&mut record, schema);
                record.insert("_info".into(), info(at, SETUP_BY, at, SETUP_BY));
                Value::Object(record)
            })
            .collect();
        g.put(&collection, records);
    }
}

/// Gives a lookup record the fields its schema requires: text takes the
/// record's name (or identifier), an enum its first value, a number 0, a
/// flag `false`.
fn fill_required(record: &mut Map<String, Value>, schema: Option<&'static Value>) {
    let Some(schema) = schema.map(crate::spec::validate::resolve) else {
        return;
    };
    let label = record
        .get("name")
        .or_else(|| record.get("identifier"))
        .cloned()
        .unwrap_or_else(|| Value::from("Standard"));
    for field in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if record.contains_key(field) {
            continue;
        }
        let Some(prop) = crate::spec::validate::at_path(schema, &[field]) else {
            continue;
        };
        let value = match (
            prop.get("enum").and_then(Value::as_array),
            prop.get("type").and_then(Value::as_str),
        ) {
            (Some(values), _) => values.iter().find(|v| !v.is_null()).cloned(),
            (None, Some("string")) => Some(label.clone()),
            (None, Some("integer" | "number")) => Some(0.into()),
            (None, Some("boolean")) => Some(false.into()),
            _ => None,
        };
        if let Some(v) = value {
            record.insert(field.into(), v);
        }
    }
}

fn without_nulls(mut v: Value) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, v| !v.is_null());
    }
    v
}
