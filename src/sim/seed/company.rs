//! Companies (the MSP and its customers) with sites, and contacts with communication items.

use std::collections::HashSet;

use serde_json::{Value, json};

use super::names::{self, CITIES, CONTACT_TITLES, FIRST_NAMES, LAST_NAMES, STREET_KINDS, STREETS};
use super::time::{DAY, HOUR, START, date, ts};
use super::world::{Company, Contact, Site, info, named, rec};
use super::{Gen, configuration};
use crate::sim::shape::custom_fields::{BACKUP_PROVIDERS, id as field};

/// The MSP itself: company 1, (name, identifier).
pub(crate) const MSP: (&str, &str) = ("Bluebird Technology Partners", "Bluebird");
/// The README tour's customer: company 2.
pub(crate) const ACME: (&str, &str) = ("Acme Dental Group", "ACME");

pub(crate) fn us() -> Value {
    rec!({"id": 1, "identifier": "US", "name": "United States"})
}

pub(super) fn generate(g: &mut Gen) {
    let names = company_names(g);
    let per_company = contacts_per_company(g);
    let mut domains = HashSet::new();
    let mut identifiers = HashSet::new();
    let mut companies = Vec::with_capacity(names.len());
    let mut site_id = 0;
    for (ci, name) in names.iter().enumerate() {
        let id = ci as i64 + 1;
        let identifier = match ci {
            0 => MSP.1.to_string(),
            1 => ACME.1.to_string(),
            _ => unique(names::identifier_of(name), &mut identifiers, 25),
        };
        identifiers.insert(identifier.clone());
        let domain = domain_of(name, &mut domains);
        let acquired = if ci == 0 {
            date(2012, 3, 1)
        } else {
            START - g.rng.range(30, 12 * 365) * DAY + g.rng.range(14, 23) * HOUR
        };
        let mut company = Company {
            id,
            identifier,
            name: name.clone(),
            domain,
            prefix: name
                .split_whitespace()
                .next()
                .unwrap_or("HOST")
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .take(8)
                .collect::<String>()
                .to_uppercase(),
            sites: Vec::new(),
            contacts: Vec::new(),
            servers: Vec::new(),
            firewalls: Vec::new(),
            workstations: 0,
            agreement: None,
        };
        let site_count = if ci == 0 {
            1
        } else {
            1 + g.rng.chance(0.3) as usize + g.rng.chance(0.1) as usize
        };
        let home = if ci == 0 { 0 } else { g.rng.index(CITIES.len()) };
        for s in 0..site_count {
            site_id += 1;
            let city = if s == 0 { home } else { g.rng.index(CITIES.len()) };
            let site_name = match s {
                0 => "Main".to_string(),
                1 => format!("{} Office", CITIES[city].0),
                _ => "Warehouse".to_string(),
            };
            company.sites.push(site(g, site_id, site_name, city));
        }
        let sites: Vec<Value> = (0..site_count)
            .map(|s| site_record(g, &company, s, acquired))
            .collect();
        g.put(&format!("/company/companies/{id}/sites"), sites);
        for k in 0..per_company[ci] {
            let contact = new_contact(g, &company, ci, k);
            company.contacts.push(g.contacts.len());
            g.contacts.push(contact);
        }
        companies.push(company_record(g, &company, ci, acquired));
        g.companies.push(company);
    }
    g.put("/company/companies", companies);
    contact_records(g);
    configuration::generate(g);
}

fn company_names(g: &mut Gen) -> Vec<String> {
    let mut names = vec![MSP.0.to_string()];
    names.extend(names::CUSTOMERS.iter().map(|s| s.to_string()));
    names.truncate(g.n.companies);
    let taken: HashSet<String> = names.iter().cloned().collect();
    let mut combos: Vec<String> = names::PREFIXES
        .iter()
        .flat_map(|p| names::INDUSTRIES.iter().map(move |i| format!("{p} {i}")))
        .filter(|n| !taken.contains(n))
        .collect();
    // Fisher-Yates, so large tenants get a varied mix rather than every "Alder ..." first.
    for i in (1..combos.len()).rev() {
        let j = g.rng.index(i + 1);
        combos.swap(i, j);
    }
    let missing = g.n.companies.saturating_sub(names.len());
    names.extend(combos.into_iter().take(missing));
    names
}

fn contacts_per_company(g: &mut Gen) -> Vec<usize> {
    let customers = g.n.companies - 1;
    let base = (g.n.contacts / customers).clamp(1, 2);
    let mut per = vec![base; g.n.companies];
    per[0] = 0;
    per[1] += 3;
    let assigned: usize = per.iter().sum();
    for _ in assigned..g.n.contacts {
        per[1 + g.rng.skewed(customers)] += 1;
    }
    per
}

fn unique(base: String, taken: &mut HashSet<String>, max: usize) -> String {
    if !taken.contains(&base) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = n.to_string();
            let keep = base.len().min(max - suffix.len());
            format!("{}{suffix}", &base[..keep])
        })
        .find(|c| !taken.contains(c))
        .expect("a free identifier")
}

/// `"Acme Dental Group"` → `"acmedental.com"`.
fn domain_of(name: &str, taken: &mut HashSet<String>) -> String {
    let words: Vec<String> = name
        .split_whitespace()
        .map(names::mail_part)
        .filter(|w| !w.is_empty())
        .collect();
    let short = words.iter().take(2).cloned().collect::<String>();
    let base = if taken.contains(&short) {
        words.concat()
    } else {
        short
    };
    let d = unique(base, taken, 60);
    taken.insert(d.clone());
    format!("{d}.com")
}

fn site(g: &mut Gen, id: i64, name: String, city: usize) -> Site {
    let (city, state, _, zip3, _) = CITIES[city];
    Site {
        id,
        name,
        address: format!(
            "{} {} {}",
            g.rng.range(100, 9900),
            g.rng.pick(STREETS),
            g.rng.pick(STREET_KINDS)
        ),
        city,
        state,
        zip: format!("{zip3}{:02}", g.rng.range(1, 99)),
    }
}

fn phone_for(g: &mut Gen, city: &str) -> String {
    let area = CITIES.iter().find(|c| c.0 == city).map_or("206", |c| c.4);
    format!("{area}555{:04}", g.rng.range(100, 9999))
}

fn site_record(g: &mut Gen, company: &Company, s: usize, acquired: i64) -> Value {
    let site = &company.sites[s];
    let state = CITIES.iter().find(|c| c.0 == site.city).expect("city");
    let phone = phone_for(g, site.city);
    rec!({
        "id": site.id,
        "name": &site.name,
        "addressLine1": &site.address,
        "city": site.city,
        "stateReference": rec!({"id": 1 + CITIES.iter().position(|c| c.1 == state.1).unwrap_or(0), "identifier": state.1, "name": state.2}),
        "zip": &site.zip,
        "country": us(),
        "phoneNumber": phone,
        "primaryAddressFlag": s == 0,
        "defaultShippingFlag": s == 0,
        "defaultBillingFlag": s == 0,
        "defaultMailingFlag": s == 0,
        "inactiveFlag": false,
        "billSeparateFlag": false,
        "company": company.reference(),
        "_info": info(acquired, "LHall", acquired + s as i64 * DAY, "LHall"),
    })
}

fn company_record(g: &mut Gen, c: &Company, ci: usize, acquired: i64) -> Value {
    let main = &c.sites[0];
    let employees = if ci == 0 { 24 } else { g.rng.range(8, 250) };
    let mut v = rec!({
        "id": c.id,
        "identifier": &c.identifier,
        "name": &c.name,
        "status": named(1, "Active"),
        "types": vec![if ci == 0 { named(5, "Owner") } else { named(1, "Client") }],
        "addressLine1": &main.address,
        "city": main.city,
        "state": main.state,
        "zip": &main.zip,
        "country": us(),
        "phoneNumber": phone_for(g, main.city),
        "website": format!("www.{}", c.domain),
        "site": main.reference(),
        "territory": super::reference_data::system_location(),
        "market": named(1, "Professional Services"),
        "accountNumber": format!("C-{:05}", 1000 + c.id),
        "dateAcquired": ts(acquired),
        "numberOfEmployees": employees,
        "annualRevenue": (employees * 140_000) as f64,
        "billingTerms": named(1, "Net 30 days"),
        "leadFlag": false,
        "unsubscribeFlag": false,
        "deletedFlag": false,
        "isVendorFlag": false,
        "_info": info(acquired, "LHall", acquired + 30 * DAY, "BCarter"),
    });
    if let Some(&first) = c.contacts.first() {
        v["defaultContact"] = g.contacts[first].reference();
        v["billingContact"] = g.contacts[first].reference();
    }
    if ci > 0 {
        // The renewal date follows once the agreement exists (finance).
        let provider = *g.rng.pick(BACKUP_PROVIDERS);
        v["customFields"] = json!([
            {"id": field::BACKUP_PROVIDER, "value": provider},
            {"id": field::SEATS_COVERED, "value": c.contacts.len() * 2 + 3},
            {"id": field::LINK, "value": format!("https://bluebird.itglue.com/{}", 2_400_000 + c.id * 13)},
        ]);
    }
    v
}

fn new_contact(g: &mut Gen, company: &Company, ci: usize, k: usize) -> Contact {
    let mut names: (&str, &str) = (*g.rng.pick(FIRST_NAMES), *g.rng.pick(LAST_NAMES));
    for _ in 0..8 {
        let clash = company
            .contacts
            .iter()
            .any(|&i| g.contacts[i].first == names.0 && g.contacts[i].last == names.1);
        if !clash {
            break;
        }
        names = (*g.rng.pick(FIRST_NAMES), *g.rng.pick(LAST_NAMES));
    }
    let site = if k == 0 {
        0
    } else {
        g.rng.index(company.sites.len())
    };
    let mut email = format!(
        "{}.{}@{}",
        names::mail_part(names.0),
        names::mail_part(names.1),
        company.domain
    );
    if company.contacts.iter().any(|&i| g.contacts[i].email == email) {
        email = format!("{}{}@{}", names::mail_part(names.0), k, company.domain);
    }
    let phone = phone_for(g, company.sites[site].city);
    Contact {
        id: g.contacts.len() as i64 + 1,
        company: ci,
        site,
        first: names.0,
        last: names.1,
        email,
        phone,
    }
}

fn contact_records(g: &mut Gen) {
    let mut records = Vec::with_capacity(g.contacts.len());
    let mut comm_id = 0;
    for i in 0..g.contacts.len() {
        let c = &g.contacts[i];
        let company = &g.companies[c.company];
        let site = &company.sites[c.site];
        let first_in_company = company.contacts.first() == Some(&i);
        let entered = START - g.rng.range(20, 900) * DAY + 15 * HOUR;
        let mut items = vec![
            (named(1, "Email"), c.email.clone(), "Email", None),
            (
                named(2, "Direct"),
                c.phone.clone(),
                "Phone",
                (g.rng.chance(0.4)).then(|| g.rng.range(100, 400).to_string()),
            ),
        ];
        if g.rng.chance(0.5) {
            let city = site.city;
            items.push((named(4, "Cell"), phone_for(g, city), "Phone", None));
        }
        let c = &g.contacts[i];
        let company = &g.companies[c.company];
        let site = &company.sites[c.site];
        let mut inline = Vec::new();
        let mut children = Vec::new();
        for (k, (kind, value, comm_type, ext)) in items.iter().enumerate() {
            comm_id += 1;
            let default = k < 2;
            let mut item = rec!({"id": comm_id, "type": kind, "value": value, "defaultFlag": default, "communicationType": comm_type});
            if let Some(ext) = ext {
                item["extension"] = json!(ext);
            }
            if *comm_type == "Email" {
                item["domain"] = json!(format!("@{}", company.domain));
            }
            let mut child = item.clone();
            child["contactId"] = json!(c.id);
            child["_info"] = info(entered, "LHall", entered, "LHall");
            inline.push(item);
            children.push(child);
        }
        let ext = items[1].3.clone();
        let mut v = rec!({
            "id": c.id,
            "firstName": c.first,
            "lastName": c.last,
            "company": company.reference(),
            "site": site.reference(),
            "addressLine1": &site.address,
            "city": site.city,
            "state": site.state,
            "zip": &site.zip,
            "country": us(),
            "title": CONTACT_TITLES[(c.id as usize * 7 + c.first.len()) % CONTACT_TITLES.len()],
            "inactiveFlag": false,
            "defaultPhoneType": "Direct",
            "defaultPhoneNbr": &c.phone,
            "defaultFlag": first_in_company,
            "defaultBillingFlag": first_in_company,
            "disablePortalLoginFlag": false,
            "unsubscribeFlag": false,
            "types": vec![if first_in_company { named(2, "Approver") } else { named(1, "End User") }],
            "communicationItems": inline,
            "_info": info(entered, "LHall", entered + 7 * DAY, "AJones"),
        });
        if let Some(ext) = ext {
            v["defaultPhoneExtension"] = json!(ext);
        }
        let id = c.id;
        records.push(v);
        g.put(&format!("/company/contacts/{id}/communications"), children);
    }
    g.put("/company/contacts", records);
}
