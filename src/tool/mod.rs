//! The tool kernel: what a tool is, what it gets, and how it fails.
//!
//! Every tool of every toolset is a [`ToolDef`]: its definition (name,
//! description, JSON Schema, tier, toolset, behaviour flags) and its
//! handler, in one value. A handler gets a [`Context`] (the ConnectWise
//! client, who "me" is, the [`Access`] the session has, the local store)
//! and the JSON arguments, and returns JSON or a [`ToolError`].
//!
//! The kernel knows nothing of MCP or HTTP: the MCP layer (`crate::mcp`)
//! composes the toolsets into a registry, decides what a session sees and
//! builds the `Context`; toolsets only ask `ctx.access` whether a tier is on.
//!
//! - [`args`]: arguments parsed with errors that name the argument, compact
//!   JSON Schemas, ranges, timestamps.
//! - [`list`]: lists and records shaped for a model: `fields`, `orderBy`,
//!   paging, the size cap and cursors.
//! - [`body`]: request bodies and JSON Patch lists assembled from arguments.
//! - [`call`]: one call of any spec operation, checked (access, path, query,
//!   body), sent and shaped: the one path of every raw call.
//! - [`write`]: the one path of every write, curated or raw: preview
//!   (`dry_run`), confirmation, idempotent creates, lost answers looked up,
//!   the `lastUpdated` guard, and the journal `cw_undo` reverts from.
//! - [`text`]: customer text kept in its place in every record an answer
//!   carries: invisible characters stripped, HTML reduced, wrapped as `«…»`,
//!   pasted secrets masked.
//! - [`limits`]: what a code-mode program may use.

pub mod args;
pub mod body;
pub mod call;
pub mod limits;
pub mod list;
pub mod table;
pub mod text;
pub mod write;

pub use crate::catalog::Tier;
use crate::client::{ApiError, ConnectWise};
pub use limits::RunLimits;
pub use list::AnswerCap;
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// Which tiers a session may use, and in words why not when it may not
/// (the switch or role that would allow it). Reads are always allowed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Access {
    write: Result<(), String>,
    delete: Result<(), String>,
    /// Every write needs the user's confirmation (elicitation or a token).
    confirm_writes: bool,
}

impl Access {
    /// Everything allowed (tests, and a deployment that allows it all).
    pub fn all() -> Access {
        Access {
            write: Ok(()),
            delete: Ok(()),
            confirm_writes: false,
        }
    }

    /// Reads only; `why` says what would allow more.
    pub fn read_only(why_not_write: &str, why_not_delete: &str) -> Access {
        Access {
            write: Err(why_not_write.to_owned()),
            delete: Err(why_not_delete.to_owned()),
            confirm_writes: false,
        }
    }

    /// This access with `tier` refused for `why` (a tier already refused
    /// keeps its first reason and gains this one).
    pub fn deny(mut self, tier: Tier, why: impl Into<String>) -> Access {
        let why = why.into();
        if let Some(slot) = self.slot(tier) {
            *slot = match std::mem::replace(slot, Ok(())) {
                Ok(()) => Err(why),
                Err(first) => Err(format!("{first}; and {why}")),
            };
        }
        self
    }

    /// This access, with every write confirmed first when `on` (a setting
    /// only ever adds confirmation: a role cannot take the server's away).
    pub fn confirming(mut self, on: bool) -> Access {
        self.confirm_writes |= on;
        self
    }

    /// Whether a write needs the user's confirmation before it is sent.
    pub fn confirms_writes(&self) -> bool {
        self.confirm_writes
    }

    fn slot(&mut self, tier: Tier) -> Option<&mut Result<(), String>> {
        match tier {
            Tier::Read => None,
            Tier::Write => Some(&mut self.write),
            Tier::Delete => Some(&mut self.delete),
        }
    }

    fn get(&self, tier: Tier) -> Result<(), &str> {
        match tier {
            Tier::Read => Ok(()),
            Tier::Write => self.write.as_ref().map_err(String::as_str).copied(),
            Tier::Delete => self.delete.as_ref().map_err(String::as_str).copied(),
        }
    }

    pub fn allows(&self, tier: Tier) -> bool {
        self.get(tier).is_ok()
    }

    /// Why `tier` is refused (`None`: it is allowed).
    pub fn why_not(&self, tier: Tier) -> Option<&str> {
        self.get(tier).err()
    }

    /// `Ok` when `tier` is allowed, else [`ToolError::NotAllowed`] saying
    /// that `what` (e.g. `POST /service/tickets`) is a call of that tier and
    /// what would allow it. Tools that choose their tier per call use this
    /// before sending.
    pub fn check(&self, tier: Tier, what: &str) -> Result<(), ToolError> {
        match self.get(tier) {
            Ok(()) => Ok(()),
            Err(why) => Err(ToolError::NotAllowed(format!(
                "{what} is a {} call and this session does not allow {} calls: {why}",
                tier.as_str(),
                tier.as_str()
            ))),
        }
    }
}

/// Everything a tool's handler can use.
#[derive(Clone, Debug)]
pub struct Context {
    pub cw: ConnectWise,
    /// The member "my tickets" and "my time" refer to (`CW_MEMBER_IDENTIFIER`).
    pub member_identifier: Option<String>,
    /// What this session may do. Tools whose tier is decided per call
    /// (`cw_call`, running a saved query) check it before sending.
    pub access: Access,
    /// The local store (saved queries), seen as this caller's where a tool
    /// keeps state per caller ([`ToolDef::per_caller`]).
    pub store: crate::store::Store,
    /// Every tool of this build, for "which tool already does this".
    pub tools: &'static [ToolDef],
    /// The most an answer may take, in tokens.
    pub answer_cap: AnswerCap,
    /// Who is calling, for the write journal: `""` on stdio, the principal
    /// over HTTP (the same owner saved queries use).
    pub caller: std::sync::Arc<str>,
    /// The MCP session, which a confirmation token is bound to.
    pub session: std::sync::Arc<str>,
    /// What a `cw_run` program may use.
    pub run_limits: RunLimits,
    /// The user behind the client, where the client can be asked to show
    /// them a question (MCP elicitation): writes are confirmed there.
    pub user: Option<write::User>,
}

impl Context {
    /// The context of one session.
    pub fn new(
        cw: ConnectWise,
        member_identifier: Option<String>,
        access: Access,
        store: crate::store::Store,
        tools: &'static [ToolDef],
        answer_cap: AnswerCap,
    ) -> Context {
        Context {
            cw,
            member_identifier,
            access,
            store,
            tools,
            answer_cap,
            caller: std::sync::Arc::from(""),
            session: std::sync::Arc::from(""),
            run_limits: RunLimits::default(),
            user: None,
        }
    }

    /// This context with the user to ask (see [`write::User`]).
    pub fn asking(self, user: Option<write::User>) -> Context {
        Context { user, ..self }
    }

    /// This context with its ConnectWise requests told to `watch` (rate
    /// limits, retries, odd shapes, each request done; see
    /// [`crate::client::observe`]).
    pub fn watched(self, watch: crate::client::Watcher) -> Context {
        Context {
            cw: self.cw.watched(watch),
            ..self
        }
    }

    /// This context with `limits` for `cw_run` programs.
    pub fn with_run_limits(self, run_limits: RunLimits) -> Context {
        Context { run_limits, ..self }
    }

    /// The context a call of `def` runs in, in `session`: the same, with
    /// the caller named (`owner`) and the store seen as `owner`'s when the
    /// tool keeps state per caller.
    pub fn for_call(&self, def: &ToolDef, owner: Option<&str>, session: &str) -> Context {
        let mut ctx = self.clone();
        ctx.caller = std::sync::Arc::from(owner.unwrap_or(""));
        ctx.session = std::sync::Arc::from(session);
        if let Some(owner) = owner.filter(|_| def.per_caller) {
            ctx.store = self.store.for_owner(owner);
        }
        ctx
    }

    /// The local store as this caller's own (the write journal is per caller
    /// whatever the tool).
    pub fn callers_store(&self) -> crate::store::Store {
        self.store.for_owner(&self.caller)
    }
}

/// Why a call did not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments are wrong; nothing was sent. The message names the argument.
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    /// The session does not allow this call; the message names what would.
    /// Nothing was sent.
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// ConnectWise (or the way to it) failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// A write did not go through as asked, and the message says what is
    /// known: refused over a newer change, a confirmation token that does
    /// not fit, or an answer that was lost and looked up. `detail` is the
    /// structured form (`kind`, `written`, the record…).
    #[error("{message}")]
    Write { message: String, detail: Value },
    /// A `cw_run` program failed or hit a limit; the message says where and
    /// what to change. Requests it made before may have been sent.
    #[error("the program failed: {0}")]
    Program(String),
}

/// The one way to say an argument is wrong.
pub fn invalid(message: impl Into<String>) -> ToolError {
    ToolError::InvalidArguments(message.into())
}

pub type ToolFuture<'a> = Pin<Box<dyn Future<Output = Result<Value, ToolError>> + Send + 'a>>;

/// One tool: its definition and its handler, in one place.
#[derive(Clone, Copy)]
pub struct ToolDef {
    /// `cw_` prefix, snake_case.
    pub name: &'static str,
    /// Short human title.
    pub title: &'static str,
    /// Written for a model: what it is for, when to use it, key filters, an example.
    pub description: &'static str,
    /// The toolset it belongs to (`tickets`, `time`, `companies`, `api`, …).
    pub toolset: &'static str,
    /// The least the tool does. With [`ToolDef::tier_per_call`], each call
    /// may do more (a `cw_call` POST is a write) and is checked when made.
    pub tier: Tier,
    /// The tier is decided per call (by the HTTP method it makes): listed in
    /// read-only sessions, never announced as read-only where writes are on.
    pub tier_per_call: bool,
    /// The tool keeps state per caller (saved queries): over HTTP each
    /// principal sees only its own.
    pub per_caller: bool,
    /// Selected whatever the toolsets (operations the deployment named one
    /// by one); the tier still applies.
    pub always_selected: bool,
    /// Repeating the call with the same arguments has no further effect.
    pub idempotent: bool,
    /// The operationId the tool wraps (`""`: none, or several).
    pub operation_id: &'static str,
    /// JSON Schema of the arguments (an object schema). Takes the definition
    /// so that one function can serve tools defined at run time (extra
    /// operations named in the deployment's config).
    pub input_schema: fn(&ToolDef) -> Value,
    /// Validates the JSON arguments (errors name the argument, nothing is
    /// sent), calls ConnectWise, and returns the shaped result. Gets its own
    /// definition for the same reason as `input_schema`.
    pub call: for<'a> fn(&'a Context, &'static ToolDef, Value) -> ToolFuture<'a>,
}

impl std::fmt::Debug for ToolDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolDef")
            .field("name", &self.name)
            .field("toolset", &self.toolset)
            .field("tier", &self.tier)
            .finish_non_exhaustive()
    }
}

/// The tool of `tools` that wraps `operation_id`, if any (search hits point
/// to it: a curated tool beats a raw call).
pub fn wrapping(tools: &[ToolDef], operation_id: &str) -> Option<&'static str> {
    tools
        .iter()
        .find(|t| !t.operation_id.is_empty() && t.operation_id == operation_id)
        .map(|t| t.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_says_why_a_tier_is_refused_and_keeps_every_reason() {
        let access = Access::read_only(
            "start the server with --allow-writes",
            "start it with --allow-deletes",
        );
        assert!(access.allows(Tier::Read) && !access.allows(Tier::Write));
        let err = access
            .check(Tier::Write, "POST /service/tickets")
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "not allowed: POST /service/tickets is a write call and this session does not allow write calls: \
             start the server with --allow-writes"
        );
        let narrowed = Access::all().deny(Tier::Delete, "your role `editor` does not allow it");
        assert!(narrowed.allows(Tier::Write) && !narrowed.allows(Tier::Delete));
        let both = access.deny(Tier::Write, "your role `viewer` does not allow it");
        assert_eq!(
            both.why_not(Tier::Write),
            Some("start the server with --allow-writes; and your role `viewer` does not allow it")
        );
        assert_eq!(both.why_not(Tier::Read), None);
    }
}
