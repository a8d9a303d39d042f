//! Reports end to end: the real binary over MCP stdio, against the
//! simulated tenant. Each report (a program in the allow-list, run by the
//! code-mode engine) answers in one call, and its answer is the figure
//! computed here, in Rust, from the tenant's own records
//! (`Simulator::records`), never by running the program again. Then what a
//! wrong argument gets: an error in the words of the report's arguments.

mod support;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use connectwise_mcp::sim::Simulator;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use support::mcp::{Client, call, connect, failed, json_of, tool_names, unwrapped};
use support::sim::{sim_env, start_sim};

/// The tenant's "now": reports are asked "as of" it.
fn now() -> DateTime<Utc> {
    parse(&connectwise_mcp::sim::seed::now())
}

fn parse(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
        .with_timezone(&Utc)
}

fn at<'a>(record: &'a Value, path: &str) -> &'a Value {
    path.split('/')
        .fold(record, |v, k| v.get(k).unwrap_or(&Value::Null))
}

fn text_at(record: &Value, path: &str) -> String {
    at(record, path).as_str().unwrap_or_default().to_owned()
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Every number as a float (a program's `2` and the test's `2.0` are the
/// same answer), customer text as stored.
fn plain(value: Value) -> Value {
    match value {
        Value::Number(n) => json!(n.as_f64().unwrap()),
        Value::String(_) => unwrapped(&value),
        Value::Array(items) => Value::Array(items.into_iter().map(plain).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, plain(v))).collect()),
        other => other,
    }
}

/// One call of `report`; its answer.
async fn report(client: &Client, report: &str, args: Value) -> Value {
    let started = std::time::Instant::now();
    let result = call(client, report, args.clone()).await.expect("a result");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(3),
        "{report} answers within 3 s on the simulated tenant"
    );
    plain(json_of(&result))
}

/// One call of `report` that must fail; the error's text.
async fn refused(client: &Client, report: &str, args: Value) -> String {
    let result = call(client, report, args).await.expect("a result");
    failed(&result)
}

async fn reports_session(sim: &Simulator) -> Client {
    connect(&["--toolsets", "reports"], &sim_env(sim)).await
}

// ---------------------------------------------------------------- availability

/// Minutes after local midnight of `day` (clipped to the day), with the
/// member's offset in hours.
fn local_minutes(at: DateTime<Utc>, day: NaiveDate, offset: f64) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0).unwrap().and_utc() - Duration::minutes((offset * 60.0) as i64);
    (at - midnight).num_minutes().clamp(0, 1440)
}

fn hhmm(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A member's day, from the member, time zone, calendar and schedule
/// records.
fn expected_availability(sim: &Simulator, identifier: &str, day: NaiveDate) -> Value {
    let member = sim
        .records("/system/members")
        .into_iter()
        .find(|m| m["identifier"] == identifier)
        .expect("the member");
    let zone = sim
        .get(
            "/system/timeZoneSetups",
            at(&member, "timeZone/id").as_i64().unwrap(),
        )
        .expect("the member's time zone setup");
    // Late November: standard time everywhere in the US.
    assert!(
        day.month() == 11 && day.day() > 7,
        "a day without daylight saving"
    );
    let offset = zone["offset"].as_f64().unwrap();
    let calendar = sim
        .get(
            "/schedule/calendars",
            at(&member, "calendar/id").as_i64().unwrap(),
        )
        .expect("the member's calendar");
    let weekday = day.format("%A").to_string().to_lowercase();
    let minutes_of = |t: &Value| {
        let t = t.as_str().unwrap();
        t[..2].parse::<i64>().unwrap() * 60 + t[3..5].parse::<i64>().unwrap()
    };
    let work = calendar.get(format!("{weekday}StartTime")).map(|start| {
        (
            minutes_of(start),
            minutes_of(&calendar[format!("{weekday}EndTime")]),
        )
    });
    let mut busy: Vec<(i64, i64, i64)> = sim
        .records("/schedule/entries")
        .iter()
        .filter(|e| text_at(e, "member/identifier") == identifier)
        .map(|e| {
            let (start, end) = (
                parse(e["dateStart"].as_str().unwrap()),
                parse(e["dateEnd"].as_str().unwrap()),
            );
            (
                local_minutes(start, day, offset),
                local_minutes(end, day, offset),
                e["id"].as_i64().unwrap(),
            )
        })
        .filter(|(s, e, _)| s < e)
        .collect();
    busy.sort();
    let mut free = Vec::new();
    if let Some((open, close)) = work {
        let mut from = open;
        for &(s, e, _) in &busy {
            if s > from && from < close {
                free.push((from, s.min(close)));
            }
            from = from.max(e);
        }
        if from < close {
            free.push((from, close));
        }
    }
    let free_minutes: i64 = free.iter().map(|(s, e)| e - s).sum();
    plain(json!({
        "member": identifier,
        "date": day.to_string(),
        "time_zone": zone["name"],
        "utc_offset": offset,
        "work_hours": work.map(|(s, e)| json!([hhmm(s), hhmm(e)])),
        "busy": busy.iter().map(|&(s, e, id)| json!([hhmm(s), hhmm(e), id])).collect::<Vec<_>>(),
        "free": free.iter().map(|&(s, e)| json!([hhmm(s), hhmm(e)])).collect::<Vec<_>>(),
        "free_hours": round2(free_minutes as f64 / 60.0),
    }))
}

/// The report's answer in the form computed above (busy blocks without
/// their names, which are customer text).
fn availability_facts(answer: &Value) -> Value {
    json!({
        "member": answer["member"],
        "date": answer["date"],
        "time_zone": answer["time_zone"],
        "utc_offset": answer["utc_offset"],
        "work_hours": answer["work_hours"],
        "busy": answer["busy"].as_array().unwrap().iter()
            .map(|b| json!([b["start"], b["end"], b["schedule_entry"]])).collect::<Vec<_>>(),
        "free": answer["free"],
        "free_hours": answer["free_hours"],
    })
}

#[tokio::test]
async fn member_availability_is_the_members_day_in_their_own_time_zone() {
    let sim = start_sim().await;
    let client = reports_session(&sim).await;
    // Upcoming visits, one member off the office's time zone first.
    let zones: BTreeMap<String, i64> = sim
        .records("/system/members")
        .iter()
        .map(|m| (text_at(m, "identifier"), at(m, "timeZone/id").as_i64().unwrap()))
        .collect();
    let default_zone = sim
        .records("/system/timeZoneSetups")
        .into_iter()
        .find(|z| z["defaultFlag"] == true)
        .map(|z| z["id"].as_i64().unwrap())
        .unwrap();
    let mut upcoming: Vec<Value> = sim
        .records("/schedule/entries")
        .into_iter()
        .filter(|e| parse(e["dateStart"].as_str().unwrap()) > now())
        .collect();
    upcoming.sort_by_key(|e| zones[&text_at(e, "member/identifier")] == default_zone);
    assert!(!upcoming.is_empty());
    let mut checked_remote = false;
    for entry in upcoming.iter().take(3) {
        let member = text_at(entry, "member/identifier");
        let offset = sim.get("/system/timeZoneSetups", zones[&member]).unwrap()["offset"]
            .as_f64()
            .unwrap();
        let start = parse(entry["dateStart"].as_str().unwrap()) + Duration::minutes((offset * 60.0) as i64);
        let day = start.date_naive();
        let got = report(
            &client,
            "cw_report_member_availability",
            json!({"member": member, "date": day.to_string()}),
        )
        .await;
        let expected = expected_availability(&sim, &member, day);
        assert_eq!(availability_facts(&got), expected, "{member} on {day}");
        assert!(
            !got["busy"].as_array().unwrap().is_empty(),
            "the visit is a busy block"
        );
        checked_remote |= zones[&member] != default_zone;
    }
    assert!(checked_remote, "a member off the office's time zone was checked");

    // A wrong argument, an unknown member: said in the arguments' words.
    let err = refused(
        &client,
        "cw_report_member_availability",
        json!({"member": "NoSuchTech"}),
    )
    .await;
    assert!(
        err.contains("member: no member \"NoSuchTech\"; give a member identifier"),
        "{err}"
    );
    let err = refused(
        &client,
        "cw_report_member_availability",
        json!({"member": "JSmith", "date": "23/11/2026"}),
    )
    .await;
    assert!(
        err.contains("date: \"23/11/2026\" is not a date; give YYYY-MM-DD"),
        "{err}"
    );
    let err = refused(
        &client,
        "cw_report_member_availability",
        json!({"date": "2026-11-23"}),
    )
    .await;
    assert!(err.contains("member: required"), "{err}");
    client.cancel().await.ok();
}

// ---------------------------------------------------------------- unbilled time

#[tokio::test]
async fn unbilled_time_is_the_billable_time_not_yet_billed_by_company() {
    let sim = start_sim().await;
    let client = reports_session(&sim).await;
    let got = report(&client, "cw_report_unbilled_time", json!({})).await;

    let mut per: BTreeMap<String, (f64, i64, f64)> = BTreeMap::new();
    for e in sim.records("/time/entries") {
        let status = text_at(&e, "status");
        if e["billableOption"] != "Billable" || status == "Billed" || status == "BilledAgreement" {
            continue;
        }
        if e.get("invoice").is_some() {
            continue;
        }
        let hours = e["actualHours"].as_f64().unwrap();
        let slot = per.entry(text_at(&e, "company/identifier")).or_default();
        slot.0 += hours;
        slot.1 += 1;
        slot.2 += hours * e["hourlyRate"].as_f64().unwrap_or(0.0);
    }
    let mut rows: Vec<(String, f64, i64, f64)> = per
        .into_iter()
        .map(|(c, (h, n, a))| (c, round2(h), n, round2(a)))
        .collect();
    rows.sort_by(|a, b| b.3.total_cmp(&a.3).then(b.1.total_cmp(&a.1)).then(a.0.cmp(&b.0)));
    assert!(rows.len() > 3, "several companies have unbilled time");
    assert!(
        rows.iter().any(|r| r.3 > 0.0) && rows.iter().any(|r| r.3 == 0.0),
        "time billed by the hour and time under an agreement"
    );
    let total_hours: f64 = rows.iter().map(|r| r.1).sum();
    let entries: i64 = rows.iter().map(|r| r.2).sum();
    let amount: f64 = rows.iter().map(|r| r.3).sum();
    let expected = plain(json!({
        "columns": ["company", "hours", "entries", "amount"],
        "rows": rows.iter().map(|(c, h, n, a)| json!([c, h, n, a])).collect::<Vec<_>>(),
        "total": {"hours": round2(total_hours), "entries": entries, "amount": round2(amount)},
    }));
    assert_eq!(got, expected, "unbilled time by company");

    // One company, one period: the same figures, narrowed.
    let (company, ..) = rows.iter().find(|r| r.3 > 0.0).unwrap().clone();
    let got = report(
        &client,
        "cw_report_unbilled_time",
        json!({"company": company, "from": "2026-11-01", "to": "2026-11-30"}),
    )
    .await;
    let (hours, n): (f64, i64) = sim
        .records("/time/entries")
        .iter()
        .filter(|e| text_at(e, "company/identifier") == company && e["billableOption"] == "Billable")
        .filter(|e| !["Billed", "BilledAgreement"].contains(&text_at(e, "status").as_str()))
        .filter(|e| parse(e["timeStart"].as_str().unwrap()) >= parse("2026-11-01T00:00:00Z"))
        .fold((0.0, 0), |(h, n), e| {
            (h + e["actualHours"].as_f64().unwrap(), n + 1)
        });
    assert_eq!(got["rows"][0][0], json!(company));
    assert_eq!(got["total"]["hours"], json!(round2(hours)));
    assert_eq!(got["total"]["entries"], json!(n as f64));

    let err = refused(&client, "cw_report_unbilled_time", json!({"form": "2026-11-01"})).await;
    assert!(
        err.contains("form: not an argument of this tool; did you mean from?"),
        "{err}"
    );
    client.cancel().await.ok();
}

// ---------------------------------------------------------------- invoice aging

fn expected_aging(sim: &Simulator, as_of: NaiveDate) -> Value {
    let as_of_start = as_of.and_hms_opt(0, 0, 0).unwrap().and_utc();
    let mut per: BTreeMap<String, ([f64; 6], i64)> = BTreeMap::new();
    let mut total = ([0.0; 6], 0);
    for i in sim.records("/finance/invoices") {
        let balance = i["balance"].as_f64().unwrap();
        if balance <= 0.0 || parse(i["date"].as_str().unwrap()) >= as_of_start + Duration::days(1) {
            continue;
        }
        let due = parse(i["dueDate"].as_str().unwrap()).date_naive();
        let late = (as_of - due).num_days();
        let bucket = match late {
            ..=0 => 0,
            1..=30 => 1,
            31..=60 => 2,
            61..=90 => 3,
            _ => 4,
        };
        for (sums, n) in [
            per.entry(text_at(&i, "company/identifier")).or_default(),
            &mut total,
        ] {
            sums[bucket] += balance;
            sums[5] += balance;
            *n += 1;
        }
    }
    let row = |name: &str, (sums, n): &([f64; 6], i64)| {
        let mut row = vec![json!(name)];
        row.extend(sums.iter().map(|s| json!(round2(*s))));
        row.push(json!(n));
        row
    };
    let mut rows: Vec<Vec<Value>> = per.iter().map(|(c, v)| row(c, v)).collect();
    rows.sort_by(|a, b| {
        b[6].as_f64()
            .unwrap()
            .total_cmp(&a[6].as_f64().unwrap())
            .then(a[0].as_str().cmp(&b[0].as_str()))
    });
    plain(json!({
        "as_of": as_of.to_string(),
        "columns": ["company", "current", "1-30", "31-60", "61-90", "90+", "total", "invoices"],
        "rows": rows,
        "total": row("total", &total),
    }))
}

#[tokio::test]
async fn invoice_aging_buckets_open_balances_by_days_past_due() {
    let sim = start_sim().await;
    let client = reports_session(&sim).await;
    for as_of in ["2026-11-20", "2027-01-15"] {
        let day: NaiveDate = as_of.parse().unwrap();
        let got = report(&client, "cw_report_invoice_aging", json!({"as_of": as_of})).await;
        let expected = expected_aging(&sim, day);
        let filled = expected["total"].as_array().unwrap()[1..6]
            .iter()
            .filter(|v| v.as_f64().unwrap() > 0.0)
            .count();
        assert!(
            filled >= 3,
            "balances in at least three buckets on {as_of}: {expected}"
        );
        assert_eq!(got, expected, "aging as of {as_of}");
    }

    let err = refused(
        &client,
        "cw_report_invoice_aging",
        json!({"as_of": "last friday"}),
    )
    .await;
    assert!(
        err.contains("as_of: \"last friday\" is not a date; give YYYY-MM-DD"),
        "{err}"
    );
    client.cancel().await.ok();
}

// ---------------------------------------------------------------- MRR

#[tokio::test]
async fn mrr_is_active_agreements_billable_additions_made_monthly() {
    let sim = start_sim().await;
    let client = reports_session(&sim).await;
    let as_of = parse("2026-11-20T00:00:00Z");
    let got = report(&client, "cw_report_mrr", json!({"as_of": "2026-11-20"})).await;

    let months: BTreeMap<i64, f64> = sim
        .records("/finance/billingCycles")
        .iter()
        .map(|c| {
            let per = match c["billingOptions"].as_str().unwrap() {
                "Monthly" => 1.0,
                "Quarterly" => 3.0,
                "SemiAnnual" => 6.0,
                "Yearly" => 12.0,
                other => panic!("a billing cycle the tenant does not use: {other}"),
            };
            (c["id"].as_i64().unwrap(), per)
        })
        .collect();
    assert!(!months.is_empty(), "the tenant has billing cycles");
    let live = |from: &Value, until: &Value| {
        from.as_str().is_none_or(|f| parse(f) <= as_of) && until.as_str().is_none_or(|u| parse(u) > as_of)
    };
    let agreements = sim.records("/finance/agreements");
    let (mut cancelled_agreements, mut cancelled_additions, mut cycles) = (0, 0, Vec::new());
    let mut per: BTreeMap<String, (i64, f64)> = BTreeMap::new();
    for a in &agreements {
        if a["cancelledFlag"] == true
            || a["agreementStatus"] != "Active"
            || !live(&a["startDate"], &a["endDate"])
        {
            cancelled_agreements += 1;
            continue;
        }
        let per_cycle = months[&at(a, "billingCycle/id").as_i64().unwrap()];
        cycles.push(per_cycle as i64);
        let mut amount = 0.0;
        for x in sim.records(&format!("/finance/agreements/{}/additions", a["id"])) {
            if x["billCustomer"] != "Billable" || !live(&x["effectiveDate"], &x["cancelledDate"]) {
                cancelled_additions += 1;
                continue;
            }
            let qty = x["quantity"].as_f64().unwrap() - x["lessIncluded"].as_f64().unwrap_or(0.0);
            amount += qty * x["unitPrice"].as_f64().unwrap();
        }
        let slot = per.entry(text_at(a, "company/identifier")).or_default();
        slot.0 += 1;
        slot.1 += amount / per_cycle;
    }
    cycles.sort();
    cycles.dedup();
    assert!(cancelled_agreements > 0, "some agreement is cancelled");
    assert!(cancelled_additions > 0, "some addition is cancelled");
    assert!(
        cycles.len() >= 3,
        "agreements bill monthly, quarterly and yearly: {cycles:?}"
    );
    let mut rows: Vec<(String, i64, f64)> = per.into_iter().map(|(c, (n, m))| (c, n, round2(m))).collect();
    rows.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    let total: f64 = rows.iter().map(|r| r.2).sum();
    let expected = plain(json!({
        "as_of": "2026-11-20",
        "columns": ["company", "agreements", "mrr"],
        "rows": rows.iter().map(|(c, n, m)| json!([c, n, m])).collect::<Vec<_>>(),
        "total": round2(total),
    }));
    assert_eq!(got, expected, "monthly recurring revenue");

    let err = refused(&client, "cw_report_mrr", json!({"as_of": 20261120})).await;
    assert!(
        err.contains("as_of: 20261120 is not accepted; give text"),
        "{err}"
    );
    client.cancel().await.ok();
}

// ---------------------------------------------------------------- SLA

#[tokio::test]
async fn sla_breaches_are_open_tickets_past_their_priority_s_hours() {
    let sim = start_sim().await;
    let client = reports_session(&sim).await;
    let now = now();
    let got = report(
        &client,
        "cw_report_sla_breaches",
        json!({"as_of": now.to_rfc3339(), "within_hours": 24, "limit": 200}),
    )
    .await;

    let hours: BTreeMap<i64, (f64, f64)> = sim
        .records("/service/SLAs/1/priorities")
        .iter()
        .map(|p| {
            (
                at(p, "priority/id").as_i64().unwrap(),
                (
                    p["respondHours"].as_f64().unwrap(),
                    p["resolutionHours"].as_f64().unwrap(),
                ),
            )
        })
        .collect();
    let (mut rows, mut waiting) = (Vec::new(), 0);
    for t in sim.records("/service/tickets") {
        if t["closedFlag"] == true {
            continue;
        }
        assert_eq!(at(&t, "sla/id"), &json!(1), "every ticket is on the Standard SLA");
        if t["slaStatus"] == "Waiting" {
            waiting += 1;
            continue;
        }
        let (respond, resolve) = hours[&at(&t, "priority/id").as_i64().unwrap()];
        let (stage, within) = match t.get("dateResponded") {
            Some(_) => ("resolve", resolve),
            None => ("respond", respond),
        };
        let due =
            parse(at(&t, "_info/dateEntered").as_str().unwrap()) + Duration::minutes((within * 60.0) as i64);
        let over = (now - due).num_seconds() as f64 / 3600.0;
        if over > 0.0 || -over <= 24.0 {
            rows.push((
                t["id"].as_i64().unwrap(),
                stage,
                due,
                (over * 10.0).round() / 10.0,
            ));
        }
    }
    rows.sort_by(|a, b| b.3.total_cmp(&a.3).then(a.0.cmp(&b.0)));
    let breached = rows.iter().filter(|r| r.3 > 0.0).count();
    assert!(
        breached > 0 && breached < rows.len(),
        "breached tickets and tickets due soon"
    );
    assert!(rows.iter().any(|r| r.1 == "respond") && rows.iter().any(|r| r.1 == "resolve"));
    assert!(rows.len() <= 200);
    assert_eq!(got["breached"], json!(breached as f64));
    assert_eq!(got["due_soon"], json!((rows.len() - breached) as f64));
    assert_eq!(got["waiting"], json!(waiting as f64));
    assert_eq!(got["without_sla"], json!(0.0));
    let got_rows: Vec<Value> = got["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| json!([r[0], r[6], r[7], r[8]]))
        .collect();
    let expected_rows: Vec<Value> = rows
        .iter()
        .map(|(id, stage, due, over)| {
            plain(json!([
                id,
                stage,
                due.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                over
            ]))
        })
        .collect();
    assert_eq!(got_rows, expected_rows, "the tickets, most overdue first");

    // The row limit cuts the rows, not the counts.
    let got = report(
        &client,
        "cw_report_sla_breaches",
        json!({"as_of": now.to_rfc3339(), "limit": 3}),
    )
    .await;
    assert_eq!(got["rows"].as_array().unwrap().len(), 3);
    assert_eq!(got["breached"], json!(breached as f64));

    let err = refused(&client, "cw_report_sla_breaches", json!({"within_hours": 500})).await;
    assert!(
        err.contains("within_hours: 500 is out of range; give 0 to 168"),
        "{err}"
    );
    let err = refused(&client, "cw_report_sla_breaches", json!({"as_of": "yesterday"})).await;
    assert!(
        err.contains("as_of: \"yesterday\" is not a date or date-time"),
        "{err}"
    );
    client.cancel().await.ok();
}

// ---------------------------------------------------------------- gating

#[tokio::test]
async fn reports_are_off_by_default_and_read_only() {
    let sim = start_sim().await;
    let default = connect(&[], &sim_env(&sim)).await;
    let names = tool_names(&default).await;
    assert!(names.iter().all(|n| !n.starts_with("cw_report_")), "{names:?}");
    assert!(names.contains(&"cw_run".to_owned()));
    default.cancel().await.ok();

    let client = reports_session(&sim).await;
    let names = tool_names(&client).await;
    let reports: Vec<&String> = names.iter().filter(|n| n.starts_with("cw_report_")).collect();
    assert_eq!(
        reports.len(),
        connectwise_mcp::toolsets::code::reports::tools().len()
    );
    assert!(reports.len() >= 5, "{names:?}");
    let tools = client.list_all_tools().await.unwrap();
    for tool in tools.iter().filter(|t| t.name.starts_with("cw_report_")) {
        let read_only = tool.annotations.as_ref().and_then(|a| a.read_only_hint);
        assert_eq!(read_only, Some(true), "{} is announced read-only", tool.name);
    }
    client.cancel().await.ok();
}
