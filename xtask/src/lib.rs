//! Project automation for connectwise-mcp, as a library so it can be tested;
//! `main.rs` is only the command line.
//!
//! This crate must not depend on the root package: building the xtask must not
//! build the generated ConnectWise client.

/// The normalisation step, shared verbatim with `build.rs` and the library.
#[path = "../../src/spec/normalize.rs"]
#[allow(dead_code)]
pub mod normalize;

pub mod check;
pub mod diff;
pub mod regen;
pub mod tools;
