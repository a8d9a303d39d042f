//! The spec's path templates, matched against request paths.
//!
//! Every path in the normalised document becomes a [`Route`]. A request path
//! matches the template with the same number of segments whose literal
//! segments all match (case-insensitively, as IIS does) and that has the most
//! literal segments (`/service/tickets/count` beats `/service/tickets/{id}`).
//! Variables named `id` or ending in `Id` only match integers.

use serde_json::Value;
use std::collections::HashMap;
use std::sync::OnceLock;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Lit(String),
    Var(String),
}

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
pub struct Operation {
    /// `#/components/schemas/X` of the JSON request body, as `X`.
    pub request_schema: Option<String>,
    /// The schema of the response: the item schema for arrays.
    pub response_schema: Option<String>,
    pub response_is_array: bool,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub template: String,
    pub segments: Vec<Seg>,
    /// Lower-case method → operation.
    pub methods: HashMap<String, Operation>,
    pub kind: Kind,
    /// For items and counts: the template of the collection they belong to;
    /// for collections, their own template.
    pub collection: Option<String>,
}

pub struct RouteTable {
    pub routes: Vec<Route>,
    by_template: HashMap<String, usize>,
    by_len: HashMap<usize, Vec<usize>>,
}

/// A matched request path.
#[derive(Debug, Clone)]
pub struct Matched<'a> {
    pub route: &'a Route,
    /// Variable name → value, in template order.
    pub vars: Vec<(String, String)>,
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

fn schema_ref_name(schema: &Value) -> Option<String> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string)
}

fn operation(op: &Value) -> Operation {
    let request_schema = op
        .pointer("/requestBody/content/application~1json/schema")
        .and_then(schema_ref_name);
    let mut response_schema = None;
    let mut response_is_array = false;
    if let Some(responses) = op.get("responses").and_then(Value::as_object) {
        for (code, response) in responses {
            if !code.starts_with('2') {
                continue;
            }
            let Some(content) = response.get("content").and_then(Value::as_object) else {
                continue;
            };
            for (_, media) in content {
                let Some(schema) = media.get("schema") else {
                    continue;
                };
                if schema.get("type").and_then(Value::as_str) == Some("array") {
                    response_is_array = true;
                    response_schema = schema.get("items").and_then(schema_ref_name);
                } else {
                    response_schema = schema_ref_name(schema);
                }
            }
        }
    }
    Operation {
        request_schema,
        response_schema,
        response_is_array,
    }
}

fn parse_template(template: &str) -> Vec<Seg> {
    template
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => Seg::Var(name.to_string()),
            None => Seg::Lit(s.to_string()),
        })
        .collect()
}

impl RouteTable {
    pub fn from_spec(spec: &Value) -> RouteTable {
        let mut routes = Vec::new();
        if let Some(paths) = spec.get("paths").and_then(Value::as_object) {
            for (template, item) in paths {
                let Some(item) = item.as_object() else { continue };
                let methods = item
                    .iter()
                    .filter(|(m, _)| matches!(m.as_str(), "get" | "post" | "put" | "patch" | "delete"))
                    .map(|(m, op)| (m.clone(), operation(op)))
                    .collect();
                routes.push(Route {
                    template: template.clone(),
                    segments: parse_template(template),
                    methods,
                    kind: Kind::Other,
                    collection: None,
                });
            }
        }
        let by_template: HashMap<String, usize> = routes
            .iter()
            .enumerate()
            .map(|(i, r)| (r.template.clone(), i))
            .collect();
        // Classify.
        let mut kinds = Vec::with_capacity(routes.len());
        for route in &routes {
            let parent = route
                .template
                .rfind('/')
                .map(|i| &route.template[..i])
                .unwrap_or("");
            let kind = match route.segments.last() {
                Some(Seg::Lit(l)) if l == "count" && by_template.contains_key(parent) => {
                    (Kind::Count, Some(parent.to_string()))
                }
                Some(Seg::Var(_)) if !parent.is_empty() => (Kind::Item, Some(parent.to_string())),
                _ => {
                    let get_array = route.methods.get("get").is_some_and(|o| o.response_is_array);
                    let has_items = by_template.keys().any(|t| {
                        t.len() > route.template.len() + 1 && t.starts_with(&route.template) && {
                            let rest = &t[route.template.len()..];
                            rest.starts_with("/{") && rest.ends_with('}') && !rest[1..].contains('/')
                        }
                    });
                    if get_array || (route.methods.contains_key("post") && has_items) {
                        (Kind::Collection, Some(route.template.clone()))
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
        TABLE.get_or_init(|| RouteTable::from_spec(crate::spec::document()))
    }

    pub fn get(&self, template: &str) -> Option<&Route> {
        self.by_template.get(template).map(|&i| &self.routes[i])
    }

    /// Matches a path relative to the API root (`/service/tickets/17`).
    pub fn matches(&self, path: &str) -> Option<Matched<'_>> {
        let parts: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let candidates = self.by_len.get(&parts.len())?;
        let mut best: Option<(usize, &Route)> = None;
        'routes: for &i in candidates {
            let route = &self.routes[i];
            let mut literals = 0;
            for (seg, part) in route.segments.iter().zip(&parts) {
                match seg {
                    Seg::Lit(l) => {
                        if !l.eq_ignore_ascii_case(part) {
                            continue 'routes;
                        }
                        literals += 1;
                    }
                    Seg::Var(name) => {
                        if (name == "id" || name.ends_with("Id")) && part.parse::<i64>().is_err() {
                            continue 'routes;
                        }
                    }
                }
            }
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
                Seg::Lit(l) => concrete.push_str(l),
                Seg::Var(name) => {
                    let value = percent_decode(part);
                    concrete.push_str(&value);
                    vars.push((name.clone(), value));
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

/// Decodes `%XX` escapes in a path segment (invalid escapes stay as they are).
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
