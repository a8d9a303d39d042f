//! Reports: the questions other servers answer with hand-written code
//! (a member's free time, unbilled time, invoice aging, recurring revenue,
//! SLA breaches), each a short JavaScript program in the allow-list
//! (`[[report]]` in `spec/tools.toml`), run by the code-mode engine with its
//! limits. A new report is one allow-list entry: `cargo xtask regen`
//! generates its typed arguments and its tool into [`generated`]
//! (committed, never edited by hand).
//!
//! A report differs from a `cw_run` program in three ways: its arguments
//! are typed and checked before the program starts (the program gets them
//! as `args`); it reads only, whatever the session allows; and its answer
//! is the program's value alone.

#[rustfmt::skip]
pub mod generated;
pub mod runtime;

/// The toolset of the reports (off by default).
pub const TOOLSET: &str = "reports";

// The names generated code takes from `super`.
pub(crate) use crate::tool::{Context, Tier, ToolDef, ToolFuture};

/// Every report, in allow-list order.
pub fn tools() -> &'static [ToolDef] {
    generated::TOOLS
}

/// Each report's program, by tool name (for the checks below and the tests).
pub fn programs() -> &'static [(&'static str, &'static str)] {
    generated::PROGRAMS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_program_parses() {
        assert!(!programs().is_empty());
        for (name, program) in programs() {
            if let Err(e) = super::super::engine::check_syntax(program) {
                panic!("{name}: {e}");
            }
        }
    }

    #[test]
    fn a_syntax_error_is_found_without_running_the_program() {
        let err = super::super::engine::check_syntax("const a = 1;\nreturn a +;").unwrap_err();
        assert!(err.starts_with("SyntaxError at line 2"), "{err}");
        // Parsed, not run: a call to nothing is not an error here.
        assert_eq!(super::super::engine::check_syntax("return nothing();"), Ok(()));
    }

    #[test]
    fn every_report_reads_only_and_is_in_the_reports_toolset() {
        for tool in tools() {
            assert_eq!(tool.tier, Tier::Read, "{}", tool.name);
            assert_eq!(tool.toolset, TOOLSET, "{}", tool.name);
        }
    }
}
