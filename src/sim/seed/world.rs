//! What later generators need to know about records generated earlier, so that
//! every reference points at a record that exists and agrees with it.

use serde_json::Value;

use super::time::ts;

/// `rec!({"id": 1, "name": name})`: a JSON object whose values are moved in with
/// `Value::from` (unlike `json!`, which re-serializes each one; large tenants are
/// allocation-bound).
macro_rules! rec {
    ({ $($key:literal : $value:expr),* $(,)? }) => {{
        let mut map = serde_json::Map::new();
        $( map.insert(String::from($key), $crate::sim::seed::world::IntoJson::into_json($value)); )*
        serde_json::Value::Object(map)
    }};
}
pub(crate) use rec;

/// What `rec!` accepts as a value: owned values move, borrowed ones are copied.
pub(crate) trait IntoJson {
    fn into_json(self) -> Value;
}

macro_rules! into_json_via_from {
    ($($t:ty),*) => {$(
        impl IntoJson for $t {
            fn into_json(self) -> Value {
                Value::from(self)
            }
        }
    )*};
}
into_json_via_from!(Value, String, &str, bool, i64, i32, usize, u32, f64, Vec<Value>);

impl IntoJson for &String {
    fn into_json(self) -> Value {
        Value::String(self.clone())
    }
}

impl IntoJson for &&str {
    fn into_json(self) -> Value {
        Value::String((*self).to_string())
    }
}

impl IntoJson for &Value {
    fn into_json(self) -> Value {
        self.clone()
    }
}

impl<T: IntoJson> IntoJson for Option<T> {
    fn into_json(self) -> Value {
        self.map_or(Value::Null, IntoJson::into_json)
    }
}

pub(crate) struct Member {
    pub id: i64,
    pub identifier: String,
    pub name: String,
    pub title: &'static str,
}

impl Member {
    pub fn reference(&self) -> Value {
        rec!({"id": self.id, "identifier": &self.identifier, "name": &self.name})
    }
}

pub(crate) struct Status {
    pub id: i64,
    pub name: &'static str,
    pub closed: bool,
}

pub(crate) struct Board {
    pub id: i64,
    pub name: &'static str,
    pub statuses: Vec<Status>,
    /// (id, name)
    pub types: Vec<(i64, &'static str)>,
}

impl Board {
    pub fn reference(&self) -> Value {
        rec!({"id": self.id, "name": self.name})
    }
    pub fn status(&self, name: &str) -> &Status {
        self.statuses
            .iter()
            .find(|s| s.name == name)
            .expect("board has status")
    }
}

pub(crate) struct Site {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub city: &'static str,
    pub state: &'static str,
    pub zip: String,
}

impl Site {
    pub fn reference(&self) -> Value {
        rec!({"id": self.id, "name": &self.name})
    }
}

pub(crate) struct Company {
    pub id: i64,
    pub identifier: String,
    pub name: String,
    pub domain: String,
    /// Device-name prefix: `"ACME"` in `"ACME-DC01"`.
    pub prefix: String,
    pub sites: Vec<Site>,
    /// Indices into `Gen::contacts`.
    pub contacts: Vec<usize>,
    /// Device names by kind, for alert and ticket text: servers, firewalls, printers.
    pub servers: Vec<String>,
    pub firewalls: Vec<String>,
    pub workstations: usize,
    /// Index into `Gen::agreements`.
    pub agreement: Option<usize>,
}

impl Company {
    pub fn reference(&self) -> Value {
        rec!({"id": self.id, "identifier": &self.identifier, "name": &self.name})
    }
}

pub(crate) struct Contact {
    pub id: i64,
    pub company: usize,
    pub site: usize,
    pub first: &'static str,
    pub last: &'static str,
    pub email: String,
    pub phone: String,
}

impl Contact {
    pub fn name(&self) -> String {
        format!("{} {}", self.first, self.last)
    }
    pub fn reference(&self) -> Value {
        rec!({"id": self.id, "name": self.name()})
    }
}

pub(crate) struct Agreement {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub company: usize,
    pub monthly: f64,
}

impl Agreement {
    pub fn reference(&self) -> Value {
        rec!({"id": self.id, "name": &self.name, "type": self.kind})
    }
}

/// A service or project ticket, as time entries, schedule entries and invoices see it.
pub(crate) struct Ticket {
    pub id: i64,
    pub summary: String,
    pub company: usize,
    pub owner: Option<usize>,
    pub entered: i64,
    pub closed: Option<i64>,
    pub scheduled: bool,
    /// For project tickets: (project index, phase id, phase name).
    pub project: Option<(usize, i64, String)>,
}

impl Ticket {
    pub fn reference(&self) -> Value {
        rec!({"id": self.id, "summary": &self.summary})
    }
}

pub(crate) struct Project {
    pub id: i64,
    pub name: String,
}

/// The `_info` object every record carries.
pub(crate) fn info(entered: i64, entered_by: &str, updated: i64, updated_by: &str) -> Value {
    rec!({
        "dateEntered": ts(entered),
        "enteredBy": entered_by,
        "lastUpdated": ts(updated.max(entered)),
        "updatedBy": updated_by,
    })
}

pub(crate) fn named(id: i64, name: &str) -> Value {
    rec!({"id": id, "name": name})
}

/// Money rounded to cents.
pub(crate) fn cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
