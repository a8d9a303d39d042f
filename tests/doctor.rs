//! `connectwise-mcp doctor` end to end: the real binary against the
//! simulated tenant, once healthy and once per injected failure. Each failure
//! must be named on its own line, with a fix, and set the exit code.

mod support;

use connectwise_mcp::sim::{DEMO_MEMBER_IDENTIFIER, Simulator};
use serde_json::{Value, json};
use support::bin::{command, with_env};
use support::sim::{sim_env, start_sim};

/// What one run printed and how it exited.
struct Run {
    code: i32,
    report: Value,
}

impl Run {
    /// The checks named `name`.
    fn checks(&self, name: &str) -> Vec<&Value> {
        self.report["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .filter(|c| c["check"] == name)
            .collect()
    }

    /// The one check `name` with status `status`; panics with the report otherwise.
    fn find(&self, name: &str, status: &str) -> &Value {
        self.checks(name)
            .into_iter()
            .find(|c| c["status"] == status)
            .unwrap_or_else(|| panic!("no {status} {name} check in {:#}", self.report))
    }
}

/// Runs `doctor --json` with `env`; the store is a SQLite file of the run's
/// own unless `env` names one (never the developer's).
async fn doctor(env: &[(String, String)]) -> Run {
    let mut env = env.to_vec();
    if !env
        .iter()
        .any(|(k, _)| k == "CW_SAVED_QUERIES_DB" || k == "MCP_DATABASE_URL")
    {
        let file = std::env::temp_dir().join(format!(
            "cw-doctor-{}-{:08x}/store.sqlite3",
            std::process::id(),
            fastrand::u32(..)
        ));
        env.push(("CW_SAVED_QUERIES_DB".into(), file.display().to_string()));
    }
    let out = tokio::process::Command::from(command(&["doctor", "--json"], &env))
        .output()
        .await
        .expect("running doctor");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "doctor --json printed no JSON ({e}): {stdout}\nstderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Run {
        code: out.status.code().expect("exit code"),
        report,
    }
}

/// A time sheet of the demo member that covers today, in `status`.
fn sheet_covering_today(sim: &Simulator, status: &str) {
    let today = chrono::Utc::now().date_naive();
    let day = |d: i64| format!("{}T00:00:00Z", today + chrono::Duration::days(d));
    sim.insert(
        "/time/sheets",
        json!({
            "member": {"id": 1, "identifier": DEMO_MEMBER_IDENTIFIER},
            "dateStart": day(-3),
            "dateEnd": day(3),
            "status": status,
        }),
    );
}

#[tokio::test]
async fn a_healthy_tenant_is_all_good_and_exits_zero() {
    let sim = start_sim().await;
    sheet_covering_today(&sim, "Open");
    let run = doctor(&sim_env(&sim)).await;
    assert_eq!(run.code, 0, "{:#}", run.report);
    assert_eq!(run.report["ok"], true);
    for name in ["site", "keys", "member", "version", "access", "time"] {
        run.find(name, "ok");
    }
    assert!(
        run.find("time", "ok")["detail"]
            .as_str()
            .unwrap()
            .contains("Open")
    );
    let store = run.find("store", "ok")["detail"].as_str().unwrap().to_owned();
    assert!(
        store.starts_with("SQLite file ") && store.contains("tables at version"),
        "{store}"
    );
    // Nothing was written.
    let writes: Vec<_> = sim
        .request_log()
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path_and_query))
        .collect();
    assert!(writes.is_empty(), "doctor wrote: {writes:?}");
}

#[tokio::test]
async fn bad_keys_are_named_with_the_settings_to_check() {
    let sim = start_sim().await;
    let run = doctor(&with_env(sim_env(&sim), &[("CW_PRIVATE_KEY", "not-the-key")])).await;
    assert_eq!(run.code, 1);
    run.find("site", "ok");
    let keys = run.find("keys", "fail");
    assert!(keys["fix"].as_str().unwrap().contains("CW_PRIVATE_KEY"), "{keys}");
    // Later checks say why they did not run rather than failing again.
    assert_eq!(run.find("access", "skipped")["check"], "access");
    // The secret is never printed.
    assert!(!run.report.to_string().contains("not-the-key"));
}

#[tokio::test]
async fn an_unregistered_client_id_is_named() {
    let sim = start_sim().await;
    let run = doctor(&with_env(
        sim_env(&sim),
        &[("CW_CLIENT_ID", "11111111-2222-3333-4444-555555555555")],
    ))
    .await;
    assert_eq!(run.code, 1);
    let keys = run.find("keys", "fail");
    assert!(keys["detail"].as_str().unwrap().contains("clientId"), "{keys}");
    assert!(keys["fix"].as_str().unwrap().contains("CW_CLIENT_ID"), "{keys}");
}

#[tokio::test]
async fn a_role_without_service_tickets_names_the_tools_and_the_permission() {
    let sim = start_sim().await;
    sim.faults().forbid_prefix("/service/tickets");
    let run = doctor(&sim_env(&sim)).await;
    assert_eq!(run.code, 1);
    let refused = run
        .checks("access")
        .into_iter()
        .find(|c| c["status"] == "fail" && c["detail"].as_str().unwrap().contains("/service/tickets "))
        .unwrap_or_else(|| panic!("no refused /service/tickets in {:#}", run.report));
    assert!(refused["detail"].as_str().unwrap().contains("cw_search_tickets"));
    assert!(refused["fix"].as_str().unwrap().contains("Service Desk"));
    // Tools on other modules are still fine.
    assert!(
        run.find("access", "ok")["detail"]
            .as_str()
            .unwrap()
            .contains(" of ")
    );
}

#[tokio::test]
async fn a_closed_time_sheet_warns_that_time_entries_will_be_refused() {
    let sim = start_sim().await;
    sheet_covering_today(&sim, "ApprovedByTierTwo");
    let run = doctor(&sim_env(&sim)).await;
    assert_eq!(run.code, 1);
    let time = run.find("time", "warn");
    assert!(
        time["detail"].as_str().unwrap().contains("ApprovedByTierTwo"),
        "{time}"
    );
    assert!(time["fix"].as_str().unwrap().contains("reopen"), "{time}");
}

#[tokio::test]
async fn a_newer_tenant_asks_for_a_regen() {
    let sim = start_sim().await;
    sim.faults().report_version("2031.1");
    let run = doctor(&sim_env(&sim)).await;
    assert_eq!(run.code, 1);
    let version = run.find("version", "warn");
    assert!(
        version["detail"].as_str().unwrap().contains("2031.1"),
        "{version}"
    );
    assert!(
        version["fix"].as_str().unwrap().contains("cargo xtask regen"),
        "{version}"
    );
}

/// The notes of the shapes check.
fn shape_notes(run: &Run) -> Vec<String> {
    run.checks("shapes")
        .into_iter()
        .filter(|c| c["status"] == "note")
        .map(|c| c["detail"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn odd_shapes_are_listed_but_do_not_fail_the_run() {
    let sim = start_sim().await;
    sheet_covering_today(&sim, "Open");
    let ordinary = shape_notes(&doctor(&sim_env(&sim)).await);
    sim.faults().serve_odd_shapes(true);
    let run = doctor(&sim_env(&sim)).await;
    let odd = shape_notes(&run);
    let tickets = odd
        .iter()
        .find(|s| s.starts_with("Ticket (/service/tickets)"))
        .unwrap_or_else(|| panic!("{odd:?}"));
    assert!(tickets.contains(": null"), "{tickets}");
    assert!(tickets.contains("Undocumented"), "{tickets}");
    assert!(!ordinary.iter().any(|s| s.contains(": null")), "{ordinary:?}");
    // Reads tolerate these shapes: nothing to fix.
    assert_eq!(run.code, 0, "{:#}", run.report);
}

#[tokio::test]
async fn a_site_that_does_not_answer_is_named_and_the_rest_skipped() {
    let env = with_env(sim_env(&start_sim().await), &[("CW_SITE", "http://127.0.0.1:9")]);
    let run = doctor(&env).await;
    assert_eq!(run.code, 1);
    let site = run.find("site", "fail");
    assert!(site["fix"].as_str().is_some(), "{site}");
    assert_eq!(run.checks("member")[0]["status"], "skipped");
    // The store does not depend on ConnectWise: it is checked all the same.
    run.find("store", "ok");
}

/// A store that needs a setting fixed is a warning (reads work without it)
/// that names the setting; the database's password is never printed.
#[tokio::test]
async fn a_postgres_store_that_refuses_the_sign_in_is_named_with_the_setting() {
    let Some(url) = support::pg::server_url() else {
        return;
    };
    let mut wrong = url::Url::parse(&url).unwrap();
    wrong.set_password(Some("not-the-db-password-4711")).unwrap();
    let sim = start_sim().await;
    sheet_covering_today(&sim, "Open");
    let run = doctor(&with_env(sim_env(&sim), &[("MCP_DATABASE_URL", wrong.as_str())])).await;
    assert_eq!(run.code, 1, "{:#}", run.report);
    let store = run.find("store", "warn");
    let detail = store["detail"].as_str().unwrap();
    assert!(detail.starts_with("PostgreSQL postgres://"), "{detail}");
    assert!(
        detail.contains("refused the sign-in of database_url's user"),
        "{detail}"
    );
    assert!(
        store["fix"].as_str().unwrap().contains("MCP_DATABASE_URL"),
        "{store}"
    );
    assert!(!run.report.to_string().contains("4711"), "{:#}", run.report);
    run.find("keys", "ok");
}

/// The store line says how the connection to PostgreSQL is protected, as
/// the server reports it: the TLS version and how far its certificate was
/// checked, or that a local connection is plain.
#[tokio::test]
async fn a_postgres_store_says_whether_and_how_it_is_encrypted() {
    let Some(url) = support::pg::server_url() else {
        return;
    };
    let ca = std::path::Path::new(&std::env::var("CW_TEST_PG_TLS").expect("set with the URL")).join("ca.pem");
    let mut verified = url::Url::parse(&url).unwrap();
    verified.set_host(Some("localhost")).unwrap();
    verified.set_query(Some(&format!("sslmode=verify-full&sslrootcert={}", ca.display())));
    let sim = start_sim().await;
    sheet_covering_today(&sim, "Open");
    let run = doctor(&with_env(
        sim_env(&sim),
        &[("MCP_DATABASE_URL", verified.as_str())],
    ))
    .await;
    let store = run.find("store", "ok");
    let detail = store["detail"].as_str().unwrap();
    assert!(detail.contains("; encrypted: TLSv1."), "{detail}");
    assert!(
        detail.contains("certificate and host name checked (sslmode=verify-full)"),
        "{detail}"
    );

    let plain = format!("{url}?sslmode=disable");
    let run = doctor(&with_env(sim_env(&sim), &[("MCP_DATABASE_URL", plain.as_str())])).await;
    let store = run.find("store", "ok");
    assert!(
        store["detail"]
            .as_str()
            .unwrap()
            .ends_with("; not encrypted (this machine)"),
        "{store}"
    );
    assert!(
        !run.report.to_string().contains("cw-test-only-password"),
        "{:#}",
        run.report
    );
}

#[tokio::test]
async fn missing_configuration_exits_two() {
    let env = sim_env(&start_sim().await)
        .into_iter()
        .filter(|(k, _)| k != "CW_PUBLIC_KEY")
        .collect::<Vec<_>>();
    let out = tokio::process::Command::from(command(&["doctor"], &env))
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("CW_PUBLIC_KEY"));
}
