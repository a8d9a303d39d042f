//! `cargo xtask regen`: the one command for a new ConnectWise API version.
//!
//! 1. read the new spec (or the committed `spec/manage.json`) and normalise it;
//! 2. report which normalisation rules fired, and how often;
//! 3. diff the new API against the committed one (both normalised);
//! 4. copy the new spec, byte for byte, over `spec/manage.json`;
//! 5. regenerate what is generated (the client: `build.rs`, via `cargo check`;
//!    the curated tools: [`regenerate_tools`], not yet);
//! 6. `cargo check`, whose status is the command's.
//!
//! Steps 1–5 are [`run`], which returns a [`RegenReport`]; step 6 is
//! [`cargo_check`]. Nothing here panics on bad input: every failure is a
//! [`RegenError`] whose message names the file and the problem.

use crate::diff::SpecDiff;
use crate::normalize::{self, Applied, NormalizeError, Normalized};
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};

/// Where the upstream document lives, relative to the repository root.
pub const SPEC_FILE: &str = "spec/manage.json";

/// What `regen` is asked to do.
#[derive(Debug, Clone)]
pub struct Options {
    /// The repository root (holds `spec/manage.json` and the root `Cargo.toml`).
    pub root: PathBuf,
    /// The new upstream document; `None` means the committed one.
    pub spec: Option<PathBuf>,
}

/// How often one normalisation rule fired on the new spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    pub name: &'static str,
    pub reason: &'static str,
    pub count: usize,
}

/// What happened to `spec/manage.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpecFile {
    /// No `--spec` given: the committed file was read, nothing written.
    Committed,
    /// `--spec` given, and it is byte-identical to the committed file.
    Unchanged,
    /// `--spec` given and different: it was copied over `spec/manage.json`.
    Replaced,
}

/// Everything `regen` found, before `cargo check`.
#[derive(Debug, Clone)]
pub struct RegenReport {
    /// The document that was read: `spec/manage.json`, or the `--spec` path
    /// as given.
    pub source: String,
    /// Every normalisation rule, in the order they run.
    pub rules: Vec<RuleCount>,
    /// The rules applied only to progenitor's copy of the normalised document
    /// (`normalize::GENERATOR_RULES`).
    pub generator_rules: Vec<RuleCount>,
    /// The new API against the committed one; `None` when there was no
    /// committed spec to compare with.
    pub diff: Option<SpecDiff>,
    pub spec_file: SpecFile,
}

impl RegenReport {
    /// The count for one rule (of either list), by name.
    pub fn count(&self, rule: &str) -> Option<usize> {
        self.rules
            .iter()
            .chain(&self.generator_rules)
            .find(|r| r.name == rule)
            .map(|r| r.count)
    }
}

fn write_rules(f: &mut fmt::Formatter<'_>, rules: &[RuleCount], width: usize) -> fmt::Result {
    let (fired, idle): (Vec<&RuleCount>, Vec<&RuleCount>) = rules.iter().partition(|r| r.count > 0);
    for r in &fired {
        writeln!(f, "  {:<width$} {:>6}  {}", r.name, r.count, r.reason)?;
    }
    if !idle.is_empty() {
        writeln!(f, "  not needed (0 fixes):")?;
        for r in &idle {
            writeln!(f, "  {:<width$} {:>6}  {}", r.name, 0, r.reason)?;
        }
    }
    Ok(())
}

fn rule_counts(applied: &[Applied]) -> Vec<RuleCount> {
    applied
        .iter()
        .map(|a| RuleCount {
            name: a.rule.name,
            reason: a.rule.reason,
            count: a.fixes.len(),
        })
        .collect()
}

impl fmt::Display for RegenReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "Normalisation rules applied to {}:", self.source)?;
        let all = self.rules.iter().chain(&self.generator_rules);
        let width = all.map(|r| r.name.len()).max().unwrap_or(0);
        write_rules(f, &self.rules, width)?;
        if !self.generator_rules.is_empty() {
            writeln!(
                f,
                "For the generated client only (the normalised document keeps what these change):"
            )?;
            write_rules(f, &self.generator_rules, width)?;
        }
        writeln!(f)?;
        writeln!(f, "API changes against the committed {SPEC_FILE}:")?;
        match &self.diff {
            Some(diff) => write!(f, "{diff}")?,
            None => writeln!(
                f,
                "  no committed {SPEC_FILE} to compare with: every operation is new"
            )?,
        }
        writeln!(f)?;
        match self.spec_file {
            SpecFile::Committed => writeln!(f, "{SPEC_FILE}: read, not written"),
            SpecFile::Unchanged => writeln!(f, "{SPEC_FILE}: already identical to {}", self.source),
            SpecFile::Replaced => writeln!(f, "{SPEC_FILE}: replaced by {} (byte for byte)", self.source),
        }
    }
}

/// Why `regen` stopped.
#[derive(Debug)]
pub enum RegenError {
    Io {
        path: PathBuf,
        action: &'static str,
        error: std::io::Error,
    },
    Normalize {
        path: PathBuf,
        error: NormalizeError,
    },
    Cargo(std::io::Error),
}

impl fmt::Display for RegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegenError::Io { path, action, error } => write!(f, "{action} {}: {error}", path.display()),
            RegenError::Normalize { path, error } => write!(f, "{}: {error}", path.display()),
            RegenError::Cargo(error) => write!(f, "cannot run cargo: {error}"),
        }
    }
}

impl std::error::Error for RegenError {}

fn read(path: &Path) -> Result<Vec<u8>, RegenError> {
    std::fs::read(path).map_err(|error| RegenError::Io {
        path: path.to_owned(),
        action: "cannot read",
        error,
    })
}

fn normalise(path: &Path, bytes: &[u8]) -> Result<Normalized, RegenError> {
    let fail = |error| RegenError::Normalize {
        path: path.to_owned(),
        error,
    };
    let text =
        std::str::from_utf8(bytes).map_err(|e| fail(NormalizeError::NotJson(format!("not UTF-8: {e}"))))?;
    normalize::normalize_str(text).map_err(fail)
}

/// Steps 1–5: normalise, report, diff, copy, regenerate. Does not run cargo.
///
/// On any error nothing has been written.
pub fn run(options: &Options) -> Result<RegenReport, RegenError> {
    let committed_path = options.root.join(SPEC_FILE);
    let source = options.spec.clone().unwrap_or_else(|| committed_path.clone());
    let new_bytes = read(&source)?;
    let label = match &options.spec {
        Some(path) => path.display().to_string(),
        None => SPEC_FILE.to_owned(),
    };
    let new = normalise(&source, &new_bytes)?;

    let rules = rule_counts(&new.applied);
    let generator_rules = rule_counts(&new.for_generator().1);

    let committed_bytes = match std::fs::read(&committed_path) {
        Ok(bytes) => Some(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => {
            return Err(RegenError::Io {
                path: committed_path,
                action: "cannot read",
                error,
            });
        }
    };
    let diff = match &committed_bytes {
        // Same bytes, same API: skip parsing 6 MB a second time.
        Some(bytes) if *bytes == new_bytes => Some(SpecDiff::default()),
        Some(bytes) => Some(SpecDiff::between(
            &normalise(&committed_path, bytes)?.spec,
            &new.spec,
        )),
        None => None,
    };

    let spec_file = match (&options.spec, &committed_bytes) {
        (None, _) => SpecFile::Committed,
        (Some(_), Some(bytes)) if *bytes == new_bytes => SpecFile::Unchanged,
        (Some(_), _) => {
            write_spec(&committed_path, &new_bytes)?;
            SpecFile::Replaced
        }
    };

    regenerate_tools(&options.root, &new)?;

    Ok(RegenReport {
        source: label,
        rules,
        generator_rules,
        diff,
        spec_file,
    })
}

fn write_spec(path: &Path, bytes: &[u8]) -> Result<(), RegenError> {
    let io = |action, error| RegenError::Io {
        path: path.to_owned(),
        action,
        error,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| io("cannot create the folder of", e))?;
    }
    std::fs::write(path, bytes).map_err(|e| io("cannot write", e))
}

/// Extension point: emits the curated MCP tool wrappers described by
/// `spec/tools.toml` from the normalised spec, and will report which curated
/// tools changed.
///
/// Not implemented yet (a later issue): it does nothing and reports nothing.
/// The typed client itself needs no step here: `build.rs` generates it into
/// `OUT_DIR` on the next build, which [`cargo_check`] triggers.
pub fn regenerate_tools(_root: &Path, _spec: &Normalized) -> Result<(), RegenError> {
    Ok(())
}

/// Step 6: `cargo check` of the root package (which runs `build.rs`, so the
/// client is regenerated from the new spec), with its output streamed.
pub fn cargo_check(root: &Path) -> Result<ExitStatus, RegenError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .current_dir(root)
        .args(["check", "--package", "connectwise-mcp"])
        .status()
        .map_err(RegenError::Cargo)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &'static str, count: usize) -> RuleCount {
        RuleCount {
            name,
            reason: "why",
            count,
        }
    }

    #[test]
    fn rules_that_found_nothing_are_listed_as_not_needed() {
        let report = RegenReport {
            source: "All.json".into(),
            rules: vec![rule("fires", 3), rule("idle", 0)],
            generator_rules: vec![rule("gen", 1)],
            diff: None,
            spec_file: SpecFile::Replaced,
        };
        assert_eq!(
            report.to_string(),
            "Normalisation rules applied to All.json:\n\
             \x20 fires      3  why\n\
             \x20 not needed (0 fixes):\n\
             \x20 idle       0  why\n\
             For the generated client only (the normalised document keeps what these change):\n\
             \x20 gen        1  why\n\
             \n\
             API changes against the committed spec/manage.json:\n\
             \x20 no committed spec/manage.json to compare with: every operation is new\n\
             \n\
             spec/manage.json: replaced by All.json (byte for byte)\n"
        );
        assert_eq!(report.count("idle"), Some(0));
        assert_eq!(report.count("gen"), Some(1));
        assert_eq!(report.count("nope"), None);
    }
}
