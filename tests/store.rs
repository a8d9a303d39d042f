//! The store's behaviours, one suite run against both engines: SQLite (a
//! temp file, always) and PostgreSQL (a fresh database on
//! `CW_TEST_DATABASE_URL`; skipped without one, except under CI where it
//! fails). Each behaviour is written once, as a function of a store, and
//! [`suite!`] runs it on each engine. Two stores on one database stand for
//! two instances of a deployment.

mod support;

use connectwise_mcp::store::tokens::Redeemed;
use connectwise_mcp::store::{DatabaseUrl, MIGRATIONS, SavedQuery, Store, Written};
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
