//! `connectwise-mcp`: the command line. Thin: parsing, logging set-up, and a
//! call into the library per subcommand. Logs go to stderr; stdout is kept
//! for output (and, for the MCP server, the protocol).
//!
//! Exit codes: 0 success; 1 a failed call or check; 2 a configuration or
//! usage problem (missing credentials, an unknown tool or toolset).

use clap::builder::BoolishValueParser;
use clap::{Args, Parser, Subcommand};
use connectwise_mcp::client::{Config, ConnectWise};
use connectwise_mcp::http::{HttpOptions, HttpOverrides, OAuthOverrides};
use connectwise_mcp::mcp::frames::DEFAULT_MAX_FRAME_BYTES;
use connectwise_mcp::mcp::{Audit, CwServer, Gate, GateOverrides, Inventory, registry, serve_stdio_server};
use connectwise_mcp::settings::ConfigFile;
use connectwise_mcp::sim::lazy::LazySimulator;
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
    /// TOML configuration file ([connectwise] and [server]); environment variables override it.
    #[arg(long, global = true, env = "CW_CONFIG")]
    config: Option<PathBuf>,
    /// Use an in-process simulated ConnectWise tenant: no credentials, no network.
    #[arg(long, global = true)]
    demo: bool,
    /// Enable write tools (create, update, notes, time entries).
    #[arg(long, global = true, env = "CW_ALLOW_WRITES", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    allow_writes: Option<bool>,
    /// Enable delete tools.
    #[arg(long, global = true, env = "CW_ALLOW_DELETES", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    allow_deletes: Option<bool>,
    /// Toolsets to enable, comma-separated (`all`, `default`, `tickets`, `time`, …).
    #[arg(
        long,
        global = true,
        env = "CW_TOOLSETS",
        value_delimiter = ',',
        value_name = "LIST"
    )]
    toolsets: Option<Vec<String>>,
    /// Single tools to enable, comma-separated: added to --toolsets, or alone exactly these.
    #[arg(
        long,
        global = true,
        env = "CW_TOOLS",
        value_delimiter = ',',
        value_name = "LIST"
    )]
    tools: Option<Vec<String>>,
    /// Spec operations (operationIds) to expose as tools of their own, comma-separated.
    #[arg(
        long,
        global = true,
        env = "CW_EXTRA_OPERATIONS",
        value_delimiter = ',',
        value_name = "LIST"
    )]
    extra_operations: Option<Vec<String>>,
    /// Saved-query database (SQLite); default: the user's data directory
    /// (with --demo: in memory, unless given).
    #[arg(long, global = true, env = "CW_SAVED_QUERIES_DB", value_name = "PATH")]
    saved_queries_db: Option<PathBuf>,
    /// PostgreSQL for saved queries, the write journal and confirmation
    /// tokens, shared by every instance (postgres://user:password@host/db);
    /// default: the SQLite file.
    #[arg(
        long,
        global = true,
        env = "MCP_DATABASE_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    database_url: Option<String>,
    /// The most one answer may take, in tokens (500 to 200000); a longer
    /// list ends with a cursor, a longer record names what it left out.
    #[arg(long, global = true, env = "CW_MAX_RESULT_TOKENS", value_name = "TOKENS")]
    max_result_tokens: Option<usize>,
    /// Declare an output schema on every tool and send structuredContent
    /// (for clients that use them; otherwise results are text only).
    #[arg(long, global = true, env = "MCP_OUTPUT_SCHEMAS", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    output_schemas: Option<bool>,
    /// Every write needs the user's confirmation: the first call answers
    /// with what would be sent and a token; only a call with it writes.
    #[arg(long, global = true, env = "CW_CONFIRM_WRITES", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    confirm_writes: Option<bool>,
    /// Show secrets pasted into records (passwords, API keys, private keys,
    /// one-time codes) instead of masking them as [hidden].
    #[arg(long, global = true, env = "CW_SHOW_SECRETS", num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = BoolishValueParser::new(), value_name = "BOOL")]
    show_secrets: Option<bool>,
    /// Limit every session to these companies, by identifier, comma-separated:
    /// reads outside them return nothing, writes outside them are refused.
    #[arg(
        long,
        global = true,
        env = "CW_COMPANIES",
        value_delimiter = ',',
        value_name = "LIST"
    )]
    companies: Option<Vec<String>>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve MCP over stdin/stdout (the default), or over HTTP with --http.
    Serve(ServeArgs),
    /// List the tools this configuration enables: name, tier, toolset, title.
    Tools,
    /// Call one tool and print its result as JSON.
    Call {
        /// The tool's name, e.g. cw_search_tickets.
        tool: String,
        /// The arguments as a JSON object.
        #[arg(default_value = "{}")]
        arguments: String,
    },
    /// Check the configuration and credentials: calls GET /system/info.
    Ping,
    /// Check a tenant read-only: site, keys and clientId, member, version,
    /// each enabled tool's access, today's time sheet, record shapes.
    /// Exit 0 all good, 1 something to fix, 2 configuration error.
    Doctor {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Exit 0 when a running `serve --http` answers its /health (for container health checks).
    Healthcheck {
        /// The liveness URL.
        #[arg(long, env = "MCP_HEALTH_URL", default_value = "http://127.0.0.1:3000/health")]
        url: String,
    },
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

/// How to serve: stdio, or streamable HTTP for a team.
#[derive(Args, Default)]
struct ServeArgs {
    /// Serve MCP over streamable HTTP (/mcp, /health, /ready, /openapi.json) instead of stdio.
    #[arg(long)]
    http: bool,
    /// Address to listen on with --http [default: 127.0.0.1:3000].
    #[arg(long, env = "MCP_BIND", value_name = "IP:PORT")]
    bind: Option<String>,
    /// Allow a non-loopback bind without role tokens (only behind something that authenticates).
    #[arg(long, env = "MCP_INSECURE_NO_AUTH")]
    insecure_no_auth: bool,
    /// No MCP sessions: every request stands alone (several instances behind a load balancer).
    #[arg(long, env = "MCP_STATELESS")]
    stateless: bool,
    /// Who may send their own ConnectWise keys: disabled, with-token (default), open.
    #[arg(long, env = "MCP_KEYS_POLICY", value_name = "POLICY")]
    keys_policy: Option<String>,
    /// Audit log of tool calls: stderr (default with --http), off (default on stdio), database (the store's), or a file path.
    #[arg(long, env = "MCP_AUDIT", value_name = "WHERE")]
    audit: Option<String>,
    /// Include arguments and results in the audit log.
    #[arg(long, env = "MCP_AUDIT_BODIES")]
    audit_bodies: bool,
    /// Host names clients use besides loopback and the bind address, comma-separated (`*`: any).
    #[arg(long, env = "MCP_ALLOWED_HOSTS", value_delimiter = ',', value_name = "LIST")]
    allowed_hosts: Option<Vec<String>>,
    /// Browser origins allowed besides loopback ones, comma-separated (`*`: any).
    #[arg(long, env = "MCP_ALLOWED_ORIGINS", value_delimiter = ',', value_name = "LIST")]
    allowed_origins: Option<Vec<String>>,
    /// Largest request body (with --http) or stdio message, in bytes [default: 1048576].
    #[arg(long, env = "MCP_MAX_BODY_BYTES", value_name = "BYTES")]
    max_body_bytes: Option<usize>,
    /// Longest a tool call may take, in seconds [default: 60].
    #[arg(long, env = "MCP_REQUEST_TIMEOUT_SECS", value_name = "SECS")]
    request_timeout_secs: Option<u64>,
    /// Roles whose writes need confirmation, comma-separated (viewer, editor, admin), besides --confirm-writes.
    #[arg(
        long,
        env = "MCP_CONFIRM_WRITES_ROLES",
        value_delimiter = ',',
        value_name = "ROLES"
    )]
    confirm_writes_roles: Option<Vec<String>>,
    /// Sign-in through an identity provider: its issuer URL (other settings: MCP_OAUTH_* or [oauth]).
    #[arg(long, env = "MCP_OAUTH_ISSUER", value_name = "URL")]
    oauth_issuer: Option<String>,
    /// The audience OAuth access tokens must be issued for (this server; usually its /mcp URL).
    #[arg(long, env = "MCP_OAUTH_AUDIENCE", value_name = "AUDIENCE")]
    oauth_audience: Option<String>,
    /// Serve Prometheus metrics at /metrics (with --http; behind the same auth as /mcp).
    #[arg(long, env = "MCP_METRICS")]
    metrics: bool,
}

/// Why the command failed, and its exit code.
struct Failure {
    code: u8,
    message: String,
}

fn usage(message: impl Into<String>) -> Failure {
    Failure {
        code: 2,
        message: message.into(),
    }
}

fn failed(message: impl Into<String>) -> Failure {
    Failure {
        code: 1,
        message: message.into(),
    }
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CW_LOG").unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => return fail(failed(format!("cannot start the async runtime: {e}"))),
    };
    let outcome = runtime.block_on(run(cli));
    // Don't wait for a blocked stdin reader or idle connections on the way out.
    runtime.shutdown_background();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => fail(failure),
    }
}

fn fail(failure: Failure) -> ExitCode {
    eprintln!("error: {}", failure.message);
    ExitCode::from(failure.code)
}

async fn run(cli: Cli) -> Result<(), Failure> {
    let default = Command::Serve(ServeArgs::default());
    let command = cli.command.as_ref().unwrap_or(&default);
    // The config file is read once; each part of the server takes its section.
    let file = cli
        .config
        .as_deref()
        .map(ConfigFile::read)
        .transpose()
        .map_err(usage)?;
    let file = file.as_ref();
    match command {
        Command::Serve(args) if args.http => serve_http(&cli, file, args).await,
        Command::Serve(args) => {
            let inventory = inventory(&cli, file)?;
            let audit = Audit::open(args.audit.as_deref().unwrap_or("off"), args.audit_bodies)
                .map_err(usage)?
                .map(std::sync::Arc::new);
            if let Some(audit) = &audit {
                audit.use_store(&inventory.gate().store().map_err(usage)?);
            }
            let (config, _sim) = connection(&cli, file).await?;
            prepare_search(&inventory);
            let max_frame_bytes = args.max_body_bytes.unwrap_or(DEFAULT_MAX_FRAME_BYTES);
            serve_stdio_server(
                CwServer::new(inventory, config).with_audit(audit),
                max_frame_bytes,
            )
            .await
            .map_err(failed)
        }
        Command::Tools => {
            let inventory = inventory(&cli, file)?;
            print_tools(&inventory);
            Ok(())
        }
        Command::Call { tool, arguments } => {
            let inventory = inventory(&cli, file)?;
            let arguments = match serde_json::from_str(arguments) {
                Ok(serde_json::Value::Object(map)) => map,
                Ok(_) => {
                    return Err(usage(
                        "the arguments must be a JSON object, e.g. '{\"page_size\": 5}'",
                    ));
                }
                Err(e) => return Err(usage(format!("the arguments are not JSON: {e}"))),
            };
            let (config, _sim) = connection(&cli, file).await?;
            let server = CwServer::new(inventory, config);
            let result = server
                .call(tool, Some(arguments))
                .await
                .map_err(|e| usage(e.message))?;
            let text: Vec<&str> = result
                .content
                .iter()
                .filter_map(|c| c.as_text())
                .map(|t| t.text.as_str())
                .collect();
            if result.is_error == Some(true) {
                return Err(failed(text.join("\n")));
            }
            let out = match &result.structured_content {
                Some(value) => serde_json::to_string_pretty(value).unwrap_or_default(),
                None => text.join("\n"),
            };
            say(format_args!("{out}\n"));
            Ok(())
        }
        Command::Ping => {
            let (config, _sim) = connection(&cli, file).await?;
            let cw = ConnectWise::new(&config).map_err(|e| usage(e.to_string()))?;
            let info = cw
                .read(
                    cw.api()
                        .get_system_info(None, None, None, None, None, None, None, None),
                )
                .await
                .map_err(|e| failed(e.to_string()))?;
            say(format_args!(
                "connected to {} as {}+{}: ConnectWise {}\n",
                config.site,
                config.company_id,
                config.public_key,
                info["version"].as_str().unwrap_or("(version not reported)")
            ));
            Ok(())
        }
        Command::Doctor { json } => {
            let inventory = inventory(&cli, file)?;
            let (config, _sim) = connection(&cli, file).await?;
            let report = connectwise_mcp::doctor::run(&config, &inventory).await;
            if *json {
                say(format_args!("{}\n", connectwise_mcp::doctor::to_json(&report)));
            } else {
                say(format_args!("{report}"));
            }
            if report.ok {
                Ok(())
            } else {
                Err(failed("doctor found something to fix"))
            }
        }
        Command::Healthcheck { url } => {
            let response = connectwise_mcp::client::tls::client()
                .get(url)
                .timeout(std::time::Duration::from_secs(3))
                .send()
                .await
                .map_err(|e| failed(format!("{url}: {e}")))?;
            if !response.status().is_success() {
                return Err(failed(format!("{url}: HTTP {}", response.status())));
            }
            say(format_args!("{url}: ok\n"));
            Ok(())
        }
        Command::Sim {
            host,
            port,
            seed,
            large,
        } => {
            let options = SimOptions {
                seed: *seed,
                size: if *large {
                    sim::seed::Size::Large
                } else {
                    sim::seed::Size::Small
                },
                ..SimOptions::default()
            };
            let addr = SocketAddr::new(*host, *port);
            sim::serve(options, addr)
                .await
                .map_err(|e| failed(format!("simulator on {addr}: {e}")))
        }
    }
}

/// `serve --http`: the settings (file, then environment and flags), the
/// tools, ConnectWise, then the server until SIGTERM.
/// A server that offers the endpoint search builds its index on a blocking
/// thread as it starts, so the user's first search does not wait for it.
fn prepare_search(inventory: &Inventory) {
    if inventory.get("cw_search_endpoints").is_some() {
        tokio::task::spawn_blocking(connectwise_mcp::catalog::search::prepare);
    }
}

async fn serve_http(cli: &Cli, file: Option<&ConfigFile>, args: &ServeArgs) -> Result<(), Failure> {
    let env = |k: &str| std::env::var(k).ok();
    let options = HttpOptions::resolve(
        file,
        HttpOverrides {
            bind: args.bind.clone(),
            allowed_hosts: args.allowed_hosts.clone(),
            allowed_origins: args.allowed_origins.clone(),
            keys_policy: args.keys_policy.clone(),
            audit: args.audit.clone(),
            audit_bodies: args.audit_bodies,
            stateless: args.stateless,
            insecure_no_auth: args.insecure_no_auth,
            max_body_bytes: args.max_body_bytes,
            request_timeout_secs: args.request_timeout_secs,
            confirm_writes_roles: args.confirm_writes_roles.clone(),
            tokens_viewer: env("MCP_TOKENS_VIEWER"),
            tokens_editor: env("MCP_TOKENS_EDITOR"),
            tokens_admin: env("MCP_TOKENS_ADMIN"),
            token_companies: env("MCP_TOKEN_COMPANIES"),
            oauth: OAuthOverrides {
                issuer: args.oauth_issuer.clone(),
                audience: args.oauth_audience.clone(),
                ..OAuthOverrides::from_env(env)
            },
            metrics: args.metrics,
        },
    )
    .map_err(usage)?;
    options.check_exposure().map_err(usage)?;
    let inventory = inventory(cli, file)?;
    let (config, _sim) = connection(cli, file).await?;
    prepare_search(&inventory);
    let shared = connectwise_mcp::http::session::Shared::new(
        inventory.all(),
        inventory.gate().clone(),
        config,
        options.audit.clone(),
        options.request_timeout,
        &options.confirm_writes_roles,
    )
    .map_err(usage)?
    .stateless(options.stateless);
    check_store(shared.store()).await;
    connectwise_mcp::http::serve(options, shared)
        .await
        .map_err(failed)
}

/// Connects to the store and brings its tables up to date at start-up. A
/// database that is down does not stop the server: ConnectWise reads work,
/// and what needs the store says so until the database is back.
async fn check_store(store: &connectwise_mcp::store::Store) {
    match store.migrate().await {
        Ok(version) => tracing::info!(engine = store.engine(), version, "store ready"),
        Err(e) => return tracing::warn!(engine = store.engine(), "{e}"),
    }
    match store.protection().await {
        Ok(Some(protection)) => match protection.fix() {
            None => tracing::info!("store connection {protection}"),
            Some(fix) => tracing::warn!("store connection {protection}; {fix}"),
        },
        Ok(None) => {}
        Err(e) => tracing::warn!(engine = store.engine(), "{e}"),
    }
}

/// The session's tools: the `[server]` section of the config file, overridden
/// by the command line and environment.
fn inventory(cli: &Cli, file: Option<&ConfigFile>) -> Result<Inventory, Failure> {
    let from_file = match file {
        Some(file) => Gate::from_file(file).map_err(usage)?,
        None => Gate::default(),
    };
    let gate = from_file.or(GateOverrides {
        allow_writes: cli.allow_writes,
        allow_deletes: cli.allow_deletes,
        toolsets: cli.toolsets.clone(),
        tools: cli.tools.clone(),
        extra_operations: cli.extra_operations.clone(),
        saved_queries_db: cli.saved_queries_db.clone(),
        // Parsed here, not by clap: clap's errors quote the value (a password).
        database_url: cli
            .database_url
            .as_deref()
            .map(connectwise_mcp::store::DatabaseUrl::parse)
            .transpose()
            .map_err(usage)?,
        max_result_tokens: cli.max_result_tokens,
        output_schemas: cli.output_schemas,
        confirm_writes: cli.confirm_writes,
        show_secrets: cli.show_secrets,
        companies: cli.companies.clone(),
    });
    connectwise_mcp::tool::text::show_secrets(gate.show_secrets);
    // The demo must not write into the user's real saved queries.
    let gate = match (cli.demo, &gate.saved_queries_db) {
        (true, None) => Gate {
            saved_queries_db: Some(PathBuf::from(":memory:")),
            ..gate
        },
        _ => gate,
    };
    let all = registry::all(&gate.extra_operations).map_err(usage)?;
    Inventory::new(all, gate).map_err(usage)
}

/// The client configuration: the simulator's with `--demo` (kept running
/// as long as the returned handle lives; its tenant is built on the first
/// request), else the environment and file.
async fn connection(
    cli: &Cli,
    file: Option<&ConfigFile>,
) -> Result<(Config, Option<LazySimulator>), Failure> {
    if !cli.demo {
        let config = Config::load(file).map_err(|e| {
            usage(format!(
                "{e}; set the CW_* variables or a config file, or try --demo for a simulated tenant"
            ))
        })?;
        return Ok((config, None));
    }
    let sim = LazySimulator::start(SimOptions::default())
        .await
        .map_err(|e| failed(format!("demo tenant: binding a loopback port: {e}")))?;
    let site = sim.site();
    let config = Config::from_sources(
        |key| match key {
            "CW_SITE" => Some(site.clone()),
            "CW_COMPANY_ID" => Some(sim::DEMO_COMPANY_ID.into()),
            "CW_PUBLIC_KEY" => Some(sim::DEMO_PUBLIC_KEY.into()),
            "CW_PRIVATE_KEY" => Some(sim::DEMO_PRIVATE_KEY.into()),
            "CW_CLIENT_ID" => Some(sim::DEMO_CLIENT_ID.into()),
            "CW_MEMBER_IDENTIFIER" => Some(sim::DEMO_MEMBER_IDENTIFIER.into()),
            other => std::env::var(other).ok(),
        },
        None,
    )
    .map_err(|e| failed(format!("demo configuration: {e}")))?;
    tracing::info!("demo: simulated ConnectWise at {site}");
    Ok((config, Some(sim)))
}

/// Writes to stdout; a reader that went away (`| head`) ends the command
/// quietly instead of panicking as `println!` would.
fn say(text: std::fmt::Arguments) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_fmt(text) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to stdout: {e}");
        std::process::exit(1);
    }
}

/// One line per enabled tool on stdout; a summary on stderr.
fn print_tools(inventory: &Inventory) {
    let tools = inventory.enabled();
    let width = tools.iter().map(|t| t.name.len()).max().unwrap_or(0);
    let set_width = tools.iter().map(|t| t.toolset.len()).max().unwrap_or(0);
    for t in tools {
        say(format_args!(
            "{:<width$}  {:<6}  {:<set_width$}  {}\n",
            t.name,
            t.tier.as_str(),
            t.toolset,
            t.title
        ));
    }
    let gate = inventory.gate();
    eprintln!(
        "{} of {} tools enabled; toolsets: {}; writes {}; deletes {}",
        tools.len(),
        inventory.all().len(),
        if inventory.toolsets().is_empty() {
            "(none: --tools only)".to_owned()
        } else {
            inventory.toolsets().join(", ")
        },
        if gate.allow_writes {
            "on"
        } else {
            "off (--allow-writes)"
        },
        if gate.allow_deletes {
            "on"
        } else {
            "off (--allow-deletes)"
        },
    );
    let per_call: Vec<&str> = tools.iter().filter(|t| t.tier_per_call).map(|t| t.name).collect();
    if !per_call.is_empty() {
        eprintln!(
            "{}: listed as read, each call gated by its method (GET read; POST, PUT, PATCH write; DELETE delete)",
            per_call.join(", ")
        );
    }
}
