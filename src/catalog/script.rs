//! Every operation as a function of code mode's `cw` object (`cw_run`):
//! its name, grouped by module and resource (`service.tickets.list`), and
//! its TypeScript-style declaration, which `cw_search_endpoints` and
//! `cw_describe_endpoint` show so that a model writes the call right the
//! first time.
//!
//! Names are derived from the path template and the method, by one rule,
//! for every operation of the catalog: the literal segments are the
//! namespace (`/service/tickets/{parentId}/notes` → `service.tickets.notes`),
//! the method and the template's end the verb:
//!
//! | operation | verb |
//! | --- | --- |
//! | GET of a list | `list` |
//! | GET `…/count` | `count` (on the namespace without `count`) |
//! | GET ending in `{id}`, or of one record | `get` |
//! | POST | `create` |
//! | PUT | `replace` |
//! | PATCH | `patch` |
//! | DELETE | `delete` |
//!
//! Path parameters come first, in path order; then the body (POST, PUT:
//! the record; PATCH: a JSON Patch list); then the query options. The few
//! names the rule would give twice get the operationId instead (a test
//! keeps them few).

use super::template::{self, Segment};
use super::{Method, Operation, operations};
use heck::ToLowerCamelCase;
use std::sync::OnceLock;

/// The name of `op` below `cw.`: `service.tickets.list`.
pub fn name(op: &'static Operation) -> &'static str {
    names()
        .iter()
        .find(|(o, _)| std::ptr::eq(*o, op))
        .map(|(_, n)| n.as_str())
        .unwrap_or(op.id)
}

/// Every operation with its name, unique: the rule's name, or the
/// namespace and the operationId where the rule gives one name twice or a
/// name that is also a namespace.
pub fn names() -> &'static [(&'static Operation, String)] {
    static NAMES: OnceLock<Vec<(&'static Operation, String)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let ruled: Vec<(&'static Operation, String)> =
            operations().iter().map(|op| (op, ruled_name(op))).collect();
        let mut count = rustc_hash::FxHashMap::<&str, usize>::default();
        let mut prefixes = rustc_hash::FxHashSet::<&str>::default();
        for (_, n) in &ruled {
            *count.entry(n.as_str()).or_default() += 1;
            let mut end = 0;
            while let Some(dot) = n[end..].find('.') {
                end += dot;
                prefixes.insert(&n[..end]);
                end += 1;
            }
        }
        ruled
            .iter()
            .map(|(op, n)| {
                if count[n.as_str()] == 1 && !prefixes.contains(n.as_str()) {
                    (*op, n.clone())
                } else {
                    let namespace = n.rsplit_once('.').map_or("", |(ns, _)| ns);
                    (*op, format!("{namespace}.{}", op.id))
                }
            })
            .collect()
    })
}

/// The name the rule gives (before duplicates are resolved).
fn ruled_name(op: &Operation) -> String {
    let segments = template::segments(op.path);
    let mut namespace: Vec<String> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Literal(l) => Some(identifier(l)),
            Segment::Variable(_) => None,
        })
        .collect();
    let ends_in_variable = matches!(segments.last(), Some(Segment::Variable(_)));
    let verb = match op.method {
        Method::Get if !ends_in_variable && namespace.last().is_some_and(|l| l == "count") => {
            namespace.pop();
            "count"
        }
        Method::Get if op.is_list() && !ends_in_variable => "list",
        Method::Get => "get",
        Method::Post => "create",
        Method::Put => "replace",
        Method::Patch => "patch",
        Method::Delete => "delete",
    };
    namespace.push(verb.to_owned());
    namespace.join(".")
}

/// A path segment as a JavaScript identifier: `typeAssociations`,
/// `boardItems`; one that starts with a digit gets a `_`.
fn identifier(segment: &str) -> String {
    let name = segment.to_lower_camel_case();
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("_{name}")
    } else {
        name
    }
}

/// The query options of ConnectWise's lists (and of most one-record GETs),
/// named once so that a page of search hits does not spell them on every
/// hit: [`short_declaration`] writes `opts?: ListOpts`, and the answer says
/// what `ListOpts` is.
pub const LIST_OPTS: (&str, &str) = (
    "ListOpts",
    "{conditions?: string; childConditions?: string; customFieldConditions?: string; orderBy?: string; fields?: string; page?: number; pageSize?: number; pageId?: number}",
);

/// [`declaration`] with the standard list options as `ListOpts`
/// ([`LIST_OPTS`]): about half the tokens of a page of hits.
pub fn short_declaration(op: &'static Operation) -> String {
    declaration(op).replace(
        &format!("opts?: {}", LIST_OPTS.1),
        &format!("opts?: {}", LIST_OPTS.0),
    )
}

/// The declaration of `op` as a function of `cw`:
/// `cw.service.tickets.get(id: number, opts?: {fields?: string}): Ticket`.
pub fn declaration(op: &'static Operation) -> String {
    let mut params: Vec<String> = op
        .path_params()
        .map(|p| format!("{}: {}", p.name, ts_type(p.ty)))
        .collect();
    if let Some(body) = body_type(op) {
        params.push(format!("body: {body}"));
    }
    let options: Vec<String> = op
        .query_params()
        .map(|p| format!("{}?: {}", p.name, ts_type(p.ty)))
        .collect();
    if !options.is_empty() {
        params.push(format!("opts?: {{{}}}", options.join("; ")));
    }
    let returns = match (op.method, op.response_schema, op.response_is_array) {
        (Method::Get, _, _) if name(op).ends_with(".count") => "{count: number}".to_owned(),
        (_, Some(schema), true) => format!("{schema}[]"),
        (_, Some(schema), false) => schema.to_owned(),
        (_, None, _) => "unknown".to_owned(),
    };
    format!("cw.{}({}): {returns}", name(op), params.join(", "))
}

/// The body a write takes, if any.
fn body_type(op: &Operation) -> Option<String> {
    if op.method == Method::Patch {
        return Some("PatchOp[]".into());
    }
    let schema = op.request_schema?;
    Some(if op.request_is_array {
        format!("{schema}[]")
    } else {
        schema.to_owned()
    })
}

fn ts_type(json_type: &str) -> &'static str {
    match json_type {
        "integer" | "number" => "number",
        "boolean" => "boolean",
        "string" => "string",
        _ => "object",
    }
}

/// The rows code mode builds `cw` from, one per operation:
/// `[name, method, template, path parameter count, takes a body]`.
pub fn table_json() -> &'static str {
    static TABLE: OnceLock<String> = OnceLock::new();
    TABLE.get_or_init(|| {
        let rows: Vec<serde_json::Value> = names()
            .iter()
            .map(|(op, name)| {
                serde_json::json!([
                    name,
                    op.method.as_str(),
                    op.path,
                    op.path_params().count(),
                    body_type(op).is_some(),
                ])
            })
            .collect();
        serde_json::Value::Array(rows).to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::by_id;

    #[test]
    fn operations_are_named_by_module_resource_and_verb() {
        let named = |id: &str| name(by_id(id).unwrap());
        assert_eq!(named("getServiceTickets"), "service.tickets.list");
        assert_eq!(named("getServiceTicketsById"), "service.tickets.get");
        assert_eq!(named("getServiceTicketsCount"), "service.tickets.count");
        assert_eq!(named("postServiceTickets"), "service.tickets.create");
        assert_eq!(named("patchServiceTicketsById"), "service.tickets.patch");
        assert_eq!(named("deleteServiceTicketsById"), "service.tickets.delete");
        assert_eq!(
            named("getServiceTicketsByParentIdNotes"),
            "service.tickets.notes.list"
        );
        assert_eq!(named("getFinanceAgreements"), "finance.agreements.list");
    }

    #[test]
    fn every_name_is_unique_and_no_function_is_also_a_namespace() {
        let all = names();
        assert_eq!(all.len(), operations().len());
        let mut seen = rustc_hash::FxHashSet::default();
        for (_, n) in all {
            assert!(seen.insert(n.as_str()), "{n} twice");
        }
        for (_, n) in all {
            assert!(
                !seen.contains(n.rsplit_once('.').map_or("", |(ns, _)| ns)),
                "{n}: its namespace is also a function"
            );
        }
        let by_id_names = all.iter().filter(|(op, n)| n.ends_with(op.id)).count();
        assert!(
            by_id_names * 20 < all.len(),
            "{by_id_names} of {} operations fell back to their operationId",
            all.len()
        );
    }

    #[test]
    fn a_declaration_shows_parameters_body_options_and_result() {
        assert_eq!(
            declaration(by_id("patchServiceTicketsById").unwrap()),
            "cw.service.tickets.patch(id: number, body: PatchOp[]): Ticket"
        );
        let list = declaration(by_id("getServiceTickets").unwrap());
        assert!(
            list.starts_with("cw.service.tickets.list(opts?: {conditions?: string;"),
            "{list}"
        );
        assert!(list.ends_with("}): Ticket[]"), "{list}");
        let count = declaration(by_id("getServiceTicketsCount").unwrap());
        assert!(count.ends_with("): {count: number}"), "{count}");
        // The standard options are the ones a list takes, spelled once.
        assert_eq!(
            list,
            format!("cw.service.tickets.list(opts?: {}): Ticket[]", LIST_OPTS.1)
        );
        assert_eq!(
            short_declaration(by_id("getServiceTickets").unwrap()),
            "cw.service.tickets.list(opts?: ListOpts): Ticket[]"
        );
    }
}
