//! The MCP layer: composes the toolsets into one [`registry`], decides what
//! a session sees ([`inventory`]), and serves it with the rmcp handler
//! ([`server`]), turning outcomes into MCP results ([`results`]) and
//! writing the [`audit`] log. Every frame is checked ([`frames`]) before rmcp
//! reads it, on stdio ([`stdio`]) and over HTTP. Beside the tools it offers
//! [`prompts`] for a technician's day, [`resources`] (records by URI, read
//! through the tools) and [`completions`] of the arguments people type;
//! where writes are confirmed, [`ask`] puts the question to the user in
//! their client. While a call runs, [`notify`] tells its client what
//! happens to its ConnectWise requests (log messages at the session's
//! `logging/setLevel` level, progress when asked for); a cancelled call is
//! dropped with its requests ([`server::until_cancelled`]).
//!
//! ```no_run
//! # async fn demo(config: connectwise_mcp::client::Config) -> Result<(), String> {
//! use connectwise_mcp::mcp::{Gate, Inventory, registry, serve_stdio};
//! let inventory = Inventory::new(registry::all(&[])?, Gate::default())?;
//! serve_stdio(inventory, config).await
//! # }
//! ```

pub mod ask;
pub mod audit;
pub mod completions;
pub mod frames;
pub mod inventory;
pub mod notify;
pub mod prompts;
pub mod registry;
pub mod resources;
pub mod results;
pub mod server;
pub mod stdio;

pub use audit::{Audit, Caller};
pub use inventory::{DEFAULT_TOOLSETS, Gate, GateOverrides, Inventory, Lookup};
pub use server::{Connection, CwServer, INSTRUCTIONS, serve_stdio, serve_stdio_server, session_context};
