//! Report questions and the one `cw_run` program that answers each, written
//! as a model would from the tool's description and the declarations
//! search shows. `NOW` is the reference date (the simulated tenant's now),
//! defined before each program. Shared by `tests/code_mode.rs` (which
//! checks each answer against the tenant's own records) and
//! `benches/code.rs` (which measures them).

/// One question, its program, and the curated tool calls a model would make
/// to answer it without code mode: each `(tool, arguments)` is called and its
/// pages followed by `cursor`, and the model adds the rows up itself. In the
/// arguments, `{now-7d}`, `{month}` (its first day), `{week}` (Monday),
/// `{week-7d}`, `{today-6d}` and `{now-30d}` are the times the program
/// computes from `NOW`.
pub struct Task {
    pub ask: &'static str,
    pub code: &'static str,
    pub curated: &'static [(&'static str, &'static str)],
}

pub const OPEN_TICKETS_OLDER_THAN_7_DAYS_BY_BOARD_AND_OWNER: Task = Task {
    ask: "open tickets older than 7 days, by board and owner",
    code: "const cutoff = cw.date.addDays(NOW, -7);
         const t = cw.all(cw.service.tickets.list, {
           conditions: cw.cond`closedFlag = false and dateEntered < ${cutoff}`,
           fields: 'id,board/name,owner/identifier'});
         const out = {};
         for (const r of t) {
           const k = `${r.board.name} / ${r.owner ? r.owner.identifier : 'unassigned'}`;
           out[k] = (out[k] || 0) + 1;
         }
         return out;",
    curated: &[(
        "cw_search_tickets",
        r#"{"closed": false, "conditions": "dateEntered < [{now-7d}]"}"#,
    )],
};

pub const UNBILLED_BILLABLE_HOURS_PER_COMPANY_THIS_MONTH: Task = Task {
    ask: "unbilled billable hours per company this month",
    code: "const e = cw.all(cw.time.entries.list, {
           conditions: cw.cond`billableOption = ${'Billable'} and timeStart >= ${cw.date.startOfMonth(NOW)}`,
           fields: 'company/identifier,actualHours,status'});
         const out = {};
         for (const r of e.filter(r => !['Billed', 'BilledAgreement'].includes(r.status))) {
           out[r.company.identifier] = (out[r.company.identifier] || 0) + r.actualHours;
         }
         for (const k in out) out[k] = Math.round(out[k] * 100) / 100;
         return out;",
    curated: &[(
        "cw_search_time_entries",
        r#"{"conditions": "billableOption = \"Billable\" and timeStart >= [{month}]"}"#,
    )],
};

pub const MEMBERS_UNDER_30_HOURS_LAST_WEEK: Task = Task {
    ask: "members with fewer than 30 hours last week",
    code: "const to = cw.date.startOfWeek(NOW), from = cw.date.addDays(to, -7);
         const members = cw.all(cw.system.members.list, {conditions: 'inactiveFlag = false', fields: 'identifier'});
         const e = cw.all(cw.time.entries.list, {
           conditions: cw.cond`timeStart >= ${from} and timeStart < ${to}`, fields: 'member/identifier,actualHours'});
         const hours = {};
         for (const r of e) hours[r.member.identifier] = (hours[r.member.identifier] || 0) + r.actualHours;
         return members.map(m => [m.identifier, Math.round((hours[m.identifier] || 0) * 100) / 100])
           .filter(([, h]) => h < 30).sort();",
    curated: &[("cw_search_members", r#"{"conditions": "inactiveFlag = false"}"#), ("cw_search_time_entries", r#"{"conditions": "timeStart >= [{week-7d}] and timeStart < [{week}]"}"#)],
};

pub const AGREEMENTS_RENEWING_IN_60_DAYS: Task = Task {
    ask: "agreements renewing in the next 60 days, with what they bill",
    code: "const companies = cw.all(cw.company.companies.list, {fields: 'id,identifier,customFields'});
         const agreements = cw.all(cw.finance.agreements.list, {conditions: 'cancelledFlag = false', fields: 'name,company/id,billAmount'});
         const end = cw.date.addDays(NOW, 60);
         const out = [];
         for (const c of companies) {
           const f = (c.customFields || []).find(f => f.caption === 'Contract Renewal' && f.value);
           if (!f || new Date(f.value) <= NOW || new Date(f.value) > end) continue;
           for (const a of agreements.filter(a => a.company.id === c.id)) out.push([c.identifier, cw.date.day(new Date(f.value)), a.billAmount]);
         }
         return out.sort();",
    curated: &[("cw_search_companies", r#"{"fields": "id,identifier,customFields"}"#), ("cw_search_agreements", r#"{"conditions": "cancelledFlag = false"}"#)],
};

pub const OPEN_TICKETS_PER_STATUS: Task = Task {
    ask: "open tickets per status",
    code: "const t = cw.all(cw.service.tickets.list, {conditions: 'closedFlag = false', fields: 'status/name'});
         const out = {};
         for (const [status, rows] of Object.entries(cw.groupBy(t, r => r.status.name))) out[status] = rows.length;
         return out;",
    curated: &[("cw_search_tickets", r#"{"closed": false}"#)],
};

pub const TOP_5_COMPANIES_BY_OPEN_TICKETS: Task = Task {
    ask: "the five companies with the most open tickets",
    code: "const t = cw.all(cw.service.tickets.list, {conditions: 'closedFlag = false', fields: 'company/identifier'});
         const n = {};
         for (const r of t) n[r.company.identifier] = (n[r.company.identifier] || 0) + 1;
         return Object.entries(n).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);",
    curated: &[("cw_search_tickets", r#"{"closed": false}"#)],
};

pub const HOURS_THIS_MONTH_PER_MEMBER: Task = Task {
    ask: "hours logged this month per member",
    code: "const e = cw.all(cw.time.entries.list, {
           conditions: cw.cond`timeStart >= ${cw.date.startOfMonth(NOW)}`, fields: 'member/identifier,actualHours'});
         const out = {};
         for (const [m, rows] of Object.entries(cw.groupBy(e, r => r.member.identifier)))
           out[m] = Math.round(cw.sum(rows, 'actualHours') * 100) / 100;
         return out;",
    curated: &[("cw_search_time_entries", r#"{"conditions": "timeStart >= [{month}]"}"#)],
};

pub const AVERAGE_HOURS_TO_CLOSE_LAST_30_DAYS: Task = Task {
    ask: "average hours to close, tickets closed in the last 30 days",
    // `closedDate` is text in the spec, so it is compared here, not in conditions.
    code: "const from = cw.date.addDays(NOW, -30);
         const t = cw.all(cw.service.tickets.list, {conditions: 'closedFlag = true', fields: 'id,closedDate,_info/dateEntered'})
           .filter(r => new Date(r.closedDate) >= from);
         const h = t.map(r => (new Date(r.closedDate) - new Date(r._info.dateEntered)) / 3600000);
         return {tickets: t.length, averageHours: Math.round(cw.sum(h, x => x) / t.length * 10) / 10};",
    curated: &[("cw_search_tickets", r#"{"closed": true, "fields": "id,closedDate,_info/dateEntered"}"#)],
};

pub const CONFIGURATIONS_PER_TYPE: Task = Task {
    ask: "configurations per type",
    code: "const c = cw.all(cw.company.configurations.list, {fields: 'type/name'});
         const out = {};
         for (const r of c) out[r.type.name] = (out[r.type.name] || 0) + 1;
         return out;",
    curated: &[("cw_search_configurations", r#"{}"#)],
};

pub const INVOICES_2026_PER_MONTH: Task = Task {
    ask: "2026 invoices per month: billed and still owed",
    code: "const inv = cw.all(cw.finance.invoices.list, {
           conditions: cw.cond`date >= ${new Date(Date.UTC(2026, 0, 1))}`, fields: 'date,total,balance'});
         const out = {};
         for (const i of inv) {
           const m = i.date.slice(0, 7);
           out[m] = out[m] || {total: 0, balance: 0};
           out[m].total += i.total; out[m].balance += i.balance;
         }
         for (const m in out) for (const k in out[m]) out[m][k] = Math.round(out[m][k] * 100) / 100;
         return out;",
    curated: &[(
        "cw_search_invoices",
        r#"{"conditions": "date >= [2026-01-01T00:00:00Z]"}"#,
    )],
};

pub const TICKETS_ENTERED_PER_DAY_LAST_7_DAYS: Task = Task {
    ask: "tickets entered per day over the last 7 days",
    code: "const from = cw.date.startOfDay(cw.date.addDays(NOW, -6));
         const t = cw.all(cw.service.tickets.list, {conditions: cw.cond`dateEntered >= ${from}`, fields: 'id,_info/dateEntered'});
         const out = {};
         for (const r of t) { const d = r._info.dateEntered.slice(0, 10); out[d] = (out[d] || 0) + 1; }
         return out;",
    curated: &[("cw_search_tickets", r#"{"conditions": "dateEntered >= [{today-6d}]", "fields": "id,_info/dateEntered"}"#)],
};

pub const COMPANIES_WITHOUT_OPEN_TICKETS: Task = Task {
    ask: "companies without an open ticket",
    code: "const companies = cw.all(cw.company.companies.list, {fields: 'id,identifier'});
         const open = cw.all(cw.service.tickets.list, {conditions: 'closedFlag = false', fields: 'company/id'});
         const busy = new Set(open.map(t => t.company.id));
         return companies.filter(c => !busy.has(c.id)).map(c => c.identifier).sort();",
    curated: &[("cw_search_companies", r#"{}"#), ("cw_search_tickets", r#"{"closed": false}"#)],
};

pub const OPEN_TICKETS_PER_BOARD_COUNTED: Task = Task {
    ask: "open tickets per board, with the count operation",
    code: "const boards = cw.service.boards.list({fields: 'id,name', pageSize: 100});
         const out = {};
         for (const b of boards) {
           const n = cw.service.tickets.count({conditions: cw.cond`closedFlag = false and board/id = ${b.id}`}).count;
           if (n > 0) out[b.name] = n;
         }
         return out;",
    curated: &[("cw_search_tickets", r#"{"closed": false}"#)],
};

/// Every task, for the benchmark.
pub const ALL: &[Task] = &[
    OPEN_TICKETS_OLDER_THAN_7_DAYS_BY_BOARD_AND_OWNER,
    UNBILLED_BILLABLE_HOURS_PER_COMPANY_THIS_MONTH,
    MEMBERS_UNDER_30_HOURS_LAST_WEEK,
    AGREEMENTS_RENEWING_IN_60_DAYS,
    OPEN_TICKETS_PER_STATUS,
    TOP_5_COMPANIES_BY_OPEN_TICKETS,
    HOURS_THIS_MONTH_PER_MEMBER,
    AVERAGE_HOURS_TO_CLOSE_LAST_30_DAYS,
    CONFIGURATIONS_PER_TYPE,
    INVOICES_2026_PER_MONTH,
    TICKETS_ENTERED_PER_DAY_LAST_7_DAYS,
    COMPANIES_WITHOUT_OPEN_TICKETS,
    OPEN_TICKETS_PER_BOARD_COUNTED,
];

/// A curated call's arguments with its times filled in from `now` (RFC 3339),
/// computed as the program's `cw.date` helpers compute them (UTC; weeks
/// start on Monday).
pub fn curated_args(args: &str, now: &str) -> serde_json::Value {
    use chrono::{DateTime, Datelike, Duration, NaiveTime, Utc};
    let now = DateTime::parse_from_rfc3339(now)
        .expect("now")
        .with_timezone(&Utc);
    let midnight = |t: DateTime<Utc>| t.with_time(NaiveTime::MIN).single().expect("midnight");
    let today = midnight(now);
    let week = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let month = today.with_day(1).expect("the first");
    let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let text = [
        ("{now-7d}", now - Duration::days(7)),
        ("{now-30d}", now - Duration::days(30)),
        ("{month}", month),
        ("{week-7d}", week - Duration::days(7)),
        ("{week}", week),
        ("{today-6d}", today - Duration::days(6)),
    ]
    .into_iter()
    .fold(args.to_owned(), |text, (name, time)| {
        text.replace(name, &stamp(time))
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{text}: {e}"))
}
