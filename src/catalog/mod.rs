//! Every ConnectWise operation of the spec, as static data generated at
//! build time (`emit.rs`, run by `build.rs`): find one ([`search`]), explain
//! one ([`describe`]), look one up by id or by method and template, and match
//! a caller's path to one ([`path`]). Path templates and the percent-coding
//! of their segments have their home in [`template`], which the simulator
//! shares.
//!
//! Nothing here costs anything at start-up: the array is in the binary's
//! read-only data; the search index is built on the first search, or just
//! after a server starts ([`search::prepare`], off the client's path).

pub mod browse;
pub mod describe;
pub mod path;
pub mod script;
pub mod search;
pub mod template;
pub mod vocabulary;

/// What an operation does, from its HTTP method: GET reads; POST, PUT and
/// PATCH write; DELETE deletes. Reads are on by default; writes and deletes
/// each need their own switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Read,
    Write,
    Delete,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Read => "read",
            Tier::Write => "write",
            Tier::Delete => "delete",
        }
    }
}

/// An HTTP method of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }

    /// `get`, `GET`, `Get`…; `None` for anything the spec does not use.
    pub fn parse(text: &str) -> Option<Method> {
        match text.trim().to_ascii_uppercase().as_str() {
            "GET" => Some(Method::Get),
            "POST" => Some(Method::Post),
            "PUT" => Some(Method::Put),
            "PATCH" => Some(Method::Patch),
            "DELETE" => Some(Method::Delete),
            _ => None,
        }
    }
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    Path,
    Query,
}

/// One parameter of an operation (the `clientId` header is left out: the
/// transport sends it).
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub name: &'static str,
    pub location: Location,
    /// JSON type: `integer`, `number`, `boolean`, `string`, or `object`.
    pub ty: &'static str,
    pub required: bool,
}

/// One operation of the spec.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    pub id: &'static str,
    pub method: Method,
    /// The template, e.g. `/service/tickets/{id}`.
    pub path: &'static str,
    pub tag: &'static str,
    /// The first path segment (`service`, `finance`, `procurement`, …).
    pub module: &'static str,
    pub summary: &'static str,
    pub params: &'static [Param],
    /// The component schema of the request body (the item schema of an array body).
    pub request_schema: Option<&'static str>,
    pub request_is_array: bool,
    /// The component schema of the success response (the item schema of a list).
    pub response_schema: Option<&'static str>,
    pub response_is_array: bool,
    /// Top-level field names of the response and request schemas, space-separated.
    pub fields: &'static str,
    /// From the method: GET read; POST, PUT, PATCH write; DELETE delete.
    pub tier: Tier,
}

impl Operation {
    pub fn path_params(&self) -> impl Iterator<Item = &'static Param> {
        self.params.iter().filter(|p| p.location == Location::Path)
    }

    pub fn query_params(&self) -> impl Iterator<Item = &'static Param> {
        self.params.iter().filter(|p| p.location == Location::Query)
    }

    /// A GET that returns a list (pageable, filterable).
    pub fn is_list(&self) -> bool {
        self.method == Method::Get && self.response_is_array
    }
}

include!(concat!(env!("OUT_DIR"), "/catalog.rs"));

/// Every operation of the spec, sorted by operationId.
pub fn operations() -> &'static [Operation] {
    OPERATIONS
}

/// The operation with this operationId (exact, else case-insensitive).
pub fn by_id(id: &str) -> Option<&'static Operation> {
    let id = id.trim();
    OPERATIONS
        .iter()
        .find(|o| o.id == id)
        .or_else(|| OPERATIONS.iter().find(|o| o.id.eq_ignore_ascii_case(id)))
}

/// The operation of `method` on exactly this template.
pub fn by_template(method: Method, template: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
        .find(|o| o.method == method && o.path.eq_ignore_ascii_case(template.trim()))
}

/// Up to three operationIds close to `id`, for "did you mean".
pub fn close_ids(id: &str) -> Vec<&'static str> {
    let wanted = id.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'static str)> = OPERATIONS
        .iter()
        .map(|o| (strsim::levenshtein(&o.id.to_ascii_lowercase(), &wanted), o.id))
        .collect();
    scored.sort();
    scored
        .into_iter()
        .take(3)
        .filter(|(d, _)| *d <= wanted.len() / 2 + 2)
        .map(|(_, id)| id)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalog_holds_every_operation_with_its_tier() {
        assert!(OPERATIONS.len() > 2500, "{}", OPERATIONS.len());
        let op = by_id("getServiceTickets").unwrap();
        assert_eq!(
            (op.method, op.path, op.tier),
            (Method::Get, "/service/tickets", Tier::Read)
        );
        assert!(op.is_list() && op.response_schema == Some("Ticket"));
        assert!(op.fields.split(' ').any(|f| f == "summary"));
        assert!(op.params.iter().all(|p| p.name != "clientId"));
        let op = by_id("deleteServiceTicketsById").unwrap();
        assert_eq!(op.tier, Tier::Delete);
        assert_eq!(op.path_params().next().map(|p| p.ty), Some("integer"));
        assert_eq!(
            by_id("postServiceTickets").unwrap().request_schema,
            Some("Ticket")
        );
        assert_eq!(close_ids("getServiceTicket").first(), Some(&"getServiceTickets"));
    }
}
