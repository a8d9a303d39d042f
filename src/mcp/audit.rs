//! The audit log: one JSON line per tool call, whoever made it (an HTTP
//! principal, or `stdio`), to stderr, a file, or the store's database
//! (`database`: a row each, written in the background; with PostgreSQL,
//! every instance's calls in one table).
//!
//! A line holds the time, the principal's label, the ConnectWise member the
//! call acted as, the tool, its tier, the ids it targeted, the outcome,
//! ConnectWise's status on failure and the duration. Never a key or token;
//! arguments and results only with `--audit-bodies`.
//!
//! ```json
//! {"time":"2026-11-21T18:00:00.123Z","principal":"alice","member":"AJones","tool":"cw_add_ticket_note",
//!  "tier":"write","targets":{"ticket_id":17},"outcome":"ok","cw_status":null,"ms":41.2}
//! ```

use crate::tool::{Tier, ToolError};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Who makes a call: the principal's label and the member it acts as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// A token's label, `anonymous` (HTTP without tokens) or `stdio`.
    pub principal: String,
    /// The ConnectWise member (a member identifier, or the public key of
    /// keys brought without one); `None`: the server's API member.
    pub member: Option<String>,
}

impl Caller {
    pub fn stdio() -> Caller {
        Caller {
            principal: "stdio".into(),
            member: None,
        }
    }
}

/// How a call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// The tool is unknown or not enabled for this session.
    Denied,
    InvalidArguments,
    /// ConnectWise (or the way to it) failed.
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Denied => "denied",
            Outcome::InvalidArguments => "invalid_arguments",
            Outcome::Failed => "failed",
        }
    }

    pub fn of(result: &Result<Value, ToolError>) -> Outcome {
        match result {
            Ok(_) => Outcome::Ok,
            Err(ToolError::InvalidArguments(_)) => Outcome::InvalidArguments,
            // `cw_call` or a saved query asked for more than the session's gate.
            Err(ToolError::NotAllowed(_)) => Outcome::Denied,
            Err(ToolError::Api(_) | ToolError::Write { .. } | ToolError::Program(_)) => Outcome::Failed,
        }
    }
}

/// One call, as the log records it.
pub struct Entry<'a> {
    pub caller: &'a Caller,
    pub tool: &'a str,
    pub tier: Option<Tier>,
    pub arguments: &'a Value,
    pub outcome: Outcome,
    pub cw_status: Option<u16>,
    pub duration: Duration,
    /// The result or error value, written only with `bodies`.
    pub body: Option<&'a Value>,
}

enum Sink {
    Stderr,
    File(Mutex<std::fs::File>),
    /// The deployment's store, given once it is opened ([`Audit::use_store`]).
    Store(std::sync::OnceLock<crate::store::Store>),
}

/// Where audit lines go, and whether they carry arguments and results.
pub struct Audit {
    sink: Sink,
    bodies: bool,
}

impl std::fmt::Debug for Audit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Audit")
            .field("bodies", &self.bodies)
            .finish_non_exhaustive()
    }
}

impl Audit {
    /// `stderr`, `off` (or empty), `database` (the store's), or a file
    /// path (appended to).
    pub fn open(setting: &str, bodies: bool) -> Result<Option<Audit>, String> {
        let sink = match setting.trim() {
            "" | "off" | "none" | "false" => return Ok(None),
            "stderr" | "-" => Sink::Stderr,
            "database" | "db" => Sink::Store(std::sync::OnceLock::new()),
            path => Sink::File(Mutex::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map_err(|e| format!("audit log {path}: {e}"))?,
            )),
        };
        Ok(Some(Audit { sink, bodies }))
    }

    /// With `database`, the store lines go to (the first one given stays).
    pub fn use_store(&self, store: &crate::store::Store) {
        if let Sink::Store(slot) = &self.sink {
            let _ = slot.set(store.clone());
        }
    }

    /// Writes one line. A failed write is logged, never fails the call.
    pub fn record(&self, entry: &Entry<'_>) {
        if let Sink::Store(slot) = &self.sink {
            return to_store(slot.get(), self.line(entry));
        }
        let mut line = self.line(entry).to_string();
        line.push('\n');
        let written = match &self.sink {
            Sink::Stderr => std::io::stderr().lock().write_all(line.as_bytes()),
            Sink::File(file) => file
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .write_all(line.as_bytes()),
            Sink::Store(_) => Ok(()),
        };
        if let Err(e) = written {
            tracing::warn!("cannot write the audit log: {e}");
        }
    }

    fn line(&self, e: &Entry<'_>) -> Value {
        let mut line = json!({
            "time": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            "principal": e.caller.principal,
            "member": e.caller.member,
            "tool": e.tool,
            "tier": e.tier.map(Tier::as_str),
            "targets": targets(e.arguments),
            "outcome": e.outcome.as_str(),
            "cw_status": e.cw_status,
            "ms": (e.duration.as_secs_f64() * 1e4).round() / 10.0,
        });
        if self.bodies {
            line["arguments"] = e.arguments.clone();
            line["body"] = e.body.cloned().unwrap_or(Value::Null);
        }
        line
    }
}

/// Writes `line` to `store` in the background: the call does not wait for
/// the database, and a database that is down costs a warning, not the call.
fn to_store(store: Option<&crate::store::Store>, line: Value) {
    let (Some(store), Ok(runtime)) = (store, tokio::runtime::Handle::try_current()) else {
        tracing::warn!("audit log: no store to write to");
        return;
    };
    let store = store.clone();
    runtime.spawn(async move {
        if let Err(e) = store.audit(line).await {
            tracing::warn!("cannot write the audit log: {e}");
        }
    });
}

/// The record ids an argument object names: `id` and every `…_id` whose
/// value is a number (or a list of numbers). Free text is never copied.
pub fn targets(arguments: &Value) -> Value {
    let mut out = Map::new();
    if let Value::Object(map) = arguments {
        for (key, value) in map {
            let is_id = key == "id" || key.ends_with("_id") || key.ends_with("_ids");
            let numeric = value.is_number()
                || value
                    .as_array()
                    .is_some_and(|a| !a.is_empty() && a.iter().all(Value::is_number));
            if is_id && numeric {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_keep_numeric_ids_only() {
        let args = json!({"ticket_id": 17, "text": "secret words", "company_id": "ACME", "id": 3, "member_ids": [1, 2]});
        assert_eq!(
            targets(&args),
            json!({"ticket_id": 17, "id": 3, "member_ids": [1, 2]})
        );
    }

    #[test]
    fn a_line_has_no_arguments_unless_bodies_are_on() {
        let path = std::env::temp_dir().join(format!("cw-audit-{}.jsonl", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let audit = Audit::open(path.to_str().unwrap(), false).unwrap().unwrap();
        let caller = Caller {
            principal: "alice".into(),
            member: Some("AJones".into()),
        };
        let args = json!({"ticket_id": 17, "text": "private note"});
        audit.record(&Entry {
            caller: &caller,
            tool: "cw_add_ticket_note",
            tier: Some(Tier::Write),
            arguments: &args,
            outcome: Outcome::Failed,
            cw_status: Some(403),
            duration: Duration::from_millis(12),
            body: None,
        });
        let text = std::fs::read_to_string(&path).unwrap();
        let line: Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(
            (
                &line["principal"],
                &line["member"],
                &line["tier"],
                &line["targets"],
                &line["outcome"],
                &line["cw_status"]
            ),
            (
                &json!("alice"),
                &json!("AJones"),
                &json!("write"),
                &json!({"ticket_id": 17}),
                &json!("failed"),
                &json!(403)
            )
        );
        assert!(!text.contains("private note"), "{text}");
        let _ = std::fs::remove_file(&path);
    }
}
