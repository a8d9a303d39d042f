//! The binary as `serve --http` on a free port, spoken to with reqwest or an
//! rmcp streamable HTTP client, and the role tokens every test server gets.

use super::bin::{Env, command};
use super::mcp::Client;
use rmcp::ServiceExt;
use rmcp::transport::StreamableHttpClientTransport;
use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const VIEWER: &str = "viewer-token-0123456789";
pub const EDITOR: &str = "editor-token-0123456789";
pub const ADMIN: &str = "admin-token-0123456789";

/// A running `serve --http`; killed on drop.
pub struct Server {
    pub base: String,
    child: Child,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Server {
    /// Starts `connectwise-mcp {global} serve --http {args}` (on
    /// 127.0.0.1:0 unless `args` has a `--bind`) with exactly `env`, and
    /// waits until it listens.
    pub fn start(global: &[&str], args: &[&str], env: &[(String, String)]) -> Server {
        let mut all = global.to_vec();
        all.extend(["serve", "--http"]);
        if !args.contains(&"--bind") {
            all.extend(["--bind", "127.0.0.1:0"]);
        }
        all.extend(args);
        let mut cmd = command(&all, env);
        cmd.stdin(Stdio::null())
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

    /// `GET path` on this server, with a bearer `token` if given.
    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let request = connectwise_mcp::client::tls::client().get(self.url(path));
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        request.send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"))
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
        self.connect_with((), token, headers).await
    }

    /// [`Server::connect`] with `handler` as the client (e.g. one that
    /// keeps the notifications it gets).
    pub async fn connect_with<H: rmcp::ClientHandler>(
        &self,
        handler: H,
        token: Option<&str>,
        headers: &[(&'static str, &str)],
    ) -> Result<rmcp::service::RunningService<rmcp::RoleClient, H>, String> {
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
        handler
            .serve(StreamableHttpClientTransport::with_client(
                connectwise_mcp::client::tls::client(),
                config,
            ))
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
pub fn token_env() -> Env {
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
    let mut req = connectwise_mcp::client::tls::client()
        .post(server.url("/mcp"))
        .header("accept", "application/json, text/event-stream")
        .json(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("POST /mcp")
}
