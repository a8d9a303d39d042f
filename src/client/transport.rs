//! The HTTP runtime under every call, generated or raw: auth and ConnectWise
//! headers, the host guard, and retries, each told to the call's watch
//! ([`super::observe`]).

use super::config::{Config, ConfigError, RetryPolicy, Timeouts};
use super::error::ApiError;
use super::observe::{Event, Request as Seen, Watch, Watcher};
use super::pin::{self, Pin};
use base64::Engine;
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderName, HeaderValue};
use reqwest::{Method, Request, Response, StatusCode};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// Shared, cheap to clone. `Debug` shows the site and client id, never keys.
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
    /// The companies this caller is limited to ([`super::pin`]).
    pin: Option<Arc<Pin>>,
    /// Who is told what happens to this caller's requests ([`super::observe`]).
    watch: Option<Watcher>,
}

struct Inner {
    http: reqwest::Client,
    base: url::Url,
    authorization: HeaderValue,
    client_id: HeaderValue,
    accept: HeaderValue,
    retry: RetryPolicy,
    timeouts: Timeouts,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base", &self.inner.base.as_str())
            .field("client_id", &self.inner.client_id)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// Headers progenitor adds that ConnectWise does not use.
const DROPPED_HEADERS: [&str; 1] = ["api-version"];

impl Transport {
    pub fn new(config: &Config) -> Result<Self, ConfigError> {
        let user = format!("{}+{}", config.company_id, config.public_key);
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("{user}:{}", config.private_key.expose()));
        let mut authorization = HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| {
            ConfigError::Http("the credentials contain characters a header cannot carry".into())
        })?;
        // Sensitive headers print as `Sensitive` in reqwest's Debug output.
        authorization.set_sensitive(true);
        let client_id = HeaderValue::from_str(&config.client_id).map_err(|_| ConfigError::BadCredential {
            var: "CW_CLIENT_ID",
            why: "contains characters a header cannot carry",
        })?;
        let accept = HeaderValue::from_static(crate::spec::MEDIA_TYPE);
        let http = super::tls::client_builder()
            .connect_timeout(config.timeouts.connect)
            .timeout(config.timeouts.request)
            // A redirect could take the Basic header to another host.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("connectwise-mcp/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError::Http(e.to_string()))?;
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                base: config.site.base_url().clone(),
                authorization,
                client_id,
                accept,
                retry: config.retry,
                timeouts: config.timeouts,
            }),
            pin: None,
            watch: None,
        })
    }

    /// This transport (same connection pool), limited to `pin`'s companies.
    pub fn pinned(&self, pin: Pin) -> Transport {
        Transport {
            pin: Some(Arc::new(pin)),
            ..self.clone()
        }
    }

    /// This transport (same pool, same limit), telling `watch` what happens
    /// to every request made through it.
    pub fn watched(&self, watch: Watcher) -> Transport {
        Transport {
            watch: Some(watch),
            ..self.clone()
        }
    }

    /// Who is told what happens to requests made through this transport.
    pub fn watch(&self) -> Option<&dyn Watch> {
        self.watch.as_deref()
    }

    pub fn pin(&self) -> Option<&Pin> {
        self.pin.as_deref()
    }

    /// Applies the company limit, if any, to a request about to be sent
    /// ([`pin::admit`]): the one check every generated and raw call passes.
    async fn admit(&self, request: &mut Request) -> Result<(), String> {
        match &self.pin {
            Some(p) => pin::admit(self, p, request).await,
            None => Ok(()),
        }
    }

    /// `https://host/v4_6_release/apis/3.0/`.
    pub fn base_url(&self) -> &url::Url {
        &self.inner.base
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub fn timeouts(&self) -> Timeouts {
        self.inner.timeouts
    }

    /// Refuses any URL outside the configured site and API path.
    pub fn check_url(&self, url: &url::Url) -> Result<(), String> {
        let base = &self.inner.base;
        let same_origin = url.scheme() == base.scheme()
            && url.host_str() == base.host_str()
            && url.port_or_known_default() == base.port_or_known_default();
        if !same_origin {
            return Err(format!(
                "{} is outside the configured ConnectWise site {}",
                url.origin().ascii_serialization(),
                base.origin().ascii_serialization()
            ));
        }
        if !url.path().starts_with(base.path()) || url.path().split('/').any(|s| s == ".." || s == ".") {
            return Err(format!(
                "path {} is outside the ConnectWise API {}",
                url.path(),
                base.path()
            ));
        }
        Ok(())
    }

    /// Makes a request ready to send: the host guard, ConnectWise's headers
    /// and the company limit. The one way a request is readied outside this
    /// module, so that no caller can skip the limit.
    pub async fn ready(&self, request: &mut Request) -> Result<(), String> {
        self.prepare(request)?;
        self.admit(request).await
    }

    /// Applies the host guard and ConnectWise's headers to a request (the
    /// company limit's own lookups use this alone).
    pub(super) fn prepare(&self, request: &mut Request) -> Result<(), String> {
        self.check_url(request.url())?;
        let headers = request.headers_mut();
        for name in DROPPED_HEADERS {
            headers.remove(name);
        }
        headers.insert(AUTHORIZATION, self.inner.authorization.clone());
        headers.insert(HeaderName::from_static("clientid"), self.inner.client_id.clone());
        headers.insert(ACCEPT, self.inner.accept.clone());
        Ok(())
    }

    /// Sends a prepared request, retrying what is safe to retry; the watch
    /// is told of each wait and of the end.
    pub async fn send(&self, request: Request) -> reqwest::Result<Response> {
        let named = self
            .watch
            .as_ref()
            .map(|_| (request.method().clone(), request.url().clone()));
        let result = self.send_with_retries(request).await;
        if let (Some(watch), Some((method, url))) = (&self.watch, named) {
            let status = result.as_ref().ok().map(|r| r.status().as_u16());
            let request = Seen::of(method.as_str(), &url, self.inner.base.path());
            watch.event(&Event::RequestDone { request, status });
        }
        result
    }

    async fn send_with_retries(&self, mut request: Request) -> reqwest::Result<Response> {
        let retry = self.inner.retry;
        let read = matches!(*request.method(), Method::GET | Method::HEAD);
        let mut attempt = 0;
        loop {
            let again = request.try_clone();
            let result = self.inner.http.execute(request).await;
            if let Ok(r) = &result {
                crate::metrics::connectwise_response(r.status().as_u16());
            }
            let wait = match &result {
                Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS => match retry_after(r) {
                    Some(d) if d > retry.max_retry_after => None,
                    Some(d) => Some(d),
                    None => Some(backoff(retry.base_backoff, attempt)),
                },
                Ok(r) if read && r.status().is_server_error() => {
                    Some(retry_after(r).unwrap_or_else(|| backoff(retry.base_backoff, attempt)))
                }
                Err(e) if e.is_connect() || (read && e.is_timeout()) => {
                    Some(backoff(retry.base_backoff, attempt))
                }
                _ => None,
            };
            match (wait, again) {
                (Some(wait), Some(again)) if attempt < retry.max_retries => {
                    let wait = wait.min(retry.max_retry_after);
                    let outcome = describe(&result);
                    let limited = matches!(&result, Ok(r) if r.status() == StatusCode::TOO_MANY_REQUESTS);
                    crate::metrics::connectwise_retry(limited);
                    tracing::warn!(
                        method = %again.method(),
                        path = again.url().path(),
                        attempt = attempt + 1,
                        wait_ms = wait.as_millis() as u64,
                        outcome = %outcome,
                        "retrying ConnectWise request"
                    );
                    self.tell_retry(&again, wait, attempt + 1, limited, &outcome);
                    tokio::time::sleep(wait).await;
                    request = again;
                    attempt += 1;
                }
                _ => return result,
            }
        }
    }

    /// Tells the watch that `request` waits `wait` before its `attempt`th
    /// retry, after a 429 (`limited`) or another `outcome`.
    fn tell_retry(&self, request: &Request, wait: Duration, attempt: u32, limited: bool, outcome: &str) {
        let Some(watch) = &self.watch else { return };
        let request = Seen::of(request.method().as_str(), request.url(), self.inner.base.path());
        let event = if limited {
            Event::RateLimited {
                request,
                wait,
                attempt,
            }
        } else {
            Event::Retry {
                request,
                wait,
                attempt,
                outcome,
            }
        };
        watch.event(&event);
    }

    /// Prepares, sends and checks a request built by hand (raw calls):
    /// a 2xx response, or one [`ApiError`].
    pub async fn execute(&self, mut request: Request) -> Result<Response, ApiError> {
        self.ready(&mut request).await.map_err(ApiError::Refused)?;
        let response = self
            .send(request)
            .await
            .map_err(|e| ApiError::from_reqwest(&e, self.inner.timeouts))?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(ApiError::from_response(response).await)
        }
    }
}

fn retry_after(response: &Response) -> Option<Duration> {
    response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// Exponential backoff with full jitter: a random wait in [base·2ⁿ/2, base·2ⁿ].
fn backoff(base: Duration, attempt: u32) -> Duration {
    let ceiling = base.saturating_mul(1 << attempt.min(6));
    let half = ceiling / 2;
    half + half.mul_f64(fastrand::f64())
}

fn describe(result: &reqwest::Result<Response>) -> String {
    match result {
        Ok(r) => r.status().to_string(),
        Err(e) if e.is_timeout() => "timeout".into(),
        Err(_) => "connection failed".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_and_stays_jittered_within_bounds() {
        let base = Duration::from_millis(100);
        for attempt in 0..8 {
            let ceiling = base * (1 << attempt.min(6));
            for _ in 0..50 {
                let d = backoff(base, attempt);
                assert!(d >= ceiling / 2 && d <= ceiling, "attempt {attempt}: {d:?}");
            }
        }
    }
}
