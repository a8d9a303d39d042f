//! `connectwise-mcp`: the command line. Thin: parsing, logging set-up, and a
//! call into the library per subcommand. Logs go to stderr; stdout is kept
//! for output (and, for the MCP server, the protocol).

use clap::{Parser, Subcommand};
use connectwise_mcp::client::{Config, ConnectWise};
use connectwise_mcp::sim::{self, SimOptions};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "connectwise-mcp",
    version,
    about = "MCP server for ConnectWise Manage (PSA)"
)]
struct Cli {
    /// TOML configuration file; environment variables override it.
    #[arg(long, global = true, env = "CW_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check the configuration and credentials: calls GET /system/info.
    Ping,
    /// Run the simulated ConnectWise tenant on its own.
    Sim {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1")]
        host: IpAddr,
        /// Port to listen on.
        #[arg(long, default_value_t = 8087)]
        port: u16,
        /// Seed of the generated tenant.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// The large tenant (100,000 tickets, 1,000 companies) for load tests.
        #[arg(long)]
        large: bool,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CW_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(format!("cannot start the async runtime: {e}")),
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => fail(message),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::FAILURE
}

async fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Ping => {
            let config = Config::load(cli.config.as_deref()).map_err(|e| e.to_string())?;
            let cw = ConnectWise::new(&config).map_err(|e| e.to_string())?;
            let info = cw
                .result(
                    cw.api()
                        .get_system_info(None, None, None, None, None, None, None, None)
                        .await,
                )
                .await
                .map_err(|e| e.to_string())?;
            println!(
                "connected to {} as {}+{}: ConnectWise {}",
                config.site,
                config.company_id,
                config.public_key,
                info.version.as_deref().unwrap_or("(version not reported)")
            );
            Ok(())
        }
        Command::Sim {
            host,
            port,
            seed,
            large,
        } => {
            let options = SimOptions {
                seed,
                size: if large {
                    sim::seed::Size::Large
                } else {
                    sim::seed::Size::Small
                },
                ..SimOptions::default()
            };
            let addr = SocketAddr::new(host, port);
            sim::serve(options, addr)
                .await
                .map_err(|e| format!("simulator on {addr}: {e}"))
        }
    }
}
