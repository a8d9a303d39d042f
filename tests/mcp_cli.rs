//! The command line: `tools`, `call`, `serve` as the default, `--demo`, and
//! what happens without credentials.

mod support;

use serde_json::{Value, json};
use support::bin::run;
use support::mcp::{call, connect, everything, list_tools, listed, simple_read_tool, text};

#[test]
fn tools_prints_one_line_per_enabled_tool_with_its_tier_and_toolset() {
    let out = run(&["tools"], &[]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(!stdout.is_empty());
    for l in listed(&[]) {
        assert!(l.name.starts_with("cw_"), "{l:?}");
        assert_eq!(l.tier, "read", "{l:?}");
        assert!(!l.toolset.is_empty() && !l.title.is_empty(), "{l:?}");
    }
    let summary = String::from_utf8_lossy(&out.stderr);
    assert!(
        summary.contains("tools enabled") && summary.contains("--allow-writes"),
        "{summary}"
    );
    assert!(
        summary.contains("cw_call") && summary.contains("gated by its method"),
        "the default api toolset's per-call gate is explained: {summary}"
    );
    let all = everything();
    assert!(
        all.iter()
            .all(|l| ["read", "write", "delete"].contains(&l.tier.as_str()))
    );
    assert!(all.len() >= listed(&[]).len());
}

#[test]
fn call_with_demo_prints_the_result_as_json() {
    let tool = listed(&[])
        .into_iter()
        .find(|l| l.name.contains("search"))
        .expect("a search tool")
        .name;
    let out = run(&["--demo", "call", &tool, "{}"], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let value: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert!(value.is_object());
}

#[test]
fn a_failed_call_exits_1_with_the_error_on_stderr() {
    let tool = listed(&[])
        .into_iter()
        .find(|l| l.name.contains("search"))
        .expect("a search tool")
        .name;
    let out = run(&["--demo", "call", &tool, r#"{"no_such_argument": true}"#], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid arguments") && err.contains("no_such_argument"),
        "{err}"
    );
}

#[test]
fn calling_a_disabled_tool_or_bad_json_is_a_usage_error() {
    let write = everything()
        .into_iter()
        .find(|l| l.tier == "write")
        .expect("a write tool")
        .name;
    let out = run(&["--demo", "call", &write, "{}"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--allow-writes"));
    let out = run(&["--demo", "call", &write, "[1]"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("JSON object"));
}

#[test]
fn without_credentials_serve_and_call_stop_with_one_line() {
    for args in [&["serve"][..], &["call", "cw_x", "{}"][..], &[][..]] {
        let out = run(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("CW_SITE") && err.contains("--demo"), "{err}");
        assert!(!err.contains("panicked"));
    }
}

#[tokio::test]
async fn serve_is_the_default_and_demo_needs_no_credentials() {
    let client = connect(&["--demo"], &[]).await;
    let tools = list_tools(&client).await;
    let tool = simple_read_tool(&tools);
    let result = call(&client, &tool, json!({})).await.unwrap();
    assert_eq!(result.is_error, Some(false), "{}", text(&result));
}

#[test]
fn the_server_ends_when_its_client_closes_stdin() {
    // A client that quits (Claude Desktop closing) leaves no server behind,
    // whether it closed before, during or after `initialize`.
    let initialize = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
    for input in ["", initialize, &format!("{initialize}\n")] {
        let mut child = support::bin::command(&["--demo"], &[])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, input.as_bytes()).unwrap();
        drop(stdin);
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break Some(status);
            }
            if started.elapsed() > std::time::Duration::from_secs(20) {
                let _ = child.kill();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        };
        let status =
            status.unwrap_or_else(|| panic!("still running 20 s after stdin closed (input {input:?})"));
        assert!(status.success(), "input {input:?}: {status:?}");
    }
}

#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    // `connectwise-mcp --demo call … | head -1`: the reader goes away first.
    for args in [
        &["--demo", "--toolsets", "all", "tools"][..],
        &["--demo", "call", "cw_list_boards", "{}"][..],
    ] {
        let mut child = support::bin::command(args, &[])
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
    }
}

#[test]
fn sim_on_port_0_prints_the_settings_of_the_port_it_got() {
    // `connectwise-mcp sim --port 0`: the printed CW_SITE is one a client can
    // use (it once said `:0`, printed before the port was chosen).
    let mut child = support::bin::command(&["sim", "--port", "0"], &[])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let settings = std::io::BufRead::lines(stderr)
        .map_while(Result::ok)
        .find(|line| line.contains("CW_SITE="));
    let site = settings
        .as_deref()
        .and_then(|l| l.split_whitespace().find_map(|w| w.strip_prefix("CW_SITE=")))
        .map(str::to_owned);
    let reachable = site
        .as_deref()
        .and_then(|s| s.strip_prefix("http://"))
        .map(|addr| std::net::TcpStream::connect(addr).is_ok());
    let _ = child.kill();
    let _ = child.wait();
    let site = site.unwrap_or_else(|| panic!("no CW_SITE line: {settings:?}"));
    assert!(!site.ends_with(":0"), "{site}");
    assert_eq!(reachable, Some(true), "{site} accepts connections");
}
