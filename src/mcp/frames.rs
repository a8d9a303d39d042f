//! Frames checked before rmcp reads them, over stdio and HTTP alike.
//!
//! rmcp (3.9) decodes JSON-RPC well but gives up badly on bad frames: on
//! stdio a notification before `initialize` ends the session (the process
//! exits); invalid JSON and anything nested deeper than serde_json's
//! recursion limit (128) are dropped without an answer, so the client waits
//! for its timeout; a well-formed frame of the wrong shape is answered
//! `-32600` with no `id`, which no client can match; a known method with
//! params of the wrong shape becomes a custom request, answered `-32601`
//! "method not found"; over HTTP, all of these are a `415` in plain text.
//!
//! [`check`] looks at each frame first and lets through only what rmcp
//! handles well. Everything else is answered here, with the JSON-RPC error
//! a client can match (its `id`, when the frame has a readable one):
//!
//! | frame | answer |
//! |---|---|
//! | not JSON | `-32700`, `id` null |
//! | larger than the limit ([`DEFAULT_MAX_FRAME_BYTES`]) | `-32600` |
//! | nested deeper than [`MAX_DEPTH`] | `-32600` |
//! | not a JSON-RPC 2.0 request, notification or response | `-32600` |
//! | `params` of a known method in the wrong shape | `-32602`, naming the problem |
//! | a response of the wrong shape | ignored (answering answers invites loops) |
//!
//! The `id` of a frame too large or too deep to parse is read by a byte
//! scan ([`Outline`]), so those are answered with their `id` too.
//! [`Session`] adds the one rule of order: until `initialize` has gone
//! through, notifications and responses are dropped (the spec lets a server
//! ignore them; rmcp would end the session).

use rmcp::model::{ClientJsonRpcMessage, ClientRequest, ErrorCode};
use serde_json::{Map, Value, json};

/// The largest frame (one JSON-RPC message) read by default, on stdio and
/// over HTTP (`MCP_MAX_BODY_BYTES` there): tool arguments are a few
/// kilobytes; a megabyte leaves room for a large `cw_call` body.
pub const DEFAULT_MAX_FRAME_BYTES: usize = 1024 * 1024;

/// The deepest nesting of arrays and objects a frame may have. The deepest
/// real frame (a `cw_call` body inside `arguments` inside `params`) is under
/// ten; rmcp cannot read past 128.
pub const MAX_DEPTH: usize = 64;

/// The longest `id` text the byte scan keeps.
const MAX_ID_TEXT: usize = 256;

/// What to do with a frame.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Well-formed: hand it on to rmcp unchanged.
    Pass(Kind),
    /// Nothing to answer and nothing for rmcp: say why in the log.
    Ignore(&'static str),
    /// Answer with this JSON-RPC error response instead of passing it on.
    Answer(Value),
}

/// What a well-formed frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The `initialize` request.
    Initialize,
    Request,
    Notification,
    Response,
}

/// The verdict on one whole frame (a line on stdio, a body over HTTP;
/// a trailing newline is allowed).
pub fn check(frame: &[u8], max_bytes: usize) -> Verdict {
    let frame = frame.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(frame);
    let frame = frame.strip_suffix(b"\n").unwrap_or(frame);
    let frame = frame.strip_suffix(b"\r").unwrap_or(frame);
    if frame.iter().all(u8::is_ascii_whitespace) {
        return Verdict::Ignore("an empty line");
    }
    let mut outline = Outline::default();
    outline.feed(frame);
    if frame.len() > max_bytes {
        return too_large(&outline, max_bytes);
    }
    if outline.deepest > MAX_DEPTH {
        return error(
            outline.id(),
            ErrorCode::INVALID_REQUEST,
            format!(
                "the message nests arrays and objects more than {MAX_DEPTH} levels deep; this server reads at most {MAX_DEPTH}"
            ),
        );
    }
    match serde_json::from_slice::<Value>(frame) {
        Ok(message) => shape(&message, frame),
        Err(e) => error(
            Value::Null,
            ErrorCode::PARSE_ERROR,
            format!("the message is not JSON: {e}"),
        ),
    }
}

/// The answer to a frame larger than `max_bytes`, of which `outline` has
/// scanned as much as was read.
pub fn too_large(outline: &Outline, max_bytes: usize) -> Verdict {
    error(
        outline.id(),
        ErrorCode::INVALID_REQUEST,
        format!("the message is larger than {max_bytes} bytes, the most this server reads"),
    )
}

fn error(id: Value, code: ErrorCode, message: String) -> Verdict {
    Verdict::Answer(error_response(id, code, &message))
}

/// A JSON-RPC error response, its message led by the code's name.
pub fn error_response(id: Value, code: ErrorCode, message: &str) -> Value {
    let name = match code {
        ErrorCode::PARSE_ERROR => "Parse error",
        ErrorCode::INVALID_PARAMS => "Invalid params",
        _ => "Invalid Request",
    };
    json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": code.0, "message": format!("{name}: {message}")},
    })
}

/// MCP ids are strings or integers.
fn is_valid_id(id: &Value) -> bool {
    id.is_string() || id.is_i64() || id.is_u64()
}

/// The JSON-RPC envelope, then the params of the methods rmcp types.
fn shape(message: &Value, frame: &[u8]) -> Verdict {
    let Some(object) = message.as_object() else {
        let why = if message.is_array() {
            "batches (arrays of messages) are not part of MCP; send one message at a time"
        } else {
            "a message is a JSON object"
        };
        return error(Value::Null, ErrorCode::INVALID_REQUEST, why.into());
    };
    let id = object.get("id");
    let reply_to = id.filter(|id| is_valid_id(id)).cloned().unwrap_or(Value::Null);
    let invalid = |why: &str| error(reply_to.clone(), ErrorCode::INVALID_REQUEST, why.into());
    let is_response =
        !object.contains_key("method") && (object.contains_key("result") || object.contains_key("error"));
    if is_response {
        return match (object.get("jsonrpc"), id) {
            (Some(v), Some(id)) if v == "2.0" && (is_valid_id(id) || id.is_null()) => {
                Verdict::Pass(Kind::Response)
            }
            _ => Verdict::Ignore("a response without `jsonrpc: \"2.0\"` or a valid `id`"),
        };
    }
    if id.is_some_and(|id| !is_valid_id(id)) {
        return invalid("`id` must be a string or an integer");
    }
    if object.get("jsonrpc").is_none_or(|v| v != "2.0") {
        return invalid("`jsonrpc` must be \"2.0\"");
    }
    let method = match object.get("method") {
        Some(Value::String(method)) => method.as_str(),
        Some(_) => return invalid("`method` must be a string"),
        None => {
            return invalid(
                "a message needs a `method` (a request or notification) or a `result` or `error` (a response)",
            );
        }
    };
    let params = match object.get("params") {
        None | Some(Value::Null) => None,
        Some(Value::Object(params)) => Some(params),
        Some(_) => return invalid("`params` must be an object"),
    };
    if id.is_none() {
        return Verdict::Pass(Kind::Notification);
    }
    if let Err(why) = known_params(method, params) {
        return error(reply_to, ErrorCode::INVALID_PARAMS, why);
    }
    // Whatever else rmcp cannot read is answered here, with the id.
    match serde_json::from_slice::<ClientJsonRpcMessage>(frame) {
        Ok(ClientJsonRpcMessage::Request(request)) => match request.request {
            ClientRequest::InitializeRequest(_) => Verdict::Pass(Kind::Initialize),
            ClientRequest::CustomRequest(_) if MCP_REQUESTS.contains(&method) => error(
                reply_to,
                ErrorCode::INVALID_PARAMS,
                format!("the params of `{method}` do not have the shape MCP gives them"),
            ),
            _ => Verdict::Pass(Kind::Request),
        },
        Ok(_) => Verdict::Pass(Kind::Request),
        Err(e) => invalid(&format!("not an MCP request: {e}")),
    }
}

/// Requests MCP defines: rmcp reads any of them whose params it cannot type
/// as a custom request, and answers "method not found".
const MCP_REQUESTS: &[&str] = &[
    "initialize",
    "ping",
    "tools/list",
    "tools/call",
    "prompts/list",
    "prompts/get",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "resources/subscribe",
    "resources/unsubscribe",
    "completion/complete",
    "logging/setLevel",
];

/// The params of the requests a client sends most, in plain words.
fn known_params(method: &str, params: Option<&Map<String, Value>>) -> Result<(), String> {
    let empty = Map::new();
    let params = params.unwrap_or(&empty);
    match method {
        "tools/call" => {
            if !params.get("name").is_some_and(Value::is_string) {
                return Err("tools/call needs `name`, the name of the tool (a string)".into());
            }
            match params.get("arguments") {
                None | Some(Value::Null | Value::Object(_)) => Ok(()),
                Some(other) => Err(format!(
                    "`arguments` must be an object of the tool's arguments by name, e.g. {{\"id\": 8}}, not {}",
                    kind_of(other)
                )),
            }
        }
        "initialize" => {
            for (field, is_right, what) in [
                (
                    "protocolVersion",
                    Value::is_string as fn(&Value) -> bool,
                    "a string such as \"2025-06-18\"",
                ),
                ("capabilities", Value::is_object, "an object"),
                (
                    "clientInfo",
                    Value::is_object,
                    "an object with `name` and `version`",
                ),
            ] {
                if !params.get(field).is_some_and(is_right) {
                    return Err(format!("initialize needs `{field}`, {what}"));
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// "an array", "a string", … for messages.
fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// What a byte scan learns of a frame without parsing it (so without
/// serde_json's recursion limit, and in pieces, as an oversized frame is
/// skipped): how deep it nests, and the text of its top-level `id`.
#[derive(Debug, Default)]
pub struct Outline {
    depth: usize,
    deepest: usize,
    in_string: bool,
    escaped: bool,
    /// The text of a string being read at the top level, while it may still be `"id"`.
    top_string: Option<Vec<u8>>,
    /// The last top-level string was `"id"`: a `:` now starts the id's value.
    after_id_key: bool,
    id: IdText,
}

#[derive(Debug, Default)]
enum IdText {
    #[default]
    Absent,
    Reading(Vec<u8>),
    Read(Vec<u8>),
}

impl Outline {
    /// Scans the next piece of the frame.
    pub fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.read_id(b);
            if self.in_string {
                self.in_string_byte(b);
                continue;
            }
            match b {
                b'"' => {
                    self.in_string = true;
                    self.after_id_key = false;
                    self.top_string = (self.depth == 1).then(Vec::new);
                }
                b'{' | b'[' => {
                    self.depth += 1;
                    self.deepest = self.deepest.max(self.depth);
                }
                b'}' | b']' => self.depth = self.depth.saturating_sub(1),
                b':' if self.depth == 1 => self.after_top_level_colon(),
                _ => {}
            }
        }
    }

    /// A `:` after the key `"id"` starts the id's value.
    fn after_top_level_colon(&mut self) {
        if std::mem::take(&mut self.after_id_key) && matches!(self.id, IdText::Absent) {
            self.id = IdText::Reading(Vec::new());
        }
    }

    /// Keeps the bytes of the id's value until the top level goes on.
    fn read_id(&mut self, b: u8) {
        if let IdText::Reading(text) = &mut self.id {
            if !self.in_string && self.depth == 1 && (b == b',' || b == b'}') {
                self.id = IdText::Read(std::mem::take(text));
            } else if text.len() < MAX_ID_TEXT {
                text.push(b);
            } else {
                self.id = IdText::Read(Vec::new());
            }
        }
    }

    fn in_string_byte(&mut self, b: u8) {
        if self.escaped {
            self.escaped = false;
        } else if b == b'\\' {
            // An escaped key is never taken for `id`.
            self.escaped = true;
            self.top_string = None;
        } else if b == b'"' {
            self.in_string = false;
            self.after_id_key = self.top_string.take().is_some_and(|s| s == b"id");
        } else if let Some(text) = &mut self.top_string {
            text.push(b);
            if text.len() > 2 {
                self.top_string = None;
            }
        }
    }

    /// The frame's `id` when it was read whole and is a valid one, else null.
    pub fn id(&self) -> Value {
        match &self.id {
            IdText::Read(text) => serde_json::from_slice(text)
                .ok()
                .filter(is_valid_id)
                .unwrap_or(Value::Null),
            _ => Value::Null,
        }
    }

    /// How deep the frame nests so far.
    pub fn deepest(&self) -> usize {
        self.deepest
    }
}

/// The stdio session's order rule on top of [`check`]: until `initialize`
/// has been passed on, notifications and responses are dropped.
#[derive(Debug)]
pub struct Session {
    max_bytes: usize,
    initialized: bool,
}

impl Session {
    pub fn new(max_bytes: usize) -> Session {
        Session {
            max_bytes,
            initialized: false,
        }
    }

    /// The verdict on the next frame of this session.
    pub fn admit(&mut self, frame: &[u8]) -> Verdict {
        match check(frame, self.max_bytes) {
            Verdict::Pass(Kind::Initialize) => {
                self.initialized = true;
                Verdict::Pass(Kind::Initialize)
            }
            Verdict::Pass(Kind::Notification | Kind::Response) if !self.initialized => {
                Verdict::Ignore("a notification or response before `initialize`")
            }
            other => other,
        }
    }

    /// A new rmcp session starts: `initialize` comes first again.
    pub fn restart(&mut self) {
        self.initialized = false;
    }

    pub fn max_bytes(&self) -> usize {
        self.max_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(frame: &str) -> (i64, Value) {
        match check(frame.as_bytes(), DEFAULT_MAX_FRAME_BYTES) {
            Verdict::Answer(a) => (a["error"]["code"].as_i64().unwrap(), a["id"].clone()),
            other => panic!("{frame}: expected an answer, got {other:?}"),
        }
    }

    #[test]
    fn well_formed_frames_pass_with_their_kind() {
        let pass = |f: &str| check(f.as_bytes(), DEFAULT_MAX_FRAME_BYTES);
        assert_eq!(
            pass(
                r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#
            ),
            Verdict::Pass(Kind::Initialize)
        );
        assert_eq!(
            pass(
                r#"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"x","arguments":{"id":8}}}"#
            ),
            Verdict::Pass(Kind::Request)
        );
        assert_eq!(
            pass("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\r\n"),
            Verdict::Pass(Kind::Notification)
        );
        assert_eq!(
            pass(r#"{"jsonrpc":"2.0","id":3,"result":{}}"#),
            Verdict::Pass(Kind::Response)
        );
        assert_eq!(pass("  \n"), Verdict::Ignore("an empty line"));
    }

    #[test]
    fn bad_frames_are_answered_with_their_id() {
        assert_eq!(answer("{nope"), (-32700, Value::Null));
        assert_eq!(
            answer(r#"{"jsonrpc":"1.0","id":7,"method":"ping"}"#),
            (-32600, json!(7))
        );
        assert_eq!(answer(r#"{"id":"x","method":"ping"}"#), (-32600, json!("x")));
        assert_eq!(
            answer(r#"{"jsonrpc":"2.0","id":7,"method":5}"#),
            (-32600, json!(7))
        );
        assert_eq!(
            answer(r#"{"jsonrpc":"2.0","id":7,"method":"tools/list","params":[1]}"#),
            (-32600, json!(7))
        );
        assert_eq!(
            answer(r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#),
            (-32600, Value::Null)
        );
        assert_eq!(
            answer(r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#),
            (-32600, Value::Null)
        );
        assert_eq!(answer(r#"{"jsonrpc":"2.0","id":9}"#), (-32600, json!(9)));
    }

    #[test]
    fn wrong_params_of_known_methods_are_invalid_params_in_plain_words() {
        let frame = r#"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"cw_get_ticket","arguments":[8]}}"#;
        let Verdict::Answer(a) = check(frame.as_bytes(), 1000) else {
            panic!()
        };
        assert_eq!(
            (a["id"].clone(), a["error"]["code"].clone()),
            (json!(4), json!(-32602))
        );
        let message = a["error"]["message"].as_str().unwrap();
        assert!(
            message.contains("`arguments` must be an object") && message.contains("not an array"),
            "{message}"
        );
        assert_eq!(
            answer(r#"{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"arguments":{}}}"#),
            (-32602, json!(5))
        );
        assert_eq!(
            answer(r#"{"jsonrpc":"2.0","id":6,"method":"initialize","params":{"capabilities":{}}}"#),
            (-32602, json!(6))
        );
    }

    #[test]
    fn deep_and_large_frames_are_answered_with_the_id_a_scan_finds() {
        let deep = format!(
            r#"{{"jsonrpc":"2.0","id":11,"method":"tools/call","params":{{"name":"t","arguments":{{"a":{}{}}}}}}}"#,
            "[".repeat(10_000),
            "]".repeat(10_000)
        );
        assert_eq!(answer(&deep), (-32600, json!(11)));
        let big = format!(
            r#"{{"jsonrpc":"2.0","id":"big","method":"ping","params":{{"x":"{}"}}}}"#,
            "a".repeat(2000)
        );
        let Verdict::Answer(a) = check(big.as_bytes(), 1000) else {
            panic!()
        };
        assert_eq!(
            (a["id"].clone(), a["error"]["code"].clone()),
            (json!("big"), json!(-32600))
        );
    }

    #[test]
    fn the_scan_reads_the_top_level_id_only() {
        let id = |frame: &str| {
            let mut o = Outline::default();
            // In pieces, as an oversized frame is read.
            for piece in frame.as_bytes().chunks(3) {
                o.feed(piece);
            }
            o.id()
        };
        assert_eq!(id(r#"{"params":{"id":1},"id" : "k\"1" ,"x":2}"#), json!("k\"1"));
        assert_eq!(id(r#"{"method":"id","id":42}"#), json!(42));
        assert_eq!(id(r#"{"a":"id","b":{"id":3}}"#), Value::Null);
        assert_eq!(id(r#"{"id":{"x":1}}"#), Value::Null);
        assert_eq!(id(r#"{"id":12"#), Value::Null);
    }

    #[test]
    fn before_initialize_a_session_drops_notifications_and_responses() {
        let mut session = Session::new(DEFAULT_MAX_FRAME_BYTES);
        let note = br#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#;
        assert!(matches!(session.admit(note), Verdict::Ignore(_)));
        assert!(matches!(
            session.admit(br#"{"jsonrpc":"2.0","id":1,"result":{}}"#),
            Verdict::Ignore(_)
        ));
        let init = br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
        assert_eq!(session.admit(init), Verdict::Pass(Kind::Initialize));
        assert_eq!(session.admit(note), Verdict::Pass(Kind::Notification));
        session.restart();
        assert!(matches!(session.admit(note), Verdict::Ignore(_)));
    }
}
