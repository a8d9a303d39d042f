//! The SQLite engine: one file (bundled SQLite), opened on first use. Calls
//! are short local queries on small tables; they run on tokio's blocking
//! pool so that a slow disk never stalls the MCP session.

use super::{MIGRATIONS, SavedQuery, Written, json, query_map};
use rusqlite::{Connection, OptionalExtension, params};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Saved queries and the write journal.
pub const V1: &str = "CREATE TABLE IF NOT EXISTS saved_queries (
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
    );
    CREATE TABLE IF NOT EXISTS writes (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        owner TEXT NOT NULL,
        tool TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        body TEXT,
        before TEXT,
        after TEXT,
        record_path TEXT NOT NULL,
        fingerprint TEXT,
        at INTEGER NOT NULL,
        undone_by INTEGER
    );
    CREATE INDEX IF NOT EXISTS writes_by_owner ON writes (owner, id);
    CREATE INDEX IF NOT EXISTS writes_by_fingerprint ON writes (fingerprint);";

/// Confirmation tokens (their SHA-256), until used or expired.
pub const V2: &str = "CREATE TABLE IF NOT EXISTS confirm_tokens (
        token_hash TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        expires_at INTEGER NOT NULL
    );";

/// The audit log (`MCP_AUDIT=database`): one row per tool call.
pub const V3: &str = "CREATE TABLE IF NOT EXISTS audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        time TEXT NOT NULL,
        principal TEXT NOT NULL,
        tool TEXT NOT NULL,
        outcome TEXT NOT NULL,
        line TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (time);";

const SAVED: &str = "name, description, method, path, query, body, uses, created_at, last_used_at";
const WRITTEN: &str = "id, tool, method, path, body, before, after, record_path, fingerprint, at, undone_by";

pub struct Sqlite {
    path: Option<PathBuf>,
    conn: Arc<Mutex<Option<Connection>>>,
}

impl Sqlite {
    pub fn new(path: Option<PathBuf>) -> Sqlite {
        Sqlite {
            path,
            conn: Arc::default(),
        }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn open(path: Option<&Path>) -> Result<Connection, String> {
        let path = path.ok_or(
            "no data directory for the local store: set CW_SAVED_QUERIES_DB or [server] saved_queries_db",
        )?;
        let conn = if path.as_os_str() == ":memory:" {
            Connection::open_in_memory()
        } else {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir)
                    .map_err(|e| format!("local store: cannot create {}: {e}", dir.display()))?;
            }
            Connection::open(path)
        }
        .map_err(|e| format!("local store: cannot open {}: {e}", path.display()))?;
        migrate(&conn).map_err(|e| format!("local store: {e}"))?;
        Ok(conn)
    }

    /// Runs `f` on the connection (opened on first use), off the async executor.
    async fn with<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, String> {
        let (conn, path) = (self.conn.clone(), self.path.clone());
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().map_err(|_| "local store: lock poisoned".to_owned())?;
            if guard.is_none() {
                *guard = Some(Sqlite::open(path.as_deref())?);
            }
            let conn = guard.as_ref().expect("just opened");
            f(conn).map_err(|e| format!("local store: {e}"))
        })
        .await
        .map_err(|e| format!("local store: {e}"))?
    }

    pub async fn schema_version(&self) -> Result<i64, String> {
        self.with(|c| c.query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0)))
            .await
    }

    pub async fn save(&self, owner: &str, q: SavedQuery) -> Result<bool, String> {
        let owner = owner.to_owned();
        self.with(move |c| {
            let existed = c
                .query_row(
                    "SELECT 1 FROM saved_queries WHERE owner = ?1 AND name = ?2",
                    params![owner, q.name],
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
                    owner,
                ],
            )?;
            Ok(existed)
        })
        .await
    }

    pub async fn list(&self, owner: &str) -> Result<Vec<SavedQuery>, String> {
        let owner = owner.to_owned();
        self.with(move |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {SAVED} FROM saved_queries WHERE owner = ?1
                 ORDER BY uses DESC, last_used_at DESC, name"
            ))?;
            let rows = stmt.query_map([owner], saved)?;
            rows.collect()
        })
        .await
    }

    pub async fn get(&self, owner: &str, name: &str) -> Result<Option<SavedQuery>, String> {
        let (owner, name) = (owner.to_owned(), name.to_owned());
        self.with(move |c| {
            c.query_row(
                &format!("SELECT {SAVED} FROM saved_queries WHERE owner = ?1 AND name = ?2"),
                params![owner, name],
                saved,
            )
            .optional()
        })
        .await
    }

    pub async fn used(&self, owner: &str, name: &str, at: String) -> Result<(), String> {
        let (owner, name) = (owner.to_owned(), name.to_owned());
        self.with(move |c| {
            c.execute(
                "UPDATE saved_queries SET uses = uses + 1, last_used_at = ?2 WHERE owner = ?3 AND name = ?1",
                params![name, at, owner],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn delete(&self, owner: &str, name: &str) -> Result<bool, String> {
        let (owner, name) = (owner.to_owned(), name.to_owned());
        self.with(move |c| {
            c.execute(
                "DELETE FROM saved_queries WHERE owner = ?1 AND name = ?2",
                params![owner, name],
            )
            .map(|n| n > 0)
        })
        .await
    }

    pub async fn journal(&self, owner: &str, w: Written) -> Result<i64, String> {
        let owner = owner.to_owned();
        self.with(move |c| {
            let text = |v: &Option<Value>| v.as_ref().map(Value::to_string);
            c.execute(
                "INSERT INTO writes (owner, tool, method, path, body, before, after, record_path, fingerprint, at, undone_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    owner,
                    w.tool,
                    w.method,
                    w.path,
                    text(&w.body),
                    text(&w.before),
                    text(&w.after),
                    w.record_path,
                    w.fingerprint,
                    w.at,
                    w.undone_by,
                ],
            )?;
            Ok(c.last_insert_rowid())
        })
        .await
    }

    pub async fn journaled_since(
        &self,
        owner: &str,
        fingerprint: &str,
        since: i64,
    ) -> Result<Option<Written>, String> {
        let (owner, fingerprint) = (owner.to_owned(), fingerprint.to_owned());
        self.with(move |c| {
            c.query_row(
                &format!(
                    "SELECT {WRITTEN} FROM writes WHERE owner = ?1 AND fingerprint = ?2 AND at >= ?3
                     ORDER BY id DESC LIMIT 1"
                ),
                params![owner, fingerprint, since],
                written,
            )
            .optional()
        })
        .await
    }

    pub async fn journal_recent(&self, owner: &str, limit: i64) -> Result<Vec<Written>, String> {
        let owner = owner.to_owned();
        self.with(move |c| {
            let mut stmt = c.prepare(&format!(
                "SELECT {WRITTEN} FROM writes WHERE owner = ?1 ORDER BY id DESC LIMIT ?2"
            ))?;
            let rows = stmt.query_map(params![owner, limit], written)?;
            rows.collect()
        })
        .await
    }

    pub async fn journal_entry(&self, owner: &str, id: i64) -> Result<Option<Written>, String> {
        let owner = owner.to_owned();
        self.with(move |c| {
            c.query_row(
                &format!("SELECT {WRITTEN} FROM writes WHERE owner = ?1 AND id = ?2"),
                params![owner, id],
                written,
            )
            .optional()
        })
        .await
    }

    pub async fn journal_undone(&self, owner: &str, id: i64, by: i64) -> Result<(), String> {
        let owner = owner.to_owned();
        self.with(move |c| {
            c.execute(
                "UPDATE writes SET undone_by = ?3 WHERE owner = ?1 AND id = ?2",
                params![owner, id, by],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn token_issue(
        &self,
        token_hash: String,
        digest: String,
        expires_at: i64,
        now: i64,
    ) -> Result<(), String> {
        self.with(move |c| {
            c.execute("DELETE FROM confirm_tokens WHERE expires_at < ?1", [now])?;
            c.execute(
                "INSERT INTO confirm_tokens (token_hash, digest, expires_at) VALUES (?1, ?2, ?3)",
                params![token_hash, digest, expires_at],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn audit(
        &self,
        time: String,
        principal: String,
        tool: String,
        outcome: String,
        line: String,
    ) -> Result<(), String> {
        self.with(move |c| {
            c.execute(
                "INSERT INTO audit_log (time, principal, tool, outcome, line) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![time, principal, tool, outcome, line],
            )
            .map(|_| ())
        })
        .await
    }

    pub async fn audit_recent(&self, limit: i64) -> Result<Vec<String>, String> {
        self.with(move |c| {
            let mut stmt = c.prepare("SELECT line FROM audit_log ORDER BY id DESC LIMIT ?1")?;
            let rows = stmt.query_map([limit], |r| r.get(0))?;
            rows.collect()
        })
        .await
    }

    pub async fn token_redeem(&self, token_hash: String) -> Result<Option<(String, i64)>, String> {
        self.with(move |c| {
            // One statement: of two calls with the same token, one gets it.
            c.query_row(
                "DELETE FROM confirm_tokens WHERE token_hash = ?1 RETURNING digest, expires_at",
                [token_hash],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
        })
        .await
    }
}

/// Brings a database to the latest [`MIGRATIONS`] step, after bringing one
/// from before owners (saved queries keyed by name alone) to step 1's
/// layout, keeping its queries as the stdio user's.
fn migrate(conn: &Connection) -> rusqlite::Result<i64> {
    let exists = |table: &str| -> rusqlite::Result<bool> {
        conn.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")?
            .exists([table])
    };
    let has_owner = conn
        .prepare("SELECT 1 FROM pragma_table_info('saved_queries') WHERE name = 'owner'")?
        .exists([])?;
    if exists("saved_queries")? && !has_owner {
        conn.execute_batch(&format!(
            "BEGIN;
             ALTER TABLE saved_queries RENAME TO saved_queries_old;
             {V1}
             INSERT INTO saved_queries (owner, name, description, method, path, query, body, uses, created_at, last_used_at)
                 SELECT '', name, description, method, path, query, body, uses, created_at, last_used_at FROM saved_queries_old;
             DROP TABLE saved_queries_old;
             COMMIT;"
        ))?;
    }
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
    )?;
    let mut current: i64 =
        conn.query_row("SELECT COALESCE(MAX(version), 0) FROM schema_version", [], |r| {
            r.get(0)
        })?;
    let from = current;
    for (version, sql, _) in MIGRATIONS.iter().filter(move |m| m.0 > from) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES (?1, datetime('now'))",
            [version],
        )?;
        tx.commit()?;
        current = *version;
    }
    Ok(current)
}

fn saved(r: &rusqlite::Row<'_>) -> rusqlite::Result<SavedQuery> {
    Ok(SavedQuery {
        name: r.get(0)?,
        description: r.get(1)?,
        method: r.get(2)?,
        path: r.get(3)?,
        query: query_map(r.get(4)?),
        body: json(r.get(5)?),
        uses: r.get(6)?,
        created_at: r.get(7)?,
        last_used_at: r.get(8)?,
    })
}

fn written(r: &rusqlite::Row<'_>) -> rusqlite::Result<Written> {
    Ok(Written {
        id: r.get(0)?,
        tool: r.get(1)?,
        method: r.get(2)?,
        path: r.get(3)?,
        body: json(r.get(4)?),
        before: json(r.get(5)?),
        after: json(r.get(6)?),
        record_path: r.get(7)?,
        fingerprint: r.get(8)?,
        at: r.get(9)?,
        undone_by: r.get(10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let store = super::super::Store::new(Some(path));
        let kept = store.get("mine").await.unwrap().expect("kept");
        assert_eq!(kept.uses, 4);
        assert!(store.for_owner("alice").get("mine").await.unwrap().is_none());
        assert_eq!(store.migrate().await.unwrap(), MIGRATIONS.last().unwrap().0);
        let _ = std::fs::remove_dir_all(dir);
    }
}
