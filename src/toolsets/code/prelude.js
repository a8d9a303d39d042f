// The helpers of a cw_run program: `cw` and `console`. Evaluated before
// each program in a fresh engine. The only ways out are the host functions
// `__cw_send`, `__cw_log` and `__cw_literal` (see engine.rs); they are
// captured here and removed from the global object.
"use strict";
(function (global) {
  const send = global.__cw_send;
  const log = global.__cw_log;
  const literal = global.__cw_literal;
  const operations = global.__cw_operations;
  const limits = global.__cw_limits;
  for (const name of ["__cw_send", "__cw_log", "__cw_literal", "__cw_operations", "__cw_limits"]) {
    delete global[name];
  }

  const text = (v) => (typeof v === "string" ? v : JSON.stringify(v));
  global.console = {
    log: (...args) => log(args.map(text).join(" ")),
  };
  global.console.info = global.console.log;
  global.console.warn = global.console.log;
  global.console.error = global.console.log;

  const cw = {};

  // One request through the server's checked call: the records or record
  // ConnectWise answered. Throws with the reason cw_call would give.
  cw.request = function (method, path, opts) {
    const { query, body } = opts || {};
    const answer = send(
      String(method),
      String(path),
      JSON.stringify(query === undefined ? null : query),
      JSON.stringify(body === undefined ? null : body)
    );
    return JSON.parse(answer);
  };

  // Every operation of the API as a function, from the catalog's table:
  // [name, method, template, path parameter count, takes a body].
  for (const [name, method, template, pathCount, hasBody] of operations) {
    const fn = function (...args) {
      if (args.length < pathCount) {
        throw new TypeError(`cw.${name} takes ${pathCount} path parameter(s) first: ${template}`);
      }
      let i = 0;
      const path = template.replace(/\{[^}]*\}/g, () => encodeURIComponent(String(args[i++])));
      const body = hasBody ? args[i++] : undefined;
      if (hasBody && body === undefined) {
        throw new TypeError(`cw.${name} needs a body after its path parameters`);
      }
      const query = args[i];
      return cw.request(method, path, { query, body });
    };
    fn.pathParams = pathCount + (hasBody ? 1 : 0);
    const parts = name.split(".");
    let node = cw;
    for (const part of parts.slice(0, -1)) {
      node = node[part] = node[part] || {};
    }
    node[parts[parts.length - 1]] = fn;
  }

  // Every page of a list: cw.all(cw.service.tickets.list, {conditions}).
  // Stops with an error past the page or record cap rather than answer
  // from part of the list.
  cw.all = function (list, ...args) {
    if (typeof list !== "function" || list.pathParams === undefined) {
      throw new TypeError("cw.all takes a list function first, e.g. cw.all(cw.service.tickets.list, {conditions})");
    }
    const fixed = args.slice(0, list.pathParams);
    const opts = Object.assign({}, args[list.pathParams] || {});
    const pageSize = opts.pageSize || 1000;
    const out = [];
    for (let page = 1; ; page++) {
      if (page > limits.maxPages) {
        throw new Error(`cw.all: more than ${limits.maxPages} pages (max_pages); narrow the conditions`);
      }
      const rows = list(...fixed, Object.assign({}, opts, { page, pageSize }));
      if (!Array.isArray(rows)) return rows;
      out.push(...rows);
      if (out.length > limits.maxRecords) {
        throw new Error(`cw.all: more than ${limits.maxRecords} records (max_records); narrow the conditions`);
      }
      if (rows.length < pageSize) return out;
    }
  };

  // Conditions with every value escaped: cw.cond`board/name = ${name} and dateEntered < ${date}`.
  cw.cond = function (strings, ...values) {
    let out = strings[0];
    values.forEach((v, i) => {
      const value = v instanceof Date ? { $date: cw.date.iso(v) } : v;
      out += literal(JSON.stringify(value === undefined ? null : value)) + strings[i + 1];
    });
    return out;
  };

  // Dates in UTC.
  const DAY = 86400000;
  const copy = (d) => new Date(d === undefined ? Date.now() : d instanceof Date ? d.getTime() : d);
  cw.date = {
    now: () => new Date(),
    iso: (d) => copy(d).toISOString().replace(/\.\d{3}Z$/, "Z"),
    day: (d) => cw.date.iso(d).slice(0, 10),
    addDays: (d, n) => new Date(copy(d).getTime() + n * DAY),
    daysAgo: (n) => new Date(Date.now() - n * DAY),
    startOfDay: (d) => {
      const x = copy(d);
      return new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), x.getUTCDate()));
    },
    // Monday 00:00 UTC of d's week.
    startOfWeek: (d) => {
      const x = cw.date.startOfDay(d);
      return new Date(x.getTime() - ((x.getUTCDay() + 6) % 7) * DAY);
    },
    startOfMonth: (d) => {
      const x = copy(d);
      return new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth(), 1));
    },
    addMonths: (d, n) => {
      const x = copy(d);
      return new Date(Date.UTC(x.getUTCFullYear(), x.getUTCMonth() + n, x.getUTCDate(),
        x.getUTCHours(), x.getUTCMinutes(), x.getUTCSeconds()));
    },
    // Whole days from a to b.
    daysBetween: (a, b) => Math.floor((copy(b).getTime() - copy(a).getTime()) / DAY),
  };

  // An argument that names nothing (an unknown member): the call fails as
  // invalid arguments, with this message, rather than as a failed program.
  cw.invalid = function (message) {
    const error = new Error(String(message));
    error.name = "ArgumentError";
    throw error;
  };

  // Sums and groups, the arithmetic reports need.
  cw.sum = (rows, f) => rows.reduce((s, r) => s + (Number(typeof f === "function" ? f(r) : r[f]) || 0), 0);
  cw.groupBy = (rows, f) => {
    const out = {};
    for (const r of rows) {
      const k = String(typeof f === "function" ? f(r) : r[f]);
      (out[k] = out[k] || []).push(r);
    }
    return out;
  };

  global.cw = Object.freeze(cw);
})(globalThis);
