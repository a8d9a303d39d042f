//! Custom fields: the tenant's definitions, the `customFields` array a record
//! is served with, and the checks a write's `customFields` gets.
//!
//! A record stores only the values it has (`[{"id": 7, "value": "https://…"}]`);
//! it is served with one element per definition of its kind, in id order, each
//! `{id, caption, type, entryMethod, numberOfDecimals}` plus `value` when set,
//! as ConnectWise does (fields with no value leave `value` out). A write's
//! `customFields` replaces the stored values: a field left out of the array
//! is cleared, which is what ConnectWise does with a partial array.

use crate::sim::errors::FieldError;
use serde_json::{Map, Value, json};

/// One custom field definition (`/system/userDefinedFields`).
pub struct Definition {
    pub id: i64,
    /// The collection template whose records carry the field.
    pub template: &'static str,
    pub caption: &'static str,
    /// `Text`, `Number`, `Checkbox`, `Date`, `Hyperlink`, ...
    pub kind: &'static str,
    /// `EntryField`, `List`, `Date` or `Option`.
    pub entry_method: &'static str,
    pub decimals: i64,
    /// The choices of a `List` field.
    pub options: &'static [&'static str],
    pub help: &'static str,
}

const fn field(
    id: i64,
    template: &'static str,
    caption: &'static str,
    kind: &'static str,
    entry_method: &'static str,
    help: &'static str,
) -> Definition {
    Definition {
        id,
        template,
        caption,
        kind,
        entry_method,
        decimals: 0,
        options: &[],
        help,
    }
}

pub const TICKETS: &str = "/service/tickets";
pub const COMPANIES: &str = "/company/companies";
pub const CONFIGURATIONS: &str = "/company/configurations";

/// The choices of the companies' "Backup Provider" field.
pub const BACKUP_PROVIDERS: &[&str] = &["Datto", "Veeam", "Acronis", "Axcient"];

/// The definitions' ids, for the seed's values.
pub mod id {
    pub const VENDOR_TICKET: i64 = 1;
    pub const ESCALATED_TO_VENDOR: i64 = 2;
    pub const FOLLOW_UP_DATE: i64 = 3;
    pub const BACKUP_PROVIDER: i64 = 4;
    pub const CONTRACT_RENEWAL: i64 = 5;
    pub const SEATS_COVERED: i64 = 6;
    pub const LINK: i64 = 7;
    pub const BACKED_UP: i64 = 8;
    pub const RMM_AGENT_ID: i64 = 9;
}

/// Every definition of the simulated tenant, by id.
pub const DEFINITIONS: &[Definition] = &[
    field(
        id::VENDOR_TICKET,
        TICKETS,
        "Vendor Ticket #",
        "Text",
        "EntryField",
        "The case number the vendor gave us.",
    ),
    field(
        id::ESCALATED_TO_VENDOR,
        TICKETS,
        "Escalated to Vendor",
        "Checkbox",
        "EntryField",
        "Checked once the vendor has the case.",
    ),
    field(
        id::FOLLOW_UP_DATE,
        TICKETS,
        "Follow-up Date",
        "Date",
        "Date",
        "When to check back with the client.",
    ),
    Definition {
        options: BACKUP_PROVIDERS,
        ..field(
            id::BACKUP_PROVIDER,
            COMPANIES,
            "Backup Provider",
            "Text",
            "List",
            "Who backs up this client.",
        )
    },
    field(
        id::CONTRACT_RENEWAL,
        COMPANIES,
        "Contract Renewal",
        "Date",
        "Date",
        "When the managed services agreement renews.",
    ),
    field(
        id::SEATS_COVERED,
        COMPANIES,
        "Seats Covered",
        "Number",
        "EntryField",
        "Users covered by the agreement.",
    ),
    field(
        id::LINK,
        COMPANIES,
        "Link",
        "Hyperlink",
        "EntryField",
        "The client's documentation.",
    ),
    field(
        id::BACKED_UP,
        CONFIGURATIONS,
        "Backed Up",
        "Checkbox",
        "EntryField",
        "Covered by the backup service.",
    ),
    field(
        id::RMM_AGENT_ID,
        CONFIGURATIONS,
        "RMM Agent ID",
        "Text",
        "EntryField",
        "The device's id in the RMM.",
    ),
];

/// The definitions for records at `template`.
pub fn definitions(template: &str) -> Vec<&'static Definition> {
    DEFINITIONS.iter().filter(|d| d.template == template).collect()
}

impl Definition {
    /// The served element without its value.
    fn element(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("id".into(), self.id.into());
        m.insert("caption".into(), self.caption.into());
        m.insert("type".into(), self.kind.into());
        m.insert("entryMethod".into(), self.entry_method.into());
        m.insert("numberOfDecimals".into(), self.decimals.into());
        m
    }

    /// Whether `value` fits the field's type (`null` always does: it clears).
    fn accepts(&self, value: &Value) -> Result<(), String> {
        let ok = match (self.kind, value) {
            (_, Value::Null) => true,
            ("Checkbox", v) => v.is_boolean(),
            ("Number" | "Currency" | "Percent", v) => v.is_number(),
            ("Date", Value::String(s)) => crate::spec::validate::check_timestamp(s).is_ok(),
            (_, Value::String(s)) if !self.options.is_empty() => self.options.contains(&s.as_str()),
            ("Date", _) => false,
            (_, v) => v.is_string(),
        };
        if ok {
            return Ok(());
        }
        let expected = match self.kind {
            "Checkbox" => "true or false".to_string(),
            "Number" | "Currency" | "Percent" => "a number".to_string(),
            "Date" => "a date-time such as 2026-12-01T00:00:00Z".to_string(),
            _ if !self.options.is_empty() => format!("one of {}", self.options.join(", ")),
            _ => "text".to_string(),
        };
        Err(format!(
            "The value of custom field {} ({}) must be {expected}.",
            self.id, self.caption
        ))
    }

    /// The `/system/userDefinedFields` record of this definition; `pod` is
    /// the id of the screen the field is on.
    pub fn record(&self, pod: i64, entered: &str) -> Value {
        let mut v = json!({
            "id": self.id,
            "podId": pod,
            "caption": self.caption,
            "sequenceNumber": self.id,
            "helpText": self.help,
            "fieldTypeIdentifier": self.kind,
            "entryTypeIdentifier": self.entry_method,
            "numberDecimals": self.decimals,
            "requiredFlag": false,
            "displayOnScreenFlag": true,
            "readOnlyFlag": false,
            "listViewFlag": false,
            "dateCreated": entered,
            "_info": {"dateEntered": entered, "enteredBy": "LHall", "lastUpdated": entered, "updatedBy": "LHall"},
        });
        if !self.options.is_empty() {
            v["options"] = self
                .options
                .iter()
                .enumerate()
                .map(|(i, o)| json!({"id": i + 1, "optionValue": o, "defaultFlag": false, "inactiveFlag": false, "sortOrder": i}))
                .collect();
        }
        v
    }
}

fn id_of(element: &Value) -> Option<i64> {
    element.get("id").and_then(Value::as_i64)
}

/// The `customFields` a record is served with: one element per definition
/// (merged with the stored value), then any stored element no definition
/// names, as it is. `None` when there is nothing to serve.
pub fn served(defs: &[&Definition], stored: Option<&Value>) -> Option<Value> {
    let stored = stored.and_then(Value::as_array);
    if defs.is_empty() && stored.is_none() {
        return None;
    }
    let stored: &[Value] = stored.map_or(&[], Vec::as_slice);
    let mut out: Vec<Value> = defs
        .iter()
        .map(|d| {
            let mut element = d.element();
            if let Some(Value::Object(s)) = stored.iter().find(|s| id_of(s) == Some(d.id)) {
                for (k, v) in s {
                    if !v.is_null() {
                        element.insert(k.clone(), v.clone());
                    }
                }
            }
            Value::Object(element)
        })
        .collect();
    out.extend(
        stored
            .iter()
            .filter(|s| !defs.iter().any(|d| id_of(s) == Some(d.id)))
            .cloned(),
    );
    Some(Value::Array(out))
}

/// Checks a write's `customFields` against the definitions of `template` and
/// returns what to store: `[{"id", "value"}]` for each field with a value
/// (`None` when no field has one).
pub fn stored_form(template: &str, given: &Value, resource: &str) -> Result<Option<Value>, Vec<FieldError>> {
    let defs = definitions(template);
    let Some(items) = given.as_array() else {
        return Err(vec![FieldError::new(
            "InvalidType",
            "customFields must be an array of {\"id\": …, \"value\": …} objects.",
            resource,
            "customFields",
        )]);
    };
    let mut errors = Vec::new();
    let mut keep = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(id) = id_of(item) else {
            errors.push(FieldError::new(
                "MissingRequiredField",
                "id is required.",
                resource,
                format!("customFields/{i}/id"),
            ));
            continue;
        };
        let Some(def) = defs.iter().find(|d| d.id == id) else {
            errors.push(FieldError::new(
                "NotFound",
                format!("Custom Field {id} not found"),
                resource,
                format!("customFields/{i}/id"),
            ));
            continue;
        };
        let value = item.get("value").unwrap_or(&Value::Null);
        if let Err(message) = def.accepts(value) {
            errors.push(FieldError::new(
                "InvalidType",
                message,
                resource,
                format!("customFields/{i}/value"),
            ));
            continue;
        }
        if !value.is_null() {
            keep.push(json!({"id": id, "value": value}));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok((!keep.is_empty()).then_some(Value::Array(keep)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_served_every_definition_with_its_stored_values() {
        let defs = definitions(COMPANIES);
        let stored = json!([{"id": 7, "value": "https://docs.example.com/acme"}]);
        let served = served(&defs, Some(&stored)).unwrap();
        let served = served.as_array().unwrap();
        assert_eq!(served.len(), defs.len());
        let link = served.iter().find(|e| e["id"] == 7).unwrap();
        assert_eq!(
            link,
            &json!({"id": 7, "caption": "Link", "type": "Hyperlink", "entryMethod": "EntryField",
                    "numberOfDecimals": 0, "value": "https://docs.example.com/acme"})
        );
        let renewal = served.iter().find(|e| e["id"] == 5).unwrap();
        assert!(renewal.get("value").is_none(), "no value: left out");
    }

    #[test]
    fn a_write_keeps_the_values_it_names_and_checks_their_types() {
        let kept = stored_form(
            COMPANIES,
            &json!([{"id": 6, "value": 40}, {"id": 5, "value": null}]),
            "company",
        );
        assert_eq!(kept.unwrap(), Some(json!([{"id": 6, "value": 40}])));
        assert_eq!(
            stored_form(COMPANIES, &json!([{"id": 6, "value": null}]), "company").unwrap(),
            None
        );
        let errors = stored_form(COMPANIES, &json!([{"id": 6, "value": "forty"}]), "company").unwrap_err();
        assert_eq!(errors[0].field, "customFields/0/value");
        let errors = stored_form(COMPANIES, &json!([{"id": 1, "value": "x"}]), "company").unwrap_err();
        assert_eq!(errors[0].code, "NotFound", "field 1 is a ticket field");
        let errors = stored_form(COMPANIES, &json!([{"id": 4, "value": "Tape"}]), "company").unwrap_err();
        assert!(errors[0].message.contains("Datto"));
    }
}
