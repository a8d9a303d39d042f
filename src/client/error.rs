//! One error type for everything a ConnectWise call can end in, with what a
//! model and a user need to see: status, ConnectWise's code and message, the
//! field errors, and how long to wait before retrying.

use super::config::Timeouts;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// ConnectWise's error body: `{"code", "message", "errors": [{code, message, resource, field}]}`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CwError {
    /// HTTP status.
    pub status: u16,
    /// ConnectWise's code, e.g. `InvalidObject`, `Unauthorized`, `NotFound`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// From `Retry-After` on a 429 or 503, in whole seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_secs: Option<u64>,
}

/// One entry of `errors[]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default)]
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// The body as ConnectWise sends it; every part optional.
#[derive(Deserialize)]
struct Body {
    code: Option<String>,
    message: Option<String>,
    #[serde(default)]
    errors: Vec<FieldError>,
}

impl CwError {
    /// Builds the error from a status, headers and body. A body that is not
    /// ConnectWise's shape still gives a readable message (a short excerpt).
    pub fn from_parts(status: u16, retry_after: Option<&str>, body: &[u8]) -> Self {
        let retry_after_secs = retry_after.and_then(|v| v.trim().parse::<u64>().ok());
        let reason = reqwest::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("error");
        match serde_json::from_slice::<Body>(body) {
            Ok(b) if b.message.is_some() || b.code.is_some() || !b.errors.is_empty() => Self {
                status,
                code: b.code,
                message: b.message.unwrap_or_else(|| reason.to_owned()),
                errors: b.errors,
                retry_after_secs,
            },
            _ => {
                let excerpt = readable_excerpt(&String::from_utf8_lossy(body));
                Self {
                    status,
                    code: None,
                    message: if excerpt.is_empty() {
                        reason.to_owned()
                    } else {
                        format!("{reason}: {excerpt}")
                    },
                    errors: Vec::new(),
                    retry_after_secs,
                }
            }
        }
    }

    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after_secs.map(Duration::from_secs)
    }
}

/// A short, readable excerpt of a body that is not ConnectWise JSON: the
/// title of an HTML page (what the edge in front of ConnectWise sends with a
/// 429 or 503), else its text without tags, else the text as it is.
fn readable_excerpt(text: &str) -> String {
    let text = text.trim();
    let lower = text.to_ascii_lowercase();
    let html = lower.starts_with("<!doctype html") || lower.starts_with("<html");
    let readable = if !html {
        text.to_owned()
    } else if let Some(title) = lower
        .find("<title>")
        .map(|start| start + "<title>".len())
        .and_then(|start| {
            lower[start..]
                .find("</title>")
                .map(|len| text[start..start + len].trim().to_owned())
        })
        .filter(|t| !t.is_empty())
    {
        title
    } else {
        let mut out = String::new();
        let mut in_tag = false;
        for c in text.chars() {
            match c {
                '<' => {
                    in_tag = true;
                    out.push(' ');
                }
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    readable.chars().take(300).collect()
}

impl fmt::Display for CwError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ConnectWise answered {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        write!(f, ": {}", self.message)?;
        for e in &self.errors {
            match e.field.as_deref().filter(|field| !field.is_empty()) {
                // ConnectWise (and the simulator) often start the message
                // with the field already: say it once.
                Some(field) => write!(f, "; {field}: {}", without_field_prefix(&e.message, field))?,
                None => write!(f, "; {}", e.message)?,
            }
        }
        if let Some(s) = self.retry_after_secs {
            write!(f, " (retry after {s} s)")?;
        }
        Ok(())
    }
}

/// `message` without a leading `field:` (any case, `/` or `.` between
/// segments), so that a field's name is said once.
pub fn without_field_prefix<'a>(message: &'a str, field: &str) -> &'a str {
    let same = |a: &str| a.replace('.', "/").eq_ignore_ascii_case(&field.replace('.', "/"));
    match message.split_once(':') {
        Some((head, rest)) if same(head.trim()) => rest.trim_start(),
        _ => message,
    }
}

/// Everything a call can end in other than success.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// ConnectWise answered with an error status.
    #[error("{0}")]
    Response(CwError),
    /// No answer in time (after the retries a read gets).
    #[error("ConnectWise did not answer within {} s", .0.as_secs())]
    Timeout(Duration),
    /// Could not reach ConnectWise at all.
    #[error("cannot reach ConnectWise: {0}")]
    Connect(String),
    /// Refused before sending (e.g. a URL outside the configured site).
    #[error("request refused: {0}")]
    Refused(String),
    /// ConnectWise answered 2xx with a body we could not read.
    #[error("unexpected response from ConnectWise: {0}")]
    Decode(String),
}

impl ApiError {
    /// The HTTP status, when ConnectWise answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Response(e) => Some(e.status),
            _ => None,
        }
    }

    /// Reads an error response's body into a [`CwError`].
    pub async fn from_response(response: reqwest::Response) -> Self {
        let status = response.status().as_u16();
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().await.unwrap_or_default();
        ApiError::Response(CwError::from_parts(status, retry_after.as_deref(), &body))
    }

    /// Classifies a transport failure.
    pub fn from_reqwest(e: &reqwest::Error, timeouts: Timeouts) -> Self {
        if e.is_timeout() {
            ApiError::Timeout(timeouts.request)
        } else if e.is_connect() {
            ApiError::Connect(without_url(e))
        } else if e.is_decode() || e.is_body() {
            ApiError::Decode(without_url(e))
        } else {
            ApiError::Connect(without_url(e))
        }
    }

    /// Converts what a generated method returned.
    pub async fn from_progenitor(e: progenitor_client::Error<()>, timeouts: Timeouts) -> Self {
        use progenitor_client::Error as P;
        match e {
            P::UnexpectedResponse(response) => Self::from_response(response).await,
            P::ErrorResponse(value) => {
                ApiError::Response(CwError::from_parts(value.status().as_u16(), None, b""))
            }
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
                Self::from_reqwest(&e, timeouts)
            }
            P::InvalidResponsePayload(_, e) => ApiError::Decode(e.to_string()),
            P::InvalidRequest(m) | P::Custom(m) => ApiError::Refused(m),
        }
    }
}

/// reqwest errors carry the URL; ours never has secrets in it, but the
/// query may be long. Keep the error kind and its source only.
fn without_url(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    if let Some(url) = e.url() {
        text = text.replace(&format!(" for url ({url})"), "");
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_connectwise_body_is_read_field_by_field() {
        let body = br#"{"code":"InvalidObject","message":"ticket object is invalid","errors":[{"code":"NullOrEmpty","message":"summary may not be empty","resource":"ticket","field":"summary"}]}"#;
        let e = CwError::from_parts(400, None, body);
        assert_eq!(e.code.as_deref(), Some("InvalidObject"));
        assert_eq!(e.errors[0].field.as_deref(), Some("summary"));
        assert_eq!(
            e.to_string(),
            "ConnectWise answered 400 InvalidObject: ticket object is invalid; summary: summary may not be empty"
        );
    }

    #[test]
    fn a_field_already_named_by_its_message_is_said_once() {
        let body = br#"{"code":"InvalidObject","message":"timeEntry object is invalid","errors":[
            {"code":"NotFound","message":"chargeToId: Ticket 99 not found","field":"chargeToId"},
            {"code":"InvalidEnum","message":"status/id must be one of: 1, 2","field":"status.id"},
            {"code":"InvalidDateTime","message":"timeStart: not a date","field":"timeStart"}]}"#;
        let text = CwError::from_parts(400, None, body).to_string();
        assert_eq!(
            text,
            "ConnectWise answered 400 InvalidObject: timeEntry object is invalid; chargeToId: Ticket 99 not found; \
             status.id: status/id must be one of: 1, 2; timeStart: not a date"
        );
        assert_eq!(without_field_prefix("Status: closed", "status"), "closed");
        assert_eq!(
            without_field_prefix("summary may not be empty", "summary"),
            "summary may not be empty"
        );
    }

    #[test]
    fn a_body_that_is_not_json_still_reads() {
        let e = CwError::from_parts(502, None, b"<html><body><h1>Bad Gateway</h1></body></html>");
        assert_eq!(e.message, "Bad Gateway: Bad Gateway");
        let e = CwError::from_parts(502, None, b"upstream connect error");
        assert_eq!(e.message, "Bad Gateway: upstream connect error");
        let e = CwError::from_parts(500, None, b"");
        assert_eq!(e.message, "Internal Server Error");
    }

    #[test]
    fn an_html_page_from_the_edge_reads_as_its_title_and_keeps_retry_after() {
        let page = b"<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>Error 1015: You are being rate limited</title></head>\n<body><h1>Error 1015</h1><p>Cloudflare Ray ID: 8f3a</p></body></html>";
        let e = CwError::from_parts(429, Some("30"), page);
        assert_eq!(e.status, 429);
        assert_eq!(e.code, None);
        assert_eq!(
            e.message,
            "Too Many Requests: Error 1015: You are being rate limited"
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(30)));
    }

    #[test]
    fn retry_after_is_kept_in_seconds() {
        let e = CwError::from_parts(
            429,
            Some("7"),
            br#"{"code":"TooManyRequests","message":"slow down"}"#,
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
        assert!(e.to_string().ends_with("(retry after 7 s)"));
    }
}
