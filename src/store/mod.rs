//! The store: what the server keeps between calls — saved queries, the
//! write journal ([`journal`]: undo and idempotent creates) and the
//! confirmation tokens of writes waiting for the user ([`tokens`]). One
//! interface, [`Store`], with two engines behind it:
//!
//! - SQLite ([`sqlite`], bundled): one file, the zero-set-up default, for
//!   one instance (or `:memory:`, for this process only);
//! - PostgreSQL ([`postgres`], `database_url`): shared by every instance
//!   of a deployment behind a load balancer, through a connection pool,
//!   over TLS with libpq's `sslmode` and certificate settings ([`tls`]).
//!
//! With `MCP_AUDIT=database` the audit log goes to the store too
//! ([`Store::audit`]).
//!
//! Both engines create and upgrade their tables on first use, in numbered
//! steps recorded in a `schema_version` table ([`MIGRATIONS`]). When the
//! database cannot be reached each call fails at once with
//! [`unavailable`]'s message, and the next call tries again: a database that
//! comes back is used without a restart. Reads of ConnectWise never touch
//! the store.

pub mod journal;
mod postgres;
mod sqlite;
pub mod tls;
pub mod tokens;
pub use journal::Written;

use serde_json::{Map, Value};
use std::path::PathBuf;
use std::sync::Arc;

/// The file name under the user's data directory.
const FILE: &str = "connectwise-mcp/saved_queries.sqlite3";

/// The numbered steps that bring a database to this build's tables, the
/// same for both engines up to the SQL dialect: `(version, SQLite, PostgreSQL)`.
/// Append only; a step once released never changes.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, sqlite::V1, postgres::V1),
    (2, sqlite::V2, postgres::V2),
    (3, sqlite::V3, postgres::V3),
];

/// Where the store lives: `[server] database_url`, `MCP_DATABASE_URL` or
/// `--database-url`. Holds a password: `Debug` and [`DatabaseUrl::redacted`]
/// never show it, and nothing else prints it.
#[derive(Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// A `postgres://` or `postgresql://` URL (the only engine a URL names).
    pub fn parse(text: &str) -> Result<DatabaseUrl, String> {
        let text = text.trim();
        let parsed = url::Url::parse(text)
            .map_err(|e| format!("database_url: not a URL ({e}); e.g. postgres://user:password@host/db"))?;
        match parsed.scheme() {
            "postgres" | "postgresql" => Ok(DatabaseUrl(text.to_owned())),
            other => Err(format!(
                "database_url: `{other}:` is not supported; use postgres://user:password@host:5432/db \
                 (leave it unset for the local SQLite file)"
            )),
        }
    }

    /// The URL with its password replaced by `***`, for messages.
    pub fn redacted(&self) -> String {
        match url::Url::parse(&self.0) {
            Ok(mut url) => {
                if url.password().is_some() {
                    let _ = url.set_password(Some("***"));
                }
                url.to_string()
            }
            Err(_) => "(a database URL)".into(),
        }
    }

    /// Whether every host the URL names is this machine (loopback or a
    /// Unix socket), where a plain connection crosses no network.
    pub fn is_local(&self) -> bool {
        let Ok(url) = url::Url::parse(&self.0) else {
            return false;
        };
        let from_query = url
            .query_pairs()
            .filter(|(k, _)| k == "host")
            .map(|(_, v)| v.into_owned());
        let hosts: Vec<String> = url
            .host_str()
            .filter(|h| !h.is_empty())
            .map(|h| h.split(',').map(str::to_owned).collect::<Vec<_>>())
            .unwrap_or_default()
            .into_iter()
            .chain(from_query)
            .collect();
        hosts.iter().all(|h| {
            let h = h.trim_start_matches('[').trim_end_matches(']');
            h.starts_with('/')
                || h == "localhost"
                || h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
        })
    }

    fn expose(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DatabaseUrl {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        DatabaseUrl::parse(&text)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

/// How a PostgreSQL store's connection is protected (start-up's log line
/// and `doctor`'s store line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protection {
    /// Its TLS version and how far the certificate was checked.
    Encrypted(String),
    /// Plain, to a loopback address or a Unix socket.
    PlainOnThisMachine,
    /// Plain, across a network: the journal and audit log in the clear.
    PlainAcrossANetwork,
}

impl Protection {
    /// What to do about it, when something should be done.
    pub fn fix(&self) -> Option<&'static str> {
        matches!(self, Protection::PlainAcrossANetwork).then_some(
            "turn ssl on in PostgreSQL and add ?sslmode=verify-full&sslrootcert=<its CA file> to MCP_DATABASE_URL",
        )
    }
}

impl std::fmt::Display for Protection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Protection::Encrypted(tls) => write!(f, "encrypted: {tls}"),
            Protection::PlainOnThisMachine => write!(f, "not encrypted (this machine)"),
            Protection::PlainAcrossANetwork => write!(f, "NOT encrypted: the server did not offer TLS"),
        }
    }
}

/// The message of every call made while the database is out of reach.
pub fn unavailable(engine: &str, cause: impl std::fmt::Display) -> String {
    format!("the store ({engine}) is unavailable: {cause}. {NEEDED_FOR} Try again once the database is back.")
}

/// What a store failure stops, and what it does not.
pub const NEEDED_FOR: &str = "Saved queries, undo, repeated-create detection and write confirmation need it; \
                              reading ConnectWise still works.";

/// The store; cheap to clone.
///
/// Every saved query and journaled write belongs to an owner: `""` on stdio
/// (one user), the principal (token label) over HTTP, so that one
/// technician cannot see, run, undo or delete another's. [`Store::for_owner`]
/// gives a view on the same database.
#[derive(Clone)]
pub struct Store {
    engine: Arc<Engine>,
    owner: Arc<str>,
}

enum Engine {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

/// Calls the engine's method of the same name.
macro_rules! dispatch {
    ($store:expr, $method:ident($($arg:expr),*)) => {
        match &*$store.engine {
            Engine::Sqlite(db) => db.$method($($arg),*).await,
            Engine::Postgres(db) => db.$method($($arg),*).await,
        }
        .inspect_err(|_| crate::metrics::store_error())
    };
}
pub(crate) use dispatch;

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("Store");
        match &*self.engine {
            Engine::Sqlite(db) => d.field("sqlite", &db.path()),
            Engine::Postgres(db) => d.field("postgres", &db.url()),
        };
        d.field("owner", &self.owner).finish_non_exhaustive()
    }
}

/// One saved call.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedQuery {
    pub name: String,
    pub description: Option<String>,
    pub method: String,
    pub path: String,
    pub query: Option<Map<String, Value>>,
    pub body: Option<Value>,
    pub uses: i64,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// The user's data directory, per platform, without a dependency:
/// `$XDG_DATA_HOME` or `~/.local/share` (Unix), `~/Library/Application Support`
/// (macOS), `%APPDATA%` (Windows).
pub fn default_path() -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = if cfg!(windows) {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env("XDG_DATA_HOME").or_else(|| env("HOME").map(|h| h.join(".local/share")))
    }?;
    Some(base.join(FILE))
}

impl Store {
    /// A SQLite store at `path` (`None`: [`default_path`]). Nothing is opened yet.
    pub fn new(path: Option<PathBuf>) -> Store {
        Store::with_engine(Engine::Sqlite(sqlite::Sqlite::new(path.or_else(default_path))))
    }

    /// A PostgreSQL store at `url`: the pool is made now, connections when
    /// first needed, so a database that is down does not stop the server.
    pub fn postgres(url: &DatabaseUrl) -> Result<Store, String> {
        Ok(Store::with_engine(Engine::Postgres(postgres::Postgres::new(
            url,
        )?)))
    }

    /// The store a deployment's settings name: PostgreSQL when `url` is
    /// given, else the SQLite file at `path`.
    pub fn open(path: Option<PathBuf>, url: Option<&DatabaseUrl>) -> Result<Store, String> {
        match url {
            Some(url) => Store::postgres(url),
            None => Ok(Store::new(path)),
        }
    }

    fn with_engine(engine: Engine) -> Store {
        Store {
            engine: Arc::new(engine),
            owner: Arc::from(""),
        }
    }

    /// The same database, seen as `owner`'s queries and writes only.
    pub fn for_owner(&self, owner: &str) -> Store {
        Store {
            engine: self.engine.clone(),
            owner: Arc::from(owner),
        }
    }

    /// Where the store is, for people: the SQLite file (or "in memory"),
    /// or the PostgreSQL URL without its password.
    pub fn location(&self) -> String {
        match &*self.engine {
            Engine::Sqlite(db) => match db.path() {
                Some(path) if path.as_os_str() == ":memory:" => "SQLite in memory".into(),
                Some(path) => format!("SQLite file {}", path.display()),
                None => "SQLite (no data directory)".into(),
            },
            Engine::Postgres(db) => format!("PostgreSQL {}", db.url().redacted()),
        }
    }

    /// How the connection to the store is protected, as a PostgreSQL
    /// server reports it (a SQLite file has no connection: `None`).
    pub async fn protection(&self) -> Result<Option<Protection>, String> {
        let Engine::Postgres(db) = &*self.engine else {
            return Ok(None);
        };
        Ok(Some(match db.encryption().await? {
            Some(tls) => Protection::Encrypted(tls),
            None if db.url().is_local() => Protection::PlainOnThisMachine,
            None => Protection::PlainAcrossANetwork,
        }))
    }

    /// `sqlite` or `postgres`.
    pub fn engine(&self) -> &'static str {
        match &*self.engine {
            Engine::Sqlite(_) => "sqlite",
            Engine::Postgres(_) => "postgres",
        }
    }

    /// Connects and brings the tables up to date now (at start-up) rather
    /// than on first use; an error says why (the server runs on and tries
    /// again on the next call).
    pub async fn migrate(&self) -> Result<i64, String> {
        dispatch!(self, schema_version())
    }

    /// Saves (or replaces) a query; returns whether one was replaced.
    pub async fn save(&self, q: SavedQuery) -> Result<bool, String> {
        dispatch!(self, save(&self.owner, q))
    }

    /// Every saved query, most used first.
    pub async fn list(&self) -> Result<Vec<SavedQuery>, String> {
        dispatch!(self, list(&self.owner))
    }

    pub async fn get(&self, name: &str) -> Result<Option<SavedQuery>, String> {
        dispatch!(self, get(&self.owner, name))
    }

    /// Counts one use.
    pub async fn used(&self, name: &str, at: String) -> Result<(), String> {
        dispatch!(self, used(&self.owner, name, at))
    }

    /// Deletes a query; returns whether it existed.
    pub async fn delete(&self, name: &str) -> Result<bool, String> {
        dispatch!(self, delete(&self.owner, name))
    }

    /// Appends one audit line (`crate::mcp::audit`'s JSON: its `time`,
    /// `principal`, `tool` and `outcome` become columns too).
    pub async fn audit(&self, line: Value) -> Result<(), String> {
        let field = |k: &str| line.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
        let (time, principal, tool, outcome) =
            (field("time"), field("principal"), field("tool"), field("outcome"));
        dispatch!(self, audit(time, principal, tool, outcome, line.to_string()))
    }

    /// The latest `limit` audit lines, newest first.
    pub async fn audit_recent(&self, limit: i64) -> Result<Vec<Value>, String> {
        let lines = dispatch!(self, audit_recent(limit))?;
        Ok(lines.into_iter().filter_map(|l| json(Some(l))).collect())
    }
}

/// A stored JSON text, read back (`None` for a missing or broken one).
fn json(text: Option<String>) -> Option<Value> {
    text.and_then(|s| serde_json::from_str::<Value>(&s).ok())
}

/// A saved query's stored `query` column, read back.
fn query_map(text: Option<String>) -> Option<Map<String, Value>> {
    match json(text) {
        Some(Value::Object(m)) => Some(m),
        _ => None,
    }
}
