//! The curated tools: `spec/tools.toml` (the allow-list) + the normalised
//! spec → `src/toolsets/curated/generated.rs`, in three steps:
//!
//! 1. [`allow_list`]: the file read into typed values (argument types,
//!    mappings, tiers and operators are enums; unknown keys are errors);
//! 2. [`plan`]: every mapping checked against the spec (so a ConnectWise
//!    release that renames a field fails here, naming the tool and argument),
//!    giving a plain-data plan per tool;
//! 3. [`emit`]: the code, from the plan alone.
//!
//! Each allow-list entry names the operation it wraps and its arguments, and
//! says how each argument maps to the request: a `condition` (compiled with
//! the conditions module at run time, never pasted), a `path` parameter, a
//! `body` field, a `patch` replacement, or a `choice` that merges fixed body
//! fields. A new mapping kind is one variant of [`allow_list::Mapping`] and
//! one match arm in each step.
//!
//! The allow-list's `[[report]]` entries are programs for the code-mode
//! engine, with typed arguments ([`report`]): read with the tools, checked
//! and emitted into their own file, [`report::GENERATED_FILE`].

pub mod allow_list;
pub mod emit;
mod openapi;
pub mod plan;
pub mod report;

use serde_json::Value;
use std::fmt;

/// The allow-list file, relative to the repository root.
pub const TOOLS_FILE: &str = "spec/tools.toml";
/// The generated wrappers, relative to the repository root.
pub const GENERATED_FILE: &str = "src/toolsets/curated/generated.rs";

/// A problem in the allow-list, named by tool (and, in `problem`, argument).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    /// `None` when the file as a whole is wrong (not TOML).
    pub tool: Option<String>,
    pub problem: String,
}

impl ToolError {
    pub fn new(tool: &str, problem: impl Into<String>) -> ToolError {
        ToolError {
            tool: Some(tool.to_owned()),
            problem: problem.into(),
        }
    }

    fn in_file(problem: String) -> ToolError {
        ToolError { tool: None, problem }
    }
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.tool {
            Some(tool) => write!(f, "{TOOLS_FILE}: tool {tool}: {}", self.problem),
            None => write!(f, "{TOOLS_FILE}: {}", self.problem),
        }
    }
}

/// The generated files and the plan they came from.
#[derive(Debug, Clone)]
pub struct Generated {
    pub code: String,
    pub plans: Vec<plan::ToolPlan>,
    /// The reports' file ([`report::GENERATED_FILE`]).
    pub reports: String,
    /// How many reports it holds.
    pub report_count: usize,
}

/// All three steps: the allow-list's text and the normalised spec (and the
/// committed spec it replaces, to name renamed operations) → the file.
pub fn generate(
    allow_list: &str,
    spec: &Value,
    previous: Option<&Value>,
) -> Result<Generated, Vec<ToolError>> {
    let list = allow_list::read(allow_list)?;
    let plans = plan::plan(&list, spec, previous)?;
    let names: Vec<&str> = list.tools.iter().map(|t| t.name.as_str()).collect();
    report::check(&list.reports, &names)?;
    let code = emit::file(&plans).map_err(|e| vec![ToolError::in_file(e)])?;
    let reports = report::file(&list.reports).map_err(|e| vec![ToolError::in_file(e)])?;
    Ok(Generated {
        code,
        plans,
        reports,
        report_count: list.reports.len(),
    })
}
