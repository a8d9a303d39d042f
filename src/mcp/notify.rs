//! What a tool call's client is told while the call runs: log messages
//! (`notifications/message`) for what a user should know, and progress
//! (`notifications/progress`) for each ConnectWise request when the call
//! asked for it (`_meta.progressToken`).
//!
//! The client layer tells a [`Watch`] what happens to each request
//! ([`crate::client::observe`]); here the watch of one call is a
//! [`Notifier`] that turns events into notifications:
//!
//! | event | sent as |
//! |---|---|
//! | a 429 and the wait before the retry | `warning` message, with the seconds |
//! | a retry after a 5xx, a failed connection or a timeout | `warning` message |
//! | an answer whose records differ from the spec | `notice` message, once per schema in a session |
//! | each request done | `debug` message; progress when asked for, counting requests, the message naming the request (`GET /service/tickets page 2`) |
//!
//! Messages below the session's level are not sent; the level is
//! `warning` until the client sets another (`logging/setLevel`), per
//! session. Notifications go out in order, one task per call, and all of a
//! call's are handed to the transport before its result.
//!
//! Over streamable HTTP, rmcp sends progress on the call's own stream and
//! log messages on the session's standalone stream (`GET /mcp`).

// rmcp 3.9 marks MCP logging deprecated (SEP-2577, a protocol revision to
// come); the protocol versions clients speak today have it.
#![allow(deprecated)]

use crate::client::Watcher;
use crate::client::observe::{Event, Watch};
use rmcp::model::{LoggingLevel, LoggingMessageNotificationParam, ProgressNotificationParam, ProgressToken};
use rmcp::{Peer, RoleServer};
use serde_json::{Value, json};
use std::collections::HashSet;
use std::sync::atomic::{AtomicU8, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// The parameters of `logging/setLevel` (named here, where rmcp's
/// deprecation of logging is allowed).
pub type SetLevel = rmcp::model::SetLevelRequestParams;

/// The logger name messages carry.
const LOGGER: &str = "connectwise";

/// How long a finished call waits for its notifications to be handed to
/// the transport before it answers anyway.
const FLUSH_LIMIT: Duration = Duration::from_secs(2);

/// The logging of one session: the least level sent and the schemas whose
/// odd shapes were already told.
pub struct SessionLog {
    level: AtomicU8,
    shapes_told: Mutex<HashSet<String>>,
}

impl Default for SessionLog {
    fn default() -> Self {
        SessionLog {
            level: AtomicU8::new(rank(LoggingLevel::Warning)),
            shapes_told: Mutex::new(HashSet::new()),
        }
    }
}

impl SessionLog {
    /// `logging/setLevel`: messages below its level are not sent.
    pub fn set(&self, request: &SetLevel) {
        self.set_level(request.level);
    }

    fn set_level(&self, level: LoggingLevel) {
        self.level.store(rank(level), Ordering::Relaxed);
    }

    fn admits(&self, level: LoggingLevel) -> bool {
        rank(level) >= self.level.load(Ordering::Relaxed)
    }

    /// Whether the odd shapes of `schema` are news in this session.
    fn first_told(&self, schema: &str) -> bool {
        self.shapes_told
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(schema.to_owned())
    }
}

/// RFC 5424's order, as MCP's levels follow it.
fn rank(level: LoggingLevel) -> u8 {
    match level {
        LoggingLevel::Debug => 0,
        LoggingLevel::Info => 1,
        LoggingLevel::Notice => 2,
        LoggingLevel::Warning => 3,
        LoggingLevel::Error => 4,
        LoggingLevel::Critical => 5,
        LoggingLevel::Alert => 6,
        LoggingLevel::Emergency => 7,
    }
}

/// What the forwarding task sends, in order.
enum Out {
    Log(LoggingMessageNotificationParam),
    Progress(ProgressNotificationParam),
    /// Everything before this was handed to the transport.
    Flush(oneshot::Sender<()>),
}

/// The watch of one tool call.
pub struct Notifier {
    out: mpsc::UnboundedSender<Out>,
    log: Arc<SessionLog>,
    progress: Option<ProgressToken>,
    requests: AtomicU32,
}

impl Notifier {
    fn message(&self, level: LoggingLevel, data: Value) {
        if self.log.admits(level) {
            let mut param = LoggingMessageNotificationParam::new(level, data);
            param.logger = Some(LOGGER.into());
            let _ = self.out.send(Out::Log(param));
        }
    }
}

impl Watch for Notifier {
    fn event(&self, event: &Event<'_>) {
        match event {
            Event::RateLimited {
                request,
                wait,
                attempt,
            } => self.message(
                LoggingLevel::Warning,
                json!({
                    "message": format!(
                        "ConnectWise is limiting the rate of requests (429): waiting {} before sending {request} again",
                        seconds(*wait)
                    ),
                    "wait_seconds": wait.as_secs_f64(),
                    "retry": attempt,
                }),
            ),
            Event::Retry {
                request,
                wait,
                attempt,
                outcome,
            } => self.message(
                LoggingLevel::Warning,
                json!({
                    "message": format!(
                        "{request} failed ({outcome}); sending it again in {}",
                        seconds(*wait)
                    ),
                    "wait_seconds": wait.as_secs_f64(),
                    "retry": attempt,
                }),
            ),
            Event::ShapeDeviated { schema, summary } => {
                if self.log.admits(LoggingLevel::Notice) && self.log.first_told(schema) {
                    self.message(
                        LoggingLevel::Notice,
                        json!({"message": format!(
                            "ConnectWise sent {schema} records that differ from the spec (passed on as sent): {summary}"
                        )}),
                    );
                }
            }
            Event::RequestDone { request, status } => {
                let done = self.requests.fetch_add(1, Ordering::Relaxed) + 1;
                if let Some(token) = &self.progress {
                    let mut param = ProgressNotificationParam::new(token.clone(), f64::from(done));
                    param.message = Some(request.to_string());
                    let _ = self.out.send(Out::Progress(param));
                }
                let status = status.map_or_else(|| "no answer".to_owned(), |s| s.to_string());
                self.message(
                    LoggingLevel::Debug,
                    json!({"message": format!("{request}: {status}")}),
                );
            }
        }
    }
}

/// `2 s`, `0.5 s`.
fn seconds(wait: Duration) -> String {
    let s = wait.as_secs_f64();
    if s.fract() == 0.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// Runs `work` (a tool call) with a watch that tells `peer` what happens to
/// its ConnectWise requests, at `log`'s level, with progress for `progress`
/// when given. Returns once `work` is done and the notifications it caused
/// were handed to the transport, so that none comes after the result.
pub async fn watching<T, F: Future<Output = T>>(
    peer: &Peer<RoleServer>,
    log: &Arc<SessionLog>,
    progress: Option<ProgressToken>,
    work: impl FnOnce(Watcher) -> F,
) -> T {
    let (out, pending) = mpsc::unbounded_channel();
    tokio::spawn(forward(peer.clone(), pending));
    let notifier = Notifier {
        out: out.clone(),
        log: log.clone(),
        progress,
        requests: AtomicU32::new(0),
    };
    let done = work(Arc::new(notifier)).await;
    let (flushed, sent) = oneshot::channel();
    if out.send(Out::Flush(flushed)).is_ok() {
        let _ = tokio::time::timeout(FLUSH_LIMIT, sent).await;
    }
    done
}

/// Sends each notification in turn until every sender is gone.
async fn forward(peer: Peer<RoleServer>, mut pending: mpsc::UnboundedReceiver<Out>) {
    while let Some(out) = pending.recv().await {
        let sent = match out {
            Out::Log(param) => peer.notify_logging_message(param).await,
            Out::Progress(param) => peer.notify_progress(param).await,
            Out::Flush(flushed) => {
                let _ = flushed.send(());
                Ok(())
            }
        };
        if let Err(e) = sent {
            tracing::debug!("a notification was not sent: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_level_is_warning_until_set_and_filters_below_it() {
        let log = SessionLog::default();
        assert!(log.admits(LoggingLevel::Warning) && log.admits(LoggingLevel::Error));
        assert!(!log.admits(LoggingLevel::Notice));
        log.set_level(LoggingLevel::Debug);
        assert!(log.admits(LoggingLevel::Debug));
        log.set_level(LoggingLevel::Error);
        assert!(!log.admits(LoggingLevel::Warning));
    }

    #[test]
    fn waits_read_in_seconds() {
        assert_eq!(seconds(Duration::from_secs(2)), "2 s");
        assert_eq!(seconds(Duration::from_millis(500)), "0.5 s");
    }
}
