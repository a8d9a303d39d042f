//! `connectwise-mcp doctor`: the first command an MSP engineer runs against
//! a real tenant. It only reads, never writes, never prints a secret, and
//! reports one line per check, each with the fix when something is wrong:
//!
//! 1. **site**: the site answers (DNS, TLS, proxy, timeouts named apart);
//! 2. **keys**: ConnectWise accepts the keys and the `clientId`;
//! 3. **member**: whom the keys belong to, and the configured "me";
//! 4. **version**: the tenant's ConnectWise version against the spec this
//!    build was generated from (a newer tenant: `cargo xtask regen`);
//! 5. **access**: per enabled tool, whether the member's security role lets
//!    it read what the tool reads (a cheap probe per operation; a 403 names
//!    the permission to grant);
//! 6. **time**: whether today's time sheet is open for time entries;
//! 7. **shapes**: a page of real records of each curated entity compared with
//!    the spec: fields that are null, enum values the spec does not list,
//!    fields it does not have (all tolerated by reads; worth knowing);
//! 8. **store**: the store the settings name (the SQLite file, or PostgreSQL
//!    at `database_url`) opens and its tables are brought up to date, as the
//!    server does at start-up; a failure says the setting to fix. Run even
//!    when ConnectWise cannot be reached: it does not depend on it.
//!
//! Exit codes (`main.rs`): 0 all good, 1 something to fix, 2 configuration.

use crate::catalog::{self, Method, Operation, Tier};
use crate::client::{ApiError, Config, ConnectWise, read};
use crate::mcp::Inventory;
use crate::spec::shape::{deviations, summary};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fmt;

/// How one check came out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Ok,
    /// Worth knowing; nothing to fix.
    Note,
    /// Works, but something should be fixed.
    Warn,
    Fail,
    /// Not run: an earlier check failed.
    Skipped,
}

impl Status {
    fn label(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Note => "note",
            Status::Warn => "WARN",
            Status::Fail => "FAIL",
            Status::Skipped => "skip",
        }
    }
}

/// One line of the report.
#[derive(Clone, Debug, Serialize)]
pub struct Check {
    pub check: &'static str,
    pub status: Status,
    pub detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

impl Check {
    fn new(check: &'static str, status: Status, detail: impl Into<String>) -> Check {
        Check {
            check,
            status,
            detail: detail.into(),
            fix: None,
        }
    }

    fn fix(mut self, fix: impl Into<String>) -> Check {
        self.fix = Some(fix.into());
        self
    }
}

/// Every check, in order.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub ok: bool,
    pub checks: Vec<Check>,
}

impl Report {
    fn new(checks: Vec<Check>) -> Report {
        let ok = checks
            .iter()
            .all(|c| matches!(c.status, Status::Ok | Status::Note));
        Report { ok, checks }
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.checks {
            writeln!(f, "{:<4}  {:<7} {}", c.status.label(), c.check, c.detail)?;
            if let Some(fix) = &c.fix {
                writeln!(f, "      {:<7} fix: {fix}", "")?;
            }
        }
        let bad = self
            .checks
            .iter()
            .filter(|c| matches!(c.status, Status::Warn | Status::Fail))
            .count();
        match bad {
            0 => writeln!(f, "all good"),
            n => writeln!(f, "{n} thing{} to fix", if n == 1 { "" } else { "s" }),
        }
    }
}

/// Runs every check with `config`'s keys for the tools `inventory` enables.
pub async fn run(config: &Config, inventory: &Inventory) -> Report {
    let cw = match ConnectWise::new(config) {
        Ok(cw) => cw,
        Err(e) => return Report::new(vec![Check::new("site", Status::Fail, e.to_string())]),
    };
    let mut checks = Vec::new();
    let info = match system_info(&cw, config).await {
        Ok((info, site, keys)) => {
            checks.extend([site, keys]);
            info
        }
        Err(failed) => {
            checks.extend(failed);
            for name in ["member", "version", "access", "time", "shapes"] {
                checks.push(Check::new(
                    name,
                    Status::Skipped,
                    "not run: ConnectWise cannot be used yet",
                ));
            }
            checks.push(store(inventory).await);
            return Report::new(checks);
        }
    };
    let (member_check, member) = member(&cw, config).await;
    checks.push(member_check);
    checks.push(version(&info.body));
    checks.extend(access(&cw, inventory).await);
    checks.push(time_sheet(&cw, member.as_deref(), info.date).await);
    checks.extend(shapes(&cw, inventory).await);
    checks.push(store(inventory).await);
    Report::new(checks)
}

/// The store opened and migrated. Without it reads still work, so a
/// failure is a warning; its message is the store's own (the setting to
/// fix, or why the database is out of reach), never a password.
async fn store(inventory: &Inventory) -> Check {
    let store = match inventory.gate().store() {
        Ok(store) => store,
        Err(e) => return Check::new("store", Status::Warn, e),
    };
    match store.migrate().await {
        Ok(version) if store.engine() == "postgres" => postgres_store(&store, version).await,
        Ok(version) => Check::new(
            "store",
            Status::Ok,
            format!("{}, tables at version {version}", store.location()),
        ),
        Err(e) => Check::new("store", Status::Warn, format!("{}: {e}", store.location()))
            .fix("MCP_DATABASE_URL (PostgreSQL) or CW_SAVED_QUERIES_DB (the SQLite file)"),
    }
}

/// A PostgreSQL store also says how its connection is protected; a
/// plain one to another machine is a warning (the journal holds what was
/// written to ConnectWise, the audit log who did what).
async fn postgres_store(store: &crate::store::Store, version: i64) -> Check {
    let at = format!("{}, tables at version {version}", store.location());
    match store.protection().await {
        Ok(Some(protection)) => match protection.fix() {
            None => Check::new("store", Status::Ok, format!("{at}; {protection}")),
            Some(fix) => Check::new("store", Status::Warn, format!("{at}; {protection}")).fix(fix),
        },
        Ok(None) => Check::new("store", Status::Ok, at),
        Err(e) => Check::new("store", Status::Warn, format!("{at}: {e}")),
    }
}

/// What `/system/info` answered.
struct Answer {
    body: Value,
    /// The tenant's date (from its `Date` header), else the local one.
    date: chrono::NaiveDate,
}

/// A GET of `path` with `query`, without retries: the answer's body and
/// `Date`, or the error.
async fn get(cw: &ConnectWise, path: &str, query: &[(&str, &str)]) -> Result<Answer, ApiError> {
    let transport = cw.transport();
    let base = transport.base_url().as_str().trim_end_matches('/');
    let mut url = url::Url::parse(&format!("{base}{path}")).map_err(|e| ApiError::Refused(e.to_string()))?;
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    let response = transport
        .execute(reqwest::Request::new(reqwest::Method::GET, url))
        .await?;
    let date = response
        .headers()
        .get(reqwest::header::DATE)
        .and_then(|d| d.to_str().ok())
        .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
        .map(|d| d.date_naive())
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let bytes = response
        .bytes()
        .await
        .map_err(|e| ApiError::Decode(e.to_string()))?;
    Ok(Answer {
        body: read::decode(&bytes, None)?,
        date,
    })
}

/// Checks 1 and 2 from one request: `/system/info`.
async fn system_info(cw: &ConnectWise, config: &Config) -> Result<(Answer, Check, Check), Vec<Check>> {
    let site = config.site.to_string();
    match get(cw, "/system/info", &[]).await {
        Ok(info) => Ok((
            info,
            Check::new("site", Status::Ok, format!("{site} answers")),
            Check::new(
                "keys",
                Status::Ok,
                format!(
                    "ConnectWise accepts the keys of company {} and the clientId",
                    config.company_id
                ),
            ),
        )),
        Err(ApiError::Response(e)) => {
            let answered = Check::new("site", Status::Ok, format!("{site} answers"));
            let text = format!("{} {}", e.message, e.code.as_deref().unwrap_or("")).to_ascii_lowercase();
            let keys = match e.status {
                400 | 401 | 403 if text.contains("clientid") => Check::new(
                    "keys",
                    Status::Fail,
                    format!("ConnectWise refuses the clientId: {}", e.message),
                )
                .fix("set CW_CLIENT_ID to your integration's GUID from developer.connectwise.com (ConnectWise cloud requires one)"),
                401 => Check::new("keys", Status::Fail, format!("ConnectWise refuses the keys: {}", e.message)).fix(
                    "check CW_COMPANY_ID (the company you log in with), CW_PUBLIC_KEY and CW_PRIVATE_KEY (My Account > API Keys, or the API member's keys)",
                ),
                status => Check::new(
                    "keys",
                    Status::Fail,
                    format!("GET /system/info answered {status}: {}", e.message),
                )
                .fix("check that CW_SITE is your ConnectWise API host and that the API member is active"),
            };
            Err(vec![answered, keys])
        }
        Err(e) => Err(vec![site_failure(&site, &e)]),
    }
}

/// Why the site did not answer, in words an engineer can act on.
fn site_failure(site: &str, e: &ApiError) -> Check {
    let text = e.to_string();
    let lower = text.to_ascii_lowercase();
    let (what, fix) = if matches!(e, ApiError::Timeout(_)) {
        (
            "did not answer in time",
            "check the network path to the site (firewall, proxy) or raise CW_REQUEST_TIMEOUT_SECS",
        )
    } else if lower.contains("dns") || lower.contains("lookup") || lower.contains("resolve") {
        (
            "has a host name that does not resolve",
            "check CW_SITE (e.g. api-na.myconnectwise.net) and the machine's DNS",
        )
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        (
            "failed the TLS handshake",
            "the site's certificate is not trusted here: check the system's CA certificates, or a TLS-inspecting proxy",
        )
    } else if lower.contains("proxy") {
        (
            "cannot be reached through the proxy",
            "check HTTPS_PROXY / NO_PROXY",
        )
    } else if lower.contains("refused") {
        (
            "refuses connections",
            "check CW_SITE's host and port; is ConnectWise (or the simulator) running there?",
        )
    } else {
        ("cannot be reached", "check CW_SITE and the network")
    };
    Check::new("site", Status::Fail, format!("{site} {what}: {text}")).fix(fix)
}

/// Check 3: whom the keys belong to, and whether the configured "me" exists.
async fn member(cw: &ConnectWise, config: &Config) -> (Check, Option<String>) {
    let configured = config.member_identifier.clone();
    let mine = get(cw, "/system/myAccount", &[]).await.ok().and_then(|a| {
        let identifier = a.body.get("identifier")?.as_str()?.to_owned();
        let name = [a.body.get("firstName"), a.body.get("lastName")]
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        Some((identifier, name))
    });
    match (mine, configured) {
        (Some((id, name)), None) => (
            Check::new("member", Status::Warn, format!("the keys belong to {id} ({name}); no CW_MEMBER_IDENTIFIER is set"))
                .fix(format!("set CW_MEMBER_IDENTIFIER to the technician \"my tickets\" and \"my time\" mean (e.g. {id})")),
            Some(id),
        ),
        (Some((id, name)), Some(me)) if id.eq_ignore_ascii_case(&me) => (
            Check::new("member", Status::Ok, format!("the keys belong to {id} ({name}), who is \"me\"")),
            Some(id),
        ),
        (keys_of, Some(me)) => {
            let owner = keys_of.map(|(id, _)| format!("the keys belong to {id}; ")).unwrap_or_default();
            let condition = format!("identifier = {}", crate::conditions::Literal::from(me.as_str()));
            match get(cw, "/system/members", &[("conditions", &condition), ("fields", "id,identifier")]).await {
                Ok(a) if a.body.as_array().is_some_and(|m| !m.is_empty()) => (
                    Check::new("member", Status::Ok, format!("{owner}\"me\" is member {me}")),
                    Some(me),
                ),
                Ok(_) => (
                    Check::new("member", Status::Fail, format!("{owner}CW_MEMBER_IDENTIFIER {me:?} is no member of this tenant"))
                        .fix("set CW_MEMBER_IDENTIFIER to a member identifier as ConnectWise shows it (System > Members)"),
                    None,
                ),
                Err(e) => (
                    Check::new("member", Status::Warn, format!("{owner}cannot look up member {me:?}: {e}")),
                    Some(me),
                ),
            }
        }
        (None, None) => (
            Check::new("member", Status::Warn, "this tenant does not say whom the keys belong to (/system/myAccount), and no CW_MEMBER_IDENTIFIER is set")
                .fix("set CW_MEMBER_IDENTIFIER so that \"my tickets\" and \"my time\" work"),
            None,
        ),
    }
}

/// `v2022.1.123` or `2022.1` → (2022, 1).
fn version_of(text: &str) -> Option<(u32, u32)> {
    let mut parts = text.trim().trim_start_matches(['v', 'V']).split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// Check 4: the tenant's version against the compiled spec's.
fn version(info: &Value) -> Check {
    let compiled = crate::spec::API_VERSION;
    let Some(reported) = info.get("version").and_then(Value::as_str) else {
        return Check::new(
            "version",
            Status::Note,
            format!("the tenant does not report its version; this build speaks API {compiled}"),
        );
    };
    match (version_of(reported), version_of(compiled)) {
        (Some(tenant), Some(ours)) if tenant > ours => Check::new(
            "version",
            Status::Warn,
            format!("the tenant runs ConnectWise {reported}, newer than the API {compiled} this build was generated from"),
        )
        .fix("fetch the tenant's OpenAPI document (developer.connectwise.com) and run `cargo xtask regen --spec <file>`, then rebuild"),
        (Some(tenant), Some(ours)) if tenant < ours => Check::new(
            "version",
            Status::Warn,
            format!("the tenant runs ConnectWise {reported}, older than the API {compiled} of this build: newer fields and operations may be refused"),
        )
        .fix("regenerate with the tenant's OpenAPI document (`cargo xtask regen --spec <file>`)"),
        (Some(_), Some(_)) => Check::new("version", Status::Ok, format!("ConnectWise {reported}, the API version of this build ({compiled})")),
        _ => Check::new("version", Status::Note, format!("the tenant reports version {reported:?}; this build speaks API {compiled}")),
    }
}

/// The list operation that reads what `op` reads: itself for a list, the
/// collection of an item (`/service/tickets/{id}` → `/service/tickets`), the
/// collection a write goes to.
fn probe_for(op: &'static Operation) -> Option<&'static Operation> {
    if op.is_list() {
        return Some(op);
    }
    let path = op.path.trim_end_matches('/');
    let collection = match path.rsplit_once('/') {
        Some((parent, last)) if last.starts_with('{') => parent,
        _ => path,
    };
    catalog::by_template(Method::Get, collection).filter(|o| o.is_list())
}

/// The security-role area ConnectWise names for a module of the API.
fn role_area(module: &str) -> &'static str {
    match module {
        "service" => "Service Desk",
        "time" | "expense" => "Time & Expense",
        "company" => "Companies",
        "sales" => "Sales",
        "finance" => "Finance",
        "project" => "Project",
        "procurement" => "Procurement",
        "schedule" => "Schedule",
        "marketing" => "Marketing",
        _ => "System",
    }
}

/// Check 5: one probe per operation the enabled tools read.
async fn access(cw: &ConnectWise, inventory: &Inventory) -> Vec<Check> {
    let mut probes: BTreeMap<&'static str, (&'static Operation, Vec<&'static str>, bool)> = BTreeMap::new();
    for def in inventory.enabled() {
        let Some(op) = catalog::by_id(def.operation_id) else {
            continue;
        };
        let Some(probe) = probe_for(op) else { continue };
        let entry = probes.entry(probe.path).or_insert((probe, Vec::new(), false));
        entry.1.push(def.name);
        entry.2 |= def.tier != Tier::Read;
    }
    let mut checks = Vec::new();
    let (mut fine, mut writes, mut refused) = (Vec::new(), Vec::new(), 0);
    for (path, (_, tools, writes_here)) in &probes {
        match probe(cw, path).await {
            Ok(_) => {
                fine.extend(tools.iter().copied());
                if *writes_here {
                    writes.push(*path);
                }
            }
            Err(ApiError::Response(e)) if e.status == 403 => {
                refused += tools.len();
                let module = path.split('/').nth(1).unwrap_or_default();
                checks.push(
                    Check::new(
                        "access",
                        Status::Fail,
                        format!("the API member may not read {path} ({}): {}", tools.join(", "), e.message),
                    )
                    .fix(format!(
                        "in ConnectWise, System > Security Roles: give the API member's role Inquire access in {} for {path}, or turn these tools off (--toolsets / --tools)",
                        role_area(module)
                    )),
                );
            }
            Err(e) => {
                refused += tools.len();
                checks.push(Check::new(
                    "access",
                    Status::Warn,
                    format!("reading {path} ({}) failed: {e}", tools.join(", ")),
                ));
            }
        }
    }
    if !fine.is_empty() {
        let mut detail = match refused {
            0 => format!(
                "all {} enabled tools that read ConnectWise can read what they need",
                fine.len()
            ),
            n => format!(
                "{} of {} enabled tools can read what they need",
                fine.len(),
                fine.len() + n
            ),
        };
        if !writes.is_empty() {
            detail.push_str(&format!(
                "; writes are not tried (doctor never writes), but {} can be read",
                writes.join(", ")
            ));
        }
        checks.insert(0, Check::new("access", Status::Ok, detail));
    }
    checks
}

/// Reads one id of the list at `template`. A child collection
/// (`/service/tickets/{parentId}/notes`) is read under the first record of
/// its parent; with no parent record, the parent list is what is read.
async fn probe(cw: &ConnectWise, template: &str) -> Result<Answer, ApiError> {
    let one = [("pageSize", "1"), ("fields", "id")];
    let Some(open) = template.find("/{") else {
        return get(cw, template, &one).await;
    };
    let parent = get(cw, &template[..open], &one).await?;
    let Some(id) = parent
        .body
        .get(0)
        .and_then(|r| r.get("id"))
        .and_then(Value::as_i64)
    else {
        return Ok(parent);
    };
    let close = template[open..]
        .find('}')
        .map_or(template.len(), |c| open + c + 1);
    let child = format!("{}/{id}{}", &template[..open], &template[close..]);
    if child.contains('{') {
        return Ok(parent);
    }
    get(cw, &child, &one).await
}

/// The statuses of a time sheet that still take time entries.
const OPEN_SHEET: &[&str] = &["Open", "Rejected", "ErrorsCorrected"];

/// The record of `records` whose `start`..=`end` dates hold `day`. The
/// spec types these dates as plain text, so they are compared here rather
/// than in `conditions`.
fn covering<'a>(records: &'a Value, start: &str, end: &str, day: chrono::NaiveDate) -> Option<&'a Value> {
    let date = |r: &Value, key: &str| {
        r.get(key)
            .and_then(Value::as_str)
            .and_then(|t| chrono::NaiveDate::parse_from_str(t.get(..10)?, "%Y-%m-%d").ok())
    };
    records
        .as_array()?
        .iter()
        .find(|r| date(r, start).is_some_and(|s| s <= day) && date(r, end).is_some_and(|e| day <= e))
}

/// Check 6: today's time sheet of "me".
async fn time_sheet(cw: &ConnectWise, member: Option<&str>, today: chrono::NaiveDate) -> Check {
    let Some(member) = member else {
        return Check::new(
            "time",
            Status::Skipped,
            "no member to look up a time sheet for (see member)",
        );
    };
    let condition = format!("member/identifier = {}", crate::conditions::Literal::from(member));
    let query = [
        ("conditions", condition.as_str()),
        ("orderBy", "dateStart desc"),
        ("pageSize", "10"),
        ("fields", "id,status,dateStart,dateEnd"),
    ];
    let sheets = match get(cw, "/time/sheets", &query).await {
        Ok(a) => a.body,
        Err(e) => return Check::new("time", Status::Warn, format!("cannot read time sheets: {e}")),
    };
    let Some(sheet) = covering(&sheets, "dateStart", "dateEnd", today) else {
        return period_of(cw, today).await;
    };
    let status = sheet.get("status").and_then(Value::as_str).unwrap_or("unknown");
    let day = |key: &str| {
        sheet
            .get(key)
            .and_then(Value::as_str)
            .and_then(|t| t.get(..10))
            .unwrap_or("?")
            .to_owned()
    };
    let span = format!("{} to {}", day("dateStart"), day("dateEnd"));
    if OPEN_SHEET.contains(&status) {
        Check::new(
            "time",
            Status::Ok,
            format!("{member}'s time sheet for {span} is {status}: time can be entered for {today}"),
        )
    } else {
        Check::new(
            "time",
            Status::Warn,
            format!("{member}'s time sheet for {span} is {status}: time entries for {today} will be refused"),
        )
        .fix(
            "ask your manager or a ConnectWise admin to reopen the time sheet (Time & Expense > Time Sheets)",
        )
    }
}

/// Without a time sheet yet, whether a time period covers `today`.
async fn period_of(cw: &ConnectWise, today: chrono::NaiveDate) -> Check {
    let setup = get(cw, "/time/timePeriodSetups/default", &[]).await;
    let Some(id) = setup.ok().and_then(|a| a.body.get("id").and_then(Value::as_i64)) else {
        return Check::new(
            "time",
            Status::Note,
            format!("no time sheet covers {today} yet, and the tenant's time periods cannot be read"),
        );
    };
    let query = [("orderBy", "startDate desc"), ("pageSize", "60")];
    match get(cw, &format!("/time/timePeriodSetups/{id}/periods"), &query).await {
        Ok(a) if covering(&a.body, "startDate", "endDate", today).is_some() => {
            Check::new("time", Status::Ok, format!("a time period covers {today} and no time sheet has closed it"))
        }
        Ok(_) => Check::new("time", Status::Warn, format!("no time period covers {today}: time entries for today will be refused"))
            .fix("a ConnectWise admin must set up this year's time periods (System > Setup Tables > Time Period Setup)"),
        Err(e) => Check::new("time", Status::Note, format!("no time sheet covers {today} yet; periods: {e}")),
    }
}

/// How many records of each kind the shape check reads: one page, enough
/// to meet the odd record among ordinary ones.
const SHAPE_SAMPLE: &str = "25";

/// Check 7: a page of records per curated entity, compared with the spec.
async fn shapes(cw: &ConnectWise, inventory: &Inventory) -> Vec<Check> {
    let mut seen = Vec::new();
    let mut checks = Vec::new();
    for def in inventory.enabled() {
        let Some(op) = catalog::by_id(def.operation_id).and_then(probe_for) else {
            continue;
        };
        let Some(schema) = op.response_schema else {
            continue;
        };
        if seen.contains(&op.path) || def.toolset == "api" {
            continue;
        }
        seen.push(op.path);
        let Ok(a) = get(cw, op.path, &[("pageSize", SHAPE_SAMPLE)]).await else {
            continue;
        };
        let mut found = Vec::new();
        for record in a.body.as_array().into_iter().flatten() {
            for d in deviations(schema, record) {
                if !found.contains(&d) {
                    found.push(d);
                }
            }
        }
        if found.is_empty() {
            continue;
        }
        checks.push(Check::new(
            "shapes",
            Status::Note,
            format!(
                "{schema} ({}) differs from the spec (reads pass it on as sent): {}",
                op.path,
                summary(&found, 15)
            ),
        ));
    }
    if checks.is_empty() {
        checks.push(Check::new(
            "shapes",
            Status::Ok,
            format!("{} kinds of record look as the spec describes", seen.len()),
        ));
    }
    checks
}

/// The report as JSON, for machines.
pub fn to_json(report: &Report) -> Value {
    json!(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_year_and_release() {
        assert_eq!(version_of("v2022.1.92179"), Some((2022, 1)));
        assert_eq!(version_of("2024.2"), Some((2024, 2)));
        assert_eq!(version(&json!({"version": "v2025.1.1"})).status, Status::Warn);
        assert_eq!(version(&json!({"version": "v2022.1.3"})).status, Status::Ok);
        assert!(
            version(&json!({"version": "v2025.1.1"}))
                .fix
                .unwrap()
                .contains("cargo xtask regen")
        );
        assert_eq!(version(&json!({})).status, Status::Note);
    }

    #[test]
    fn each_tool_is_probed_through_the_list_it_reads() {
        let probe = |id: &str| probe_for(catalog::by_id(id).unwrap()).map(|o| o.path);
        assert_eq!(probe("getServiceTickets"), Some("/service/tickets"));
        assert_eq!(probe("getServiceTicketsById"), Some("/service/tickets"));
        assert_eq!(
            probe("postServiceTicketsByParentIdNotes"),
            Some("/service/tickets/{parentId}/notes")
        );
        assert_eq!(probe("patchServiceTicketsById"), Some("/service/tickets"));
    }
}
