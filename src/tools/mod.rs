//! MCP tools, independent of the MCP server that lists and calls them.
//!
//! Curated tools are generated from the allow-list `spec/tools.toml` by
//! `cargo xtask regen` into `generated.rs` (committed, never edited by hand);
//! `runtime` holds what the generated wrappers share (condition building,
//! result shaping, the size cap and cursors). The server (`crate::mcp`)
//! decides which tools a session sees.

#[rustfmt::skip] // prettyplease formats it, the same on every machine (xtask/src/tools/emit.rs)
pub mod generated;
pub mod runtime;

use crate::client::{ApiError, ConnectWise};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;

/// What a tool may do: from the HTTP method unless the allow-list overrides
/// it. Read tools are on by default; write and delete tools need a switch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tier {
    Read,
    Write,
    Delete,
}

impl Tier {
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Read => "read",
            Tier::Write => "write",
            Tier::Delete => "delete",
        }
    }
}

/// Everything a tool's handler can use.
#[derive(Clone, Debug)]
pub struct Context {
    pub cw: ConnectWise,
    /// The member "my tickets" and "my time" refer to (`CW_MEMBER_IDENTIFIER`).
    pub member_identifier: Option<String>,
    /// What this session may do. Tools that choose their tier at call time
    /// (`cw_call`, running a saved query) check it again before sending.
    pub gate: crate::mcp::Gate,
    /// Saved queries (opened on first use).
    pub saved: crate::saved::Store,
}

/// Why a call did not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments are wrong; nothing was sent. The message names the argument.
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
    /// The session's gate does not allow this call; the message names the
    /// switch that would. Nothing was sent.
    #[error("not allowed: {0}")]
    NotAllowed(String),
    /// ConnectWise (or the way to it) failed.
    #[error(transparent)]
    Api(#[from] ApiError),
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
    /// The toolset it belongs to (`tickets`, `time`, `companies`, …).
    pub toolset: &'static str,
    pub tier: Tier,
    /// Repeating the call with the same arguments has no further effect.
    pub idempotent: bool,
    /// The operationId the tool wraps.
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

/// Every curated tool, in allow-list order.
pub fn curated() -> &'static [ToolDef] {
    generated::TOOLS
}

/// Every tool of this build and deployment: the curated ones, the `api`
/// toolset (search, describe, call, saved queries), then the extra
/// operations the deployment names. Unknown operation ids are an error.
///
/// Leaked once per call: the server calls this once at start-up, so the
/// list lives as long as the process, like the static curated tools.
pub fn all(extra_operations: &[String]) -> Result<&'static [ToolDef], String> {
    let mut tools: Vec<ToolDef> = curated().to_vec();
    tools.extend_from_slice(crate::surface::TOOLS);
    tools.extend_from_slice(crate::saved::TOOLS);
    tools.extend(crate::surface::extra::tools(extra_operations)?);
    Ok(Box::leak(tools.into_boxed_slice()))
}
