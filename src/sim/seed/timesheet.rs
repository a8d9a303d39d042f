//! Time entries (against service tickets, project tickets and charge codes) and schedule
//! entries; then tickets and projects get the hours logged against them.

use serde_json::{Value, json};

use super::Gen;
use super::company::MSP;
use super::finance::HOURLY_RATE;
use super::setup::{CHARGE_CODES, WORK_TYPES};
use super::texts;
use super::time::{DAY, HOUR, MINUTE, NOW, START, business, date, ts};
use super::world::{Ticket, cents, info, named, rec};

/// What a time entry is charged to.
#[derive(Clone, Copy)]
enum Charge {
    Service(usize),
    Project(usize),
    Code(usize),
}

pub(super) fn generate(g: &mut Gen) {
    let techs = g.technicians();
    let staff: Vec<usize> = (0..g.members.len())
        .filter(|&m| g.members[m].title != "API Member")
        .collect();
    let mut planned: Vec<(i64, i64, usize, Charge)> = Vec::with_capacity(g.n.time_entries);
    let mut attempts = 0;
    while planned.len() < g.n.time_entries && attempts < g.n.time_entries * 20 {
        attempts += 1;
        let u = g.rng.unit();
        let charge = if u < 0.10 {
            Charge::Code(g.rng.index(CHARGE_CODES.len()))
        } else if u < 0.25 && !g.project_tickets.is_empty() {
            Charge::Project(g.rng.index(g.project_tickets.len()))
        } else {
            Charge::Service(g.rng.index(g.tickets.len()))
        };
        let ticket = match charge {
            Charge::Service(t) => Some(&g.tickets[t]),
            Charge::Project(t) => Some(&g.project_tickets[t]),
            Charge::Code(_) => None,
        };
        let (lo, hi, owner) = match ticket {
            Some(t) => (t.entered + MINUTE, t.closed.unwrap_or(NOW), t.owner),
            None => (START, NOW, None),
        };
        // Whole minutes, inside the ticket's open life.
        let (lo, hi) = (
            (lo + MINUTE - 1).div_euclid(MINUTE) * MINUTE,
            hi.div_euclid(MINUTE) * MINUTE,
        );
        let quarters = ((hi - lo) / (15 * MINUTE)).min(10);
        if quarters < 1 {
            continue;
        }
        let dur = 15 * MINUTE * g.rng.range(1, quarters + 1);
        let day = g.rng.range(lo, hi);
        let start = business(&mut g.rng, day).clamp(lo, hi - dur);
        let member = match (owner, charge) {
            (_, Charge::Code(_)) => *g.rng.pick(&staff),
            (Some(o), _) if g.rng.chance(0.7) => o,
            _ => *g.rng.pick(&techs),
        };
        planned.push((start, dur, member, charge));
    }
    planned.sort_by_key(|p| (p.0, p.2));
    let records: Vec<Value> = planned
        .iter()
        .enumerate()
        .map(|(k, &(start, dur, member, charge))| entry(g, k as i64 + 1, start, dur, member, charge))
        .collect();
    g.put("/time/entries", records);
    let tickets = std::mem::take(&mut g.ticket_values);
    g.put("/service/tickets", tickets);
    let tickets = std::mem::take(&mut g.project_ticket_values);
    g.put("/project/tickets", tickets);
    let projects = std::mem::take(&mut g.project_values);
    g.put("/project/projects", projects);
}

/// One time entry, stored form: the flags every entry shares and the hours
/// that follow from `actualHours` are added when it is served.
fn entry(g: &mut Gen, id: i64, start: i64, dur: i64, member: usize, charge: Charge) -> Value {
    let hours = dur as f64 / HOUR as f64;
    let hour_of_day = start.rem_euclid(DAY) / HOUR;
    let after_hours = !(14..23).contains(&hour_of_day);
    let m = &g.members[member];
    let mut v = rec!({
        "id": id,
        "member": m.reference(),
        "timeStart": ts(start),
        "timeEnd": ts(start + dur),
        "actualHours": hours,
        "enteredBy": &m.identifier,
        "dateEntered": ts((start + dur + 5 * MINUTE).min(NOW)),
        "_info": info((start + dur + 5 * MINUTE).min(NOW), &m.identifier, (start + dur + 5 * MINUTE).min(NOW), &m.identifier),
    });
    let (ticket, notes, work_type) = match charge {
        Charge::Code(code) => {
            v["chargeToType"] = json!("ChargeCode");
            v["chargeToId"] = json!(code + 1);
            v["company"] = rec!({"id": 1, "identifier": MSP.1, "name": MSP.0});
            v["billableOption"] = json!("NoCharge");
            v["status"] = json!("ApprovedByTierTwo");
            v["notes"] = json!(texts::CHARGE_CODE_NOTES[code]);
            v["workType"] = named(5, WORK_TYPES[4].0);
            return v;
        }
        Charge::Service(t) => (
            &g.tickets[t],
            *g.rng.pick(texts::WORK_NOTES),
            if g.rng.chance(0.15) { 1 } else { 0 },
        ),
        Charge::Project(t) => (&g.project_tickets[t], *g.rng.pick(texts::PROJECT_WORK_NOTES), 3),
    };
    let work_type = if after_hours && work_type != 3 {
        2
    } else {
        work_type
    };
    let c = &g.companies[ticket.company];
    v["chargeToId"] = json!(ticket.id);
    v["company"] = c.reference();
    v["ticket"] = ticket.reference();
    v["notes"] = json!(notes);
    v["workType"] = named(work_type as i64 + 1, WORK_TYPES[work_type].0);
    v["billableOption"] = json!("Billable");
    let month = month_start(start);
    let billed = month < date(2026, 11, 1);
    if let Some(a) = c.agreement {
        v["agreement"] = g.agreements[a].reference();
        v["status"] = json!(if billed {
            "BilledAgreement"
        } else {
            "ApprovedByTierTwo"
        });
    } else {
        v["hourlyRate"] = json!(HOURLY_RATE);
        v["status"] = json!(if billed { "Billed" } else { "ApprovedByTierTwo" });
    }
    let (company, agreement) = (ticket.company, c.agreement);
    match (charge, &ticket.project) {
        (Charge::Project(t), Some((p, phase_id, phase_name))) => {
            v["chargeToType"] = json!("ProjectTicket");
            v["project"] = named(g.projects[*p].id, &g.projects[*p].name);
            v["phase"] = named(*phase_id, phase_name);
            let p = *p;
            add_hours(&mut g.project_ticket_values[t], hours);
            add_hours(&mut g.project_values[p], hours);
        }
        (Charge::Service(t), _) => {
            v["chargeToType"] = json!("ServiceTicket");
            add_hours(&mut g.ticket_values[t], hours);
        }
        _ => unreachable!("project tickets carry their project"),
    }
    if agreement.is_none() {
        *g.billable.entry((company, month)).or_default() += hours;
    }
    v
}

fn add_hours(record: &mut Value, hours: f64) {
    let h = record["actualHours"].as_f64().unwrap_or(0.0) + hours;
    record["actualHours"] = json!(cents(h));
}

fn month_start(secs: i64) -> i64 {
    let (y, m, _) = super::time::civil_from_days(secs.div_euclid(DAY));
    date(y, m, 1)
}

/// Schedule entries: upcoming visits for tickets in "Scheduled" (and open project work in
/// the next two weeks), and past, done visits for some closed tickets.
pub(super) fn schedule(g: &mut Gen) {
    let mut planned: Vec<(i64, i64, usize, bool)> = Vec::new();
    for (i, t) in g.tickets.iter().chain(g.project_tickets.iter()).enumerate() {
        if t.owner.is_none() {
            continue;
        }
        let at = if t.scheduled {
            let day = NOW + g.rng.range(1, 8) * DAY;
            business(&mut g.rng, day)
        } else if t.closed.is_some_and(|c| c - t.entered > 4 * HOUR) && g.rng.chance(0.1) {
            business(&mut g.rng, t.closed.expect("closed") - HOUR).min(t.closed.expect("closed") - 2 * HOUR)
        } else {
            continue;
        };
        planned.push((at, g.rng.range(1, 4) * HOUR, i, at < NOW));
    }
    planned.sort_by_key(|p| (p.0, p.2));
    let n_service = g.tickets.len();
    let records = planned
        .into_iter()
        .enumerate()
        .map(|(k, (at, dur, i, done))| {
            let t: &Ticket = if i < n_service { &g.tickets[i] } else { &g.project_tickets[i - n_service] };
            let m = &g.members[t.owner.expect("owner")];
            let entered = (at - 2 * DAY).max(t.entered).min(NOW);
            rec!({
                "id": k + 1,
                "objectId": t.id,
                "name": format!("{} / {}", g.companies[t.company].name, t.summary),
                "member": m.reference(),
                "where": if t.project.is_some() || k % 3 == 0 { named(1, "On-Site") } else { named(2, "Remote") },
                "dateStart": ts(at),
                "dateEnd": ts(at + dur),
                "status": named(2, "Firm"),
                "type": rec!({"id": 4, "identifier": "S"}),
                "span": rec!({"id": 1, "identifier": "N"}),
                "hours": dur as f64 / HOUR as f64,
                "doneFlag": done,
                "acknowledgedFlag": done,
                "ownerFlag": true,
                "meetingFlag": false,
                "allowScheduleConflictsFlag": false,
                "addMemberToProjectFlag": false,
                "closeDate": if done { Value::String(ts(at + dur)) } else { Value::Null },
                "_info": info(entered, "LHall", entered, "LHall"),
            })
        })
        .map(|mut v: Value| {
            if v["closeDate"].is_null() {
                v.as_object_mut().expect("object").remove("closeDate");
            }
            v
        })
        .collect();
    g.put("/schedule/entries", records);
}
