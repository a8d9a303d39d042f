//! The HTTP side: one axum fallback handler that serves every path of the
//! spec under [`API_ROOT`].
//!
//! Every answer from ConnectWise carries `api-current-version` (the version
//! the tenant reports, [`Faults::version`]) and, when it has a body, the
//! vendor media type. Answers from the edge in front of ConnectWise (a rate
//! limit, a gateway error) carry neither: their bodies are HTML from the
//! edge, 429 and 503 with `Retry-After` ([`edge_response`]).

use super::errors::{ApiError, resource_name};
use super::faults::Faults;
use super::query::{ListParams, Query};
use super::routes::{Kind, Matched, Route, RouteTable, is_id, object_body_schema};
use super::shape::{View, custom_fields};
use super::store::{Collection, Store};
use super::write::{self, WriteContext};
use super::{LoggedRequest, SimOptions};
use crate::catalog::template::Segment;
use crate::spec::validate;
use crate::spec::{API_ROOT, MEDIA_TYPE};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use base64::Engine;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, RwLock};

/// Largest request body accepted.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// The `Retry-After` of a 503 from the edge.
pub const EDGE_RETRY_AFTER_SECS: u64 = 30;

/// The header every ConnectWise answer carries.
pub const VERSION_HEADER: &str = "api-current-version";

/// Shared state of a running simulator.
#[derive(Clone)]
pub struct App {
    pub store: Arc<RwLock<Store>>,
    pub faults: Faults,
    pub log: Arc<Mutex<Vec<LoggedRequest>>>,
    pub options: Arc<SimOptions>,
}

pub fn router(app: App) -> axum::Router {
    axum::Router::new().fallback(handle).with_state(app)
}

fn json_response(status: u16, body: &Value, extra: &[(&'static str, String)]) -> Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(MEDIA_TYPE));
    for (name, value) in extra {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.append(*name, v);
        }
    }
    response
}

fn error_response(e: &ApiError) -> Response {
    json_response(e.status, &e.body(), &e.headers)
}

/// An answer from the edge (Cloudflare) in front of ConnectWise: an HTML
/// page, not ConnectWise JSON, and none of ConnectWise's headers.
pub fn edge_response(status: u16, retry_after_secs: Option<u64>) -> Response {
    let (title, text) = match status {
        429 => (
            "Error 1015: You are being rate limited",
            "The owner of this website has banned you temporarily from accessing this website.",
        ),
        502 => ("502 Bad Gateway", "The web server reported a bad gateway error."),
        503 => (
            "503 Service Temporarily Unavailable",
            "The server is temporarily unable to service your request. Please try again later.",
        ),
        _ => (
            "504 Gateway Timeout",
            "The web server reported a gateway time-out error.",
        ),
    };
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head><title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n<p>{text}</p>\n<p>Cloudflare Ray ID: 8f3a2c1d9e7b6a54</p>\n</body>\n</html>\n"
    );
    let mut response = Response::new(Body::from(html));
    *response.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=UTF-8"),
    );
    headers.insert(header::SERVER, HeaderValue::from_static("cloudflare"));
    if let Some(secs) = retry_after_secs {
        headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

async fn handle(State(app): State<App>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, MAX_BODY).await.unwrap_or_default();
    app.record(&parts.method, &parts.uri, &parts.headers, &body);
    if strip_root(parts.uri.path()).is_some() {
        // What the edge or a throttle answers before ConnectWise sees the request.
        let decision = app.faults.decide();
        if !decision.latency.is_zero() {
            tokio::time::sleep(decision.latency).await;
        }
        if decision.hang {
            std::future::pending::<()>().await;
        }
        if let Some(retry_after) = decision.rate_limited {
            return edge_response(429, Some(retry_after));
        }
        match decision.server_error {
            Some(500) => {
                let e = ApiError::new(
                    500,
                    "InternalServerError",
                    "An error has occurred. The server could not complete the request.",
                );
                return app.versioned(error_response(&e));
            }
            Some(status) => {
                return edge_response(status, (status == 503).then_some(EDGE_RETRY_AFTER_SECS));
            }
            None => {}
        }
    }
    let drop_answer =
        strip_root(parts.uri.path()).is_some() && app.faults.drops_answer(parts.method.as_str());
    let response = match app.answer(&parts, body) {
        Ok(response) => response,
        Err(e) => error_response(&e),
    };
    if drop_answer {
        // The write is made; unwinding out of the connection's task closes
        // it before any answer (without the panic hook: nothing is printed).
        std::panic::resume_unwind(Box::new("simulated: answer dropped after the write"));
    }
    app.versioned(response)
}

fn strip_root(path: &str) -> Option<&str> {
    let head = path.get(..API_ROOT.len())?;
    if !head.eq_ignore_ascii_case(API_ROOT) {
        return None;
    }
    let rest = &path[API_ROOT.len()..];
    if rest.is_empty() || rest.starts_with('/') {
        Some(rest)
    } else {
        None
    }
}

fn unknown_path(method: &Method, path: &str) -> ApiError {
    ApiError::not_found(format!(
        "No HTTP resource was found that matches the request URI '{path}' ({method})."
    ))
}

struct Ctx {
    method: Method,
    rel: String,
    query: String,
    /// The API root as the client reached it: `http://host/v4_6_release/apis/3.0`.
    base: String,
    forward_only: bool,
    body: Bytes,
    /// Identifier of the member whose keys authenticated the request.
    member: String,
}

impl Ctx {
    fn pairs(&self) -> Vec<(String, String)> {
        form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }

    fn json_body(&self, resource: &str) -> Result<Value, ApiError> {
        if self.body.is_empty() {
            return Err(ApiError::invalid_object(
                resource,
                vec![super::errors::FieldError::new(
                    "NullValue",
                    "The request body is empty.",
                    resource,
                    "",
                )],
            ));
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            ApiError::new(
                400,
                "InvalidObject",
                format!("The request body is not valid JSON: {e}."),
            )
        })
    }
}

impl App {
    /// Adds the `api-current-version` header ConnectWise puts on every answer.
    fn versioned(&self, mut response: Response) -> Response {
        if let Ok(v) = HeaderValue::from_str(&self.faults.version()) {
            response.headers_mut().insert(VERSION_HEADER, v);
        }
        response
    }

    /// ConnectWise's answer: authentication, permissions, then the operation.
    fn answer(&self, parts: &axum::http::request::Parts, body: Bytes) -> Result<Response, ApiError> {
        let path = parts.uri.path();
        let Some(rel) = strip_root(path) else {
            return Err(unknown_path(&parts.method, path));
        };
        let member = self.authenticate(&parts.headers)?;
        if self.faults.is_forbidden(rel) {
            return Err(ApiError::security());
        }
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .unwrap_or("127.0.0.1");
        let forward_only = parts
            .headers
            .get("pagination-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("forward-only"));
        let ctx = Ctx {
            method: parts.method.clone(),
            rel: rel.to_string(),
            query: parts.uri.query().unwrap_or("").to_string(),
            base: format!("http://{host}{API_ROOT}"),
            forward_only,
            body,
            member,
        };
        self.dispatch(&ctx)
    }

    /// How the records of the concrete collection `path` are served to this request.
    fn view<'a>(&self, store: &'a Store, base: &'a str, path: &'a str) -> View<'a> {
        View::of(store, base, path, self.faults.odd_shapes())
    }

    fn record(&self, method: &Method, uri: &axum::http::Uri, headers: &HeaderMap, body: &Bytes) {
        let entry = LoggedRequest {
            method: method.to_string(),
            path_and_query: uri.path_and_query().map(|p| p.to_string()).unwrap_or_default(),
            headers: headers
                .iter()
                .filter(|(name, _)| *name != header::AUTHORIZATION)
                .map(|(name, value)| {
                    (
                        name.to_string(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: (!body.is_empty()).then(|| String::from_utf8_lossy(body).into_owned()),
        };
        self.log.lock().unwrap_or_else(|e| e.into_inner()).push(entry);
    }

    /// The identifier of the member whose keys the request carries.
    ///
    /// A missing or unregistered `clientId` is refused first (a 400 naming
    /// it), then missing
    /// or malformed credentials (401 `Unauthorized`), then keys that match no
    /// member (401 `ConnectWiseApi` / `UserNotAuthenticated`).
    fn authenticate(&self, headers: &HeaderMap) -> Result<String, ApiError> {
        let o = &self.options;
        let client_id = headers
            .get("clientid")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty());
        match client_id {
            None => return Err(ApiError::client_id_required()),
            Some(id) if !id.eq_ignore_ascii_case(&o.client_id) => return Err(ApiError::client_id_unknown()),
            Some(_) => {}
        }
        let malformed = || {
            ApiError::unauthorized(
                "Authorization has been denied for this request: send HTTP Basic credentials {companyId}+{publicKey}:{privateKey}.",
            )
        };
        let value = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(malformed)?;
        let (scheme, encoded) = value.trim().split_once(' ').ok_or_else(malformed)?;
        if !scheme.eq_ignore_ascii_case("basic") {
            return Err(malformed());
        }
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .ok_or_else(malformed)?;
        let (user, private) = decoded.split_once(':').ok_or_else(malformed)?;
        let (company, public) = user.split_once('+').ok_or_else(malformed)?;
        if !company.eq_ignore_ascii_case(&o.company_id) {
            return Err(ApiError::user_not_authenticated());
        }
        if public == o.public_key && private == o.private_key {
            return Ok(o.member_identifier.clone());
        }
        o.member_keys
            .iter()
            .find(|k| k.public_key == public && k.private_key == private)
            .map(|k| k.member_identifier.clone())
            .ok_or_else(ApiError::user_not_authenticated)
    }

    fn write_context<'a>(&'a self, ctx: &'a Ctx) -> WriteContext<'a> {
        WriteContext {
            member: &ctx.member,
            closed_through: self.options.closed_through,
            now: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }

    fn dispatch(&self, ctx: &Ctx) -> Result<Response, ApiError> {
        let table = RouteTable::global();
        // Cloud sites answer this although the 2022.1 spec does not list it.
        if ctx
            .rel
            .trim_end_matches('/')
            .eq_ignore_ascii_case("/system/myAccount")
            && ctx.method == Method::GET
        {
            return self.my_account(ctx);
        }
        let Some(matched) = table.matches(&ctx.rel) else {
            return Err(unknown_path(&ctx.method, &format!("{API_ROOT}{}", ctx.rel)));
        };
        let method = ctx.method.as_str().to_ascii_lowercase();
        let op = crate::catalog::Method::parse(&method).and_then(|m| matched.route.operation(m));
        let Some(op) = op else {
            let mut allowed: Vec<&str> = matched
                .route
                .operations
                .iter()
                .map(|o| o.method.as_str())
                .collect();
            allowed.sort();
            return Err(ApiError::new(
                405,
                "MethodNotAllowed",
                format!(
                    "The requested resource does not support http method '{}'. {} supports: {}.",
                    ctx.method,
                    matched.route.template,
                    allowed.join(", ")
                ),
            )
            .with_header("allow", allowed.join(", ")));
        };
        let request_schema = object_body_schema(op);
        let schema_name = op
            .response_schema
            .or(request_schema)
            .or_else(|| collection_schema(&matched));
        let resource = schema_name.map(resource_name).unwrap_or_else(|| "object".into());
        match (matched.route.kind, method.as_str()) {
            (Kind::Collection, "get") => self.list(ctx, &matched, schema_name, &resource),
            (Kind::Collection, "post") => self.create(ctx, &matched, request_schema, &resource),
            (Kind::Count, "get") => self.count(ctx, &matched, &resource),
            (Kind::Item, "get") => self.get_item(ctx, &matched, &resource),
            (Kind::Item, "put") => self.replace(ctx, &matched, request_schema, &resource),
            (Kind::Item, "patch") => self.patch(ctx, &matched, &resource),
            (Kind::Item, "delete") => self.delete(&matched, &resource),
            (Kind::Other, "get") => self.singleton(ctx, &matched),
            (Kind::Other, "post") if matched.route.template.ends_with("/search") => {
                self.search(ctx, &matched)
            }
            (Kind::Other, "post") if matched.route.template == "/time/sheets/{id}/submit" => {
                self.submit_timesheet(ctx, &matched)
            }
            _ => Err(ApiError::new(
                501,
                "NotImplemented",
                format!(
                    "The simulator does not model {} {}.",
                    ctx.method, matched.route.template
                ),
            )),
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Store> {
        self.store.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Store> {
        self.store.write().unwrap_or_else(|e| e.into_inner())
    }

    /// 404 unless every parent record named in the path exists.
    fn check_parents(&self, store: &Store, matched: &Matched) -> Result<(), ApiError> {
        let route = matched.route;
        let last_var = match route.kind {
            Kind::Item => route
                .segments
                .iter()
                .rposition(|s| matches!(s, Segment::Variable(_))),
            _ => None,
        };
        let parts: Vec<&str> = matched.concrete.split('/').filter(|s| !s.is_empty()).collect();
        for (i, seg) in route.segments.iter().enumerate() {
            let Segment::Variable(name) = seg else { continue };
            if Some(i) == last_var || !is_id(name) || i == 0 {
                continue;
            }
            let parent_collection = format!("/{}", parts[..i].join("/"));
            let Some(parent_route) = RouteTable::global().get(&route_template_prefix(route, i)) else {
                continue;
            };
            if parent_route.kind != Kind::Collection {
                continue;
            }
            let Ok(id) = parts[i].parse::<i64>() else { continue };
            if store.get(&parent_collection, id).is_none() {
                let parent_schema = parent_route.record_schema().unwrap_or("Record");
                return Err(ApiError::record_not_found(parent_schema, &id.to_string()));
            }
        }
        Ok(())
    }

    fn list(
        &self,
        ctx: &Ctx,
        matched: &Matched,
        schema_name: Option<&str>,
        resource: &str,
    ) -> Result<Response, ApiError> {
        let pairs = ctx.pairs();
        let params = ListParams::from_pairs(&pairs, resource)?;
        let query = Query::compile(&params, schema_name, resource, ctx.forward_only)?;
        let store = self.read();
        self.check_parents(&store, matched)?;
        let path = matched.collection_path();
        let view = self.view(&store, &ctx.base, &path);
        let empty = Collection::default();
        let collection = store.collection(&path).unwrap_or(&empty);
        let page_number = if ctx.forward_only { 1 } else { params.page };
        let page = query.page(collection, page_number, params.page_size, &view);
        drop(store);
        let link = link_header(ctx, &pairs, &params, &page);
        let extra: Vec<(&'static str, String)> = link.into_iter().map(|l| ("link", l)).collect();
        Ok(json_response(200, &Value::Array(page.items), &extra))
    }

    fn search(&self, ctx: &Ctx, matched: &Matched) -> Result<Response, ApiError> {
        let collection_template = matched.route.template.trim_end_matches("/search");
        let route = RouteTable::global()
            .get(collection_template)
            .filter(|r| r.kind == Kind::Collection);
        let Some(route) = route else {
            return Err(ApiError::new(
                501,
                "NotImplemented",
                format!("The simulator does not model POST {}.", matched.route.template),
            ));
        };
        let schema_name = route.record_schema();
        let resource = schema_name.map(resource_name).unwrap_or_else(|| "object".into());
        let body = if ctx.body.is_empty() {
            json!({})
        } else {
            ctx.json_body(&resource)?
        };
        let mut pairs = ctx.pairs();
        if let Some(object) = body.as_object() {
            for (k, v) in object {
                let text = match v {
                    Value::String(s) => s.clone(),
                    Value::Null => continue,
                    other => other.to_string(),
                };
                pairs.push((k.clone(), text));
            }
        }
        let params = ListParams::from_pairs(&pairs, &resource)?;
        let query = Query::compile(&params, schema_name, &resource, false)?;
        let path = matched.concrete.trim_end_matches("/search").to_string();
        let store = self.read();
        let view = self.view(&store, &ctx.base, &path);
        let empty = Collection::default();
        let collection = store.collection(&path).unwrap_or(&empty);
        let page = query.page(collection, params.page, params.page_size, &view);
        Ok(json_response(200, &Value::Array(page.items), &[]))
    }

    fn count(&self, ctx: &Ctx, matched: &Matched, resource: &str) -> Result<Response, ApiError> {
        let collection_template = matched.route.collection.unwrap_or_default();
        let schema_name = RouteTable::global().record_schema(collection_template);
        let resource = schema_name
            .map(resource_name)
            .unwrap_or_else(|| resource.to_string());
        let params = ListParams::from_pairs(&ctx.pairs(), &resource)?;
        let query = Query::compile(&params, schema_name, &resource, false)?;
        let store = self.read();
        self.check_parents(&store, matched)?;
        let path = matched.collection_path();
        let view = self.view(&store, &ctx.base, &path);
        let n = store.collection(&path).map_or(0, |c| query.count(c, &view));
        Ok(json_response(200, &json!({ "count": n }), &[]))
    }

    /// The id of the record an item path names: its number, or the record
    /// whose `identifier` is that text.
    fn item_id(&self, store: &Store, matched: &Matched, resource: &str) -> Result<i64, ApiError> {
        let key = matched.item_key().unwrap_or("");
        let path = matched.collection_path();
        if let Ok(id) = key.parse::<i64>() {
            if store.get(&path, id).is_some() {
                return Ok(id);
            }
        } else if let Some(c) = store.collection(&path)
            && let Some((id, _)) = c.records.iter().find(|(_, r)| {
                r.get("identifier")
                    .and_then(Value::as_str)
                    .is_some_and(|i| i.eq_ignore_ascii_case(key))
            })
        {
            return Ok(*id);
        }
        let schema = matched.route.record_schema().unwrap_or(resource);
        Err(ApiError::record_not_found(schema, key))
    }

    fn get_item(&self, ctx: &Ctx, matched: &Matched, resource: &str) -> Result<Response, ApiError> {
        let store = self.read();
        self.check_parents(&store, matched)?;
        let id = self.item_id(&store, matched, resource)?;
        let path = matched.collection_path();
        let view = self.view(&store, &ctx.base, &path);
        let record = view.serve(store.get(&path, id).unwrap_or(&Value::Null));
        // Item GETs honour `fields` too, as ConnectWise does.
        let fields = ctx
            .pairs()
            .into_iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("fields"))
            .map(|(_, v)| v);
        let record = match fields.as_deref().map(str::trim).filter(|f| !f.is_empty()) {
            Some(f) => crate::sim::query::FieldTree::parse(f).project(&record),
            None => record,
        };
        Ok(json_response(200, &record, &[]))
    }

    fn parent_id(matched: &Matched) -> Option<i64> {
        matched
            .vars
            .iter()
            .find(|(name, _)| *name == "parentId")
            .and_then(|(_, v)| v.parse().ok())
    }

    /// The JSON body of a POST or PUT, checked against the operation's
    /// request schema (every problem an `errors[]` entry naming the field; a
    /// too-long text alone, as ConnectWise's `MaxLengthField`) and its
    /// `customFields` against the tenant's definitions, which it is stored as.
    fn validated_body(
        ctx: &Ctx,
        request_schema: Option<&str>,
        resource: &str,
        template: &str,
    ) -> Result<Value, ApiError> {
        let mut body = ctx.json_body(resource)?;
        let given_fields = body.as_object_mut().and_then(|o| o.remove("customFields"));
        let mut errors = match request_schema {
            Some(schema_name) => validate::validate_body(schema_name, &body, resource, true),
            None => Vec::new(),
        };
        if let Some(too_long) = errors.iter().find(|e| e.code == "MaxLengthField") {
            return Err(ApiError::new(400, "MaxLengthField", too_long.message.clone()));
        }
        if let Some(given) = given_fields {
            match custom_fields::stored_form(template, &given, resource) {
                Ok(Some(stored)) => body["customFields"] = stored,
                Ok(None) => {}
                Err(more) => errors.extend(more),
            }
        }
        if !errors.is_empty() {
            return Err(ApiError::invalid_object(resource, errors));
        }
        Ok(body)
    }

    fn create(
        &self,
        ctx: &Ctx,
        matched: &Matched,
        request_schema: Option<&str>,
        resource: &str,
    ) -> Result<Response, ApiError> {
        let template = matched.route.collection.unwrap_or_default();
        let body = Self::validated_body(ctx, request_schema, resource, template)?;
        let wctx = self.write_context(ctx);
        let path = matched.collection_path();
        let mut record = body;
        if let Some(object) = record.as_object_mut() {
            object.remove("id");
            object.remove("_info");
        }
        let mut store = self.write();
        self.check_parents(&store, matched)?;
        if let Some(schema_name) = request_schema {
            write::resolve_references(&store, schema_name, &mut record, None, resource)?;
        }
        let extra = write::apply_rules(
            &store,
            template,
            Self::parent_id(matched),
            &mut record,
            None,
            &wctx,
        )?;
        write::stamp_info(&mut record, None, &wctx);
        let id = store.next_id(&path);
        if let Some(object) = record.as_object_mut() {
            object.insert("id".into(), Value::from(id));
        }
        self.view(&store, &ctx.base, &path).stored_form(&mut record);
        store.insert(&path, record.clone());
        for (child_path, child) in extra {
            let child_path = if child_path.is_empty() {
                format!("{path}/{id}/notes")
            } else {
                child_path
            };
            let mut child = child;
            if let Some(object) = child.as_object_mut() {
                object.insert("ticketId".into(), Value::from(id));
            }
            store.insert(&child_path, child);
        }
        let served = self.view(&store, &ctx.base, &path).serve(&record);
        Ok(json_response(201, &served, &[]))
    }

    fn replace(
        &self,
        ctx: &Ctx,
        matched: &Matched,
        request_schema: Option<&str>,
        resource: &str,
    ) -> Result<Response, ApiError> {
        let template = matched.route.collection.unwrap_or_default();
        let body = Self::validated_body(ctx, request_schema, resource, template)?;
        let wctx = self.write_context(ctx);
        let path = matched.collection_path();
        let mut store = self.write();
        self.check_parents(&store, matched)?;
        let id = self.item_id(&store, matched, resource)?;
        let previous = store.get(&path, id).cloned();
        let mut record = body;
        if let Some(schema_name) = request_schema {
            write::resolve_references(&store, schema_name, &mut record, None, resource)?;
        }
        write::apply_rules(
            &store,
            template,
            Self::parent_id(matched),
            &mut record,
            previous.as_ref(),
            &wctx,
        )?;
        write::stamp_info(&mut record, previous.as_ref(), &wctx);
        if let Some(object) = record.as_object_mut() {
            object.insert("id".into(), Value::from(id));
        }
        self.view(&store, &ctx.base, &path).stored_form(&mut record);
        store.insert(&path, record.clone());
        let served = self.view(&store, &ctx.base, &path).serve(&record);
        Ok(json_response(200, &served, &[]))
    }

    fn patch(&self, ctx: &Ctx, matched: &Matched, resource: &str) -> Result<Response, ApiError> {
        let body = ctx.json_body(resource)?;
        if !body.is_array() {
            return Err(ApiError::invalid_object(
                resource,
                vec![super::errors::FieldError::new(
                    "InvalidObject",
                    "The request body must be a JSON Patch array: [{\"op\": \"replace\", \"path\": \"status\", \"value\": {\"id\": 5}}].",
                    resource,
                    "",
                )],
            ));
        }
        let wctx = self.write_context(ctx);
        let path = matched.collection_path();
        let template = matched.route.collection.unwrap_or_default();
        let schema_name = matched.route.record_schema().or_else(|| {
            matched
                .route
                .operation(crate::catalog::Method::Put)
                .and_then(object_body_schema)
        });
        let mut store = self.write();
        self.check_parents(&store, matched)?;
        let id = self.item_id(&store, matched, resource)?;
        let previous = store.get(&path, id).cloned().unwrap_or(Value::Null);
        let mut record = previous.clone();
        let touches_custom_fields = write::patch_paths(&body)
            .iter()
            .any(|p| p.eq_ignore_ascii_case("customFields"));
        if touches_custom_fields {
            // Patch paths index the custom fields as served.
            let served = self.view(&store, &ctx.base, &path).custom_fields(&previous);
            record["customFields"] = Value::Array(served);
        }
        if let Some(schema_name) = &schema_name {
            let changed = write::apply_patch(schema_name, &mut record, &body, resource)?;
            write::resolve_references(&store, schema_name, &mut record, Some(&changed), resource)?;
        }
        if touches_custom_fields {
            let given = record.get("customFields").cloned().unwrap_or(Value::Null);
            let stored = custom_fields::stored_form(template, &given, resource)
                .map_err(|errors| ApiError::invalid_object(resource, errors))?;
            match (stored, record.as_object_mut()) {
                (Some(stored), Some(object)) => {
                    object.insert("customFields".into(), stored);
                }
                (None, Some(object)) => {
                    object.remove("customFields");
                }
                _ => {}
            }
        }
        write::apply_rules(
            &store,
            template,
            Self::parent_id(matched),
            &mut record,
            Some(&previous),
            &wctx,
        )?;
        write::stamp_info(&mut record, Some(&previous), &wctx);
        if let Some(object) = record.as_object_mut() {
            object.insert("id".into(), Value::from(id));
        }
        self.view(&store, &ctx.base, &path).stored_form(&mut record);
        store.insert(&path, record.clone());
        let served = self.view(&store, &ctx.base, &path).serve(&record);
        Ok(json_response(200, &served, &[]))
    }

    /// `POST /time/sheets/{id}/submit`: an open (or rejected) timesheet
    /// goes to approval; ConnectWise answers a `SuccessResponse`.
    fn submit_timesheet(&self, ctx: &Ctx, matched: &Matched) -> Result<Response, ApiError> {
        const SHEETS: &str = "/time/sheets";
        let id = matched
            .vars
            .first()
            .and_then(|(_, v)| v.parse::<i64>().ok())
            .ok_or_else(|| ApiError::record_not_found("TimeSheet", "?"))?;
        let wctx = self.write_context(ctx);
        let mut store = self.write();
        let previous = store
            .get(SHEETS, id)
            .cloned()
            .ok_or_else(|| ApiError::record_not_found("TimeSheet", &id.to_string()))?;
        let mut record = previous.clone();
        write::submit_timesheet(&mut record)?;
        write::stamp_info(&mut record, Some(&previous), &wctx);
        store.insert(SHEETS, record);
        let answer =
            serde_json::json!({"success": true, "message": format!("Time sheet {id} was submitted.")});
        Ok(json_response(200, &answer, &[]))
    }

    fn delete(&self, matched: &Matched, resource: &str) -> Result<Response, ApiError> {
        let mut store = self.write();
        self.check_parents(&store, matched)?;
        let id = self.item_id(&store, matched, resource)?;
        let path = matched.collection_path();
        store.remove(&path, id);
        store.remove_children(&format!("{path}/{id}/"));
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::NO_CONTENT;
        Ok(response)
    }

    fn my_account(&self, ctx: &Ctx) -> Result<Response, ApiError> {
        const MEMBERS: &str = "/system/members";
        let store = self.read();
        let me = store.collection(MEMBERS).and_then(|c| {
            c.records
                .iter()
                .map(|(_, r)| r)
                .find(|r| r.get("identifier").and_then(Value::as_str) == Some(ctx.member.as_str()))
        });
        match me {
            Some(member) => {
                let served = self.view(&store, &ctx.base, MEMBERS).serve(member);
                Ok(json_response(200, &served, &[]))
            }
            None => Err(ApiError::not_found(
                "The member behind these API keys was not found.",
            )),
        }
    }

    fn singleton(&self, ctx: &Ctx, matched: &Matched) -> Result<Response, ApiError> {
        let store = self.read();
        let template = matched.route.template;
        if let Some((_, first)) = store
            .collection(&matched.concrete)
            .and_then(|c| c.records.first())
        {
            let served = self.view(&store, &ctx.base, &matched.concrete).serve(first);
            return Ok(json_response(200, &served, &[]));
        }
        if template == "/system/info" {
            return Ok(json_response(
                200,
                &json!({
                    "version": format!("v{}.{SERVER_BUILD}", self.faults.version()),
                    "isCloud": true,
                    "serverTimeZone": "Eastern Standard Time",
                    "licenseBits": [],
                    "cloudRegion": "NA",
                }),
                &[],
            ));
        }
        Err(ApiError::not_found(format!(
            "The simulated tenant has no record at {}.",
            matched.concrete
        )))
    }
}

/// The build number `/system/info` reports after the version (`v2022.1.93017`).
const SERVER_BUILD: u32 = 93017;

/// The `Link` header of a list answer. Navigable paging: `first` and `prev`
/// past page 1, `next` and `last` before the last page, each link ending in
/// `page`; none when one page holds everything. Forward-only paging: `next`
/// with the last record's id as `pageId` while more records follow, and an
/// empty header on the last page (clients follow links until it is empty).
fn link_header(
    ctx: &Ctx,
    pairs: &[(String, String)],
    params: &ListParams,
    page: &crate::sim::query::Page,
) -> Option<String> {
    let base = format!("{}{}", ctx.base, ctx.rel);
    let keep: Vec<&(String, String)> = pairs
        .iter()
        .filter(|(k, _)| !matches!(k.to_ascii_lowercase().as_str(), "page" | "pagesize" | "pageid"))
        .collect();
    let size = params.page_size.to_string();
    let link = |rel: &str, last: (&str, String)| {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &keep {
            s.append_pair(k, v);
        }
        s.append_pair("pageSize", &size);
        s.append_pair(last.0, &last.1);
        format!("<{base}?{}>; rel=\"{rel}\"", s.finish())
    };
    let mut links = Vec::new();
    if ctx.forward_only {
        if page.more
            && let Some(last_id) = page.last_id
        {
            links.push(link("next", ("pageId", last_id.to_string())));
        }
        return Some(links.join(", "));
    }
    let n = params.page;
    let last = page.total.div_ceil(params.page_size).max(1);
    if n > 1 {
        links.push(link("first", ("page", "1".into())));
        links.push(link("prev", ("page", (n - 1).min(last).to_string())));
    }
    if n < last {
        links.push(link("next", ("page", (n + 1).to_string())));
        links.push(link("last", ("page", last.to_string())));
    }
    (!links.is_empty()).then(|| links.join(", "))
}

/// The template of the first `i` segments of `route` (the parent collection
/// of the variable at `i`).
fn route_template_prefix(route: &Route, i: usize) -> String {
    let mut s = String::new();
    for seg in &route.segments[..i] {
        s.push('/');
        match seg {
            Segment::Literal(l) => s.push_str(l),
            Segment::Variable(v) => {
                s.push('{');
                s.push_str(v);
                s.push('}');
            }
        }
    }
    // Parent variables are spelled `{parentId}`/`{grandparentId}` in child
    // templates but `{id}`/`{parentId}` in the parent's own: normalise by
    // looking the shape up.
    find_template_by_shape(&s).unwrap_or(s)
}

fn find_template_by_shape(template: &str) -> Option<String> {
    let table = RouteTable::global();
    if table.get(template).is_some() {
        return Some(template.to_string());
    }
    let shape = |t: &str| -> Vec<Option<String>> {
        t.split('/')
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.starts_with('{') {
                    None
                } else {
                    Some(s.to_ascii_lowercase())
                }
            })
            .collect()
    };
    let wanted = shape(template);
    table
        .routes
        .iter()
        .find(|r| r.kind == Kind::Collection && shape(r.template) == wanted)
        .map(|r| r.template.to_owned())
}

fn collection_schema(matched: &Matched) -> Option<&'static str> {
    RouteTable::global().record_schema(matched.route.collection?)
}
