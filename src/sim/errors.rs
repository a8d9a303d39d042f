//! ConnectWise error bodies.
//!
//! Every failure ConnectWise itself reports has its shape:
//! `{"code": "...", "message": "...", "errors": [{"code", "message", "resource", "field"}]}`
//! (`errors` only when there is something per field to say), with the codes
//! and texts of real tenants where they are known: `MaxLengthField`,
//! `MissingRequiredField`, `NotFound` ("Ticket 1255787 not found", "Service
//! Status 17 not found for Service Board 21"), `Security` (403), `Unauthorized`
//! and `ConnectWiseApi`/`UserNotAuthenticated` (401). Answers from the edge in
//! front of ConnectWise (429, 502-504) are not JSON at all: see
//! [`crate::sim::server`].

use serde_json::{Value, json};

/// The text of the 400 a time entry in a closed time period gets.
pub const CLOSED_PERIOD_MESSAGE: &str = "Time entry cannot be entered for a closed period";

/// The text of the 400 a request without a `clientId` header gets.
pub const CLIENT_ID_REQUIRED_MESSAGE: &str =
    "clientId is required. Add a clientId header registered on the ConnectWise developer portal.";

/// The text of the 400 a request with a `clientId` the tenant does not know gets.
pub const CLIENT_ID_UNKNOWN_MESSAGE: &str = "clientId is not registered. Use the clientId of an integration registered on the ConnectWise developer portal.";

/// The text of the 403 a security role without the permission gets.
pub const SECURITY_MESSAGE: &str = "You do not have security permission to perform this action.";

/// The text of a literal whose kind does not fit its field in `conditions`
/// (`closedFlag = 1`), as ConnectWise words it.
pub const CONDITION_LITERAL_MESSAGE: &str = "String values should be enclosed with double or single quotes; \
DateTime values should be enclosed in square brackets; numbers should consist of only digits, and optionally \
a decimal point and a negation sign; boolean values should be indicated with the keywords true or false; null \
values should be indicated by the keyword null.";

/// One `errors[]` entry (defined with the body validator that produces most of them).
pub use crate::spec::validate::FieldError;

impl FieldError {
    fn to_json(&self) -> Value {
        json!({
            "code": self.code,
            "message": self.message,
            "resource": self.resource,
            "field": self.field,
        })
    }
}

/// An error response: HTTP status plus ConnectWise's body, plus extra headers
/// (e.g. `Retry-After`).
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: u16,
    pub code: String,
    pub message: String,
    pub errors: Vec<FieldError>,
    pub headers: Vec<(&'static str, String)>,
}

impl ApiError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_string(),
            message: message.into(),
            errors: Vec::new(),
            headers: Vec::new(),
        }
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    /// 400 `InvalidObject` for a body: `"{resource} object is invalid"` with one entry per field.
    pub fn invalid_object(resource: &str, errors: Vec<FieldError>) -> Self {
        ApiError::new(400, "InvalidObject", format!("{resource} object is invalid")).with_errors(errors)
    }

    /// 400 for a bad query parameter (`conditions`, `orderBy`, `page`, ...).
    pub fn bad_parameter(resource: &str, parameter: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError::new(400, "InvalidObject", format!("{parameter} is invalid: {message}")).with_errors(vec![
            FieldError::new("InvalidParameter", message, resource, parameter),
        ])
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError::new(404, "NotFound", message)
    }

    /// 404 for a record: "Ticket 1255787 not found".
    pub fn record_not_found(schema: &str, key: &str) -> Self {
        ApiError::not_found(format!("{} {key} not found", entity_name(schema)))
    }

    /// 401 for a request without usable credentials.
    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(401, "Unauthorized", message)
    }

    /// 401 for well-formed credentials that match no member's keys.
    pub fn user_not_authenticated() -> Self {
        ApiError::new(401, "ConnectWiseApi", "UserNotAuthenticated")
    }

    /// 400 for a request without a `clientId` header (which ConnectWise
    /// requires on every request).
    pub fn client_id_required() -> Self {
        ApiError::new(400, "MissingRequiredField", CLIENT_ID_REQUIRED_MESSAGE).with_errors(vec![
            FieldError::new(
                "MissingRequiredField",
                "clientId is required.",
                "request",
                "clientId",
            ),
        ])
    }

    /// 400 for a `clientId` that is not registered.
    pub fn client_id_unknown() -> Self {
        ApiError::new(400, "InvalidObject", CLIENT_ID_UNKNOWN_MESSAGE).with_errors(vec![FieldError::new(
            "NotFound",
            "clientId is not registered.",
            "request",
            "clientId",
        )])
    }

    /// 403 for a security role without the permission.
    pub fn security() -> Self {
        ApiError::new(403, "Security", SECURITY_MESSAGE)
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut body = json!({ "code": self.code, "message": self.message });
        if !self.errors.is_empty() {
            body["errors"] = Value::Array(self.errors.iter().map(FieldError::to_json).collect());
        }
        body
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.message)
    }
}

impl std::error::Error for ApiError {}

/// `Ticket` → `Ticket`, `TimeEntry` → `Time Entry`, `Company.Configuration`
/// → `Configuration`: how ConnectWise names a kind of record in messages.
pub fn entity_name(schema: &str) -> String {
    let base = schema.rsplit('.').next().unwrap_or(schema);
    let mut out = String::new();
    for (i, c) in base.chars().enumerate() {
        if i > 0 && c.is_ascii_uppercase() {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

/// `Ticket` → `ticket`, `TimeEntry` → `timeEntry`: the `resource` ConnectWise names in errors.
pub fn resource_name(schema: &str) -> String {
    let base = schema.rsplit('.').next().unwrap_or(schema);
    let mut chars = base.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_named_in_words() {
        assert_eq!(entity_name("Ticket"), "Ticket");
        assert_eq!(entity_name("TimeEntry"), "Time Entry");
        assert_eq!(entity_name("Company.Configuration"), "Configuration");
        assert_eq!(
            ApiError::record_not_found("Ticket", "1255787").message,
            "Ticket 1255787 not found"
        );
    }
}
