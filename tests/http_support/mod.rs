//! Shared helpers for the HTTP end-to-end tests: start the real binary with
//! `serve --http` on a free port, and speak to it with reqwest or an rmcp
//! streamable HTTP client.
#![allow(dead_code)]

use rmcp::service::RunningService;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use rmcp::{RoleClient, ServiceExt};
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_connectwise-mcp");
pub const VIEWER: &str = "viewer-token-0123456789";
pub const EDITOR: &str = "editor-token-0123456789";
pub const ADMIN: &str = "admin-token-0123456789";

pub type Client = RunningService<RoleClient, ()>;

/// A running `serve --http`; killed on drop.
pub struct Server {
    pub base: String,
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts the binary with `args` after `serve --http` (on 127.0.0.1:0
    /// unless `args` has a `--bind`)
    /// (global flags first) and exactly `env` as its CW_/MCP_ settings.
    pub fn start(global: &[&str], args: &[&str], env: &[(String, String)]) -> Server {
        let mut cmd = std::process::Command::new(BIN);
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            if k.starts_with("CW_") || k.starts_with("MCP_") {
                cmd.env_remove(key);
            }
        }
        cmd.args(global).args(["serve", "--http"]);
        if !args.contains(&"--bind") {
            cmd.args(["--bind", "127.0.0.1:0"]);
        }
        cmd.args(args)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawning connectwise-mcp");
        let stderr = child.stderr.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("listening on ").nth(1) {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_owned());
                }
                sink.lock().unwrap().push(line);
            }
        });
        let base = rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("the server did not start: {:?}", lines.lock().unwrap()));
        Server {
            base,
            child,
            stderr: lines,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Everything the server wrote to stderr so far.
    pub fn stderr(&self) -> Vec<String> {
        self.stderr.lock().unwrap().clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits for the process to exit (after a signal), at most `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<std::process::ExitStatus> {
        let start = std::time::Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        None
    }

    /// An rmcp client session with a bearer token and extra headers.
    pub async fn connect(
        &self,
        token: Option<&str>,
        headers: &[(&'static str, &str)],
    ) -> Result<Client, String> {
        let mut config = StreamableHttpClientTransportConfig::with_uri(self.url("/mcp"));
        if let Some(t) = token {
            config = config.auth_header(t);
        }
        let mut custom = HashMap::new();
        for (k, v) in headers {
            custom.insert(
                http::HeaderName::from_static(k),
                http::HeaderValue::from_str(v).unwrap(),
            );
        }
        config.custom_headers = custom;
        ().serve(StreamableHttpClientTransport::from_config(config))
            .await
            .map_err(|e| e.to_string())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The role tokens every test server gets.
pub fn token_env() -> Vec<(String, String)> {
    vec![
        ("MCP_TOKENS_VIEWER".into(), format!("vic:{VIEWER}")),
        ("MCP_TOKENS_EDITOR".into(), format!("eddie:{EDITOR}")),
        ("MCP_TOKENS_ADMIN".into(), format!("ada:{ADMIN}")),
    ]
}

/// A JSON-RPC `initialize` body.
pub fn initialize_body() -> serde_json::Value {
    serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
}

/// POSTs a JSON-RPC body to /mcp with MCP's Accept header and `headers`.
pub async fn post_mcp(
    server: &Server,
    body: &serde_json::Value,
    headers: &[(&str, &str)],
) -> reqwest::Response {
    let mut req = reqwest::Client::new()
        .post(server.url("/mcp"))
        .header("accept", "application/json, text/event-stream")
        .json(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("POST /mcp")
}
