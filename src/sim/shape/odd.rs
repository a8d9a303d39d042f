//! Odd shapes: records that break the spec's promises, as records of real
//! tenants sometimes do (a newer ConnectWise, a custom integration, data
//! entered years ago). Switched on with
//! [`Faults::serve_odd_shapes`](crate::sim::Faults::serve_odd_shapes), for
//! testing that a client survives them.
//!
//! Which records: those of the curated collections ([`TEMPLATES`]) whose id
//! ends in 7; which oddity: by the id's tens ([`of`]), so tickets 7, 17, 27,
//! 37 and 47 show all five. The rest of each record is unchanged.

use serde_json::{Map, Value};

/// The collections odd shapes apply to.
pub const TEMPLATES: &[&str] = &[
    "/service/tickets",
    "/service/tickets/{parentId}/notes",
    "/project/tickets",
    "/project/projects",
    "/company/companies",
    "/company/contacts",
    "/company/configurations",
    "/time/entries",
    "/system/members",
    "/finance/agreements",
    "/finance/invoices",
    "/sales/opportunities",
    "/sales/activities",
    "/schedule/entries",
];

pub fn applies_to(template: &str) -> bool {
    TEMPLATES.contains(&template)
}

/// One way a record can break the spec's promises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Odd {
    /// A text field is `null`.
    NullValue,
    /// An enum field holds a value the spec does not list.
    UnlistedEnum,
    /// Fields the spec does not have.
    ExtraFields,
    /// A field the spec promises as a list holds an object or a scalar.
    NotAList,
    /// A key in another case (`Summary` for `summary`).
    KeyCasing,
}

/// The oddity the record with `id` gets, if any.
pub fn of(id: i64) -> Option<Odd> {
    if id.rem_euclid(10) != 7 {
        return None;
    }
    Some(match (id / 10).rem_euclid(5) {
        0 => Odd::NullValue,
        1 => Odd::UnlistedEnum,
        2 => Odd::ExtraFields,
        3 => Odd::NotAList,
        _ => Odd::KeyCasing,
    })
}

/// The value an unlisted enum field gets.
pub const UNLISTED: &str = "Undocumented";

/// Text fields that can turn up `null` or in another case, in that order of preference.
const TEXT_FIELDS: &[&str] = &["summary", "name", "text", "notes", "identifier", "firstName"];

fn properties(schema: Option<&'static Value>) -> Option<&'static Map<String, Value>> {
    crate::spec::validate::resolve(schema?)
        .get("properties")?
        .as_object()
}

/// Applies the record's oddity (by its id) to a served record.
pub fn apply(record: &mut Value, schema: Option<&'static Value>) {
    let Some(odd) = record.get("id").and_then(Value::as_i64).and_then(of) else {
        return;
    };
    let Some(object) = record.as_object_mut() else {
        return;
    };
    let text_field = TEXT_FIELDS.iter().find(|k| object.contains_key(**k)).copied();
    match odd {
        Odd::NullValue => {
            if let Some(k) = text_field {
                object.insert(k.into(), Value::Null);
            }
        }
        Odd::UnlistedEnum => {
            let enum_field = properties(schema).and_then(|props| {
                props.iter().find_map(|(k, p)| {
                    let p = crate::spec::validate::resolve(p);
                    (p.get("enum").is_some() && object.get(k).is_some_and(Value::is_string))
                        .then(|| k.clone())
                })
            });
            if let Some(k) = enum_field {
                object.insert(k, UNLISTED.into());
            }
        }
        Odd::ExtraFields => {
            object.insert("unexpectedFlag".into(), true.into());
            object.insert(
                "unexpectedReference".into(),
                serde_json::json!({"id": 1, "name": "Added by a newer ConnectWise"}),
            );
        }
        Odd::NotAList => {
            let list_field = properties(schema).and_then(|props| {
                props
                    .iter()
                    .filter(|(_, p)| {
                        crate::spec::validate::resolve(p)
                            .get("type")
                            .and_then(Value::as_str)
                            == Some("array")
                    })
                    .map(|(k, _)| k.clone())
                    .find(|k| object.get(k).is_some_and(Value::is_array))
                    .or_else(|| {
                        props
                            .iter()
                            .find(|(_, p)| {
                                crate::spec::validate::resolve(p)
                                    .get("type")
                                    .and_then(Value::as_str)
                                    == Some("array")
                            })
                            .map(|(k, _)| k.clone())
                    })
            });
            if let Some(k) = list_field {
                let first = object
                    .get(&k)
                    .and_then(Value::as_array)
                    .and_then(|items| items.first().cloned())
                    .unwrap_or_else(|| Value::from("not a list"));
                object.insert(k, first);
            }
        }
        Odd::KeyCasing => {
            if let Some(k) = text_field
                && let Some(v) = object.remove(k)
            {
                let mut chars = k.chars();
                let upper: String = chars
                    .next()
                    .map(|c| c.to_ascii_uppercase())
                    .into_iter()
                    .chain(chars)
                    .collect();
                object.insert(upper, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_ids_ending_in_7_are_odd_and_the_tens_pick_the_oddity() {
        assert_eq!(of(1), None);
        assert_eq!(of(7), Some(Odd::NullValue));
        assert_eq!(of(17), Some(Odd::UnlistedEnum));
        assert_eq!(of(27), Some(Odd::ExtraFields));
        assert_eq!(of(37), Some(Odd::NotAList));
        assert_eq!(of(47), Some(Odd::KeyCasing));
        assert_eq!(of(57), Some(Odd::NullValue));
    }

    #[test]
    fn each_oddity_changes_one_thing() {
        let ticket = crate::spec::schema("Ticket");
        let mut r = json!({"id": 7, "summary": "Printer"});
        apply(&mut r, ticket);
        assert_eq!(r, json!({"id": 7, "summary": null}));
        let mut r = json!({"id": 17, "summary": "Printer", "severity": "Low"});
        apply(&mut r, ticket);
        assert_eq!(r["severity"], UNLISTED);
        let mut r = json!({"id": 37, "customFields": [{"id": 1}]});
        apply(&mut r, ticket);
        assert_eq!(r["customFields"], json!({"id": 1}));
        let mut r = json!({"id": 47, "summary": "Printer"});
        apply(&mut r, ticket);
        assert_eq!(r, json!({"id": 47, "Summary": "Printer"}));
    }
}
