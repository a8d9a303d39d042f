//! The store's behaviours, one suite run against both engines: SQLite (a
//! temp file, always) and PostgreSQL (a fresh database on
//! `CW_TEST_DATABASE_URL`; skipped without one, except under CI where it
//! fails). Each behaviour is written once, as a function of a store, and
//! [`suite!`] runs it on each engine. Two stores on one database stand for
//! two instances of a deployment.

mod support;

use connectwise_mcp::store::tokens::Redeemed;
use connectwise_mcp::store::{DatabaseUrl, MIGRATIONS, Protection, SavedQuery, Store, Written};
use serde_json::json;
use support::pg;

/// Two handles on one new database of each engine (`None`: PostgreSQL skipped).
async fn sqlite(name: &str) -> Option<(Store, Store)> {
    let dir = std::env::temp_dir().join(format!("cw-store-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let path = dir.join("store.sqlite3");
    Some((Store::new(Some(path.clone())), Store::new(Some(path))))
}

async fn postgres(name: &str) -> Option<(Store, Store)> {
    let url = DatabaseUrl::parse(&pg::fresh_database(name).await?).unwrap();
    Some((Store::postgres(&url).unwrap(), Store::postgres(&url).unwrap()))
}

/// Runs each behaviour on each engine, as tests named `sqlite::…` and `postgres::…`.
macro_rules! suite {
    ($($behaviour:ident),* $(,)?) => {
        mod sqlite_engine {
            $(#[tokio::test]
            async fn $behaviour() {
                let (a, b) = super::sqlite(stringify!($behaviour)).await.unwrap();
                super::$behaviour(a, b).await;
            })*
        }
        mod postgres_engine {
            $(#[tokio::test]
            async fn $behaviour() {
                if let Some((a, b)) = super::postgres(stringify!($behaviour)).await {
                    super::$behaviour(a, b).await;
                }
            })*
        }
    };
}

suite!(
    migrations_are_numbered_and_run_once,
    saved_queries_are_each_owners_and_listed_by_use,
    the_journal_finds_repeats_within_the_window_and_per_owner,
    a_token_is_redeemed_once_for_its_own_request_anywhere,
    of_many_redeeming_one_token_at_once_exactly_one_gets_it,
    audit_lines_are_kept_whole_and_listed_newest_first,
);

fn query(name: &str) -> SavedQuery {
    SavedQuery {
        name: name.into(),
        description: Some("open tickets".into()),
        method: "GET".into(),
        path: "/service/tickets".into(),
        query: json!({"conditions": "closedFlag=false"}).as_object().cloned(),
        body: None,
        uses: 0,
        created_at: "2026-01-01T00:00:00Z".into(),
        last_used_at: None,
    }
}

fn note(fingerprint: &str, at: i64) -> Written {
    Written {
        id: 0,
        tool: "cw_add_ticket_note".into(),
        method: "POST".into(),
        path: "/service/tickets/8/notes".into(),
        body: Some(json!({"text": "hi"})),
        before: None,
        after: Some(json!({"id": 3, "text": "hi"})),
        record_path: "/service/tickets/8/notes/3".into(),
        fingerprint: Some(fingerprint.into()),
        at,
        undone_by: None,
    }
}

async fn migrations_are_numbered_and_run_once(a: Store, b: Store) {
    let latest = MIGRATIONS.last().unwrap().0;
    assert_eq!(a.migrate().await.unwrap(), latest);
    a.save(query("kept")).await.unwrap();
    // Another instance starting on the same database migrates nothing again.
    assert_eq!(b.migrate().await.unwrap(), latest);
    assert!(b.get("kept").await.unwrap().is_some());
}

async fn saved_queries_are_each_owners_and_listed_by_use(a: Store, b: Store) {
    let (alice, bob) = (a.for_owner("alice"), b.for_owner("bob"));
    assert!(!alice.save(query("a")).await.unwrap());
    assert!(!alice.save(query("b")).await.unwrap());
    assert!(alice.save(query("b")).await.unwrap(), "saving again replaces");
    alice.used("b", "2026-01-02T00:00:00Z".into()).await.unwrap();
    // Made through one instance, seen through the other.
    let on_b = b.for_owner("alice");
    let names: Vec<String> = on_b.list().await.unwrap().into_iter().map(|q| q.name).collect();
    assert_eq!(names, ["b", "a"], "most used first");
    let got = on_b.get("b").await.unwrap().unwrap();
    assert_eq!(got.uses, 1);
    assert_eq!(got.query, query("b").query, "its query kept as JSON");
    assert_eq!(got.last_used_at.as_deref(), Some("2026-01-02T00:00:00Z"));
    assert!(!bob.save(query("a")).await.unwrap(), "same name, another owner");
    assert!(bob.delete("a").await.unwrap());
    assert!(!bob.delete("a").await.unwrap());
    assert!(alice.get("a").await.unwrap().is_some(), "alice's is untouched");
    assert!(a.list().await.unwrap().is_empty(), "stdio's owner is another");
}

async fn the_journal_finds_repeats_within_the_window_and_per_owner(a: Store, b: Store) {
    let (alice, bob) = (a.for_owner("alice"), a.for_owner("bob"));
    let id = alice.journal(note("f1", 1_000)).await.unwrap();
    let alice_on_b = b.for_owner("alice");
    assert_eq!(
        alice_on_b.journaled_since("f1", 900).await.unwrap().unwrap().id,
        id
    );
    assert!(
        alice_on_b.journaled_since("f1", 1_001).await.unwrap().is_none(),
        "outside the window"
    );
    assert!(
        bob.journaled_since("f1", 0).await.unwrap().is_none(),
        "another caller's"
    );
    assert!(bob.journal_entry(id).await.unwrap().is_none());
    let undo = alice_on_b.journal(note("f2", 1_010)).await.unwrap();
    alice.journal_undone(id, undo).await.unwrap();
    let recent = alice_on_b.journal_recent(10).await.unwrap();
    assert_eq!(recent.iter().map(|w| w.id).collect::<Vec<_>>(), [undo, id]);
    assert_eq!(recent[1].undone_by, Some(undo));
    assert_eq!(
        recent[1],
        Written {
            id,
            undone_by: Some(undo),
            ..note("f1", 1_000)
        }
    );
}

async fn a_token_is_redeemed_once_for_its_own_request_anywhere(a: Store, b: Store) {
    let now = 10_000;
    a.token_issue("t1", "request-1", now + 300, now).await.unwrap();
    assert_eq!(
        b.token_redeem("t1", "request-1", now + 1).await.unwrap(),
        Redeemed::Fits
    );
    assert_eq!(
        a.token_redeem("t1", "request-1", now + 2).await.unwrap(),
        Redeemed::Unknown,
        "used once"
    );
    a.token_issue("t2", "request-2", now + 300, now).await.unwrap();
    assert_eq!(
        b.token_redeem("t2", "request-3", now).await.unwrap(),
        Redeemed::OtherRequest
    );
    assert_eq!(
        b.token_redeem("t2", "request-2", now).await.unwrap(),
        Redeemed::Unknown,
        "spent all the same"
    );
    a.token_issue("t3", "request-3", now + 300, now).await.unwrap();
    assert_eq!(
        b.token_redeem("t3", "request-3", now + 301).await.unwrap(),
        Redeemed::Unknown,
        "expired"
    );
    assert_eq!(
        b.token_redeem("never", "request-3", now).await.unwrap(),
        Redeemed::Unknown
    );
}

async fn of_many_redeeming_one_token_at_once_exactly_one_gets_it(a: Store, b: Store) {
    a.token_issue("race", "request", 20_000, 10_000).await.unwrap();
    let tries = (0..16).map(|i| {
        let store = if i % 2 == 0 { a.clone() } else { b.clone() };
        tokio::spawn(async move { store.token_redeem("race", "request", 10_001).await.unwrap() })
    });
    let mut fits = 0;
    for done in tries {
        if done.await.unwrap() == Redeemed::Fits {
            fits += 1;
        }
    }
    assert_eq!(fits, 1);
}

async fn audit_lines_are_kept_whole_and_listed_newest_first(a: Store, b: Store) {
    let line = |tool: &str| {
        json!({"time": "2026-12-02T10:00:00.123Z", "principal": "alice", "member": null, "tool": tool,
               "tier": "write", "targets": {"ticket_id": 17}, "outcome": "ok", "cw_status": null, "ms": 4.5})
    };
    a.audit(line("cw_add_ticket_note")).await.unwrap();
    b.audit(line("cw_undo")).await.unwrap();
    assert_eq!(
        a.audit_recent(10).await.unwrap(),
        [line("cw_undo"), line("cw_add_ticket_note")]
    );
}

#[tokio::test]
async fn a_database_out_of_reach_says_so_at_once_without_its_password() {
    // Nothing listens on port 9: the pool is made, each call fails at once.
    let url = DatabaseUrl::parse("postgres://cw:hunter2-secret@127.0.0.1:9/cw").unwrap();
    assert_eq!(
        format!("{url:?}"),
        "DatabaseUrl(postgres://cw:***@127.0.0.1:9/cw)"
    );
    let store = Store::postgres(&url).unwrap();
    assert!(!format!("{store:?}").contains("hunter2"));
    let started = std::time::Instant::now();
    let err = store.list().await.unwrap_err();
    assert!(err.contains("the store (PostgreSQL) is unavailable"), "{err}");
    assert!(err.contains("reading ConnectWise still works"), "{err}");
    assert!(!err.contains("hunter2"), "{err}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let err = store.token_issue("t", "d", 2, 1).await.unwrap_err();
    assert!(err.contains("unavailable"), "{err}");
}

#[test]
fn only_postgres_urls_are_taken_and_none_is_quoted() {
    for bad in ["mysql://u:secretpw@h/db", "not a url secretpw"] {
        let err = DatabaseUrl::parse(bad).unwrap_err();
        assert!(!err.contains("secretpw"), "{err}");
    }
    assert!(DatabaseUrl::parse("postgresql://h/db").is_ok());
}

/// `doctor` warns of a plain connection only where it crosses a network.
#[test]
fn a_store_on_this_machine_is_told_from_one_across_a_network() {
    let local = |url: &str| DatabaseUrl::parse(url).unwrap().is_local();
    assert!(local("postgres://u:p@127.0.0.1:5432/db"));
    assert!(local("postgres://u:p@localhost/db"));
    assert!(local("postgres://u:p@[::1]:5432/db"));
    assert!(local("postgres:///db?host=/var/run/postgresql"));
    assert!(!local("postgres://u:p@db.internal:5432/db"));
    assert!(!local("postgres://u:p@10.0.0.5/db"));
    assert!(!local("postgres://u:p@localhost/db?host=db.internal"));
}

/// A setting to fix is said as one, not as an outage to wait out: a wrong
/// password, a database that does not exist, a user without the rights to
/// make the store's tables. The password is never in the message.
#[tokio::test]
async fn a_wrong_sign_in_database_or_right_is_said_as_a_setting_to_fix() {
    let Some(url) = pg::server_url() else { return };
    let first_error = |url: String| async move {
        let store = Store::postgres(&DatabaseUrl::parse(&url).unwrap()).unwrap();
        store.list().await.unwrap_err()
    };

    let mut wrong = url::Url::parse(&url).unwrap();
    wrong.set_password(Some("not-the-password-4711")).unwrap();
    let err = first_error(wrong.to_string()).await;
    assert!(
        err.contains("refused the sign-in of database_url's user"),
        "{err}"
    );
    assert!(err.contains("password authentication failed"), "{err}");
    assert!(!err.contains("unavailable") && !err.contains("4711"), "{err}");
    assert!(err.contains("reading ConnectWise still works"), "{err}");

    let err = first_error(pg::with_database(&url, "cw_no_such_database")).await;
    assert!(err.contains("has no database of database_url's name"), "{err}");
    assert!(err.contains("does not exist"), "{err}");

    // A user who may sign in but not create tables (PostgreSQL 15 and later
    // grant no CREATE on `public` to others than the database's owner).
    let database = pg::fresh_database("no_rights").await.unwrap();
    let role = format!("cw_reader_{}_{:08x}", std::process::id(), fastrand::u32(..));
    let (admin, connection) = tokio_postgres::connect(&database, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(connection);
    admin
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN PASSWORD 'reader-pw'; REVOKE CREATE ON SCHEMA public FROM PUBLIC"
        ))
        .await
        .unwrap();
    let mut reader = url::Url::parse(&database).unwrap();
    reader.set_username(&role).unwrap();
    reader.set_password(Some("reader-pw")).unwrap();
    let err = first_error(reader.to_string()).await;
    assert!(
        err.contains("refused database_url's user the rights the store needs"),
        "{err}"
    );
    assert!(err.contains("permission denied"), "{err}");
    assert!(!err.contains("reader-pw"), "{err}");
    let _ = admin.batch_execute(&format!("DROP ROLE {role}")).await;
}

/// TLS to PostgreSQL means what it means to psql (`src/store/tls.rs`):
/// the test server speaks TLS with a certificate for `localhost` from a CA
/// of its own (`.ci/postgres.sh`), so each `sslmode` can be seen to check
/// what it should. How the connection is protected is asked of the server
/// (`pg_stat_ssl`), not assumed.
mod tls {
    use super::*;
    use std::path::PathBuf;

    /// The test server's CA and client certificate, with its URL.
    fn server() -> Option<(String, PathBuf)> {
        let url = pg::server_url()?;
        let dir = std::env::var_os("CW_TEST_PG_TLS")
            .map(PathBuf::from)
            .expect("CW_TEST_PG_TLS is set with CW_TEST_DATABASE_URL (eval \"$(.ci/postgres.sh start)\")");
        Some((url, dir))
    }

    /// `url` with `host` and the query `params`.
    fn at(url: &str, host: &str, params: &str) -> String {
        let mut url = url::Url::parse(url).unwrap();
        url.set_host(Some(host)).unwrap();
        url.set_query(Some(params));
        url.to_string()
    }

    /// The store's TLS as the server reports it (`None`: plain).
    async fn encryption(store: &Store) -> Result<Option<String>, String> {
        Ok(match store.protection().await? {
            Some(Protection::Encrypted(tls)) => Some(tls),
            _ => None,
        })
    }

    async fn protection(url: &str) -> Result<Option<String>, String> {
        let store = Store::postgres(&DatabaseUrl::parse(url)?)?;
        store.migrate().await?;
        encryption(&store).await
    }

    #[tokio::test]
    async fn without_sslmode_the_session_is_encrypted_when_offered_and_the_certificate_unchecked() {
        let Some((url, _)) = server() else { return };
        let store = Store::postgres(&DatabaseUrl::parse(&url).unwrap()).unwrap();
        store.save(query("over_tls")).await.unwrap();
        assert_eq!(store.list().await.unwrap()[0].name, "over_tls");
        let tls = encryption(&store).await.unwrap().expect("encrypted");
        assert!(tls.starts_with("TLSv1."), "{tls}");
        assert!(tls.contains("certificate not checked (sslmode=prefer"), "{tls}");
        let plain = protection(&at(&url, "127.0.0.1", "sslmode=disable"))
            .await
            .unwrap();
        assert_eq!(plain, None);
    }

    #[tokio::test]
    async fn verify_full_checks_the_issuer_and_the_host_name_verify_ca_only_the_issuer() {
        let Some((url, dir)) = server() else { return };
        let ca = dir.join("ca.pem");
        let full = format!("sslmode=verify-full&sslrootcert={}", ca.display());
        let tls = protection(&at(&url, "localhost", &full)).await.unwrap().unwrap();
        assert!(tls.contains("certificate and host name checked"), "{tls}");

        // The certificate names localhost, not 127.0.0.1.
        let err = protection(&at(&url, "127.0.0.1", &full)).await.unwrap_err();
        assert!(
            err.contains("showed a certificate that database_url does not trust"),
            "{err}"
        );
        assert!(err.contains("not valid for name"), "{err}");
        assert!(
            !err.contains("unavailable") && !err.contains("cw-test-only-password"),
            "{err}"
        );

        let ca_only = format!("sslmode=verify-ca&sslrootcert={}", ca.display());
        let tls = protection(&at(&url, "127.0.0.1", &ca_only))
            .await
            .unwrap()
            .unwrap();
        assert!(tls.contains("checked against sslrootcert, not its name"), "{tls}");

        // No public CA issued it.
        let system = protection(&at(&url, "localhost", "sslmode=verify-full&sslrootcert=system")).await;
        let err = system.unwrap_err();
        assert!(
            err.contains("showed a certificate that database_url does not trust"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_client_certificate_signs_in_a_role_that_accepts_nothing_else() {
        let Some((url, dir)) = server() else { return };
        let mut url = url::Url::parse(&url).unwrap();
        url.set_username("cw_cert").unwrap();
        url.set_password(None).unwrap();
        url.set_path("cw_cert");
        let url = url.to_string();
        let with_cert = format!(
            "sslmode=verify-full&sslrootcert={}&sslcert={}&sslkey={}",
            dir.join("ca.pem").display(),
            dir.join("client.crt").display(),
            dir.join("client.key").display()
        );
        let tls = protection(&at(&url, "localhost", &with_cert)).await.unwrap();
        assert!(tls.is_some());
        let err = protection(&at(&url, "localhost", "sslmode=require"))
            .await
            .unwrap_err();
        assert!(
            err.contains("refused the sign-in of database_url's user"),
            "{err}"
        );
        assert!(err.contains("client certificate"), "{err}");
    }

    /// A server that answers the TLS request with `N` (no TLS), then reads
    /// what comes next: the first 8 bytes after the request, if any.
    async fn server_without_tls() -> (u16, tokio::task::JoinHandle<Vec<u8>>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let task = tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 8];
            socket.read_exact(&mut request).await.unwrap();
            assert_eq!(request, [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f], "an SSLRequest");
            socket.write_all(b"N").await.unwrap();
            let mut next = vec![0u8; 8];
            match socket.read_exact(&mut next).await {
                Ok(_) => next,
                Err(_) => Vec::new(),
            }
        });
        (port, task)
    }

    #[tokio::test]
    async fn require_will_not_go_on_in_the_clear_and_prefer_does() {
        let (port, server) = server_without_tls().await;
        let url = format!("postgres://cw:secret-4711@127.0.0.1:{port}/cw?sslmode=require");
        let err = Store::postgres(&DatabaseUrl::parse(&url).unwrap())
            .unwrap()
            .list()
            .await
            .unwrap_err();
        assert!(
            err.contains("does not accept TLS, which database_url's sslmode requires"),
            "{err}"
        );
        assert!(!err.contains("secret-4711"), "{err}");
        assert_eq!(
            server.await.unwrap(),
            Vec::<u8>::new(),
            "nothing sent in the clear"
        );

        let (port, server) = server_without_tls().await;
        let url = format!("postgres://cw:secret-4711@127.0.0.1:{port}/cw?sslmode=prefer");
        let store = Store::postgres(&DatabaseUrl::parse(&url).unwrap()).unwrap();
        let _ = store.list().await;
        let startup = server.await.unwrap();
        assert_eq!(
            &startup[4..8],
            &[0, 3, 0, 0],
            "a plain StartupMessage (protocol 3.0)"
        );
    }

    /// PostgreSQL offers no TLS on a Unix socket: as in libpq, sslmode and
    /// its files do not apply there (no root certificate is asked for).
    #[tokio::test]
    async fn on_a_unix_socket_sslmode_does_not_apply() {
        let Some((url, dir)) = server() else { return };
        let port = url::Url::parse(&url).unwrap().port().unwrap();
        let sockets = dir.parent().unwrap().display().to_string();
        let url = format!("postgres:///postgres?user=cw&host={sockets}&port={port}&sslmode=verify-full");
        assert_eq!(protection(&url).await.unwrap(), None);
    }

    #[test]
    fn a_file_that_cannot_be_read_stops_the_start_with_its_name() {
        let url = "postgres://cw:pw@db/cw?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem";
        let err = Store::postgres(&DatabaseUrl::parse(url).unwrap()).err().unwrap();
        assert!(err.contains("sslrootcert /nonexistent/ca.pem"), "{err}");
    }
}
