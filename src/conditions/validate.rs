//! Checking an expression against a record's schema before a round trip,
//! and splitting it into `conditions` and `childConditions`.
//!
//! The spec is the normalised OpenAPI document: `components/schemas/<Name>`
//! objects with `properties`, `$ref`s to `#/components/schemas/X`, arrays with
//! `items`. Each field path is walked through it:
//!
//! - Property names match case-insensitively, as ConnectWise does; the
//!   returned expressions use the canonical spelling.
//! - An unknown field is an error naming the closest known names.
//! - A path through an array of objects is a child collection; top-level
//!   `and` terms on child collections go to `childConditions`. An `or`
//!   mixing both kinds cannot be expressed and is an error.
//! - Literal kinds are checked where the field type is clear: numbers for
//!   integer/number fields, `[dates]` for date-time fields, `true`/`false`
//!   for booleans, strings for text (and enum text must be one of the enum
//!   values); `contains`/`like` need a text field and a string.
//! - `customFields/...` is rejected with a hint to use
//!   `customFieldConditions` (`caption="Region" and value="West"`): custom
//!   fields are an array of caption/value pairs, so a path into them would
//!   otherwise be misread as a child collection.
//! - Records whose schema has an `_info` object also accept the audit fields
//!   ConnectWise filters on although the spec files them under `_info`:
//!   `lastUpdated` and `dateEntered` (date-times), `updatedBy` and
//!   `enteredBy` (text); and `_info/<anything>` as text.

use std::fmt;

use crate::spec::Schemas;
use serde_json::Value;

use super::ast::{CompareOp, Expr, FieldPath, Literal};

/// An expression split for the two ConnectWise parameters. Both are `None`
/// when there is nothing to filter on that side.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// For the `conditions` parameter.
    pub conditions: Option<Expr>,
    /// For the `childConditions` parameter.
    pub child_conditions: Option<Expr>,
}

/// Why an expression does not fit a schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationError {
    /// The schema name is not in `components/schemas`.
    UnknownSchema(String),
    /// No such field; `suggestions` are up to three close full paths.
    UnknownField {
        /// The schema validated against.
        schema: String,
        /// The path as written.
        field: String,
        /// Closest known paths, best first.
        suggestions: Vec<String>,
    },
    /// The path ends at an object (or array of objects); one of its fields
    /// must be named.
    NotAValue {
        /// The path (canonical spelling).
        field: String,
        /// Some of its fields, e.g. `company/identifier`.
        examples: Vec<String>,
    },
    /// A `customFields/...` path.
    CustomField {
        /// The path as written.
        field: String,
    },
    /// The value's kind does not fit the field's type.
    TypeMismatch {
        /// The path (canonical spelling).
        field: String,
        /// What the field holds, e.g. `an integer`.
        expected: String,
        /// The literal as written.
        found: String,
    },
    /// `contains`/`like`/`not like` on a field that is not text.
    TextOperatorOnNonText {
        /// The path (canonical spelling).
        field: String,
        /// The operator.
        op: CompareOp,
        /// What the field holds.
        field_type: String,
    },
    /// An `or` mixing a child-collection field with an ordinary one.
    MixedOr {
        /// An ordinary field in the `or`.
        field: String,
        /// A child-collection field in the same `or`.
        child_field: String,
    },
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValidationError::UnknownSchema(name) => write!(f, "unknown schema {name:?}"),
            ValidationError::UnknownField {
                schema,
                field,
                suggestions,
            } => {
                write!(f, "unknown field {field:?} on {schema}")?;
                if !suggestions.is_empty() {
                    write!(f, "; did you mean {}?", or_list(suggestions))?;
                }
                Ok(())
            }
            ValidationError::NotAValue { field, examples } => {
                write!(f, "field {field:?} is an object; compare one of its fields")?;
                if !examples.is_empty() {
                    write!(f, ", such as {}", or_list(examples))?;
                }
                Ok(())
            }
            ValidationError::CustomField { field } => write!(
                f,
                "field {field:?}: custom fields cannot be filtered in conditions; use \
                 customFieldConditions, e.g. caption=\"Region\" and value=\"West\""
            ),
            ValidationError::TypeMismatch {
                field,
                expected,
                found,
            } => {
                write!(
                    f,
                    "field {field:?} holds {expected}, but is compared with {found}"
                )?;
                // A quoted value is text in either quote style (and prints
                // double-quoted): say how the field's kind is written instead.
                if found.starts_with('"') {
                    if expected.contains("date") {
                        write!(f, "; write dates in square brackets, e.g. [2024-01-01T00:00:00Z]")?;
                    } else if matches!(expected.as_str(), "an integer" | "a number" | "true or false") {
                        write!(
                            f,
                            "; quotes make a value text: write numbers, true and false without them"
                        )?;
                    }
                }
                Ok(())
            }
            ValidationError::TextOperatorOnNonText {
                field,
                op,
                field_type,
            } => write!(
                f,
                "{op} applies to text, but field {field:?} holds {field_type}; use =, <, > or in"
            ),
            ValidationError::MixedOr { field, child_field } => write!(
                f,
                "an \"or\" cannot mix {child_field:?}, in a child collection, with {field:?}: \
                 ConnectWise takes child-collection filters in a separate childConditions \
                 parameter that is and-ed with conditions"
            ),
        }
    }
}

impl std::error::Error for ValidationError {}

fn or_list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => quoted.concat(),
    }
}

/// Checks `expr` against the schema `schema_name` in `spec` and splits it
/// into `conditions` and `childConditions`, with field paths in their
/// canonical spelling.
pub fn validate(expr: &Expr, spec: &dyn Schemas, schema_name: &str) -> Result<Split, ValidationError> {
    let checker = Checker::new(spec, schema_name)?;

    // Top-level `and` terms, with bracketed `and` groups opened up: they
    // are the units that can go to one parameter or the other.
    let mut terms = Vec::new();
    flatten_and(expr, &mut terms);
    let (mut plain, mut child) = (Vec::new(), Vec::new());
    for term in terms {
        let (checked, is_child) = checker.term(term)?;
        if is_child {
            child.push(checked);
        } else {
            plain.push(checked);
        }
    }
    Ok(Split {
        conditions: Expr::all(plain),
        child_conditions: Expr::all(child),
    })
}

/// Checks one field path of `fields` or `orderBy` against the schema
/// `schema_name` and returns it in its canonical spelling, so that a typo is
/// refused (with suggestions) before any request is sent. `fields` may name
/// a whole object (`company`) or custom fields; `orderBy` must name a value.
pub fn check_field(
    spec: &dyn Schemas,
    schema_name: &str,
    field: &FieldPath,
    allow_object: bool,
) -> Result<FieldPath, ValidationError> {
    match Checker::new(spec, schema_name)?.resolve(field) {
        Ok(r) => Ok(r.canonical),
        Err(ValidationError::NotAValue { field, .. }) if allow_object => {
            Ok(FieldPath(field.split('/').map(str::to_owned).collect()))
        }
        Err(ValidationError::CustomField { .. }) if allow_object => Ok(field.clone()),
        Err(e) => Err(e),
    }
}

fn flatten_and<'a>(expr: &'a Expr, out: &mut Vec<&'a Expr>) {
    match expr {
        Expr::And(terms) => terms.iter().for_each(|t| flatten_and(t, out)),
        other => out.push(other),
    }
}

/// The type a path ends at, as far as the spec says.
#[derive(Debug, Clone, PartialEq)]
enum FieldType {
    Text {
        enum_values: Vec<String>,
    },
    DateTime,
    Integer,
    Number,
    Boolean,
    /// No type given: anything goes.
    Any,
}

impl FieldType {
    fn describe(&self) -> String {
        match self {
            FieldType::Text { enum_values } if !enum_values.is_empty() => {
                format!("one of {}", or_list(enum_values))
            }
            FieldType::Text { .. } => "text".into(),
            FieldType::DateTime => "a date".into(),
            FieldType::Integer => "an integer".into(),
            FieldType::Number => "a number".into(),
            FieldType::Boolean => "true or false".into(),
            FieldType::Any => "any value".into(),
        }
    }
}

struct Resolved {
    canonical: FieldPath,
    field_type: FieldType,
    through_child: bool,
}

struct Checker<'a> {
    schemas: &'a dyn Schemas,
    root: &'a Value,
    schema_name: &'a str,
}

/// Audit fields filtered at the top level although the spec has them in
/// `_info`.
const AUDIT_FIELDS: [(&str, bool); 4] = [
    ("lastUpdated", true),
    ("dateEntered", true),
    ("updatedBy", false),
    ("enteredBy", false),
];

impl<'a> Checker<'a> {
    fn new(schemas: &'a dyn Schemas, schema_name: &'a str) -> Result<Checker<'a>, ValidationError> {
        let root = schemas
            .schema(schema_name)
            .ok_or_else(|| ValidationError::UnknownSchema(schema_name.to_string()))?;
        Ok(Checker {
            schemas,
            root,
            schema_name,
        })
    }

    /// Checks one top-level term; returns it with canonical paths, and
    /// whether it belongs in `childConditions`.
    fn term(&self, term: &Expr) -> Result<(Expr, bool), ValidationError> {
        let mut plain_field = None;
        let mut child_field = None;
        let checked = self.check(term, &mut plain_field, &mut child_field)?;
        match (plain_field, child_field) {
            (Some(field), Some(child_field)) => Err(ValidationError::MixedOr { field, child_field }),
            (_, child) => Ok((checked, child.is_some())),
        }
    }

    fn check(
        &self,
        expr: &Expr,
        plain: &mut Option<String>,
        child: &mut Option<String>,
    ) -> Result<Expr, ValidationError> {
        let mut note = |r: &Resolved| {
            let slot = if r.through_child { &mut *child } else { &mut *plain };
            slot.get_or_insert_with(|| r.canonical.to_string());
        };
        Ok(match expr {
            Expr::And(terms) | Expr::Or(terms) => {
                let mut out = Vec::with_capacity(terms.len());
                for t in terms {
                    out.push(self.check(t, plain, child)?);
                }
                if matches!(expr, Expr::And(_)) {
                    Expr::And(out)
                } else {
                    Expr::Or(out)
                }
            }
            Expr::Compare { field, op, value } => {
                let r = self.resolve(field)?;
                note(&r);
                check_literal(&r, *op, value)?;
                Expr::Compare {
                    field: r.canonical,
                    op: *op,
                    value: value.clone(),
                }
            }
            Expr::In {
                field,
                negated,
                values,
            } => {
                let r = self.resolve(field)?;
                note(&r);
                for v in values {
                    check_literal(&r, CompareOp::Eq, v)?;
                }
                Expr::In {
                    field: r.canonical,
                    negated: *negated,
                    values: values.clone(),
                }
            }
        })
    }

    fn deref(&self, mut schema: &'a Value) -> &'a Value {
        // Bounded: a `$ref` cycle must not hang validation.
        for _ in 0..32 {
            let Some(target) = schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
                .and_then(|name| self.schemas.schema(name))
            else {
                break;
            };
            schema = target;
        }
        schema
    }

    fn resolve(&self, field: &FieldPath) -> Result<Resolved, ValidationError> {
        let segments = &field.0;
        let unknown = |suggestions| ValidationError::UnknownField {
            schema: self.schema_name.to_string(),
            field: field.to_string(),
            suggestions,
        };
        if segments
            .first()
            .is_some_and(|s| s.eq_ignore_ascii_case("customFields"))
        {
            return Err(ValidationError::CustomField {
                field: field.to_string(),
            });
        }
        if let [only] = segments.as_slice()
            && property(self.root, "_info").is_some()
            && property(self.root, only).is_none()
            && let Some((name, is_date)) = AUDIT_FIELDS
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(only))
        {
            return Ok(Resolved {
                canonical: FieldPath(vec![name.to_string()]),
                field_type: if *is_date {
                    FieldType::DateTime
                } else {
                    FieldType::Text {
                        enum_values: Vec::new(),
                    }
                },
                through_child: false,
            });
        }

        let mut schema = self.deref(self.root);
        let mut canonical = Vec::with_capacity(segments.len());
        let mut through_child = false;
        let mut i = 0;
        while i < segments.len() {
            let segment = &segments[i];
            // A free-form map (`_info`): any key, values of its type.
            if schema.get("properties").is_none()
                && let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object())
            {
                canonical.push(segment.clone());
                schema = self.deref(extra);
                i += 1;
                continue;
            }
            let Some((name, mut prop)) = property(schema, segment) else {
                return Err(unknown(self.suggest(
                    schema,
                    &canonical,
                    segment,
                    &segments[i + 1..],
                )));
            };
            canonical.push(name.to_string());
            prop = self.deref(prop);
            if prop.get("type").and_then(Value::as_str) == Some("array") {
                let items = self.deref(prop.get("items").unwrap_or(&Value::Null));
                if is_object(items) {
                    through_child = true;
                }
                prop = items;
            }
            schema = prop;
            i += 1;
            if i < segments.len() && !is_object(schema) {
                // `summary/name`: nothing below a plain value.
                return Err(unknown(Vec::new()));
            }
        }
        if is_object(schema) && schema.get("additionalProperties").is_none() {
            return Err(ValidationError::NotAValue {
                field: FieldPath(canonical.clone()).to_string(),
                examples: self.examples(schema, &canonical),
            });
        }
        Ok(Resolved {
            canonical: FieldPath(canonical),
            field_type: field_type(schema),
            through_child,
        })
    }

    /// Up to three full paths whose segment at the failing position is
    /// closest to what was written, keeping the rest of the path.
    fn suggest(&self, schema: &Value, prefix: &[String], wrong: &str, rest: &[String]) -> Vec<String> {
        let wrong_lower = wrong.to_ascii_lowercase();
        let limit = (wrong.len() / 3).max(2);
        let mut scored: Vec<(usize, &str)> = properties(schema)
            .filter_map(|name| {
                let d = strsim::levenshtein(&wrong_lower, &name.to_ascii_lowercase());
                (d <= limit).then_some((d, name))
            })
            .collect();
        scored.sort();
        scored
            .into_iter()
            .take(3)
            .map(|(_, name)| {
                let mut path: Vec<&str> = prefix.iter().map(String::as_str).collect();
                path.push(name);
                path.extend(rest.iter().map(String::as_str));
                path.join("/")
            })
            .collect()
    }

    /// Up to three fields of an object to name in an error, favouring the
    /// ones references usually carry.
    fn examples(&self, schema: &Value, prefix: &[String]) -> Vec<String> {
        let mut names: Vec<&str> = properties(schema).filter(|n| !n.starts_with('_')).collect();
        let rank = |n: &&str| match *n {
            "id" => 0,
            "identifier" => 1,
            "name" => 2,
            _ => 3,
        };
        names.sort_by_key(rank);
        names
            .into_iter()
            .take(3)
            .map(|n| {
                let mut p = prefix.join("/");
                p.push('/');
                p.push_str(n);
                p
            })
            .collect()
    }
}

fn properties(schema: &Value) -> impl Iterator<Item = &str> {
    schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|m| m.keys().map(String::as_str))
}

/// Finds a property by exact name, else case-insensitively.
fn property<'v>(schema: &'v Value, name: &str) -> Option<(&'v str, &'v Value)> {
    let props = schema.get("properties")?.as_object()?;
    if let Some((k, v)) = props.get_key_value(name) {
        return Some((k.as_str(), v));
    }
    props
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(k, v)| (k.as_str(), v))
}

fn is_object(schema: &Value) -> bool {
    schema.get("properties").is_some() || schema.get("type").and_then(Value::as_str) == Some("object")
}

fn field_type(schema: &Value) -> FieldType {
    let format = schema.get("format").and_then(Value::as_str);
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if matches!(format, Some("date-time" | "date")) => FieldType::DateTime,
        Some("string") => FieldType::Text {
            enum_values: schema
                .get("enum")
                .and_then(Value::as_array)
                .map(|values| {
                    values
                        .iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default(),
        },
        Some("integer") => FieldType::Integer,
        Some("number") => FieldType::Number,
        Some("boolean") => FieldType::Boolean,
        _ => FieldType::Any,
    }
}

fn check_literal(r: &Resolved, op: CompareOp, value: &Literal) -> Result<(), ValidationError> {
    let field = || r.canonical.to_string();
    let is_text = matches!(r.field_type, FieldType::Text { .. } | FieldType::Any);
    if op.is_textual() {
        if !is_text {
            return Err(ValidationError::TextOperatorOnNonText {
                field: field(),
                op,
                field_type: r.field_type.describe(),
            });
        }
        if !matches!(value, Literal::String(_)) {
            return Err(mismatch(r, "text", value));
        }
        return Ok(());
    }
    let fits = match (&r.field_type, value) {
        (_, Literal::Null) | (FieldType::Any, _) => true,
        (FieldType::Text { enum_values }, Literal::String(s)) => {
            enum_values.is_empty() || enum_values.iter().any(|e| e.eq_ignore_ascii_case(s))
        }
        (FieldType::DateTime, Literal::Date(_)) => true,
        (FieldType::Integer, Literal::Number(n)) => !n.contains('.'),
        (FieldType::Number, Literal::Number(_)) => true,
        (FieldType::Boolean, Literal::Bool(_)) => true,
        _ => false,
    };
    if fits {
        Ok(())
    } else {
        Err(mismatch(r, &r.field_type.describe(), value))
    }
}

fn mismatch(r: &Resolved, expected: &str, value: &Literal) -> ValidationError {
    ValidationError::TypeMismatch {
        field: r.canonical.to_string(),
        expected: expected.to_string(),
        found: value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;
    use serde_json::json;

    /// A tiny spec in the normalised shape: Ticket refers to Company and
    /// Status; Contact has a child collection of communication items.
    fn spec() -> Value {
        json!({"components": {"schemas": {
            "Ticket": {"type": "object", "properties": {
                "id": {"type": "integer", "format": "int32"},
                "summary": {"type": "string"},
                "status": {"$ref": "#/components/schemas/StatusReference"},
                "company": {"$ref": "#/components/schemas/CompanyReference"},
                "budgetHours": {"type": "number", "format": "double"},
                "closedFlag": {"type": "boolean"},
                "requiredDate": {"type": "string", "format": "date-time"},
                "recordType": {"type": "string", "enum": ["ProjectTicket", "ServiceTicket"]},
                "customFields": {"type": "array", "items": {"$ref": "#/components/schemas/CustomFieldValue"}},
                "_info": {"type": "object", "additionalProperties": {"type": "string"}}
            }},
            "StatusReference": {"type": "object", "properties": {
                "id": {"type": "integer"}, "name": {"type": "string"},
                "_info": {"type": "object", "additionalProperties": {"type": "string"}}
            }},
            "CompanyReference": {"type": "object", "properties": {
                "id": {"type": "integer"}, "identifier": {"type": "string"}, "name": {"type": "string"}
            }},
            "CustomFieldValue": {"type": "object", "properties": {
                "id": {"type": "integer"}, "caption": {"type": "string"}, "value": {}
            }},
            "Contact": {"type": "object", "properties": {
                "id": {"type": "integer"},
                "firstName": {"type": "string"},
                "company": {"$ref": "#/components/schemas/CompanyReference"},
                "communicationItems": {"type": "array", "items": {"$ref": "#/components/schemas/ContactCommunicationItem"}},
                "tags": {"type": "array", "items": {"type": "string"}}
            }},
            "ContactCommunicationItem": {"type": "object", "properties": {
                "value": {"type": "string"},
                "type": {"$ref": "#/components/schemas/CompanyReference"},
                "defaultFlag": {"type": "boolean"}
            }}
        }}})
    }

    fn check(schema: &str, conditions: &str) -> Result<Split, ValidationError> {
        validate(&parse(conditions).unwrap(), &spec(), schema)
    }

    fn message(schema: &str, conditions: &str) -> String {
        check(schema, conditions).unwrap_err().to_string()
    }

    #[test]
    fn known_fields_pass_and_come_back_in_canonical_spelling() {
        let split = check(
            "Ticket",
            r#"Company/IDENTIFIER = "ACME" and status/name in ("New", "Open") and requiredDate >= [2024-01-01]"#,
        )
        .unwrap();
        assert_eq!(
            split.conditions.unwrap().to_string(),
            r#"company/identifier = "ACME" and status/name in ("New", "Open") and requiredDate >= [2024-01-01]"#
        );
        assert_eq!(split.child_conditions, None);
    }

    #[test]
    fn unknown_fields_name_the_closest_known_ones() {
        assert_eq!(
            message("Ticket", r#"staus/name = "New""#),
            r#"unknown field "staus/name" on Ticket; did you mean "status/name"?"#
        );
        assert_eq!(
            message("Ticket", r#"company/identifer = "ACME""#),
            r#"unknown field "company/identifer" on Ticket; did you mean "company/identifier"?"#
        );
        assert_eq!(
            message("Ticket", "zzzzzz = 1"),
            r#"unknown field "zzzzzz" on Ticket"#
        );
        assert!(message("Ticket", r#"summary/name = "x""#).starts_with("unknown field"));
        assert_eq!(
            check("Nope", "id = 1").unwrap_err(),
            ValidationError::UnknownSchema("Nope".into())
        );
    }

    #[test]
    fn child_collection_terms_go_to_child_conditions() {
        let split = check(
            "Contact",
            r#"firstName = "Ann" and communicationItems/value like "%@acme.com" and (company/id = 1 or company/id = 2)"#,
        )
        .unwrap();
        assert_eq!(
            split.conditions.unwrap().to_string(),
            r#"firstName = "Ann" and (company/id = 1 or company/id = 2)"#
        );
        assert_eq!(
            split.child_conditions.unwrap().to_string(),
            r#"communicationItems/value like "%@acme.com""#
        );
        // An array of plain values is not a child collection.
        let split = check("Contact", r#"tags = "vip""#).unwrap();
        assert!(split.conditions.is_some() && split.child_conditions.is_none());
    }

    #[test]
    fn an_or_mixing_child_and_plain_fields_is_explained() {
        let msg = message(
            "Contact",
            r#"firstName = "Ann" or communicationItems/value = "ann@acme.com""#,
        );
        assert!(msg.contains("cannot mix \"communicationItems/value\""), "{msg}");
        assert!(msg.contains("childConditions"), "{msg}");
    }

    #[test]
    fn literal_kinds_must_fit_the_field_type() {
        assert_eq!(
            message("Ticket", "id = 42.5"),
            r#"field "id" holds an integer, but is compared with 42.5"#
        );
        assert!(message("Ticket", "id = 4.5").contains("an integer"));
        assert!(check("Ticket", "budgetHours > 4.5 and id = 4 and id != null").is_ok());
        assert!(message("Ticket", r#"requiredDate > "2024-01-01""#).contains("square brackets"));
        assert!(message("Ticket", "closedFlag = 1").contains("true or false"));
        assert!(
            message("Ticket", r#"recordType = "Incident""#).contains(r#""ProjectTicket" or "ServiceTicket""#)
        );
        assert!(check("Ticket", r#"recordType = "serviceticket""#).is_ok());
        assert_eq!(
            message("Ticket", r#"id contains "4""#),
            r#"contains applies to text, but field "id" holds an integer; use =, <, > or in"#
        );
        assert!(message("Ticket", "summary like 5").contains("holds text"));
        assert!(message("Ticket", r#"id in (1, "2")"#).contains("an integer"));
    }

    #[test]
    fn single_quoted_values_get_the_same_precise_type_errors() {
        for (single, double) in [
            ("id = '42'", r#"id = "42""#),
            ("closedFlag = 'false'", r#"closedFlag = "false""#),
            ("requiredDate > '2024-01-01'", r#"requiredDate > "2024-01-01""#),
            ("recordType = 'Incident'", r#"recordType = "Incident""#),
            ("id IN (1, '2')", r#"id in (1, "2")"#),
            ("id CONTAINS '4'", r#"id contains "4""#),
        ] {
            assert_eq!(message("Ticket", single), message("Ticket", double), "{single}");
        }
        assert_eq!(
            message("Ticket", "id = '42'"),
            r#"field "id" holds an integer, but is compared with "42"; quotes make a value text: write numbers, true and false without them"#
        );
        assert!(message("Ticket", "closedFlag = 'false'").contains("without them"));
        assert!(message("Ticket", "requiredDate > '2024-01-01'").contains("square brackets"));
        assert!(!message("Ticket", "closedFlag = 1").contains("without them"));
        assert!(check("Ticket", "summary = 'x' AND recordType = 'serviceticket'").is_ok());
    }

    #[test]
    fn objects_need_one_of_their_fields() {
        assert_eq!(
            message("Ticket", r#"company = "ACME""#),
            r#"field "company" is an object; compare one of its fields, such as "company/id", "company/identifier" or "company/name""#
        );
    }

    #[test]
    fn custom_fields_point_to_custom_field_conditions() {
        assert!(message("Ticket", r#"customFields/value = "West""#).contains("customFieldConditions"));
    }

    #[test]
    fn audit_fields_and_info_are_accepted_on_records_with_info() {
        let split = check(
            "Ticket",
            r#"lastupdated > [2024-01-01T00:00:00Z] and _info/updatedBy = "jdoe" and dateEntered < [2025-01-01]"#,
        )
        .unwrap();
        assert!(
            split
                .conditions
                .unwrap()
                .to_string()
                .starts_with("lastUpdated > ")
        );
        assert!(message("Ticket", "lastUpdated > 5").contains("a date"));
        assert!(check("Contact", "lastUpdated > [2024-01-01]").is_err());
    }
}
