//! The local database: one SQLite file (bundled SQLite), opened on first
//! use, holding saved queries and the write journal ([`journal`]). Calls are
//! short local queries on small tables; they run on tokio's blocking pool so
//! a slow disk never stalls the MCP session.

pub mod journal;
pub use journal::Written;

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The file name under the user's data directory.
const FILE: &str = "connectwise-mcp/saved_queries.sqlite3";

/// Keeps the saved-query table; cheap to clone. `:memory:` keeps them for
/// this process only (the demo's default).
///
/// Every query belongs to an owner: `""` on stdio (one user), the principal
/// (token label) over HTTP, so that one technician cannot see, run or
/// delete another's. [`Store::for_owner`] gives a view on the same database.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
    owner: Arc<str>,
}

struct Inner {
    path: Option<PathBuf>,
    conn: Mutex<Option<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .field("owner", &self.owner)
            .finish_non_exhaustive()
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
    /// A store at `path` (`None`: [`default_path`]). Nothing is opened yet.
    pub fn new(path: Option<PathBuf>) -> Store {
        Store {
            inner: Arc::new(Inner {
                path: path.or_else(default_path),
                conn: Mutex::new(None),
            }),
            owner: Arc::from(""),
        }
    }

    /// The same database, seen as `owner`'s queries only.
    pub fn for_owner(&self, owner: &str) -> Store {
        Store {
            inner: self.inner.clone(),
            owner: Arc::from(owner),
        }
    }

    fn open(&self) -> Result<Connection, String> {
        let path = self.inner.path.as_ref().ok_or(
            "no data directory for saved queries: set CW_SAVED_QUERIES_DB or [server] saved_queries_db",
        )?;
        let conn = if path.as_os_str() == ":memory:" {
            Connection::open_in_memory()
        } else {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("saved queries: cannot create {}: {e}", dir.display()))?;
            }
            Connection::open(path)
        }
        .map_err(|e| format!("saved queries: cannot open {}: {e}", path.display()))?;
        migrate(&conn).map_err(|e| format!("saved queries: {e}"))?;
        Ok(conn)
    }

    /// Runs `f` on the connection (opened on first use), off the async executor.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, String> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = store
                .inner
                .conn
                .lock()
                .map_err(|_| "saved queries: lock poisoned".to_owned())?;
            if guard.is_none() {
                *guard = Some(store.open()?);
            }
            let conn = guard.as_ref().expect("just opened");
            f(conn).map_err(|e| format!("saved queries: {e}"))
        })
        .await
        .map_err(|e| format!("saved queries: {e}"))?
        .inspect_err(|_| crate::metrics::store_error())
    }

    /// Saves (or replaces) a query; returns whether one was replaced.
    pub async fn save(&self, q: SavedQuery) -> Result<bool, String> {
        let owner = self.owner.clone();
        self.with(move |c| {
            let existed: bool = c
                .query_row(
                    "SELECT 1 FROM saved_queries WHERE owner = ?1 AND name = ?2",
                    params![&*owner, &q.name],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            c.execute(
                "INSERT INTO saved_queries (name, description, method, path, query, body, uses, created_at, owner)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7, ?8)
                 ON CONFLICT(owner, name) DO UPDATE SET description = ?2, method = ?3, path = ?4, query = ?5, body = ?6",
                params![
                    q.name,
                    q.description,
                    q.method,
                    q.path,
                    q.query.map(|m| Value::Object(m).to_string()),
                    q.body.map(|b| b.to_string()),
                    q.created_at,
                    &*owner,
                ],
            )?;
            Ok(existed)
        })
        .await
    }

    /// Every saved query, most used first.
    pub async fn list(&self) -> Result<Vec<SavedQuery>, String> {
        let owner = self.owner.clone();
        self.with(move |c| {
            let mut stmt = c.prepare(
                "SELECT name, description, method, path, query, body, uses, created_at, last_used_at
                 FROM saved_queries WHERE owner = ?1 ORDER BY uses DESC, last_used_at DESC, name",
            )?;
            let rows = stmt.query_map([&*owner], row)?;
            rows.collect()
        })
        .await
    }

    pub async fn get(&self, name: &str) -> Result<Option<SavedQuery>, String> {
        let (owner, name) = (self.owner.clone(), name.to_owned());
        self.with(move |c| {
            c.query_row(
                "SELECT name, description, method, path, query, body, uses, created_at, last_used_at
                 FROM saved_queries WHERE owner = ?1 AND name = ?2",
                params![&*owner, name],
                row,
            )
            .optional()
        })
        .await
    }

    /// Counts one use.
    pub async fn used(&self, name: &str, at: String) -> Result<(), String> {
        let (owner, name) = (self.owner.clone(), name.to_owned());
        self.with(move |c| {
            c.execute(
                "UPDATE saved_queries SET uses = uses + 1, last_used_at = ?2 WHERE owner = ?3 AND name = ?1",
                params![name, at, &*owner],
            )
            .map(|_| ())
        })
        .await
    }

    /// Deletes a query; returns whether it existed.
    pub async fn delete(&self, name: &str) -> Result<bool, String> {
        let (owner, name) = (self.owner.clone(), name.to_owned());
        self.with(move |c| {
            c.execute(
                "DELETE FROM saved_queries WHERE owner = ?1 AND name = ?2",
                params![&*owner, name],
            )
            .map(|n| n > 0)
        })
        .await
    }
}

/// Creates the table, or brings one from before owners (keyed by name
/// alone) to the current layout, keeping its queries as the stdio user's.
fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    const TABLE: &str = "CREATE TABLE IF NOT EXISTS saved_queries (
        owner TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL,
        description TEXT,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        query TEXT,
        body TEXT,
        uses INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        PRIMARY KEY (owner, name)
    );";
    let exists: bool = conn
        .query_row(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'saved_queries'",
            [],
            |_| Ok(()),
        )
        .optional()?
        .is_some();
    let has_owner: bool = exists
        && conn
            .prepare("SELECT 1 FROM pragma_table_info('saved_queries') WHERE name = 'owner'")?
            .exists([])?;
    if exists && !has_owner {
        conn.execute_batch(&format!(
            "BEGIN;
             ALTER TABLE saved_queries RENAME TO saved_queries_old;
             {TABLE}
             INSERT INTO saved_queries (owner, name, description, method, path, query, body, uses, created_at, last_used_at)
                 SELECT '', name, description, method, path, query, body, uses, created_at, last_used_at FROM saved_queries_old;
             DROP TABLE saved_queries_old;
             COMMIT;"
        ))?;
    } else {
        conn.execute_batch(TABLE)?;
    }
    journal::migrate(conn)
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<SavedQuery> {
    let json = |s: Option<String>| s.and_then(|s| serde_json::from_str::<Value>(&s).ok());
    Ok(SavedQuery {
        name: r.get(0)?,
        description: r.get(1)?,
        method: r.get(2)?,
        path: r.get(3)?,
        query: json(r.get(4)?).and_then(|v| match v {
            Value::Object(m) => Some(m),
            _ => None,
        }),
        body: json(r.get(5)?),
        uses: r.get(6)?,
        created_at: r.get(7)?,
        last_used_at: r.get(8)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(name: &str) -> SavedQuery {
        SavedQuery {
            name: name.into(),
            description: None,
            method: "GET".into(),
            path: "/service/tickets".into(),
            query: None,
            body: None,
            uses: 0,
            created_at: "2026-01-01T00:00:00Z".into(),
            last_used_at: None,
        }
    }

    #[tokio::test]
    async fn queries_survive_reopening_and_are_listed_by_use() {
        let dir = std::env::temp_dir().join(format!("cw-saved-{}", std::process::id()));
        let path = dir.join("q.sqlite3");
        let store = Store::new(Some(path.clone()));
        assert!(!store.save(query("a")).await.unwrap());
        assert!(!store.save(query("b")).await.unwrap());
        assert!(store.save(query("b")).await.unwrap(), "saving again replaces");
        store.used("b", "2026-01-02T00:00:00Z".into()).await.unwrap();
        drop(store);
        let again = Store::new(Some(path));
        let names: Vec<String> = again.list().await.unwrap().into_iter().map(|q| q.name).collect();
        assert_eq!(names, ["b", "a"]);
        assert!(again.delete("a").await.unwrap());
        assert!(!again.delete("a").await.unwrap());
        assert_eq!(again.get("b").await.unwrap().unwrap().uses, 1);
        let _ = std::fs::remove_dir_all(dir);
    }

    #[tokio::test]
    async fn each_owner_sees_runs_and_deletes_only_their_own() {
        let store = Store::new(Some(":memory:".into()));
        let (alice, bob) = (store.for_owner("alice"), store.for_owner("bob"));
        alice.save(query("open POs")).await.unwrap();
        assert!(
            !bob.save(query("open POs")).await.unwrap(),
            "same name, another owner"
        );
        assert!(bob.delete("open POs").await.unwrap());
        assert!(!bob.delete("open POs").await.unwrap());
        assert!(
            alice.get("open POs").await.unwrap().is_some(),
            "alice's is untouched"
        );
        alice
            .used("open POs", "2026-01-02T00:00:00Z".into())
            .await
            .unwrap();
        assert_eq!(alice.list().await.unwrap()[0].uses, 1);
        assert!(bob.list().await.unwrap().is_empty());
        assert!(store.list().await.unwrap().is_empty(), "stdio's owner is another");
    }

    #[tokio::test]
    async fn a_database_from_before_owners_is_migrated_keeping_its_queries() {
        let dir = std::env::temp_dir().join(format!("cw-saved-old-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.sqlite3");
        let old = Connection::open(&path).unwrap();
        old.execute_batch(
            "CREATE TABLE saved_queries (name TEXT PRIMARY KEY, description TEXT, method TEXT NOT NULL,
               path TEXT NOT NULL, query TEXT, body TEXT, uses INTEGER NOT NULL DEFAULT 0,
               created_at TEXT NOT NULL, last_used_at TEXT);
             INSERT INTO saved_queries (name, method, path, uses, created_at)
               VALUES ('mine', 'GET', '/service/tickets', 4, '2026-01-01T00:00:00Z');",
        )
        .unwrap();
        drop(old);
        let store = Store::new(Some(path));
        let kept = store.get("mine").await.unwrap().expect("kept");
        assert_eq!(kept.uses, 4);
        assert!(store.for_owner("alice").get("mine").await.unwrap().is_none());
        let _ = std::fs::remove_dir_all(dir);
    }
}
