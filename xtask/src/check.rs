//! `cargo xtask regen --check`: is what regen generates committed?
//!
//! Everything is computed in memory (the committed spec normalised, the
//! curated tools generated from `spec/tools.toml`) and compared with the
//! tree; a stale file is reported with a unified diff. Nothing is written.
//! The tool schema snapshots are the library's (schemars output, and tools
//! that are not generated), so `main.rs` compares them by running the
//! snapshot test, which only compares unless asked to update.

use crate::regen::{self, RegenError, SPEC_FILE};
use crate::tools::{self, GENERATED_FILE, TOOLS_FILE};
use std::fmt;
use std::path::Path;

/// A diff longer than this many lines is cut (the rest is counted).
const MAX_DIFF_LINES: usize = 400;

/// What `--check` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckReport {
    /// Curated tools in the allow-list (0 without one).
    pub tools: usize,
    /// Files that differ from what regen would write.
    pub stale: Vec<Stale>,
}

/// One file that differs from what regen would write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    /// Relative to the repository root.
    pub file: &'static str,
    /// Unified diff from the committed file to the regenerated one.
    pub diff: String,
}

impl CheckReport {
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty()
    }
}

impl fmt::Display for CheckReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_fresh() {
            return writeln!(f, "{GENERATED_FILE}: up to date ({} curated tools)", self.tools);
        }
        for stale in &self.stale {
            writeln!(
                f,
                "{} is stale: `cargo xtask regen` would change it (from {SPEC_FILE} and {TOOLS_FILE}):",
                stale.file
            )?;
            write!(f, "{}", stale.diff)?;
        }
        Ok(())
    }
}

/// Compares the generated code with what the committed spec and allow-list
/// give. Reads only.
pub fn check(root: &Path) -> Result<CheckReport, RegenError> {
    let spec_path = root.join(SPEC_FILE);
    let spec = regen::normalise(&spec_path, &regen::read(&spec_path)?)?;
    let Some(allow_list) = regen::read_text_if_present(&root.join(TOOLS_FILE))? else {
        return Ok(CheckReport {
            tools: 0,
            stale: Vec::new(),
        });
    };
    let generated = tools::generate(&allow_list, &spec.spec, None).map_err(RegenError::tools)?;
    let mut stale = Vec::new();
    for (file, code) in [
        (GENERATED_FILE, &generated.code),
        (tools::report::GENERATED_FILE, &generated.reports),
    ] {
        let committed = regen::read_text_if_present(&root.join(file))?.unwrap_or_default();
        if committed != *code {
            stale.push(Stale {
                file,
                diff: unified_diff(&committed, code, file),
            });
        }
    }
    Ok(CheckReport {
        tools: generated.plans.len(),
        stale,
    })
}

/// `committed` → `regenerated` as a unified diff, cut after
/// [`MAX_DIFF_LINES`] lines.
pub fn unified_diff(committed: &str, regenerated: &str, file: &str) -> String {
    let diff = similar::TextDiff::from_lines(committed, regenerated);
    let text = diff
        .unified_diff()
        .context_radius(3)
        .header(&format!("{file} (committed)"), &format!("{file} (regenerated)"))
        .to_string();
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() <= MAX_DIFF_LINES {
        return text;
    }
    let mut cut = lines[..MAX_DIFF_LINES].join("\n");
    cut.push_str(&format!(
        "\n… and {} more lines of diff\n",
        lines.len() - MAX_DIFF_LINES
    ));
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_diff_shows_the_changed_lines_in_context_and_long_ones_are_cut() {
        let diff = unified_diff("a\nb\nc\n", "a\nB\nc\n", "f.rs");
        assert_eq!(
            diff,
            "--- f.rs (committed)\n+++ f.rs (regenerated)\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"
        );
        let long: String = (0..1000).map(|i| format!("{i}\n")).collect();
        let diff = unified_diff("", &long, "f.rs");
        assert_eq!(diff.lines().count(), MAX_DIFF_LINES + 1);
        assert!(diff.ends_with("… and 603 more lines of diff\n"), "{diff}");
    }
}
