//! One program run in QuickJS (`rquickjs`), on a thread of its own.
//!
//! The engine is the ECMAScript core only: rquickjs compiles QuickJS
//! without its `std`/`os` modules, and no module loader is set, so a
//! program has no file system, sockets, processes or imports. What it can
//! reach is what the host puts on the global object, all in [`install`]:
//! `__cw_send` (one request, through the checked raw call of `cw_call`,
//! under the session's access), `__cw_log` (console lines, held within the
//! answer cap) and `__cw_literal` (a conditions value printed with the
//! escaping of [`crate::conditions`]); and, for a report program, `args`
//! (its checked arguments, as JSON). The ConnectWise client and its keys
//! stay on the Rust side; a program sees only answers.
//!
//! Each run gets a fresh runtime, so nothing leaks from one run to the
//! next. The limits ([`RunLimits`]) are the runtime's memory limit and
//! stack size, an interrupt handler that stops the program at the deadline
//! or when the client cancels, a count of requests, and a deadline on each
//! request.

use crate::catalog::{self, Method, path};
use crate::conditions::Literal;
use crate::tool::{Context, RunLimits, ToolError, call};
use rquickjs::{CatchResultExt, CaughtError, Ctx, Function, Promise, Runtime};
use serde_json::{Map, Value};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::{Duration, Instant};
use tokio_util::sync::CancellationToken;

/// The helpers a program gets: `cw`, `console`, built from the catalog's
/// table of operations.
const PRELUDE: &str = include_str!("prelude.js");

/// The name a program's frames carry in stack traces.
const PROGRAM_FILE: &str = "program.js";

/// What a program's first line is wrapped in: an async function, so a
/// program may `await` or not and `return` its answer. On the same line,
/// so that line numbers are the program's own.
const WRAP_START: &str = "(async function () {";

/// What a finished program left.
#[derive(Debug)]
pub struct Finished {
    /// The value it returned (`null` for none).
    pub value: Value,
    /// Its console lines, within the cap.
    pub logs: Vec<String>,
    /// Console lines left out for the cap.
    pub logs_dropped: usize,
    /// ConnectWise requests it made.
    pub requests: usize,
}

/// Why a program did not finish, in words a model can act on, with what it
/// logged and asked for before.
#[derive(Debug)]
pub struct Failed {
    pub message: String,
    pub logs: Vec<String>,
    pub requests: usize,
}

/// Why the interrupt handler stopped a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    Deadline,
    Cancelled,
}

/// What the host functions share during one run.
struct Host {
    ctx: Context,
    handle: tokio::runtime::Handle,
    limits: RunLimits,
    deadline: Instant,
    cancel: CancellationToken,
    requests: Cell<usize>,
    logs: RefCell<Logs>,
}

#[derive(Default)]
struct Logs {
    lines: Vec<String>,
    bytes: usize,
    budget: usize,
    dropped: usize,
}

/// Runs `code` to its end or to a limit, with `args` as the global `args`
/// when given (a report's arguments). Blocks: call it on a blocking
/// thread; requests are run on `handle`.
pub fn run(
    ctx: Context,
    handle: tokio::runtime::Handle,
    code: &str,
    args: Option<&Value>,
    cancel: CancellationToken,
) -> Result<Finished, Failed> {
    let limits = ctx.run_limits;
    let deadline = Instant::now() + Duration::from_millis(limits.timeout_ms);
    let host = Rc::new(Host {
        logs: RefCell::new(Logs {
            budget: ctx.answer_cap.bytes() / 2,
            ..Logs::default()
        }),
        ctx,
        handle,
        limits,
        deadline,
        cancel,
        requests: Cell::new(0),
    });
    let stopped: Rc<Cell<Option<Stop>>> = Rc::new(Cell::new(None));
    let outcome = evaluate(&host, code, args, &stopped);
    let logs = std::mem::take(&mut *host.logs.borrow_mut());
    let requests = host.requests.get();
    match outcome {
        Ok(value) => Ok(Finished {
            value,
            logs: logs.lines,
            logs_dropped: logs.dropped,
            requests,
        }),
        Err(message) => Err(Failed {
            message,
            logs: logs.lines,
            requests,
        }),
    }
}

/// The runtime with its limits, the prelude, then the program; the value
/// it returned, as JSON.
fn evaluate(
    host: &Rc<Host>,
    code: &str,
    args: Option<&Value>,
    stopped: &Rc<Cell<Option<Stop>>>,
) -> Result<Value, String> {
    let limits = host.limits;
    let runtime = Runtime::new().map_err(|e| format!("the engine did not start: {e}"))?;
    runtime.set_memory_limit(limits.memory_mb * 1024 * 1024);
    runtime.set_max_stack_size(limits.stack_kb * 1024);
    let (deadline, cancel, flag) = (host.deadline, host.cancel.clone(), stopped.clone());
    runtime.set_interrupt_handler(Some(Box::new(move || {
        let stop = if cancel.is_cancelled() {
            Some(Stop::Cancelled)
        } else if Instant::now() >= deadline {
            Some(Stop::Deadline)
        } else {
            None
        };
        flag.set(flag.get().or(stop));
        stop.is_some()
    })));
    let context = rquickjs::Context::full(&runtime).map_err(|e| format!("the engine did not start: {e}"))?;
    let result = context.with(|js| -> Result<Value, String> {
        install(&js, host).map_err(|e| format!("the engine did not start: {e}"))?;
        let prelude: rquickjs::Result<()> = js.eval_with_options(PRELUDE, options("cw.js"));
        prelude
            .catch(&js)
            .map_err(|e| format!("the cw helpers did not load: {e}"))?;
        if let Some(args) = args {
            let value = js
                .json_parse(args.to_string())
                .map_err(|e| format!("the arguments did not load: {e}"))?;
            js.globals()
                .set("args", value)
                .map_err(|e| format!("the arguments did not load: {e}"))?;
        }
        let source = format!("{WRAP_START}{code}\n}})()");
        let promise: Promise = js
            .eval_with_options(source, options(PROGRAM_FILE))
            .catch(&js)
            .map_err(|e| explain(e, host, stopped.get()))?;
        let value: rquickjs::Value = promise
            .finish()
            .catch(&js)
            .map_err(|e| explain(e, host, stopped.get()))?;
        to_json(&js, value).map_err(|e| explain(e, host, stopped.get()))
    });
    // A run that hit a limit may leave objects in cycles; they go with the runtime.
    drop(context);
    result
}

fn options(file: &str) -> rquickjs::context::EvalOptions {
    let mut options = rquickjs::context::EvalOptions::default();
    options.global = true;
    options.strict = false;
    options.filename = Some(file.to_owned());
    options
}

/// The host functions: the only way out of the engine.
fn install<'js>(js: &Ctx<'js>, host: &Rc<Host>) -> rquickjs::Result<()> {
    let globals = js.globals();
    let sender = host.clone();
    globals.set(
        "__cw_send",
        Function::new(
            js.clone(),
            move |js: Ctx<'js>, method: String, path: String, query: String, body: String| {
                sender
                    .send(&method, &path, &query, &body)
                    .map_err(|message| rquickjs::Exception::throw_message(&js, &message))
            },
        )?,
    )?;
    let logger = host.clone();
    globals.set(
        "__cw_log",
        Function::new(js.clone(), move |line: String| logger.log(line))?,
    )?;
    globals.set(
        "__cw_literal",
        Function::new(js.clone(), move |js: Ctx<'js>, value: String| {
            literal(&value).map_err(|message| rquickjs::Exception::throw_type(&js, &message))
        })?,
    )?;
    globals.set("__cw_operations", js.json_parse(catalog::script::table_json())?)?;
    globals.set(
        "__cw_limits",
        js.json_parse(format!(
            "{{\"maxPages\":{},\"maxRecords\":{}}}",
            host.limits.max_pages, host.limits.max_records
        ))?,
    )?;
    Ok(())
}

impl Host {
    /// One request, through the checked raw call: the answer as JSON text,
    /// or why not (the words `cw_call` would use, or the limit hit).
    fn send(&self, method: &str, raw_path: &str, query: &str, body: &str) -> Result<String, String> {
        let what = format!("{} {raw_path}", method.to_ascii_uppercase());
        if self.requests.get() >= self.limits.max_requests {
            return Err(format!(
                "{what}: not sent: this run already made {} requests, the limit (max_requests)",
                self.limits.max_requests
            ));
        }
        let left = self.deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || self.cancel.is_cancelled() {
            return Err(format!("{what}: not sent: the run is over its time"));
        }
        let method = Method::parse(method)
            .ok_or_else(|| format!("{what}: {method:?} is not GET, POST, PUT, PATCH or DELETE"))?;
        let target = path::resolve(method, raw_path).map_err(|e| format!("{what}: {e}"))?;
        let query: Option<Map<String, Value>> =
            serde_json::from_str(query).map_err(|e| format!("{what}: query: {e}"))?;
        let body: Value = serde_json::from_str(body).map_err(|e| format!("{what}: body: {e}"))?;
        self.requests.set(self.requests.get() + 1);
        // A cancelled call drops the request in flight (its answer is
        // nobody's now).
        let sent = self.handle.block_on(async {
            tokio::select! {
                sent = tokio::time::timeout(left, call::send(&self.ctx, &target, query.as_ref(), Some(&body), None)) => Some(sent),
                () = self.cancel.cancelled() => None,
            }
        });
        match sent {
            None => Err(format!("{what}: stopped: the client cancelled the call")),
            Some(Err(_)) => Err(format!(
                "{what}: stopped: the run reached its time limit ({} ms, timeout_ms)",
                self.limits.timeout_ms
            )),
            Some(Ok(Err(e))) => Err(format!("{what}: {}", refusal(&e))),
            Some(Ok(Ok((_, value)))) => Ok(value.to_string()),
        }
    }

    /// Keeps a console line while the log's share of the cap lasts.
    fn log(&self, line: String) {
        let mut logs = self.logs.borrow_mut();
        if logs.bytes + line.len() > logs.budget {
            logs.dropped += 1;
        } else {
            logs.bytes += line.len();
            logs.lines.push(line);
        }
    }
}

/// A refused or failed request in `cw_call`'s words.
fn refusal(error: &ToolError) -> String {
    error.to_string()
}

/// A conditions value, printed with its escaping: a JSON string, number,
/// boolean or null, or `{"$date": iso}`.
fn literal(json: &str) -> Result<String, String> {
    let value: Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    let literal = match &value {
        Value::String(s) => Literal::string(s.as_str()),
        Value::Number(n) => Literal::number(&n.to_string()).map_err(|e| e.to_string())?,
        Value::Bool(b) => Literal::Bool(*b),
        Value::Null => Literal::Null,
        Value::Object(o) => match o.get("$date").and_then(Value::as_str) {
            Some(iso) => Literal::date(iso).map_err(|e| e.to_string())?,
            None => return Err(cond_value_error(&value)),
        },
        Value::Array(_) => return Err(cond_value_error(&value)),
    };
    Ok(literal.to_string())
}

fn cond_value_error(value: &Value) -> String {
    format!(
        "cw.cond: {value} cannot be a conditions value; use a string, number, boolean, null or Date \
         (a list: write `field in (${{a}}, ${{b}})`)"
    )
}

/// The value a program returned, as JSON (`undefined`: `null`).
fn to_json<'js>(js: &Ctx<'js>, value: rquickjs::Value<'js>) -> Result<Value, CaughtError<'js>> {
    let Some(text) = js.json_stringify(value).catch(js)? else {
        return Ok(Value::Null);
    };
    let text = text.to_string().catch(js)?;
    serde_json::from_str(&text).map_err(|e| {
        CaughtError::Error(rquickjs::Error::new_from_js_message(
            "value",
            "JSON",
            e.to_string(),
        ))
    })
}

/// An error the program raised or met, in words a model can fix: a syntax
/// error with its line and column, an exception with its message and the
/// program's line, a limit with the setting that set it.
fn explain(error: CaughtError<'_>, host: &Host, stopped: Option<Stop>) -> String {
    match stopped {
        Some(Stop::Deadline) => {
            return format!(
                "stopped: the program ran past its time limit ({} ms, timeout_ms); \
                 loop less or ask ConnectWise for less",
                host.limits.timeout_ms
            );
        }
        Some(Stop::Cancelled) => return "stopped: the client cancelled the call".into(),
        None => {}
    }
    match error {
        CaughtError::Exception(e) => {
            let message = e.message().unwrap_or_default();
            let kind: Option<String> = e.as_object().get::<_, String>("name").ok();
            let at = e.stack().as_deref().and_then(program_position);
            if message == "out of memory"
                || kind.as_deref() == Some("InternalError") && message.contains("memory")
            {
                return format!(
                    "stopped: the program used more than its memory limit ({} MB, memory_mb)",
                    host.limits.memory_mb
                );
            }
            let kind = kind.unwrap_or_else(|| "Error".into());
            match at {
                Some((line, column)) if kind == "SyntaxError" => {
                    format!("SyntaxError at line {line}, column {column}: {message}")
                }
                Some((line, _)) => format!("{kind} at line {line}: {message}"),
                None => format!("{kind}: {message}"),
            }
        }
        CaughtError::Value(v) => {
            let shown = v
                .as_string()
                .and_then(|s| s.to_string().ok())
                .unwrap_or_else(|| format!("a {}", v.type_name()));
            format!("the program threw {shown}")
        }
        CaughtError::Error(rquickjs::Error::Allocation) => format!(
            "stopped: the program used more than its memory limit ({} MB, memory_mb)",
            host.limits.memory_mb
        ),
        CaughtError::Error(rquickjs::Error::WouldBlock) => {
            "the program awaits something that never settles (there are no timers or events)".into()
        }
        CaughtError::Error(e) => e.to_string(),
    }
}

/// Whether `code` parses as a program body (the syntax a run would
/// accept), without running it: the error, with its line, when not. For
/// report programs, checked by the tests before any call.
pub fn check_syntax(code: &str) -> Result<(), String> {
    let runtime = Runtime::new().map_err(|e| e.to_string())?;
    let context = rquickjs::Context::full(&runtime).map_err(|e| e.to_string())?;
    context.with(|js| {
        // Declared, never called: the body is parsed, not run.
        let source = format!("{WRAP_START}{code}\n}});");
        let parsed: rquickjs::Result<()> = js.eval_with_options(source, options(PROGRAM_FILE));
        parsed.catch(&js).map_err(|e| match e {
            CaughtError::Exception(e) => {
                let at = e.stack().as_deref().and_then(program_position);
                let message = e.message().unwrap_or_default();
                match at {
                    Some((line, column)) => format!("SyntaxError at line {line}, column {column}: {message}"),
                    None => format!("SyntaxError: {message}"),
                }
            }
            other => other.to_string(),
        })
    })
}

/// The line and column of the program's first frame in a stack trace
/// (`at f (program.js:3:9)`); columns on line 1 count from the program's
/// start, not the wrapper's.
fn program_position(stack: &str) -> Option<(usize, usize)> {
    let marker = format!("{PROGRAM_FILE}:");
    let start = stack.find(&marker)? + marker.len();
    let mut numbers = stack[start..]
        .split(|c: char| !c.is_ascii_digit())
        .take(2)
        .map(|n| n.parse::<usize>().ok());
    let line = numbers.next()??;
    let column = numbers.next().flatten().unwrap_or(0);
    let column = if line == 1 {
        column.saturating_sub(WRAP_START.len())
    } else {
        column
    };
    Some((line, column))
}
