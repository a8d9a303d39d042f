//! One call of any spec operation, the one path every raw call takes
//! (`cw_call`, extra operations, saved queries): the session's access for the
//! operation's tier, query parameters checked against the operation, the
//! body checked against its schema (closed: a field the schema does not
//! have is refused, as a typo would otherwise be dropped or stored), all in
//! [`prepare`], which saving a query runs too; the request sent through the client's
//! [`Transport`](crate::client::Transport) (which adds auth and refuses any
//! URL outside the configured site), and the answer shaped like a curated
//! tool's. A call that writes goes on from here to the write path
//! ([`crate::tool::write`]), which every write takes.

use crate::catalog::path::Resolved;
use crate::catalog::{Method, Operation};
use crate::client::{ApiError, read};
use crate::spec::validate::{self, FieldError};
use crate::tool::args::close_names;
use crate::tool::list::{ListArgs, ListQuery, fields_of, finish_one};
use crate::tool::write::{self, WriteOptions, WriteRequest};
use crate::tool::{Context, ToolError, invalid};
use serde_json::{Map, Value, json};

/// Lists come back 25 records at a time unless `pageSize` says otherwise.
const DEFAULT_PAGE_SIZE: i32 = 25;

/// Refuses an operation this session does not allow, saying what would.
pub fn check_access(ctx: &Context, op: &Operation) -> Result<(), ToolError> {
    ctx.access
        .check(op.tier, &format!("{} {}", op.method.as_str(), op.path))
}

/// A call checked and ready to send.
pub struct Prepared<'a> {
    pairs: QueryPairs,
    list: Option<ListQuery>,
    body: Option<&'a Value>,
}

/// Every check of a call that needs no session: query parameters, paging,
/// `fields`, `orderBy`, `conditions` and the body. `cw_call` runs it before
/// sending and `cw_save_query` before saving, so a saved query is refused
/// exactly when the same `cw_call` would be.
pub fn prepare<'a>(
    target: &Resolved,
    query: Option<&Map<String, Value>>,
    body: Option<&'a Value>,
    cursor: Option<&str>,
) -> Result<Prepared<'a>, ToolError> {
    let op = target.operation;
    let (pairs, list) = query_pairs(op, query, cursor)?;
    let body = checked_body(op, body)?;
    Ok(Prepared { pairs, list, body })
}

/// Checks everything, then sends the request and shapes the answer, as
/// `cw_call` with no write options (a write gets the write path's defaults:
/// it is journaled, and confirmed first where the deployment says so).
pub async fn execute(
    ctx: &Context,
    target: &Resolved,
    query: Option<&Map<String, Value>>,
    body: Option<&Value>,
    cursor: Option<&str>,
) -> Result<Value, ToolError> {
    execute_as(
        ctx,
        "cw_call",
        &WriteOptions::default(),
        target,
        query,
        body,
        cursor,
    )
    .await
}

/// [`execute`] for the tool `tool`, whose writes take `options` (preview,
/// confirmation token, idempotency key, `lastUpdated`): a write goes on to
/// the write path ([`write::send`]), a read is sent here and shaped.
pub async fn execute_as(
    ctx: &Context,
    tool: &str,
    options: &WriteOptions,
    target: &Resolved,
    query: Option<&Map<String, Value>>,
    body: Option<&Value>,
    cursor: Option<&str>,
) -> Result<Value, ToolError> {
    match send_as(ctx, tool, options, target, query, body, cursor).await? {
        Sent::Written(value) => Ok(value),
        Sent::Read(list, answer) => shape(ctx, target.operation, answer, list),
    }
}

/// Checks everything and sends the request, the answer of a read as
/// ConnectWise sent it (decoded, not shaped) with the list query that asked
/// for it. Code mode (`cw_run`) takes its records from here, through the
/// same checks as every raw call; its writes take the write path with its
/// defaults (journaled, confirmed where the deployment says so).
pub async fn send(
    ctx: &Context,
    target: &Resolved,
    query: Option<&Map<String, Value>>,
    body: Option<&Value>,
    cursor: Option<&str>,
) -> Result<(Option<ListQuery>, Value), ToolError> {
    let options = WriteOptions::default();
    match send_as(ctx, "cw_run", &options, target, query, body, cursor).await? {
        Sent::Written(value) => Ok((None, value)),
        Sent::Read(list, answer) => match decode(ctx, target.operation, &answer)? {
            Some(value) => Ok((list, value)),
            None => Ok((None, unshown(&answer))),
        },
    }
}

/// What a checked call came to: a write's answer from the write path, or a
/// read's answer still to be shaped.
enum Sent {
    Written(Value),
    Read(Option<ListQuery>, Answer),
}

async fn send_as(
    ctx: &Context,
    tool: &str,
    options: &WriteOptions,
    target: &Resolved,
    query: Option<&Map<String, Value>>,
    body: Option<&Value>,
    cursor: Option<&str>,
) -> Result<Sent, ToolError> {
    let op = target.operation;
    check_access(ctx, op)?;
    let Prepared { pairs, list, body } = prepare(target, query, body, cursor)?;
    if op.method != Method::Get {
        let request = WriteRequest {
            tool: tool.to_owned(),
            op,
            path: target.path.clone(),
            query: pairs,
            body: body.cloned(),
        };
        return Ok(Sent::Written(write::send(ctx, request, options).await?));
    }
    let request = request_for(ctx, op.method, &target.path, &pairs, body)?;
    let answer = read_answer(ctx.cw.transport().execute(request).await?).await?;
    Ok(Sent::Read(list, answer))
}

/// What ConnectWise answered: status, content type and the bytes.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// The HTTP request of a raw call: `path` below the API root, the query
/// pairs, and the body as JSON. The transport adds auth and guards the host.
pub fn request_for(
    ctx: &Context,
    method: Method,
    path: &str,
    pairs: &[(String, String)],
    body: Option<&Value>,
) -> Result<reqwest::Request, ToolError> {
    let transport = ctx.cw.transport();
    let base = transport.base_url().as_str().trim_end_matches('/');
    let mut url = url::Url::parse(&format!("{base}{path}")).map_err(|e| invalid(format!("path: {e}")))?;
    if !pairs.is_empty() {
        url.query_pairs_mut().extend_pairs(pairs);
    }
    let method = match method {
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
    Ok(request)
}

/// Reads a response to the end.
pub async fn read_answer(response: reqwest::Response) -> Result<Answer, ApiError> {
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
        .map_err(|e| ApiError::Decode(e.to_string()))?
        .to_vec();
    Ok(Answer {
        status,
        content_type,
        bytes,
    })
}

/// The answer as JSON (`None`: empty, or not JSON), read against the
/// operation's response schema (a deviation is told to the call's watch).
pub fn decode(ctx: &Context, op: &Operation, answer: &Answer) -> Result<Option<Value>, ToolError> {
    if answer.bytes.is_empty() || (!answer.content_type.is_empty() && !answer.content_type.contains("json")) {
        return Ok(None);
    }
    let expected = op.response_schema.map(|schema| read::Expected { schema });
    let watch = ctx.cw.transport().watch();
    Ok(Some(read::decode_watched(&answer.bytes, expected, watch)?))
}

/// An answer that is empty or not JSON, said in words.
fn unshown(answer: &Answer) -> Value {
    if answer.bytes.is_empty() {
        return json!({ "ok": true, "status": answer.status });
    }
    json!({
        "ok": true,
        "status": answer.status,
        "content_type": answer.content_type,
        "bytes": answer.bytes.len(),
        "note": "binary content is not shown",
    })
}

/// The answer shaped like a curated tool's: a list paged and capped, one
/// record flattened, an empty or binary answer said in words.
fn shape(ctx: &Context, op: &Operation, answer: Answer, list: Option<ListQuery>) -> Result<Value, ToolError> {
    let Some(value) = decode(ctx, op, &answer)? else {
        return Ok(unshown(&answer));
    };
    match (list, value) {
        (Some(list), records @ Value::Array(_)) => list.finish(records, ctx.answer_cap),
        (_, value) => finish_one(value, false, ctx.answer_cap),
    }
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
        // One record's `fields` are checked as a list's are.
        if let Some(schema) = op.response_schema
            && let Some((_, fields)) = pairs.iter_mut().find(|(k, _)| k == "fields")
        {
            *fields = fields_of(Some(fields.as_str()), "", schema, &[])
                .map_err(in_query_words)?
                .unwrap_or_default();
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
    let list = ListQuery::new(schema, "", DEFAULT_PAGE_SIZE, Vec::new(), args).map_err(in_query_words)?;
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

/// A list check's error said of the `query` parameter it came from
/// (`fields: …` → `query.fields: …`, `order_by: …` → `query.orderBy: …`):
/// `cw_call` and saved queries take ConnectWise's names under `query`.
fn in_query_words(error: ToolError) -> ToolError {
    const NAMES: [(&str, &str); 5] = [
        ("fields", "fields"),
        ("order_by", "orderBy"),
        ("page_size", "pageSize"),
        ("page", "page"),
        ("conditions", "conditions"),
    ];
    let ToolError::InvalidArguments(message) = &error else {
        return error;
    };
    let renamed = NAMES.iter().find_map(|(ours, theirs)| {
        let rest = message.strip_prefix(ours)?.strip_prefix(':')?;
        Some(format!("query.{theirs}:{rest}"))
    });
    match renamed {
        Some(message) => invalid(message),
        None => error,
    }
}

/// The body, checked against the operation's schema; errors name the field.
fn checked_body<'a>(op: &Operation, body: Option<&'a Value>) -> Result<Option<&'a Value>, ToolError> {
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
                    closed_body(schema, item).into_iter().map(move |mut e| {
                        e.field = format!("{i}/{}", e.field);
                        e
                    })
                })
                .collect(),
            (true, _) => return Err(invalid(format!("body: must be an array of {schema}"))),
            (false, _) => closed_body(schema, body),
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

/// A body checked against its schema, which is closed: ConnectWise would
/// drop (or, in places, keep) a field it does not know, so a misspelt one
/// is refused here with the close names.
fn closed_body(schema: &str, body: &Value) -> Vec<FieldError> {
    let mut errors = validate::validate_body(schema, body, schema, true);
    if let Some(root) = validate::schema_named(schema) {
        unknown_fields(root, body, "", schema, &mut errors);
    }
    errors
}

/// Every key of `value` (and of the objects in it) that its schema has no
/// property for; properties match without regard to case, as ConnectWise's.
fn unknown_fields(
    schema: &'static Value,
    value: &Value,
    path: &str,
    resource: &str,
    errors: &mut Vec<FieldError>,
) {
    let owner = validate::ref_name(schema).unwrap_or(resource);
    let schema = validate::resolve(schema);
    match value {
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    unknown_fields(item, v, &join(path, &i.to_string()), resource, errors);
                }
            }
        }
        Value::Object(object) => {
            // A map (`_info`, custom values) takes any key.
            let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            let names: Vec<&str> = props.keys().map(String::as_str).collect();
            for (key, v) in object {
                match props.iter().find(|(name, _)| name.eq_ignore_ascii_case(key)) {
                    Some((_, prop)) => unknown_fields(prop, v, &join(path, key), resource, errors),
                    None => {
                        let close = close_names(key, &names);
                        let hint = match close.is_empty() {
                            true => String::new(),
                            false => format!(" (did you mean {}?)", close.join(" or ")),
                        };
                        errors.push(FieldError::new(
                            "UnknownField",
                            format!("not a field of {owner}{hint}"),
                            resource,
                            join(path, key),
                        ));
                    }
                }
            }
        }
        _ => {}
    }
}

fn join(path: &str, key: &str) -> String {
    match path.is_empty() {
        true => key.to_owned(),
        false => format!("{path}/{key}"),
    }
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
