//! Sales: opportunities and activities (calls, meetings, follow-ups).

use serde_json::json;

use super::Gen;
use super::time::{DAY, HOUR, NOW, START, business, ts};
use super::world::{info, named, rec};

pub(crate) const OPPORTUNITY_NAMES: &[&str] = &[
    "Firewall replacement",
    "Microsoft 365 migration",
    "Server refresh",
    "Wi-Fi upgrade",
    "Managed backup expansion",
    "Security awareness training",
    "New office network build-out",
    "Laptop refresh - 20 units",
    "VoIP phone system",
    "Azure AD / Intune rollout",
    "Managed Services - Platinum upgrade",
    "Disaster recovery plan",
    "Email security add-on",
];

/// (id, name, probability)
pub(super) const STAGES: &[(i64, &str, i64)] = &[
    (1, "Prospect", 10),
    (2, "Qualified", 30),
    (3, "Proposal", 50),
    (4, "Negotiation", 75),
];

pub(super) fn opportunities(g: &mut Gen) {
    let rep = g.member_titled("Account Manager");
    let manager = g.member_titled("Service Manager");
    let customers = g.companies.len() - 1;
    let mut records = Vec::new();
    for id in 1..=g.n.opportunities as i64 {
        let ci = if id <= 2 { 1 } else { 1 + g.rng.skewed(customers) };
        let title = *g.rng.pick(OPPORTUNITY_NAMES);
        let name = format!("{} - {}", g.companies[ci].name, title);
        let lead = START - g.rng.range(0, 120) * DAY + 15 * HOUR;
        let close = lead + g.rng.range(20, 110) * DAY;
        // Opportunity 1 (ACME) is open; 2 (ACME) was won, and became ACME's project.
        let outcome = match id {
            1 => 0,
            2 => 1,
            _ if close < NOW && g.rng.chance(0.8) => 1 + g.rng.chance(0.35) as i64,
            _ => 0,
        };
        let (status, stage, probability) = match outcome {
            0 => {
                let s = STAGES[g.rng.index(STAGES.len())];
                (named(1, "Open"), named(s.0, s.1), s.2)
            }
            1 => (named(2, "Won"), named(5, "Closed"), 100),
            _ => (named(3, "Lost"), named(5, "Closed"), 0),
        };
        let c = &g.companies[ci];
        let contact = c.contacts[g.rng.index(c.contacts.len())];
        let mut v = rec!({
            "id": id,
            "name": &name,
            "type": named(if c.agreement.is_some() { 2 } else { 1 }, if c.agreement.is_some() { "Existing Client - Project" } else { "New Business" }),
            "stage": stage,
            "status": status,
            "probability": named(probability / 10 + 1, &format!("{probability}%")),
            "rating": named(1 + g.rng.range(0, 3), ["Hot", "Warm", "Cold"][g.rng.index(3)]),
            "source": ["Referral", "Quarterly Business Review", "Website", "Renewal"][g.rng.index(4)],
            "notes": format!("{title} discussed with {}. Proposal to follow.", g.contacts[contact].name()),
            "primarySalesRep": g.members[rep].reference(),
            "secondarySalesRep": g.members[manager].reference(),
            "company": c.reference(),
            "contact": g.contacts[contact].reference(),
            "site": c.sites[0].reference(),
            "expectedCloseDate": ts(close.max(if outcome == 0 { NOW + 7 * DAY } else { 0 })),
            "dateBecameLead": ts(lead),
            "pipelineChangeDate": ts(lead + 5 * DAY),
            "locationId": 1,
            "businessUnitId": 1,
            "_info": info(lead, "BCarter", (lead + 5 * DAY).min(NOW), "BCarter"),
        });
        if outcome != 0 {
            let closed = close.min(NOW - DAY);
            v["closedDate"] = json!(ts(closed));
            v["closedBy"] = g.members[rep].reference();
            v["_info"] = info(lead, "BCarter", closed, "BCarter");
        }
        records.push(v);
        g.opportunities.push((id, name, ci, outcome == 1));
    }
    g.put("/sales/opportunities", records);
}

const ACTIVITY_TYPES: &[&str] = &[
    "Call",
    "Email",
    "Meeting",
    "Quarterly Business Review",
    "Follow Up",
];

pub(super) fn activities(g: &mut Gen) {
    let members = [
        g.member_titled("Account Manager"),
        g.member_titled("Service Manager"),
    ];
    let customers = g.companies.len() - 1;
    let mut records = Vec::new();
    for id in 1..=g.n.activities as i64 {
        let kind = g.rng.index(ACTIVITY_TYPES.len());
        let opportunity = (kind != 3 && g.rng.chance(0.6)).then(|| g.rng.index(g.opportunities.len()));
        let ci = match opportunity {
            Some(o) => g.opportunities[o].2,
            None if id <= 2 => 1,
            None => 1 + g.rng.skewed(customers),
        };
        let day = START + g.rng.range(0, (NOW - START) / DAY + 21) * DAY;
        let start = business(&mut g.rng, day);
        let done = start + HOUR < NOW;
        let entered = (start - 3 * DAY).min(NOW - 2 * HOUR);
        let member = members[g.rng.index(2)];
        let c = &g.companies[ci];
        let contact = &g.contacts[c.contacts[g.rng.index(c.contacts.len())]];
        let name = match (kind, opportunity) {
            (3, _) => format!("Quarterly business review - {}", c.name),
            (_, Some(o)) => format!(
                "{} about {}",
                ["Call", "Email", "Meet with", "Email", "Follow up with"][kind],
                g.opportunities[o].1
            ),
            (_, None) => format!(
                "{} {} re: renewal",
                ["Call", "Email", "Meet with", "Email", "Check in with"][kind],
                contact.name()
            ),
        };
        let mut v = rec!({
            "id": id,
            "name": &name,
            "type": named(kind as i64 + 1, ACTIVITY_TYPES[kind]),
            "company": c.reference(),
            "contact": contact.reference(),
            "phoneNumber": &contact.phone,
            "email": &contact.email,
            "status": if done { named(2, "Closed") } else { named(1, "Open") },
            "notes": if done { "Done; notes logged in the opportunity." } else { "Prepare the agenda and the latest ticket report." },
            "dateStart": ts(start),
            "dateEnd": ts(start + if kind == 3 { 2 * HOUR } else { HOUR / 2 }),
            "assignedBy": g.members[members[0]].reference(),
            "assignTo": g.members[member].reference(),
            "notifyFlag": false,
            "_info": info(entered, "BCarter", if done { (start + HOUR).min(NOW) } else { entered }, "BCarter"),
        });
        if let Some(o) = opportunity {
            v["opportunity"] = named(g.opportunities[o].0, &g.opportunities[o].1);
        }
        records.push(v);
    }
    g.put("/sales/activities", records);
}
