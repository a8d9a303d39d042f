//! The session's tools for OpenAPI tool clients (OpenWebUI's "tool servers"):
//! `GET /openapi.json` describes each enabled tool as one operation,
//! `POST /tools/{name}` runs it with a JSON body. Same guard, role, keys,
//! gating and audit as `/mcp`: both go through [`Shared::server_for`].

use super::session::{RequestAuth, Shared};
use super::{AppState, error};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use std::sync::Arc;

fn server(state: &AppState, auth: &RequestAuth) -> Result<crate::mcp::CwServer, Box<Response>> {
    Shared::server_for(&state.shared, auth)
        .map_err(|e| Box::new(error(StatusCode::INTERNAL_SERVER_ERROR, "client_setup", e)))
}

/// `GET /openapi.json`: an OpenAPI 3.1 document with one `POST
/// /tools/{name}` operation per tool this principal may use.
pub async fn document(
    State(state): State<Arc<AppState>>,
    axum::Extension(auth): axum::Extension<RequestAuth>,
) -> Response {
    let server = match server(&state, &auth) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let mut paths = serde_json::Map::new();
    for tool in server.tools() {
        let name = tool.name.to_string();
        let read_only = tool
            .annotations
            .as_ref()
            .and_then(|a| a.read_only_hint)
            .unwrap_or(false);
        paths.insert(
            format!("/tools/{name}"),
            json!({
                "post": {
                    "operationId": name,
                    "summary": tool.title.clone().unwrap_or_else(|| name.clone()),
                    "description": tool.description.clone().unwrap_or_default(),
                    "x-read-only": read_only,
                    "requestBody": {
                        "required": true,
                        "content": {"application/json": {"schema": Value::Object((*tool.input_schema).clone())}}
                    },
                    "responses": {
                        "200": {"description": "The tool's result", "content": {"application/json": {"schema": {"type": "object"}}}},
                        "400": {"description": "Invalid arguments: nothing was sent to ConnectWise"},
                        "403": {"description": "The tool is not enabled for this principal"},
                        "502": {"description": "ConnectWise failed; the body says why and what to do"}
                    }
                }
            }),
        );
    }
    Json(json!({
        "openapi": "3.1.0",
        "info": {
            "title": "ConnectWise Manage (PSA) tools",
            "version": env!("CARGO_PKG_VERSION"),
            "description": crate::mcp::INSTRUCTIONS,
        },
        "servers": [{"url": "/"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": paths,
    }))
    .into_response()
}

/// `POST /tools/{name}`: the body is the arguments object; the answer is
/// the tool's structured result (200) or its error with a hint.
pub async fn call(
    State(state): State<Arc<AppState>>,
    axum::Extension(auth): axum::Extension<RequestAuth>,
    Path(name): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let arguments = if body.iter().all(u8::is_ascii_whitespace) {
        serde_json::Map::new()
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(map)) => map,
            Ok(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "invalid_arguments",
                    "the body must be a JSON object",
                );
            }
            Err(e) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "invalid_json",
                    format!("the body is not JSON: {e}"),
                );
            }
        }
    };
    let server = match server(&state, &auth) {
        Ok(s) => s,
        Err(r) => return *r,
    };
    let limit = state.shared.call_timeout();
    let result = match tokio::time::timeout(limit, server.call(&name, Some(arguments))).await {
        Ok(r) => r,
        Err(_) => {
            return error(
                StatusCode::GATEWAY_TIMEOUT,
                "timeout",
                format!("the call did not finish within {} s", limit.as_secs()),
            );
        }
    };
    match result {
        Err(e) => {
            let exists = e
                .data
                .as_ref()
                .and_then(|d| d.get("exists"))
                .is_none_or(|v| v != &json!(false));
            let status = if exists {
                StatusCode::FORBIDDEN
            } else {
                StatusCode::NOT_FOUND
            };
            let code = if exists {
                "tool_not_enabled"
            } else {
                "unknown_tool"
            };
            error(status, code, e.message.to_string())
        }
        Ok(r) => {
            let body = r.structured_content.unwrap_or(Value::Null);
            if r.is_error != Some(true) {
                return (StatusCode::OK, Json(body)).into_response();
            }
            let kind = body["error"]["kind"].as_str().unwrap_or("");
            let status = match kind {
                "invalid_arguments" => StatusCode::BAD_REQUEST,
                "timeout" => StatusCode::GATEWAY_TIMEOUT,
                _ => StatusCode::BAD_GATEWAY,
            };
            (status, Json(body)).into_response()
        }
    }
}
