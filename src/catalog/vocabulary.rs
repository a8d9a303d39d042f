//! The words people use for ConnectWise's things, mapped onto the words
//! the spec uses for them: the one home of the search's domain knowledge.
//!
//! Most of the search's vocabulary comes from the spec itself (paths, tags,
//! schema and field names, split and stemmed; see [`super::search`]). What
//! the spec cannot know is written here, in four kinds, each a general fact
//! of MSP work or of ConnectWise, never a fix for one request:
//!
//! - [`ACRONYMS`]: the abbreviations of MSP and ITSM work, spelled out in
//!   ConnectWise's words (CI → configuration, PTO → accrual);
//! - [`EVERYDAY`]: everyday and MSP words for ConnectWise's entities
//!   (device → configuration, branch → site, brand → manufacturer);
//! - [`SCREENS`]: what ConnectWise's own screens call a thing the API names
//!   otherwise (Receiving → purchase order line items, Standard Notes);
//! - [`PHRASES`]: several words that mean one thing ("api key" → token).
//!
//! Every entry is text: keys and targets go through the same splitting and
//! stemming as the spec, so "entries" here meets "entry" there.

/// MSP and ITSM abbreviations → ConnectWise's words for them. An acronym
/// that is ConnectWise's own name (SLA, RMA, KPI, SSO, LDAP) needs no
/// entry: the spec has it.
pub const ACRONYMS: &[(&str, &str)] = &[
    ("po", "purchase order"),
    ("ci", "configuration"),
    ("cmdb", "configuration"),
    ("kb", "knowledge base article"),
    ("pto", "accrual"),
    ("rmm", "managed devices integration"),
    ("udf", "user defined field"),
    ("gl", "gl account"),
    ("ar", "invoice payment"),
    ("mrr", "agreement addition"),
    ("arr", "agreement addition"),
    ("sow", "project"),
    ("bom", "product component"),
    ("uom", "unit measure"),
    ("sku", "catalog item"),
    ("csat", "survey result"),
    ("nps", "survey result"),
    ("ooo", "in out board"),
    ("tz", "time zone"),
    ("o365", "office365"),
    ("m365", "office365"),
    // Master services agreement: the contract an MSP signs with a client.
    ("msa", "agreement"),
    // Sales taxes by their national names are ConnectWise tax codes.
    ("vat", "tax code"),
    ("gst", "tax code"),
    // Priority and severity levels as service desks abbreviate them.
    ("p1", "priority"),
    ("p2", "priority"),
    ("p3", "priority"),
    ("p4", "priority"),
    ("sev1", "severity"),
    ("sev2", "severity"),
];

/// Acronyms that are also everyday words: they are the acronym only when
/// written in capitals ("AD settings" is Active Directory; "ad campaign" an
/// advert). Taken as a phrase is (neither stop words nor expanded again).
pub const CAPITAL_ACRONYMS: &[(&str, &str)] = &[
    // Active Directory: ConnectWise reaches it through its LDAP setup.
    ("AD", "ldap"),
];

/// Everyday and MSP words → the ConnectWise entity they stand for.
pub const EVERYDAY: &[(&str, &str)] = &[
    ("device", "configuration"),
    ("asset", "configuration"),
    ("machine", "configuration"),
    ("computer", "configuration"),
    ("server", "configuration"),
    ("workstation", "configuration"),
    ("laptop", "configuration"),
    ("desktop", "configuration"),
    ("printer", "configuration"),
    ("firewall", "configuration"),
    ("hardware", "configuration"),
    ("config", "configuration"),
    ("warranty", "configuration warranty"),
    ("serial", "serial configuration"),
    ("customer", "company"),
    ("client", "company"),
    ("account", "company account"),
    ("org", "company"),
    ("organisation", "company"),
    ("organization", "company"),
    ("vendor", "vendor company"),
    ("supplier", "vendor"),
    ("distributor", "vendor"),
    ("contract", "agreement"),
    ("renew", "agreement end"),
    ("renewal", "agreement end"),
    ("tech", "member"),
    ("technician", "member"),
    ("engineer", "member"),
    ("issue", "ticket"),
    ("incident", "ticket"),
    ("case", "ticket"),
    ("request", "ticket"),
    ("deal", "opportunity"),
    ("lead", "opportunity"),
    ("pipeline", "opportunity"),
    ("quote", "opportunity"),
    ("article", "knowledge base article"),
    ("unbilled", "time entry billable"),
    ("billing", "invoice billing"),
    ("bill", "invoice"),
    ("calendar", "schedule entry"),
    ("appointment", "schedule entry"),
    ("visit", "schedule entry"),
    ("onsite", "schedule entry"),
    ("queue", "board"),
    ("product", "catalog product"),
    ("part", "catalog product"),
    ("stock", "inventory"),
    ("brand", "manufacturer"),
    ("maker", "manufacturer"),
    ("history", "audit trail"),
    ("attachment", "document"),
    ("file", "document"),
    ("webhook", "callback"),
    ("timer", "stopwatch"),
    ("hours", "time entry"),
    ("logged", "time entry"),
    ("phone", "communication"),
    ("addon", "addition"),
    ("licence", "addition"),
    ("license", "addition"),
    ("job", "project"),
    ("milestone", "phase"),
    ("urgency", "severity"),
    ("permission", "security role"),
    // A feature's settings are its `…Configurations` or `…Setups` in the
    // API (ldapConfigurations, office365/emailSetups, timeZoneSetups).
    ("setting", "setting setup configuration"),
    ("turn", "convert"),
    ("offboard", "deactivate"),
    ("disable", "deactivate"),
    ("leaver", "deactivate member"),
    // Time-off balances are ConnectWise accruals (vacation, sick time).
    ("vacation", "accrual"),
    ("sick", "accrual"),
    // A person's or item's picture is its `/image` (members, contacts,
    // priorities, menu entries).
    ("avatar", "image"),
    ("photo", "image"),
    ("picture", "image"),
    ("headshot", "image"),
    // Who may see or do what is "security" throughout ConnectWise (security
    // roles, portal security, My Security).
    ("access", "security"),
    // A person's own record (My Account, My Members).
    ("profile", "my account member"),
    // Labour is ConnectWise's "work": work types, work roles.
    ("labor", "work"),
    ("labour", "work"),
    // Recurring billing is what agreements are for.
    ("recurring", "agreement"),
    // Reorder points are the minimum stock per warehouse.
    ("reorder", "minimum stock"),
    ("restock", "minimum stock"),
    ("replenish", "minimum stock"),
    // Accounting packages by name: their export is ConnectWise's accounting.
    ("quickbooks", "accounting"),
    ("xero", "accounting"),
    // Carriers are shipment methods.
    ("courier", "shipment method"),
    ("carrier", "shipment method"),
    // Document layouts are ConnectWise templates (invoice templates,
    // service templates, email templates).
    ("layout", "template"),
    // Questions about the installation itself are answered by `/system/info`
    // (version, isCloud, serverTimeZone, licenseBits, cloudRegion).
    ("version", "info version"),
    ("build", "info version"),
    ("instance", "info"),
    // Territories are ConnectWise locations (the MSP's own).
    ("territory", "location"),
    ("clone", "copy"),
    ("changelog", "audit"),
    // Calls, meetings and follow-ups with a client are sales activities
    // (ConnectWise's activity types); "on call" is a phrase.
    ("call", "activity"),
    ("followup", "activity"),
    ("canned", "standard note"),
    ("boilerplate", "standard note"),
    ("snippet", "standard note"),
    // What a technician spends and claims back is an expense (entries, and
    // the reports that gather them).
    ("receipt", "expense entry"),
    ("reimbursement", "expense"),
    ("reimburse", "expense"),
    ("mileage", "expense entry"),
    ("claim", "expense"),
    // A would-be customer is a sales opportunity until it is won.
    ("prospect", "opportunity"),
    // Where stock is kept is a ConnectWise warehouse.
    ("store", "warehouse"),
    ("depot", "warehouse"),
    ("stockroom", "warehouse"),
    // Broken goods go back to the vendor as RMAs.
    ("faulty", "rma"),
    ("defective", "rma"),
    // A ticket's checklist is its tasks.
    ("checklist", "task"),
    // Joining records is ConnectWise's merge (companies, contacts, tickets).
    ("combine", "merge"),
    // A person's preferences are their `…Settings` (notification settings).
    ("preference", "setting"),
    // Languages are the installation's locales.
    ("language", "locale"),
    // Questions about the installation's hosting are answered by
    // `/system/info` (isCloud, cloudRegion, serverTimeZone, licenseBits).
    ("tenant", "info cloud"),
    ("hosted", "cloud"),
    ("onprem", "info cloud"),
    ("licensed", "info license"),
];

/// ConnectWise's screen and menu words → the API's words for the same thing.
pub const SCREENS: &[(&str, &str)] = &[
    ("timesheet", "time sheet"),
    ("dispatch", "schedule entry"),
    ("picking", "picking shipping detail"),
    ("shipping", "picking shipping detail"),
    ("invoicing", "invoice"),
    ("helpdesk", "service ticket"),
    ("funnel", "opportunity"),
    ("portal", "portal"),
];

/// Several words that name one thing, and ConnectWise's words that replace
/// them (taken as they are: neither stop words nor expanded again).
pub const PHRASES: &[(&str, &str)] = &[
    ("add on", "addition"),
    // API keys and tokens belong to members (`/system/members/{id}/tokens`);
    // the `emailTokens` are template placeholders.
    ("api key", "member token"),
    ("api token", "member token"),
    ("access token", "member token"),
    // Integration accounts are ConnectWise's API members.
    ("api user", "api member"),
    ("api account", "api member"),
    // Active Directory is reached through ConnectWise's LDAP setup.
    ("active directory", "ldap"),
    // Returns of goods to a vendor are RMAs in ConnectWise.
    ("vendor return", "rma"),
    ("supplier return", "rma"),
    ("return to vendor", "rma"),
    ("return to supplier", "rma"),
    ("warranty return", "rma"),
    ("warranty claim", "rma"),
    // A signed-off service report is a Service Sign-off.
    ("sign off", "signoff"),
    // A work order or service request is a service ticket.
    ("work order", "service ticket"),
    ("service request", "service ticket"),
    // Business units are ConnectWise departments.
    ("business unit", "department"),
    // ConnectWise says "shipment method"; "shipping" alone is the picking
    // and shipping of a product.
    ("shipping method", "shipment method"),
    ("ship method", "shipment method"),
    // A service ticket's categories are its board's types and subtypes.
    ("ticket category", "board type"),
    ("ticket subcategory", "board subtype"),
    ("pay period", "time period"),
    ("follow up", "activity"),
    // Who is on call is who is scheduled.
    ("on call", "schedule entry"),
    // Who changed what, and when, is an audit (the audit trail, the audits
    // of time entries, expense entries and reports).
    ("change log", "audit"),
    ("audit log", "audit"),
    ("service level agreement", "sla"),
    ("return merchandise authorization", "rma"),
    ("paid time off", "accrual"),
    ("time off", "accrual"),
    ("out of office", "in out board"),
    ("help desk", "service ticket"),
    ("configuration item", "configuration"),
    ("canned response", "standard note"),
    // ConnectWise's "My Account" and "My Company" screens: "my" is no stop
    // word there.
    ("my account", "my account"),
    ("my company", "my company"),
    // The spec's own acronyms, spelled out (its names use the acronym).
    ("single sign on", "sso"),
    ("key performance indicator", "kpi"),
    ("general ledger", "gl"),
    ("unit of measure", "unit measure"),
    ("remote management", "managed device"),
    ("remote monitoring", "managed device"),
    // Stock written off or counted back into line is an inventory
    // adjustment.
    ("write off", "adjustment"),
    ("stock take", "adjustment"),
    // Leave balances are ConnectWise accruals.
    ("leave balance", "accrual"),
    ("annual leave", "accrual"),
    ("sick leave", "accrual"),
    // Who the caller is logged in as is their own member record.
    ("logged in", "my member"),
    // "Deal with" is a verb, not a sales deal.
    ("deal with", ""),
    // An email address is a way to reach someone, not a place.
    ("email address", "email"),
    // The help desk is a service board when a board is named.
    ("help desk board", "service board"),
    ("on prem", "info cloud"),
    ("on premise", "info cloud"),
];

/// Words for places: a customer's are its sites, the MSP's own its
/// locations (ConnectWise's two kinds of place).
pub const PLACE_WORDS: &[&str] = &[
    "location",
    "office",
    "branch",
    "premises",
    "headquarters",
    "hq",
    "address",
];

/// Words that say a request is about the MSP itself, not a customer: its
/// own setup lives in the `system` module (My Company, locations,
/// departments, members, security roles).
pub const OWN_WORDS: &[&str] = &["our", "own", "we", "us", "internal", "inhouse", "msp"];

/// Words for a record as a whole: before a preposition they name nothing
/// ("the details of company 250" asks for the company; "schedule entry
/// details" still names `/schedule/entries/{id}/details`).
pub const RECORD_WORDS: &[&str] = &["detail", "details", "info", "information", "record", "data"];

/// Prepositions: after one, "new" is an adjective ("templates for new
/// tickets"), not the verb of a request ("new ticket for Acme").
pub const PREPOSITIONS: &[&str] = &["of", "for", "about", "on", "in", "with", "to", "from", "by", "at"];

/// Words by which a request speaks of the one asking: a stop word, and a
/// weak hint towards ConnectWise's `my…` resources (My Account, My Company,
/// My Security, myMembers, myCertifications), which answer for the caller.
pub const SELF_WORDS: &[&str] = &["my", "mine", "myself"];

/// Words that say the thing asked for belongs to someone ("Dave's skills",
/// "their API tokens"; "s" is what is left of "'s"): a weak hint towards
/// what members and companies have (`/system/members/{id}/skills`,
/// `/company/companies/{id}/sites`) over the lists of the same name.
pub const OWNER_WORDS: &[&str] = &["s", "his", "her", "their"];

/// Words for people: at a customer they are its contacts, at the MSP its
/// members (ConnectWise's two kinds of person).
pub const PERSON_WORDS: &[&str] = &[
    "person",
    "people",
    "staff",
    "employee",
    "user",
    "worker",
    "colleague",
];

/// Words that say nothing about which endpoint.
pub const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "for",
    "of",
    "with",
    "to",
    "in",
    "on",
    "by",
    "my",
    "me",
    "all",
    "and",
    "or",
    "show",
    "find",
    "which",
    "what",
    "that",
    "is",
    "are",
    "was",
    "were",
    "per",
    "from",
    "their",
    "our",
    "own",
    "i",
    "we",
    "us",
    "you",
    "your",
    "it",
    "its",
    "this",
    "next",
    "last",
    "month",
    "week",
    "today",
    "tomorrow",
    "tonight",
    "yesterday",
    // Days, months and times of day say when, not what.
    "morning",
    "afternoon",
    "evening",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "year",
    "quarter",
    "any",
    "some",
    "do",
    "does",
    "have",
    "has",
    "get",
    "list",
    "lists",
    "see",
    "look",
    "up",
    "who",
    "where",
    "when",
    "how",
    "why",
    "about",
    "as",
    // What is left of "don't" ("'s" is an owner word).
    "t",
    "into",
    "after",
    "before",
    "since",
    "until",
    "during",
    "between",
    "against",
    "over",
    "under",
    "within",
    "without",
    "through",
    "at",
    "be",
    "been",
    "being",
    "there",
    "them",
    "they",
    "so",
    "can",
    "could",
    "would",
    "should",
    "will",
    "want",
    "need",
    "please",
    "like",
    "via",
    "currently",
    "connectwise",
    "cw",
    "psa",
    // The MSP speaks of itself (an own word).
    "msp",
];

/// The product's own names, dropped as written (not by stem: "manage" is
/// ConnectWise Manage, "management" a ConnectWise resource).
pub const PRODUCT_WORDS: &[&str] = &["manage"];
