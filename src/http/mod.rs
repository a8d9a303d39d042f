//! The shared deployment: MCP over streamable HTTP for a whole team.
//!
//! - `/mcp`: MCP streamable HTTP (rmcp), one session per `initialize`, or
//!   stateless (`--stateless`) for several instances behind a load balancer.
//! - `GET /health`: liveness. `GET /ready`: ConnectWise answers with the
//!   server's keys (cached briefly).
//! - `GET /openapi.json`, `POST /tools/{name}`: the session's tools for
//!   OpenAPI tool clients (OpenWebUI), under the same guard ([`openapi`]).
//!
//! Every route but the probes passes the guard ([`guard`]): `Host` and
//! `Origin` validation (DNS rebinding), the role token ([`auth`]), the
//! technician's own keys ([`keys`]) and the session's binding to both.
//! With OAuth configured ([`oauth`]), a token that is no role token is
//! checked as the identity provider's access token, and
//! `/.well-known/oauth-protected-resource` tells clients where to sign in.
//! `GET /metrics` (with `--metrics`) is guarded like `/mcp`.
//! Then every message POSTed to `/mcp` is checked ([`check_frame`]) before
//! rmcp reads it.

pub mod auth;
pub mod keys;
pub mod oauth;
pub mod openapi;
pub mod session;
pub mod settings;

pub use settings::{HttpOptions, HttpOverrides, OAuthOverrides};

use crate::mcp::frames::{self, Outline, Verdict};
use auth::{AuthError, Principal};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use keys::{Binding, Bindings, KeysPolicy, MemberKeys};
use rmcp::model::ErrorCode;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use serde_json::json;
use session::{HttpSession, RequestAuth, Shared};
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;
use tower::Layer;

const SESSION_HEADER: &str = "mcp-session-id";
/// How long `/ready` reuses its last answer.
const READY_CACHE: Duration = Duration::from_secs(10);
/// How long open streams get to finish after SIGTERM.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// State of the guard and the probes.
pub struct AppState {
    options: HttpOptions,
    shared: Arc<Shared>,
    bindings: Bindings,
    ready: Mutex<Option<(Instant, Result<String, String>)>>,
}

/// A JSON error body: `{"error": code, "message": …}`.
pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let mut response = (
        status,
        axum::Json(json!({"error": code, "message": message.into()})),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

/// The router: the guarded MCP and OpenAPI routes, the probes, the
/// body-size limit (on `/mcp`, [`check_frame`]'s) and the timeout.
pub fn router(options: HttpOptions, shared: Shared, shutdown: CancellationToken) -> axum::Router {
    let shared = Arc::new(shared);
    let session_idle = Duration::from_secs(300);
    let mut sessions = LocalSessionManager::default();
    sessions.session_config.keep_alive = Some(session_idle);
    // Host and Origin are checked by the guard, for every route alike.
    let mcp_config = StreamableHttpServerConfig::default()
        .disable_allowed_hosts()
        .disable_allowed_origins()
        .with_cancellation_token(shutdown)
        .with_max_request_body_bytes(options.max_body_bytes)
        .with_legacy_session_mode(!options.stateless)
        .with_json_response(options.stateless);
    let for_sessions = shared.clone();
    let mcp = StreamableHttpService::new(
        move || Ok(HttpSession::new(for_sessions.clone())),
        Arc::new(sessions),
        mcp_config,
    );
    let max_body = options.max_body_bytes;
    let timeout = options.request_timeout;
    let state = Arc::new(AppState {
        options,
        shared,
        bindings: Bindings::new(session_idle * 2),
        ready: Mutex::new(None),
    });
    // `/mcp` reads its own body ([`check_frame`]), to answer in JSON-RPC.
    let tools = axum::Router::new()
        .route("/openapi.json", get(openapi::document))
        .route("/tools/{name}", post(openapi::call))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(max_body));
    let guarded = axum::Router::new()
        .route_service(
            "/mcp",
            axum::middleware::from_fn_with_state(max_body, check_frame).layer(mcp),
        )
        .merge(tools);
    let guarded = match state.options.metrics {
        true => guarded.route("/metrics", get(metrics)),
        false => guarded,
    }
    .layer(axum::middleware::from_fn_with_state(state.clone(), guard));
    let mut open = axum::Router::new()
        .route("/health", get(health))
        .route("/ready", get(ready));
    if let Some(verifier) = &state.options.oauth {
        for path in verifier.settings.metadata_paths() {
            open = open.route(&path, get(resource_metadata));
        }
    }
    open.merge(guarded)
        .with_state(state)
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            timeout + Duration::from_secs(5),
        ))
}

/// Serves until SIGTERM or ctrl-c; then stops accepting, ends the MCP
/// streams and gives requests in flight [`SHUTDOWN_GRACE`] to finish.
pub async fn serve(options: HttpOptions, shared: Shared) -> Result<(), String> {
    options.check_exposure()?;
    let listener = tokio::net::TcpListener::bind(options.bind)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.bind))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    announce(&options, addr);
    let shutdown = CancellationToken::new();
    let app = router(options, shared, shutdown.child_token());
    let signalled = shutdown.clone();
    // Responses are SSE events written in pieces: without TCP_NODELAY, Nagle
    // and the client's delayed ACK add ~40 ms to every call.
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::warn!("cannot set TCP_NODELAY: {e}");
        }
    });
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        stop_signal().await;
        eprintln!("connectwise-mcp: shutting down: no new connections; finishing requests in flight");
        signalled.cancel();
    });
    let grace = async {
        shutdown.cancelled().await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        result = server => result.map_err(|e| format!("HTTP server: {e}")),
        () = grace => {
            eprintln!("connectwise-mcp: requests still open after {} s; exiting", SHUTDOWN_GRACE.as_secs());
            Ok(())
        }
    }
}

/// What the operator needs to know at start-up, on stderr (tests read the
/// `listening on` line, written last, for the port).
fn announce(options: &HttpOptions, addr: SocketAddr) {
    if let Some(verifier) = &options.oauth {
        eprintln!(
            "connectwise-mcp: OAuth sign-in: issuer {}, audience {}",
            verifier.settings.issuer, verifier.settings.audience
        );
    }
    if !options.authenticates() {
        if addr.ip().is_loopback() {
            eprintln!(
                "connectwise-mcp: no role tokens: anyone on this machine can use the server (loopback only)"
            );
        } else {
            eprintln!(
                "connectwise-mcp: WARNING: --insecure-no-auth: NO AUTHENTICATION on {addr}; anyone who reaches it acts with the server's ConnectWise keys"
            );
        }
    } else {
        eprintln!(
            "connectwise-mcp: {} role token(s); own ConnectWise keys: {:?}",
            options.tokens.len(),
            options.keys_policy
        );
    }
    if !addr.ip().is_loopback() && options.allowed_hosts.is_empty() {
        eprintln!(
            "connectwise-mcp: only Host {} and loopback names are accepted; set MCP_ALLOWED_HOSTS to the names clients use",
            addr.ip()
        );
    }
    // Last: once it is out, everything above is too.
    if options.metrics {
        eprintln!("connectwise-mcp: metrics at /metrics (same authentication as /mcp)");
    }
    eprintln!("connectwise-mcp: listening on http://{addr} (MCP at /mcp, probes at /health and /ready)");
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return std::future::pending().await,
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

async fn health() -> Response {
    axum::Json(json!({"status": "ok"})).into_response()
}

/// ConnectWise answers `GET /system/info` with the server's keys.
async fn ready(State(state): State<Arc<AppState>>) -> Response {
    let cached = state
        .ready
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .as_ref()
        .filter(|(at, _)| at.elapsed() < READY_CACHE)
        .map(|(_, r)| r.clone());
    let result = match cached {
        Some(r) => r,
        None => {
            let cw = state.shared.role_server(auth::Role::Viewer).connectwise();
            let r = match cw {
                Err(e) => Err(e),
                Ok(cw) => cw
                    .read(
                        cw.api()
                            .get_system_info(None, None, None, None, None, None, None, None),
                    )
                    .await
                    .map(|info| info["version"].as_str().unwrap_or_default().to_owned())
                    .map_err(|e| e.to_string()),
            };
            *state.ready.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), r.clone()));
            r
        }
    };
    match result {
        Ok(version) => axum::Json(json!({"ready": true, "connectwise_version": version})).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            axum::Json(json!({"ready": false, "error": e})),
        )
            .into_response(),
    }
}

/// The message POSTed to `/mcp`, checked as on stdio ([`frames::check`]):
/// rmcp answers a message it cannot read with a plain-text 415. A bad one
/// is answered here with a JSON-RPC error: HTTP 200 when it carries the
/// request's `id` (the client matches it like any answer), 400 when it has
/// none, 413 when the body is over the limit.
async fn check_frame(State(max_bytes): State<usize>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let verdict = match read_frame(body, max_bytes).await {
        Ok(bytes) => match frames::check(&bytes, max_bytes) {
            Verdict::Pass(_) => return next.run(Request::from_parts(parts, bytes.into())).await,
            other => other,
        },
        Err(oversized) => return json_rpc_answer(StatusCode::PAYLOAD_TOO_LARGE, oversized),
    };
    match verdict {
        Verdict::Answer(answer) if !answer["id"].is_null() => {
            json_rpc_answer(StatusCode::OK, Verdict::Answer(answer))
        }
        other => json_rpc_answer(StatusCode::BAD_REQUEST, other),
    }
}

/// The body, if it is at most `max_bytes`; else the answer to it, with its
/// `id`. An oversized body is read to its end without being kept (up to
/// [`DRAIN_FACTOR`] times the limit), so the client is there for the answer.
async fn read_frame(mut body: axum::body::Body, max_bytes: usize) -> Result<bytes::Bytes, Verdict> {
    use axum::body::HttpBody;
    let mut kept = Vec::new();
    let mut oversized: Option<(Outline, usize)> = None;
    loop {
        let next = std::future::poll_fn(|cx| std::pin::Pin::new(&mut body).poll_frame(cx)).await;
        let data = match next {
            None => break,
            Some(Err(_)) if oversized.is_some() => break,
            Some(Err(_)) => return Err(Verdict::Ignore("the request body could not be read")),
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
        };
        match &mut oversized {
            Some((outline, read)) => {
                outline.feed(&data);
                *read += data.len();
                if *read > max_bytes.saturating_mul(DRAIN_FACTOR) {
                    break;
                }
            }
            None if kept.len() + data.len() > max_bytes => {
                let mut outline = Outline::default();
                outline.feed(&kept);
                outline.feed(&data);
                oversized = Some((outline, kept.len() + data.len()));
                kept = Vec::new();
            }
            None => kept.extend_from_slice(&data),
        }
    }
    match oversized {
        Some((outline, _)) => Err(frames::too_large(&outline, max_bytes)),
        None => Ok(kept.into()),
    }
}

/// How much of an oversized body is read (and dropped) before answering,
/// in multiples of the limit; past it the connection is closed instead.
const DRAIN_FACTOR: usize = 16;

fn json_rpc_answer(status: StatusCode, verdict: Verdict) -> Response {
    match verdict {
        Verdict::Answer(answer) => (status, axum::Json(answer)).into_response(),
        Verdict::Ignore(why) => (
            status,
            axum::Json(frames::error_response(
                serde_json::Value::Null,
                ErrorCode::INVALID_REQUEST,
                why,
            )),
        )
            .into_response(),
        Verdict::Pass(_) => status.into_response(),
    }
}

/// Host and Origin, the token, the keys, and the session's binding; then
/// the request goes on with a [`RequestAuth`] in its extensions.
async fn guard(State(state): State<Arc<AppState>>, mut request: Request, next: Next) -> Response {
    let options = &state.options;
    let headers = request.headers();
    if let Err(message) = check_host(headers, options) {
        return error(StatusCode::FORBIDDEN, "host_not_allowed", message);
    }
    if let Err(message) = check_origin(headers, options) {
        return error(StatusCode::FORBIDDEN, "origin_not_allowed", message);
    }
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    let principal = match authenticate(options, authorization).await {
        Ok(p) => p,
        Err(refused) => return refused,
    };
    let keys = match MemberKeys::from_headers(headers) {
        Ok(keys) => keys,
        Err(message) => return error(StatusCode::BAD_REQUEST, "incomplete_keys", message),
    };
    if keys.is_some() {
        match options.keys_policy {
            KeysPolicy::Disabled => {
                return error(
                    StatusCode::FORBIDDEN,
                    "own_keys_disabled",
                    "this server does not accept ConnectWise keys from clients (keys policy `disabled`); remove the x-cw-* headers",
                );
            }
            KeysPolicy::WithToken if !principal.authenticated => {
                return error(
                    StatusCode::FORBIDDEN,
                    "own_keys_need_token",
                    "own ConnectWise keys are accepted only with a role token (keys policy `with-token`)",
                );
            }
            _ => {}
        }
    }
    let binding = Binding::of(&principal, keys.as_ref());
    let session = headers
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(id) = &session
        && let Some(bound) = state.bindings.check(id)
        && let Some(why) = bound.mismatch(&binding)
    {
        return error(StatusCode::FORBIDDEN, "session_bound", why);
    }
    let is_delete = request.method() == Method::DELETE;
    request.extensions_mut().insert(RequestAuth {
        principal,
        keys: keys.map(Arc::new),
    });
    let response = next.run(request).await;
    match &session {
        None => {
            if let Some(id) = response
                .headers()
                .get(SESSION_HEADER)
                .and_then(|v| v.to_str().ok())
            {
                state.bindings.bind(id, binding);
            }
        }
        Some(id) if is_delete && response.status().is_success() => state.bindings.forget(id),
        Some(id) if response.status() == StatusCode::NOT_FOUND => state.bindings.forget(id),
        Some(_) => {}
    }
    response
}

/// Who the request is: a role token's holder, else the OAuth token's
/// signed-in person, else (with neither configured) anyone.
async fn authenticate(options: &HttpOptions, authorization: Option<&str>) -> Result<Principal, Response> {
    if !options.authenticates() {
        return Ok(Principal::anonymous());
    }
    let by_token = match options.tokens.is_empty() {
        true => Err(AuthError::Missing),
        false => options.tokens.authenticate(authorization),
    };
    if let Ok(principal) = by_token {
        return Ok(principal);
    }
    if let Some(verifier) = &options.oauth {
        return verifier.authenticate(authorization).await.map_err(|refusal| {
            let (status, code, message) = match &refusal {
                oauth::Refusal::Missing => (
                    StatusCode::UNAUTHORIZED,
                    "missing_token",
                    "sign in: send `Authorization: Bearer <access token>` from the identity provider the metadata names"
                        .to_owned(),
                ),
                oauth::Refusal::Invalid(why) => (StatusCode::UNAUTHORIZED, "invalid_token", why.clone()),
                oauth::Refusal::NoRole(why) => (StatusCode::FORBIDDEN, "insufficient_scope", why.clone()),
            };
            let mut response = error(status, code, message);
            if let Ok(value) = HeaderValue::from_str(&refusal.challenge(&verifier.settings)) {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, value);
            }
            response
        });
    }
    Err(match by_token {
        Err(AuthError::Missing) => error(
            StatusCode::UNAUTHORIZED,
            "missing_token",
            "this server needs a role token: send `Authorization: Bearer <token>`",
        ),
        Err(AuthError::Malformed) => error(
            StatusCode::UNAUTHORIZED,
            "malformed_authorization",
            "the Authorization header must be `Bearer <token>`",
        ),
        _ => error(
            StatusCode::UNAUTHORIZED,
            "invalid_token",
            "the bearer token is not one this server knows; ask the administrator for yours",
        ),
    })
}

/// The process's metrics ([`crate::metrics`]).
async fn metrics() -> Response {
    (
        [(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)],
        crate::metrics::render(),
    )
        .into_response()
}

/// RFC 9728's protected-resource metadata.
async fn resource_metadata(State(state): State<Arc<AppState>>) -> Response {
    match &state.options.oauth {
        Some(verifier) => axum::Json(verifier.settings.metadata()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

fn is_loopback_name(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost") || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `host:port` → `host` (IPv6 brackets kept off).
fn host_part(authority: &str) -> &str {
    if let Some(rest) = authority.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if port.chars().all(|c| c.is_ascii_digit()) => host,
        _ => authority,
    }
}

fn check_host(headers: &HeaderMap, options: &HttpOptions) -> Result<(), String> {
    if options.allowed_hosts.iter().any(|h| h == "*") {
        return Ok(());
    }
    let Some(authority) = headers.get(header::HOST).and_then(|v| v.to_str().ok()) else {
        return Err("the request has no Host header".into());
    };
    let host = host_part(authority.trim());
    let bind_ip = options.bind.ip();
    let ok = is_loopback_name(host)
        || (!bind_ip.is_unspecified() && host.parse::<IpAddr>().is_ok_and(|ip| ip == bind_ip))
        || options
            .allowed_hosts
            .iter()
            .any(|a| a.eq_ignore_ascii_case(host) || a.eq_ignore_ascii_case(authority.trim()));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "Host `{authority}` is not one this server answers to (DNS rebinding protection); the administrator can add it to MCP_ALLOWED_HOSTS"
        ))
    }
}

fn check_origin(headers: &HeaderMap, options: &HttpOptions) -> Result<(), String> {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return Ok(());
    };
    let origin = origin.to_str().unwrap_or("").trim().trim_end_matches('/');
    let loopback = url::Url::parse(origin)
        .ok()
        .and_then(|u| u.host_str().map(is_loopback_name))
        .unwrap_or(false);
    let listed = options
        .allowed_origins
        .iter()
        .any(|a| a == "*" || a.trim_end_matches('/').eq_ignore_ascii_case(origin));
    if loopback || listed {
        Ok(())
    } else {
        Err(format!(
            "Origin `{origin}` is not allowed (a web page may not call this server); the administrator can add it to MCP_ALLOWED_ORIGINS"
        ))
    }
}
