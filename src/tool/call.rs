//! One call of any spec operation, the one path every raw call takes
//! (`cw_call`, extra operations, saved queries): the session's access for the
//! operation's tier, query parameters checked against the operation, the
//! body checked against its schema, the request sent through the client's
//! [`Transport`](crate::client::Transport) (which adds auth and refuses any
//! URL outside the configured site), and the answer shaped like a curated
//! tool's.

use crate::catalog::path::Resolved;
use crate::catalog::{Method, Operation};
use crate::client::read;
use crate::spec::validate::{self, FieldError};
use crate::tool::list::{ListArgs, ListQuery, finish_one};
use crate::tool::{Context, ToolError, invalid};
use serde_json::{Map, Value, json};

/// Lists come back 25 records at a time unless `pageSize` says otherwise.
const DEFAULT_PAGE_SIZE: i32 = 25;

/// Refuses an operation this session does not allow, saying what would.
pub fn check_access(ctx: &Context, op: &Operation) -> Result<(), ToolError> {
    ctx.access
        .check(op.tier, &format!("{} {}", op.method.as_str(), op.path))
}

/// Checks everything, then sends the request and shapes the answer.
pub async fn execute(
    ctx: &Context,
    target: &Resolved,
    query: Option<&Map<String, Value>>,
    body: Option<&Value>,
    cursor: Option<&str>,
) -> Result<Value, ToolError> {
    let (list, value) = send(ctx, target, query, body, cursor).await?;
    match (list, value) {
        (Some(list), records @ Value::Array(_)) => list.finish(records, ctx.answer_cap),
        (_, value) => finish_one(value, false, ctx.answer_cap),
    }
}

/// Checks everything and sends the request: the answer as ConnectWise sent
/// it (decoded, not shaped), with the list query that asked for it. Code
/// mode (`cw_run`) takes its records from here, through the same checks as
/// every raw call.
pub async fn send(
    ctx: &Context,
    target: &Resolved,
    query: Option<&Map<String, Value>>,
    body: Option<&Value>,
    cursor: Option<&str>,
) -> Result<(Option<ListQuery>, Value), ToolError> {
    let op = target.operation;
    check_access(ctx, op)?;
    let (pairs, list) = query_pairs(op, query, cursor)?;
    let body = checked_body(op, body)?;

    let transport = ctx.cw.transport();
    let base = transport.base_url().as_str().trim_end_matches('/');
    let mut url =
        url::Url::parse(&format!("{base}{}", target.path)).map_err(|e| invalid(format!("path: {e}")))?;
    if !pairs.is_empty() {
        url.query_pairs_mut().extend_pairs(&pairs);
    }
    let method = match op.method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    };
    let mut request = reqwest::Request::new(method, url);
    if let Some(body) = body {
        let bytes = serde_json::to_vec(body).map_err(|e| invalid(format!("body: {e}")))?;
        request.headers_mut().insert(
            reqwest::header::CONTENT_TYPE,
            reqwest::header::HeaderValue::from_static("application/json"),
        );
        *request.body_mut() = Some(bytes.into());
    }
    let response = transport.execute(request).await?;
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let bytes = response
        .bytes()
        .await
        .map_err(|e| ToolError::Api(crate::client::ApiError::Decode(e.to_string())))?;
    if bytes.is_empty() {
        return Ok((None, json!({ "ok": true, "status": status })));
    }
    if !content_type.is_empty() && !content_type.contains("json") {
        return Ok((
            None,
            json!({
                "ok": true,
                "status": status,
                "content_type": content_type,
                "bytes": bytes.len(),
                "note": "binary content is not shown",
            }),
        ));
    }
    let expected = op.response_schema.map(|schema| read::Expected { schema });
    Ok((list, read::decode(&bytes, expected)?))
}

/// Query string pairs, in order.
type QueryPairs = Vec<(String, String)>;

/// The query string: only parameters the operation declares (any case),
/// scalars only. For lists, paging, `fields`, `orderBy` and `conditions`
/// go through the same checks as curated tools, and `cursor` continues a
/// cut result.
fn query_pairs(
    op: &Operation,
    query: Option<&Map<String, Value>>,
    cursor: Option<&str>,
) -> Result<(QueryPairs, Option<ListQuery>), ToolError> {
    let mut pairs: Vec<(String, String)> = Vec::new();
    for (key, value) in query.into_iter().flatten() {
        let Some(param) = op.query_params().find(|p| p.name.eq_ignore_ascii_case(key)) else {
            let names: Vec<&str> = op.query_params().map(|p| p.name).collect();
            return Err(invalid(if names.is_empty() {
                format!(
                    "query.{key}: {} {} takes no query parameters",
                    op.method.as_str(),
                    op.path
                )
            } else {
                format!(
                    "query.{key}: not a parameter of {}; valid: {}",
                    op.id,
                    names.join(", ")
                )
            }));
        };
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => continue,
            _ => {
                return Err(invalid(format!(
                    "query.{key}: must be a string, number or boolean"
                )));
            }
        };
        pairs.push((param.name.to_owned(), text));
    }
    if !op.is_list() {
        if cursor.is_some() {
            return Err(invalid(
                "cursor: only list operations (GET returning a list) page",
            ));
        }
        return Ok((pairs, None));
    }
    let take = |pairs: &mut Vec<(String, String)>, name: &str| {
        pairs
            .iter()
            .position(|(k, _)| k == name)
            .map(|i| pairs.remove(i).1)
    };
    let number = |name: &str, v: Option<String>| -> Result<Option<i64>, ToolError> {
        v.map(|s| {
            s.parse::<i64>()
                .map_err(|_| invalid(format!("query.{name}: {s:?} is not a whole number")))
        })
        .transpose()
    };
    let conditions = take(&mut pairs, "conditions");
    // Conditions are validated against the record schema when there is one.
    let (validated, raw_conditions) = match op.response_schema {
        Some(_) => (conditions, None),
        None => (None, conditions),
    };
    let args = ListArgs {
        conditions: validated,
        order_by: take(&mut pairs, "orderBy"),
        page: number("page", take(&mut pairs, "page"))?,
        page_size: number("pageSize", take(&mut pairs, "pageSize"))?,
        fields: take(&mut pairs, "fields"),
        cursor: cursor.map(str::to_owned),
    };
    let schema = op.response_schema.unwrap_or_default();
    let list = ListQuery::new(schema, "", DEFAULT_PAGE_SIZE, Vec::new(), args)?;
    let mut add = |name: &str, v: Option<&str>| {
        if let Some(v) = v.filter(|v| !v.is_empty()) {
            pairs.push((name.to_owned(), v.to_owned()));
        }
    };
    add("conditions", list.conditions().or(raw_conditions.as_deref()));
    if op.query_params().any(|p| p.name == "childConditions") {
        add("childConditions", list.child_conditions());
    }
    add("orderBy", list.order_by());
    add("fields", list.fields());
    add("page", list.page().map(|p| p.to_string()).as_deref());
    add("pageSize", list.page_size().map(|p| p.to_string()).as_deref());
    Ok((pairs, Some(list)))
}

/// The body, checked against the operation's schema; errors name the field.
pub fn checked_body<'a>(op: &Operation, body: Option<&'a Value>) -> Result<Option<&'a Value>, ToolError> {
    let body = body.filter(|b| !b.is_null());
    let Some(body) = body else {
        if op.request_schema.is_some() && matches!(op.method, Method::Post | Method::Put | Method::Patch) {
            return Err(invalid(format!(
                "body: {} {} needs a JSON body ({}); cw_describe_endpoint shows its fields",
                op.method.as_str(),
                op.path,
                if op.method == Method::Patch {
                    "a JSON Patch list".to_owned()
                } else {
                    format!("a {}", op.request_schema.unwrap_or("record"))
                }
            )));
        }
        return Ok(None);
    };
    if op.request_schema.is_none() && matches!(op.method, Method::Get | Method::Delete) {
        return Err(invalid(format!(
            "body: {} {} takes no body",
            op.method.as_str(),
            op.path
        )));
    }
    let errors = if op.method == Method::Patch {
        patch_errors(op, body)
    } else if let Some(schema) = op.request_schema {
        match (op.request_is_array, body) {
            (true, Value::Array(items)) => items
                .iter()
                .enumerate()
                .flat_map(|(i, item)| {
                    validate::validate_body(schema, item, schema, true)
                        .into_iter()
                        .map(move |mut e| {
                            e.field = format!("{i}/{}", e.field);
                            e
                        })
                })
                .collect(),
            (true, _) => return Err(invalid(format!("body: must be an array of {schema}"))),
            (false, _) => validate::validate_body(schema, body, schema, true),
        }
    } else {
        Vec::new()
    };
    if errors.is_empty() {
        return Ok(Some(body));
    }
    let text: Vec<String> = errors
        .iter()
        .map(|e| match e.field.as_str() {
            "" => format!("body: {}", e.message),
            f => format!("body.{}: {}", f.replace('/', "."), e.message),
        })
        .collect();
    Err(invalid(format!(
        "{}; nothing was sent (cw_describe_endpoint shows the fields)",
        text.join("; ")
    )))
}

/// A JSON Patch list: each operation's path a field of the record, each
/// value of the field's type.
fn patch_errors(op: &Operation, body: &Value) -> Vec<FieldError> {
    let resource = op.response_schema.unwrap_or("record");
    let bad = |field: &str, message: String| FieldError::new("InvalidPatch", message, resource, field);
    let Some(ops) = body.as_array() else {
        return vec![bad(
            "",
            "must be a JSON Patch list: [{\"op\": \"replace\", \"path\": \"status\", \"value\": {\"id\": 5}}]".into(),
        )];
    };
    let record = op.response_schema.and_then(validate::schema_named);
    let mut errors = Vec::new();
    for (i, patch) in ops.iter().enumerate() {
        let kind = patch.get("op").and_then(Value::as_str).unwrap_or_default();
        if !matches!(kind, "add" | "replace" | "remove") {
            errors.push(bad(
                &format!("{i}/op"),
                format!("must be add, replace or remove, not {kind:?}"),
            ));
            continue;
        }
        let Some(path) = patch.get("path").and_then(Value::as_str) else {
            errors.push(bad(&format!("{i}/path"), "is missing".into()));
            continue;
        };
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let Some(record) = record else { continue };
        let Some(field) = validate::at_path(record, &segs) else {
            errors.push(bad(
                &format!("{i}/path"),
                format!("{resource} has no field {path:?}"),
            ));
            continue;
        };
        if kind != "remove" {
            match patch.get("value") {
                None => errors.push(bad(&format!("{i}/value"), "is missing".into())),
                Some(v) => validate::check_value(field, v, &segs.join("/"), resource, &mut errors),
            }
        }
    }
    errors
}
