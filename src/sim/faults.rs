//! Fault injection and tenant quirks, switched at run time by tests and the demo.
//!
//! Faults apply to every request under the API root, in this order: added
//! latency, hang, 429, 5xx (each of these before authentication, as the edge
//! in front of ConnectWise would answer: see [`crate::sim::server`] for their
//! non-JSON bodies), then, after authentication, 403 for forbidden path
//! prefixes; last, a write made and its answer dropped with the connection. Counted faults ("after N requests, for the next K") count every
//! request that reaches them.
//!
//! Quirks change what a healthy tenant answers: the ConnectWise version it
//! reports ([`Faults::report_version`]) and records in shapes the spec does
//! not promise ([`Faults::serve_odd_shapes`], see [`crate::sim::shape::odd`]).

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A counted fault: let `skip` requests through, then hit the next `count`.
#[derive(Debug, Clone, Copy, Default)]
struct Counted {
    skip: u64,
    count: u64,
}

impl Counted {
    /// Whether this request gets the fault; advances the counters.
    fn take(&mut self) -> bool {
        if self.count == 0 {
            return false;
        }
        if self.skip > 0 {
            self.skip -= 1;
            return false;
        }
        self.count -= 1;
        true
    }
}

#[derive(Debug, Default)]
struct State {
    latency: Duration,
    hang: Counted,
    rate_limit: Counted,
    retry_after_secs: u64,
    server_error: Counted,
    server_error_status: u16,
    forbidden_prefixes: Vec<String>,
    /// Writes made, then the connection dropped without an answer.
    drop_after_write: Counted,
    /// The version `/system/info` and `api-current-version` report, when not the spec's.
    version: Option<String>,
    odd_shapes: bool,
}

/// What to do with one request, decided by [`Faults::decide`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    pub latency: Duration,
    pub hang: bool,
    /// `Some(retry_after_secs)`: answer 429.
    pub rate_limited: Option<u64>,
    /// `Some(status)`: answer this 5xx.
    pub server_error: Option<u16>,
}

/// The simulator's fault switches. Cheap to clone; clones share the switches.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    state: Arc<Mutex<State>>,
}

impl Faults {
    fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut guard = self.state.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }

    /// Adds `latency` to every response (zero switches it off).
    pub fn set_latency(&self, latency: Duration) {
        self.with(|s| s.latency = latency);
    }

    /// After `after` more requests, answer the next `count` with 429 and
    /// `Retry-After: {retry_after_secs}`, from the edge (an HTML page, not
    /// ConnectWise JSON).
    pub fn rate_limit(&self, after: u64, count: u64, retry_after_secs: u64) {
        self.with(|s| {
            s.rate_limit = Counted { skip: after, count };
            s.retry_after_secs = retry_after_secs;
        });
    }

    /// After `after` more requests, answer the next `count` with `status` (a
    /// 5xx). 500 is ConnectWise's own JSON error; 502, 503 and 504 come from
    /// the edge, as text (503 with `Retry-After`).
    pub fn server_errors(&self, after: u64, count: u64, status: u16) {
        self.with(|s| {
            s.server_error = Counted { skip: after, count };
            s.server_error_status = status;
        });
    }

    /// Never answer the next `count` requests (the client has to time out).
    pub fn hang(&self, count: u64) {
        self.with(|s| s.hang = Counted { skip: 0, count });
    }

    /// Make the next `count` writes (any method but GET), then drop the
    /// connection without answering, as a proxy or a network failure can
    /// after ConnectWise has done the work: the client cannot tell whether
    /// it was written.
    pub fn drop_after_write(&self, count: u64) {
        self.with(|s| s.drop_after_write = Counted { skip: 0, count });
    }

    /// Whether this request, a write, is to be made and its answer dropped.
    pub fn drops_answer(&self, method: &str) -> bool {
        method != "GET" && self.with(|s| s.drop_after_write.take())
    }

    /// Answer 403 to every request whose path (relative to the API root, e.g.
    /// `/finance`) starts with `prefix`, as a security role without that
    /// module would.
    pub fn forbid_prefix(&self, prefix: &str) {
        let prefix = format!("/{}", prefix.trim_start_matches('/'));
        self.with(|s| s.forbidden_prefixes.push(prefix));
    }

    /// Reports `version` (e.g. `2025.1`) as the tenant's ConnectWise version,
    /// in `/system/info` and the `api-current-version` header, instead of the
    /// compiled spec's ([`crate::spec::API_VERSION`]).
    pub fn report_version(&self, version: &str) {
        let version = version.trim().trim_start_matches('v').to_string();
        self.with(|s| s.version = Some(version));
    }

    /// The ConnectWise version the tenant reports, e.g. `2022.1`.
    pub fn version(&self) -> String {
        self.with(|s| s.version.clone())
            .unwrap_or_else(|| crate::spec::API_VERSION.to_string())
    }

    /// Serves a few records of the curated collections in shapes the spec
    /// does not promise (see [`crate::sim::shape::odd`]).
    pub fn serve_odd_shapes(&self, on: bool) {
        self.with(|s| s.odd_shapes = on);
    }

    pub fn odd_shapes(&self) -> bool {
        self.with(|s| s.odd_shapes)
    }

    /// Switches every fault and quirk off.
    pub fn clear(&self) {
        self.with(|s| *s = State::default());
    }

    /// Decides the pre-authentication faults for one request.
    pub fn decide(&self) -> Decision {
        self.with(|s| Decision {
            latency: s.latency,
            hang: s.hang.take(),
            rate_limited: s.rate_limit.take().then_some(s.retry_after_secs),
            server_error: s.server_error.take().then_some(s.server_error_status),
        })
    }

    /// Whether `path` (relative to the API root) is forbidden.
    pub fn is_forbidden(&self, path: &str) -> bool {
        self.with(|s| {
            s.forbidden_prefixes.iter().any(|p| {
                path.get(..p.len())
                    .is_some_and(|head| head.eq_ignore_ascii_case(p))
                    && {
                        let rest = &path[p.len()..];
                        rest.is_empty() || rest.starts_with('/') || p.ends_with('/')
                    }
            })
        })
    }
}
