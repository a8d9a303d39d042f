//! connectwise-mcp: an MCP server for ConnectWise Manage (PSA), generated
//! from ConnectWise's own OpenAPI description.
//!
//! The data flows one way: `spec` (the document and its normalisation) →
//! `client` (the progenitor client and its runtime) → the tools and the MCP
//! server. `conditions` is ConnectWise's filter language; `sim` is a
//! simulated ConnectWise for tests, the demo and benchmarks. `http` serves
//! the MCP server to a team over streamable HTTP (tokens, own keys, audit).

pub mod catalog;
pub mod client;
pub mod conditions;
pub mod http;
pub mod mcp;
pub mod saved;
pub mod sim;
pub mod spec;
pub mod surface;
pub mod tools;
