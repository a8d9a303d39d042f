//! A simulated ConnectWise Manage server, for tests, `--demo` and benchmarks.
//!
//! No machine here can reach ConnectWise, so the project carries its own. It
//! serves the whole API *generically* from the spec's operations
//! ([`crate::catalog`]) and schemas ([`crate::spec::schema`]) under
//! [`crate::spec::API_ROOT`] (`/v4_6_release/apis/3.0`): a request path
//! is matched against the spec's path templates, so every collection works,
//! and each template is a collection (`/service/tickets`,
//! `/service/tickets/{parentId}/notes`), an item (`…/{id}`), a count
//! (`…/count`) or something else (singletons such as `/system/info`).
//!
//! What it serves is modelled on records and error bodies captured from real
//! tenants (`shared/real-cw/README.md`). Each point below says whether it is
//! what real tenants do (**real**) or, where that is not known, the stricter
//! reading the simulator takes (**stricter**), so that a client passing here
//! does not fail on a real tenant for a reason the simulator hid.
//!
//! # Records
//! - **Real size and shape** ([`shape`]). A ticket is served with some 70
//!   top-level keys and ~6 KB of JSON, like a real one (real: 65 keys,
//!   6.4 KB): `_info` with `dateEntered`, `enteredBy`, `lastUpdated`,
//!   `updatedBy` and the `*_href` links of a real ticket (`notes_href`,
//!   `timeentries_href` with ConnectWise's own unescaped conditions, ...);
//!   `mobileGuid`; every reference with `_info` holding its `*_href` (with the
//!   doubled slash real hrefs have, `…/apis/3.0//company/companies/16`) and
//!   the target's `mobileGuid` where the target has one; a status reference's
//!   `"Sort"` with a capital S; `customFields`. Contacts, companies, members,
//!   configurations, time entries, agreements, opportunities, projects,
//!   schedule entries, activities, invoices, boards, statuses and priorities
//!   carry the fields real ones do. All real.
//! - Links are built against the host the request came in on. Fields with no
//!   value are left out, never `null` (real). `dateEntered` of a ticket is
//!   only under `_info` (real).
//! - Some fields real tenants send are not in the 2022.1 spec
//!   (`escalationLevel`, `minutesWaiting`, `resolutionHours`, ...): they are
//!   served anyway, as real tenants do, and `conditions` naming them is
//!   refused as an unknown field (the spec is all a client can check against).
//! - **Stored form.** The store keeps what is distinctive per record; what
//!   every record of a kind shares (defaults), what follows from other fields
//!   (a ticket's `team` and `department` from its board, `slaStatus` and
//!   `respondMinutes` from its dates) and every link are added when a record
//!   is served. `conditions`, `orderBy` and `fields` see records exactly as
//!   served. A record written back as it was served stores nothing more;
//!   a default or computed field given a different value keeps that value.
//! - **Custom fields** ([`shape::custom_fields`]): nine definitions (tickets,
//!   companies, configurations; `/system/userDefinedFields`), each record
//!   served with one element per definition (`id`, `caption`, `type`,
//!   `entryMethod`, `numberOfDecimals`, and `value` when set, typed: text,
//!   number, boolean, date). A write's `customFields` replaces the stored
//!   values: a field left out of the array is cleared (real). A value of the
//!   wrong type, an unknown field id, or a `List` value outside its choices is
//!   a 400 (stricter).
//! - **`initialDescription`** (and `initialInternalAnalysis`,
//!   `initialResolution`) is accepted on create only and becomes the ticket's
//!   first note with `detailDescriptionFlag` (real); it is never stored or
//!   served on the ticket (real). Sending one on PUT or PATCH is a 400
//!   (stricter: what ConnectWise does with it is not known).
//!
//! # Requests and answers
//! - **Auth.** Every request must carry a `clientId` header: without one it
//!   is a 400 `MissingRequiredField` naming `clientId`
//!   ([`errors::CLIENT_ID_REQUIRED_MESSAGE`]), and one that is not
//!   [`SimOptions::client_id`] a 400 naming it too
//!   ([`errors::CLIENT_ID_UNKNOWN_MESSAGE`]), checked before the keys
//!   (medium confidence: one vendor's documentation says a missing or
//!   unregistered clientId is a 400; the exact code is not known). HTTP Basic
//!   `{companyId}+{publicKey}:{privateKey}` must match [`SimOptions`] (company
//!   id case-insensitively): missing or malformed credentials are a 401
//!   `Unauthorized`; keys that match no member a 401
//!   `{"code":"ConnectWiseApi","message":"UserNotAuthenticated"}` (both codes
//!   are real; which one a real tenant gives when is not known, so a client
//!   must read both).
//! - **Headers.** Every answer from ConnectWise, errors included, carries
//!   `api-current-version` (real) with the version the tenant reports
//!   ([`Faults::report_version`], default the spec's 2022.1), and JSON
//!   bodies `Content-Type` [`crate::spec::MEDIA_TYPE`]
//!   (`application/vnd.connectwise.com+json; version=2022.1`).
//! - **Lists**: `conditions` (evaluated with [`crate::conditions`], validated
//!   against the record schema; a parse or validation error is a 400 whose
//!   message says what and where; a literal of the wrong kind, `closedFlag =
//!   1`, is a 400 with ConnectWise's own text,
//!   [`errors::CONDITION_LITERAL_MESSAGE`], real), `childConditions`,
//!   `customFieldConditions` (tested against each served element of
//!   `customFields`), `orderBy` (comma separated, nested paths, nulls first,
//!   text case-insensitive), `fields` (nested paths such as `status/name` →
//!   `{"status":{"name":…}}`; unknown fields are left out silently),
//!   `page`/`pageSize` (default 25; above 1,000 it is **clamped to 1,000**,
//!   ConnectWise's hard limit, without an error).
//! - **Paging** (real): a `Link` header with `first` and `prev` past page 1
//!   and `next` and `last` before the last page, `page` the last query
//!   parameter of each link; no header when one page holds everything.
//!   Forward-only paging (`pagination-type: forward-only` header + `pageId` =
//!   `id > pageId`, id order) answers `next` links carrying `pageId` and, on
//!   the last page, an empty `Link` header: clients follow links until the
//!   header is empty.
//! - **Writes**: POST assigns ids (one counter per path template) and fills
//!   `_info`; bodies are checked against the spec's request schema (required
//!   fields, JSON types, enums, whole-second date-times, "Max length"). A
//!   too-long text is a 400 `{"code":"MaxLengthField","message":"The field
//!   summary must be a string with a maximum length of 100."}` (real); other
//!   problems are `errors[]` entries naming the field (`MissingRequiredField`
//!   "summary is required.", real code). References given as `{"id": 5}` (or
//!   `identifier`/`name`) become full reference objects; a reference to a
//!   missing record is `NotFound` on `status/id` with "Service Status 17 not
//!   found for Service Board 21" (real). PATCH takes a JSON Patch array
//!   (`replace`, `add`, `remove`; `status`, `/status`, `status/id`); a body
//!   that is not an array is a 400 (stricter). PUT replaces, DELETE is 204.
//!   Child collections 404 when the parent record does not exist.
//! - **Rules**: a ticket note needs `text` and one of `detailDescriptionFlag`,
//!   `internalAnalysisFlag`, `resolutionFlag`; a time entry whose `timeStart`
//!   falls on or before [`SimOptions::closed_through`] is a 400 with
//!   [`errors::CLOSED_PERIOD_MESSAGE`]; `chargeToId` must name an existing
//!   ticket for `ServiceTicket`; `actualHours` is computed from
//!   `timeStart`/`timeEnd`.
//! - **Errors**: ConnectWise's shape (`code`, `message`, `errors[]`). 404
//!   `NotFound` "Ticket 1255787 not found" for unknown ids (real) and for
//!   paths not in the spec; 403 `Security` "You do not have security
//!   permission to perform this action." (real); 405 (with `Allow`) for a
//!   method the spec does not have on that path; 501 for operations the
//!   simulator does not model (actions such as `/merge`).
//! - **Faults** ([`Faults`]): 429 and 502-504 come from the edge in front of
//!   ConnectWise, as real ones do: an HTML page, not ConnectWise JSON, without
//!   `api-current-version`; 429 and 503 carry `Retry-After`. A 500 is
//!   ConnectWise's own JSON. Latency, hangs, 403 by path prefix. All switchable
//!   at run time.
//! - **Quirks** for testing clients ([`Faults`]): the ConnectWise version the
//!   tenant reports (`/system/info`, `api-current-version`), and odd shapes
//!   ([`shape::odd`]): a few records of the curated collections served with a
//!   `null` value, an enum value the spec does not list, extra fields, an
//!   object where a list was promised, or a key in another case.
//!
//! The simulator never panics on input: every bad input is a 4xx.
//!
//! `--demo` uses a [`lazy::LazySimulator`]: the port is bound at once and the
//! tenant built when ConnectWise is first asked, so a client's `initialize`
//! and `tools/list` do not wait for it.

pub mod errors;
pub mod faults;
pub mod lazy;
pub mod query;
pub mod routes;
pub mod seed;
pub mod server;
pub mod shape;
pub mod store;
pub mod write;

pub use faults::Faults;

use chrono::NaiveDate;
use serde_json::Value;
use shape::View;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use store::Store;

/// Default credentials of the demo tenant.
pub const DEMO_COMPANY_ID: &str = "demo";
pub const DEMO_PUBLIC_KEY: &str = "demoPublicKey01";
pub const DEMO_PRIVATE_KEY: &str = "demoPrivateKey01";
pub const DEMO_CLIENT_ID: &str = "6f1c1c36-0d3e-4b6a-9a39-2f4b8f7d5e10";
/// The member the demo keys belong to (the seed's API member).
pub const DEMO_MEMBER_IDENTIFIER: &str = "APIMember";
/// Member API keys of two seed technicians, for sessions that bring their
/// own keys: (public key, private key, member identifier).
pub const DEMO_MEMBER_KEYS: &[(&str, &str, &str)] = &[
    ("ajonesPublicKey", "ajonesPrivateKey", "AJones"),
    ("jsmithPublicKey", "jsmithPrivateKey", "JSmith"),
];
/// Time periods are closed through this date by default (the seed tenant's
/// "now" is 2026-11-20).
pub const DEFAULT_CLOSED_THROUGH: &str = "2026-09-30";

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimOptions {
    pub company_id: String,
    pub public_key: String,
    pub private_key: String,
    /// The one `clientId` the tenant knows (as if registered on the developer
    /// portal); any other is a 400 naming `clientId`.
    pub client_id: String,
    /// Identifier of the member behind the keys (`updatedBy`, `/system/myAccount`).
    pub member_identifier: String,
    /// Further members' API keys the tenant accepts; a request made with them
    /// acts as that member (`enteredBy`, `/system/myAccount`), as in ConnectWise.
    pub member_keys: Vec<MemberKeys>,
    pub seed: u64,
    pub size: seed::Size,
    /// Time entries starting on or before this date are rejected; `None`: every period is open.
    pub closed_through: Option<NaiveDate>,
    /// Start empty instead of generating the seed tenant.
    pub empty: bool,
}

impl Default for SimOptions {
    fn default() -> Self {
        SimOptions {
            company_id: DEMO_COMPANY_ID.into(),
            public_key: DEMO_PUBLIC_KEY.into(),
            private_key: DEMO_PRIVATE_KEY.into(),
            client_id: DEMO_CLIENT_ID.into(),
            member_identifier: DEMO_MEMBER_IDENTIFIER.into(),
            member_keys: DEMO_MEMBER_KEYS
                .iter()
                .map(|(public, private, member)| MemberKeys {
                    public_key: (*public).into(),
                    private_key: (*private).into(),
                    member_identifier: (*member).into(),
                })
                .collect(),
            seed: 1,
            size: seed::Size::Small,
            closed_through: NaiveDate::parse_from_str(DEFAULT_CLOSED_THROUGH, "%Y-%m-%d").ok(),
            empty: false,
        }
    }
}

/// A member's API key pair.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberKeys {
    pub public_key: String,
    pub private_key: String,
    pub member_identifier: String,
}

/// One request as the simulator received it (the `Authorization` header left out).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedRequest {
    pub method: String,
    /// The full path and query, e.g. `/v4_6_release/apis/3.0/service/tickets?pageSize=5`.
    pub path_and_query: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl LoggedRequest {
    /// The first value of a header (`name` in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

fn build_store(options: &SimOptions) -> Store {
    if options.empty {
        Store::default()
    } else {
        Store::from_collections(seed::generate(options.seed, options.size).collections)
    }
}

/// A running simulator. Dropping it stops the server.
pub struct Simulator {
    app: server::App,
    addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Simulator {
    /// Starts a simulator on 127.0.0.1 with an ephemeral port.
    ///
    /// # Panics
    /// If no loopback port can be bound; use [`Simulator::start_on`] to handle that.
    pub async fn start(options: SimOptions) -> Simulator {
        Simulator::start_on(options, SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("binding a loopback port for the simulator")
    }

    /// Starts a simulator on `addr`.
    pub async fn start_on(options: SimOptions, addr: SocketAddr) -> std::io::Result<Simulator> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Simulator::serve_on(options, listener).await
    }

    /// Builds the tenant, then serves it on `listener` (any of axum's
    /// listeners: [`lazy`] hands over one whose first connection is
    /// already accepted).
    pub async fn serve_on<L>(options: SimOptions, listener: L) -> std::io::Result<Simulator>
    where
        L: axum::serve::Listener<Addr = SocketAddr>,
    {
        let addr = listener.local_addr()?;
        let store = {
            let options = options.clone();
            tokio::task::spawn_blocking(move || build_store(&options))
                .await
                .map_err(std::io::Error::other)?
        };
        let app = server::App {
            store: Arc::new(RwLock::new(store)),
            faults: Faults::default(),
            log: Arc::new(Mutex::new(Vec::new())),
            options: Arc::new(options),
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let router = server::router(app.clone());
        tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Simulator {
            app,
            addr,
            shutdown: Some(tx),
        })
    }

    /// `http://127.0.0.1:PORT/v4_6_release/apis/3.0`
    pub fn base_url(&self) -> String {
        format!("http://{}{}", self.addr, crate::spec::API_ROOT)
    }

    /// The site to configure a client with: `http://127.0.0.1:PORT` (a full
    /// URL, since the simulator speaks plain HTTP).
    pub fn site(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn options(&self) -> &SimOptions {
        &self.app.options
    }

    /// The fault switches.
    pub fn faults(&self) -> &Faults {
        &self.app.faults
    }

    /// Every request received so far, oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.app.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn clear_request_log(&self) {
        self.app.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    /// The records of a concrete collection path (`/service/tickets/17/notes`),
    /// in id order, as a GET of the collection serves them.
    pub fn records(&self, path: &str) -> Vec<Value> {
        let store = self.app.store.read().unwrap_or_else(|e| e.into_inner());
        let base = self.base_url();
        let view = View::of(&store, &base, path, self.app.faults.odd_shapes());
        store
            .collection(path)
            .map(|c| c.records.iter().map(|(_, r)| view.serve(r)).collect())
            .unwrap_or_default()
    }

    /// One record, as a GET serves it.
    pub fn get(&self, path: &str, id: i64) -> Option<Value> {
        let store = self.app.store.read().unwrap_or_else(|e| e.into_inner());
        let base = self.base_url();
        let view = View::of(&store, &base, path, self.app.faults.odd_shapes());
        store.get(path, id).map(|r| view.serve(r))
    }

    /// One record as the store keeps it: without the defaults, computed
    /// fields and links serving adds ([`shape`]).
    pub fn stored(&self, path: &str, id: i64) -> Option<Value> {
        let store = self.app.store.read().unwrap_or_else(|e| e.into_inner());
        store.get(path, id).cloned()
    }

    /// Stores a record as it is (no validation); gives it an id when it has none. Returns the id.
    pub fn insert(&self, path: &str, record: Value) -> i64 {
        let mut store = self.app.store.write().unwrap_or_else(|e| e.into_inner());
        store.insert(path, record)
    }

    /// The concrete collection paths that hold records.
    pub fn collection_paths(&self) -> Vec<String> {
        let store = self.app.store.read().unwrap_or_else(|e| e.into_inner());
        let mut paths: Vec<String> = store.paths().cloned().collect();
        paths.sort();
        paths
    }

    /// Restores the seed tenant (or an empty one), clears faults and the request log.
    pub fn reset(&self) {
        let fresh = build_store(&self.app.options);
        *self.app.store.write().unwrap_or_else(|e| e.into_inner()) = fresh;
        self.app.faults.clear();
        self.clear_request_log();
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Runs a simulator on `addr` until ctrl-c (for `connectwise-mcp sim --port …`).
pub async fn serve(options: SimOptions, addr: SocketAddr) -> std::io::Result<()> {
    let sim = Simulator::start_on(options, addr).await?;
    // Said once it listens, so that a port of 0 shows the one it got.
    let o = sim.options();
    eprintln!(
        "simulated ConnectWise on {}\n  CW_SITE={} CW_COMPANY_ID={} CW_PUBLIC_KEY={} CW_PRIVATE_KEY={} CW_CLIENT_ID={}",
        sim.base_url(),
        sim.site(),
        o.company_id,
        o.public_key,
        o.private_key,
        o.client_id
    );
    tokio::signal::ctrl_c().await?;
    drop(sim);
    Ok(())
}
