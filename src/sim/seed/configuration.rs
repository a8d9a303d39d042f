//! Managed configurations (servers, workstations, network gear, printers) of customers.

use serde_json::{Value, json};

use crate::sim::shape::custom_fields::id as field;

use super::Gen;
use super::rng::Rng;
use super::time::{DAY, NOW, START, date, ts};
use super::world::{info, named, rec};

/// One model a configuration can be: (manufacturer, model, osType, osInfo, ram, drives).
type Model = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// (type name, name code, warranty years, models)
const KINDS: &[(&str, &str, i64, &[Model])] = &[
    (
        "Managed Server",
        "SRV",
        5,
        &[
            (
                "Dell",
                "PowerEdge R650",
                "Windows Server",
                "Windows Server 2022 Standard",
                "64 GB",
                "C: 480 GB SSD; D: 4 TB RAID 10",
            ),
            (
                "Dell",
                "PowerEdge T550",
                "Windows Server",
                "Windows Server 2019 Standard",
                "32 GB",
                "C: 240 GB SSD; D: 2 TB RAID 1",
            ),
            (
                "HPE",
                "ProLiant DL380 Gen10 Plus",
                "Windows Server",
                "Windows Server 2022 Datacenter",
                "128 GB",
                "C: 480 GB SSD; D: 8 TB RAID 6",
            ),
        ],
    ),
    (
        "Managed Workstation",
        "WS",
        3,
        &[
            (
                "Dell",
                "OptiPlex 7010",
                "Windows",
                "Windows 11 Pro 23H2",
                "16 GB",
                "C: 512 GB SSD",
            ),
            (
                "Dell",
                "Latitude 5440",
                "Windows",
                "Windows 11 Pro 23H2",
                "16 GB",
                "C: 512 GB SSD",
            ),
            (
                "Lenovo",
                "ThinkPad T14 Gen 4",
                "Windows",
                "Windows 11 Pro 22H2",
                "32 GB",
                "C: 1 TB SSD",
            ),
            (
                "HP",
                "EliteBook 840 G10",
                "Windows",
                "Windows 10 Pro 22H2",
                "16 GB",
                "C: 256 GB SSD",
            ),
            (
                "Apple",
                "MacBook Air M2",
                "macOS",
                "macOS 14 Sonoma",
                "16 GB",
                "Macintosh HD: 512 GB SSD",
            ),
        ],
    ),
    (
        "Firewall",
        "FW",
        3,
        &[
            ("Fortinet", "FortiGate 60F", "FortiOS", "FortiOS 7.2.8", "", ""),
            ("SonicWall", "TZ470", "SonicOS", "SonicOS 7.0.1", "", ""),
        ],
    ),
    (
        "Switch",
        "SW",
        5,
        &[
            (
                "Cisco",
                "Catalyst 9200L-24P-4G",
                "IOS XE",
                "IOS XE 17.9.4",
                "",
                "",
            ),
            (
                "Aruba",
                "2930F-24G-PoE+",
                "ArubaOS-Switch",
                "ArubaOS-Switch 16.11",
                "",
                "",
            ),
        ],
    ),
    (
        "Wireless Access Point",
        "AP",
        3,
        &[
            ("Ubiquiti", "U6-Pro", "UniFi", "UniFi AP 6.6.55", "", ""),
            ("Cisco Meraki", "MR36", "Meraki MR", "MR 29.7", "", ""),
        ],
    ),
    (
        "Printer",
        "PRN",
        2,
        &[
            (
                "HP",
                "LaserJet Pro M404dn",
                "Embedded",
                "HP FutureSmart 5.6",
                "",
                "",
            ),
            (
                "Brother",
                "HL-L6200DW",
                "Embedded",
                "Brother firmware 1.32",
                "",
                "",
            ),
            (
                "Ricoh",
                "IM C3000",
                "Embedded",
                "Ricoh Smart Operation Panel 2.1",
                "",
                "",
            ),
        ],
    ),
];

const MANUFACTURERS: &[&str] = &[
    "Dell",
    "HPE",
    "Lenovo",
    "HP",
    "Apple",
    "Fortinet",
    "SonicWall",
    "Cisco",
    "Aruba",
    "Ubiquiti",
    "Cisco Meraki",
    "Brother",
    "Ricoh",
];

/// ACME's first configurations, so the tour always has a server and a firewall to look at.
const ACME_FIRST: &[usize] = &[0, 0, 2, 1, 1];

pub(super) fn generate(g: &mut Gen) {
    let customers = g.companies.len() - 1;
    let mut counters = vec![[0i64; 6]; g.companies.len()];
    let techs = g.technicians();
    let mut records = Vec::with_capacity(g.n.configurations);
    for id in 1..=g.n.configurations as i64 {
        let (ci, kind) = match ACME_FIRST.get(id as usize - 1) {
            Some(&k) => (1, k),
            None => (1 + g.rng.skewed(customers), pick_kind(g.rng.unit())),
        };
        counters[ci][kind] += 1;
        let n = counters[ci][kind];
        let (type_name, code, warranty_years, models) = KINDS[kind];
        let model = *g.rng.pick(models);
        let company = &g.companies[ci];
        let prefix = &company.prefix;
        let name = match (kind, n) {
            (0, 1) => format!("{prefix}-DC01"),
            (0, 2) => format!("{prefix}-FS01"),
            (0, _) => format!("{prefix}-{code}{n:02}"),
            (1, _) => format!("{prefix}-{code}{:03}", n),
            _ => format!("{prefix}-{code}{n:02}"),
        };
        let site = if kind == 1 {
            g.rng.index(company.sites.len())
        } else {
            0
        };
        let net = format!(
            "10.{}.{}",
            company.id % 250,
            (company.id / 250) * 10 + site as i64
        );
        let host = match kind {
            0 => 10 + n,
            1 => 100 + n % 150,
            2 => 1,
            3 => 1 + n,
            4 => 20 + n,
            _ => 50 + n,
        };
        let purchased = date(2020, 1, 1) + g.rng.range(0, (START - date(2020, 1, 1)) / DAY - 30) * DAY;
        let expires = purchased + warranty_years * 365 * DAY;
        let user = (kind == 1 && !company.contacts.is_empty())
            .then(|| company.contacts[g.rng.index(company.contacts.len())]);
        let installer = &g.members[techs[g.rng.index(techs.len())]];
        let mut v = rec!({
            "id": id,
            "name": &name,
            "type": named(kind as i64 + 1, type_name),
            "status": named(1, "Active"),
            "company": company.reference(),
            "site": company.sites[site].reference(),
            "deviceIdentifier": format!("{:08x}", g.rng.next_u64() as u32),
            "serialNumber": serial(&mut g.rng, if model.0 == "Dell" { 7 } else { 10 }),
            "modelNumber": model.1,
            "tagNumber": format!("{prefix}-{:04}", id),
            "purchaseDate": ts(purchased),
            "installationDate": ts(purchased + g.rng.range(3, 21) * DAY),
            "installedBy": installer.reference(),
            "warrantyExpirationDate": ts(expires),
            "needsRenewalFlag": expires < NOW + 90 * DAY,
            "ipAddress": format!("{net}.{host}"),
            "defaultGateway": format!("{net}.1"),
            "macAddress": mac(&mut g.rng),
            "manufacturer": named(1 + MANUFACTURERS.iter().position(|m| *m == model.0).unwrap_or(0) as i64, model.0),
            "osType": model.2,
            "osInfo": model.3,
            "activeFlag": true,
            "notes": format!("{type_name} managed under the RMM agent since {}.", &ts(purchased)[..7]),
            "_info": info(purchased + 3 * DAY, installer.identifier.as_str(), purchased + 60 * DAY, "APIMember"),
        });
        if !model.4.is_empty() {
            v["ram"] = json!(model.4);
            v["localHardDrives"] = json!(model.5);
            v["cpuSpeed"] = json!(if kind == 0 { "2.8 GHz" } else { "3.2 GHz" });
        }
        // Servers and workstations report to the RMM; servers are backed up.
        if kind <= 1 {
            let mut fields = vec![
                json!({"id": field::RMM_AGENT_ID, "value": format!("AGT-{}", &v["deviceIdentifier"].as_str().unwrap_or_default().to_uppercase())}),
            ];
            if kind == 0 {
                fields.insert(0, json!({"id": field::BACKED_UP, "value": true}));
            }
            v["customFields"] = Value::Array(fields);
        }
        if let Some(contact) = user {
            let c = &g.contacts[contact];
            let domain: String = company.identifier.to_uppercase().chars().take(15).collect();
            v["contact"] = c.reference();
            v["lastLoginName"] = json!(format!(
                "{domain}\\{}{}",
                c.first[..1].to_lowercase(),
                c.last.to_lowercase()
            ));
        }
        let company = &mut g.companies[ci];
        match kind {
            0 => company.servers.push(name),
            1 => company.workstations += 1,
            2 => company.firewalls.push(name),
            _ => {}
        }
        records.push(v);
    }
    g.put("/company/configurations", records);
}

/// Workstations are most of an MSP's fleet.
fn pick_kind(u: f64) -> usize {
    match u {
        u if u < 0.20 => 0,
        u if u < 0.65 => 1,
        u if u < 0.75 => 2,
        u if u < 0.84 => 3,
        u if u < 0.91 => 4,
        _ => 5,
    }
}

fn serial(rng: &mut Rng, len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    (0..len)
        .map(|_| ALPHABET[rng.index(ALPHABET.len())] as char)
        .collect()
}

fn mac(rng: &mut Rng) -> String {
    let b = rng.next_u64().to_be_bytes();
    format!(
        "{:02X}:{:02X}:{:02X}:{:02X}:{:02X}:{:02X}",
        b[0] & 0xFC,
        b[1],
        b[2],
        b[3],
        b[4],
        b[5]
    )
}
