//! Setup lists a tenant keeps whole, beyond what the seed's records point
//! at: company types and statuses, contact types, billing cycles, schedule
//! types, sales stages, and the product catalog. Each list holds the
//! records the seed refers to (same id, same name) and the others a real
//! tenant has beside them, so a model choosing one sees a realistic choice.
//! Generated before [`super::reference_data::lookups`], which leaves lists
//! made here alone.

use serde_json::Value;

use super::Gen;
use super::finance::PRODUCTS;
use super::sales::STAGES;
use super::time::date;
use super::world::{info, named, rec};

/// When the MSP set up its tenant.
fn setup() -> i64 {
    date(2023, 1, 9) + 16 * 3600
}

const SETUP_BY: &str = "LHall";

/// (id, name, vendor): ids 1 (Client) and 5 (Owner) are the ones the
/// seed's companies carry.
const COMPANY_TYPES: &[(i64, &str, bool)] = &[
    (1, "Client", false),
    (2, "Prospect", false),
    (3, "Vendor", true),
    (4, "Partner", false),
    (5, "Owner", false),
];

/// (id, name, inactive): the seed's companies are 1 (Active).
const COMPANY_STATUSES: &[(i64, &str, bool)] = &[
    (1, "Active", false),
    (2, "Inactive", true),
    (3, "Credit Hold", false),
    (4, "Not Approved", false),
];

/// The seed's contacts are 1 (End User) and 2 (Approver).
const CONTACT_TYPES: &[(i64, &str)] = &[
    (1, "End User"),
    (2, "Approver"),
    (3, "Billing"),
    (4, "Decision Maker"),
    (5, "Technical Contact"),
];

/// (id, name, identifier): the seed's entries are 4 (S, a service ticket);
/// 1 (C, Sales) and 4 are as real tenants answer.
const SCHEDULE_TYPES: &[(i64, &str, &str)] = &[
    (1, "Sales", "C"),
    (2, "Project", "P"),
    (3, "Miscellaneous", "M"),
    (4, "Service", "S"),
    (5, "Time Off", "O"),
];

/// (category, extra products: identifier, description, price, cost)
const MORE_PRODUCTS: &[(&str, &str, f64, f64)] = &[
    ("FG-60F", "Fortinet FortiGate 60F Firewall", 695.0, 520.0),
    ("UBQ-U6-PRO", "Ubiquiti UniFi U6 Pro Access Point", 189.0, 149.0),
    ("DELL-LAT-5450", "Dell Latitude 5450 Laptop", 1349.0, 1080.0),
    ("LAB-ONSITE", "Onsite Labor (per hour)", 165.0, 0.0),
];

pub(super) fn generate(g: &mut Gen) {
    let at = setup();
    let stamp = || info(at, SETUP_BY, at, SETUP_BY);
    let types = COMPANY_TYPES
        .iter()
        .map(|&(id, name, vendor)| {
            rec!({"id": id, "name": name, "defaultFlag": id == 1, "vendorFlag": vendor, "serviceAlertFlag": false, "_info": stamp()})
        })
        .collect();
    g.put("/company/companies/types", types);
    let statuses = COMPANY_STATUSES
        .iter()
        .map(|&(id, name, inactive)| {
            rec!({"id": id, "name": name, "defaultFlag": id == 1, "inactiveFlag": inactive, "notifyFlag": id == 3, "disallowSavingFlag": false, "_info": stamp()})
        })
        .collect();
    g.put("/company/companies/statuses", statuses);
    let contact_types = CONTACT_TYPES
        .iter()
        .map(|&(id, description)| {
            rec!({"id": id, "description": description, "defaultFlag": id == 1, "serviceAlertFlag": false, "_info": stamp()})
        })
        .collect();
    g.put("/company/contacts/types", contact_types);
    // Billing cycles: reference_data.rs (agreements refer to them).
    let schedule_types = SCHEDULE_TYPES
        .iter()
        .map(|&(id, name, identifier)| {
            rec!({"id": id, "name": name, "identifier": identifier, "systemFlag": id != 5, "_info": stamp()})
        })
        .collect();
    g.put("/schedule/types", schedule_types);
    g.put("/sales/stages", stages(at));
    g.put("/procurement/catalog", catalog(at));
}

/// The pipeline: the open stages, then 5 (Closed), which won and lost
/// opportunities carry.
fn stages(at: i64) -> Vec<Value> {
    STAGES
        .iter()
        .copied()
        .chain([(5, "Closed", 100)])
        .enumerate()
        .map(|(k, (id, name, probability))| {
            rec!({
                "id": id,
                "name": name,
                "probability": named(probability / 10 + 1, &format!("{probability}%")),
                "sequenceNumber": k as i64 + 1,
                "_info": info(at, SETUP_BY, at, SETUP_BY),
            })
        })
        .collect()
}

/// The products agreements bill (ids 1.. as their additions say), then
/// hardware and labour sold on projects.
fn catalog(at: i64) -> Vec<Value> {
    let services = PRODUCTS.iter().map(|&(identifier, description, price, cost)| {
        (
            identifier,
            description,
            price,
            cost,
            "Managed Services",
            "Agreement",
        )
    });
    let more = MORE_PRODUCTS
        .iter()
        .map(|&(identifier, description, price, cost)| {
            let (category, class) = if identifier.starts_with("LAB") {
                ("Professional Services", "Service")
            } else {
                ("Hardware", "NonInventory")
            };
            (identifier, description, price, cost, category, class)
        });
    services
        .chain(more)
        .enumerate()
        .map(|(k, (identifier, description, price, cost, category, class))| {
            let category_id = match category {
                "Managed Services" => 1,
                "Hardware" => 2,
                _ => 3,
            };
            rec!({
                "id": k as i64 + 1,
                "identifier": identifier,
                "description": description,
                "customerDescription": description,
                "inactiveFlag": false,
                "category": named(category_id, category),
                "productClass": class,
                "price": price,
                "cost": cost,
                "taxableFlag": class == "NonInventory",
                "recurringFlag": class == "Agreement",
                "dropShipFlag": false,
                "specialOrderFlag": false,
                "serializedFlag": class == "NonInventory",
                "_info": info(at, SETUP_BY, at, SETUP_BY),
            })
        })
        .collect()
}
