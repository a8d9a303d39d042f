//! connectwise-mcp: an MCP server for ConnectWise Manage (PSA), generated
//! from ConnectWise's own OpenAPI description.
//!
//! # The map
//!
//! The crate is layered; a module imports only from its own layer's
//! foundations or from layers listed before it (`tests/layers.rs` checks
//! it). Reading top to bottom follows the data: the spec, a call to
//! ConnectWise, a tool, a session, a deployment.
//!
//! 1. **Foundations**, knowing nothing of tools or MCP:
//!    - [`spec`]: the upstream OpenAPI document, normalised (one named rule
//!      per upstream defect), its schemas one at a time, the API root and
//!      media type it implies ([`spec::API_ROOT`], [`spec::MEDIA_TYPE`]),
//!      request bodies checked against its schemas ([`spec::validate`]), and
//!      how an answer differs from them ([`spec::shape`]).
//!    - [`conditions`]: ConnectWise's filter language: parse, print with
//!      every value escaped, evaluate, validate against the spec.
//!    - [`catalog`]: every operation of the spec as static data (method,
//!      path, tier, schemas), path templates and percent-coding
//!      ([`catalog::template`]), a caller's path matched to a template
//!      ([`catalog::path`]), endpoint search and description.
//!    - [`client`]: the typed client progenitor generates from the spec, its
//!      transport (auth, headers, host guard, retries, a caller's company
//!      limit, [`client::pin`]), what happens to a call's requests told to
//!      its watch ([`client::observe`]), errors, and the one
//!      place answers are decoded, tolerant of any shape ([`client::read`]).
//!    - [`store`]: saved queries, the write journal and confirmation tokens,
//!      in SQLite (one instance) or PostgreSQL (shared by several, over
//!      TLS with libpq's settings).
//!    - [`metrics`]: the process's counters and histograms, recorded by the
//!      layers that see each event, served as `/metrics`.
//!    - [`settings`]: the config file, read once into its sections.
//! 2. **The tool kernel**, [`tool`]: what a tool is ([`tool::ToolDef`]), what
//!    it gets ([`tool::Context`], [`tool::Access`]), how it fails, and what
//!    every tool shares (arguments, list shaping, bodies, one checked raw
//!    call of any operation, customer text kept in its place in every
//!    answer, [`tool::text`]).
//! 3. **Toolsets**, [`toolsets`]: the curated tools generated from
//!    `spec/tools.toml`, the `api` toolset (search, describe, call any
//!    operation, extra operations) and saved queries. Each depends on the
//!    kernel and the foundations only.
//! 4. **MCP**, [`mcp`]: the registry of every tool, the inventory that
//!    decides what a session sees, the rmcp handler, results and hints, a
//!    call's log messages and progress, the audit log.
//! 5. **Deployments**, on top: [`http`] (streamable HTTP for a team: role
//!    tokens or OAuth sign-in, technicians' own keys, probes, metrics, the
//!    OpenAPI bridge),
//!    [`doctor`] (checks a real tenant: site, keys, member, version, access,
//!    time, record shapes) and the command line (`src/main.rs`).
//!
//! Beside the stack, [`sim`] is a simulated ConnectWise tenant for tests,
//! `--demo` and benchmarks; it uses the foundations only (the catalog's
//! operations and templates, the spec's schemas).

// 1. Foundations
pub mod catalog;
pub mod client;
pub mod conditions;
pub mod metrics;
pub mod settings;
pub mod spec;
pub mod store;

// 2. The tool kernel
pub mod tool;

// 3. Toolsets
pub mod toolsets;

// 4. MCP
pub mod mcp;

// 5. Deployments and operators' tools
pub mod doctor;
pub mod http;

// Beside the stack
pub mod sim;
