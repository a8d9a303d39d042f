//! Code mode end to end: the real binary over MCP stdio, against the
//! simulated tenant. Each report question is answered by one `cw_run`
//! program, written as a model would write it from the tool's description
//! and the declarations search shows; the expected answer is computed here
//! from the tenant's own records (`Simulator::records`), never through
//! `cw_run`. Then the escapes: each refused or stopped, and the server
//! still serving.

mod support;

use chrono::{DateTime, Datelike, Duration, Utc};
use connectwise_mcp::sim::{DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, Simulator};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use support::code_tasks as tasks;
use support::mcp::{Client, call, connect, failed, json_of};
use support::sim::{sim_env, start_sim};

/// The tenant's "now": programs take it as their reference date, as a model
/// told "as of" would.
fn now() -> DateTime<Utc> {
    parse(&connectwise_mcp::sim::seed::now())
}

fn parse(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .with_timezone(&Utc)
}

/// Runs `code` (with `NOW` defined) and returns the full answer.
async fn run_answer(client: &Client, code: &str) -> Value {
    let program = format!("const NOW = new Date({:?});\n{code}", now().to_rfc3339());
    let started = std::time::Instant::now();
    let result = call(client, "cw_run", json!({ "code": program }))
        .await
        .expect("a cw_run result");
    let elapsed = started.elapsed();
    assert_ne!(result.is_error, Some(true), "{}", failed(&result));
    assert!(
        elapsed < std::time::Duration::from_secs(2),
        "a report runs under 2 s on the simulated tenant: {elapsed:?}"
    );
    json_of(&result)
}

/// Runs `code` and returns what it returned, every number as a float (a
/// program's `2` and the test's `2.0` are the same answer).
async fn run(client: &Client, code: &str) -> Value {
    floats(run_answer(client, code).await["result"].clone())
}

fn floats(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::Array(items) => Value::Array(items.into_iter().map(floats).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, floats(v))).collect()),
        other => other,
    }
}

/// Runs `code`, which must fail; returns the error text.
async fn run_error(client: &Client, code: &str) -> String {
    let result = call(client, "cw_run", json!({ "code": code }))
        .await
        .expect("a cw_run result");
    assert_eq!(result.is_error, Some(true), "{code} should fail");
    failed(&result)
}

fn at<'a>(record: &'a Value, path: &str) -> &'a Value {
    path.split('/')
        .fold(record, |v, k| v.get(k).unwrap_or(&Value::Null))
}

fn entered(record: &Value) -> DateTime<Utc> {
    parse(at(record, "_info/dateEntered").as_str().expect("dateEntered"))
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Counts by key, as a JSON object.
fn counts<'a>(keys: impl Iterator<Item = String> + 'a) -> Value {
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    for k in keys {
        *out.entry(k).or_default() += 1;
    }
    json!(out)
}

fn sums(pairs: impl Iterator<Item = (String, f64)>) -> Value {
    let mut out: BTreeMap<String, f64> = BTreeMap::new();
    for (k, v) in pairs {
        *out.entry(k).or_default() += v;
    }
    Value::Object(
        out.into_iter()
            .map(|(k, v)| (k, json!(round2(v))))
            .collect::<Map<_, _>>(),
    )
}

fn open_tickets(sim: &Simulator) -> Vec<Value> {
    sim.records("/service/tickets")
        .into_iter()
        .filter(|t| t["closedFlag"] == false)
        .collect()
}

#[tokio::test]
async fn report_questions_are_answered_by_one_program_each() {
    let sim = start_sim().await;
    let client = connect(&[], &sim_env(&sim)).await;
    let now = now();

    // 1. Open tickets older than seven days, by board and owner.
    let got = run(
        &client,
        tasks::OPEN_TICKETS_OLDER_THAN_7_DAYS_BY_BOARD_AND_OWNER.code,
    )
    .await;
    let expected = counts(
        open_tickets(&sim)
            .iter()
            .filter(|t| entered(t) < now - Duration::days(7))
            .map(|t| {
                format!(
                    "{} / {}",
                    at(t, "board/name").as_str().unwrap(),
                    at(t, "owner/identifier").as_str().unwrap_or("unassigned")
                )
            }),
    );
    assert!(expected.as_object().unwrap().len() > 2, "{expected}");
    assert_eq!(got, floats(expected), "open tickets older than 7 days");

    // 2. Unbilled billable hours per company this month.
    let got = run(
        &client,
        tasks::UNBILLED_BILLABLE_HOURS_PER_COMPANY_THIS_MONTH.code,
    )
    .await;
    let month = now
        .date_naive()
        .with_day(1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let expected = sums(
        sim.records("/time/entries")
            .iter()
            .filter(|e| e["billableOption"] == "Billable")
            .filter(|e| parse(e["timeStart"].as_str().unwrap()) >= month)
            .filter(|e| !matches!(e["status"].as_str(), Some("Billed" | "BilledAgreement")))
            .map(|e| {
                (
                    at(e, "company/identifier").as_str().unwrap().to_owned(),
                    e["actualHours"].as_f64().unwrap(),
                )
            }),
    );
    assert!(!expected.as_object().unwrap().is_empty());
    assert_eq!(got, floats(expected), "unbilled billable hours this month");

    // 3. Members with fewer than 30 hours last week (Monday to Sunday).
    let got = run(&client, tasks::MEMBERS_UNDER_30_HOURS_LAST_WEEK.code).await;
    let monday = (now - Duration::days(now.weekday().num_days_from_monday() as i64))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let (from, to) = (monday - Duration::days(7), monday);
    let mut hours: BTreeMap<String, f64> = BTreeMap::new();
    for e in sim.records("/time/entries") {
        let start = parse(e["timeStart"].as_str().unwrap());
        if start >= from && start < to {
            *hours
                .entry(at(&e, "member/identifier").as_str().unwrap().to_owned())
                .or_default() += e["actualHours"].as_f64().unwrap();
        }
    }
    let mut expected: Vec<Value> = sim
        .records("/system/members")
        .iter()
        .filter(|m| m["inactiveFlag"] != true)
        .map(|m| {
            let id = m["identifier"].as_str().unwrap();
            (id.to_owned(), round2(hours.get(id).copied().unwrap_or(0.0)))
        })
        .filter(|(_, h)| *h < 30.0)
        .map(|(id, h)| json!([id, h]))
        .collect();
    expected.sort_by_key(|v| v[0].as_str().unwrap().to_owned());
    assert!(hours.values().any(|h| *h > 0.0), "someone logged time last week");
    assert_eq!(got, floats(json!(expected)), "members under 30 hours last week");

    // 4. Agreements renewing in the next 60 days, with what they bill.
    let got = run(&client, tasks::AGREEMENTS_RENEWING_IN_60_DAYS.code).await;
    let agreements = sim.records("/finance/agreements");
    let mut expected: Vec<Value> = Vec::new();
    for c in sim.records("/company/companies") {
        let renewal = c["customFields"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["caption"] == "Contract Renewal" && f["value"].is_string());
        let Some(renewal) = renewal.map(|f| parse(f["value"].as_str().unwrap())) else {
            continue;
        };
        if renewal <= now || renewal > now + Duration::days(60) {
            continue;
        }
        for a in agreements
            .iter()
            .filter(|a| a["cancelledFlag"] != true && at(a, "company/id") == &c["id"])
        {
            expected.push(json!([
                c["identifier"],
                renewal.format("%Y-%m-%d").to_string(),
                a["billAmount"]
            ]));
        }
    }
    expected.sort_by_key(|v| v.to_string());
    assert!(!expected.is_empty(), "some agreement renews within 60 days");
    assert_eq!(got, floats(json!(expected)), "agreements renewing in 60 days");

    // 5. Open tickets per status.
    let got = run(&client, tasks::OPEN_TICKETS_PER_STATUS.code).await;
    let expected = counts(
        open_tickets(&sim)
            .iter()
            .map(|t| at(t, "status/name").as_str().unwrap().to_owned()),
    );
    assert_eq!(got, floats(expected), "open tickets per status");

    // 6. The five companies with the most open tickets.
    let got = run(&client, tasks::TOP_5_COMPANIES_BY_OPEN_TICKETS.code).await;
    let mut per: Vec<(String, i64)> = counts(
        open_tickets(&sim)
            .iter()
            .map(|t| at(t, "company/identifier").as_str().unwrap().to_owned()),
    )
    .as_object()
    .unwrap()
    .iter()
    .map(|(k, v)| (k.clone(), v.as_i64().unwrap()))
    .collect();
    per.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let expected: Vec<Value> = per.iter().take(5).map(|(k, n)| json!([k, n])).collect();
    assert_eq!(got, floats(json!(expected)), "top five companies by open tickets");

    // 7. Hours logged this month per member.
    let got = run(&client, tasks::HOURS_THIS_MONTH_PER_MEMBER.code).await;
    let expected = sums(
        sim.records("/time/entries")
            .iter()
            .filter(|e| parse(e["timeStart"].as_str().unwrap()) >= month)
            .map(|e| {
                (
                    at(e, "member/identifier").as_str().unwrap().to_owned(),
                    e["actualHours"].as_f64().unwrap(),
                )
            }),
    );
    assert_eq!(got, floats(expected), "hours this month per member");

    // 8. Average hours from entry to close, tickets closed in the last 30 days.
    let got = run(&client, tasks::AVERAGE_HOURS_TO_CLOSE_LAST_30_DAYS.code).await;
    let closed: Vec<f64> = sim
        .records("/service/tickets")
        .iter()
        .filter(|t| t["closedFlag"] == true)
        .filter(|t| parse(t["closedDate"].as_str().unwrap()) >= now - Duration::days(30))
        .map(|t| (parse(t["closedDate"].as_str().unwrap()) - entered(t)).num_seconds() as f64 / 3600.0)
        .collect();
    assert!(!closed.is_empty());
    let average = (closed.iter().sum::<f64>() / closed.len() as f64 * 10.0).round() / 10.0;
    assert_eq!(
        got,
        floats(json!({"tickets": closed.len(), "averageHours": average})),
        "time to close"
    );

    // 9. Configurations per type.
    let got = run(&client, tasks::CONFIGURATIONS_PER_TYPE.code).await;
    let expected = counts(
        sim.records("/company/configurations")
            .iter()
            .map(|c| at(c, "type/name").as_str().unwrap().to_owned()),
    );
    assert_eq!(got, floats(expected), "configurations per type");

    // 10. Invoices of 2026 per month: billed and still owed.
    let got = run(&client, tasks::INVOICES_2026_PER_MONTH.code).await;
    let mut per_month: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for i in sim.records("/finance/invoices") {
        let date = i["date"].as_str().unwrap();
        if parse(date).year() >= 2026 {
            let slot = per_month.entry(date[..7].to_owned()).or_default();
            slot.0 += i["total"].as_f64().unwrap();
            slot.1 += i["balance"].as_f64().unwrap();
        }
    }
    let expected: Map<String, Value> = per_month
        .into_iter()
        .map(|(m, (t, b))| (m, json!({"total": round2(t), "balance": round2(b)})))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(got, floats(Value::Object(expected)), "invoices per month");

    // 11. Tickets entered per day over the last seven days.
    let got = run(&client, tasks::TICKETS_ENTERED_PER_DAY_LAST_7_DAYS.code).await;
    let from = (now - Duration::days(6))
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let expected = counts(
        sim.records("/service/tickets")
            .iter()
            .filter(|t| entered(t) >= from)
            .map(|t| entered(t).format("%Y-%m-%d").to_string()),
    );
    assert_eq!(got, floats(expected), "tickets per day");

    // 12. Companies without an open ticket.
    let got = run(&client, tasks::COMPANIES_WITHOUT_OPEN_TICKETS.code).await;
    let busy: Vec<Value> = open_tickets(&sim)
        .iter()
        .map(|t| at(t, "company/id").clone())
        .collect();
    let mut expected: Vec<String> = sim
        .records("/company/companies")
        .iter()
        .filter(|c| !busy.contains(&c["id"]))
        .map(|c| c["identifier"].as_str().unwrap().to_owned())
        .collect();
    expected.sort();
    assert_eq!(got, floats(json!(expected)), "companies without open tickets");

    // 13. Open tickets per board, with the count operation, one request per board.
    let answer = run_answer(&client, tasks::OPEN_TICKETS_PER_BOARD_COUNTED.code).await;
    let expected = counts(
        open_tickets(&sim)
            .iter()
            .map(|t| at(t, "board/name").as_str().unwrap().to_owned()),
    );
    assert_eq!(answer["result"], expected, "open tickets per board, counted");
    let boards = sim.records("/service/boards").len() as u64;
    assert_eq!(answer["requests"], json!(boards + 1), "{answer}");

    // 14. A ticket and its notes, by the generic request, with console lines.
    let ticket = &open_tickets(&sim)[0];
    let id = ticket["id"].as_i64().unwrap();
    let answer = run_answer(
        &client,
        &format!(
            "const t = cw.request('GET', '/service/tickets/{id}');
             const notes = cw.service.tickets.notes.list({id}, {{pageSize: 100}});
             console.log('notes', notes.length);
             return {{summary: t.summary, notes: notes.length}};"
        ),
    )
    .await;
    let notes = sim.records(&format!("/service/tickets/{id}/notes")).len();
    // A record's customer text in the result is wrapped like in every answer.
    let summary = format!("«{}»", ticket["summary"].as_str().unwrap());
    assert_eq!(answer["result"], json!({"summary": summary, "notes": notes}));
    assert_eq!(answer["console"], json!([format!("notes {notes}")]));
}

#[tokio::test]
async fn errors_name_the_line_and_what_to_fix() {
    let sim = start_sim().await;
    let client = connect(&[], &sim_env(&sim)).await;

    let syntax = run_error(&client, "const a = 1;\nreturn a +;").await;
    assert!(syntax.contains("SyntaxError at line 2, column"), "{syntax}");

    let thrown = run_error(&client, "const a = 1;\n\nthrow new Error('no ' + a);").await;
    assert!(thrown.contains("Error at line 3: no 1"), "{thrown}");

    let unknown = run_error(&client, "return cw.service.tickets.lst();").await;
    assert!(unknown.contains("TypeError at line 1"), "{unknown}");

    // A refused request carries cw_call's reason.
    let bad_field = run_error(
        &client,
        "return cw.service.tickets.list({conditions: 'nosuchfield = 1'});",
    )
    .await;
    assert!(
        bad_field.contains("GET /service/tickets") && bad_field.contains("nosuchfield"),
        "{bad_field}"
    );
}

/// A config file with tight limits, for the tests that hit them.
fn tight_limits() -> std::path::PathBuf {
    let path = support::bin::temp_path("code-limits.toml");
    std::fs::write(
        &path,
        "[server.code]\ntimeout_ms = 1000\nmemory_mb = 16\nmax_requests = 3\n",
    )
    .unwrap();
    path
}

#[tokio::test]
async fn escapes_are_refused_or_stopped_and_the_server_keeps_serving() {
    let sim = start_sim().await;
    let config = tight_limits();
    let client = connect(&["--config", config.to_str().unwrap()], &sim_env(&sim)).await;
    let still_serving = async |client: &Client| {
        let result = call(client, "cw_run", json!({"code": "return 6 * 7;"}))
            .await
            .expect("the server answers");
        assert_eq!(json_of(&result)["result"], 42);
    };

    // No file system, sockets, processes or modules in the engine.
    let globals = run(
        &client,
        "return ['require', 'process', 'fetch', 'XMLHttpRequest', 'std', 'os', 'Deno', 'WebSocket',
                 '__cw_send', '__cw_log', 'setTimeout'].map(n => typeof globalThis[n]);",
    )
    .await;
    assert!(
        globals.as_array().unwrap().iter().all(|t| t == "undefined"),
        "{globals}"
    );
    let import = run_error(&client, "return await import('fs');").await;
    assert!(import.contains("the program failed"), "{import}");
    still_serving(&client).await;

    // Another host, a path out of the API, through cw.request.
    for path in [
        "https://example.com/service/tickets",
        "//example.com/service/tickets",
        "/service/../../etc/passwd",
        "/service/tickets/1%2F..%2F..",
    ] {
        let refused = run_error(&client, &format!("return cw.request('GET', {path:?});")).await;
        assert!(refused.contains(&format!("GET {path}")), "{refused}");
    }
    assert!(
        sim.request_log()
            .iter()
            .all(|r| !r.path_and_query.contains("etc")),
        "nothing left the API"
    );

    // The keys are nowhere in the engine.
    let dump = run(
        &client,
        "const seen = new Set(); const out = [];
         const walk = (v, d) => { if (d > 4 || v === null || typeof v !== 'object' && typeof v !== 'function' || seen.has(v)) return;
           seen.add(v); for (const k of Object.getOwnPropertyNames(v)) { out.push(k); try { const x = v[k]; if (typeof x === 'string') out.push(x); walk(x, d + 1); } catch (e) {} } };
         walk(globalThis, 0);
         return out.filter(s => s.length > 8 && /key|secret|auth|private/i.test(s)).slice(0, 20);",
    )
    .await;
    let text = dump.to_string();
    assert!(
        !text.contains(DEMO_PRIVATE_KEY) && !text.contains(DEMO_PUBLIC_KEY),
        "{text}"
    );

    // Memory, time, loops, stack.
    let memory = run_error(
        &client,
        "const a = []; while (true) a.push('x'.repeat(100000) + a.length);",
    )
    .await;
    assert!(memory.contains("memory limit (16 MB, memory_mb)"), "{memory}");
    still_serving(&client).await;
    let started = std::time::Instant::now();
    let time = run_error(&client, "while (true) {}").await;
    assert!(time.contains("time limit (1000 ms, timeout_ms)"), "{time}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    let caught = run_error(&client, "for (;;) { try { while (true) {} } catch (e) {} }").await;
    assert!(
        caught.contains("time limit"),
        "a program cannot catch its stop: {caught}"
    );
    let stack = run_error(&client, "const f = n => f(n + 1) + 1; return f(0);").await;
    assert!(stack.contains("RangeError"), "{stack}");
    still_serving(&client).await;

    // Requests: the cap.
    let many = run_error(
        &client,
        "for (let i = 0; i < 10; i++) cw.service.tickets.count(); return 1;",
    )
    .await;
    assert!(many.contains("max_requests"), "{many}");

    // Huge outputs: the result is refused with what to do; console lines are cut.
    let huge = run_error(&client, "return 'x'.repeat(200000);").await;
    assert!(huge.contains("over the cap of 6000"), "{huge}");
    let huger = run_error(&client, "return 'x'.repeat(5000000);").await;
    assert!(huger.contains("memory limit"), "{huger}");
    let answer = run_answer(
        &client,
        "for (let i = 0; i < 100000; i++) console.log('line ' + i); return 1;",
    )
    .await;
    assert!(answer["console_dropped"].as_u64().unwrap() > 90_000, "{answer}");
    still_serving(&client).await;
}

#[tokio::test]
async fn writes_need_the_switch_per_request() {
    let sim = start_sim().await;
    let id = open_tickets(&sim)[0]["id"].as_i64().unwrap();
    let program = format!(
        "return cw.service.tickets.patch({id}, [{{op: 'replace', path: 'summary', value: 'Changed by a program'}}]).summary;"
    );

    let read_only = connect(&[], &sim_env(&sim)).await;
    let refused = run_error(&read_only, &program).await;
    assert!(
        refused.contains("PATCH /service/tickets/") && refused.contains("--allow-writes"),
        "{refused}"
    );
    assert_ne!(
        sim.get("/service/tickets", id).unwrap()["summary"],
        "Changed by a program"
    );
    let delete = run_error(&read_only, &format!("return cw.service.tickets.delete({id});")).await;
    assert!(delete.contains("--allow-deletes"), "{delete}");

    let writer = connect(&["--allow-writes"], &sim_env(&sim)).await;
    // The write path's answer, customer text wrapped as in every answer.
    assert_eq!(run(&writer, &program).await, "«Changed by a program»");
    assert_eq!(
        sim.get("/service/tickets", id).unwrap()["summary"],
        "Changed by a program"
    );
    let delete = run_error(&writer, &format!("return cw.service.tickets.delete({id});")).await;
    assert!(
        delete.contains("--allow-deletes"),
        "deletes keep their own switch: {delete}"
    );
}

#[tokio::test]
async fn search_and_describe_show_the_function_a_program_calls() {
    let sim = start_sim().await;
    let client = connect(&[], &sim_env(&sim)).await;

    let hits = json_of(
        &call(
            &client,
            "cw_search_endpoints",
            json!({"query": "agreements", "limit": 25}),
        )
        .await
        .unwrap(),
    );
    let hit = support::mcp::records(&hits)
        .into_iter()
        .find(|h| h["operation_id"] == "getFinanceAgreementsById")
        .unwrap_or_else(|| panic!("a hit for one agreement: {hits}"));
    let code = hit["code"].as_str().unwrap();
    assert_eq!(
        code,
        "cw.finance.agreements.get(id: number, opts?: ListOpts): Agreement"
    );
    // The standard options are spelled once per answer, not on every hit.
    let options = hits["ListOpts"].as_str().unwrap_or_default();
    assert!(
        options.starts_with("{conditions?: string;") && options.contains("pageSize?: number"),
        "{hits}"
    );

    let described = json_of(
        &call(
            &client,
            "cw_describe_endpoint",
            json!({"operation_id": "getServiceTicketsByParentIdNotes"}),
        )
        .await
        .unwrap(),
    );
    let code = described["code"].as_str().unwrap();
    assert!(
        code.starts_with("cw.service.tickets.notes.list(parentId: number, opts?: {"),
        "{code}"
    );

    // The declared call works as declared.
    let agreement = &sim.records("/finance/agreements")[0];
    let got = run(
        &client,
        &format!(
            "return cw.finance.agreements.get({}, {{fields: 'name'}}).name;",
            agreement["id"]
        ),
    )
    .await;
    assert_eq!(got, agreement["name"]);
}

/// The curated calls the benchmark sets beside each program (what a model
/// without code mode would call) are calls the server takes, with every
/// toolset on.
#[tokio::test]
async fn the_curated_calls_the_benchmark_compares_with_are_valid() {
    let sim = start_sim().await;
    let client = connect(&["--toolsets", "all"], &sim_env(&sim)).await;
    for task in tasks::ALL {
        assert!(!task.curated.is_empty(), "{}: no curated plan", task.ask);
        for (tool, args) in task.curated {
            let args = tasks::curated_args(args, &now().to_rfc3339());
            let result = call(&client, tool, args.clone()).await.expect("a result");
            assert_ne!(
                result.is_error,
                Some(true),
                "{}: {tool} {args}: {}",
                task.ask,
                failed(&result)
            );
        }
    }
}
