//! The client progenitor generates from the normalised spec (see `build.rs`).
//! Generated code: never edited, excluded from lints.

#![allow(clippy::all, clippy::pedantic, unused, missing_docs, rustdoc::all)]

include!(concat!(env!("OUT_DIR"), "/client.rs"));
