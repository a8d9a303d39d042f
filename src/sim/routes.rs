//! The spec's operations grouped by path template, matched against request
//! paths.
//!
//! Every path template of the catalog ([`crate::catalog::operations`], the
//! facts the rest of the crate reads too) becomes a [`Route`] holding its
//! operations. A request path matches as [`crate::catalog::template`] says
//! (literals in any case, the most literal segments winning); here,
//! variables named `id` or ending in `Id` only match integers.

use crate::catalog::template::{self, Segment, decode_segment_lossy};
use crate::catalog::{Method, Operation, operations};
use std::collections::HashMap;
use std::sync::OnceLock;

/// What a request on a template does to the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A collection: GET lists, POST creates.
    Collection,
    /// One record of a collection: GET, PUT, PATCH, DELETE.
    Item,
    /// `{collection}/count`.
    Count,
    /// Anything else (singletons such as `/system/info`, actions such as `/merge`).
    Other,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub template: &'static str,
    pub segments: Vec<Segment<'static>>,
    /// The spec's operations on this template, one per method.
    pub operations: Vec<&'static Operation>,
    pub kind: Kind,
    /// For items and counts: the template of the collection they belong to;
    /// for collections, their own template.
    pub collection: Option<&'static str>,
}

impl Route {
    /// The operation of `method` on this template.
    pub fn operation(&self, method: Method) -> Option<&'static Operation> {
        self.operations.iter().copied().find(|o| o.method == method)
    }

    /// The schema of the records a GET answers with (the item schema of a list).
    pub fn record_schema(&self) -> Option<&'static str> {
        self.operation(Method::Get).and_then(|o| o.response_schema)
    }
}

/// The schema of an operation's JSON object body; `None` for array bodies
/// (PATCH's JSON Patch) and operations without a body.
pub fn object_body_schema(op: &Operation) -> Option<&'static str> {
    op.request_schema.filter(|_| !op.request_is_array)
}

pub struct RouteTable {
    pub routes: Vec<Route>,
    by_template: HashMap<&'static str, usize>,
    by_len: HashMap<usize, Vec<usize>>,
}

/// A matched request path.
#[derive(Debug, Clone)]
pub struct Matched<'a> {
    pub route: &'a Route,
    /// Variable name → value, in template order.
    pub vars: Vec<(&'static str, String)>,
    /// The concrete path with the template's spelling of literals, e.g. `/service/tickets/17/notes/3`.
    pub concrete: String,
}

impl Matched<'_> {
    /// The concrete collection path (`/service/tickets/17/notes`) for items and
    /// counts; the concrete path itself for collections.
    pub fn collection_path(&self) -> String {
        match self.route.kind {
            Kind::Item | Kind::Count => match self.concrete.rfind('/') {
                Some(i) => self.concrete[..i].to_string(),
                None => String::new(),
            },
            _ => self.concrete.clone(),
        }
    }

    /// The last variable's value (the item's id or identifier).
    pub fn item_key(&self) -> Option<&str> {
        self.vars.last().map(|(_, v)| v.as_str())
    }
}

/// The operations grouped by template, templates in byte order.
fn routes_of(operations: &'static [Operation]) -> Vec<Route> {
    let mut by_path: Vec<&'static Operation> = operations.iter().collect();
    by_path.sort_by_key(|o| o.path);
    let mut routes: Vec<Route> = Vec::new();
    for op in by_path {
        match routes.last_mut() {
            Some(route) if route.template == op.path => route.operations.push(op),
            _ => routes.push(Route {
                template: op.path,
                segments: template::segments(op.path),
                operations: vec![op],
                kind: Kind::Other,
                collection: None,
            }),
        }
    }
    routes
}

impl RouteTable {
    pub fn from_operations(operations: &'static [Operation]) -> RouteTable {
        let mut routes = routes_of(operations);
        let by_template: HashMap<&'static str, usize> =
            routes.iter().enumerate().map(|(i, r)| (r.template, i)).collect();
        // Classify.
        let mut kinds = Vec::with_capacity(routes.len());
        for route in &routes {
            let template: &'static str = route.template;
            let parent = template.rfind('/').map_or("", |i| &template[..i]);
            let kind = match route.segments.last() {
                Some(Segment::Literal("count")) if by_template.contains_key(parent) => {
                    (Kind::Count, Some(parent))
                }
                Some(Segment::Variable(_)) if !parent.is_empty() => (Kind::Item, Some(parent)),
                _ => {
                    let get_array = route.operation(Method::Get).is_some_and(|o| o.response_is_array);
                    let has_items = by_template.keys().any(|t| {
                        t.len() > route.template.len() + 1 && t.starts_with(route.template) && {
                            let rest = &t[route.template.len()..];
                            rest.starts_with("/{") && rest.ends_with('}') && !rest[1..].contains('/')
                        }
                    });
                    if get_array || (route.operation(Method::Post).is_some() && has_items) {
                        (Kind::Collection, Some(route.template))
                    } else {
                        (Kind::Other, None)
                    }
                }
            };
            kinds.push(kind);
        }
        for (route, (kind, collection)) in routes.iter_mut().zip(kinds) {
            route.kind = kind;
            route.collection = collection;
        }
        let mut by_len: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, r) in routes.iter().enumerate() {
            by_len.entry(r.segments.len()).or_default().push(i);
        }
        RouteTable {
            routes,
            by_template,
            by_len,
        }
    }

    /// The table for the embedded spec.
    pub fn global() -> &'static RouteTable {
        static TABLE: OnceLock<RouteTable> = OnceLock::new();
        TABLE.get_or_init(|| RouteTable::from_operations(operations()))
    }

    pub fn get(&self, template: &str) -> Option<&Route> {
        self.by_template.get(template).map(|&i| &self.routes[i])
    }

    /// The schema of the records a GET on `template` answers with.
    pub fn record_schema(&self, template: &str) -> Option<&'static str> {
        self.get(template).and_then(Route::record_schema)
    }

    /// Matches a path relative to the API root (`/service/tickets/17`).
    pub fn matches(&self, path: &str) -> Option<Matched<'_>> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let candidates = self.by_len.get(&parts.len())?;
        let mut best: Option<(usize, &Route)> = None;
        let takes = |name: &str, part: &str| !is_id(name) || part.parse::<i64>().is_ok();
        for &i in candidates {
            let route = &self.routes[i];
            let Some(literals) = template::literals_matched(&route.segments, &parts, takes) else {
                continue;
            };
            if best.is_none_or(|(n, _)| literals > n) {
                best = Some((literals, route));
            }
        }
        let (_, route) = best?;
        let mut vars = Vec::new();
        let mut concrete = String::new();
        for (seg, part) in route.segments.iter().zip(&parts) {
            concrete.push('/');
            match seg {
                Segment::Literal(l) => concrete.push_str(l),
                Segment::Variable(name) => {
                    let value = decode_segment_lossy(part);
                    concrete.push_str(&value);
                    vars.push((*name, value));
                }
            }
        }
        Some(Matched {
            route,
            vars,
            concrete,
        })
    }
}

/// A variable that names a record by number: `id`, `parentId`, `memberId`, ….
pub fn is_id(name: &str) -> bool {
    name == "id" || name.ends_with("Id")
}
