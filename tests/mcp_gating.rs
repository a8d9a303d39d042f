//! What a session lists and may call, in each gating mode, through the real
//! binary over stdio: read-only by default, `--allow-writes`, `--toolsets`,
//! `--tools`, the environment equivalents, and a config file allow-list.

mod support;

use rmcp::ServiceError;
use serde_json::json;
use support::bin::{offline_env, run, temp_path};
use support::mcp::{
    Listed, call, connect, connect_offline, everything, list_tools, listed, names, tool_names,
};

fn listed_names(listed: &[Listed]) -> Vec<String> {
    listed.iter().map(|l| l.name.clone()).collect()
}

#[tokio::test]
async fn the_default_session_is_read_only_annotated_and_instructed() {
    let client = connect_offline(&[]).await;
    let info = client.peer_info().expect("server info");
    assert_eq!(
        info.server_info.as_ref().map(|i| i.name.as_str()),
        Some("connectwise-mcp")
    );
    let instructions = info.instructions.clone().unwrap_or_default();
    assert!(
        instructions.contains("conditions")
            && instructions.contains("fields")
            && instructions.contains("cursor")
    );

    let tools = list_tools(&client).await;
    assert!(!tools.is_empty(), "the default session lists tools");
    for t in &tools {
        let a = t
            .annotations
            .as_ref()
            .unwrap_or_else(|| panic!("{} has no annotations", t.name));
        // Saving or deleting a saved query changes only the local store, so
        // those two are listed here, but are not read-only.
        let changes_store = matches!(t.name.as_ref(), "cw_save_query" | "cw_delete_saved_query");
        assert_eq!(
            a.read_only_hint,
            Some(!changes_store),
            "{}: every tool of a read-only session is read-only but the ones that change the local store",
            t.name
        );
        assert!(
            t.title.is_some() && a.destructive_hint.is_some() && a.idempotent_hint.is_some(),
            "{}",
            t.name
        );
        // Open world is MCP's default, so left out of the listing.
        assert_ne!(a.open_world_hint, Some(false), "{}", t.name);
        assert_eq!(t.input_schema.get("type"), Some(&json!("object")), "{}", t.name);
        assert!(
            t.description.as_deref().is_some_and(|d| !d.is_empty()),
            "{}",
            t.name
        );
    }
    // The same list as `connectwise-mcp tools`, and only read tools there too.
    let cli = listed(&[]);
    assert_eq!(names(&tools), listed_names(&cli));
    assert!(cli.iter().all(|l| l.tier == "read"));
}

#[tokio::test]
async fn allow_writes_adds_the_write_tools_and_nothing_else() {
    let read_only = tool_names(&connect_offline(&["--toolsets", "all"]).await).await;
    let client = connect_offline(&["--toolsets", "all", "--allow-writes"]).await;
    let tools = list_tools(&client).await;
    let everything = everything();
    let writes: Vec<&Listed> = everything.iter().filter(|l| l.tier == "write").collect();
    assert!(!writes.is_empty(), "the build has write tools");
    for w in &writes {
        let t = tools
            .iter()
            .find(|t| t.name == w.name)
            .unwrap_or_else(|| panic!("{} listed", w.name));
        assert_eq!(
            t.annotations.as_ref().and_then(|a| a.read_only_hint),
            Some(false),
            "{}",
            w.name
        );
    }
    assert!(
        everything
            .iter()
            .filter(|l| l.tier == "delete")
            .all(|d| !names(&tools).contains(&d.name))
    );
    let expected: Vec<String> = everything
        .iter()
        .filter(|l| l.tier != "delete")
        .map(|l| l.name.clone())
        .collect();
    assert_eq!(names(&tools), expected);
    assert!(read_only.iter().all(|n| expected.contains(n)));
}

#[tokio::test]
async fn toolsets_select_only_their_tools_and_the_environment_does_the_same() {
    let client = connect_offline(&["--toolsets", "tickets"]).await;
    let tools = tool_names(&client).await;
    let cli = listed(&["--toolsets", "tickets"]);
    assert!(!cli.is_empty());
    assert!(
        cli.iter().all(|l| l.toolset == "tickets" && l.tier == "read"),
        "{cli:?}"
    );
    assert_eq!(tools, listed_names(&cli));

    let mut env = offline_env();
    env.push(("CW_TOOLSETS".into(), "tickets".into()));
    env.push(("CW_ALLOW_WRITES".into(), "true".into()));
    let by_env = tool_names(&connect(&[], &env).await).await;
    let by_flags = listed_names(&listed(&["--toolsets", "tickets", "--allow-writes"]));
    assert_eq!(by_env, by_flags);
}

#[tokio::test]
async fn a_config_file_allow_lists_tools() {
    let reads: Vec<Listed> = everything().into_iter().filter(|l| l.tier == "read").collect();
    let chosen: Vec<String> = reads.iter().rev().take(2).map(|l| l.name.clone()).collect();
    let path = temp_path("allow-list.toml");
    std::fs::write(
        &path,
        format!("[server]\ntools = {}\n", serde_json::to_string(&chosen).unwrap()),
    )
    .unwrap();
    let config = path.to_str().unwrap();
    let tools = tool_names(&connect_offline(&["--config", config]).await).await;
    let mut expected = chosen.clone();
    expected.sort_by_key(|n| reads.iter().position(|l| &l.name == n));
    assert_eq!(tools, expected);
    // A toolset from the command line: the file's tools are added to it.
    let tools = tool_names(&connect_offline(&["--config", config, "--toolsets", "tickets"]).await).await;
    let expected: Vec<String> = reads
        .iter()
        .filter(|l| l.toolset == "tickets" || chosen.contains(&l.name))
        .map(|l| l.name.clone())
        .collect();
    assert_eq!(tools, expected);
    let _ = std::fs::remove_file(path);
}

#[tokio::test]
async fn a_disabled_tool_is_not_callable_and_differs_from_an_unknown_one() {
    let write = everything()
        .into_iter()
        .find(|l| l.tier == "write")
        .expect("a write tool");
    let client = connect_offline(&["--toolsets", "all"]).await;
    assert!(!tool_names(&client).await.contains(&write.name));
    match call(&client, &write.name, json!({})).await {
        Err(ServiceError::McpError(e)) => {
            assert!(
                e.message.contains("not enabled") && e.message.contains("--allow-writes"),
                "{}",
                e.message
            );
        }
        other => panic!("calling a disabled tool: {other:?}"),
    }
    match call(&client, "cw_no_such_tool", json!({})).await {
        Err(ServiceError::McpError(e)) => {
            assert!(
                e.message.contains("unknown tool `cw_no_such_tool`"),
                "{}",
                e.message
            );
            assert!(!e.message.contains("not enabled"));
        }
        other => panic!("calling an unknown tool: {other:?}"),
    }
}

#[test]
fn unknown_toolsets_and_tools_stop_start_up_listing_the_valid_names() {
    let out = run(&["--toolsets", "tickts", "tools"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown toolset `tickts`") && err.contains("tickets"),
        "{err}"
    );
    let out = run(&["tools", "--tools", "cw_nope"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown tool `cw_nope`"), "{err}");
    let path = temp_path("typo.toml");
    std::fs::write(&path, "[server]\nallow_write = true\n").unwrap();
    let out = run(&["--config", path.to_str().unwrap(), "tools"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("allow_write"));
    let _ = std::fs::remove_file(path);
}
