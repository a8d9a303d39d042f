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
//! stemming as the spec, so "entries" here meets "entry" there. (A screen
//! name of several words, "Setup Tables", "Dispatch Portal", is a phrase.)
//!
//! The first four rounds grew these tables from misses, a few at a time.
//! The fifth was a systematic pass over every entity the API has, module
//! by module (company, service, time, schedule, project, sales, finance,
//! procurement, expense, marketing, system, configurations), asking what
//! technicians, dispatchers, service managers, finance and procurement
//! staff, and ConnectWise's own screens call each one or the task done
//! with it ("business hours" → calendar, "mailing list" → marketing group,
//! "covering for" → delegation). It added ~260 entries, marked in each
//! table. A key is never a word the spec already uses for something else,
//! and its stem is checked too: "requester" stems to "request", which is
//! a ticket; "availability" to "avail", which "available" shares;
//! "scheduler" to "schedule". Words common in requests about another
//! thing stay out ("overdue" and "outstanding" tickets as well as
//! invoices, a "proxy" server, to "shift" a ticket, "how to", "PST").

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
    ("timezone", "time zone"),
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
    // The fifth round: a pass over every module's entities.
    // Company: a quarterly business review is presented from ConnectWise's
    // management (executive summary) reports.
    ("qbr", "management summary report"),
    // Procurement: quantities, makers, prices.
    ("qty", "quantity"),
    ("oem", "manufacturer"),
    ("mfr", "manufacturer"),
    ("msrp", "price"),
    ("rrp", "price"),
    // System: standards ConnectWise's setups speak to.
    ("cors", "allowed origin"),
    ("rbac", "security role"),
    ("ssrs", "reporting service"),
    ("saml", "sso"),
    ("sop", "knowledge base article"),
    ("faq", "knowledge base article"),
    ("fx", "currency"),
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
    // The fifth round: a pass over every module's entities, asking what
    // technicians, dispatchers, service managers, finance and procurement
    // staff call each one.
    //
    // Company. Devices an MSP manages are configurations.
    ("router", "configuration"),
    ("nas", "configuration"),
    ("vm", "configuration"),
    ("appliance", "configuration"),
    ("tablet", "configuration"),
    // The people who raise tickets are a customer's contacts.
    ("requestor", "contact"),
    ("caller", "contact"),
    // A company's market is its industry.
    ("industry", "market description"),
    ("vertical", "market description"),
    ("sector", "market description"),
    // States are also provinces; postcodes are the address's zip.
    ("province", "state"),
    ("postcode", "zip"),
    // Tracks are ConnectWise's sequences of follow-up activities.
    ("cadence", "track"),
    ("playbook", "track"),
    // Service. Remarks on a ticket are its notes.
    ("comment", "note"),
    ("remark", "note"),
    ("reply", "note"),
    ("discussion", "note"),
    ("subtask", "task"),
    ("todo", "task"),
    // Tickets under a parent are its children (`/attachChildren`).
    ("child", "children"),
    ("subticket", "children"),
    ("dedupe", "merge"),
    ("deduplicate", "merge"),
    // The knowledge base under its other names.
    ("runbook", "knowledge base article"),
    ("wiki", "knowledge base article"),
    ("howto", "knowledge base article"),
    // Asking customers what they thought is a survey.
    ("feedback", "survey"),
    ("questionnaire", "survey"),
    ("satisfaction", "survey"),
    // A missed response or resolution target is an SLA's.
    ("breach", "sla"),
    // How a ticket came in is its source.
    ("channel", "source"),
    // Time. A time card is a time sheet; work logged is a time entry.
    ("timecard", "time sheet"),
    ("worklog", "time entry"),
    ("clock", "time entry"),
    ("overtime", "time entry"),
    ("utilization", "time entry"),
    ("utilisation", "time entry"),
    ("payroll", "time period"),
    // Internal and admin time is booked to charge codes.
    ("overhead", "charge code"),
    // Schedule. A booking, shift or rota is a schedule entry.
    ("booking", "schedule entry"),
    ("rota", "schedule entry"),
    ("roster", "schedule entry"),
    // Project. Engagements and rollouts are projects; a work plan is its
    // phases (ConnectWise's Project Workplan).
    ("engagement", "project"),
    ("rollout", "project"),
    ("migration", "project"),
    ("workplan", "project phase"),
    ("workstream", "phase"),
    // Sales. Likelihood of a win is an opportunity's probability.
    ("likelihood", "probability"),
    ("bonus", "commission"),
    ("spiff", "commission"),
    ("touchpoint", "activity"),
    // Finance. Retainers, block hours and service plans are agreements;
    // seats and subscriptions billed on them are its additions.
    ("retainer", "agreement"),
    ("coverage", "agreement"),
    ("seat", "agreement addition"),
    ("subscription", "agreement addition"),
    // Money owed and paid is an invoice's payments.
    ("unpaid", "invoice"),
    ("receivable", "invoice"),
    ("remittance", "invoice payment"),
    ("statement", "invoice"),
    // A nominal code (UK) is a GL account; a ledger is the GL.
    ("nominal", "gl account"),
    ("ledger", "gl account"),
    // Accounting packages by name (their export is accounting).
    ("sage", "accounting"),
    ("netsuite", "accounting"),
    ("myob", "accounting"),
    ("intacct", "accounting"),
    // Tax services by name are tax integrations.
    ("avatax", "avalara tax integration"),
    ("printable", "pdf"),
    // Procurement. A kit is a bundle of catalog components.
    ("kit", "product component"),
    ("shelf", "warehouse bin"),
    ("aisle", "warehouse bin"),
    ("shrinkage", "adjustment"),
    ("backorder", "purchasing demand"),
    // Expense. A daily allowance is an expense.
    ("perdiem", "expense"),
    // Marketing. Mailings are campaigns; whom they go to, groups.
    ("newsletter", "marketing campaign"),
    ("mailshot", "marketing campaign"),
    ("blast", "marketing campaign"),
    ("promo", "marketing campaign"),
    ("promotion", "marketing campaign"),
    ("audience", "marketing group"),
    // System. Who is standing in for whom is a delegation.
    ("standin", "delegation"),
    // Automation is ConnectWise's workflow rules.
    ("automation", "workflow"),
    ("mailbox", "email connector"),
    ("inbox", "email connector"),
    ("blocklist", "email exclusion"),
    ("blacklist", "email exclusion"),
    ("placeholder", "email token"),
    ("whereabouts", "in out board"),
    ("scorecard", "report card"),
    ("dashboard", "kpi"),
    ("metric", "kpi"),
    ("expertise", "skill"),
    ("competency", "skill"),
    ("qualification", "certification"),
    ("accreditation", "certification"),
    ("division", "department"),
    ("hierarchy", "corporate structure"),
    ("gmail", "google email setup"),
    ("okta", "sso"),
    ("macro", "standard note"),
    ("navigation", "menu entry"),
    ("homepage", "today page"),
    ("bookmark", "link"),
    // Pods and custom tabs are ConnectWise-hosted screens.
    ("pod", "hosted screen"),
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
    // The fifth round. Procurement > Receiving receives purchase order
    // line items.
    ("receiving", "purchase order line item"),
];

/// Several words that name one thing, and ConnectWise's words that replace
/// them (taken as they are: neither stop words nor expanded again).
pub const PHRASES: &[(&str, &str)] = &[
    ("add on", "addition"),
    // Sixth round (the eighth set's kinds of miss).
    ("customer satisfaction", "survey"),
    ("expense category", "expense type"),
    ("api only", "api member"),
    ("who am i", "my member"),
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
    // The fifth round: a pass over every module's entities.
    //
    // Company. A company's team is its account team (account manager,
    // sales rep: team roles); an end user is a contact.
    ("account team", "company team"),
    ("account manager", "company team"),
    ("end user", "contact"),
    ("point of contact", "contact"),
    ("contact method", "communication type"),
    // A contact's access to the customer portal is its portal security.
    ("portal access", "portal security"),
    ("portal permission", "portal security level"),
    ("client portal", "portal configuration"),
    ("customer portal", "portal configuration"),
    ("reset password", "request password"),
    ("credit hold", "company status"),
    ("postal code", "zip"),
    ("executive summary", "management summary report"),
    ("executive report", "management summary report"),
    ("business review", "management summary report"),
    ("recently used", "company picker item"),
    ("recent companies", "company picker item"),
    ("mailing list", "marketing group"),
    ("distribution list", "marketing group"),
    ("contact list", "marketing group"),
    ("network device", "configuration"),
    ("virtual machine", "configuration"),
    ("access point", "configuration"),
    // Service. Ticket lifecycle words.
    ("child ticket", "ticket children"),
    ("parent ticket", "ticket children"),
    ("round robin", "auto assign resource"),
    ("auto assign", "auto assign resource"),
    ("response time", "sla"),
    ("resolution time", "sla"),
    ("auto reply", "email template"),
    ("service call", "service ticket"),
    // Ticket templates are ConnectWise's Service Templates.
    ("ticket template", "service template"),
    ("work location", "service location"),
    ("resolver group", "board team"),
    ("support group", "board team"),
    // Time. Rates are charged by work role.
    ("hourly rate", "work role rate"),
    ("billing rate", "work role rate"),
    ("bill rate", "work role rate"),
    ("labor rate", "work role rate"),
    ("labour rate", "work role rate"),
    ("job role", "work role"),
    ("punch in", "time entry"),
    ("time spent", "time entry"),
    ("time card", "time sheet"),
    ("admin time", "charge code"),
    ("internal time", "charge code"),
    ("payroll period", "time period"),
    // Schedule. Calendars hold business hours.
    ("business hours", "calendar"),
    ("working hours", "calendar"),
    ("office hours", "calendar"),
    ("opening hours", "calendar"),
    ("dispatch board", "schedule entry"),
    ("dispatch calendar", "schedule entry"),
    ("dispatch portal", "schedule entry"),
    ("member calendar", "schedule entry"),
    ("my calendar", "schedule entry"),
    // Project. A project's plan is its phases and tickets.
    ("project plan", "project phase"),
    ("work plan", "project phase"),
    ("project health", "project status indicator"),
    ("project manager", "project team member"),
    // Sales.
    ("sales target", "quota"),
    ("sales goal", "quota"),
    ("revenue target", "quota"),
    ("win probability", "probability"),
    ("close probability", "probability"),
    ("lead score", "opportunity rating"),
    // Finance.
    ("block hours", "agreement"),
    ("block of hours", "agreement"),
    ("prepaid hours", "agreement"),
    ("service plan", "agreement"),
    ("support plan", "agreement"),
    ("covered device", "agreement configuration"),
    ("billing frequency", "billing cycle"),
    ("billing period", "billing cycle"),
    ("invoice frequency", "billing cycle"),
    ("payment term", "billing term"),
    ("credit term", "billing term"),
    ("invoice status", "invoice billing status"),
    ("credit note", "invoice credit memo"),
    ("payment received", "invoice payment"),
    ("receive payment", "invoice payment"),
    ("chart of accounts", "gl account"),
    ("exchange rate", "currency"),
    ("sales tax", "tax code"),
    ("tax rate", "tax code"),
    ("accounting interface", "accounting batch"),
    ("invoice delivery", "delivery method"),
    ("accounting sync", "accounting batch"),
    ("payment gateway", "ePay configuration"),
    ("online payment", "ePay configuration"),
    ("webhook subscription", "callback"),
    // Procurement. Stock levels are inventory on hand.
    ("stock level", "inventory on hand"),
    ("inventory level", "inventory on hand"),
    ("in stock", "inventory on hand"),
    ("who makes", "manufacturer"),
    ("price list", "catalog pricing"),
    ("price book", "catalog pricing"),
    ("volume discount", "pricing schedule"),
    ("tiered pricing", "pricing schedule"),
    ("par level", "minimum stock"),
    ("cycle count", "adjustment"),
    ("product family", "product category"),
    ("product line", "product category"),
    ("goods received", "purchase order line item received"),
    ("goods in", "purchase order line item received"),
    // Expense.
    ("out of pocket", "expense"),
    ("per diem", "expense"),
    ("company card", "expense payment type"),
    ("corporate card", "expense payment type"),
    // Marketing.
    ("email blast", "marketing campaign"),
    ("open rate", "campaign email opened"),
    ("click rate", "campaign link clicked"),
    ("form fill", "campaign form submitted"),
    // System. Who changed what is the audit trail.
    ("change history", "audit trail"),
    ("edit history", "audit trail"),
    ("who changed", "audit trail"),
    ("activity log", "audit trail"),
    ("cover for", "delegation"),
    ("stand in", "delegation"),
    ("out of office delegate", "delegation"),
    ("automation rule", "workflow"),
    ("escalation rule", "workflow"),
    ("email to ticket", "email connector"),
    ("inbound email", "email connector"),
    ("email parsing", "email connector parsing"),
    ("blocked sender", "email exclusion"),
    ("merge field", "email token"),
    ("custom field", "user defined field"),
    ("setup table", "setup screen"),
    ("org chart", "corporate structure"),
    ("reporting structure", "corporate structure"),
    ("feature flag", "experiment"),
    ("integration login", "integrator login"),
    ("batch request", "bundle"),
    ("upload limit", "file upload setting"),
    ("file extension", "allowed file type"),
    ("google workspace", "google email setup"),
    ("exchange online", "office365"),
    ("microsoft 365", "office365"),
    ("report writer", "custom report"),
    ("custom menu", "menu entry"),
    ("menu item", "menu entry"),
    ("home page", "today page"),
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

/// States that say which records, not what kind: matched as written,
/// never searched, since their stems meet entity names ("active" ~
/// activities, "based" ~ knowledge base).
/// (Sixth round; "open" in the seventh: "open tickets" are not opened
/// e-mails.)
pub const STATE_WORDS: &[&str] = &["active", "inactive", "based", "existing", "open"];

/// Units of time: after a number ("1.5 hrs", "two hours") they are time
/// to be logged or read, which time entries hold.
pub const TIME_UNITS: &[&str] = &["hours", "hour", "hrs", "hr", "minutes", "minute", "mins"];

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
