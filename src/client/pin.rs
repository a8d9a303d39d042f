//! A caller pinned to some companies: reads outside them return nothing,
//! writes outside them are refused, whatever tool made the request.
//!
//! It is enforced here, in the transport, because every request passes
//! through it: the generated calls of the curated tools (the `pre` hook),
//! and every raw call (`cw_call`, extra operations, saved queries, and
//! anything else built on `tool::call`). No tool can forget it.
//!
//! What each request becomes, by the operation its path resolves to:
//!
//! - **A list of records that carry a company** (`company` on the record:
//!   tickets, contacts, configurations, time entries, …; or the companies
//!   themselves): `company/identifier in (…)` (`identifier in (…)` for
//!   companies) is ANDed to its `conditions`, parsed and printed by the
//!   conditions engine, so no filter text can escape it. `…/count` too.
//! - **One such record** (`/service/tickets/8`), read or written, and
//!   **anything below it** (`/service/tickets/8/notes`): the record is
//!   looked up first with the same condition; outside, the request is
//!   refused without being sent, and says only that no such record is
//!   among the caller's companies.
//! - **A new record** (POST to such a list): its body's `company` must be
//!   one of them; a time entry is checked through the ticket it is charged
//!   to. A change (PATCH, PUT) may not move a record to another company or
//!   another charge.
//! - **Shared setup data** a technician reads every day and that belongs to
//!   no company ([`SHARED`]: boards, statuses, priorities, members, work
//!   types, company and contact types, billing cycles, sales stages, the
//!   product catalog): readable.
//! - **Anything else** (documents, schedule entries, reports, system
//!   settings, searches by body): refused for a pinned caller, rather than
//!   leaked.

use super::transport::Transport;
use crate::catalog::path::resolve;
use crate::catalog::{self, Method, Operation};
use crate::conditions::{self, Expr, FieldPath};
use serde_json::Value;

/// Collections (and everything below them) any pinned caller may read:
/// setup data that belongs to no company.
pub const SHARED: &[&str] = &[
    "/service/boards",
    "/service/priorities",
    "/service/sources",
    "/service/impacts",
    "/service/severities",
    "/service/locations",
    "/system/members",
    "/system/info",
    "/system/departments",
    "/time/workTypes",
    "/time/workRoles",
    "/company/configurations/types",
    "/company/configurations/statuses",
    "/company/contacts/types",
    "/company/companies/types",
    "/company/companies/statuses",
    "/finance/billingCycles",
    "/finance/agreements/types",
    "/schedule/types",
    "/project/statuses",
    "/sales/activities/types",
    "/sales/activities/statuses",
    "/sales/stages",
    "/procurement/catalog",
];

/// The companies a caller is limited to, by identifier (`ACME`), compared
/// as ConnectWise compares text: without regard to case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pin {
    identifiers: Vec<String>,
}

impl Pin {
    /// A pin to `identifiers`; an empty list is an error (it would hide
    /// everything; leave the setting out for no limit).
    pub fn new<S: AsRef<str>>(identifiers: impl IntoIterator<Item = S>) -> Result<Pin, String> {
        let mut list: Vec<String> = Vec::new();
        for id in identifiers {
            let id = id.as_ref().trim();
            if id.is_empty() || list.iter().any(|k| k.eq_ignore_ascii_case(id)) {
                continue;
            }
            list.push(id.to_owned());
        }
        if list.is_empty() {
            return Err("the company list is empty: name at least one company identifier (e.g. ACME)".into());
        }
        Ok(Pin { identifiers: list })
    }

    pub fn identifiers(&self) -> &[String] {
        &self.identifiers
    }

    /// Both limits at once: the companies in both (none in common pins to
    /// none, which nothing passes).
    pub fn narrow(&self, other: &Pin) -> Pin {
        let identifiers = self
            .identifiers
            .iter()
            .filter(|i| other.allows(i))
            .cloned()
            .collect();
        Pin { identifiers }
    }

    pub fn allows(&self, identifier: &str) -> bool {
        self.identifiers
            .iter()
            .any(|i| i.eq_ignore_ascii_case(identifier.trim()))
    }

    /// `field in ("A", "B")`, every value escaped by the printer.
    fn condition(&self, field: &str) -> Expr {
        let field = FieldPath::parse(field).expect("a fixed field path");
        Expr::is_in(field, self.identifiers.iter().map(String::as_str))
    }

    fn named(&self) -> String {
        self.identifiers.join(", ")
    }
}

/// How a collection's records belong to a company.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Owner {
    /// The companies themselves: `identifier`.
    Company,
    /// Records with a `company` reference: `company/identifier`.
    Field,
}

impl Owner {
    fn field(self) -> &'static str {
        match self {
            Owner::Company => "identifier",
            Owner::Field => "company/identifier",
        }
    }
}

/// How records of the collection at `template` belong to a company, if
/// they do: its list operation's record has a `company` reference.
fn owner_of(template: &str) -> Option<Owner> {
    if template.eq_ignore_ascii_case("/company/companies") {
        return Some(Owner::Company);
    }
    let list = catalog::by_template(Method::Get, template).filter(|op| op.is_list())?;
    let schema = crate::spec::schema(list.response_schema?)?;
    let company = schema.get("properties")?.get("company")?;
    let reference = company.get("$ref").and_then(Value::as_str).unwrap_or_default();
    reference.ends_with("/CompanyReference").then_some(Owner::Field)
}

fn shared(template: &str) -> bool {
    SHARED.iter().any(|s| {
        template.eq_ignore_ascii_case(s)
            || template
                .get(..s.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(s) && template[s.len()..].starts_with('/'))
    })
}

/// Admits a pinned caller's request: rewrites a list's `conditions`, looks
/// up the record it reads or changes, checks a new record's company.
/// `Err` says why it was refused; nothing was sent then (except the
/// look-ups, which only read).
pub(super) async fn admit(
    transport: &Transport,
    pin: &Pin,
    request: &mut reqwest::Request,
) -> Result<(), String> {
    let base = transport.base_url().path().trim_end_matches('/').to_owned();
    let path = request
        .url()
        .path()
        .strip_prefix(base.as_str())
        .unwrap_or_default()
        .to_owned();
    let method = Method::parse(request.method().as_str()).ok_or("an HTTP method ConnectWise does not use")?;
    let op = resolve(method, &path)
        .map_err(|e| {
            format!(
                "{} {path} cannot be checked against the company limit: {e}",
                method.as_str()
            )
        })?
        .operation;
    let segments: Vec<&str> = op.path.split('/').filter(|s| !s.is_empty()).collect();
    let values: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    // The first `{id}` names the record everything below it belongs to.
    if let Some(at) = segments.iter().position(|s| s.starts_with('{')) {
        let collection = format!("/{}", segments[..at].join("/"));
        if let Some(owner) = owner_of(&collection) {
            let id = values
                .get(at)
                .and_then(|v| v.parse::<i64>().ok())
                .ok_or("the record id is not a number")?;
            check_record(transport, pin, &collection, owner, id).await?;
            if at + 1 == segments.len() {
                check_change(pin, op, request, owner)?;
            }
            return Ok(());
        }
        if method == Method::Get && shared(&collection) {
            return Ok(());
        }
        return Err(refusal(op, pin));
    }
    let template = op.path;
    let collection = template.strip_suffix("/count").unwrap_or(template);
    match (method, owner_of(collection)) {
        (Method::Get, Some(owner)) if op.query_params().any(|p| p.name == "conditions") => {
            limit_list(pin, owner, request)
        }
        (Method::Post, Some(owner)) if collection == template => {
            check_new(transport, pin, op, owner, request).await
        }
        (Method::Get, None) if shared(template) => Ok(()),
        _ => Err(refusal(op, pin)),
    }
}

fn refusal(op: &Operation, pin: &Pin) -> String {
    format!(
        "{} {} cannot be limited to the companies this session may see ({}), so it is refused",
        op.method.as_str(),
        op.path,
        pin.named()
    )
}

/// ANDs the company condition to the list's `conditions`.
fn limit_list(pin: &Pin, owner: Owner, request: &mut reqwest::Request) -> Result<(), String> {
    let url = request.url_mut();
    let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let mut terms = Vec::new();
    if let Some(i) = pairs
        .iter()
        .position(|(k, _)| k.eq_ignore_ascii_case("conditions"))
    {
        let (_, text) = pairs.remove(i);
        if !text.trim().is_empty() {
            terms.push(conditions::parse(&text).map_err(|e| {
                format!("the conditions cannot be read to add the company limit to them: {e}")
            })?);
        }
    }
    terms.push(pin.condition(owner.field()));
    pairs.push(("conditions".into(), Expr::and(terms).to_string()));
    url.query_pairs_mut().clear().extend_pairs(&pairs);
    Ok(())
}

/// Whether record `id` of `collection` belongs to one of the companies:
/// one read of its id, under the same condition as a list.
async fn check_record(
    transport: &Transport,
    pin: &Pin,
    collection: &str,
    owner: Owner,
    id: i64,
) -> Result<(), String> {
    let field = FieldPath::parse("id").expect("a fixed field path");
    let filter = Expr::and(vec![Expr::eq(field, id), pin.condition(owner.field())]);
    if exists(transport, collection, &filter).await? {
        return Ok(());
    }
    Err(format!(
        "no record {id} of {collection} among the companies this session may see ({})",
        pin.named()
    ))
}

/// Whether `collection` has a record matching `filter` (a look-up of ids).
async fn exists(transport: &Transport, collection: &str, filter: &Expr) -> Result<bool, String> {
    let base = transport.base_url().as_str().trim_end_matches('/');
    let mut url = url::Url::parse(&format!("{base}{collection}")).map_err(|e| e.to_string())?;
    url.query_pairs_mut()
        .append_pair("conditions", &filter.to_string())
        .append_pair("fields", "id")
        .append_pair("pageSize", "1");
    let mut lookup = reqwest::Request::new(reqwest::Method::GET, url);
    transport.prepare(&mut lookup)?;
    let response = transport
        .send(lookup)
        .await
        .map_err(|e| format!("the company limit could not be checked: {e}"))?;
    if !response.status().is_success() {
        return Err(format!(
            "the company limit could not be checked: ConnectWise answered {} to the look-up of {collection}",
            response.status().as_u16()
        ));
    }
    let records: Value = response
        .json()
        .await
        .map_err(|e| format!("the company limit could not be checked: {e}"))?;
    Ok(records.as_array().is_some_and(|a| !a.is_empty()))
}

fn body_of(request: &reqwest::Request) -> Result<Option<Value>, String> {
    match request.body().and_then(|b| b.as_bytes()) {
        None => Ok(None),
        Some([]) => Ok(None),
        Some(bytes) => serde_json::from_slice(bytes)
            .map(Some)
            .map_err(|_| "the body is not JSON, so its company cannot be checked".to_owned()),
    }
}

/// A change to a record of one of the companies may not move it to another
/// company, nor recharge it (a time entry's charge names its company).
fn check_change(pin: &Pin, op: &Operation, request: &reqwest::Request, owner: Owner) -> Result<(), String> {
    let Some(body) = body_of(request)? else {
        return Ok(());
    };
    match op.method {
        Method::Patch => {
            for patch in body.as_array().into_iter().flatten() {
                let path = patch.get("path").and_then(Value::as_str).unwrap_or_default();
                let head = path.trim_start_matches('/').split('/').next().unwrap_or_default();
                let moves = match owner {
                    Owner::Company => head.eq_ignore_ascii_case("identifier"),
                    Owner::Field => {
                        head.eq_ignore_ascii_case("company")
                            || head.eq_ignore_ascii_case("chargeToId")
                            || head.eq_ignore_ascii_case("chargeToType")
                    }
                };
                if moves {
                    return Err(format!(
                        "`{path}` cannot be changed by a session limited to some companies ({})",
                        pin.named()
                    ));
                }
            }
            Ok(())
        }
        Method::Put if owner == Owner::Field => match company_named(&body) {
            Some(id) if pin.allows(&id) => Ok(()),
            _ => Err(format!(
                "the body's company must be one this session may see ({}), named by identifier",
                pin.named()
            )),
        },
        _ => Ok(()),
    }
}

/// `company.identifier` of a body.
fn company_named(body: &Value) -> Option<String> {
    body.get("company")?
        .get("identifier")?
        .as_str()
        .map(str::to_owned)
}

/// A new record: its company must be one of them, named by identifier or
/// by id; a time entry without one is checked through what it is charged to.
async fn check_new(
    transport: &Transport,
    pin: &Pin,
    op: &Operation,
    owner: Owner,
    request: &reqwest::Request,
) -> Result<(), String> {
    if owner == Owner::Company {
        return Err(refusal(op, pin));
    }
    let body = body_of(request)?.unwrap_or(Value::Null);
    let company = body.get("company");
    if let Some(identifier) = company_named(&body) {
        return match pin.allows(&identifier) {
            true => Ok(()),
            false => Err(format!(
                "company `{identifier}` is not among the companies this session may use ({})",
                pin.named()
            )),
        };
    }
    if let Some(id) = company.and_then(|c| c.get("id")).and_then(Value::as_i64) {
        return check_record(transport, pin, "/company/companies", Owner::Company, id).await;
    }
    let charge = (
        body.get("chargeToType").and_then(Value::as_str),
        body.get("chargeToId").and_then(Value::as_i64),
    );
    match charge {
        (Some("ServiceTicket"), Some(id)) => {
            check_record(transport, pin, "/service/tickets", Owner::Field, id).await
        }
        (Some("ProjectTicket"), Some(id)) => {
            check_record(transport, pin, "/project/tickets", Owner::Field, id).await
        }
        (Some("Activity"), Some(id)) => {
            check_record(transport, pin, "/sales/activities", Owner::Field, id).await
        }
        _ => Err(format!(
            "{} {} needs its company named (company.identifier) to be checked against the companies this session may use ({})",
            op.method.as_str(),
            op.path,
            pin.named()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_with_a_company_reference_are_found_from_the_spec() {
        for (template, owner) in [
            ("/service/tickets", Some(Owner::Field)),
            ("/company/contacts", Some(Owner::Field)),
            ("/company/configurations", Some(Owner::Field)),
            ("/time/entries", Some(Owner::Field)),
            ("/company/companies", Some(Owner::Company)),
            ("/service/boards", None),
            ("/schedule/entries", None),
            ("/system/documents", None),
        ] {
            assert_eq!(owner_of(template), owner, "{template}");
        }
        assert!(shared("/service/boards") && shared("/service/boards/{id}/statuses"));
        assert!(!shared("/service/boardsX") && !shared("/schedule/entries"));
    }

    #[test]
    fn a_lists_conditions_are_anded_and_cannot_escape() {
        let pin = Pin::new(["ACME", "acme", " Beta "]).unwrap();
        assert_eq!(pin.identifiers(), ["ACME", "Beta"]);
        let url = "https://cw.example/v4_6_release/apis/3.0/service/tickets?conditions=id%3D1)%20or%20(id%3E0&pageSize=5";
        let mut request = reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap());
        // Unbalanced text cannot be parsed, so it is refused, never pasted.
        assert!(limit_list(&pin, Owner::Field, &mut request).is_err());
        let url = "https://cw.example/v4_6_release/apis/3.0/service/tickets?conditions=id%3D1%20or%20id%3E0&pageSize=5";
        let mut request = reqwest::Request::new(reqwest::Method::GET, url.parse().unwrap());
        limit_list(&pin, Owner::Field, &mut request).unwrap();
        let conditions: Vec<String> = request
            .url()
            .query_pairs()
            .filter(|(k, _)| k == "conditions")
            .map(|(_, v)| v.into_owned())
            .collect();
        assert_eq!(
            conditions,
            [r#"(id = 1 or id > 0) and company/identifier in ("ACME", "Beta")"#]
        );
        assert!(Pin::new(Vec::<String>::new()).is_err());
        assert!(pin.narrow(&Pin::new(["OTHER"]).unwrap()).identifiers().is_empty());
    }
}
