//! What the benchmarks share: the binary under test, started with exactly
//! the settings a benchmark gives it; a JSON-RPC client for it over stdio;
//! medians; and a process's resident memory from `/proc`.
// Each benchmark uses a part of this module.
#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// The binary to measure: the path in the environment variable `var`
/// (another build), else this build's release binary.
pub fn binary(var: &str) -> String {
    std::env::var(var).unwrap_or_else(|_| env!("CARGO_BIN_EXE_connectwise-mcp").to_owned())
}

/// `bin` with `args` and no environment but `env`: the developer's own
/// settings never reach a measurement.
pub fn command(bin: &str, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(bin);
    cmd.args(args).env_clear().envs(env.iter().copied());
    cmd
}

/// The server over stdio, one JSON-RPC message a line.
pub struct StdioServer {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    next_id: u64,
}

impl StdioServer {
    /// Starts `connectwise-mcp {args} serve`.
    pub fn spawn(bin: &str, args: &[&str], env: &[(&str, &str)]) -> StdioServer {
        let mut all = args.to_vec();
        all.push("serve");
        let mut child = command(bin, &all, env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawning the server");
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        StdioServer {
            child,
            stdin,
            stdout,
            next_id: 1,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn send(&mut self, message: Value) {
        let mut line = message.to_string();
        line.push('\n');
        let stdin = self.stdin.as_mut().expect("the server's stdin is open");
        stdin.write_all(line.as_bytes()).expect("writing to the server");
        stdin.flush().expect("flushing");
    }

    pub fn receive(&mut self) -> Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).expect("reading from the server");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// Sends a request (`params` left out when `null`) and returns its answer.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let mut message = json!({"jsonrpc": "2.0", "id": id, "method": method});
        if !params.is_null() {
            message["params"] = params;
        }
        self.send(message);
        self.receive()
    }

    pub fn notify(&mut self, method: &str) {
        self.send(json!({"jsonrpc": "2.0", "method": method}));
    }

    /// `initialize`, as a client named `client` (the answer is returned
    /// before `notifications/initialized` is sent, so it can be timed).
    pub fn initialize(&mut self, client: &str) -> Value {
        self.request(
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": client, "version": "0"}}),
        )
    }

    pub fn call_tool(&mut self, name: &str, arguments: &Value) -> Value {
        self.request("tools/call", json!({"name": name, "arguments": arguments}))
    }

    /// Closes stdin (the server's cue to exit) and waits for it.
    pub fn stop(mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

/// The median (the mean of the two middle values for an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

/// A `kB` line of `/proc/<pid>/status`: `VmHWM` (peak resident set) or
/// `VmRSS` (resident now). `pid` is a process id, or `"self"`.
pub fn status_kib(pid: impl std::fmt::Display, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(&format!("{key}:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The peak resident set of process `pid` (or `"self"`), in KiB.
pub fn peak_rss_kib(pid: impl std::fmt::Display) -> Option<u64> {
    status_kib(pid, "VmHWM")
}

/// The text a model reads of a tool result: its text contents, joined.
pub fn text_of(result: &rmcp::model::CallToolResult) -> String {
    result
        .content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect()
}
