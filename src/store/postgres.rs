//! The PostgreSQL engine: a pool of connections (deadpool) to the database
//! every instance of a deployment shares. Connections are made when needed
//! and checked before reuse, so that when the database restarts the next
//! call reconnects; while it is down a call waits at most [`WAIT`] and
//! fails with [`unavailable`]'s message. The tables are brought up to date
//! on the first connection, under an advisory lock so that instances
//! starting together migrate once.

use super::tls::{self, TlsSettings};
use super::{DatabaseUrl, MIGRATIONS, NEEDED_FOR, SavedQuery, Written, json, query_map, unavailable};
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use serde_json::Value;
use std::time::Duration;
use tokio_postgres::Row;
use tokio_postgres::error::SqlState;

/// The longest a call waits for a connection (or for the database to answer one).
const WAIT: Duration = Duration::from_secs(5);

/// Connections one instance keeps at most.
const POOL_SIZE: usize = 16;

/// Any number, the same in every instance: the lock migrations take.
const MIGRATION_LOCK: i64 = 0x0063_776d_6370; // "cwmcp"

/// Saved queries and the write journal.
pub const V1: &str = "CREATE TABLE IF NOT EXISTS saved_queries (
        owner TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL,
        description TEXT,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        query TEXT,
        body TEXT,
        uses BIGINT NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        PRIMARY KEY (owner, name)
    );
    CREATE TABLE IF NOT EXISTS writes (
        id BIGSERIAL PRIMARY KEY,
        owner TEXT NOT NULL,
        tool TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        body TEXT,
        before TEXT,
        after TEXT,
        record_path TEXT NOT NULL,
        fingerprint TEXT,
        at BIGINT NOT NULL,
        undone_by BIGINT
    );
    CREATE INDEX IF NOT EXISTS writes_by_owner ON writes (owner, id);
    CREATE INDEX IF NOT EXISTS writes_by_fingerprint ON writes (fingerprint);";

/// Confirmation tokens (their SHA-256), until used or expired.
pub const V2: &str = "CREATE TABLE IF NOT EXISTS confirm_tokens (
        token_hash TEXT PRIMARY KEY,
        digest TEXT NOT NULL,
        expires_at BIGINT NOT NULL
    );";

/// The audit log (`MCP_AUDIT=database`): one row per tool call, the line
/// as JSONB for queries.
pub const V3: &str = "CREATE TABLE IF NOT EXISTS audit_log (
        id BIGSERIAL PRIMARY KEY,
        time TIMESTAMPTZ NOT NULL,
        principal TEXT NOT NULL,
        tool TEXT NOT NULL,
        outcome TEXT NOT NULL,
        line JSONB NOT NULL
    );
    CREATE INDEX IF NOT EXISTS audit_log_by_time ON audit_log (time);";

const SAVED: &str = "name, description, method, path, query, body, uses, created_at, last_used_at";
const WRITTEN: &str = "id, tool, method, path, body, before, after, record_path, fingerprint, at, undone_by";

pub struct Postgres {
    pool: Pool,
    url: DatabaseUrl,
    tls: TlsSettings,
    /// The schema version, once migrated (a failed try is tried again).
    migrated: tokio::sync::OnceCell<i64>,
}

impl Postgres {
    /// The pool; no connection is made yet.
    pub fn new(url: &DatabaseUrl) -> Result<Postgres, String> {
        let (rest, mut tls) = tls::split(url.expose())?;
        let mut config: tokio_postgres::Config = rest
            .parse()
            .map_err(|e| format!("database_url {}: {e}", url.redacted()))?;
        config.connect_timeout(WAIT);
        if on_unix_sockets_only(&config) {
            // As libpq: PostgreSQL offers no TLS on a Unix socket, so the
            // TLS settings do not apply there (nor are their files read).
            tls = TlsSettings::disabled();
        }
        config.ssl_mode(tls.mode.driver());
        if config.get_application_name().is_none() {
            // What a DBA sees in pg_stat_activity.
            config.application_name(env!("CARGO_PKG_NAME"));
        }
        let manager = Manager::from_config(
            config,
            tls.connector()?,
            ManagerConfig {
                // A pooled connection is checked before reuse: one the
                // database dropped (a restart) is replaced, not handed out.
                recycling_method: RecyclingMethod::Verified,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(WAIT))
            .create_timeout(Some(WAIT))
            .recycle_timeout(Some(WAIT))
            .build()
            .map_err(|e| format!("database pool: {e}"))?;
        Ok(Postgres {
            pool,
            url: url.clone(),
            tls,
            migrated: tokio::sync::OnceCell::new(),
        })
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection from the pool, the tables migrated.
    async fn client(&self) -> Result<Object, String> {
        let client = self.pool.get().await.map_err(|e| down(&e))?;
        self.migrated
            .get_or_try_init(|| migrate(&client))
            .await
            .map_err(|e| down(&e))?;
        Ok(client)
    }

    /// How a connection is protected, as the server sees it: its TLS
    /// version and how its certificate was checked, or `None` (plain).
    pub async fn encryption(&self) -> Result<Option<String>, String> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid() AND ssl",
                &[],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(row.map(|r| {
            let version: Option<String> = r.get(0);
            format!(
                "{}, {}",
                version.unwrap_or_else(|| "TLS".into()),
                self.tls.check()
            )
        }))
    }

    pub async fn schema_version(&self) -> Result<i64, String> {
        let _connected = self.client().await?;
        Ok(self.migrated.get().copied().unwrap_or_default())
    }

    pub async fn save(&self, owner: &str, q: SavedQuery) -> Result<bool, String> {
        let c = self.client().await?;
        let query = q.query.map(|m| Value::Object(m).to_string());
        let body = q.body.map(|b| b.to_string());
        let row = c
            .query_one(
                // `xmax` is set on a row an upsert updated, not on one it inserted.
                "INSERT INTO saved_queries (name, description, method, path, query, body, uses, created_at, owner)
                 VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8)
                 ON CONFLICT (owner, name) DO UPDATE SET description = EXCLUDED.description,
                   method = EXCLUDED.method, path = EXCLUDED.path, query = EXCLUDED.query, body = EXCLUDED.body
                 RETURNING (xmax <> 0)",
                &[&q.name, &q.description, &q.method, &q.path, &query, &body, &q.created_at, &owner],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(row.get(0))
    }

    pub async fn list(&self, owner: &str) -> Result<Vec<SavedQuery>, String> {
        let c = self.client().await?;
        let rows = c
            .query(
                &format!(
                    "SELECT {SAVED} FROM saved_queries WHERE owner = $1
                     ORDER BY uses DESC, last_used_at DESC NULLS LAST, name"
                ),
                &[&owner],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(rows.iter().map(saved).collect())
    }

    pub async fn get(&self, owner: &str, name: &str) -> Result<Option<SavedQuery>, String> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                &format!("SELECT {SAVED} FROM saved_queries WHERE owner = $1 AND name = $2"),
                &[&owner, &name],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(row.as_ref().map(saved))
    }

    pub async fn used(&self, owner: &str, name: &str, at: String) -> Result<(), String> {
        let c = self.client().await?;
        c.execute(
            "UPDATE saved_queries SET uses = uses + 1, last_used_at = $2 WHERE owner = $3 AND name = $1",
            &[&name, &at, &owner],
        )
        .await
        .map_err(|e| down(&e))?;
        Ok(())
    }

    pub async fn delete(&self, owner: &str, name: &str) -> Result<bool, String> {
        let c = self.client().await?;
        let n = c
            .execute(
                "DELETE FROM saved_queries WHERE owner = $1 AND name = $2",
                &[&owner, &name],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(n > 0)
    }

    pub async fn journal(&self, owner: &str, w: Written) -> Result<i64, String> {
        let c = self.client().await?;
        let text = |v: &Option<Value>| v.as_ref().map(Value::to_string);
        let row = c
            .query_one(
                "INSERT INTO writes (owner, tool, method, path, body, before, after, record_path, fingerprint, at, undone_by)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                &[
                    &owner,
                    &w.tool,
                    &w.method,
                    &w.path,
                    &text(&w.body),
                    &text(&w.before),
                    &text(&w.after),
                    &w.record_path,
                    &w.fingerprint,
                    &w.at,
                    &w.undone_by,
                ],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(row.get(0))
    }

    pub async fn journaled_since(
        &self,
        owner: &str,
        fingerprint: &str,
        since: i64,
    ) -> Result<Option<Written>, String> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                &format!(
                    "SELECT {WRITTEN} FROM writes WHERE owner = $1 AND fingerprint = $2 AND at >= $3
                     ORDER BY id DESC LIMIT 1"
                ),
                &[&owner, &fingerprint, &since],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(row.as_ref().map(written))
    }

    pub async fn journal_recent(&self, owner: &str, limit: i64) -> Result<Vec<Written>, String> {
        let c = self.client().await?;
        let rows = c
            .query(
                &format!("SELECT {WRITTEN} FROM writes WHERE owner = $1 ORDER BY id DESC LIMIT $2"),
                &[&owner, &limit],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(rows.iter().map(written).collect())
    }

    pub async fn journal_entry(&self, owner: &str, id: i64) -> Result<Option<Written>, String> {
        let c = self.client().await?;
        let row = c
            .query_opt(
                &format!("SELECT {WRITTEN} FROM writes WHERE owner = $1 AND id = $2"),
                &[&owner, &id],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(row.as_ref().map(written))
    }

    pub async fn journal_undone(&self, owner: &str, id: i64, by: i64) -> Result<(), String> {
        let c = self.client().await?;
        c.execute(
            "UPDATE writes SET undone_by = $3 WHERE owner = $1 AND id = $2",
            &[&owner, &id, &by],
        )
        .await
        .map_err(|e| down(&e))?;
        Ok(())
    }

    pub async fn token_issue(
        &self,
        token_hash: String,
        digest: String,
        expires_at: i64,
        now: i64,
    ) -> Result<(), String> {
        let c = self.client().await?;
        c.execute("DELETE FROM confirm_tokens WHERE expires_at < $1", &[&now])
            .await
            .map_err(|e| down(&e))?;
        c.execute(
            "INSERT INTO confirm_tokens (token_hash, digest, expires_at) VALUES ($1, $2, $3)",
            &[&token_hash, &digest, &expires_at],
        )
        .await
        .map_err(|e| down(&e))?;
        Ok(())
    }

    pub async fn audit(
        &self,
        time: String,
        principal: String,
        tool: String,
        outcome: String,
        line: String,
    ) -> Result<(), String> {
        let c = self.client().await?;
        c.execute(
            "INSERT INTO audit_log (time, principal, tool, outcome, line)
             VALUES (($1::text)::timestamptz, $2, $3, $4, ($5::text)::jsonb)",
            &[&time, &principal, &tool, &outcome, &line],
        )
        .await
        .map_err(|e| down(&e))?;
        Ok(())
    }

    pub async fn audit_recent(&self, limit: i64) -> Result<Vec<String>, String> {
        let c = self.client().await?;
        let rows = c
            .query(
                "SELECT line::text FROM audit_log ORDER BY id DESC LIMIT $1",
                &[&limit],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    pub async fn token_redeem(&self, token_hash: String) -> Result<Option<(String, i64)>, String> {
        let c = self.client().await?;
        // One statement: of two instances redeeming the same token, one gets it.
        let row = c
            .query_opt(
                "DELETE FROM confirm_tokens WHERE token_hash = $1 RETURNING digest, expires_at",
                &[&token_hash],
            )
            .await
            .map_err(|e| down(&e))?;
        Ok(row.map(|r| (r.get(0), r.get(1))))
    }
}

/// Brings the database to the latest [`MIGRATIONS`] step, one transaction
/// a step, holding a lock other instances wait on.
async fn migrate(c: &Object) -> Result<i64, tokio_postgres::Error> {
    c.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    let done = steps(c).await;
    let _ = c
        .execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK])
        .await;
    done
}

async fn steps(c: &Object) -> Result<i64, tokio_postgres::Error> {
    c.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version BIGINT PRIMARY KEY,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
        )",
    )
    .await?;
    let mut current: i64 = c
        .query_one(
            "SELECT COALESCE(MAX(version), 0)::BIGINT FROM schema_version",
            &[],
        )
        .await?
        .get(0);
    let from = current;
    for (version, _, sql) in MIGRATIONS.iter().filter(move |m| m.0 > from) {
        let step = format!("BEGIN; {sql}; INSERT INTO schema_version (version) VALUES ({version}); COMMIT;");
        if let Err(e) = c.batch_execute(&step).await {
            let _ = c.batch_execute("ROLLBACK").await;
            return Err(e);
        }
        current = *version;
    }
    Ok(current)
}

/// Whether every host of `config` is a Unix socket (a directory path).
fn on_unix_sockets_only(config: &tokio_postgres::Config) -> bool {
    let hosts = config.get_hosts();
    #[cfg(unix)]
    let unix = |h: &tokio_postgres::config::Host| matches!(h, tokio_postgres::config::Host::Unix(_));
    #[cfg(not(unix))]
    let unix = |_: &tokio_postgres::config::Host| false;
    !hosts.is_empty() && hosts.iter().all(unix)
}

/// What went wrong, in a deployer's terms (never the URL): a setting to
/// fix — the user's sign-in, the database's name, the user's rights, a
/// read-only server — is said as one, since waiting will not mend it;
/// anything else is [`unavailable`] (the database may come back).
fn down(e: &(dyn std::error::Error + 'static)) -> String {
    let cause = causes(e);
    match sql_state(e)
        .and_then(|state| to_fix(&state))
        .or_else(|| tls::to_fix(e))
    {
        Some(fix) => format!("the store (PostgreSQL) {fix}: {cause}. {NEEDED_FOR}"),
        None => unavailable("PostgreSQL", cause),
    }
}

/// The error's text and its sources', each once.
fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.iter().any(|t| t.contains(&s_text)) {
            text.push(s_text);
        }
        source = s.source();
    }
    text.join(": ")
}

/// The SQLSTATE the server answered with, wherever it is in the chain
/// (deadpool wraps the driver's error).
fn sql_state(e: &(dyn std::error::Error + 'static)) -> Option<SqlState> {
    let mut next = Some(e);
    while let Some(e) = next {
        if let Some(state) = e.downcast_ref::<tokio_postgres::Error>().and_then(|e| e.code()) {
            return Some(state.clone());
        }
        next = e.source();
    }
    None
}

/// The setting to fix behind `state`, when there is one.
fn to_fix(state: &SqlState) -> Option<&'static str> {
    let fix = match *state {
        SqlState::INVALID_PASSWORD | SqlState::INVALID_AUTHORIZATION_SPECIFICATION => {
            "refused the sign-in of database_url's user; check the user and password in database_url"
        }
        SqlState::INVALID_CATALOG_NAME => {
            "has no database of database_url's name; create it or correct database_url"
        }
        SqlState::INSUFFICIENT_PRIVILEGE => {
            "refused database_url's user the rights the store needs (to create and write its tables); \
             grant them or use another user"
        }
        SqlState::READ_ONLY_SQL_TRANSACTION => {
            "is read-only at database_url (a standby?); point database_url at the primary"
        }
        _ => return None,
    };
    Some(fix)
}

fn saved(r: &Row) -> SavedQuery {
    SavedQuery {
        name: r.get(0),
        description: r.get(1),
        method: r.get(2),
        path: r.get(3),
        query: query_map(r.get(4)),
        body: json(r.get(5)),
        uses: r.get(6),
        created_at: r.get(7),
        last_used_at: r.get(8),
    }
}

fn written(r: &Row) -> Written {
    Written {
        id: r.get(0),
        tool: r.get(1),
        method: r.get(2),
        path: r.get(3),
        body: json(r.get(4)),
        before: json(r.get(5)),
        after: json(r.get(6)),
        record_path: r.get(7),
        fingerprint: r.get(8),
        at: r.get(9),
        undone_by: r.get(10),
    }
}
