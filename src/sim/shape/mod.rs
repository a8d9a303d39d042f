//! How a stored record is served: the stored form and the served form.
//!
//! Real ConnectWise records are large (a ticket has some 65 top-level keys
//! and 6 KB of JSON), and most of that is either the same for every record
//! of a kind or follows from something else. Storing it all would multiply
//! the Large tenant's memory several times, so the store keeps what is
//! distinctive per record and this module adds the rest when a record is
//! served:
//!
//! - **Defaults**: constant fields per collection ([`defaults`]), for fields
//!   the stored record does not have.
//! - **Computed fields**: fields that follow from other fields or from other
//!   records (a ticket's `team` and `department` from its board, its
//!   `slaStatus` and `respondMinutes` from its dates).
//! - **Links** ([`links`]): a record's `mobileGuid`, the links in its own
//!   `_info`, and every reference's `_info` (`*_href`, and the target's
//!   `mobileGuid`), built against the host the request came in on.
//! - **Custom fields** ([`custom_fields`]): one element per definition.
//! - **Odd shapes** ([`odd`]), when switched on.
//!
//! Filtering, sorting and `fields` see records exactly as served: a query
//! whose paths touch a served-only part ([`Shape::is_derived`]) is evaluated
//! on the served form of each record.

pub mod custom_fields;
pub mod defaults;
pub mod links;
pub mod odd;

use super::routes::RouteTable;
use super::store::Store;
use crate::spec::validate;
use links::{OwnLinks, RefLink};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// The `_info` keys a record stores; every other `_info` key is a link.
pub const AUDIT_KEYS: [&str; 4] = ["dateEntered", "enteredBy", "lastUpdated", "updatedBy"];

/// A field computed at serving time from the stored record (and other records).
pub type Computed = fn(&Map<String, Value>, &View<'_>) -> Option<Value>;

/// How to add links to a property's value.
enum Dress {
    /// A reference: add its `_info`.
    Ref(&'static RefLink),
    /// An array: dress each element.
    Each(Box<Dress>),
    /// An object holding references.
    Fields(HashMap<String, Dress>),
}

/// How the records of one collection template are served.
pub struct Shape {
    pub template: String,
    /// The record schema, when the spec names one.
    pub schema: Option<&'static Value>,
    dress: HashMap<String, Dress>,
    own: OwnLinks,
    defaults: Vec<(&'static str, Value)>,
    computed: &'static [(&'static str, Computed)],
    custom_fields: Vec<&'static custom_fields::Definition>,
    /// Whether odd shapes apply to this collection's records.
    odd: bool,
}

fn dress_of(prop: &'static Value, depth: usize) -> Option<Dress> {
    if let Some(name) = validate::ref_name(prop)
        && let Some(link) = links::ref_link(name)
    {
        return Some(Dress::Ref(link));
    }
    let resolved = validate::resolve(prop);
    if resolved.get("type").and_then(Value::as_str) == Some("array") {
        return dress_of(resolved.get("items")?, depth).map(|d| Dress::Each(Box::new(d)));
    }
    if depth == 0 {
        return None;
    }
    let props = resolved.get("properties")?.as_object()?;
    let fields: HashMap<String, Dress> = props
        .iter()
        .filter_map(|(k, v)| dress_of(v, depth - 1).map(|d| (k.clone(), d)))
        .collect();
    (!fields.is_empty()).then_some(Dress::Fields(fields))
}

impl Shape {
    fn build(template: &str) -> Shape {
        let schema = RouteTable::global()
            .record_schema(template)
            .and_then(validate::schema_named);
        let dress = schema
            .map(validate::resolve)
            .and_then(|s| s.get("properties"))
            .and_then(Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .filter(|(k, _)| k.as_str() != "_info" && k.as_str() != "customFields")
                    .filter_map(|(k, v)| dress_of(v, 1).map(|d| (k.clone(), d)))
                    .collect()
            })
            .unwrap_or_default();
        Shape {
            template: template.to_string(),
            schema,
            dress,
            own: links::own_links(template),
            defaults: defaults::defaults(template),
            computed: defaults::computed(template),
            custom_fields: custom_fields::definitions(template),
            odd: odd::applies_to(template),
        }
    }

    /// The shape of the records at a collection template.
    pub fn of(template: &str) -> &'static Shape {
        static SHAPES: OnceLock<Mutex<HashMap<String, &'static Shape>>> = OnceLock::new();
        let mut shapes = SHAPES
            .get_or_init(Default::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(shape) = shapes.get(template) {
            return shape;
        }
        let shape: &'static Shape = Box::leak(Box::new(Shape::build(template)));
        shapes.insert(template.to_string(), shape);
        shape
    }

    /// Whether `path` (a field path of a query) reads something only the
    /// served form has: a link, a `mobileGuid`, custom fields, a default or
    /// a computed field.
    pub fn is_derived(&self, path: &[String]) -> bool {
        let Some(first) = path.first() else {
            return false;
        };
        let is = |s: &str, name: &str| s.eq_ignore_ascii_case(name);
        if is(first, "_info") {
            return path.get(1).is_none_or(|k| !AUDIT_KEYS.iter().any(|a| is(k, a)));
        }
        if path[1..].iter().any(|s| is(s, "_info"))
            || path.iter().any(|s| is(s, "mobileGuid") || is(s, "Sort"))
            || is(first, "customFields")
        {
            return true;
        }
        self.defaults.iter().any(|(k, _)| is(first, k)) || self.computed.iter().any(|(k, _)| is(first, k))
    }

    /// The top-level fields that hold a reference (or a list of references), with their links.
    pub fn reference_fields(&self) -> Vec<(&str, &'static RefLink)> {
        self.dress
            .iter()
            .filter_map(|(key, dress)| match dress {
                Dress::Ref(link) => Some((key.as_str(), *link)),
                Dress::Each(inner) => match inner.as_ref() {
                    Dress::Ref(link) => Some((key.as_str(), *link)),
                    _ => None,
                },
                Dress::Fields(_) => None,
            })
            .collect()
    }

    /// Whether this collection has custom field definitions.
    pub fn has_custom_fields(&self) -> bool {
        !self.custom_fields.is_empty()
    }
}

/// A collection as one request sees it: its shape, where it is served and
/// what else the served form needs.
pub struct View<'a> {
    pub shape: &'static Shape,
    /// The API root of the request: `http://host/v4_6_release/apis/3.0`.
    pub base: &'a str,
    /// The concrete collection path (`/service/tickets/17/notes`).
    pub path: &'a str,
    pub store: &'a Store,
    pub odd_shapes: bool,
}

/// The id of a reference (`{"id": 5, …}`) held at `key`.
fn ref_id(record: &Map<String, Value>, key: &str) -> Option<i64> {
    record.get(key)?.get("id")?.as_i64()
}

impl<'a> View<'a> {
    /// The view of the concrete collection `path` of `store`, served under `base`.
    pub fn of(store: &'a Store, base: &'a str, path: &'a str, odd_shapes: bool) -> View<'a> {
        let template = store
            .collection(path)
            .map(|c| c.template.clone())
            .unwrap_or_else(|| super::store::template_of(path));
        View {
            shape: Shape::of(&template),
            base,
            path,
            store,
            odd_shapes,
        }
    }
}

impl View<'_> {
    /// The id of the record's board, company or project, for reference
    /// paths: the record's own reference, the record itself, or the parent
    /// in the collection path.
    fn scope(&self, record: &Map<String, Value>, kind: &str) -> Option<i64> {
        let (own, segment) = match kind {
            "board" => ("/service/boards", "boards"),
            "company" => ("/company/companies", "companies"),
            "project" => ("/project/projects", "projects"),
            _ => return None,
        };
        if let Some(id) = ref_id(record, kind) {
            return Some(id);
        }
        if self.shape.template == own {
            return record.get("id").and_then(Value::as_i64);
        }
        let mut parts = self.path.split('/');
        parts.by_ref().find(|p| *p == segment)?;
        parts.next()?.parse().ok()
    }

    fn reference(&self, value: &Value, link: &RefLink, record: &Map<String, Value>) -> Value {
        let Value::Object(object) = value else {
            return value.clone();
        };
        let Some(id) = object.get("id").and_then(Value::as_i64) else {
            return value.clone();
        };
        let mut path = link.path.replace("{id}", &id.to_string());
        for kind in ["board", "company", "project"] {
            let placeholder = format!("{{{kind}}}");
            if path.contains(&placeholder) {
                let Some(scope) = self.scope(record, kind) else {
                    return value.clone();
                };
                path = path.replace(&placeholder, &scope.to_string());
            }
        }
        // Project tickets share the tickets' ids; their own path serves them.
        if link.schema == "TicketReference"
            && self.store.get("/service/tickets", id).is_none()
            && self.store.get("/project/tickets", id).is_some()
        {
            path = format!("/project/tickets/{id}");
        }
        let mut out = object.clone();
        let mut info = match out.remove("_info") {
            Some(Value::Object(info)) => info,
            _ => Map::new(),
        };
        let href = format!("{}/{path}", self.base);
        if link.schema == "PriorityReference"
            && let Some(lm) = self
                .store
                .get("/service/priorities", id)
                .and_then(|p| p.pointer("/_info/lastUpdated"))
                .and_then(Value::as_str)
        {
            info.insert("image_href".into(), format!("{href}/image?lm={lm}").into());
        }
        if link.schema == "ServiceStatusReference"
            && let Some(sort) = self
                .store
                .get(path.rsplit_once('/').map_or("", |(c, _)| c), id)
                .and_then(|s| s.get("sortOrder"))
        {
            // ConnectWise spells it with a capital S here.
            out.insert("Sort".into(), sort.clone());
        }
        info.insert(format!("{}_href", link.key), href.into());
        if let Some(ns) = link.guid {
            info.insert("mobileGuid".into(), links::mobile_guid(ns, id).into());
        }
        out.insert("_info".into(), Value::Object(info));
        Value::Object(out)
    }

    fn dress(&self, value: &Value, dress: &Dress, record: &Map<String, Value>) -> Value {
        match (dress, value) {
            (Dress::Ref(link), _) => self.reference(value, link, record),
            (Dress::Each(inner), Value::Array(items)) => {
                Value::Array(items.iter().map(|v| self.dress(v, inner, record)).collect())
            }
            (Dress::Fields(fields), Value::Object(object)) => Value::Object(
                object
                    .iter()
                    .map(|(k, v)| {
                        let v = match fields.get(k) {
                            Some(d) => self.dress(v, d, record),
                            None => v.clone(),
                        };
                        (k.clone(), v)
                    })
                    .collect(),
            ),
            _ => value.clone(),
        }
    }

    /// A top-level value as served: references dressed.
    fn served_value(&self, key: &str, value: &Value, record: &Map<String, Value>) -> Value {
        match self.shape.dress.get(key) {
            Some(d) => self.dress(value, d, record),
            None => value.clone(),
        }
    }

    /// The record's own `_info`: what it stores plus its links.
    fn info(&self, record: &Map<String, Value>) -> Option<Value> {
        let stored = record.get("_info");
        let id = record.get("id").and_then(Value::as_i64);
        let extras = defaults::info_extras(&self.shape.template, record);
        if id.is_none() || (self.shape.own.links.is_empty() && extras.is_empty()) {
            return stored.cloned();
        }
        let id = id.unwrap_or_default().to_string();
        let mut info = match stored {
            Some(Value::Object(info)) => info.clone(),
            _ => Map::new(),
        };
        let own = format!("{}{}/{id}", self.base, self.path);
        for (key, pattern) in self.shape.own.links {
            let url = pattern
                .replace("{base}", self.base)
                .replace("{self}", &own)
                .replace("{id}", &id);
            info.insert((*key).into(), url.into());
        }
        for (key, value) in extras {
            info.insert(key.into(), value);
        }
        Some(Value::Object(info))
    }

    /// The served value of one top-level key (`None`: the record does not have it).
    fn field(&self, key: &str, record: &Map<String, Value>) -> Option<Value> {
        match key {
            "_info" => return self.info(record),
            "customFields" if self.shape.has_custom_fields() || record.contains_key(key) => {
                return custom_fields::served(&self.shape.custom_fields, record.get(key));
            }
            "mobileGuid" if !record.contains_key(key) => {
                let ns = self.shape.own.guid?;
                let id = record.get("id")?.as_i64()?;
                return Some(links::mobile_guid(ns, id).into());
            }
            _ => {}
        }
        if let Some(v) = record.get(key) {
            return Some(self.served_value(key, v, record));
        }
        if let Some((_, f)) = self.shape.computed.iter().find(|(k, _)| *k == key) {
            return f(record, self).map(|v| self.served_value(key, &v, record));
        }
        let (_, v) = self.shape.defaults.iter().find(|(k, _)| *k == key)?;
        Some(self.served_value(key, v, record))
    }

    /// Every key the served form of `record` can have.
    fn keys<'k>(&self, record: &'k Map<String, Value>) -> Vec<&'k str> {
        let mut keys: Vec<&str> = record.keys().map(String::as_str).collect();
        keys.extend(self.shape.defaults.iter().map(|(k, _)| *k));
        keys.extend(self.shape.computed.iter().map(|(k, _)| *k));
        keys.push("_info");
        if self.shape.own.guid.is_some() {
            keys.push("mobileGuid");
        }
        if self.shape.has_custom_fields() {
            keys.push("customFields");
        }
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// The record as served, whole.
    pub fn serve(&self, record: &Value) -> Value {
        self.serve_where(record, |_| true)
    }

    /// The record as served, only the top-level keys `wanted` (any case).
    pub fn serve_keys(&self, record: &Value, wanted: &[String]) -> Value {
        self.serve_where(record, |k| wanted.iter().any(|w| w.eq_ignore_ascii_case(k)))
    }

    fn serve_where(&self, record: &Value, wanted: impl Fn(&str) -> bool) -> Value {
        let Value::Object(stored) = record else {
            return record.clone();
        };
        let odd = self.odd_shapes
            && self.shape.odd
            && stored
                .get("id")
                .and_then(Value::as_i64)
                .and_then(odd::of)
                .is_some();
        if odd {
            // The oddity is decided on the whole record, then the keys are picked.
            let mut whole = Value::Object(
                self.keys(stored)
                    .into_iter()
                    .filter_map(|k| Some((k.to_string(), self.field(k, stored)?)))
                    .collect(),
            );
            odd::apply(&mut whole, self.shape.schema);
            if let Value::Object(object) = &mut whole {
                object.retain(|k, _| wanted(k));
            }
            return whole;
        }
        let mut out = Map::new();
        for key in self.keys(stored) {
            if wanted(key)
                && let Some(v) = self.field(key, stored)
            {
                out.insert(key.to_string(), v);
            }
        }
        Value::Object(out)
    }

    /// The record's `customFields` as served (for `customFieldConditions`).
    pub fn custom_fields(&self, record: &Value) -> Vec<Value> {
        let served = match record.as_object() {
            Some(stored) => self.field("customFields", stored),
            None => None,
        };
        match served {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        }
    }
}

impl View<'_> {
    /// What a write stores of a record given in its served form: links, the
    /// `mobileGuid` and references' `_info` go (they are rebuilt on serving),
    /// and so do defaults and computed fields that hold what serving would
    /// give them anyway. A different value is kept: it overrides.
    pub fn stored_form(&self, record: &mut Value) {
        let Some(object) = record.as_object_mut() else {
            return;
        };
        let shape = self.shape;
        if let Some(Value::Object(info)) = object.get_mut("_info") {
            info.retain(|k, _| AUDIT_KEYS.contains(&k.as_str()));
        }
        for (key, value) in object.iter_mut() {
            if shape.dress.contains_key(key) {
                strip_links(value);
            }
        }
        let snapshot = object.clone();
        object.retain(|key, value| {
            let derived = match key.as_str() {
                "mobileGuid" => shape.own.guid.is_some(),
                _ => {
                    shape.defaults.iter().any(|(k, _)| k == key)
                        || shape.computed.iter().any(|(k, _)| k == key)
                }
            };
            if !derived {
                return true;
            }
            let mut without = snapshot.clone();
            without.remove(key);
            let served = self.field(key, &without).map(|mut v| {
                strip_links(&mut v);
                v
            });
            served.as_ref() != Some(value)
        });
    }
}

fn strip_links(value: &mut Value) {
    match value {
        Value::Object(object) => {
            object.remove("_info");
            object.remove("Sort");
            object.values_mut().for_each(strip_links);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_links),
        _ => {}
    }
}
