//! Projects with phases and project tickets (on the "Projects" board).

use serde_json::json;

use super::Gen;
use super::time::{DAY, HOUR, NOW, START, business, ts};
use super::world::{Project, Ticket, info, named, rec};

type Phase = (&'static str, &'static [&'static str]);

/// (name, project/board type, phases with their tasks)
const TEMPLATES: &[(&str, &str, &[Phase])] = &[
    (
        "Microsoft 365 migration",
        "Migration",
        &[
            (
                "Planning & Discovery",
                &[
                    "Inventory mailboxes and shared drives",
                    "Verify DNS access and domain ownership",
                ],
            ),
            (
                "Tenant Setup",
                &[
                    "Configure Microsoft 365 tenant and licenses",
                    "Set up conditional access policies",
                ],
            ),
            (
                "Migration",
                &[
                    "Migrate mailboxes - wave 1",
                    "Migrate mailboxes - wave 2",
                    "Move file shares to SharePoint",
                ],
            ),
            (
                "Training & Handoff",
                &["End-user training session", "Update documentation and close out"],
            ),
        ],
    ),
    (
        "Firewall replacement",
        "Infrastructure",
        &[
            (
                "Planning",
                &["Document current firewall rules", "Order replacement firewall"],
            ),
            (
                "Implementation",
                &["Stage and configure new firewall", "After-hours cutover"],
            ),
            (
                "Close-out",
                &["Verify VPN and site-to-site tunnels", "Update network diagram"],
            ),
        ],
    ),
    (
        "Server refresh",
        "Infrastructure",
        &[
            (
                "Planning",
                &["Assess current server workloads", "Order server hardware"],
            ),
            (
                "Build",
                &["Rack and build new host", "Install Windows Server 2022 and roles"],
            ),
            (
                "Migration",
                &[
                    "Migrate file shares and permissions",
                    "Migrate line-of-business application",
                ],
            ),
            ("Close-out", &["Decommission old server", "Update documentation"]),
        ],
    ),
    (
        "New office network build-out",
        "Implementation",
        &[
            ("Design", &["Site survey", "Network design and bill of materials"]),
            (
                "Installation",
                &["Install switches and access points", "Configure VLANs and Wi-Fi"],
            ),
            ("Go-live", &["Move users to the new office", "Post-move support"]),
        ],
    ),
    (
        "Laptop refresh",
        "Implementation",
        &[
            (
                "Procurement",
                &["Order laptops", "Build Autopilot profile and enroll devices"],
            ),
            (
                "Deployment",
                &["Deploy laptops - first half", "Deploy laptops - second half"],
            ),
            ("Close-out", &["Wipe and recycle old devices"]),
        ],
    ),
];

pub(super) fn generate(g: &mut Gen) {
    let pm = g.member_titled("Project Manager");
    let engineers: Vec<usize> = g
        .technicians()
        .into_iter()
        .filter(|&m| g.members[m].title.contains("Engineer"))
        .collect();
    let board = &g.boards[3];
    let board_ref = board.reference();
    let mut won: Vec<usize> = (0..g.opportunities.len())
        .filter(|&o| g.opportunities[o].3)
        .collect();
    won.reverse();
    let customers = g.companies.len() - 1;
    let (mut phase_id, mut ticket_id) = (0i64, g.n.tickets as i64);
    for id in 1..=g.n.projects as i64 {
        let opportunity = won.pop();
        let ci = opportunity.map_or_else(|| 1 + g.rng.skewed(customers), |o| g.opportunities[o].2);
        let (title, kind, phases) = TEMPLATES[if id == 1 { 0 } else { g.rng.index(TEMPLATES.len()) }];
        let c = &g.companies[ci];
        let name = format!("{title} - {}", c.name);
        let contact = &g.contacts[c.contacts[0]];
        let day = START - 30 * DAY + g.rng.range(0, 75) * DAY;
        let start = business(&mut g.rng, day);
        let span = g.rng.range(35, 90) * DAY;
        let end = start + span;
        let closed = end < NOW - 7 * DAY;
        let owner = engineers[g.rng.index(engineers.len())];
        let type_id = board.types.iter().find(|t| t.1 == kind).expect("project type").0;
        let mut budget = 0.0;
        let mut done_tasks = 0usize;
        let total_tasks: usize = phases.iter().map(|p| p.1.len()).sum();
        for (k, &(phase_name, tasks)) in phases.iter().enumerate() {
            phase_id += 1;
            let p_start = start + span * k as i64 / phases.len() as i64;
            let p_end = start + span * (k as i64 + 1) / phases.len() as i64;
            let phase_done = closed || p_end < NOW;
            let phase_budget = 8.0 * tasks.len() as f64;
            budget += phase_budget;
            let phases_key = format!("/project/projects/{id}/phases");
            g.out.entry(phases_key).or_default().push(rec!({
                "id": phase_id,
                "projectId": id,
                "description": phase_name,
                "board": &board_ref,
                "status": if phase_done { named(2, "Closed") } else { named(1, "Open") },
                "wbsCode": format!("{}", k + 1),
                "billTime": "Billable",
                "billExpenses": "Billable",
                "billProducts": "Billable",
                "markAsMilestoneFlag": k + 1 == phases.len(),
                "scheduledStart": ts(p_start),
                "scheduledEnd": ts(p_end),
                "deadlineDate": ts(p_end),
                "budgetHours": phase_budget,
                "billSeparatelyFlag": false,
                "billingMethod": "FixedFee",
                "_info": info(start - 7 * DAY, "SMartinez", p_end.min(NOW), "SMartinez"),
            }));
            for (t, &task) in tasks.iter().enumerate() {
                ticket_id += 1;
                let entered = start - 7 * DAY + t as i64 * HOUR;
                let t_end = p_start + (p_end - p_start) * (t as i64 + 1) / tasks.len() as i64;
                let done = phase_done || t_end < NOW;
                let status = if done {
                    "Completed"
                } else if p_start < NOW {
                    "In Progress"
                } else {
                    "New"
                };
                let status = board.status(status);
                done_tasks += done as usize;
                let owner = g.members[owner].identifier.clone();
                let mut v = rec!({
                    "id": ticket_id,
                    "summary": task,
                    "isIssueFlag": false,
                    "board": &board_ref,
                    "status": named(status.id, status.name),
                    "project": named(id, &name),
                    "phase": named(phase_id, phase_name),
                    "wbsCode": format!("{}.{}", k + 1, t + 1),
                    "company": c.reference(),
                    "site": c.sites[0].reference(),
                    "siteName": &c.sites[0].name,
                    "contact": contact.reference(),
                    "contactName": contact.name(),
                    "contactPhoneNumber": &contact.phone,
                    "contactEmailAddress": &contact.email,
                    "type": named(type_id, kind),
                    "owner": g.members.iter().find(|m| m.identifier == owner).expect("owner").reference(),
                    "priority": rec!({"id": 3, "name": "Priority 3 - Normal Response", "sort": 3}),
                    "budgetHours": 8.0,
                    "actualHours": 0.0,
                    "resources": &owner,
                    "closedFlag": done,
                    "_info": info(entered, "SMartinez", if done { t_end } else { entered }, "SMartinez"),
                });
                // The task's description is its first note, as on every ticket.
                let note = rec!({
                    "id": ticket_id,
                    "ticketId": ticket_id,
                    "text": format!("{task} for the {title} project at {}.", c.name),
                    "detailDescriptionFlag": true,
                    "internalAnalysisFlag": false,
                    "resolutionFlag": false,
                    "issueFlag": false,
                    "member": g.members[pm].reference(),
                    "_info": info(entered, "SMartinez", entered, "SMartinez"),
                });
                g.out
                    .insert(format!("/project/tickets/{ticket_id}/notes"), vec![note]);
                if done {
                    v["closedDate"] = json!(ts(t_end));
                    v["closedBy"] = json!(owner);
                }
                g.project_ticket_values.push(v);
                g.project_tickets.push(Ticket {
                    id: ticket_id,
                    summary: task.to_string(),
                    company: ci,
                    owner: g.members.iter().position(|m| m.identifier == owner),
                    entered: p_start,
                    closed: done.then_some(t_end),
                    scheduled: !done && p_start < NOW + 14 * DAY,
                    project: Some((g.projects.len(), phase_id, phase_name.to_string())),
                });
            }
        }
        let mut v = rec!({
            "id": id,
            "name": &name,
            "description": format!("{title} for {}: {} phases, {} tasks.", c.name, phases.len(), total_tasks),
            "board": &board_ref,
            "status": if closed { named(3, "Closed") } else if start < NOW { named(2, "In Progress") } else { named(1, "Open") },
            "closedFlag": closed,
            "type": named(type_id, kind),
            "company": c.reference(),
            "contact": contact.reference(),
            "site": c.sites[0].reference(),
            "billToCompany": c.reference(),
            "manager": g.members[pm].reference(),
            "billingMethod": "FixedFee",
            "billingAmount": budget * 165.0,
            "billingRateType": "WorkRole",
            "billTime": "Billable",
            "billExpenses": "Billable",
            "billProducts": "Billable",
            "budgetFlag": true,
            "budgetAnalysis": "ActualHours",
            "budgetHours": budget,
            "estimatedHours": budget,
            "actualHours": 0.0,
            "percentComplete": (100.0 * done_tasks as f64 / total_tasks as f64).round(),
            "estimatedStart": ts(start),
            "estimatedEnd": ts(end),
            "scheduledStart": ts(start),
            "scheduledEnd": ts(end),
            "includeDependenciesFlag": false,
            "includeEstimatesFlag": false,
            "restrictDownPaymentFlag": false,
            "billUnapprovedTimeAndExpense": false,
            "billProjectAfterClosedFlag": false,
            "doNotDisplayInPortalFlag": false,
            "_info": info(start - 7 * DAY, "SMartinez", (if closed { end } else { start }).min(NOW), "SMartinez"),
        });
        if start < NOW {
            v["actualStart"] = json!(ts(start));
        }
        if closed {
            v["actualEnd"] = json!(ts(end));
        }
        if let Some(o) = opportunity {
            v["opportunity"] = named(g.opportunities[o].0, &g.opportunities[o].1);
        }
        if let Some(a) = c.agreement {
            v["agreement"] = g.agreements[a].reference();
        }
        g.project_values.push(v);
        g.projects.push(Project { id, name });
    }
}
