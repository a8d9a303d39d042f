//! The saved-query database: one SQLite file (bundled SQLite), opened on
//! first use. Calls are short local queries on one small table; they run
//! on tokio's blocking pool so a slow disk never stalls the MCP session.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The file name under the user's data directory.
const FILE: &str = "connectwise-mcp/saved_queries.sqlite3";

/// Keeps the saved-query table; cheap to clone. `:memory:` keeps them for
/// this process only (the demo's default).
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: Option<PathBuf>,
    conn: Mutex<Option<Connection>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
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
        conn.execute_batch(
            "CREATE TABLE IF NOT EXISTS saved_queries (
                name TEXT PRIMARY KEY,
                description TEXT,
                method TEXT NOT NULL,
                path TEXT NOT NULL,
                query TEXT,
                body TEXT,
                uses INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                last_used_at TEXT
            );",
        )
        .map_err(|e| format!("saved queries: {e}"))?;
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
    }

    /// Saves (or replaces) a query; returns whether one was replaced.
    pub async fn save(&self, q: SavedQuery) -> Result<bool, String> {
        self.with(move |c| {
            let existed: bool = c
                .query_row("SELECT 1 FROM saved_queries WHERE name = ?1", [&q.name], |_| Ok(()))
                .optional()?
                .is_some();
            c.execute(
                "INSERT INTO saved_queries (name, description, method, path, query, body, uses, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 0, ?7)
                 ON CONFLICT(name) DO UPDATE SET description = ?2, method = ?3, path = ?4, query = ?5, body = ?6",
                params![
                    q.name,
                    q.description,
                    q.method,
                    q.path,
                    q.query.map(|m| Value::Object(m).to_string()),
                    q.body.map(|b| b.to_string()),
                    q.created_at,
                ],
            )?;
            Ok(existed)
        })
        .await
    }

    /// Every saved query, most used first.
    pub async fn list(&self) -> Result<Vec<SavedQuery>, String> {
        self.with(|c| {
            let mut stmt = c.prepare(
                "SELECT name, description, method, path, query, body, uses, created_at, last_used_at
                 FROM saved_queries ORDER BY uses DESC, last_used_at DESC, name",
            )?;
            let rows = stmt.query_map([], row)?;
            rows.collect()
        })
        .await
    }

    pub async fn get(&self, name: &str) -> Result<Option<SavedQuery>, String> {
        let name = name.to_owned();
        self.with(move |c| {
            c.query_row(
                "SELECT name, description, method, path, query, body, uses, created_at, last_used_at
                 FROM saved_queries WHERE name = ?1",
                [name],
                row,
            )
            .optional()
        })
        .await
    }

    /// Counts one use.
    pub async fn used(&self, name: &str, at: String) -> Result<(), String> {
        let name = name.to_owned();
        self.with(move |c| {
            c.execute(
                "UPDATE saved_queries SET uses = uses + 1, last_used_at = ?2 WHERE name = ?1",
                params![name, at],
            )
            .map(|_| ())
        })
        .await
    }

    /// Deletes a query; returns whether it existed.
    pub async fn delete(&self, name: &str) -> Result<bool, String> {
        let name = name.to_owned();
        self.with(move |c| {
            c.execute("DELETE FROM saved_queries WHERE name = ?1", [name])
                .map(|n| n > 0)
        })
        .await
    }
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
}
