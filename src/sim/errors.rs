//! ConnectWise error bodies.
//!
//! Every failure the simulator reports has ConnectWise's shape:
//! `{"code": "...", "message": "...", "errors": [{"code", "message", "resource", "field"}]}`
//! (`errors` only when there is something per field to say).

use serde_json::{Value, json};

/// The text of the 400 a time entry in a closed time period gets.
pub const CLOSED_PERIOD_MESSAGE: &str = "Time entry cannot be entered for a closed period";

/// The text of the 400 a request without a `clientId` header gets.
pub const CLIENT_ID_REQUIRED_MESSAGE: &str =
    "clientId is required. Add a clientId header registered on the ConnectWise developer portal.";

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

    pub fn unauthorized(message: impl Into<String>) -> Self {
        ApiError::new(401, "Unauthorized", message)
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

/// `Ticket` → `ticket`, `TimeEntry` → `timeEntry`: the `resource` ConnectWise names in errors.
pub fn resource_name(schema: &str) -> String {
    let base = schema.rsplit('.').next().unwrap_or(schema);
    let mut chars = base.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}
