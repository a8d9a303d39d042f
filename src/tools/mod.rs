//! MCP tools, independent of the MCP server that lists and calls them.
//!
//! Curated tools are generated from the allow-list `spec/tools.toml` by
//! `cargo xtask regen` into `generated.rs` (committed, never edited by hand);
//! `runtime` holds what the generated wrappers share (condition building,
//! result shaping, the size cap and cursors). The server (`crate::mcp`)
//! decides which tools a session sees.

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
}

/// Why a call did not produce a result.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    /// The arguments are wrong; nothing was sent. The message names the argument.
    #[error("invalid arguments: {0}")]
    InvalidArguments(String),
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
    /// JSON Schema of the arguments (an object schema).
    pub input_schema: fn() -> Value,
    /// Validates the JSON arguments (errors name the argument, nothing is
    /// sent), calls ConnectWise, and returns the shaped result.
    pub call: for<'a> fn(&'a Context, Value) -> ToolFuture<'a>,
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
