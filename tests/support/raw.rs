//! The binary over stdio spoken to a line at a time, for frames no MCP
//! client would send: what it answers, within a time limit, and whether it
//! is still running.

use super::bin::command;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long an answer may take.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A running `serve` on stdio; killed on drop.
pub struct RawStdio {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    pings: u64,
}

impl RawStdio {
    /// Starts `connectwise-mcp {args}` with exactly `env`.
    pub fn start(args: &[&str], env: &[(String, String)]) -> RawStdio {
        let mut child = command(args, env)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawning connectwise-mcp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        RawStdio {
            child,
            stdin,
            lines,
            pings: 0,
        }
    }

    /// Writes `frame` and a newline.
    pub fn send(&mut self, frame: &[u8]) {
        self.stdin.write_all(frame).expect("writing to the server");
        self.stdin.write_all(b"\n").expect("writing to the server");
        self.stdin.flush().expect("writing to the server");
    }

    pub fn send_json(&mut self, message: &Value) {
        self.send(message.to_string().as_bytes());
    }

    /// The next line the server writes, parsed; `None` if none comes in time.
    pub fn next(&self, within: Duration) -> Option<Value> {
        match self.lines.recv_timeout(within) {
            Ok(line) => Some(
                serde_json::from_str(&line)
                    .unwrap_or_else(|e| panic!("the server wrote a line that is not JSON ({e}): {line}")),
            ),
            Err(RecvTimeoutError::Timeout | RecvTimeoutError::Disconnected) => None,
        }
    }

    /// The answer to request `id`, and every other line written before it.
    pub fn answer_to(&self, id: &Value) -> (Value, Vec<Value>) {
        let deadline = Instant::now() + PATIENCE;
        let mut others = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .next(left)
                .unwrap_or_else(|| panic!("no answer to id {id} within {PATIENCE:?}; before it: {others:?}"));
            if &line["id"] == id {
                return (line, others);
            }
            others.push(line);
        }
    }

    /// `initialize` and `notifications/initialized`.
    pub fn initialize(&mut self) -> Value {
        self.send_json(&json!({"jsonrpc": "2.0", "id": "init", "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}));
        let (answer, _) = self.answer_to(&json!("init"));
        self.send_json(&json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        answer
    }

    /// A ping answered, and every line written before its answer.
    pub fn ping(&mut self) -> Vec<Value> {
        self.pings += 1;
        let id = json!(format!("ping-{}", self.pings));
        self.send_json(&json!({"jsonrpc": "2.0", "id": id, "method": "ping"}));
        let (answer, others) = self.answer_to(&id);
        assert_eq!(answer["result"], json!({}), "{answer}");
        others
    }

    /// The exit status, if the process has ended.
    pub fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().expect("checking the server")
    }
}

impl Drop for RawStdio {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
