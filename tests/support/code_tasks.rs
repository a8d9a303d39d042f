//! Report questions and the one `cw_run` program that answers each, written
//! as a model would from the tool's description and the declarations
//! search shows. `NOW` is the reference date (the simulated tenant's now),
//! defined before each program. Shared by `tests/code_mode.rs` (which
//! checks each answer against the tenant's own records) and
//! `benches/code.rs` (which measures them).

/// One question and its program.
pub struct Task {
    pub ask: &'static str,
    pub code: &'static str,
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
};

pub const OPEN_TICKETS_PER_STATUS: Task = Task {
    ask: "open tickets per status",
    code: "const t = cw.all(cw.service.tickets.list, {conditions: 'closedFlag = false', fields: 'status/name'});
         const out = {};
         for (const [status, rows] of Object.entries(cw.groupBy(t, r => r.status.name))) out[status] = rows.length;
         return out;",
};

pub const TOP_5_COMPANIES_BY_OPEN_TICKETS: Task = Task {
    ask: "the five companies with the most open tickets",
    code: "const t = cw.all(cw.service.tickets.list, {conditions: 'closedFlag = false', fields: 'company/identifier'});
         const n = {};
         for (const r of t) n[r.company.identifier] = (n[r.company.identifier] || 0) + 1;
         return Object.entries(n).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 5);",
};

pub const HOURS_THIS_MONTH_PER_MEMBER: Task = Task {
    ask: "hours logged this month per member",
    code: "const e = cw.all(cw.time.entries.list, {
           conditions: cw.cond`timeStart >= ${cw.date.startOfMonth(NOW)}`, fields: 'member/identifier,actualHours'});
         const out = {};
         for (const [m, rows] of Object.entries(cw.groupBy(e, r => r.member.identifier)))
           out[m] = Math.round(cw.sum(rows, 'actualHours') * 100) / 100;
         return out;",
};

pub const AVERAGE_HOURS_TO_CLOSE_LAST_30_DAYS: Task = Task {
    ask: "average hours to close, tickets closed in the last 30 days",
    // `closedDate` is text in the spec, so it is compared here, not in conditions.
    code: "const from = cw.date.addDays(NOW, -30);
         const t = cw.all(cw.service.tickets.list, {conditions: 'closedFlag = true', fields: 'id,closedDate,_info/dateEntered'})
           .filter(r => new Date(r.closedDate) >= from);
         const h = t.map(r => (new Date(r.closedDate) - new Date(r._info.dateEntered)) / 3600000);
         return {tickets: t.length, averageHours: Math.round(cw.sum(h, x => x) / t.length * 10) / 10};",
};

pub const CONFIGURATIONS_PER_TYPE: Task = Task {
    ask: "configurations per type",
    code: "const c = cw.all(cw.company.configurations.list, {fields: 'type/name'});
         const out = {};
         for (const r of c) out[r.type.name] = (out[r.type.name] || 0) + 1;
         return out;",
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
};

pub const TICKETS_ENTERED_PER_DAY_LAST_7_DAYS: Task = Task {
    ask: "tickets entered per day over the last 7 days",
    code: "const from = cw.date.startOfDay(cw.date.addDays(NOW, -6));
         const t = cw.all(cw.service.tickets.list, {conditions: cw.cond`dateEntered >= ${from}`, fields: 'id,_info/dateEntered'});
         const out = {};
         for (const r of t) { const d = r._info.dateEntered.slice(0, 10); out[d] = (out[d] || 0) + 1; }
         return out;",
};

pub const COMPANIES_WITHOUT_OPEN_TICKETS: Task = Task {
    ask: "companies without an open ticket",
    code: "const companies = cw.all(cw.company.companies.list, {fields: 'id,identifier'});
         const open = cw.all(cw.service.tickets.list, {conditions: 'closedFlag = false', fields: 'company/id'});
         const busy = new Set(open.map(t => t.company.id));
         return companies.filter(c => !busy.has(c.id)).map(c => c.identifier).sort();",
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
