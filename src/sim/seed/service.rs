//! Service tickets on the Service Desk, Network Operations and Alerts boards, with notes.

use serde_json::{Value, json};

use super::Gen;
use super::names::{FIRST_NAMES, LAST_NAMES};
use super::reference_data as data;
use super::texts::{self, Template};
use super::time::{DAY, HOUR, MINUTE, NOW, START, business, ts};
use super::world::{Ticket, info, named, rec};
use crate::sim::shape::custom_fields::id as field;

/// (board index, share of tickets, templates)
const BOARD_MIX: &[(usize, f64, &[Template])] = &[
    (0, 0.65, texts::SERVICE_DESK),
    (1, 0.15, texts::NETWORK),
    (2, 0.20, texts::ALERTS),
];

/// One ticket in this many belongs to ACME, so the README tour has plenty to show.
const ACME_EVERY: usize = 25;

pub(super) fn generate(g: &mut Gen) {
    let techs = g.technicians();
    let titled = |title: &str| {
        techs
            .iter()
            .copied()
            .filter(|&m| g.members[m].title == title)
            .collect::<Vec<_>>()
    };
    let preferred = [titled("Help Desk Technician"), titled("Network Engineer")];
    let customers = g.companies.len() - 1;
    g.ticket_values.reserve(g.n.tickets);
    g.tickets.reserve(g.n.tickets);
    for i in 0..g.n.tickets {
        let id = i as i64 + 1;
        let acme = i % ACME_EVERY == 7;
        // Other tickets go to customers other than ACME, so its share stays one in 25.
        let ci = if acme { 1 } else { 2 + g.rng.skewed(customers - 1) };
        let u = g.rng.unit();
        let (board, _, templates) = *BOARD_MIX
            .iter()
            .scan(0.0, |acc, m| {
                *acc += m.1;
                Some((*acc, m))
            })
            .find(|(acc, _)| u < *acc)
            .map_or(&BOARD_MIX[0], |(_, m)| m);
        let template = *g.rng.pick(templates);
        let day = START + g.rng.range(0, (NOW - START) / DAY + 1) * DAY;
        let mut entered = business(&mut g.rng, day) + g.rng.range(0, 15) * MINUTE;
        if entered >= NOW {
            entered -= DAY;
        }
        let age = NOW - entered;
        let p_closed = match (board, age) {
            (2, a) if a > 2 * DAY => 0.95,
            (2, _) => 0.5,
            (_, a) if a > 21 * DAY => 0.93,
            (_, a) if a > 7 * DAY => 0.75,
            (_, a) if a > 2 * DAY => 0.45,
            _ => 0.15,
        };
        // Every other ACME ticket stays open, so "open tickets for ACME" is never empty.
        let closed = !(acme && (i / ACME_EVERY).is_multiple_of(2)) && g.rng.chance(p_closed);
        let closed_at = closed.then(|| {
            let max = if board == 2 {
                DAY
            } else {
                (age - HOUR).min(12 * DAY)
            };
            (entered + g.rng.range(60, (max / MINUTE).max(61)) * MINUTE).min(NOW - MINUTE)
        });
        let status_name = match (closed, g.rng.unit()) {
            (true, u) if u < 0.7 => "Completed",
            (true, _) => "Closed",
            (false, _) if age < DAY => {
                if g.rng.chance(0.6) {
                    "New"
                } else {
                    "In Progress"
                }
            }
            (false, u) if u < 0.45 => "In Progress",
            (false, u) if u < 0.70 => "Waiting on Client",
            (false, u) if u < 0.85 => "Scheduled",
            _ => "New",
        };
        let owner =
            (status_name != "New" || g.rng.chance(0.5)).then(|| pick_owner(g, &techs, &preferred, board));
        let (record, summary, description) = ticket_record(
            g,
            id,
            ci,
            board,
            template,
            entered,
            closed_at,
            status_name,
            owner,
            &techs,
        );
        g.ticket_values.push(record);
        g.tickets.push(Ticket {
            id,
            summary,
            company: ci,
            owner,
            entered,
            closed: closed_at,
            scheduled: status_name == "Scheduled",
            project: None,
        });
        if i < g.n.tickets_with_notes {
            notes(g, i, template, description);
        }
    }
}

/// Network tickets go mostly to network engineers, the rest mostly to the help desk.
fn pick_owner(g: &mut Gen, techs: &[usize], preferred: &[Vec<usize>; 2], board: usize) -> usize {
    let preferred = &preferred[usize::from(board == 1)];
    if !preferred.is_empty() && g.rng.chance(0.7) {
        *g.rng.pick(preferred)
    } else {
        *g.rng.pick(techs)
    }
}

/// Fill a template's placeholders for a ticket at company `ci` with contact `contact`.
fn fill(g: &mut Gen, text: &str, ci: usize, contact: usize, new: &str) -> String {
    let mut out = text.to_string();
    if !out.contains('{') {
        return out;
    }
    let c = &g.companies[ci];
    if out.contains("{contact}") {
        out = out.replace("{contact}", &g.contacts[contact].name());
    }
    if out.contains("{new}") {
        out = out.replace("{new}", new);
    }
    if out.contains("{server}") {
        let server = match c.servers.len() {
            0 => format!("{}-SRV01", c.prefix),
            n => c.servers[g.rng.index(n)].clone(),
        };
        out = out.replace("{server}", &server);
    }
    if out.contains("{fw}") {
        let fw = c
            .firewalls
            .first()
            .cloned()
            .unwrap_or_else(|| format!("{}-FW01", c.prefix));
        out = out.replace("{fw}", &fw);
    }
    if out.contains("{site}") {
        out = out.replace("{site}", c.sites[g.rng.index(c.sites.len())].city);
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn ticket_record(
    g: &mut Gen,
    id: i64,
    ci: usize,
    board: usize,
    t: Template,
    entered: i64,
    closed: Option<i64>,
    status_name: &str,
    owner: Option<usize>,
    techs: &[usize],
) -> (Value, String, String) {
    let contact = {
        let c = &g.companies[ci].contacts;
        c[g.rng.index(c.len())]
    };
    let new = if t.0.contains("{new}") {
        format!("{} {}", g.rng.pick(FIRST_NAMES), g.rng.pick(LAST_NAMES))
    } else {
        String::new()
    };
    let summary = fill(g, t.0, ci, contact, &new);
    let description = fill(g, t.1, ci, contact, &new);
    let p = g.rng.unit();
    let priority = match board {
        2 if p < 0.3 => 1,
        _ if p < 0.03 => 0,
        _ if p < 0.2 => 1,
        _ if p < 0.85 => 2,
        _ => 3,
    };
    let mut resources = owner.map(|o| g.members[o].identifier.clone()).unwrap_or_default();
    if owner.is_some() && g.rng.chance(0.2) {
        let other = &g.members[*g.rng.pick(techs)].identifier;
        if !resources.contains(other.as_str()) {
            resources = format!("{resources}, {other}");
        }
    }
    let source = if board == 2 { 4 } else { 1 + g.rng.index(3) as i64 };
    let on_site = board != 2 && g.rng.chance(0.12);
    let b = &g.boards[board];
    let status = b.status(status_name);
    debug_assert_eq!(
        status.closed,
        closed.is_some(),
        "closed statuses and closed tickets agree"
    );
    let type_id = b.types.iter().find(|x| x.1 == t.3).map_or(b.types[0].0, |x| x.0);
    let c = &g.companies[ci];
    let ct = &g.contacts[contact];
    let site = &c.sites[ct.site];
    let (prio_id, prio_name, prio_sort) = g.priorities[priority];
    let entered_by = if board == 2 { "APIMember" } else { "LHall" };
    let updated_by = owner.map_or(entered_by, |o| g.members[o].identifier.as_str());
    let (_, resolve_hours) = data::sla_hours(prio_id);
    // What every ticket shares (recordType, billing defaults, the SLA, ...) and what
    // follows from these fields (team, slaStatus, respondMinutes, ...) is added when
    // the ticket is served; the description is the first note, never a field.
    let mut v = rec!({
        "id": id,
        "summary": &summary,
        "board": b.reference(),
        "status": named(status.id, status.name),
        "company": c.reference(),
        "site": site.reference(),
        "siteName": &site.name,
        "addressLine1": &site.address,
        "city": site.city,
        "stateIdentifier": site.state,
        "zip": &site.zip,
        "contact": ct.reference(),
        "contactName": ct.name(),
        "contactPhoneNumber": &ct.phone,
        "contactEmailAddress": &ct.email,
        "type": named(type_id, t.3),
        "priority": rec!({"id": prio_id, "name": prio_name, "sort": prio_sort}),
        "source": data::source(source),
        "severity": ["High", "Medium", "Medium", "Low"][priority],
        "impact": ["High", "High", "Medium", "Low"][priority],
        "closedFlag": closed.is_some(),
        "customerUpdatedFlag": closed.is_none() && status_name == "In Progress" && id % 7 == 0,
        "actualHours": 0.0,
        "budgetHours": if board == 1 { 4.0 } else { 1.0 },
        "isInSla": closed.is_none_or(|at| at - entered < resolve_hours * HOUR),
        "_info": info(entered, entered_by, closed.unwrap_or(entered + HOUR).min(NOW), updated_by),
    });
    if !resources.is_empty() {
        v["resources"] = json!(resources);
    }
    if on_site {
        v["serviceLocation"] = data::service_location(data::ON_SITE);
    }
    if let Some(o) = owner {
        v["owner"] = g.members[o].reference();
        v["dateResponded"] = json!(ts(entered + 20 * MINUTE));
    }
    if let Some(at) = closed {
        v["closedDate"] = json!(ts(at));
        v["closedBy"] = json!(updated_by);
        v["dateResolved"] = json!(ts(at));
    }
    if let Some(a) = c.agreement {
        v["agreement"] = g.agreements[a].reference();
    }
    if let Some(fields) = custom_field_values(id, board, status_name, entered) {
        v["customFields"] = fields;
    }
    (v, summary, description)
}

/// Values of the tickets' custom fields, where a ticket has any: network
/// incidents escalated to a vendor carry the vendor's case number; tickets
/// waiting on the client carry a follow-up date.
fn custom_field_values(id: i64, board: usize, status: &str, entered: i64) -> Option<Value> {
    let mut values = Vec::new();
    if board == 1 && id % 5 == 0 {
        values.push(
            json!({"id": field::VENDOR_TICKET, "value": format!("CSC{:08}", 4_210_000 + id * 37 % 99_991)}),
        );
        values.push(json!({"id": field::ESCALATED_TO_VENDOR, "value": true}));
    }
    if status == "Waiting on Client" {
        let follow_up = (entered + 3 * DAY).max(NOW + DAY);
        values.push(
            json!({"id": field::FOLLOW_UP_DATE, "value": ts(follow_up.div_euclid(DAY) * DAY + 16 * HOUR)}),
        );
    }
    (!values.is_empty()).then_some(Value::Array(values))
}

/// The ticket's discussion: the initial description, technicians' updates and internal
/// notes, the customer's replies, and a resolution once closed.
fn notes(g: &mut Gen, i: usize, template: Template, description: String) {
    let t = &g.tickets[i];
    let (id, entered, closed, owner, ci) = (t.id, t.entered, t.closed, t.owner, t.company);
    let v = &g.ticket_values[i];
    let contact_id = v["contact"]["id"].as_i64().expect("contact");
    let contact = (contact_id - 1) as usize;
    let tech = owner.unwrap_or_else(|| g.member_titled("Service Manager"));
    let end = closed.unwrap_or(NOW);
    let first = g.contacts[contact].first;
    let mut plan: Vec<(i64, u8, String)> = vec![(entered, 0, description)];
    for _ in 0..g.rng.range(0, 3) {
        let at = g.rng.range(entered + MINUTE, end);
        plan.push((at, 1, g.rng.pick(texts::INTERNAL_NOTES).to_string()));
    }
    if g.rng.chance(0.7) {
        let at = g.rng.range(entered + 10 * MINUTE, end);
        plan.push((at, 2, g.rng.pick(texts::UPDATES).replace("{first}", first)));
        if g.rng.chance(0.4) {
            plan.push((
                g.rng.range(at + MINUTE, end.max(at + 2 * MINUTE)),
                3,
                g.rng.pick(texts::REPLIES).to_string(),
            ));
        }
    }
    if closed.is_some() {
        let new = String::new();
        plan.push((end, 4, fill(g, template.2, ci, contact, &new)));
    }
    for p in &mut plan {
        p.0 = (p.0.div_euclid(MINUTE) * MINUTE).max(entered);
    }
    plan.sort_by_key(|p| (p.0, p.1));
    let base = id * 10;
    let tech_ref = g.members[tech].reference();
    let tech_id = g.members[tech].identifier.clone();
    let contact_ref = g.contacts[contact].reference();
    let notes = plan
        .into_iter()
        .enumerate()
        .map(|(k, (at, kind, text))| {
            let from_contact = kind == 0 || kind == 3;
            let by = if from_contact { "Portal" } else { tech_id.as_str() };
            let mut n = rec!({
                "id": base + k as i64,
                "ticketId": id,
                "text": text,
                "detailDescriptionFlag": matches!(kind, 0 | 2 | 3),
                "internalAnalysisFlag": kind == 1,
                "resolutionFlag": kind == 4,
                "issueFlag": false,
                "customerUpdatedFlag": kind == 3,
                "processNotifications": false,
                "dateCreated": ts(at),
                "createdBy": by,
                "internalFlag": kind == 1,
                "externalFlag": kind != 1,
                "_info": info(at, by, at, by),
            });
            n[if from_contact { "contact" } else { "member" }] = if from_contact {
                contact_ref.clone()
            } else {
                tech_ref.clone()
            };
            n
        })
        .collect();
    g.put(&format!("/service/tickets/{id}/notes"), notes);
}
