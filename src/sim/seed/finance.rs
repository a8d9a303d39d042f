//! Managed-services agreements with their additions, and invoices.

use serde_json::{Value, json};

use super::Gen;
use super::reference_data as data;
use super::time::{DAY, HOUR, NOW, date, ts};
use super::world::{Agreement, cents, info, named, rec};
use crate::sim::shape::custom_fields::id as field;

/// (identifier, description, unit price, unit cost)
pub(super) const PRODUCTS: &[(&str, &str, f64, f64)] = &[
    ("MS-WKS", "Managed Workstation", 75.0, 22.0),
    ("MS-SRV", "Managed Server", 250.0, 60.0),
    ("MS-FW", "Firewall Management", 95.0, 20.0),
    ("M365-BP", "Microsoft 365 Business Premium", 22.0, 18.5),
    ("BDR-1TB", "Cloud Backup - 1 TB", 120.0, 45.0),
    ("SEC-EDR", "Endpoint Detection & Response", 6.5, 3.2),
];

const TIERS: &[&str] = &["Essentials", "Gold", "Platinum"];
/// Hourly rate billed for time outside an agreement.
pub(crate) const HOURLY_RATE: f64 = 150.0;

pub(super) fn agreements(g: &mut Gen) {
    let mut records = Vec::new();
    for ci in 1..g.companies.len() {
        if ci != 1 && !g.rng.chance(0.7) {
            continue;
        }
        let id = g.agreements.len() as i64 + 1;
        let tier = if ci == 1 { 1 } else { g.rng.index(TIERS.len()) };
        let name = format!("Managed Services - {}", TIERS[tier]);
        let start = date(2022 + g.rng.range(0, 4), 1 + g.rng.range(0, 12), 1);
        let c = &g.companies[ci];
        let contacts = c.contacts.len() as f64;
        let wanted: [f64; 6] = [
            (c.workstations as f64).max(5.0 + contacts * 2.0),
            c.servers.len() as f64,
            c.firewalls.len() as f64,
            contacts * 3.0 + 2.0,
            if tier >= 1 {
                1.0 + c.servers.len() as f64
            } else {
                0.0
            },
            if tier == 2 {
                (c.workstations as f64).max(5.0 + contacts * 2.0)
            } else {
                0.0
            },
        ];
        let mut additions = Vec::new();
        let mut monthly = 0.0;
        let last = wanted.iter().rposition(|&q| q > 0.0);
        for (p, &qty) in wanted.iter().enumerate() {
            if qty <= 0.0 {
                continue;
            }
            let (identifier, description, price, cost) = PRODUCTS[p];
            let (ext_price, ext_cost) = (cents(qty * price), cents(qty * cost));
            // Every third agreement dropped its last service six weeks ago:
            // the addition stays on the agreement, cancelled, and bills no more.
            let cancelled = id % 3 == 0 && Some(p) == last && !additions.is_empty();
            if !cancelled {
                monthly += ext_price;
            }
            additions.push(rec!({
                "id": id * 10 + p as i64,
                "product": rec!({"id": p + 1, "identifier": identifier}),
                "description": description,
                "invoiceDescription": description,
                "quantity": qty,
                "lessIncluded": 0.0,
                "unitPrice": price,
                "unitCost": cost,
                "extPrice": ext_price,
                "extCost": ext_cost,
                "margin": cents(ext_price - ext_cost),
                "billCustomer": "Billable",
                "effectiveDate": ts(start),
                "taxableFlag": false,
                "purchaseItemFlag": false,
                "specialOrderFlag": false,
                "agreementId": id,
                "uom": "Each",
                "sequenceNumber": (additions.len() + 1) as f64,
                "agreementStatus": "Active",
                "_info": info(start - 5 * DAY, "BCarter", start - 5 * DAY + 2 * HOUR, "BCarter"),
            }));
            if cancelled {
                let at = NOW - 45 * DAY;
                if let Some(a) = additions.last_mut() {
                    a["cancelledDate"] = json!(ts(at));
                    a["_info"] = info(start - 5 * DAY, "BCarter", at, "BCarter");
                }
            }
        }
        let contact = c.contacts.first().map(|&k| g.contacts[k].reference());
        records.push(rec!({
            "id": id,
            "name": &name,
            "type": named(1, "Managed Services"),
            "company": c.reference(),
            "contact": contact.clone(),
            "site": c.sites[0].reference(),
            "billToCompany": c.reference(),
            "billToContact": contact,
            "billToSite": c.sites[0].reference(),
            "startDate": ts(start),
            "noEndingDateFlag": true,
            "cancelledFlag": false,
            "sla": named(1, "Standard SLA"),
            "applicationUnits": "Amount",
            "applicationUnlimitedFlag": true,
            "applicationCycle": "CalendarMonth",
            "oneTimeFlag": false,
            "coverAgreementTime": true,
            "coverAgreementProduct": false,
            "coverAgreementExpense": false,
            "coverSalesTax": false,
            "carryOverUnused": false,
            "allowOverruns": false,
            "billingCycle": data::billing_cycle(1),
            "billingTerms": named(1, "Net 30 days"),
            "invoicingCycle": "CalendarYear",
            "billAmount": cents(monthly),
            "taxable": false,
            "billTime": "NoCharge",
            "billExpenses": "Billable",
            "billProducts": "Billable",
            "periodType": "Current",
            "autoInvoiceFlag": true,
            "nextInvoiceDate": ts(date(2026, 12, 1)),
            "agreementStatus": "Active",
            "workRole": named(1, "Help Desk Technician"),
            "workType": named(1, "Remote Support"),
            "_info": info(start - 5 * DAY, "BCarter", start - 5 * DAY + 2 * HOUR, "BCarter"),
        }));
        g.put(&format!("/finance/agreements/{id}/additions"), additions);
        renews(g, ci, start);
        g.companies[ci].agreement = Some(g.agreements.len());
        g.agreements.push(Agreement {
            id,
            name,
            kind: "Managed Services",
            company: ci,
            monthly: cents(monthly),
        });
    }
    side_agreements(g, &mut records);
    g.put("/finance/agreements", records);
}

/// Agreements beside a company's managed-services one, chosen by company so
/// the rest of the tenant is unchanged: security awareness training billed
/// yearly, cloud backup billed quarterly, and the managed-services agreement
/// some customers had before, cancelled. (Not in `g.agreements`: tickets,
/// time and the monthly invoices go to the main agreement.)
fn side_agreements(g: &mut Gen, records: &mut Vec<Value>) {
    // (company filter, name, billing cycle, product: identifier, description, price per cycle, cost)
    type Side = (
        fn(usize) -> bool,
        &'static str,
        i64,
        (&'static str, &'static str, f64, f64),
    );
    const SIDES: &[Side] = &[
        (
            |ci| ci % 4 == 2,
            "Security Awareness Training - Annual",
            4,
            (
                "SEC-AWR",
                "Security Awareness Training (per user, yearly)",
                48.0,
                18.0,
            ),
        ),
        (
            |ci| ci % 4 == 3,
            "Cloud Backup - Quarterly",
            2,
            ("BDR-2TB", "Cloud Backup - 2 TB (quarterly)", 330.0, 120.0),
        ),
        (
            |ci| ci % 5 == 3,
            "Managed Services - Essentials (2022)",
            1,
            ("MS-WKS", "Managed Workstation", 65.0, 22.0),
        ),
    ];
    for ci in 1..g.companies.len() {
        if g.companies[ci].agreement.is_none() {
            continue;
        }
        for &(applies, name, cycle, (identifier, description, price, cost)) in SIDES {
            if !applies(ci) {
                continue;
            }
            let id = records.len() as i64 + 1;
            let c = &g.companies[ci];
            let cancelled = name.ends_with("(2022)");
            let start = date(2022, 1 + (ci as i64 % 12), 1);
            let qty = if identifier == "BDR-2TB" {
                1.0
            } else {
                (c.workstations as f64).max(5.0)
            };
            let (ext_price, ext_cost) = (cents(qty * price), cents(qty * cost));
            let contact = c.contacts.first().map(|&k| g.contacts[k].reference());
            let mut addition = rec!({
                "id": id * 10 + 9,
                "product": rec!({"id": 7 + (ci % 2) as i64, "identifier": identifier}),
                "description": description,
                "invoiceDescription": description,
                "quantity": qty,
                "lessIncluded": 0.0,
                "unitPrice": price,
                "unitCost": cost,
                "extPrice": ext_price,
                "extCost": ext_cost,
                "margin": cents(ext_price - ext_cost),
                "billCustomer": "Billable",
                "effectiveDate": ts(start),
                "taxableFlag": false,
                "purchaseItemFlag": false,
                "specialOrderFlag": false,
                "agreementId": id,
                "uom": "Each",
                "sequenceNumber": 1.0,
                "agreementStatus": if cancelled { "Cancelled" } else { "Active" },
                "_info": info(start - 5 * DAY, "BCarter", start - 5 * DAY + 2 * HOUR, "BCarter"),
            });
            let mut agreement = rec!({
                "id": id,
                "name": name,
                "type": named(1, "Managed Services"),
                "company": c.reference(),
                "contact": contact.clone(),
                "site": c.sites[0].reference(),
                "billToCompany": c.reference(),
                "billToContact": contact,
                "billToSite": c.sites[0].reference(),
                "startDate": ts(start),
                "noEndingDateFlag": !cancelled,
                "cancelledFlag": cancelled,
                "sla": named(1, "Standard SLA"),
                "applicationUnits": "Amount",
                "applicationUnlimitedFlag": true,
                "applicationCycle": "CalendarMonth",
                "oneTimeFlag": false,
                "coverAgreementTime": false,
                "coverAgreementProduct": false,
                "coverAgreementExpense": false,
                "coverSalesTax": false,
                "carryOverUnused": false,
                "allowOverruns": false,
                "billingCycle": data::billing_cycle(cycle),
                "billingTerms": named(1, "Net 30 days"),
                "invoicingCycle": "CalendarYear",
                "billAmount": ext_price,
                "taxable": false,
                "billTime": "NoCharge",
                "billExpenses": "Billable",
                "billProducts": "Billable",
                "periodType": "Current",
                "autoInvoiceFlag": true,
                "agreementStatus": if cancelled { "Cancelled" } else { "Active" },
                "_info": info(start - 5 * DAY, "BCarter", start - 5 * DAY + 2 * HOUR, "BCarter"),
            });
            if cancelled {
                let end = date(2025, 1 + (ci as i64 % 12), 1) - DAY;
                agreement["endDate"] = json!(ts(end));
                agreement["dateCancelled"] = json!(ts(end));
                addition["cancelledDate"] = json!(ts(end));
            }
            records.push(agreement);
            g.put(&format!("/finance/agreements/{id}/additions"), vec![addition]);
        }
    }
}

/// Records the agreement's next renewal (an anniversary of its start) in the
/// company's "Contract Renewal" custom field.
fn renews(g: &mut Gen, ci: usize, start: i64) {
    let (y, m, d) = super::time::civil_from_days(start.div_euclid(DAY));
    let renewal = (y..)
        .map(|year| date(year, m, d))
        .find(|&at| at > NOW)
        .unwrap_or(NOW);
    let company = g
        .out
        .get_mut("/company/companies")
        .and_then(|records| records.get_mut(ci))
        .and_then(|c| c.get_mut("customFields"))
        .and_then(Value::as_array_mut);
    if let Some(fields) = company {
        fields.push(json!({"id": field::CONTRACT_RENEWAL, "value": ts(renewal)}));
        fields.sort_by_key(|f| f["id"].as_i64());
    }
}

/// Invoices: every agreement bills on the first of each month; customers without an
/// agreement get a time-and-materials invoice for each finished month they had billable time.
pub(super) fn invoices(g: &mut Gen) {
    let months = [date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)];
    let mut records = Vec::new();
    for &month in &months {
        for a in 0..g.agreements.len() {
            let (company, amount) = (g.agreements[a].company, g.agreements[a].monthly);
            let mut v = invoice(
                g,
                records.len() as i64 + 1,
                company,
                month,
                "Agreement",
                amount,
                0.0,
            );
            v["applyToType"] = json!("Agreement");
            v["applyToId"] = json!(g.agreements[a].id);
            v["agreement"] = g.agreements[a].reference();
            records.push(v);
        }
        let next = months
            .iter()
            .find(|&&m| m > month)
            .copied()
            .unwrap_or(date(2026, 12, 1));
        if next > NOW {
            continue;
        }
        let billable: Vec<(usize, f64)> = g
            .billable
            .iter()
            .filter(|((_, m), _)| *m == month)
            .map(|((c, _), h)| (*c, *h))
            .collect();
        for (company, hours) in billable {
            let id = records.len() as i64 + 1;
            let mut v = invoice(g, id, company, next, "Standard", 0.0, cents(hours * HOURLY_RATE));
            v["applyToType"] = json!("All");
            v["topComment"] = json!(format!("Time and materials for {}", &ts(month)[..7]));
            records.push(v);
        }
    }
    g.put("/finance/invoices", records);
}

fn invoice(g: &mut Gen, id: i64, ci: usize, day: i64, kind: &str, agreement: f64, service: f64) -> Value {
    let c = &g.companies[ci];
    let site = &c.sites[0];
    let total = cents(agreement + service);
    let due = day + 30 * DAY;
    let paid = due < NOW - 10 * DAY || (due < NOW && g.rng.chance(0.8));
    // A few customers pay late: every sixth invoice is still open.
    let paid = paid && id % 6 != 0;
    let issued = day + 9 * HOUR;
    let attention = c.contacts.first().map(|&k| g.contacts[k].name());
    rec!({
        "id": id,
        "invoiceNumber": format!("{}", 26000 + id),
        "type": kind,
        "status": if paid { named(3, "Paid") } else { named(2, "Sent") },
        "company": c.reference(),
        "billToCompany": c.reference(),
        "shipToCompany": c.reference(),
        "accountNumber": format!("C-{:05}", 1000 + c.id),
        "attention": attention,
        "billingSite": site.reference(),
        "billingSiteAddressLine1": &site.address,
        "billingSiteCity": site.city,
        "billingSiteState": site.state,
        "billingSiteZip": &site.zip,
        "billingSiteCountry": "United States",
        "billingTerms": named(1, "Net 30 days"),
        "date": ts(day),
        "dueDate": ts(due),
        "taxableFlag": false,
        "addToBatchEmailList": true,
        "restrictDownpaymentFlag": false,
        "locationId": 1,
        "departmentId": 1,
        "territoryId": 1,
        "serviceTotal": service,
        "productTotal": 0.0,
        "expenseTotal": 0.0,
        "agreementAmount": agreement,
        "subtotal": total,
        "salesTax": 0.0,
        "total": total,
        "payments": if paid { total } else { 0.0 },
        "credits": 0.0,
        "balance": if paid { 0.0 } else { total },
        "specialInvoiceFlag": false,
        "_info": info(issued.min(NOW), "LHall", (if paid { due } else { issued }).min(NOW), "LHall"),
    })
}
