//! The binary under test, started with exactly the settings a test gives it.
//!
//! Every child starts without the test process's `CW_*` and `MCP_*`
//! variables, so a developer's own `CW_SITE` or `MCP_AUDIT` never leaks into
//! a test: each test says everything the binary sees.

use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_connectwise-mcp");

/// Settings given to the binary as environment variables.
pub type Env = Vec<(String, String)>;

/// The binary with `args` and exactly `env` as its `CW_*` and `MCP_*` settings.
pub fn command(args: &[&str], env: &[(String, String)]) -> Command {
    let mut cmd = Command::new(BIN);
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy();
        if name.starts_with("CW_") || name.starts_with("MCP_") {
            cmd.env_remove(key);
        }
    }
    cmd.args(args).envs(env.iter().map(|(k, v)| (k, v)));
    cmd
}

/// Runs a subcommand to completion.
pub fn run(args: &[&str], env: &[(String, String)]) -> Output {
    command(args, env)
        .stdin(Stdio::null())
        .output()
        .expect("running connectwise-mcp")
}

/// `env` with each of `settings` set, replacing an earlier value.
pub fn with_env(mut env: Env, settings: &[(&str, &str)]) -> Env {
    for (key, value) in settings {
        env.retain(|(k, _)| k != key);
        env.push(((*key).to_owned(), (*value).to_owned()));
    }
    env
}

/// Fake credentials for a site nothing listens on: enough to start the
/// server and list tools (a call would fail to connect).
pub fn offline_env() -> Env {
    with_env(
        Vec::new(),
        &[
            ("CW_SITE", "http://127.0.0.1:9"),
            ("CW_COMPANY_ID", "test"),
            ("CW_PUBLIC_KEY", "testPublic"),
            ("CW_PRIVATE_KEY", "testPrivate"),
            ("CW_CLIENT_ID", "00000000-0000-0000-0000-000000000000"),
        ],
    )
}

/// A unique path under the temp dir.
pub fn temp_path(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("connectwise-mcp-test-{}-{name}", std::process::id()))
}
