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
use crate::tools;
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
    /// The curated tool wrappers; `None` when the root has no `spec/tools.toml`.
    pub tools: Option<ToolsReport>,
}

/// What regeneration did to the curated tools.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolsReport {
    pub count: usize,
    /// Tools whose generated code differs between the committed and the new
    /// spec (same allow-list): the API change reaches them.
    pub changed_by_spec: Vec<String>,
    /// Whether `src/tools/generated.rs` was rewritten.
    pub written: bool,
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
            SpecFile::Committed => writeln!(f, "{SPEC_FILE}: read, not written")?,
            SpecFile::Unchanged => writeln!(f, "{SPEC_FILE}: already identical to {}", self.source)?,
            SpecFile::Replaced => writeln!(f, "{SPEC_FILE}: replaced by {} (byte for byte)", self.source)?,
        }
        if let Some(t) = &self.tools {
            let file = tools::GENERATED_FILE;
            let state = if t.written { "rewritten" } else { "unchanged" };
            writeln!(f, "{file}: {} curated tools, {state}", t.count)?;
            if !t.changed_by_spec.is_empty() {
                writeln!(
                    f,
                    "  tools the API change reaches: {}",
                    t.changed_by_spec.join(", ")
                )?;
            }
        }
        Ok(())
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
    /// Problems in `spec/tools.toml`, each naming the tool.
    Tools(Vec<String>),
}

impl fmt::Display for RegenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegenError::Io { path, action, error } => write!(f, "{action} {}: {error}", path.display()),
            RegenError::Normalize { path, error } => write!(f, "{}: {error}", path.display()),
            RegenError::Cargo(error) => write!(f, "cannot run cargo: {error}"),
            RegenError::Tools(problems) => {
                write!(f, "the curated tools cannot be generated:")?;
                problems.iter().try_for_each(|p| write!(f, "\n  - {p}"))
            }
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
    let old = match &committed_bytes {
        // Same bytes, same API: skip parsing 6 MB a second time.
        Some(bytes) if *bytes == new_bytes => None,
        Some(bytes) => Some(normalise(&committed_path, bytes)?),
        None => None,
    };
    let diff = match (&committed_bytes, &old) {
        (Some(_), Some(old)) => Some(SpecDiff::between(&old.spec, &new.spec)),
        (Some(_), None) => Some(SpecDiff::default()),
        (None, _) => None,
    };
    // Generate before writing anything, so a tool the new spec breaks stops here.
    let tools = prepare_tools(&options.root, &new.spec, old.as_ref().map(|o| &o.spec))?;

    let spec_file = match (&options.spec, &committed_bytes) {
        (None, _) => SpecFile::Committed,
        (Some(_), Some(bytes)) if *bytes == new_bytes => SpecFile::Unchanged,
        (Some(_), _) => {
            write_spec(&committed_path, &new_bytes)?;
            SpecFile::Replaced
        }
    };

    let tools = match tools {
        Some((generated, mut report)) => {
            report.written = write_if_changed(&options.root.join(tools::GENERATED_FILE), &generated.code)?;
            Some(report)
        }
        None => None,
    };

    Ok(RegenReport {
        source: label,
        rules,
        generator_rules,
        diff,
        spec_file,
        tools,
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

/// Generates the curated tool wrappers from `spec/tools.toml` and the new
/// spec, and finds the tools the API change reaches (by generating them from
/// the committed spec too). Writes nothing. `None` without a `spec/tools.toml`.
fn prepare_tools(
    root: &Path,
    new: &serde_json::Value,
    old: Option<&serde_json::Value>,
) -> Result<Option<(tools::Generated, ToolsReport)>, RegenError> {
    let path = root.join(tools::TOOLS_FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(RegenError::Io {
                path,
                action: "cannot read",
                error,
            });
        }
    };
    let list: tools::AllowList = toml::from_str(&text)
        .map_err(|e| RegenError::Tools(vec![format!("{}: {}", tools::TOOLS_FILE, e)]))?;
    let generated = tools::generate(&list, new)
        .map_err(|errors| RegenError::Tools(errors.iter().map(ToString::to_string).collect()))?;
    let generated = tools::Generated {
        code: rustfmt(root, generated.code),
        ..generated
    };
    let changed_by_spec = match old.map(|old| tools::generate(&list, old)) {
        Some(Ok(before)) => generated
            .fingerprints
            .iter()
            .filter(|(name, print)| before.fingerprints.get(*name) != Some(*print))
            .map(|(name, _)| name.clone())
            .collect(),
        // The committed spec could not generate them: every tool is new to it.
        Some(Err(_)) => generated.fingerprints.keys().cloned().collect(),
        None => Vec::new(),
    };
    let report = ToolsReport {
        count: list.tools.len(),
        changed_by_spec,
        written: false,
    };
    Ok(Some((generated, report)))
}

/// Formats generated code with the project's rustfmt settings, so
/// `cargo fmt --check` agrees with it. Without rustfmt, prettyplease's
/// output is kept as is.
fn rustfmt(root: &Path, code: String) -> String {
    use std::io::Write;
    use std::process::Stdio;
    let child = Command::new("rustfmt")
        .current_dir(root)
        .args(["--edition", "2024", "--emit", "stdout", "--quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else { return code };
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(code.as_bytes());
    }
    match child.wait_with_output() {
        Ok(out) if out.status.success() && !out.stdout.is_empty() => {
            String::from_utf8(out.stdout).unwrap_or(code)
        }
        _ => code,
    }
}

/// Writes `text` unless the file already holds it; says whether it wrote.
fn write_if_changed(path: &Path, text: &str) -> Result<bool, RegenError> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return Ok(false);
    }
    write_spec(path, text.as_bytes())?;
    Ok(true)
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

/// Rewrites the committed tool schema snapshots (`tests/__toolsnaps__/`)
/// from the freshly generated tools.
pub fn refresh_toolsnaps(root: &Path) -> Result<ExitStatus, RegenError> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    Command::new(cargo)
        .current_dir(root)
        .env("UPDATE_TOOLSNAPS", "true")
        .args(["test", "--package", "connectwise-mcp", "--test", "toolsnaps"])
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
            tools: None,
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
