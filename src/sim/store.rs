//! The simulated tenant's records.
//!
//! Records live per concrete collection path (`/service/tickets`,
//! `/service/tickets/17/notes`) in a `Vec` sorted by id, so a read by id is a
//! binary search and a list scan walks records in id order without sorting.
//! New ids come from one counter per path template (notes of every ticket
//! share `/service/tickets/{parentId}/notes`'s counter), as ConnectWise's ids
//! are unique per table.

use super::routes::RouteTable;
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One collection's records, sorted by id.
#[derive(Debug, Default)]
pub struct Collection {
    /// The spec template this collection is served at.
    pub template: String,
    pub records: Vec<(i64, Value)>,
    /// Equality indexes on text fields, built on first use by a query and
    /// dropped on any change to the collection.
    indexes: Mutex<HashMap<Vec<String>, Arc<TextIndex>>>,
}

/// Positions of records by the folded text at one field path: the
/// candidates for `path = "text"`. Records whose value there is not plain
/// ASCII text (numbers, arrays, non-ASCII) are in `other` and always
/// candidates, so the index only narrows: the real test is still made by the
/// conditions evaluator.
#[derive(Debug, Default)]
pub struct TextIndex {
    pub by_text: HashMap<String, Vec<u32>>,
    pub other: Vec<u32>,
}

/// How the index folds text: ASCII lower case, trailing spaces cut (SQL
/// Server's padded comparison). `None` for text it cannot fold safely.
pub fn fold_key(text: &str) -> Option<String> {
    text.is_ascii()
        .then(|| text.trim_end_matches(' ').to_ascii_lowercase())
}

fn lookup_path<'a>(record: &'a Value, path: &[String]) -> Result<Option<&'a Value>, ()> {
    let mut v = record;
    for seg in path {
        let object = match v {
            Value::Object(o) => o,
            Value::Array(_) => return Err(()),
            _ => return Ok(None),
        };
        v = match object.get(seg.as_str()) {
            Some(next) => next,
            None => match object.iter().find(|(k, _)| k.eq_ignore_ascii_case(seg)) {
                Some((_, next)) => next,
                None => return Ok(None),
            },
        };
    }
    Ok(Some(v))
}

impl Collection {
    pub fn new(template: String, records: Vec<(i64, Value)>) -> Collection {
        Collection {
            template,
            records,
            indexes: Mutex::new(HashMap::new()),
        }
    }

    pub fn position(&self, id: i64) -> Result<usize, usize> {
        self.records.binary_search_by_key(&id, |(k, _)| *k)
    }

    pub fn get(&self, id: i64) -> Option<&Value> {
        self.position(id).ok().map(|i| &self.records[i].1)
    }

    /// The text index on `path`, built now if needed.
    pub fn text_index(&self, path: &[String]) -> Arc<TextIndex> {
        let mut indexes = self.indexes.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(index) = indexes.get(path) {
            return index.clone();
        }
        let mut index = TextIndex::default();
        for (i, (_, record)) in self.records.iter().enumerate() {
            match lookup_path(record, path) {
                Ok(None) | Ok(Some(Value::Null)) => {}
                Ok(Some(Value::String(s))) => match fold_key(s) {
                    Some(key) => index.by_text.entry(key).or_default().push(i as u32),
                    None => index.other.push(i as u32),
                },
                _ => index.other.push(i as u32),
            }
        }
        let index = Arc::new(index);
        indexes.insert(path.to_vec(), index.clone());
        index
    }

    fn changed(&mut self) {
        self.indexes.get_mut().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[derive(Debug, Default)]
pub struct Store {
    collections: HashMap<String, Collection>,
    counters: HashMap<String, i64>,
}

/// The template of a concrete collection path, e.g. `/service/tickets/17/notes`
/// → `/service/tickets/{parentId}/notes`.
pub fn template_of(path: &str) -> String {
    match RouteTable::global().matches(path) {
        Some(m) => m.route.collection.unwrap_or(m.route.template).to_owned(),
        None => path.to_string(),
    }
}

pub fn record_id(record: &Value) -> Option<i64> {
    record.get("id").and_then(Value::as_i64)
}

impl Store {
    /// A store holding `collections` (concrete path → records).
    pub fn from_collections(collections: impl IntoIterator<Item = (String, Vec<Value>)>) -> Store {
        let mut store = Store::default();
        for (path, records) in collections {
            let template = template_of(&path);
            let mut with_ids = Vec::with_capacity(records.len());
            let mut without_ids = Vec::new();
            for record in records {
                match record_id(&record) {
                    Some(id) => with_ids.push((id, record)),
                    None => without_ids.push(record),
                }
            }
            with_ids.sort_by_key(|(id, _)| *id);
            with_ids.dedup_by_key(|(id, _)| *id);
            let max = with_ids.last().map_or(0, |(id, _)| *id);
            let counter = store.counters.entry(template.clone()).or_insert(0);
            *counter = (*counter).max(max);
            store
                .collections
                .insert(path.clone(), Collection::new(template, with_ids));
            for record in without_ids {
                store.insert(&path, record);
            }
        }
        store
    }

    pub fn collection(&self, path: &str) -> Option<&Collection> {
        self.collections.get(path)
    }

    /// Every collection served at `template`.
    pub fn collections_at<'a>(
        &'a self,
        template: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a Collection)> {
        self.collections
            .iter()
            .filter(move |(_, c)| c.template == template)
    }

    pub fn paths(&self) -> impl Iterator<Item = &String> {
        self.collections.keys()
    }

    pub fn get(&self, path: &str, id: i64) -> Option<&Value> {
        self.collections.get(path)?.get(id)
    }

    pub fn get_mut(&mut self, path: &str, id: i64) -> Option<&mut Value> {
        let c = self.collections.get_mut(path)?;
        let i = c.position(id).ok()?;
        c.changed();
        Some(&mut c.records[i].1)
    }

    /// The next id for a new record in `path`.
    pub fn next_id(&mut self, path: &str) -> i64 {
        let template = self
            .collections
            .get(path)
            .map(|c| c.template.clone())
            .unwrap_or_else(|| template_of(path));
        let counter = self.counters.entry(template).or_insert(0);
        *counter += 1;
        *counter
    }

    /// Stores `record` in `path`, giving it an id when it has none; replaces a
    /// record with the same id. Returns the id.
    pub fn insert(&mut self, path: &str, mut record: Value) -> i64 {
        let id = match record_id(&record) {
            Some(id) => id,
            None => {
                let id = self.next_id(path);
                if let Some(object) = record.as_object_mut() {
                    object.insert("id".into(), Value::from(id));
                } else {
                    let mut object = Map::new();
                    object.insert("id".into(), Value::from(id));
                    record = Value::Object(object);
                }
                id
            }
        };
        let collection = self
            .collections
            .entry(path.to_string())
            .or_insert_with(|| Collection::new(template_of(path), Vec::new()));
        collection.changed();
        let counter = self.counters.entry(collection.template.clone()).or_insert(0);
        *counter = (*counter).max(id);
        match collection.position(id) {
            Ok(i) => collection.records[i].1 = record,
            Err(i) => collection.records.insert(i, (id, record)),
        }
        id
    }

    pub fn remove(&mut self, path: &str, id: i64) -> Option<Value> {
        let c = self.collections.get_mut(path)?;
        let i = c.position(id).ok()?;
        c.changed();
        Some(c.records.remove(i).1)
    }

    /// Drops every collection whose path starts with `prefix` (the children
    /// of a deleted record, e.g. `/service/tickets/17/`).
    pub fn remove_children(&mut self, prefix: &str) {
        self.collections.retain(|path, _| !path.starts_with(prefix));
    }

    /// Finds a record in `path` by id, else by `identifier`, else by `name`
    /// (case-insensitively, as ConnectWise compares text).
    pub fn find_reference(&self, path: &str, reference: &Value) -> Option<&Value> {
        let c = self.collections.get(path)?;
        if let Some(id) = reference.get("id").and_then(Value::as_i64) {
            return c.get(id);
        }
        for key in ["identifier", "name"] {
            if let Some(text) = reference.get(key).and_then(Value::as_str) {
                return c.records.iter().map(|(_, r)| r).find(|r| {
                    r.get(key)
                        .and_then(Value::as_str)
                        .is_some_and(|v| v.eq_ignore_ascii_case(text))
                });
            }
        }
        None
    }
}
