//! The links ConnectWise puts in records: a reference's `_info` (its
//! `*_href`, and the target's `mobileGuid` where the target has one), a
//! record's own `_info` links to what hangs off it, and `mobileGuid`s.
//!
//! Nothing here is stored: links are built against the host the request came
//! in on, and every `mobileGuid` is a function of the record's kind and id, so
//! a record's own `mobileGuid` and the one in every reference to it agree.

/// A reference schema's link: `_info.{key}_href` = the API root, then `/`,
/// then `path` (ConnectWise's reference hrefs carry that doubled slash:
/// `…/apis/3.0//company/companies/16`).
///
/// `path` placeholders: `{id}` the target's id; `{board}`, `{company}`,
/// `{project}` the id of the record's board, company or project (see
/// [`super::Scope`]).
pub struct RefLink {
    pub schema: &'static str,
    pub key: &'static str,
    pub path: &'static str,
    /// The `mobileGuid` namespace of the target, when targets have one.
    pub guid: Option<&'static str>,
}

const fn link(schema: &'static str, key: &'static str, path: &'static str) -> RefLink {
    RefLink {
        schema,
        key,
        path,
        guid: None,
    }
}

const fn guid_link(schema: &'static str, key: &'static str, path: &'static str, ns: &'static str) -> RefLink {
    RefLink {
        schema,
        key,
        path,
        guid: Some(ns),
    }
}

/// Every reference schema the simulated tenant links, sorted by schema name.
pub const REF_LINKS: &[RefLink] = &[
    link(
        "ActivityStatusReference",
        "status",
        "/sales/activities/statuses/{id}",
    ),
    link("ActivityTypeReference", "type", "/sales/activities/types/{id}"),
    link("AgreementReference", "agreement", "/finance/agreements/{id}"),
    link("AgreementTypeReference", "type", "/finance/agreements/types/{id}"),
    link(
        "BillingCycleReference",
        "billingCycle",
        "/finance/billingCycles/{id}",
    ),
    link(
        "BillingStatusReference",
        "billingStatus",
        "/finance/billingStatuses/{id}",
    ),
    link(
        "BillingTermsReference",
        "billingTerms",
        "/finance/billingTerms/{id}",
    ),
    link("BoardReference", "board", "/service/boards/{id}"),
    link(
        "CommunicationTypeReference",
        "type",
        "/company/communicationTypes/{id}",
    ),
    guid_link(
        "CompanyReference",
        "company",
        "/company/companies/{id}",
        "company",
    ),
    link(
        "CompanyStatusReference",
        "status",
        "/company/companies/statuses/{id}",
    ),
    link("CompanyTypeReference", "type", "/company/companies/types/{id}"),
    link(
        "ConfigurationStatusReference",
        "status",
        "/company/configurations/statuses/{id}",
    ),
    link(
        "ConfigurationTypeReference",
        "type",
        "/company/configurations/types/{id}",
    ),
    guid_link("ContactReference", "contact", "/company/contacts/{id}", "contact"),
    link("ContactTypeReference", "type", "/company/contacts/types/{id}"),
    link("CountryReference", "country", "/company/countries/{id}"),
    link("CurrencyReference", "currency", "/finance/currencies/{id}"),
    link("InvoiceReference", "invoice", "/finance/invoices/{id}"),
    link(
        "ManufacturerReference",
        "manufacturer",
        "/procurement/manufacturers/{id}",
    ),
    link(
        "MarketDescriptionReference",
        "market",
        "/company/marketDescriptions/{id}",
    ),
    link("MemberReference", "member", "/system/members/{id}"),
    link("MemberTypeReference", "type", "/system/members/types/{id}"),
    link(
        "OpportunityRatingReference",
        "rating",
        "/sales/opportunities/ratings/{id}",
    ),
    link("OpportunityReference", "opportunity", "/sales/opportunities/{id}"),
    link("OpportunityStageReference", "stage", "/sales/stages/{id}"),
    link(
        "OpportunityStatusReference",
        "status",
        "/sales/opportunities/statuses/{id}",
    ),
    link(
        "OpportunityTypeReference",
        "type",
        "/sales/opportunities/types/{id}",
    ),
    link("PhaseStatusReference", "status", "/project/phaseStatuses/{id}"),
    link("PriorityReference", "priority", "/service/priorities/{id}"),
    link("ProductReference", "product", "/procurement/catalog/{id}"),
    link("ProjectBoardReference", "board", "/service/boards/{id}"),
    link(
        "ProjectPhaseReference",
        "phase",
        "/project/projects/{project}/phases/{id}",
    ),
    link("ProjectReference", "project", "/project/projects/{id}"),
    link("ProjectStatusReference", "status", "/project/statuses/{id}"),
    link("ProjectTypeReference", "type", "/project/projectTypes/{id}"),
    link("ReminderReference", "reminder", "/schedule/reminderTimes/{id}"),
    link("SLAReference", "sla", "/service/SLAs/{id}"),
    link("ScheduleStatusReference", "status", "/schedule/statuses/{id}"),
    link("ScheduleTypeReference", "type", "/schedule/types/{id}"),
    link(
        "SecurityRoleReference",
        "securityRole",
        "/system/securityroles/{id}",
    ),
    link("ServiceLocationReference", "location", "/service/locations/{id}"),
    link("ServiceSourceReference", "source", "/service/sources/{id}"),
    link(
        "ServiceStatusReference",
        "status",
        "/service/boards/{board}/statuses/{id}",
    ),
    link(
        "ServiceTeamReference",
        "team",
        "/service/boards/{board}/teams/{id}",
    ),
    link(
        "ServiceTypeReference",
        "type",
        "/service/boards/{board}/types/{id}",
    ),
    guid_link(
        "SiteReference",
        "site",
        "/company/companies/{company}/sites/{id}",
        "site",
    ),
    link("StateReference", "state", "/company/states/{id}"),
    link(
        "SystemDepartmentReference",
        "department",
        "/system/departments/{id}",
    ),
    link("SystemLocationReference", "location", "/system/locations/{id}"),
    link("TaxCodeReference", "taxCode", "/finance/taxCodes/{id}"),
    guid_link("TicketReference", "ticket", "/service/tickets/{id}", "ticket"),
    link("TimeSheetReference", "timeSheet", "/time/sheets/{id}"),
    link(
        "TimeZoneSetupReference",
        "timeZoneSetup",
        "/system/timeZoneSetups/{id}",
    ),
    link("WorkRoleReference", "workRole", "/time/workRoles/{id}"),
    link("WorkTypeReference", "workType", "/time/workTypes/{id}"),
];

/// The link of a reference schema.
pub fn ref_link(schema: &str) -> Option<&'static RefLink> {
    REF_LINKS
        .binary_search_by(|l| l.schema.cmp(schema))
        .ok()
        .map(|i| &REF_LINKS[i])
}

/// What a collection's own records carry: their `mobileGuid` namespace (when
/// real records of that kind have one) and the links in their `_info`, as
/// (key, URL pattern). Patterns: `{base}` the API root, `{self}` the record's
/// own URL, `{id}` its id. The ticket links are the ones a real ticket
/// carries, with ConnectWise's own spelling of conditions (spaces and quotes
/// not escaped).
pub struct OwnLinks {
    pub guid: Option<&'static str>,
    pub links: &'static [(&'static str, &'static str)],
}

const TICKET_LINKS: &[(&str, &str)] = &[
    (
        "activities_href",
        "{base}/sales/activities?conditions=ticket/id={id}",
    ),
    ("configurations_href", "{self}/configurations"),
    (
        "documents_href",
        "{base}/system/documents?recordType=Ticket&recordId={id}",
    ),
    (
        "expenseEntries_href",
        "{base}/expense/entries?conditions=(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId={id}",
    ),
    ("notes_href", "{self}/notes"),
    (
        "products_href",
        "{base}/procurement/products?conditions=chargeToType='Ticket' AND chargeToId={id}",
    ),
    (
        "scheduleentries_href",
        "{base}/schedule/entries?conditions=type/id=4 AND objectId={id}",
    ),
    ("tasks_href", "{self}/tasks"),
    (
        "timeentries_href",
        "{base}/time/entries?conditions=(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId={id}",
    ),
];

/// The own links of the records at a collection template.
pub fn own_links(template: &str) -> OwnLinks {
    let (guid, links): (Option<&str>, &[(&str, &str)]) = match template {
        "/service/tickets" | "/project/tickets" => (Some("ticket"), TICKET_LINKS),
        "/company/companies" => (
            Some("company"),
            &[
                (
                    "activities_href",
                    "{base}/sales/activities?conditions=company/id={id}",
                ),
                (
                    "agreements_href",
                    "{base}/finance/agreements?conditions=company/id={id}",
                ),
                (
                    "configurations_href",
                    "{base}/company/configurations?conditions=company/id={id}",
                ),
                (
                    "contacts_href",
                    "{base}/company/contacts?conditions=company/id={id}",
                ),
                (
                    "documents_href",
                    "{base}/system/documents?recordType=Company&recordId={id}",
                ),
                ("notes_href", "{self}/notes"),
                (
                    "opportunities_href",
                    "{base}/sales/opportunities?conditions=company/id={id}",
                ),
                (
                    "projects_href",
                    "{base}/project/projects?conditions=company/id={id}",
                ),
                ("sites_href", "{self}/sites"),
                ("teams_href", "{self}/teams"),
                (
                    "tickets_href",
                    "{base}/service/tickets?conditions=company/id={id}",
                ),
            ],
        ),
        "/company/companies/{parentId}/sites" => (Some("site"), &[]),
        "/company/contacts" => (
            Some("contact"),
            &[
                ("communications_href", "{self}/communications"),
                (
                    "documents_href",
                    "{base}/system/documents?recordType=Contact&recordId={id}",
                ),
                ("notes_href", "{self}/notes"),
            ],
        ),
        "/company/contacts/{parentId}/communications" => (Some("communication"), &[]),
        "/company/configurations" => (
            Some("configuration"),
            &[(
                "documents_href",
                "{base}/system/documents?recordType=Configuration&recordId={id}",
            )],
        ),
        "/system/members" => (None, &[("image_href", "{self}/image")]),
        "/time/entries" => (Some("timeEntry"), &[]),
        "/schedule/entries" => (Some("scheduleEntry"), &[]),
        "/sales/activities" => (
            Some("activity"),
            &[(
                "documents_href",
                "{base}/system/documents?recordType=Activity&recordId={id}",
            )],
        ),
        "/sales/opportunities" => (
            None,
            &[
                ("contacts_href", "{self}/contacts"),
                (
                    "documents_href",
                    "{base}/system/documents?recordType=Opportunity&recordId={id}",
                ),
                ("forecast_href", "{self}/forecast"),
                ("notes_href", "{self}/notes"),
                ("team_href", "{self}/team"),
            ],
        ),
        "/project/projects" => (
            None,
            &[
                (
                    "documents_href",
                    "{base}/system/documents?recordType=Project&recordId={id}",
                ),
                ("notes_href", "{self}/notes"),
                ("phases_href", "{self}/phases"),
                ("teamMembers_href", "{self}/teamMembers"),
                (
                    "tickets_href",
                    "{base}/project/tickets?conditions=project/id={id}",
                ),
            ],
        ),
        "/finance/agreements" => (
            None,
            &[
                ("additions_href", "{self}/additions"),
                ("adjustments_href", "{self}/adjustments"),
                ("configurations_href", "{self}/configurations"),
                (
                    "documents_href",
                    "{base}/system/documents?recordType=Agreement&recordId={id}",
                ),
                ("sites_href", "{self}/sites"),
                ("workRoleExclusions_href", "{self}/workRoleExclusions"),
                ("workTypeExclusions_href", "{self}/workTypeExclusions"),
            ],
        ),
        "/finance/invoices" => (
            None,
            &[
                (
                    "documents_href",
                    "{base}/system/documents?recordType=Invoice&recordId={id}",
                ),
                ("payments_href", "{self}/payments"),
            ],
        ),
        "/service/boards" => (
            None,
            &[
                ("items_href", "{self}/items"),
                ("statuses_href", "{self}/statuses"),
                ("subtypes_href", "{self}/subtypes"),
                ("teams_href", "{self}/teams"),
                ("types_href", "{self}/types"),
            ],
        ),
        "/service/priorities" => (
            None,
            &[("image_href", "{self}/image"), ("priority_href", "{self}")],
        ),
        _ => (None, &[]),
    };
    OwnLinks { guid, links }
}

/// The `mobileGuid` of the record `id` of kind `namespace`: a version-4
/// shaped UUID made from the two, the same on every run.
pub fn mobile_guid(namespace: &str, id: i64) -> String {
    // FNV-1a of the namespace, then two SplitMix64 rounds with the id.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in namespace.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    let mix = |mut z: u64| {
        z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let hi = mix(h ^ id as u64);
    let lo = mix(hi ^ 0x5EED);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::routes::{Kind, RouteTable};

    #[test]
    fn the_reference_table_is_sorted_for_lookup() {
        assert!(REF_LINKS.windows(2).all(|w| w[0].schema < w[1].schema));
        assert_eq!(ref_link("CompanyReference").unwrap().key, "company");
        assert!(ref_link("NoSuchReference").is_none());
    }

    #[test]
    fn every_reference_link_is_an_item_path_of_the_spec() {
        for l in REF_LINKS {
            assert!(
                crate::spec::schema(l.schema).is_some(),
                "{} is not in the spec",
                l.schema
            );
            let path = l
                .path
                .replace("{id}", "7")
                .replace("{board}", "2")
                .replace("{company}", "3")
                .replace("{project}", "4");
            let matched = RouteTable::global().matches(&path);
            assert!(
                matched.is_some_and(|m| m.route.kind == Kind::Item),
                "{} links to {path}, which is not an item path of the spec",
                l.schema
            );
        }
    }

    #[test]
    fn mobile_guids_are_stable_uuids_distinct_per_kind_and_id() {
        let a = mobile_guid("ticket", 1);
        assert_eq!(a, mobile_guid("ticket", 1));
        assert_ne!(a, mobile_guid("ticket", 2));
        assert_ne!(a, mobile_guid("company", 1));
        let parsed = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
    }
}
