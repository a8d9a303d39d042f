//! Schema snapshots, in the spirit of github-mcp-server's `__toolsnaps__`:
//! what a model sees of each tool of the build (the curated ones, the `api`
//! toolset and saved queries: name, title, description, tier, input schema) is committed under `tests/__toolsnaps__/`, so any change to
//! it shows up as a reviewable diff.
//!
//! A snapshot that differs (shown as a line diff of its pretty JSON), is
//! missing, or belongs to no tool fails the test; the test only compares
//! unless asked to update (`cargo xtask regen --check` runs it so).
//! `cargo xtask regen` refreshes them; by hand: `UPDATE_TOOLSNAPS=true cargo test --test toolsnaps`.

use connectwise_mcp::tool::ToolDef;
use serde_json::{Value, json};
use std::path::PathBuf;

/// Every tool of the build (extra operations are per deployment: none here).
fn every_tool() -> &'static [ToolDef] {
    connectwise_mcp::mcp::registry::all(&[]).expect("the build's tools")
}

fn snapshot_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/__toolsnaps__")
}

fn snapshot(tool: &ToolDef) -> String {
    let value = json!({
        "name": tool.name,
        "title": tool.title,
        "description": tool.description,
        "toolset": tool.toolset,
        "tier": tool.tier.as_str(),
        "idempotent": tool.idempotent,
        "operationId": tool.operation_id,
        "inputSchema": (tool.input_schema)(tool),
    });
    serde_json::to_string_pretty(&value).expect("serialisable") + "\n"
}

#[test]
fn every_tool_matches_its_committed_snapshot() {
    let update = std::env::var("UPDATE_TOOLSNAPS").is_ok_and(|v| v == "true" || v == "1");
    let dir = snapshot_dir();
    if update {
        std::fs::create_dir_all(&dir).unwrap();
    }
    let mut failures = Vec::new();
    for tool in every_tool() {
        let path = dir.join(format!("{}.snap", tool.name));
        let now = snapshot(tool);
        match std::fs::read_to_string(&path) {
            Ok(committed) if committed == now => {}
            _ if update => std::fs::write(&path, &now).unwrap(),
            Ok(committed) => failures.push(format!(
                "{}: changed ({}):\n{}",
                tool.name,
                path.display(),
                schema_diff(&committed, &now)
            )),
            Err(_) => failures.push(format!("{}: no snapshot at {}", tool.name, path.display())),
        }
    }
    for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        let name = entry
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".snap")
            .to_owned();
        if !every_tool().iter().any(|t| t.name == name) {
            if update {
                std::fs::remove_file(entry.path()).unwrap();
            } else {
                failures.push(format!("{name}: snapshot of a tool that no longer exists"));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "tool snapshots are out of date (run `cargo xtask regen`, or \
         UPDATE_TOOLSNAPS=true cargo test --test toolsnaps, and commit the diff):\n  {}",
        failures.join("\n  ")
    );
}

/// The committed snapshot → this build's, as a unified line diff.
fn schema_diff(committed: &str, now: &str) -> String {
    similar::TextDiff::from_lines(committed, now)
        .unified_diff()
        .context_radius(3)
        .header("committed", "this build")
        .to_string()
}

#[test]
fn a_changed_schema_shows_as_a_line_diff() {
    let committed = "{\n  \"a\": 1,\n  \"b\": 2\n}\n";
    let now = "{\n  \"a\": 1,\n  \"b\": 3\n}\n";
    assert_eq!(
        schema_diff(committed, now),
        "--- committed\n+++ this build\n@@ -1,4 +1,4 @@\n {\n   \"a\": 1,\n-  \"b\": 2\n+  \"b\": 3\n }\n"
    );
}

#[test]
fn every_schema_is_a_closed_object_with_described_arguments() {
    for tool in every_tool() {
        let schema = (tool.input_schema)(tool);
        assert_eq!(schema["type"], "object", "{}", tool.name);
        assert_eq!(
            schema["additionalProperties"],
            Value::Bool(false),
            "{}: unknown arguments are refused",
            tool.name
        );
        for (arg, def) in schema["properties"].as_object().unwrap() {
            assert!(
                def.get("description").is_some() || def.get("$ref").is_some(),
                "{}.{arg} has no description",
                tool.name
            );
            // Optional means left out: a null default or type only costs tokens.
            assert!(
                def.get("default").is_none_or(|d| !d.is_null())
                    && def["type"]
                        .as_array()
                        .is_none_or(|t| !t.contains(&Value::from("null"))),
                "{}.{arg} offers null: {def}",
                tool.name
            );
        }
        assert!(
            tool.name.starts_with("cw_") && tool.description.len() > 30,
            "{}",
            tool.name
        );
    }
}
