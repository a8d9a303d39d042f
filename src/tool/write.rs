//! The one write path: every request that changes ConnectWise, from a
//! curated tool, `cw_call`, an extra operation or a saved query, is a
//! [`WriteRequest`] handed to [`send`], which in this order
//!
//! 1. refuses what the session may not do (its tier);
//! 2. reads the record an update or delete changes, and refuses the update
//!    when the caller says which `lastUpdated` it saw and the record has
//!    changed since, saying who changed it and its current values;
//! 3. with `dry_run`, answers what would be sent (method, path, body or
//!    JSON Patch) and, for an update, the current values beside the new
//!    ones, and sends nothing;
//! 4. answers a create the caller already made within
//!    [`IDEMPOTENCY_WINDOW_SECS`] (same tool, same request, same caller,
//!    same idempotency key) with the first result, saying so; a create
//!    whose journal cannot be read is refused, nothing sent;
//! 5. where the deployment confirms writes, asks the user in the client
//!    when the client can show a question (MCP elicitation, [`User`]) and
//!    writes only if they agree; with any other client, answers a first
//!    call with the preview and a token bound to the session (none when
//!    stateless), the caller and the exact request ([`TOKEN_LIFETIME`],
//!    kept in the store so that any instance can redeem it), and writes
//!    only on a call that brings it back; no store, no write;
//! 6. sends it; when the answer is lost after ConnectWise may have received
//!    the request (the connection dropped, no answer in time, a 5xx), looks
//!    the write up and says what is known: written (with the record), not
//!    written, or unknown;
//! 7. journals it in the store (caller, request, record before and
//!    after), so that `cw_undo` can revert it. A write ConnectWise made
//!    stands even when the journal cannot be written then: the answer says
//!    it was not journaled (no undo, no repeat detection for it).

use crate::catalog::{Method, Operation, path};
use crate::client::ApiError;
use crate::store::tokens::Redeemed;
use crate::store::{Store, Written};
use crate::tool::args::utc_timestamp;
use crate::tool::call::{self, check_access};
use crate::tool::list::finish_one;
use crate::tool::{Context, ToolError, invalid};
use serde::Deserialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// How long the same create, repeated, returns the first result.
pub const IDEMPOTENCY_WINDOW_SECS: i64 = 600;

/// How long a confirmation token is valid.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(300);

/// How far a record found after a lost answer may have been entered before
/// the request was sent (clocks differ between us and ConnectWise).
const CLOCK_SLACK_SECS: i64 = 300;

/// How many of a collection's newest records a lost create is looked for in.
const LOOKUP_PAGE: &str = "100";

/// What a caller asks of a write besides the request itself (the write
/// arguments every writing tool takes).
#[derive(Debug, Default, Clone, Deserialize, schemars::JsonSchema)]
pub struct WriteOptions {
    /// Answer what would be sent; send nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// The token a first call answered, where writes are confirmed.
    #[serde(default)]
    pub confirm_token: Option<String>,
    /// A new key makes a repeated create a new one.
    #[serde(default)]
    pub idempotency_key: Option<String>,
    /// The record's `_info/lastUpdated` as the caller last read it.
    #[serde(default)]
    pub last_updated: Option<String>,
}

impl WriteOptions {
    /// Takes the write arguments out of a tool's arguments (tools whose
    /// schema is built at run time: extra operations).
    pub fn take(args: &mut Map<String, Value>) -> Result<WriteOptions, ToolError> {
        let mut options = Map::new();
        for key in ["dry_run", "confirm_token", "idempotency_key", "last_updated"] {
            if let Some(value) = args.remove(key) {
                options.insert(key.to_owned(), value);
            }
        }
        crate::tool::args::parse_args(Value::Object(options))
    }

    /// The JSON Schema properties of the write arguments an operation of
    /// `method` takes (none for a read).
    pub fn properties(method: Method) -> Map<String, Value> {
        let mut props = Map::new();
        if method == Method::Get {
            return props;
        }
        props.insert(
            "dry_run".into(),
            json!({"type": "boolean", "description": "Preview; send nothing."}),
        );
        props.insert(
            "confirm_token".into(),
            json!({"type": "string", "description": "From a confirmation answer."}),
        );
        match method {
            Method::Post => {
                props.insert(
                    "idempotency_key".into(),
                    json!({"type": "string", "description": "New value: create again."}),
                );
            }
            Method::Patch | Method::Put => {
                props.insert(
                    "last_updated".into(),
                    json!({"type": "string", "description": "_info/lastUpdated as read; refused if changed."}),
                );
            }
            _ => {}
        }
        props
    }
}

/// One write, exactly as it would be sent.
#[derive(Debug, Clone)]
pub struct WriteRequest {
    /// The tool that asks for it (journal, idempotency).
    pub tool: String,
    pub op: &'static Operation,
    /// Below the API root, ids filled in: `/service/tickets/8/notes`.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// The record (POST, PUT) or JSON Patch list (PATCH).
    pub body: Option<Value>,
}

impl WriteRequest {
    /// A curated tool's write of its own operation.
    pub fn of(
        tool: &str,
        operation_id: &str,
        path: String,
        body: Option<Value>,
    ) -> Result<WriteRequest, ToolError> {
        let op = crate::catalog::by_id(operation_id)
            .ok_or_else(|| invalid(format!("{tool}: no operation {operation_id} in this build")))?;
        Ok(WriteRequest {
            tool: tool.to_owned(),
            op,
            path,
            query: Vec::new(),
            body,
        })
    }

    fn method(&self) -> &'static str {
        self.op.method.as_str()
    }

    /// The request as the caller is shown it.
    fn shown(&self) -> Value {
        let mut shown = json!({ "method": self.method(), "path": self.path });
        if !self.query.is_empty() {
            let query: Map<String, Value> = self
                .query
                .iter()
                .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                .collect();
            shown["query"] = Value::Object(query);
        }
        if let Some(body) = &self.body {
            shown["body"] = body.clone();
        }
        shown
    }

    /// A digest of the request and `context` (who, where): equal exactly
    /// when the same request is made in the same context.
    fn digest(&self, context: &[&str]) -> String {
        let mut hash = Sha256::new();
        for part in context {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        hash.update(self.shown().to_string().as_bytes());
        hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The path of the record this write changes (a create: once its id is known).
    fn record_path(&self, after: Option<&Value>) -> String {
        match (self.op.method, after.and_then(|a| a.get("id"))) {
            (Method::Post, Some(id)) => format!("{}/{id}", self.path),
            _ => self.path.clone(),
        }
    }
}

/// Sends `request` along the write path (see the module docs).
pub async fn send(ctx: &Context, request: WriteRequest, options: &WriteOptions) -> Result<Value, ToolError> {
    check_access(ctx, request.op)?;
    let before = match request.op.method {
        Method::Post | Method::Get => None,
        _ => Some(read_record(ctx, &request.path).await?),
    };
    if let (Some(seen), Some(before)) = (&options.last_updated, &before) {
        refuse_if_changed(&request, seen, before)?;
    }
    let preview = preview(&request, before.as_ref());
    if options.dry_run {
        return Ok(json!({
            "dry_run": true,
            "written": false,
            "would_send": preview,
            "note": "nothing was sent; call again without dry_run to write",
        }));
    }
    let journal = ctx.callers_store();
    let fingerprint = (request.op.method == Method::Post).then(|| {
        let site = ctx.cw.transport().base_url().to_string();
        let key = options.idempotency_key.as_deref().unwrap_or("");
        request.digest(&[&site, &ctx.caller, &request.tool, key])
    });
    if let Some(fingerprint) = &fingerprint
        && let Some(first) = made_before(&journal, fingerprint).await?
    {
        return Ok(repeated(ctx, &first));
    }
    if ctx.access.confirms_writes()
        && !confirmed_by_user(ctx, &request, options, &preview).await?
        && let Some(ask) = confirmation(ctx, &request, options, preview).await?
    {
        return Ok(ask);
    }
    let sent_at = now();
    let after = match deliver(ctx, &request).await {
        Delivered::Answer(after) => after,
        Delivered::Failed(e) => return Err(e),
        Delivered::Lost(why) => {
            return settle(ctx, &journal, &request, before, fingerprint, &why, sent_at).await;
        }
    };
    let id = record(&journal, &request, before, after.clone(), fingerprint).await;
    Ok(answer(ctx, after, (request.method(), request.body.as_ref()), id))
}

/// The record at `path`, as ConnectWise serves it now.
pub async fn read_record(ctx: &Context, path: &str) -> Result<Value, ToolError> {
    let request = call::request_for(ctx, Method::Get, path, &[], None)?;
    let answer = call::read_answer(ctx.cw.transport().execute(request).await?).await?;
    Ok(serde_json::from_slice(&answer.bytes).unwrap_or(Value::Null))
}

fn last_updated(record: &Value) -> Option<&str> {
    record.pointer("/_info/lastUpdated").and_then(Value::as_str)
}

/// Two timestamps, equal once both are read as UTC instants.
fn same_instant(a: &str, b: &str) -> bool {
    match (utc_timestamp("", a), utc_timestamp("", b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim() == b.trim(),
    }
}

/// Refuses an update of a record changed since the caller read it.
fn refuse_if_changed(request: &WriteRequest, seen: &str, before: &Value) -> Result<(), ToolError> {
    utc_timestamp("last_updated", seen)?;
    let Some(now) = last_updated(before) else {
        return Ok(());
    };
    if same_instant(now, seen) {
        return Ok(());
    }
    let by = before
        .pointer("/_info/updatedBy")
        .and_then(Value::as_str)
        .unwrap_or("someone");
    let current = current_values(request, before);
    Err(ToolError::Write {
        message: format!(
            "last_updated: {} was changed since you read it (you saw {seen}; {by} changed it at {now}); \
             nothing was sent. Its current values are below: read it again, check, and send the update \
             with last_updated {now} if it still applies.",
            request.path
        ),
        detail: json!({
            "kind": "changed_since_read",
            "written": false,
            "path": request.path,
            "you_saw": seen,
            "lastUpdated": now,
            "updatedBy": by,
            "current": current,
        }),
    })
}

/// The values an update replaces, as the record has them now: the fields a
/// JSON Patch names, the fields a PUT sends, or the whole record a DELETE
/// removes.
fn current_values(request: &WriteRequest, before: &Value) -> Value {
    let fields: Vec<String> = match (request.op.method, &request.body) {
        (Method::Patch, Some(Value::Array(ops))) => ops
            .iter()
            .filter_map(|op| op.get("path").and_then(Value::as_str))
            .map(patch_field)
            .collect(),
        (Method::Put, Some(Value::Object(body))) => body.keys().cloned().collect(),
        _ => return finish_one(before.clone(), false, Default::default()).unwrap_or(Value::Null),
    };
    let current: Map<String, Value> = fields
        .into_iter()
        .map(|f| {
            let value = before.get(&f).cloned().unwrap_or(Value::Null);
            (f, value)
        })
        .collect();
    // Customer text and pasted secrets are shown as in every other answer.
    let mut current = Value::Object(current);
    crate::tool::text::guard_record(&mut current);
    current
}

/// The top-level field a JSON Patch path names (`/status/id` → `status`).
fn patch_field(path: &str) -> String {
    path.trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// What would be sent, with the current values an update replaces.
fn preview(request: &WriteRequest, before: Option<&Value>) -> Value {
    let mut preview = request.shown();
    if let Some(before) = before {
        preview["current"] = current_values(request, before);
        if let Some(last) = last_updated(before) {
            preview["lastUpdated"] = json!(last);
        }
    }
    preview
}

/// The same create, journaled within the window, if any. A journal that
/// cannot be read refuses the create: a repeated create is exactly what a
/// client retrying after a failure sends, and it must not make a duplicate.
async fn made_before(journal: &Store, fingerprint: &str) -> Result<Option<Written>, ToolError> {
    journal
        .journaled_since(fingerprint, now() - IDEMPOTENCY_WINDOW_SECS)
        .await
        .map_err(store_down)
}

fn repeated(ctx: &Context, first: &Written) -> Value {
    let after = first.after.clone().unwrap_or(Value::Null);
    let mut value = answer(ctx, after, (&first.method, first.body.as_ref()), Ok(first.id));
    value["repeated"] = json!(format!(
        "this exact create was already made {} s ago (journal id {}); nothing new was written and this is \
         the first result. To create another one on purpose, pass a new idempotency_key.",
        (now() - first.at).max(0),
        first.id
    ));
    value
}

/// The user, asked through their client (MCP elicitation); the MCP layer
/// gives one to a call whose client declared it can show a form.
#[derive(Clone)]
pub struct User(pub Arc<dyn AskUser>);

impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("User")
    }
}

/// How a question reaches the user.
pub trait AskUser: Send + Sync {
    /// Shows `message` and asks yes or no.
    fn confirm(&self, message: String) -> Pin<Box<dyn Future<Output = Answered> + Send + '_>>;
}

/// What became of a question to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answered {
    Yes,
    /// They said no, declined or dismissed it (in words, for the answer).
    No(String),
    /// The question could not be shown (the client failed to answer the
    /// request): the token stands in.
    NotAsked,
}

/// Asks the user to confirm `request` where the call has a [`User`] and
/// brought no token. `Ok(true)`: they agreed; `Ok(false)`: not asked, the
/// token decides; `Err`: they did not agree, and nothing is sent.
async fn confirmed_by_user(
    ctx: &Context,
    request: &WriteRequest,
    options: &WriteOptions,
    preview: &Value,
) -> Result<bool, ToolError> {
    let Some(User(user)) = ctx.user.as_ref().filter(|_| options.confirm_token.is_none()) else {
        return Ok(false);
    };
    match user.confirm(question(request, preview)).await {
        Answered::Yes => Ok(true),
        Answered::NotAsked => Ok(false),
        Answered::No(why) => Err(ToolError::Write {
            message: format!(
                "{why}: nothing was sent to ConnectWise. Ask the user what to change before trying again."
            ),
            detail: json!({ "kind": "confirmation", "written": false, "asked": "elicitation" }),
        }),
    }
}

/// The question the user sees: the tool, and exactly what would be sent
/// (with an update's current values), as the dry run shows it.
fn question(request: &WriteRequest, preview: &Value) -> String {
    const MOST: usize = 4_000;
    let mut shown = serde_json::to_string_pretty(preview).unwrap_or_default();
    if shown.len() > MOST {
        let cut = (0..=MOST).rev().find(|&i| shown.is_char_boundary(i)).unwrap_or(0);
        shown.truncate(cut);
        shown.push_str("\n…");
    }
    format!(
        "{} wants to change ConnectWise. Send this?\n\n{shown}",
        request.tool
    )
}

/// `Some(answer)`: not confirmed yet, the answer carries the preview and a
/// token (kept in the store, so that any instance of the deployment can
/// redeem it). `None`: the call brought the token of exactly this request.
async fn confirmation(
    ctx: &Context,
    request: &WriteRequest,
    options: &WriteOptions,
    preview: Value,
) -> Result<Option<Value>, ToolError> {
    let digest = request.digest(&[&ctx.session, &ctx.caller, &request.tool]);
    let now = now();
    let Some(token) = &options.confirm_token else {
        let token = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
        let expires = now + TOKEN_LIFETIME.as_secs() as i64;
        ctx.store
            .token_issue(&token, &digest, expires, now)
            .await
            .map_err(store_down)?;
        return Ok(Some(json!({
            "written": false,
            "confirmation_required": true,
            "would_send": preview,
            "confirm_token": token,
            "expires_in_secs": TOKEN_LIFETIME.as_secs(),
            "note": "this server confirms every write: show the user what would be sent and, once they agree, \
                     call again with exactly the same arguments plus confirm_token",
        })));
    };
    // A token is used once, whether it fits or not.
    match ctx
        .store
        .token_redeem(token, &digest, now)
        .await
        .map_err(store_down)?
    {
        Redeemed::Fits => Ok(None),
        Redeemed::OtherRequest => Err(token_refused(
            "was issued for a different request (or another session); any change to the request needs a new token",
        )),
        Redeemed::Unknown => Err(token_refused("is unknown, already used or expired")),
    }
}

/// A write refused because the store it needs first (confirmation tokens,
/// the journal's record of repeated creates) cannot be reached.
fn store_down(e: String) -> ToolError {
    ToolError::Write {
        message: format!("{e} Nothing was sent to ConnectWise."),
        detail: json!({ "kind": "store_unavailable", "written": false }),
    }
}

fn token_refused(why: &str) -> ToolError {
    ToolError::Write {
        message: format!(
            "confirm_token: the token {why}; nothing was sent. Call again without confirm_token for a new preview and token."
        ),
        detail: json!({ "kind": "confirmation", "written": false }),
    }
}

/// What became of a sent request.
enum Delivered {
    /// ConnectWise answered 2xx (`Null`: with no record).
    Answer(Value),
    /// It was refused, or never reached ConnectWise: nothing was written.
    Failed(ToolError),
    /// ConnectWise may have made the write but its answer was lost: why.
    Lost(String),
}

async fn deliver(ctx: &Context, request: &WriteRequest) -> Delivered {
    let transport = ctx.cw.transport();
    let http = match call::request_for(
        ctx,
        request.op.method,
        &request.path,
        &request.query,
        request.body.as_ref(),
    ) {
        Ok(mut http) => match transport.ready(&mut http).await {
            Ok(()) => http,
            Err(e) => return Delivered::Failed(ApiError::Refused(e).into()),
        },
        Err(e) => return Delivered::Failed(e),
    };
    let response = match transport.send(http).await {
        Ok(response) => response,
        // Never connected: ConnectWise did not get it.
        Err(e) if e.is_connect() => {
            return Delivered::Failed(ApiError::from_reqwest(&e, transport.timeouts()).into());
        }
        Err(e) if e.is_timeout() => {
            return Delivered::Lost(format!(
                "ConnectWise did not answer within {} s",
                transport.timeouts().request.as_secs()
            ));
        }
        Err(e) => return Delivered::Lost(format!("the connection broke before the answer ({})", causes(&e))),
    };
    let status = response.status();
    if status.is_server_error() {
        return Delivered::Lost(format!(
            "ConnectWise answered {status}, which can come after the write was made"
        ));
    }
    if !status.is_success() {
        return Delivered::Failed(ApiError::from_response(response).await.into());
    }
    match call::read_answer(response).await {
        Ok(answer) => match call::decode(ctx, request.op, &answer) {
            Ok(value) => Delivered::Answer(value.unwrap_or(Value::Null)),
            Err(_) => Delivered::Lost("ConnectWise's answer could not be read".into()),
        },
        Err(e) => Delivered::Lost(format!("the answer broke off ({e})")),
    }
}

/// What went wrong under a transport error, without its URL.
fn causes(e: &reqwest::Error) -> String {
    let mut text = Vec::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push(s.to_string());
        source = s.source();
    }
    match text.is_empty() {
        true => "no answer".to_owned(),
        false => text.join(": "),
    }
}

/// What a look-up after a lost answer found.
enum Found {
    Written(Value),
    NotWritten,
    Unknown(String),
}

/// Looks up a write whose answer was lost, and answers what is known.
async fn settle(
    ctx: &Context,
    journal: &Store,
    request: &WriteRequest,
    before: Option<Value>,
    fingerprint: Option<String>,
    why: &str,
    sent_at: i64,
) -> Result<Value, ToolError> {
    let found = look_up(ctx, request, before.as_ref(), sent_at).await;
    tracing::warn!(
        method = request.method(),
        path = request.path,
        lost = why,
        written = match &found {
            Found::Written(_) => "yes",
            Found::NotWritten => "no",
            Found::Unknown(_) => "unknown",
        },
        "write answer lost; looked up"
    );
    match found {
        Found::Written(after) => {
            let id = record(journal, request, before, after.clone(), fingerprint).await;
            let mut value = answer(ctx, after, (request.method(), request.body.as_ref()), id);
            value["note"] = json!(format!(
                "{why}; the server looked it up: the write WAS made (this is the record). Do not send it again."
            ));
            Ok(value)
        }
        Found::NotWritten => Err(ToolError::Write {
            message: format!(
                "{why}; the server looked it up: the write was NOT made, nothing changed in ConnectWise. \
                 Sending it again is safe."
            ),
            detail: json!({ "kind": "answer_lost", "written": false, "request": request.shown() }),
        }),
        Found::Unknown(e) => Err(ToolError::Write {
            message: format!(
                "{why}; whether the write was made is unknown (looking it up failed: {e}). Check for it \
                 (e.g. list the ticket's notes) before sending it again."
            ),
            detail: json!({ "kind": "answer_lost", "written": "unknown", "request": request.shown() }),
        }),
    }
}

async fn look_up(ctx: &Context, request: &WriteRequest, before: Option<&Value>, sent_at: i64) -> Found {
    match request.op.method {
        Method::Post => find_created(ctx, request, sent_at).await,
        Method::Delete => match read_record(ctx, &request.path).await {
            Err(ToolError::Api(ApiError::Response(e))) if e.status == 404 => Found::Written(Value::Null),
            Ok(_) => Found::NotWritten,
            Err(e) => Found::Unknown(e.to_string()),
        },
        _ => match read_record(ctx, &request.path).await {
            // `lastUpdated` has whole seconds: the values decide.
            Ok(now) if update_applied(request, &now) => Found::Written(now),
            Ok(now) if before.and_then(last_updated) == last_updated(&now) => Found::NotWritten,
            Ok(_) => Found::Unknown("the record changed, but not to what was sent".into()),
            Err(e) => Found::Unknown(e.to_string()),
        },
    }
}

/// The newest record of the collection posted to that carries every value
/// sent and was entered since the request (within the clock slack).
async fn find_created(ctx: &Context, request: &WriteRequest, sent_at: i64) -> Found {
    let Some(body) = &request.body else {
        return Found::Unknown("a create without a body cannot be recognised".into());
    };
    if path::resolve(Method::Get, &request.path).is_err() {
        return Found::Unknown(format!("{} cannot be listed", request.path));
    }
    let pairs = [
        ("orderBy".to_owned(), "id desc".to_owned()),
        ("pageSize".to_owned(), LOOKUP_PAGE.to_owned()),
    ];
    let listed = async {
        let http = call::request_for(ctx, Method::Get, &request.path, &pairs, None)?;
        let answer = call::read_answer(ctx.cw.transport().execute(http).await?).await?;
        Ok::<Value, ToolError>(serde_json::from_slice(&answer.bytes).unwrap_or(Value::Null))
    };
    let records = match listed.await {
        Ok(Value::Array(records)) => records,
        Ok(_) => return Found::Unknown("the collection did not list as a list".into()),
        Err(e) => return Found::Unknown(e.to_string()),
    };
    let entered_since = |record: &Value| {
        record
            .pointer("/_info/dateEntered")
            .and_then(Value::as_str)
            .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
            .is_none_or(|d| d.timestamp() >= sent_at - CLOCK_SLACK_SECS)
    };
    match records
        .into_iter()
        .find(|r| entered_since(r) && carries(body, r) == Some(true))
    {
        Some(record) => Found::Written(record),
        None => Found::NotWritten,
    }
}

/// Whether an update's values are what the record has now.
fn update_applied(request: &WriteRequest, now: &Value) -> bool {
    match &request.body {
        Some(Value::Array(ops)) => ops.iter().all(|op| {
            let field = patch_field(op.get("path").and_then(Value::as_str).unwrap_or_default());
            match (
                op.get("op").and_then(Value::as_str),
                op.get("value"),
                now.get(&field),
            ) {
                (Some("remove"), _, stored) => stored.is_none_or(Value::is_null),
                (_, Some(value), Some(stored)) => carries(value, stored) != Some(false),
                _ => false,
            }
        }),
        Some(body) => carries(body, now) == Some(true),
        None => false,
    }
}

/// Whether `stored` has every value of `sent` (fields it does not show are
/// not counted): `None` when nothing could be compared.
fn carries(sent: &Value, stored: &Value) -> Option<bool> {
    match (sent, stored) {
        (Value::Object(sent), Value::Object(stored)) => {
            let mut compared = None;
            for (key, value) in sent {
                let Some(stored) = stored.get(key) else { continue };
                match carries(value, stored) {
                    Some(false) => return Some(false),
                    Some(true) => compared = Some(true),
                    None => {}
                }
            }
            compared
        }
        (Value::Number(a), Value::Number(b)) => Some(a.as_f64() == b.as_f64()),
        (Value::String(a), Value::String(b)) => Some(a == b || (same_instant(a, b) && looks_like_time(a))),
        (a, b) => Some(a == b),
    }
}

fn looks_like_time(text: &str) -> bool {
    chrono::DateTime::parse_from_rfc3339(text.trim()).is_ok()
}

/// Journals a write; the journal id, or why it could not be journaled (the
/// write stands either way).
async fn record(
    journal: &Store,
    request: &WriteRequest,
    before: Option<Value>,
    after: Value,
    fingerprint: Option<String>,
) -> Result<i64, String> {
    let after = (!after.is_null()).then_some(after);
    let written = Written {
        id: 0,
        tool: request.tool.clone(),
        method: request.method().to_owned(),
        path: request.path.clone(),
        body: request.body.clone(),
        record_path: request.record_path(after.as_ref()),
        before,
        after,
        fingerprint,
        at: now(),
        undone_by: None,
    };
    let id = journal.journal(written).await;
    if let Err(e) = &id {
        tracing::warn!(error = %e, "write not journaled");
    }
    id
}

/// Fields that name a record (and the guard of the next update), kept in
/// every write's answer.
const NAMING_FIELDS: &[&str] = &[
    "id",
    "identifier",
    "name",
    "summary",
    "firstName",
    "lastName",
    "company",
    "_info",
];

/// The top-level fields a write sets: a body's keys (a create), the first
/// segment of each patch path (an update); `None` for a record sent whole
/// (PUT) or nothing at all.
fn written_fields(method: &str, body: Option<&Value>) -> Option<Vec<String>> {
    match (method, body?) {
        ("POST", Value::Object(record)) => Some(record.keys().cloned().collect()),
        ("PATCH", Value::Array(ops)) => Some(
            ops.iter()
                .filter_map(|op| op.get("path").and_then(Value::as_str))
                .filter_map(|path| path.trim_start_matches('/').split('/').next())
                .map(str::to_owned)
                .collect(),
        ),
        _ => None,
    }
}

/// The answer to the write `(method, body)`: the record shaped like any
/// tool's, cut to what names it, what this write set (as ConnectWise now
/// has it: a status set by id comes back with its name) and
/// `_info/lastUpdated`; the whole record is a read away (a created ticket
/// 1,706 → 267 characters). Its journal id for `cw_undo`.
fn answer(
    ctx: &Context,
    after: Value,
    (method, body): (&str, Option<&Value>),
    journal_id: Result<i64, String>,
) -> Value {
    let written = written_fields(method, body);
    let mut value = match after {
        Value::Null => json!({ "ok": true }),
        after => finish_one(after, false, ctx.answer_cap)
            .unwrap_or_else(|e| json!({ "ok": true, "note": e.to_string() })),
    };
    if let (Some(written), Value::Object(map)) = (written, &mut value) {
        map.retain(|key, _| {
            let root = key.split('/').next().unwrap_or(key);
            NAMING_FIELDS.contains(&root) || written.iter().any(|w| w == root)
        });
    }
    if !value.is_object() {
        value = json!({ "ok": true, "result": value });
    }
    match journal_id {
        Ok(id) => value["journal_id"] = json!(id),
        Err(e) => value["journal"] = json!(format!("not journaled ({e}); cw_undo cannot revert it")),
    }
    value
}

/// Seconds since the Unix epoch.
pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_answers_with_the_fields_it_set() {
        let create = json!({"company": {"identifier": "ACME"}, "summary": "x", "status": {"id": 1}});
        assert_eq!(
            written_fields("POST", Some(&create)),
            Some(vec!["company".into(), "status".into(), "summary".into()])
        );
        let patch = json!([{"op": "replace", "path": "status/id", "value": 5}, {"op": "replace", "path": "/summary", "value": "y"}]);
        assert_eq!(
            written_fields("PATCH", Some(&patch)),
            Some(vec!["status".into(), "summary".into()])
        );
        assert_eq!(written_fields("PUT", Some(&create)), None, "a record sent whole");
        assert_eq!(written_fields("DELETE", None), None);
    }

    #[test]
    fn a_stored_record_carries_what_was_sent_whatever_it_adds() {
        let sent =
            json!({"text": "Rebooted", "internalAnalysisFlag": true, "member": {"identifier": "JSmith"}});
        let stored = json!({"id": 4, "text": "Rebooted", "internalAnalysisFlag": true,
                            "member": {"id": 2, "identifier": "JSmith"}, "ticketId": 8});
        assert_eq!(carries(&sent, &stored), Some(true));
        let other = json!({"id": 5, "text": "Rebooted twice", "internalAnalysisFlag": true});
        assert_eq!(carries(&sent, &other), Some(false));
        assert_eq!(
            carries(&json!({"initialDescription": "x"}), &json!({"id": 1})),
            None
        );
        let time = json!({"timeStart": "2026-11-20T14:00:00Z", "actualHours": 0.5});
        let stored = json!({"timeStart": "2026-11-20T15:00:00+01:00", "actualHours": 0.50});
        assert_eq!(carries(&time, &stored), Some(true));
    }

    #[test]
    fn an_update_names_the_fields_it_replaces() {
        let op = crate::catalog::by_id("patchServiceTicketsById").unwrap();
        let request = WriteRequest {
            tool: "cw_update_ticket".into(),
            op,
            path: "/service/tickets/8".into(),
            query: Vec::new(),
            body: Some(json!([{"op": "replace", "path": "status", "value": {"id": 3}},
                              {"op": "replace", "path": "/summary", "value": "New"}])),
        };
        let before = json!({"id": 8, "summary": "Old", "status": {"id": 1, "name": "New"},
                            "_info": {"lastUpdated": "2026-11-01T10:00:00Z", "updatedBy": "TWilson"}});
        assert_eq!(
            current_values(&request, &before),
            // Customer text, kept in its place like in every answer.
            json!({"status": {"id": 1, "name": "New"}, "summary": "«Old»"})
        );
        assert!(refuse_if_changed(&request, "2026-11-01T11:00:00+01:00", &before).is_ok());
        let err = refuse_if_changed(&request, "2026-10-01T10:00:00Z", &before)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("TWilson changed it at 2026-11-01T10:00:00Z"),
            "{err}"
        );
        let after = json!({"id": 8, "summary": "New", "status": {"id": 3, "name": "Open"}});
        assert!(update_applied(&request, &after));
        assert!(!update_applied(&request, &before));
        assert_eq!(request.record_path(None), "/service/tickets/8");
    }
}
