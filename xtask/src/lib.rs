//! Project automation for connectwise-mcp, as a library so it can be tested;
//! `main.rs` is only the command line.
//!
//! This crate must not depend on the root package: building the xtask must not
//! build the generated ConnectWise client.

/// The normalisation step, shared with `build.rs` and the library.
pub use spec_normalize as normalize;

pub mod bundle;
pub mod check;
pub mod diff;
pub mod regen;
pub mod tools;
