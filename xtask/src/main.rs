//! `cargo xtask …`: the command line. The work is in the library.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use xtask::regen;

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
    /// it over spec/manage.json, and regenerate the client (`cargo check`).
    Regen {
        /// The new upstream document (e.g. a downloaded All.json); default:
        /// the committed spec/manage.json.
        #[arg(long, value_name = "PATH")]
        spec: Option<PathBuf>,
        /// Skip the final `cargo check` (which regenerates the client).
        #[arg(long)]
        no_check: bool,
        /// The repository root; default: the workspace this xtask belongs to.
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Regen { spec, no_check, root } => {
            let root = root.unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/..")));
            let root = root.canonicalize().unwrap_or(root);
            let options = regen::Options { root, spec };
            let report = match regen::run(&options) {
                Ok(report) => report,
                Err(e) => {
                    eprintln!("error: {e}");
                    return ExitCode::FAILURE;
                }
            };
            print!("{report}");
            if no_check {
                return ExitCode::SUCCESS;
            }
            println!("\nRegenerating the client: cargo check --package connectwise-mcp");
            match regen::cargo_check(&options.root).and_then(|status| {
                if status.success() && report.tools.is_some() {
                    println!("\nRefreshing the tool schema snapshots: cargo test --test toolsnaps");
                    regen::refresh_toolsnaps(&options.root)
                } else {
                    Ok(status)
                }
            }) {
                Ok(status) if status.success() => ExitCode::SUCCESS,
                Ok(status) => {
                    eprintln!("error: cargo check failed ({status})");
                    ExitCode::from(
                        status
                            .code()
                            .and_then(|c| u8::try_from(c).ok())
                            .filter(|c| *c != 0)
                            .unwrap_or(1),
                    )
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
