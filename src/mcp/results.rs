//! What a tool's outcome becomes in MCP: a value as a result (compact JSON
//! text plus `structuredContent`), a failure as an `isError` result with
//! ConnectWise's message, its field errors and a hint saying what to do
//! next; and what of it a session sends ([`deliver`]): the text under the
//! answer cap, `structuredContent` only when tools declare output schemas.

use crate::client::ApiError;
use crate::tool::{AnswerCap, ToolError};
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{Map, Value, json};

/// A tool's value as a result: compact JSON text and the same as
/// `structuredContent` (an object).
pub fn success_result(value: Value) -> CallToolResult {
    let structured = match value {
        Value::Object(_) => value,
        Value::Array(_) => json!({ "items": value }),
        other => json!({ "result": other }),
    };
    CallToolResult::structured(structured)
}

/// What a session sends of `result`. Without output schemas the model would
/// get the same data twice (text and `structuredContent`), so only the text
/// goes. Any text over the `cap` (a tool that shapes its own answer never
/// gets there) is cut, and says so and how to get less.
pub fn deliver(mut result: CallToolResult, cap: AnswerCap, output_schemas: bool) -> CallToolResult {
    if !output_schemas {
        result.structured_content = None;
    }
    for block in &mut result.content {
        if let ContentBlock::Text(t) = block
            && t.text.len() > cap.bytes()
        {
            let total = t.text.len();
            let mut end = cap.bytes().saturating_sub(300);
            while !t.text.is_char_boundary(end) {
                end -= 1;
            }
            t.text.truncate(end);
            t.text.push_str(&format!(
                "\n[answer cut at ~{} tokens: {end} of {total} bytes shown; ask for less: fewer `fields`, narrower filters, a smaller `page_size`]",
                cap.tokens
            ));
        }
    }
    result
}

/// The output schema of a tool: a list tool's [`crate::tool::table::Table`],
/// any JSON object otherwise (every result is an object).
pub fn output_schema(is_list: bool) -> Map<String, Value> {
    let schema = if is_list {
        json!({
            "type": "object",
            "properties": {
                "columns": {"type": "array", "items": {"type": "string"}},
                "rows": {"type": "array", "items": {"type": "array"}},
                "same": {"type": "object"},
                "cursor": {"type": "string"},
                "truncated": {"type": "string"},
            },
            "required": ["columns", "rows"],
        })
    } else {
        json!({"type": "object"})
    };
    match schema {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object literal"),
    }
}

/// An `isError` result: readable text for the model, the same facts as
/// `structuredContent.error`.
pub fn error_result(text: String, error: Value) -> CallToolResult {
    let mut result = CallToolResult::error(vec![ContentBlock::text(text)]);
    result.structured_content = Some(json!({ "error": error }));
    result
}

/// A failed call as an `isError` result with a hint.
pub fn tool_error_result(e: &ToolError) -> CallToolResult {
    match e {
        ToolError::InvalidArguments(m) => error_result(
            format!(
                "invalid arguments: {m}\nNothing was sent to ConnectWise; fix the argument (see the tool's input schema)."
            ),
            json!({"kind": "invalid_arguments", "message": m}),
        ),
        ToolError::Program(m) => error_result(
            format!("the program failed: {m}\nFix the program and run it again."),
            json!({"kind": "program", "message": m}),
        ),
        ToolError::NotAllowed(m) => error_result(
            format!("not allowed: {m}\nNothing was sent to ConnectWise."),
            json!({"kind": "not_allowed", "message": m}),
        ),
        ToolError::Write { message, detail } => error_result(format!("{message}\n{detail}"), detail.clone()),
        ToolError::Api(api) => {
            let hint = hint_for(api);
            let mut error = match api {
                ApiError::Response(cw) => json!({
                    "kind": "connectwise",
                    "status": cw.status,
                    "code": cw.code,
                    "message": cw.message,
                    "errors": cw.errors,
                    "retry_after_secs": cw.retry_after_secs,
                }),
                ApiError::Timeout(d) => {
                    json!({"kind": "timeout", "message": api.to_string(), "timeout_secs": d.as_secs()})
                }
                ApiError::Connect(_) => json!({"kind": "connect", "message": api.to_string()}),
                ApiError::Refused(_) => json!({"kind": "refused", "message": api.to_string()}),
                ApiError::Decode(_) => json!({"kind": "decode", "message": api.to_string()}),
            };
            if let Value::Object(map) = &mut error {
                map.retain(|_, v| !v.is_null() && v.as_array().is_none_or(|a| !a.is_empty()));
                map.insert("hint".into(), json!(hint));
            }
            error_result(format!("{api}\nhint: {hint}"), error)
        }
    }
}

/// What to do about a ConnectWise failure, in one sentence.
pub fn hint_for(e: &ApiError) -> String {
    match e {
        ApiError::Response(cw) => {
            let all_text = std::iter::once(cw.message.as_str())
                .chain(cw.errors.iter().map(|f| f.message.as_str()))
                .collect::<Vec<_>>()
                .join(" ")
                .to_ascii_lowercase();
            match cw.status {
                _ if all_text.contains("period")
                    && (all_text.contains("closed") || all_text.contains("locked") || all_text.contains("not open")) =>
                {
                    "the time period for that date is closed: pick a date in an open period, or ask a ConnectWise admin to open it".into()
                }
                400 if cw.errors.iter().any(|f| f.field.as_deref().is_some_and(|n| n.eq_ignore_ascii_case("clientId"))) => {
                    "ConnectWise refused the server's clientId: set CW_CLIENT_ID to the GUID of an integration registered on developer.connectwise.com (a server setting, not a tool argument)".into()
                }
                400 if !cw.errors.is_empty() => "fix the fields named above and call again".into(),
                400 => "check the arguments (conditions, fields and order_by syntax, ids)".into(),
                401 => "ConnectWise refused the keys: check CW_COMPANY_ID, CW_PUBLIC_KEY and CW_PRIVATE_KEY in the server's configuration".into(),
                403 => "the API member's security role lacks this permission in ConnectWise: ask a ConnectWise admin to grant it (System > Security Roles)".into(),
                404 => "no such record: check the id (search to find it)".into(),
                409 => "conflict: the record changed or already exists; read it again before retrying".into(),
                429 => match cw.retry_after_secs {
                    Some(s) => format!("ConnectWise is rate limiting: retry after {s} s"),
                    None => "ConnectWise is rate limiting: wait a few seconds and retry".into(),
                },
                s if s >= 500 => "ConnectWise failed on its side: try again shortly; if it persists, narrow the query".into(),
                _ => "see ConnectWise's message above".into(),
            }
        }
        ApiError::Timeout(_) => {
            "ConnectWise did not answer in time: try a narrower query (more filters, fewer fields, a smaller page_size)".into()
        }
        ApiError::Connect(_) => "cannot reach ConnectWise: check CW_SITE and the network".into(),
        ApiError::Refused(_) => "the request was refused before sending: check the arguments".into(),
        ApiError::Decode(_) => "ConnectWise answered in an unexpected shape: retry with fewer `fields`, or report it".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::{CwError, FieldError};
    use std::time::Duration;

    fn text(r: &CallToolResult) -> String {
        r.content[0].as_text().map(|t| t.text.clone()).unwrap_or_default()
    }

    #[test]
    fn structured_content_goes_only_with_output_schemas_and_text_is_capped() {
        let value = json!({"columns": ["id"], "rows": [[1]]});
        let plain = deliver(success_result(value.clone()), AnswerCap::DEFAULT, false);
        assert_eq!(
            (plain.structured_content.clone(), text(&plain)),
            (None, value.to_string())
        );
        let typed = deliver(success_result(value.clone()), AnswerCap::DEFAULT, true);
        assert_eq!(typed.structured_content, Some(value));
        let cap = AnswerCap { tokens: 500 };
        let long = deliver(success_result(json!({"text": "é".repeat(5000)})), cap, false);
        let t = text(&long);
        assert!(
            t.len() <= cap.bytes() && t.contains("answer cut at ~500 tokens"),
            "{}",
            t.len()
        );
    }

    #[test]
    fn arrays_and_scalars_are_wrapped_into_objects() {
        assert_eq!(
            success_result(json!([1, 2])).structured_content,
            Some(json!({"items": [1, 2]}))
        );
        assert_eq!(
            success_result(json!(3)).structured_content,
            Some(json!({"result": 3}))
        );
    }

    fn cw(status: u16, message: &str) -> ToolError {
        ToolError::Api(ApiError::Response(CwError {
            status,
            message: message.into(),
            ..Default::default()
        }))
    }

    #[test]
    fn errors_carry_the_message_field_errors_and_a_hint() {
        let r = tool_error_result(&cw(403, "You do not have access"));
        assert_eq!(r.is_error, Some(true));
        assert!(
            text(&r).contains("You do not have access") && text(&r).contains("security role"),
            "{}",
            text(&r)
        );
        let mut e = CwError {
            status: 429,
            message: "slow down".into(),
            retry_after_secs: Some(7),
            ..Default::default()
        };
        let r = tool_error_result(&ToolError::Api(ApiError::Response(e.clone())));
        assert!(text(&r).contains("retry after 7 s"));
        assert_eq!(
            r.structured_content.unwrap()["error"]["retry_after_secs"],
            json!(7)
        );
        e = CwError {
            status: 400,
            code: Some("InvalidObject".into()),
            message: "timeEntry object is invalid".into(),
            errors: vec![FieldError {
                message: "Time entry cannot be entered for a closed period".into(),
                field: Some("timeStart".into()),
                ..Default::default()
            }],
            retry_after_secs: None,
        };
        let r = tool_error_result(&ToolError::Api(ApiError::Response(e)));
        let t = text(&r);
        assert!(
            t.contains("timeStart: Time entry cannot be entered for a closed period")
                && t.contains("open period"),
            "{t}"
        );
        let mut client_id = CwError {
            status: 400,
            code: Some("MissingRequiredField".into()),
            message: "clientId is required.".into(),
            errors: vec![FieldError {
                code: Some("MissingRequiredField".into()),
                message: "clientId is required.".into(),
                resource: Some("request".into()),
                field: Some("clientId".into()),
            }],
            retry_after_secs: None,
        };
        let t = text(&tool_error_result(&ToolError::Api(ApiError::Response(
            client_id.clone(),
        ))));
        assert!(t.contains("CW_CLIENT_ID") && !t.contains("fix the fields"), "{t}");
        client_id.errors[0].field = Some("summary".into());
        let t = text(&tool_error_result(&ToolError::Api(ApiError::Response(client_id))));
        assert!(!t.contains("CW_CLIENT_ID"), "{t}");
        for (err, want) in [
            (cw(401, "bad keys"), "CW_PRIVATE_KEY"),
            (cw(404, "not found"), "no such record"),
            (cw(500, "boom"), "try again"),
            (
                ToolError::Api(ApiError::Timeout(Duration::from_secs(30))),
                "narrower query",
            ),
            (
                ToolError::InvalidArguments("company: expected a string".into()),
                "Nothing was sent",
            ),
        ] {
            let t = text(&tool_error_result(&err));
            assert!(t.contains(want), "{t}");
        }
    }
}
