//! The MCP server: what a session sees ([`inventory`]) and the rmcp handler
//! that lists and calls it over stdio ([`server`]).
//!
//! ```no_run
//! # async fn demo(config: connectwise_mcp::client::Config) -> Result<(), String> {
//! use connectwise_mcp::mcp::{Gate, Inventory, serve_stdio};
//! let inventory = Inventory::new(connectwise_mcp::tools::curated(), Gate::default())?;
//! serve_stdio(inventory, config).await
//! # }
//! ```

pub mod audit;
pub mod inventory;
pub mod server;

pub use audit::{Audit, Caller};
pub use inventory::{DEFAULT_TOOLSETS, Gate, GateOverrides, Inventory, Lookup, Role};
pub use server::{Connection, CwServer, INSTRUCTIONS, serve_stdio, serve_stdio_server};
