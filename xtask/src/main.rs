//! `cargo xtask …`: the command line. The work is in the library.

use clap::{Parser, Subcommand};
use std::path::{Path, PathBuf};
use std::process::{ExitCode, ExitStatus};
use xtask::{bundle, check, regen};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Project automation for connectwise-mcp")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Take in a (new) ConnectWise OpenAPI document: normalise it, report the
    /// rules that fired and the API changes against the committed spec, copy
    /// it over spec/manage.json, regenerate the curated tools and the client
    /// (`cargo check`), and refresh the tool schema snapshots.
    Regen {
        /// The new upstream document (e.g. a downloaded All.json); default:
        /// the committed spec/manage.json.
        #[arg(long, value_name = "PATH", conflicts_with = "check")]
        spec: Option<PathBuf>,
        /// Write nothing: fail with a diff when src/toolsets/curated/generated.rs or the
        /// tool schema snapshots differ from what regen would make of the
        /// committed spec and allow-list (CI runs this).
        #[arg(long)]
        check: bool,
        /// Skip the steps that run cargo: `cargo check` and the snapshot
        /// refresh; with --check, the snapshot comparison.
        #[arg(long, alias = "no-check")]
        no_cargo: bool,
        /// The repository root; default: the workspace this xtask belongs to.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Pack the server into an MCP Bundle (.mcpb) for one-click installs in
    /// Claude Desktop and other hosts, with its MCP registry entry
    /// (server.json) beside it. Builds the release binary unless --binary
    /// names one.
    Bundle {
        /// The server binary to pack; default: `cargo build --release` and
        /// target/release/connectwise-mcp.
        #[arg(long, value_name = "PATH")]
        binary: Option<PathBuf>,
        /// Where the bundle and server.json go.
        #[arg(long, value_name = "DIR", default_value = "target/bundle")]
        out_dir: PathBuf,
        /// Check the result as a host uses it: unpack and validate with the
        /// official bundle tool (npx @anthropic-ai/mcpb), start the unpacked
        /// server and list its tools, validate server.json.
        #[arg(long)]
        verify: bool,
    },
}

fn main() -> ExitCode {
    let workspace = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let workspace = workspace.canonicalize().unwrap_or(workspace);
    let outcome = match Cli::parse().command {
        Command::Regen {
            spec,
            check,
            no_cargo,
            root,
        } => {
            let root = root.unwrap_or(workspace);
            let root = root.canonicalize().unwrap_or(root);
            if check {
                run_check(&root, no_cargo)
            } else {
                run_regen(regen::Options { root, spec }, no_cargo)
            }
        }
        Command::Bundle {
            binary,
            out_dir,
            verify,
        } => run_bundle(&workspace, binary, out_dir, verify),
    };
    outcome.unwrap_or_else(|message| {
        eprintln!("error: {message}");
        ExitCode::FAILURE
    })
}

/// `regen --check`: the generated code in memory, then the snapshot test.
fn run_check(root: &Path, no_cargo: bool) -> Result<ExitCode, String> {
    let report = check::check(root).map_err(|e| e.to_string())?;
    print!("{report}");
    if !report.is_fresh() {
        return Err(
            "generated code is stale (diff above): run `cargo xtask regen` and commit the result".into(),
        );
    }
    if no_cargo {
        return Ok(ExitCode::SUCCESS);
    }
    println!("\nComparing the tool schema snapshots: cargo test --test toolsnaps");
    let status = regen::compare_toolsnaps(root).map_err(|e| e.to_string())?;
    if !status.success() {
        return Err(format!(
            "cargo test --test toolsnaps failed ({status}); a stale snapshot shows its diff above: \
             run `cargo xtask regen` and commit the result"
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// `regen`: normalise, report, copy, generate; then `cargo check` and the
/// snapshots.
fn run_regen(options: regen::Options, no_cargo: bool) -> Result<ExitCode, String> {
    let report = regen::run(&options).map_err(|e| e.to_string())?;
    print!("{report}");
    if no_cargo {
        return Ok(ExitCode::SUCCESS);
    }
    println!("\nRegenerating the client: cargo check --package connectwise-mcp");
    let status = regen::cargo_check(&options.root).map_err(|e| e.to_string())?;
    if !status.success() {
        eprintln!("error: cargo check failed ({status})");
        return Ok(exit_code(status));
    }
    if report.tools.is_some() {
        println!("\nRefreshing the tool schema snapshots: cargo test --test toolsnaps");
        let status = regen::refresh_toolsnaps(&options.root).map_err(|e| e.to_string())?;
        if !status.success() {
            eprintln!("error: cargo test --test toolsnaps failed ({status})");
            return Ok(exit_code(status));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `bundle`: the release binary (unless given), the .mcpb and server.json,
/// then the checks a host would make.
fn run_bundle(
    root: &Path,
    binary: Option<PathBuf>,
    out_dir: PathBuf,
    verify: bool,
) -> Result<ExitCode, String> {
    let binary = match binary {
        Some(path) => path,
        None => {
            println!("Building the server: cargo build --release --bin connectwise-mcp");
            let status = std::process::Command::new(env!("CARGO"))
                .args(["build", "--release", "--locked", "--bin", "connectwise-mcp"])
                .current_dir(root)
                .status()
                .map_err(|e| format!("cargo build: {e}"))?;
            if !status.success() {
                return Ok(exit_code(status));
            }
            root.join("target/release").join(bundle::Platform::host().binary)
        }
    };
    let out_dir = root.join(out_dir);
    let version = package_version(root)?;
    let built = bundle::build(&bundle::Options {
        binary,
        out_dir: out_dir.clone(),
        version,
    })?;
    println!(
        "Wrote {} ({} bytes, sha256 {}) and {}",
        built.path.display(),
        built.bytes,
        built.sha256,
        built.server_json.display()
    );
    if verify {
        println!("{}", bundle::verify(&built, &out_dir)?);
    }
    Ok(ExitCode::SUCCESS)
}

/// The root package's version, from its Cargo.toml.
fn package_version(root: &Path) -> Result<String, String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest: toml::Table = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    manifest["package"]["version"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("{}: no package.version", path.display()))
}

/// A failed child's exit code, or 1.
fn exit_code(status: ExitStatus) -> ExitCode {
    let code = status
        .code()
        .and_then(|c| u8::try_from(c).ok())
        .filter(|c| *c != 0);
    ExitCode::from(code.unwrap_or(1))
}
