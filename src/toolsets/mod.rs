//! The toolsets: groups of tools built on the kernel ([`crate::tool`]) and
//! the foundations only. None knows another, nor the MCP layer that
//! composes them ([`crate::mcp::registry`]).
//!
//! - [`curated`]: one tool per everyday task, generated from `spec/tools.toml`
//!   (toolsets `tickets`, `time`, `companies`, `timesheets`, `service`,
//!   `crm`, `setup`, `sales`, `finance`, `projects`, `members`, `schedule`).
//! - [`api`]: the whole API: search, describe and call any operation, and
//!   operations a deployment names as tools of their own (`extra`).
//! - [`saved`]: saved queries, a named `cw_call` kept in the local store.
//! - [`undo`]: `cw_undo`, the caller's recent writes and their revert.
//! - [`code`]: code mode, `cw_run`: a short JavaScript program against the
//!   whole API, run in a sandboxed engine inside the binary; and the
//!   reports (toolset `reports`), programs kept in the allow-list
//!   (`[[report]]` in `spec/tools.toml`), generated into `code::reports`.

pub mod api;
pub mod code;
pub mod curated;
pub mod saved;
pub mod undo;
