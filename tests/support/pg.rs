//! The tests' PostgreSQL: the server `.ci/postgres.sh start` runs (its URL
//! in `CW_TEST_DATABASE_URL`), a fresh database on it per test, and
//! clusters of a test's own that it may stop and start.
//!
//! Without `CW_TEST_DATABASE_URL` a test of PostgreSQL is skipped on a
//! developer's machine, saying how to run it, and FAILS under CI (`CI` set):
//! there .ci/run starts PostgreSQL, and a missing one is a broken CI.

use std::path::PathBuf;
use std::process::Command;

/// The test server's URL, or `None` (skip) outside CI.
pub fn server_url() -> Option<String> {
    match std::env::var("CW_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => {
            panic!(
                "CI is set but CW_TEST_DATABASE_URL is not: .ci/run starts PostgreSQL with .ci/postgres.sh"
            )
        }
        _ => {
            eprintln!(
                "skipped: PostgreSQL tests need CW_TEST_DATABASE_URL (eval \"$(.ci/postgres.sh start)\")"
            );
            None
        }
    }
}

/// `url` with its database replaced by `database`.
pub fn with_database(url: &str, database: &str) -> String {
    let mut url = url::Url::parse(url).expect("CW_TEST_DATABASE_URL is a URL");
    url.set_path(database);
    url.to_string()
}

/// A new, empty database on the test server, named after `name`: its URL.
pub async fn fresh_database(name: &str) -> Option<String> {
    let url = server_url()?;
    Some(create_database(&url, name).await)
}

/// Creates a database named after `name` on the server at `url`.
pub async fn create_database(url: &str, name: &str) -> String {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("connecting to the test PostgreSQL: {e}"));
    tokio::spawn(connection);
    let database = format!("cw_{name}_{}_{:08x}", std::process::id(), fastrand::u32(..));
    client
        .batch_execute(&format!("CREATE DATABASE {database}"))
        .await
        .unwrap_or_else(|e| panic!("CREATE DATABASE {database}: {e}"));
    with_database(url, &database)
}

/// A PostgreSQL cluster of one test's own on `port`, which it may stop and
/// start again (an outage); removed on drop.
pub struct Cluster {
    port: u16,
    pub url: String,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".ci/postgres.sh")
}

fn run_script(port: u16, action: &str) -> String {
    let out = Command::new("bash")
        .arg(script())
        .arg(action)
        .env("CW_PG_PORT", port.to_string())
        .output()
        .expect("running .ci/postgres.sh");
    assert!(
        out.status.success(),
        ".ci/postgres.sh {action} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

impl Cluster {
    /// Starts a cluster on `port` (where the test server runs, so is PostgreSQL).
    pub fn start(port: u16) -> Option<Cluster> {
        server_url()?;
        let out = run_script(port, "start");
        let url = out
            .lines()
            .find_map(|line| line.strip_prefix("export CW_TEST_DATABASE_URL="))
            .unwrap_or_else(|| panic!("unexpected output of .ci/postgres.sh: {out}"))
            .to_owned();
        Some(Cluster { port, url })
    }

    /// Stops the server, keeping its data.
    pub fn stop(&self) {
        run_script(self.port, "pause");
    }

    /// Starts it again.
    pub fn restart(&self) {
        run_script(self.port, "start");
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(script())
            .arg("stop")
            .env("CW_PG_PORT", self.port.to_string())
            .output();
    }
}
