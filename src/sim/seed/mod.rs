//! Deterministic seed data for the simulated ConnectWise tenant.
//!
//! [`generate`] builds a coherent small MSP ("Bluebird Technology Partners", company 1) and
//! its customers: companies with sites, contacts with communication items, managed
//! configurations, service boards with statuses, types and teams, priorities, members,
//! service tickets with notes, time entries, agreements with additions, opportunities,
//! projects with phases and project tickets, activities, schedule entries and invoices,
//! timesheets, expenses, ticket tasks, knowledge-base articles, opportunity notes and
//! forecasts, the setup lists and product catalog, and the reference records they point
//! to (SLA, currency, locations, custom field definitions).
//!
//! Records are stored in their *stored form*: what is distinctive about each one. What
//! every record of a kind shares, what follows from other fields, and every link are
//! added when a record is served ([`crate::sim::shape`]), which keeps the Large tenant's
//! memory in line although its records are served at real size.
//!
//! Every collection is keyed by the concrete path the API serves it at, relative to
//! `/v4_6_release/apis/3.0` (`/service/tickets`, `/service/tickets/17/notes`, ...), and its
//! records use the property names of the schema the spec says that path returns.
//! The same seed and size always give byte-identical data; nothing depends on the clock
//! (the tenant's "now" is [`time::NOW`], 2026-11-20T17:00:00Z).

mod company;
mod configuration;
mod desk;
mod finance;
pub mod hostile;
mod lists;
mod names;
mod project;
pub(crate) mod reference_data;
mod rng;
mod sales;
mod service;
mod setup;
mod texts;
mod time;
mod timesheet;
mod world;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use serde_json::Value;

use rng::Rng;
use world::{Agreement, Board, Company, Contact, Member, Project, Ticket};

/// How big a tenant to generate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// About 25 companies and 200 tickets: tests, `--demo`, the README tour.
    Small,
    /// 1,000 companies and 100,000 tickets: benchmarks.
    Large,
}

/// The tenant's records, by concrete collection path.
pub struct SeedData {
    pub collections: BTreeMap<String, Vec<serde_json::Value>>,
}

/// The simulated tenant's "now", as the API writes timestamps.
pub fn now() -> String {
    time::ts(time::NOW)
}

/// Generate the tenant for `seed`; the same arguments always give the same data.
pub fn generate(seed: u64, size: Size) -> SeedData {
    let mut g = Gen::new(seed, size);
    setup::generate(&mut g);
    reference_data::generate(&mut g);
    company::generate(&mut g);
    finance::agreements(&mut g);
    sales::opportunities(&mut g);
    project::generate(&mut g);
    service::generate(&mut g);
    timesheet::generate(&mut g);
    sales::activities(&mut g);
    timesheet::schedule(&mut g);
    finance::invoices(&mut g);
    desk::generate(&mut g);
    lists::generate(&mut g);
    reference_data::lookups(&mut g);
    hostile::generate(&mut g);
    SeedData { collections: g.out }
}

/// How many records of each kind a size calls for.
pub(crate) struct Counts {
    pub companies: usize,
    pub contacts: usize,
    pub configurations: usize,
    pub tickets: usize,
    /// Only the first this-many tickets get notes.
    pub tickets_with_notes: usize,
    pub time_entries: usize,
    pub opportunities: usize,
    pub projects: usize,
    pub activities: usize,
}

impl Counts {
    fn of(size: Size) -> Self {
        match size {
            Size::Small => Counts {
                companies: 25,
                contacts: 80,
                configurations: 40,
                tickets: 200,
                tickets_with_notes: 200,
                time_entries: 300,
                opportunities: 15,
                projects: 5,
                activities: 30,
            },
            Size::Large => Counts {
                companies: 1_000,
                contacts: 3_200,
                configurations: 4_000,
                tickets: 100_000,
                tickets_with_notes: 1_000,
                time_entries: 50_000,
                opportunities: 600,
                projects: 150,
                activities: 1_500,
            },
        }
    }
}

/// Generator state: the PRNG, the output, and what later steps need to reference.
pub(crate) struct Gen {
    pub rng: Rng,
    pub n: Counts,
    pub out: BTreeMap<String, Vec<Value>>,
    pub members: Vec<Member>,
    pub boards: Vec<Board>,
    /// (id, name, sort)
    pub priorities: Vec<(i64, &'static str, i64)>,
    /// Index 0 is the MSP itself; customers follow.
    pub companies: Vec<Company>,
    pub contacts: Vec<Contact>,
    pub agreements: Vec<Agreement>,
    /// (id, name, company index, won)
    pub opportunities: Vec<(i64, String, usize, bool)>,
    pub projects: Vec<Project>,
    pub project_values: Vec<Value>,
    pub project_tickets: Vec<Ticket>,
    pub project_ticket_values: Vec<Value>,
    pub tickets: Vec<Ticket>,
    pub ticket_values: Vec<Value>,
    /// Billable hours by (company index, month start) for time-and-materials invoices.
    pub billable: BTreeMap<(usize, i64), f64>,
}

impl Gen {
    fn new(seed: u64, size: Size) -> Self {
        Gen {
            rng: Rng::new(seed),
            n: Counts::of(size),
            out: BTreeMap::new(),
            members: Vec::new(),
            boards: Vec::new(),
            priorities: Vec::new(),
            companies: Vec::new(),
            contacts: Vec::new(),
            agreements: Vec::new(),
            opportunities: Vec::new(),
            projects: Vec::new(),
            project_values: Vec::new(),
            project_tickets: Vec::new(),
            project_ticket_values: Vec::new(),
            tickets: Vec::new(),
            ticket_values: Vec::new(),
            billable: BTreeMap::new(),
        }
    }

    /// Store a whole top-level collection.
    pub fn put(&mut self, path: &str, records: Vec<Value>) {
        self.out.insert(path.to_string(), records);
    }

    /// Indices of members who work tickets (not the API member, not sales).
    pub fn technicians(&self) -> Vec<usize> {
        (0..self.members.len())
            .filter(|&i| {
                let t = self.members[i].title;
                t.contains("Technician") || t.contains("Engineer")
            })
            .collect()
    }

    pub fn member_titled(&self, title: &str) -> usize {
        self.members
            .iter()
            .position(|m| m.title == title)
            .expect("member with title")
    }
}
