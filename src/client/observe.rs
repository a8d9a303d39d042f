//! What happens to a call on its way to ConnectWise, told to whoever watches
//! it: a rate-limit wait, a retry, an answer whose shape deviated from the
//! spec, each request done.
//!
//! The client knows nothing of who listens. A client made with a [`Watch`]
//! ([`ConnectWise::watched`](super::ConnectWise::watched)) tells it every
//! event of the requests made through it, generated or raw, from whichever
//! thread makes them (a code-mode program's requests come from its own
//! thread); the MCP layer turns events into log messages and progress
//! notifications (`crate::mcp::notify`). A client without one tells nobody
//! (the tracing log still has everything).

use std::sync::Arc;
use std::time::Duration;

/// One thing that happened to a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<'a> {
    /// ConnectWise answered 429; the request is sent again after `wait`.
    RateLimited {
        request: Request<'a>,
        wait: Duration,
        /// 1 for the first retry.
        attempt: u32,
    },
    /// The request failed in a way that is safe to try again (a 5xx to a
    /// read, a connection that failed, a read that timed out); it is sent
    /// again after `wait`.
    Retry {
        request: Request<'a>,
        wait: Duration,
        attempt: u32,
        /// What went wrong, e.g. `503 Service Unavailable`, `timeout`.
        outcome: &'a str,
    },
    /// An answer's records differ from the spec's `schema`; they are passed
    /// on as sent. `summary` names the fields and how
    /// ([`crate::spec::shape::summary`]).
    ShapeDeviated { schema: &'a str, summary: &'a str },
    /// A request is over, retries included: ConnectWise's status, or `None`
    /// when no answer came.
    RequestDone {
        request: Request<'a>,
        status: Option<u16>,
    },
}

/// The request an event is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request<'a> {
    pub method: &'a str,
    /// Below the API root: `/service/tickets`.
    pub path: &'a str,
    /// The `page` a list request asked for.
    pub page: Option<u64>,
}

impl std::fmt::Display for Request<'_> {
    /// `GET /service/tickets page 2`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)?;
        match self.page {
            Some(page) => write!(f, " page {page}"),
            None => Ok(()),
        }
    }
}

/// Who is told. Called on the thread that makes the request, so it must
/// not block: hand the event on (e.g. to a channel) and return.
pub trait Watch: Send + Sync {
    fn event(&self, event: &Event<'_>);
}

/// A watch shared by every clone of a client.
pub type Watcher = Arc<dyn Watch>;

impl<'a> Request<'a> {
    /// The request of `url` below the API root `base_path`
    /// (`/v4_6_release/apis/3.0/`).
    pub(crate) fn of(method: &'a str, url: &'a url::Url, base_path: &str) -> Request<'a> {
        let full = url.path();
        let path = full
            .strip_prefix(base_path.trim_end_matches('/'))
            .filter(|p| p.starts_with('/'))
            .unwrap_or(full);
        let page = url
            .query_pairs()
            .find(|(k, _)| k.eq_ignore_ascii_case("page"))
            .and_then(|(_, v)| v.parse().ok());
        Request { method, path, page }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_named_below_the_api_root_with_its_page() {
        let url =
            url::Url::parse("https://cw.example/v4_6_release/apis/3.0/service/tickets?pageSize=5&page=2")
                .unwrap();
        let request = Request::of("GET", &url, "/v4_6_release/apis/3.0/");
        assert_eq!(request.to_string(), "GET /service/tickets page 2");
        let one = url::Url::parse("https://cw.example/v4_6_release/apis/3.0/service/tickets/8").unwrap();
        assert_eq!(
            Request::of("PATCH", &one, "/v4_6_release/apis/3.0/").to_string(),
            "PATCH /service/tickets/8"
        );
    }
}
