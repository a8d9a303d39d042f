//! The end-to-end tests' one support library: each test file says `mod
//! support;` and takes what it needs.
//!
//! - [`bin`]: the binary under test, always started with exactly the
//!   settings a test gives it (no inherited `CW_*` or `MCP_*` variable).
//! - [`mcp`]: the binary as an MCP server over stdio, spoken to with an rmcp
//!   client; tool calls and what their results hold.
//! - [`http`]: the binary as `serve --http`, with role tokens.
//! - [`raw`]: the binary over stdio a line at a time, for malformed frames.
//! - [`code_tasks`]: report questions and the `cw_run` programs that answer them.
//! - [`pg`]: the tests' PostgreSQL (`CW_TEST_DATABASE_URL`), a fresh
//!   database per test, and clusters a test may stop and start.
//! - [`sim`]: the simulated tenant in the test process, and requests to it
//!   as a ConnectWise integration would send them.
// Each test file uses a part of the library.
#![allow(dead_code)]

pub mod bin;
pub mod code_tasks;
pub mod http;
pub mod mcp;
pub mod pg;
pub mod raw;
pub mod sim;
