//! Records around the everyday ones: weekly timesheets (their hours are
//! the time entries' own), expense entries, checklist tasks of tickets,
//! knowledge-base articles, and the notes and forecasts of opportunities.
//! Generated after time entries, tickets and opportunities, whose records
//! they agree with.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Gen;
use super::finance::PRODUCTS;
use super::time::{DAY, HOUR, NOW, START, business, civil_from_days, date, ts};
use super::world::{cents, info, named, rec};

/// Time periods are weeks from Sunday, as ConnectWise's default time setup.
const WEEK: i64 = 7 * DAY;

pub(super) fn generate(g: &mut Gen) {
    timesheets(g);
    expenses(g);
    tasks(g);
    knowledge_base(g);
    opportunity_notes_and_forecasts(g);
}

/// The Sunday on or before `secs`.
fn week_of(secs: i64) -> i64 {
    let day = secs.div_euclid(DAY) * DAY;
    // 1970-01-01 was a Thursday: day 0 is 4 days after a Sunday.
    day - (secs.div_euclid(DAY) + 4).rem_euclid(7) * DAY
}

fn seconds_of(stamp: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .ok()
        .map(|t| t.timestamp())
}

/// One timesheet per member and week with time in it, and the current
/// week's for everyone who logs time. Weeks of closed periods (through
/// September) are billed; October's approved; the last weeks pending,
/// one rejected; this week's open.
fn timesheets(g: &mut Gen) {
    let mut hours: BTreeMap<(i64, String), f64> = BTreeMap::new();
    for entry in g.out.get("/time/entries").into_iter().flatten() {
        let (Some(member), Some(start), Some(h)) = (
            entry.pointer("/member/identifier").and_then(Value::as_str),
            entry
                .get("timeStart")
                .and_then(Value::as_str)
                .and_then(seconds_of),
            entry.get("actualHours").and_then(Value::as_f64),
        ) else {
            continue;
        };
        *hours.entry((week_of(start), member.to_owned())).or_default() += h;
    }
    let this_week = week_of(NOW);
    for m in g.technicians() {
        hours
            .entry((this_week, g.members[m].identifier.clone()))
            .or_default();
    }
    let members: BTreeMap<String, Value> = g
        .members
        .iter()
        .map(|m| (m.identifier.clone(), m.reference()))
        .collect();
    let mut records = Vec::new();
    for (k, ((week, member), h)) in hours.into_iter().enumerate() {
        let Some(reference) = members.get(&member) else {
            continue;
        };
        let status = match week {
            w if w == this_week => "Open",
            w if w + WEEK <= date(2026, 10, 1) => "Billed",
            w if w < date(2026, 11, 1) => "ApprovedByTierTwo",
            _ if k % 5 == 0 => "Rejected",
            _ => "PendingApproval",
        };
        let (year, _, _) = civil_from_days((week + 3 * DAY).div_euclid(DAY));
        let period = (week + 3 * DAY - date(year, 1, 1)).div_euclid(WEEK) + 1;
        let submitted = (week + WEEK + 9 * HOUR).min(NOW);
        records.push(rec!({
            "id": k as i64 + 1,
            "member": reference,
            "year": year,
            "period": period,
            "dateStart": ts(week),
            "dateEnd": ts(week + 6 * DAY),
            "status": status,
            "hours": cents(h),
            "deadline": ts(week + WEEK + 2 * DAY),
            "_info": info(week, &member, submitted, &member),
        }));
    }
    g.put("/time/sheets", records);
}

/// (type id, type name, smallest and largest amount)
const EXPENSE_TYPES: &[(i64, &str, f64, f64)] = &[
    (1, "Mileage", 12.0, 68.0),
    (2, "Parking", 8.0, 30.0),
    (3, "Meals", 14.0, 45.0),
    (4, "Supplies", 9.0, 140.0),
];

/// Expenses of onsite work, charged to the tickets they were spent on.
fn expenses(g: &mut Gen) {
    let count = (g.n.time_entries / 8).max(10);
    let mut records = Vec::new();
    for id in 1..=count as i64 {
        let t = g.rng.index(g.tickets.len());
        let (entered, closed) = (g.tickets[t].entered, g.tickets[t].closed);
        let Some(owner) = g.tickets[t].owner else { continue };
        let hi = closed.unwrap_or(NOW).min(NOW);
        if hi <= entered {
            continue;
        }
        let on = g.rng.range(entered, hi);
        let day = business(&mut g.rng, on);
        let (type_id, name, lo, top) = EXPENSE_TYPES[g.rng.index(EXPENSE_TYPES.len())];
        let amount = cents(lo + (top - lo) * g.rng.unit());
        let billable = if name == "Meals" { "NoCharge" } else { "Billable" };
        let status = if day < date(2026, 10, 1) {
            "Billed"
        } else if day + WEEK < NOW {
            "ApprovedByTierTwo"
        } else {
            "Open"
        };
        let (ticket, member) = (&g.tickets[t], &g.members[owner]);
        records.push(rec!({
            "id": id,
            "company": g.companies[ticket.company].reference(),
            "chargeToId": ticket.id,
            "chargeToType": "ServiceTicket",
            "ticket": ticket.reference(),
            "type": named(type_id, name),
            "member": member.reference(),
            "paymentMethod": named(1, "Personal"),
            "classification": named(if billable == "Billable" { 1 } else { 2 }, if billable == "Billable" { "Reimbursable" } else { "Non-Reimbursable" }),
            "amount": amount,
            "billableOption": billable,
            "date": ts(day - day.rem_euclid(DAY)),
            "notes": format!("{name} for the visit on ticket #{}", ticket.id),
            "invoiceAmount": if billable == "Billable" { amount } else { 0.0 },
            "status": status,
            "_info": info((day + 2 * HOUR).min(NOW), &member.identifier, (day + 2 * HOUR).min(NOW), &member.identifier),
        }));
    }
    g.put("/expense/entries", records);
}

/// Checklists ConnectWise tickets carry (new user, workstation, offboarding).
const CHECKLISTS: &[&[&str]] = &[
    &[
        "Create the account and mailbox",
        "Assign the Microsoft 365 licence",
        "Add to security groups and shared drives",
        "Set up MFA with the user",
    ],
    &[
        "Image the workstation",
        "Install line-of-business applications",
        "Enrol in RMM and endpoint protection",
        "Deliver and walk the user through sign-in",
    ],
    &[
        "Disable sign-in and reset the password",
        "Convert the mailbox to shared",
        "Collect the laptop and badge",
    ],
];

/// One open ticket in six, and some closed ones, have a checklist; a
/// closed ticket's tasks are done.
fn tasks(g: &mut Gen) {
    let picked: Vec<usize> = (0..g.tickets.len().min(g.n.tickets_with_notes))
        .filter(|&i| i % 6 == 1)
        .collect();
    for i in picked {
        let ticket = &g.tickets[i];
        let list = CHECKLISTS[i % CHECKLISTS.len()];
        let closed = ticket.closed.is_some();
        let at = ticket.entered + HOUR;
        let by = ticket
            .owner
            .map_or("LHall".to_owned(), |o| g.members[o].identifier.clone());
        let done_up_to = if closed { list.len() } else { i % (list.len() + 1) };
        let records = list
            .iter()
            .enumerate()
            .map(|(k, notes)| {
                let done = k < done_up_to;
                rec!({
                    "id": (i * 10 + k + 1) as i64,
                    "ticketId": ticket.id,
                    "notes": *notes,
                    "closedFlag": done,
                    "priority": k as i64 + 1,
                    "resolution": if done { "Done" } else { "" },
                    "_info": info(at, &by, if done { ticket.closed.unwrap_or(at + HOUR).min(NOW) } else { at }, &by),
                })
            })
            .map(|mut v: Value| {
                if v["resolution"] == "" {
                    v.as_object_mut().expect("object").remove("resolution");
                }
                v
            })
            .collect();
        let path = format!("/service/tickets/{}/tasks", ticket.id);
        g.put(&path, records);
    }
}

/// (title, issue, resolution)
const ARTICLES: &[(&str, &str, &str)] = &[
    (
        "VPN connects but no internal resources load",
        "Remote users connect to the FortiClient VPN but cannot reach file shares or the intranet by name.",
        "Split-DNS was missing: add the internal domain to the VPN's DNS suffix list and push the profile again. Test with nslookup against the internal DNS server.",
    ),
    (
        "Outlook keeps asking for a password after the M365 migration",
        "After moving a mailbox to Microsoft 365, Outlook prompts for credentials every few minutes.",
        "Clear cached credentials in Credential Manager, remove the old Autodiscover registry keys, and create a new Outlook profile.",
    ),
    (
        "Printer shows offline on all workstations",
        "A network printer shows Offline in Windows although it prints its test page.",
        "The printer's DHCP lease changed. Give it a reservation, and point the Standard TCP/IP port at the new address (or its hostname).",
    ),
    (
        "Backup job fails with VSS error 0x800423f4",
        "The nightly image backup of a file server fails with a VSS writer error.",
        "Restart the failing writer's service (vssadmin list writers names it), free at least 10% on the volume, and rerun the job.",
    ),
    (
        "New laptop cannot join the domain",
        "Joining a new laptop to the domain fails with 'The specified domain either does not exist or could not be contacted'.",
        "The laptop used the Wi-Fi guest network's public DNS. Connect it to the corporate network so it uses the domain controllers for DNS, then join again.",
    ),
    (
        "MFA prompt never arrives on the phone",
        "A user does not get the Microsoft Authenticator push notification when signing in.",
        "Check the phone's notification settings and time sync; if still missing, re-register the method at aka.ms/mysecurityinfo.",
    ),
    (
        "Shared mailbox not showing in Outlook",
        "A user was given access to a shared mailbox but it does not appear in Outlook.",
        "Automapping takes up to an hour; otherwise remove and re-add Full Access with automapping, or add the mailbox by hand in the account settings.",
    ),
    (
        "Firewall HA pair out of sync",
        "The FortiGate cluster reports the secondary out of sync after a firmware upgrade.",
        "Run 'diagnose sys ha checksum cluster' to find the differing table, then 'execute ha synchronize start' from the primary.",
    ),
];

fn knowledge_base(g: &mut Gen) {
    let authors = g.technicians();
    let records = ARTICLES
        .iter()
        .enumerate()
        .map(|(k, &(title, issue, resolution))| {
            let created = START - 200 * DAY + k as i64 * 37 * DAY + 15 * HOUR;
            let author = &g.members[authors[k % authors.len()]].identifier;
            rec!({
                "id": k as i64 + 1,
                "title": title,
                "issue": issue,
                "resolution": resolution,
                "board": named(1, "Service Desk"),
                "categoryId": (k % 3) as i64 + 1,
                "dateCreated": ts(created),
                "createdBy": author,
                "_info": info(created, author, created, author),
            })
        })
        .collect();
    g.put("/service/knowledgeBaseArticles", records);
}

/// Notes the account manager kept on each opportunity, and its forecast:
/// the products quoted, with the opportunity's status.
fn opportunity_notes_and_forecasts(g: &mut Gen) {
    let opportunities: Vec<Value> = g.out.get("/sales/opportunities").cloned().unwrap_or_default();
    let mut note_id = 0;
    for (k, opp) in opportunities.iter().enumerate() {
        let Some(id) = opp["id"].as_i64() else { continue };
        let entered = opp
            .pointer("/_info/dateEntered")
            .and_then(Value::as_str)
            .and_then(seconds_of)
            .unwrap_or(START);
        let rep = opp
            .pointer("/primarySalesRep/identifier")
            .and_then(Value::as_str)
            .unwrap_or("BCarter")
            .to_owned();
        let texts = [
            "Initial call: they want a fixed monthly price and a quote by month end.",
            "Sent the proposal; the owner will review it with their accountant.",
            "Asked for a second option with fewer licences.",
        ];
        let notes: Vec<Value> = texts
            .iter()
            .take(1 + k % texts.len())
            .enumerate()
            .map(|(n, text)| {
                note_id += 1;
                let at = (entered + (n as i64 + 1) * 3 * DAY).min(NOW);
                rec!({
                    "id": note_id,
                    "opportunityId": id,
                    "text": *text,
                    "flagged": n == 0 && k % 4 == 0,
                    "enteredBy": &rep,
                    "_info": info(at, &rep, at, &rep),
                })
            })
            .collect();
        g.put(&format!("/sales/opportunities/{id}/notes"), notes);
        g.put(
            &format!("/sales/opportunities/{id}/forecast"),
            vec![forecast(k, id, opp, entered)],
        );
    }
}

fn forecast(k: usize, id: i64, opp: &Value, entered: i64) -> Value {
    let status = opp.get("status").cloned().unwrap_or_else(|| named(1, "Open"));
    let reference = rec!({"id": id, "name": opp["name"].as_str().unwrap_or_default()});
    let lines = 1 + k % 3;
    let items: Vec<Value> = (0..lines)
        .map(|n| {
            let (identifier, description, price, cost) = PRODUCTS[(k + n * 2) % PRODUCTS.len()];
            let quantity = (5 + (k * 7 + n * 3) % 40) as f64;
            let (revenue, cost) = (cents(price * quantity * 12.0), cents(cost * quantity * 12.0));
            rec!({
                "id": id * 10 + n as i64 + 1,
                "forecastDescription": description,
                "opportunity": reference.clone(),
                "quantity": quantity,
                "status": status.clone(),
                "catalogItem": rec!({"id": ((k + n * 2) % PRODUCTS.len()) as i64 + 1, "identifier": identifier}),
                "productDescription": description,
                "productClass": "Agreement",
                "revenue": revenue,
                "cost": cost,
                "margin": cents(revenue - cost),
                "percentage": 100,
                "includeFlag": true,
                "forecastType": "Agreement",
                "recurringFlag": true,
                "sequenceNumber": n as f64 + 1.0,
                "taxableFlag": false,
            })
        })
        .collect();
    let total: f64 = items.iter().filter_map(|i| i["revenue"].as_f64()).sum();
    rec!({
        "id": id,
        "forecastItems": items,
        "recurringTotal": cents(total),
        "forecastTotalWithTaxes": cents(total),
        "expectedProbability": opp.pointer("/probability/name").and_then(Value::as_str).and_then(|p| p.trim_end_matches('%').parse::<i64>().ok()).unwrap_or(50),
        "_info": info(entered, "BCarter", entered, "BCarter"),
    })
}
