//! `cw_undo`: the caller's recent writes, from the write journal
//! ([`crate::store::journal`]), and the one way to revert one: an update is
//! patched back to the values it replaced, a create is deleted (which needs
//! the delete switch). The revert is itself a write, so it takes the write
//! path: previewed with `dry_run`, confirmed where writes are, journaled, and
//! refused when the record changed since the write it reverts.

use crate::catalog::{Method, path};
use crate::store::Written;
use crate::tool::args::{parse_args, schema};
use crate::tool::write::{self, WriteOptions, WriteRequest};
use crate::tool::{Context, Tier, ToolDef, ToolError, ToolFuture, invalid};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// The toolset of `cw_undo`; selected whenever writes are on.
pub const TOOLSET: &str = "undo";

/// How many recent writes the list shows.
const RECENT: i64 = 20;

/// Arguments of `cw_undo`.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UndoArgs {
    /// The journal id of the write to revert (a write's answer gives it as journal_id); omit to list your recent writes.
    #[serde(default)]
    pub id: Option<i64>,
    /// true: answer what the revert would send, send nothing.
    #[serde(default)]
    pub dry_run: Option<bool>,
    /// The token a previous answer gave, where writes are confirmed.
    #[serde(default)]
    pub confirm_token: Option<String>,
}

fn undo_schema(_: &ToolDef) -> Value {
    schema::<UndoArgs>()
}

fn storage(e: String) -> ToolError {
    ToolError::Write {
        message: format!("the write journal cannot be read: {e}"),
        detail: json!({"kind": "journal", "message": e}),
    }
}

fn undo<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let args: UndoArgs = parse_args(args)?;
        let journal = ctx.callers_store();
        let Some(id) = args.id else {
            let recent = journal.journal_recent(RECENT).await.map_err(storage)?;
            let items: Vec<Value> = recent.iter().map(listed).collect();
            return Ok(json!({ "count": items.len(), "items": items }));
        };
        let Some(entry) = journal.journal_entry(id).await.map_err(storage)? else {
            return Err(invalid(format!(
                "id: no write {id} of yours in the journal; cw_undo without id lists your recent writes"
            )));
        };
        if let Some(by) = entry.undone_by {
            return Err(invalid(format!(
                "id: write {id} was already undone (by write {by})"
            )));
        }
        let request = revert(&entry)?;
        let options = WriteOptions {
            dry_run: args.dry_run.unwrap_or(false),
            confirm_token: args.confirm_token,
            idempotency_key: None,
            // The write path refuses the revert if the record changed
            // since the write being reverted.
            last_updated: entry.after.as_ref().and_then(last_updated),
        };
        let mut value = write::send(ctx, request, &options).await?;
        if let Some(by) = value.get("journal_id").and_then(Value::as_i64) {
            journal.journal_undone(id, by).await.map_err(storage)?;
            value["undid"] = json!(id);
        }
        Ok(value)
    })
}

fn last_updated(record: &Value) -> Option<String> {
    record
        .pointer("/_info/lastUpdated")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// One journaled write, as the list shows it.
fn listed(w: &Written) -> Value {
    let at = chrono::DateTime::from_timestamp(w.at, 0)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let mut item = json!({
        "id": w.id,
        "at": at,
        "tool": w.tool,
        "request": format!("{} {}", w.method, w.path),
        "record": w.record_path,
    });
    if let Some(body) = &w.body {
        item["body"] = body.clone();
    }
    if let Some(by) = w.undone_by {
        item["undone_by"] = json!(by);
    }
    item
}

/// The request that reverts `entry`: a created record deleted, an update
/// patched back to the values it replaced.
fn revert(entry: &Written) -> Result<WriteRequest, ToolError> {
    let (method, body) = match entry.method.as_str() {
        "POST" => (Method::Delete, None),
        "PATCH" | "PUT" => (Method::Patch, Some(patch_back(entry)?)),
        _ => {
            return Err(invalid(format!(
                "id: write {} was a {} and cannot be reverted (ConnectWise keeps no deleted record)",
                entry.id, entry.method
            )));
        }
    };
    let target = path::resolve(method, &entry.record_path).map_err(|e| {
        invalid(format!(
            "id: write {} cannot be reverted: ConnectWise has no {} {} ({e})",
            entry.id,
            method.as_str(),
            entry.record_path
        ))
    })?;
    Ok(WriteRequest {
        tool: "cw_undo".into(),
        op: target.operation,
        path: target.path,
        query: Vec::new(),
        body,
    })
}

/// A JSON Patch that puts back every field the update replaced.
fn patch_back(entry: &Written) -> Result<Value, ToolError> {
    let before = entry
        .before
        .as_ref()
        .ok_or_else(|| invalid(format!("id: write {} kept no record before it", entry.id)))?;
    let fields: Vec<String> = match &entry.body {
        Some(Value::Array(ops)) => ops
            .iter()
            .filter_map(|op| op.get("path").and_then(Value::as_str))
            .map(|p| {
                p.trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect(),
        Some(Value::Object(body)) => body.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let ops: Vec<Value> = fields
        .iter()
        .map(|field| match before.get(field).filter(|v| !v.is_null()) {
            Some(value) => json!({"op": "replace", "path": field, "value": reference(value)}),
            None => json!({"op": "remove", "path": field}),
        })
        .collect();
    if ops.is_empty() {
        return Err(invalid(format!("id: write {} changed no field", entry.id)));
    }
    Ok(Value::Array(ops))
}

/// A value as a patch sends it back: a reference by its id alone (its name
/// and links are ConnectWise's to fill in), anything else without `_info`.
fn reference(value: &Value) -> Value {
    match value {
        Value::Object(map) if map.contains_key("id") => json!({ "id": map["id"] }),
        Value::Object(map) => {
            let kept: Map<String, Value> = map
                .iter()
                .filter(|(k, _)| k.as_str() != "_info")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            Value::Object(kept)
        }
        other => other.clone(),
    }
}

/// The undo toolset.
pub static TOOLS: &[ToolDef] = &[ToolDef {
    name: "cw_undo",
    title: "Undo a write",
    description: "Lists your recent writes (no arguments) or reverts one by its journal id: an update is \
                  patched back to the values it replaced, a created note, time entry or ticket is deleted \
                  (needs --allow-deletes). Refused if the record changed since. Example: {\"id\": 12}.",
    toolset: TOOLSET,
    tier: Tier::Write,
    tier_per_call: false,
    per_caller: true,
    always_selected: true,
    idempotent: false,
    operation_id: "",
    input_schema: undo_schema,
    call: undo,
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_is_reverted_field_by_field_with_references_by_id() {
        let entry = Written {
            id: 7,
            tool: "cw_update_ticket".into(),
            method: "PATCH".into(),
            path: "/service/tickets/8".into(),
            body: Some(json!([{"op": "replace", "path": "status", "value": {"id": 3}},
                              {"op": "replace", "path": "summary", "value": "New"}])),
            before: Some(json!({"id": 8, "summary": "Old", "status": {"id": 1, "name": "New", "_info": {}}})),
            after: None,
            record_path: "/service/tickets/8".into(),
            fingerprint: None,
            at: 0,
            undone_by: None,
        };
        let request = revert(&entry).unwrap();
        assert_eq!(request.op.method, Method::Patch);
        assert_eq!(
            request.body.unwrap(),
            json!([{"op": "replace", "path": "status", "value": {"id": 1}},
                   {"op": "replace", "path": "summary", "value": "Old"}])
        );
        let created = Written {
            method: "POST".into(),
            path: "/service/tickets/8/notes".into(),
            record_path: "/service/tickets/8/notes/4".into(),
            ..entry
        };
        let request = revert(&created).unwrap();
        assert_eq!(
            (request.op.method, request.path.as_str()),
            (Method::Delete, "/service/tickets/8/notes/4")
        );
    }
}
