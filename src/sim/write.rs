//! Writes: references resolved to full reference objects, JSON Patch, and
//! the business rules ConnectWise applies to tickets, notes and time entries.
//!
//! A reference to a record that does not exist is ConnectWise's `NotFound`
//! on the reference's `id` (`status/id`: "Service Status 17 not found for
//! Service Board 21"). A ticket's `initialDescription` (and
//! `initialInternalAnalysis`, `initialResolution`) is taken on create only and
//! becomes its first note; sending one on an update is a 400 (the stricter
//! reading: what ConnectWise does with it is not known).

use super::errors::{ApiError, CLOSED_PERIOD_MESSAGE, FieldError};
use super::store::Store;
use crate::spec::validate;
use chrono::NaiveDate;
use serde_json::{Map, Value, json};

/// What a write needs to know besides the body.
pub struct WriteContext<'a> {
    /// Identifier of the member behind the API keys (`updatedBy`, `enteredBy`).
    pub member: &'a str,
    /// Time entries starting on or before this date are in a closed period.
    pub closed_through: Option<NaiveDate>,
    /// `now`, as ConnectWise writes timestamps.
    pub now: String,
}

/// Where records a reference schema points to live, and what ConnectWise
/// calls them in messages. `{parentId}` is the record's board, `{company}`
/// its company.
const REFERENCES: &[(&str, &str, &str)] = &[
    ("BoardReference", "/service/boards", "Service Board"),
    (
        "ServiceStatusReference",
        "/service/boards/{parentId}/statuses",
        "Service Status",
    ),
    (
        "ServiceTypeReference",
        "/service/boards/{parentId}/types",
        "Service Type",
    ),
    (
        "ServiceTeamReference",
        "/service/boards/{parentId}/teams",
        "Service Team",
    ),
    ("CompanyReference", "/company/companies", "Company"),
    ("ContactReference", "/company/contacts", "Contact"),
    (
        "SiteReference",
        "/company/companies/{company}/sites",
        "Company Site",
    ),
    ("PriorityReference", "/service/priorities", "Priority"),
    ("ServiceSourceReference", "/service/sources", "Source"),
    (
        "ServiceLocationReference",
        "/service/locations",
        "Service Location",
    ),
    ("SLAReference", "/service/SLAs", "SLA"),
    ("MemberReference", "/system/members", "Member"),
    ("SystemDepartmentReference", "/system/departments", "Department"),
    ("SystemLocationReference", "/system/locations", "Location"),
    ("WorkTypeReference", "/time/workTypes", "Work Type"),
    ("WorkRoleReference", "/time/workRoles", "Work Role"),
    ("TicketReference", "/service/tickets", "Ticket"),
    ("AgreementReference", "/finance/agreements", "Agreement"),
    ("ProjectReference", "/project/projects", "Project"),
];

/// The scope a reference is looked up in, for messages: "for Service Board 21".
fn scope_words(template: &str, record: &Value) -> String {
    let id = |key: &str| record.get(key).and_then(|r| r.get("id")).map(Value::to_string);
    if template.contains("{parentId}") {
        id("board")
            .map(|b| format!(" for Service Board {b}"))
            .unwrap_or_default()
    } else if template.contains("{company}") {
        id("company")
            .map(|c| format!(" for Company {c}"))
            .unwrap_or_default()
    } else {
        String::new()
    }
}

fn concrete_reference_path(template: &str, record: &Value) -> Option<String> {
    if template.contains("{parentId}") {
        let board = record.get("board")?.get("id")?.as_i64()?;
        Some(template.replace("{parentId}", &board.to_string()))
    } else if template.contains("{company}") {
        let company = record.get("company")?.get("id")?.as_i64()?;
        Some(template.replace("{company}", &company.to_string()))
    } else {
        Some(template.to_string())
    }
}

/// The reference object for `target`, with the properties `ref_schema` lists.
fn reference_object(ref_schema: &str, target: &Value) -> Value {
    let mut out = Map::new();
    let props = validate::schema_named(ref_schema)
        .map(validate::property_names)
        .unwrap_or_default();
    for prop in props {
        if prop == "_info" {
            continue;
        }
        let value = match prop {
            "sort" => target.get("sort").or_else(|| target.get("sortOrder")).cloned(),
            "name" => target.get("name").cloned().or_else(|| {
                let first = target.get("firstName").and_then(Value::as_str)?;
                let last = target.get("lastName").and_then(Value::as_str).unwrap_or("");
                Some(Value::from(format!("{first} {last}").trim().to_string()))
            }),
            "summary" => target.get("summary").cloned(),
            other => target.get(other).cloned(),
        };
        // A text property of a reference holds the name of what the target
        // keeps as a reference (an agreement reference's `type`).
        let text_prop = validate::schema_named(ref_schema)
            .and_then(|s| validate::at_path(s, &[prop]))
            .is_some_and(|p| p.get("type").and_then(Value::as_str) == Some("string"));
        let value = match value {
            Some(Value::Object(o)) if text_prop => o.get("name").cloned(),
            v => v,
        };
        if let Some(v) = value.filter(|v| !v.is_null()) {
            out.insert(prop.to_string(), v);
        }
    }
    Value::Object(out)
}

/// Replaces `{"id": 5}`-style references in `record`'s top-level fields (all
/// of them, or only `only`) by full reference objects (`{id, name}`,
/// `{id, identifier, name}`). A reference to a record that does not exist in
/// a collection the tenant has is an error naming the field.
pub fn resolve_references(
    store: &Store,
    schema_name: &str,
    record: &mut Value,
    only: Option<&[String]>,
    resource: &str,
) -> Result<(), ApiError> {
    let Some(schema) = validate::schema_named(schema_name) else {
        return Ok(());
    };
    let Some(props) = validate::resolve(schema)
        .get("properties")
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    let mut errors = Vec::new();
    let snapshot = record.clone();
    let Some(object) = record.as_object_mut() else {
        return Ok(());
    };
    for (field, prop) in props {
        if only.is_some_and(|only| !only.iter().any(|f| f == field)) {
            continue;
        }
        let Some(ref_schema) = validate::ref_name(prop) else {
            continue;
        };
        let Some((_, template, kind)) = REFERENCES.iter().find(|(s, _, _)| *s == ref_schema) else {
            continue;
        };
        let Some(value) = object.get(field.as_str()) else {
            continue;
        };
        if !value.is_object() || value.as_object().is_some_and(Map::is_empty) {
            continue;
        }
        let found = if let Some(path) = concrete_reference_path(template, &snapshot) {
            if store.collection(&path).is_none_or(|c| c.records.is_empty()) {
                continue; // The tenant has no such records: keep the reference as given.
            }
            store.find_reference(&path, value)
        } else {
            // No board/company to scope by: look in every collection at the template.
            let mut hit = None;
            for (_, c) in store.collections_at(template) {
                if let Some(id) = value.get("id").and_then(Value::as_i64) {
                    hit = c.get(id);
                } else if let Some(name) = value.get("name").and_then(Value::as_str) {
                    hit = c.records.iter().map(|(_, r)| r).find(|r| {
                        r.get("name")
                            .and_then(Value::as_str)
                            .is_some_and(|n| n.eq_ignore_ascii_case(name))
                    });
                }
                if hit.is_some() {
                    break;
                }
            }
            hit
        };
        match found {
            Some(target) => {
                let reference = reference_object(ref_schema, target);
                object.insert(field.clone(), reference);
            }
            None => {
                let (key, what) = ["id", "identifier", "name"]
                    .iter()
                    .find_map(|k| {
                        let v = value.get(*k)?;
                        Some((*k, v.as_str().map_or_else(|| v.to_string(), str::to_string)))
                    })
                    .unwrap_or(("id", String::new()));
                errors.push(FieldError::new(
                    "NotFound",
                    format!("{kind} {what} not found{}", scope_words(template, &snapshot)),
                    resource,
                    format!("{field}/{key}"),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::invalid_object(resource, errors))
    }
}

/// Applies a JSON Patch list (`[{op, path, value}]`; ops `replace`, `add`,
/// `remove`; paths `status`, `/status` or `status/id`) to `record`, checking
/// each path and value against the schema. Returns the top-level fields changed.
pub fn apply_patch(
    schema_name: &str,
    record: &mut Value,
    patch: &Value,
    resource: &str,
) -> Result<Vec<String>, ApiError> {
    let ops = match patch {
        Value::Array(ops) => ops.clone(),
        _ => {
            return Err(ApiError::invalid_object(
                resource,
                vec![FieldError::new(
                    "InvalidObject",
                    "The request body must be a JSON Patch array: [{\"op\": \"replace\", \"path\": \"status\", \"value\": {\"id\": 5}}].",
                    resource,
                    "",
                )],
            ));
        }
    };
    let schema = validate::schema_named(schema_name);
    let mut changed = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let bad = |message: String, field: &str| {
            ApiError::invalid_object(
                resource,
                vec![FieldError::new("InvalidPatch", message, resource, field)],
            )
        };
        let kind = op
            .get("op")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        let Some(path) = op.get("path").and_then(Value::as_str) else {
            return Err(bad(format!("Operation {i} has no \"path\"."), ""));
        };
        let segs: Vec<&str> = path
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .collect();
        if segs.is_empty() {
            return Err(bad(
                format!("Operation {i}: the path \"{path}\" names no field."),
                path,
            ));
        }
        let field_path = segs.join("/");
        if segs.iter().any(|s| *s == "id" || *s == "_info") && segs.len() == 1 {
            return Err(bad(format!("{field_path} cannot be changed."), &field_path));
        }
        let sub = match schema {
            Some(s) => match validate::at_path(s, &segs) {
                Some(sub) => Some(sub),
                None => {
                    let names = validate::property_names(s);
                    let wanted = segs[0].to_ascii_lowercase();
                    let mut close: Vec<(usize, &str)> = names
                        .iter()
                        .map(|n| (strsim::levenshtein(&n.to_ascii_lowercase(), &wanted), *n))
                        .filter(|(d, n)| *d <= 2.max(n.len() / 3))
                        .collect();
                    close.sort();
                    let close: Vec<&str> = close.into_iter().take(3).map(|(_, n)| n).collect();
                    let hint = if close.is_empty() {
                        String::new()
                    } else {
                        format!(" Did you mean: {}?", close.join(", "))
                    };
                    return Err(bad(
                        format!("Cannot patch {field_path}: {resource} has no such field.{hint}"),
                        &field_path,
                    ));
                }
            },
            None => None,
        };
        match kind.as_str() {
            "replace" | "add" => {
                let Some(value) = op.get("value") else {
                    return Err(bad(
                        format!("Operation {i} ({kind} {field_path}) has no \"value\"."),
                        &field_path,
                    ));
                };
                // Custom field values are checked against their definitions
                // afterwards (the spec types `value` as an object; real values are not).
                let custom_field = segs[0].eq_ignore_ascii_case("customFields");
                if let Some(sub) = sub.filter(|_| !custom_field) {
                    let mut errors = Vec::new();
                    validate::check_value(sub, value, &field_path, resource, &mut errors);
                    if !errors.is_empty() {
                        return Err(ApiError::invalid_object(resource, errors));
                    }
                }
                set_path(record, &segs, value.clone());
            }
            "remove" => {
                remove_path(record, &segs);
            }
            other => {
                return Err(bad(
                    format!("Operation {i}: unsupported op \"{other}\"; use replace, add or remove."),
                    &field_path,
                ));
            }
        }
        let top = segs[0].to_string();
        if !changed.contains(&top) {
            changed.push(top);
        }
    }
    Ok(changed)
}

/// The top-level fields a JSON Patch list names (`status` for `status/id`).
pub fn patch_paths(patch: &Value) -> Vec<String> {
    patch
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|op| op.get("path")?.as_str())
        .filter_map(|p| p.trim_matches('/').split('/').next().map(str::to_string))
        .collect()
}

fn set_path(record: &mut Value, segs: &[&str], value: Value) {
    let mut current = record;
    for (i, seg) in segs.iter().enumerate() {
        if !current.is_object() {
            *current = Value::Object(Map::new());
        }
        let Some(object) = current.as_object_mut() else {
            return;
        };
        let key = object
            .keys()
            .find(|k| k.eq_ignore_ascii_case(seg))
            .cloned()
            .unwrap_or_else(|| seg.to_string());
        if i + 1 == segs.len() {
            // Setting a reference's id: the rest of the old reference no longer applies.
            if segs.len() >= 2 && *seg == "id" {
                object.retain(|k, _| k == "id");
            }
            object.insert(key, value);
            return;
        }
        current = object.entry(key).or_insert_with(|| Value::Object(Map::new()));
    }
}

fn remove_path(record: &mut Value, segs: &[&str]) {
    let mut current = record;
    for (i, seg) in segs.iter().enumerate() {
        let Some(object) = current.as_object_mut() else {
            return;
        };
        if i + 1 == segs.len() {
            object.remove(*seg);
            return;
        }
        let Some(next) = object.get_mut(*seg) else { return };
        current = next;
    }
}

/// Sets `_info` for a new record, or refreshes it after an update.
pub fn stamp_info(record: &mut Value, previous: Option<&Value>, ctx: &WriteContext) {
    let mut info = previous
        .and_then(|p| p.get("_info"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    if previous.is_none() {
        info.insert("dateEntered".into(), Value::from(ctx.now.clone()));
        info.insert("enteredBy".into(), Value::from(ctx.member));
    }
    info.insert("lastUpdated".into(), Value::from(ctx.now.clone()));
    info.insert("updatedBy".into(), Value::from(ctx.member));
    if let Some(object) = record.as_object_mut() {
        object.insert("_info".into(), Value::Object(info));
    }
}

fn member_reference(store: &Store, identifier: &str) -> Value {
    let found = store.collection("/system/members").and_then(|c| {
        c.records
            .iter()
            .map(|(_, r)| r)
            .find(|r| r.get("identifier").and_then(Value::as_str) == Some(identifier))
    });
    match found {
        Some(member) => reference_object("MemberReference", member),
        None => json!({ "identifier": identifier }),
    }
}

/// A new ticket's fields that become its first notes, with the note's flag.
const INITIAL_NOTES: [(&str, &str); 3] = [
    ("initialDescription", "detailDescriptionFlag"),
    ("initialInternalAnalysis", "internalAnalysisFlag"),
    ("initialResolution", "resolutionFlag"),
];

/// The rules ConnectWise applies beyond the schema, per collection template.
/// `parent_id` is the id in `{parentId}` for child collections; `previous`
/// the stored record for updates. Extra records to create (the first notes of
/// a new ticket) are returned as (collection path, record).
pub fn apply_rules(
    store: &Store,
    template: &str,
    parent_id: Option<i64>,
    record: &mut Value,
    previous: Option<&Value>,
    ctx: &WriteContext,
) -> Result<Vec<(String, Value)>, ApiError> {
    let creating = previous.is_none();
    match template {
        "/service/tickets" | "/project/tickets" => {
            let resource = if template == "/service/tickets" {
                "ticket"
            } else {
                "projectTicket"
            };
            let Some(object) = record.as_object_mut() else {
                return Ok(Vec::new());
            };
            if !creating {
                let given: Vec<&str> = INITIAL_NOTES
                    .iter()
                    .map(|(field, _)| *field)
                    .filter(|f| object.contains_key(*f))
                    .collect();
                if !given.is_empty() {
                    return Err(ApiError::invalid_object(
                        resource,
                        given
                            .into_iter()
                            .map(|f| {
                                FieldError::new(
                                    "InvalidField",
                                    format!("{f} can only be set when the ticket is created; add a note to the ticket instead."),
                                    resource,
                                    f,
                                )
                            })
                            .collect(),
                    ));
                }
            }
            if creating {
                object.entry("closedFlag").or_insert(Value::Bool(false));
                if !object.contains_key("status")
                    && let Some(board) = object
                        .get("board")
                        .and_then(|b| b.get("id"))
                        .and_then(Value::as_i64)
                {
                    let first = store
                        .collection(&format!("/service/boards/{board}/statuses"))
                        .and_then(|c| c.records.first())
                        .map(|(_, s)| reference_object("ServiceStatusReference", s));
                    if let Some(status) = first {
                        object.insert("status".into(), status);
                    }
                }
            }
            // Notes a new ticket starts with; never stored on the ticket itself.
            let mut notes = Vec::new();
            for (field, flag) in INITIAL_NOTES {
                if let Some(text) = object.remove(field).and_then(|t| t.as_str().map(str::to_string))
                    && creating
                    && !text.is_empty()
                {
                    let mut note = json!({
                        "text": text,
                        flag: true,
                        "member": member_reference(store, ctx.member),
                        "createdBy": ctx.member,
                        "dateCreated": ctx.now,
                    });
                    stamp_info(&mut note, None, ctx);
                    notes.push((String::new(), note));
                }
            }
            Ok(notes)
        }
        "/service/tickets/{parentId}/notes" => {
            let text_empty = record
                .get("text")
                .and_then(Value::as_str)
                .is_none_or(|t| t.trim().is_empty());
            if text_empty {
                return Err(ApiError::invalid_object(
                    "serviceTicketNote",
                    vec![FieldError::new(
                        "MissingRequiredField",
                        "text is required.",
                        "serviceTicketNote",
                        "text",
                    )],
                ));
            }
            let flagged = ["detailDescriptionFlag", "internalAnalysisFlag", "resolutionFlag"]
                .iter()
                .any(|f| record.get(*f).and_then(Value::as_bool) == Some(true));
            if !flagged {
                return Err(ApiError::invalid_object(
                    "serviceTicketNote",
                    vec![FieldError::new(
                        "InvalidObject",
                        "At least one of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.",
                        "serviceTicketNote",
                        "detailDescriptionFlag",
                    )],
                ));
            }
            if let (Some(object), Some(parent)) = (record.as_object_mut(), parent_id) {
                object.insert("ticketId".into(), Value::from(parent));
                if creating {
                    if !object.contains_key("member") {
                        object.insert("member".into(), member_reference(store, ctx.member));
                    }
                    object.insert("createdBy".into(), Value::from(ctx.member));
                    object.insert("dateCreated".into(), Value::from(ctx.now.clone()));
                }
            }
            Ok(Vec::new())
        }
        "/time/entries" => {
            time_entry_rules(store, record, creating, ctx)?;
            Ok(Vec::new())
        }
        "/schedule/entries" => {
            schedule_entry_rules(store, record, creating)?;
            Ok(Vec::new())
        }
        _ => Ok(Vec::new()),
    }
}

/// Statuses a timesheet can be submitted from.
const SUBMITTABLE: &[&str] = &["Open", "Rejected", "ErrorsCorrected"];

/// A timesheet submitted: open, rejected or corrected ones go to approval;
/// any other is a 400 naming its status.
pub fn submit_timesheet(record: &mut Value) -> Result<(), ApiError> {
    let status = record
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("Open")
        .to_owned();
    if !SUBMITTABLE.contains(&status.as_str()) {
        return Err(ApiError::invalid_object(
            "timeSheet",
            vec![FieldError::new(
                "InvalidStatus",
                format!(
                    "Time sheet cannot be submitted: its status is {status}; only Open, Rejected or ErrorsCorrected time sheets can be."
                ),
                "timeSheet",
                "status",
            )],
        ));
    }
    record["status"] = Value::from("PendingApproval");
    Ok(())
}

/// A schedule entry: the end after the start; one for a service ticket
/// (type `S`) needs the ticket, and is named after it as ConnectWise does.
fn schedule_entry_rules(store: &Store, record: &mut Value, creating: bool) -> Result<(), ApiError> {
    const RESOURCE: &str = "scheduleEntry";
    let when = |field: &str| {
        record
            .get(field)
            .and_then(Value::as_str)
            .and_then(|s| validate::check_timestamp(s).ok())
    };
    let (start, end) = (when("dateStart"), when("dateEnd"));
    if let (Some(start), Some(end)) = (start, end) {
        if end <= start {
            return Err(ApiError::invalid_object(
                RESOURCE,
                vec![FieldError::new(
                    "InvalidField",
                    "dateEnd must be after dateStart.",
                    RESOURCE,
                    "dateEnd",
                )],
            ));
        }
        let hours = (end - start).num_seconds() as f64 / 3600.0;
        record["hours"] = json!((hours * 100.0).round() / 100.0);
    }
    if !creating {
        return Ok(());
    }
    if start.is_none() {
        return Err(ApiError::invalid_object(
            RESOURCE,
            vec![FieldError::new(
                "Required",
                "dateStart is required.",
                RESOURCE,
                "dateStart",
            )],
        ));
    }
    let service = record.pointer("/type/identifier").and_then(Value::as_str) == Some("S");
    if !service {
        return Ok(());
    }
    let Some(id) = record.get("objectId").and_then(Value::as_i64) else {
        return Err(ApiError::invalid_object(
            RESOURCE,
            vec![FieldError::new(
                "Required",
                "objectId (the ticket) is required for a service ticket entry.",
                RESOURCE,
                "objectId",
            )],
        ));
    };
    let Some(ticket) = store.get("/service/tickets", id) else {
        return Err(ApiError::invalid_object(
            RESOURCE,
            vec![FieldError::new(
                "NotFound",
                format!("Ticket {id} not found"),
                RESOURCE,
                "objectId",
            )],
        ));
    };
    let name = format!(
        "{} / {}",
        ticket
            .pointer("/company/name")
            .and_then(Value::as_str)
            .unwrap_or_default(),
        ticket.get("summary").and_then(Value::as_str).unwrap_or_default()
    );
    let Some(object) = record.as_object_mut() else {
        return Ok(());
    };
    object.entry("name").or_insert_with(|| Value::from(name));
    object.insert("type".into(), json!({"id": 4, "identifier": "S"}));
    object
        .entry("status")
        .or_insert_with(|| json!({"id": 2, "name": "Firm"}));
    object.entry("doneFlag").or_insert(Value::Bool(false));
    Ok(())
}

fn time_entry_rules(
    store: &Store,
    record: &mut Value,
    creating: bool,
    ctx: &WriteContext,
) -> Result<(), ApiError> {
    const RESOURCE: &str = "timeEntry";
    let start = record
        .get("timeStart")
        .and_then(Value::as_str)
        .map(validate::check_timestamp);
    let start = match start {
        Some(Ok(t)) => Some(t),
        Some(Err(message)) => {
            return Err(ApiError::invalid_object(
                RESOURCE,
                vec![FieldError::new(
                    "InvalidDateTime",
                    format!("timeStart: {message}"),
                    RESOURCE,
                    "timeStart",
                )],
            ));
        }
        None => None,
    };
    if let (Some(start), Some(closed)) = (start, ctx.closed_through)
        && start.date_naive() <= closed
    {
        return Err(
            ApiError::new(400, "InvalidObject", CLOSED_PERIOD_MESSAGE).with_errors(vec![FieldError::new(
                "ClosedPeriod",
                format!(
                    "{CLOSED_PERIOD_MESSAGE}: time periods are closed through {closed}; timeStart is {}.",
                    start.date_naive()
                ),
                RESOURCE,
                "timeStart",
            )]),
        );
    }
    let end = record
        .get("timeEnd")
        .and_then(Value::as_str)
        .and_then(|s| validate::check_timestamp(s).ok());
    if let (Some(start), Some(end)) = (start, end)
        && end <= start
    {
        return Err(ApiError::invalid_object(
            RESOURCE,
            vec![FieldError::new(
                "InvalidField",
                "timeEnd must be after timeStart.",
                RESOURCE,
                "timeEnd",
            )],
        ));
    }
    let charge_type = record
        .get("chargeToType")
        .and_then(Value::as_str)
        .map(str::to_string);
    let charge_id = record.get("chargeToId").and_then(Value::as_i64);
    let Some(object) = record.as_object_mut() else {
        return Ok(());
    };
    if let (Some(kind), Some(id)) = (charge_type.as_deref(), charge_id)
        && (kind == "ServiceTicket" || kind == "ProjectTicket")
    {
        let path = if kind == "ServiceTicket" {
            "/service/tickets"
        } else {
            "/project/tickets"
        };
        match store.get(path, id) {
            Some(ticket) => {
                object.insert("ticket".into(), reference_object("TicketReference", ticket));
                if let Some(company) = ticket.get("company") {
                    object.entry("company").or_insert_with(|| company.clone());
                }
            }
            None if store.collection(path).is_some() => {
                return Err(ApiError::invalid_object(
                    RESOURCE,
                    vec![FieldError::new(
                        "NotFound",
                        format!("Ticket {id} not found"),
                        RESOURCE,
                        "chargeToId",
                    )],
                ));
            }
            None => {}
        }
    }
    if let (Some(start), Some(end)) = (start, end)
        && !object.get("actualHours").is_some_and(Value::is_number)
    {
        let hours = (end - start).num_seconds() as f64 / 3600.0;
        object.insert("actualHours".into(), json!((hours * 100.0).round() / 100.0));
    }
    if creating {
        if !object.contains_key("member") {
            object.insert("member".into(), member_reference(store, ctx.member));
        }
        object
            .entry("billableOption")
            .or_insert_with(|| Value::from("Billable"));
        object.entry("status").or_insert_with(|| Value::from("Open"));
        object.insert("enteredBy".into(), Value::from(ctx.member));
        object.insert("dateEntered".into(), Value::from(ctx.now.clone()));
    }
    Ok(())
}
