//! A hand-written recursive-descent parser for `conditions`, reading them as
//! ConnectWise takes them (and as it writes them in its own hrefs:
//! `(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId=493`).
//!
//! Grammar (keywords in any case, whitespace anywhere between tokens):
//!
//! ```text
//! expr       := and_expr ("or" and_expr)*
//! and_expr   := primary ("and" primary)*
//! primary    := "(" expr ")" | comparison
//! comparison := field op value
//!             | field ["not"] "in" "(" value ("," value)* ")"
//! op         := "=" | "!=" | "<" | "<=" | ">" | ">=" | "contains" | "like" | "not" "like"
//! field      := segment ("/" segment)*     segment := [A-Za-z0-9_]+, first not a digit
//! value      := string | number | "[" date "]" | "true" | "false" | "null"
//! string     := '"' (char | '\"' | '\\')* '"'  |  "'" (char | "\'" | '\\')* "'"
//! ```
//!
//! Strings take double or single quotes; both give the same [`Literal`], and
//! the printer always writes double quotes. Inside either, a backslash escapes
//! the enclosing quote and the backslash, nothing else, and the other quote is
//! an ordinary character (`"O'Brien"`, `'say "hi"'`). ConnectWise documents
//! no escape at all, so the less certain spellings are errors that say what
//! to write instead, never guesses: `\'` inside `"…"` (it needs no escape),
//! any other escape (a stray `\` is more likely a mistake than a wish), and
//! SQL's doubled quote (`'O''Brien'`). Input length and bracket depth are
//! bounded so hostile input fails fast instead of exhausting the stack; the
//! parser never panics.

use std::fmt;

use super::ast::{CompareOp, Expr, FieldPath, Literal, canonical_number};

/// The longest input accepted, in bytes.
pub const MAX_INPUT_LEN: usize = 64 * 1024;
/// The deepest nesting of parentheses accepted.
pub const MAX_DEPTH: usize = 64;

const VALUE: &str = r#"a value ("string" or 'string', number, [date], true, false or null)"#;
const OPERATOR: &str = "an operator (=, !=, <, <=, >, >=, contains, like, not like, in, not in)";
const FIELD_OR_PAREN: &str = r#"a field name or "(""#;

/// Why some text is not a valid `conditions` expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte offset into the input where the problem starts.
    pub position: usize,
    /// What would have been valid there.
    pub expected: String,
    /// What was there instead (quoted text, or `end of input`).
    pub found: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at position {}: expected {}, found {}",
            self.position, self.expected, self.found
        )
    }
}

impl std::error::Error for ParseError {}

/// Parses a `conditions` expression.
///
/// ```
/// # use connectwise_mcp::conditions::{parse, Expr};
/// let expr = parse(r#"status/name = "New" and (priority/id = 1 or priority/id = 2)"#).unwrap();
/// assert!(matches!(expr, Expr::And(ref terms) if terms.len() == 2));
/// ```
pub fn parse(input: &str) -> Result<Expr, ParseError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(ParseError {
            position: MAX_INPUT_LEN,
            expected: format!("at most {MAX_INPUT_LEN} bytes of input"),
            found: format!("{} bytes", input.len()),
        });
    }
    let mut parser = Parser::new(input);
    let expr = parser.expr(0)?;
    match parser.next()? {
        Token { kind: Kind::Eof, .. } => Ok(expr),
        token => Err(parser.error(&token, r#""and", "or" or end of input"#)),
    }
}

/// Parses a field path on its own (used by [`FieldPath::parse`]).
pub(crate) fn parse_field_path(input: &str) -> Result<FieldPath, ParseError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(ParseError {
            position: MAX_INPUT_LEN,
            expected: format!("at most {MAX_INPUT_LEN} bytes of input"),
            found: format!("{} bytes", input.len()),
        });
    }
    let mut parser = Parser::new(input);
    let token = parser.next()?;
    let Kind::Ident(path) = token.kind else {
        return Err(parser.error(&token, "a field name"));
    };
    // No surrounding whitespace: a field path is exactly its text.
    if token.start != 0 || token.end != input.len() {
        let position = if token.start != 0 { 0 } else { token.end };
        return Err(ParseError {
            position,
            expected: "a field name alone".into(),
            found: describe(&input[position..]),
        });
    }
    Ok(path)
}

/// Bytes allowed in a path segment.
pub(crate) fn is_ident_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Ident(FieldPath),
    Str(String),
    Number(String),
    Date(String),
    Op(CompareOp),
    LParen,
    RParen,
    Comma,
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    peeked: Option<Token>,
}

/// Quotes a bit of source text for `found`, cut short if long.
fn describe(text: &str) -> String {
    if text.is_empty() {
        return "end of input".into();
    }
    let short: String = text.chars().take(30).collect();
    let ellipsis = if short.len() < text.len() { "…" } else { "" };
    format!("{short:?}{ellipsis}")
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            pos: 0,
            peeked: None,
        }
    }

    fn error(&self, token: &Token, expected: &str) -> ParseError {
        let found = match token.kind {
            Kind::Eof => "end of input".into(),
            _ => describe(&self.src[token.start..token.end]),
        };
        ParseError {
            position: token.start,
            expected: expected.into(),
            found,
        }
    }

    fn peek(&mut self) -> Result<&Token, ParseError> {
        if self.peeked.is_none() {
            let token = self.lex()?;
            self.peeked = Some(token);
        }
        // Just filled above.
        Ok(self.peeked.as_ref().expect("peeked token"))
    }

    fn next(&mut self) -> Result<Token, ParseError> {
        match self.peeked.take() {
            Some(token) => Ok(token),
            None => self.lex(),
        }
    }

    /// Whether the next token is the keyword `word`; consumes it if so.
    fn eat_keyword(&mut self, word: &str) -> Result<bool, ParseError> {
        if is_keyword(&self.peek()?.kind, word) {
            self.next()?;
            return Ok(true);
        }
        Ok(false)
    }

    // expr := and_expr ("or" and_expr)*
    fn expr(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut terms = vec![self.and_expr(depth)?];
        while self.eat_keyword("or")? {
            terms.push(self.and_expr(depth)?);
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Expr::Or(terms)
        })
    }

    // and_expr := primary ("and" primary)*
    fn and_expr(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let mut terms = vec![self.primary(depth)?];
        while self.eat_keyword("and")? {
            terms.push(self.primary(depth)?);
        }
        Ok(if terms.len() == 1 {
            terms.pop().expect("one term")
        } else {
            Expr::And(terms)
        })
    }

    fn primary(&mut self, depth: usize) -> Result<Expr, ParseError> {
        let token = self.next()?;
        match token.kind {
            Kind::LParen => {
                if depth >= MAX_DEPTH {
                    return Err(self.error(&token, &format!("at most {MAX_DEPTH} nested parentheses")));
                }
                let inner = self.expr(depth + 1)?;
                let close = self.next()?;
                if close.kind != Kind::RParen {
                    return Err(self.error(&close, r#""and", "or" or ")""#));
                }
                Ok(inner)
            }
            Kind::Ident(field) => self.comparison(field),
            _ => Err(self.error(&token, FIELD_OR_PAREN)),
        }
    }

    fn comparison(&mut self, field: FieldPath) -> Result<Expr, ParseError> {
        let token = self.next()?;
        let op = match &token.kind {
            Kind::Op(op) => *op,
            kind if is_keyword(kind, "contains") => CompareOp::Contains,
            kind if is_keyword(kind, "like") => CompareOp::Like,
            kind if is_keyword(kind, "in") => return self.in_list(field, false),
            kind if is_keyword(kind, "not") => {
                let after = self.next()?;
                if is_keyword(&after.kind, "like") {
                    CompareOp::NotLike
                } else if is_keyword(&after.kind, "in") {
                    return self.in_list(field, true);
                } else {
                    return Err(self.error(&after, r#""like" or "in" after "not""#));
                }
            }
            _ => return Err(self.error(&token, OPERATOR)),
        };
        let value = self.value()?;
        Ok(Expr::Compare { field, op, value })
    }

    fn in_list(&mut self, field: FieldPath, negated: bool) -> Result<Expr, ParseError> {
        let open = self.next()?;
        if open.kind != Kind::LParen {
            return Err(self.error(&open, r#""(" to start the list"#));
        }
        let mut values = vec![self.value()?];
        loop {
            let token = self.next()?;
            match token.kind {
                Kind::Comma => values.push(self.value()?),
                Kind::RParen => break,
                _ => return Err(self.error(&token, r#""," or ")""#)),
            }
        }
        Ok(Expr::In {
            field,
            negated,
            values,
        })
    }

    fn value(&mut self) -> Result<Literal, ParseError> {
        let token = self.next()?;
        match token.kind {
            Kind::Str(s) => Ok(Literal::String(s)),
            Kind::Number(n) => Ok(Literal::Number(n)),
            Kind::Date(d) => Ok(Literal::Date(d)),
            ref kind if is_keyword(kind, "true") => Ok(Literal::Bool(true)),
            ref kind if is_keyword(kind, "false") => Ok(Literal::Bool(false)),
            ref kind if is_keyword(kind, "null") => Ok(Literal::Null),
            _ => Err(self.error(&token, VALUE)),
        }
    }

    // ---- lexer -------------------------------------------------------------

    fn lex(&mut self) -> Result<Token, ParseError> {
        let bytes = self.src.as_bytes();
        while self.pos < bytes.len() && bytes[self.pos].is_ascii_whitespace() {
            self.pos += 1;
        }
        let start = self.pos;
        let Some(&b) = bytes.get(start) else {
            return Ok(Token {
                kind: Kind::Eof,
                start,
                end: start,
            });
        };
        let single = |kind, len| Token {
            kind,
            start,
            end: start + len,
        };
        let next_is = |c: u8| bytes.get(start + 1) == Some(&c);
        let token = match b {
            b'(' => single(Kind::LParen, 1),
            b')' => single(Kind::RParen, 1),
            b',' => single(Kind::Comma, 1),
            b'=' => single(Kind::Op(CompareOp::Eq), 1),
            b'!' if next_is(b'=') => single(Kind::Op(CompareOp::Ne), 2),
            b'<' if next_is(b'=') => single(Kind::Op(CompareOp::Le), 2),
            b'<' => single(Kind::Op(CompareOp::Lt), 1),
            b'>' if next_is(b'=') => single(Kind::Op(CompareOp::Ge), 2),
            b'>' => single(Kind::Op(CompareOp::Gt), 1),
            b'"' | b'\'' => self.lex_string(start, char::from(b))?,
            b'[' => self.lex_date(start)?,
            b'-' | b'0'..=b'9' => self.lex_number(start)?,
            b if b.is_ascii_alphabetic() || b == b'_' => self.lex_ident(start)?,
            _ => return Err(unexpected_char(self.src, start)),
        };
        self.pos = token.end;
        Ok(token)
    }

    fn lex_ident(&self, start: usize) -> Result<Token, ParseError> {
        let bytes = self.src.as_bytes();
        let mut segments = Vec::new();
        let mut seg_start = start;
        let mut i = start;
        loop {
            while i < bytes.len() && is_ident_byte(bytes[i]) {
                i += 1;
            }
            if i == seg_start {
                return Err(ParseError {
                    position: i,
                    expected: "a field name segment after \"/\"".into(),
                    found: describe(&self.src[i..]),
                });
            }
            segments.push(self.src[seg_start..i].to_string());
            if bytes.get(i) == Some(&b'/') {
                i += 1;
                seg_start = i;
            } else {
                break;
            }
        }
        Ok(Token {
            kind: Kind::Ident(FieldPath(segments)),
            start,
            end: i,
        })
    }

    fn lex_number(&self, start: usize) -> Result<Token, ParseError> {
        let bytes = self.src.as_bytes();
        let mut i = start + usize::from(bytes[start] == b'-');
        let digits = |mut i: usize| {
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
            i
        };
        let int_end = digits(i);
        let bad = |at: usize| ParseError {
            position: at,
            expected: "a digit".into(),
            found: describe(&self.src[at..]),
        };
        if int_end == i {
            return Err(bad(i));
        }
        i = int_end;
        if bytes.get(i) == Some(&b'.') {
            let frac_end = digits(i + 1);
            if frac_end == i + 1 {
                return Err(bad(i + 1));
            }
            i = frac_end;
        }
        // `12abc` is neither a number nor a field.
        if i < bytes.len() && (is_ident_byte(bytes[i]) || bytes[i] == b'.') {
            return Err(ParseError {
                position: i,
                expected: "a space, operator or \")\" after a number".into(),
                found: describe(&self.src[i..]),
            });
        }
        let text = &self.src[start..i];
        let canonical = canonical_number(text).ok_or_else(|| bad(start))?;
        Ok(Token {
            kind: Kind::Number(canonical),
            start,
            end: i,
        })
    }

    /// A string in `quote` (`"` or `'`); see the module doc for escapes.
    fn lex_string(&self, start: usize, quote: char) -> Result<Token, ParseError> {
        let mut out = String::new();
        let mut chars = self.src[start + 1..].char_indices();
        while let Some((offset, c)) = chars.next() {
            let at = start + 1 + offset;
            if c == quote {
                if self.src[at + 1..].starts_with(quote) {
                    return Err(doubled_quote(self.src, at, quote));
                }
                return Ok(Token {
                    kind: Kind::Str(out),
                    start,
                    end: at + 1,
                });
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            match chars.next() {
                Some((_, e)) if e == quote || e == '\\' => out.push(e),
                other => return Err(bad_escape(at, quote, other.map(|(_, e)| e))),
            }
        }
        Err(ParseError {
            position: self.src.len(),
            expected: format!("a closing {quote} for the string at position {start}"),
            found: "end of input".into(),
        })
    }

    fn lex_date(&self, start: usize) -> Result<Token, ParseError> {
        let Some(len) = self.src[start + 1..].find(']') else {
            return Err(ParseError {
                position: self.src.len(),
                expected: format!("a closing ] for the date at position {start}"),
                found: "end of input".into(),
            });
        };
        let end = start + 1 + len + 1;
        let inner = self.src[start + 1..end - 1].trim();
        match Literal::date(inner) {
            Ok(Literal::Date(d)) => Ok(Token {
                kind: Kind::Date(d),
                start,
                end,
            }),
            _ => Err(ParseError {
                position: start,
                expected: "a date such as [2024-01-01] or [2024-01-01T00:00:00Z]".into(),
                found: describe(&self.src[start..end]),
            }),
        }
    }
}

/// A character no token starts with. Typographic quotes get a hint: models
/// and word processors write them, and ConnectWise documents only straight ones.
fn unexpected_char(src: &str, at: usize) -> ParseError {
    let ch = src[at..].chars().next().unwrap_or('?');
    let expected = match ch {
        '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}' | '`' => {
            r#"a string in straight quotes, "…" or '…'"#
        }
        _ => r#"a field name, value, operator, "(" or ")""#,
    };
    ParseError {
        position: at,
        expected: expected.into(),
        found: format!("{:?}", ch.to_string()),
    }
}

/// `'O''Brien'`: the string ended at `at` and the same quote follows.
fn doubled_quote(src: &str, at: usize, quote: char) -> ParseError {
    ParseError {
        position: at,
        expected: format!(
            r"\{quote} for a {quote} inside a {quote}…{quote} string (a doubled {quote}{quote} is not taken as one)"
        ),
        found: describe(&src[at..]),
    }
}

/// A backslash at `at`, inside a string in `quote`, followed by `escaped`.
fn bad_escape(at: usize, quote: char, escaped: Option<char>) -> ParseError {
    let other_quote = if quote == '"' { '\'' } else { '"' };
    ParseError {
        position: at,
        expected: format!(
            r"\{quote} or \\ (the only escapes inside a {quote}…{quote} string; a {other_quote} needs none there)"
        ),
        found: match escaped {
            Some(e) => format!("{:?}", format!("\\{e}")),
            None => "end of input".into(),
        },
    }
}

fn is_keyword(kind: &Kind, word: &str) -> bool {
    matches!(kind, Kind::Ident(FieldPath(segments))
        if segments.len() == 1 && segments[0].eq_ignore_ascii_case(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str) -> FieldPath {
        FieldPath::parse(path).unwrap()
    }

    #[test]
    fn parses_the_documented_example() {
        let expr = parse(
            r#"status/name="New" and company/identifier="ACME" and dateEntered > [2024-01-01T00:00:00Z]"#,
        )
        .unwrap();
        assert_eq!(
            expr,
            Expr::And(vec![
                Expr::eq(f("status/name"), "New"),
                Expr::eq(f("company/identifier"), "ACME"),
                Expr::gt(f("dateEntered"), Literal::Date("2024-01-01T00:00:00Z".into())),
            ])
        );
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_group() {
        let a = Expr::eq(f("a"), 1);
        let b = Expr::eq(f("b"), 2);
        let c = Expr::eq(f("c"), 3);
        assert_eq!(
            parse("a=1 or b=2 and c=3").unwrap(),
            Expr::Or(vec![a.clone(), Expr::And(vec![b.clone(), c.clone()])])
        );
        assert_eq!(
            parse("(a=1 or b=2) and c=3").unwrap(),
            Expr::And(vec![Expr::Or(vec![a.clone(), b.clone()]), c.clone()])
        );
        // A bracketed group stays its own node; a bracketed comparison does not.
        assert_eq!(
            parse("(a=1 and b=2) and (c=3)").unwrap(),
            Expr::And(vec![Expr::And(vec![a, b]), c])
        );
    }

    #[test]
    fn every_operator_and_value_kind() {
        let cases = [
            ("id != 5", Expr::ne(f("id"), 5)),
            ("id<5", Expr::lt(f("id"), 5)),
            ("id <= -5.50", Expr::le(f("id"), Literal::Number("-5.5".into()))),
            ("id>0", Expr::gt(f("id"), 0)),
            ("id >= 007", Expr::ge(f("id"), 7)),
            ("name contains \"x\"", Expr::contains(f("name"), "x")),
            ("name LIKE \"a%\"", Expr::like(f("name"), "a%")),
            ("name Not Like \"a_\"", Expr::not_like(f("name"), "a_")),
            ("closedFlag = TRUE", Expr::eq(f("closedFlag"), true)),
            ("closedFlag = false", Expr::eq(f("closedFlag"), false)),
            ("owner = Null", Expr::is_null(f("owner"))),
            (
                "d = [ 2024-01-01 ]",
                Expr::eq(f("d"), Literal::Date("2024-01-01".into())),
            ),
            (
                "id in (1, 2,3)",
                Expr::In {
                    field: f("id"),
                    negated: false,
                    values: vec![1.into(), 2.into(), 3.into()],
                },
            ),
            (
                "s NOT IN (\"a\",null)",
                Expr::In {
                    field: f("s"),
                    negated: true,
                    values: vec!["a".into(), Literal::Null],
                },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text).unwrap(), expected, "{text}");
        }
    }

    #[test]
    fn strings_unescape_quote_and_backslash_only() {
        assert_eq!(
            parse(r#"name = "say \"hi\" C:\\temp""#).unwrap(),
            Expr::eq(f("name"), r#"say "hi" C:\temp"#)
        );
        let err = parse(r#"name = "C:\temp""#).unwrap_err();
        assert_eq!(err.position, 10);
        assert!(err.expected.contains(r#"\" or \\"#));
    }

    /// Verbatim (with `{id}` = 493) as ConnectWise writes conditions in the
    /// spec's own operation summaries and in `_info` hrefs, URL-decoded.
    #[test]
    fn conditions_as_connectwise_writes_them_parse_verbatim() {
        let ticket_493 = Expr::eq(f("chargeToId"), 493);
        let service_or_project = Expr::Or(vec![
            Expr::eq(f("chargeToType"), "ServiceTicket"),
            Expr::eq(f("chargeToType"), "ProjectTicket"),
        ]);
        let cases = [
            (
                "chargeToType='Ticket' AND chargeToId=493",
                Expr::And(vec![Expr::eq(f("chargeToType"), "Ticket"), ticket_493.clone()]),
            ),
            (
                "(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId=493",
                Expr::And(vec![service_or_project.clone(), ticket_493.clone()]),
            ),
            (
                r#"(chargeToType="ServiceTicket" OR chargeToType="ProjectTicket") AND chargeToId=493"#,
                Expr::And(vec![service_or_project, ticket_493]),
            ),
            (
                "type/id=4 AND objectId=493",
                Expr::And(vec![Expr::eq(f("type/id"), 4), Expr::eq(f("objectId"), 493)]),
            ),
            ("ticket/id=493", Expr::eq(f("ticket/id"), 493)),
            // The condition of issue 10.
            ("status/name='New'", Expr::eq(f("status/name"), "New")),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Ok(expected), "{text}");
        }
        // What we send is the one canonical form.
        assert_eq!(
            parse("(chargeToType='ServiceTicket' OR chargeToType='ProjectTicket') AND chargeToId=493")
                .unwrap()
                .to_string(),
            r#"(chargeToType = "ServiceTicket" or chargeToType = "ProjectTicket") and chargeToId = 493"#
        );
    }

    #[test]
    fn single_quoted_strings_are_the_same_literal_as_double_quoted() {
        let pairs = [
            (r#"name = 'New'"#, r#"name = "New""#),
            (r#"name = ''"#, r#"name = """#),
            // The other quote is an ordinary character in either style.
            (r#"name = 'say "hi"'"#, r#"name = "say \"hi\"""#),
            (r#"name = "O'Brien""#, r#"name = "O'Brien""#),
            // A backslash escapes the enclosing quote and itself.
            (r#"name = 'O\'Brien C:\\temp'"#, r#"name = "O'Brien C:\\temp""#),
            (
                r#"name LIKE '%a_' or x NOT IN ('a', "b", 'c')"#,
                r#"name like "%a_" or x not in ("a", "b", "c")"#,
            ),
            (
                r#"s = ' spaces and ) or ( kept '"#,
                r#"s = " spaces and ) or ( kept ""#,
            ),
        ];
        for (single, double) in pairs {
            let parsed = parse(single);
            assert!(parsed.is_ok(), "{single}: {parsed:?}");
            assert_eq!(parsed, parse(double), "{single}");
            assert_eq!(parsed.unwrap().to_string(), double, "{single}");
        }
    }

    #[test]
    fn escapes_other_than_the_enclosing_quote_and_backslash_are_refused() {
        let err = parse(r#"name = "O\'Brien""#).unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"at position 9: expected \" or \\ (the only escapes inside a "…" string; a ' needs none there), found "\\'""#
        );
        let err = parse(r#"name = 'say \"hi\"'"#).unwrap_err();
        assert_eq!((err.position, err.found.as_str()), (12, r#""\\\"""#));
        assert!(err.expected.starts_with(r"\' or \\ "), "{err}");
        let err = parse(r"name = 'C:\temp'").unwrap_err();
        assert_eq!(err.position, 10);
        assert_eq!(parse(r"name = 'C:\").unwrap_err().found, "end of input");
    }

    #[test]
    fn a_doubled_quote_is_refused_with_the_escape_to_use() {
        let err = parse("name = 'O''Brien'").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"at position 9: expected \' for a ' inside a '…' string (a doubled '' is not taken as one), found "''Brien'""#
        );
        assert_eq!(parse(r#"name = "a""b""#).unwrap_err().position, 9);
        assert_eq!(parse("name = '''").unwrap_err().position, 8);
        // Empty strings, and strings a comma apart, are not doubled quotes.
        assert!(parse("name = '' or x in ('','')").is_ok());
    }

    #[test]
    fn an_unclosed_or_typographic_quote_says_so() {
        let err = parse("status/name = 'New").unwrap_err();
        assert_eq!(
            err.to_string(),
            "at position 18: expected a closing ' for the string at position 14, found end of input"
        );
        for text in [
            "status/name = \u{2018}New\u{2019}",
            "status/name = \u{201C}New\u{201D}",
            "status/name = `New`",
        ] {
            let err = parse(text).unwrap_err();
            assert_eq!(err.position, 14, "{text}");
            assert_eq!(
                err.expected, r#"a string in straight quotes, "…" or '…'"#,
                "{text}"
            );
        }
    }

    #[test]
    fn error_positions_are_exact_after_single_quoted_strings() {
        let err = parse("status/name = 'New' 'Open'").unwrap_err();
        assert_eq!((err.position, err.found.as_str()), (20, r#""'Open'""#));
        let err = parse("a in ('x', 'y' 'z')").unwrap_err();
        assert_eq!((err.position, err.expected.as_str()), (15, r#""," or ")""#));
        let err = parse("a = 'it''s' and b = 1").unwrap_err();
        assert_eq!(err.position, 7);
    }

    #[test]
    fn keywords_are_read_in_any_case() {
        let lower = parse(
            r#"a = 1 and b = 2 or c contains "x" and d like "y" and e not like "z" and f in (1, 2) and g not in (3, 4) and h = true and i = false and j = null"#,
        )
        .unwrap();
        for text in [
            r#"a = 1 AND b = 2 OR c CONTAINS 'x' AND d LIKE 'y' AND e NOT LIKE 'z' AND f IN (1, 2) AND g NOT IN (3, 4) AND h = TRUE AND i = FALSE AND j = NULL"#,
            r#"a = 1 And b = 2 Or c Contains 'x' And d Like "y" And e Not Like 'z' And f In (1, 2) And g Not In (3, 4) And h = True And i = False And j = Null"#,
            r#"a = 1 aNd b = 2 oR c cOnTaInS "x" aNd d lIkE 'y' aNd e nOt LiKe "z" aNd f iN (1, 2) aNd g NoT iN (3, 4) aNd h = tRuE aNd i = fAlSe aNd j = nUlL"#,
        ] {
            assert_eq!(parse(text).as_ref(), Ok(&lower), "{text}");
            assert_eq!(parse(text).unwrap().to_string(), lower.to_string());
        }
    }

    #[test]
    fn errors_say_where_what_was_expected_and_what_was_found() {
        let err = parse("status/name = (").unwrap_err();
        assert_eq!(
            err.to_string(),
            r#"at position 14: expected a value ("string" or 'string', number, [date], true, false or null), found "(""#
        );
        let err = parse(r#"status/name = New"#).unwrap_err();
        assert_eq!((err.position, err.found.as_str()), (14, r#""New""#));
        let err = parse("a = 1 b = 2").unwrap_err();
        assert_eq!(err.position, 6);
        assert!(err.expected.contains("and"));
        assert_eq!(parse("a = 1 and").unwrap_err().found, "end of input");
        assert_eq!(parse("(a = 1").unwrap_err().expected, r#""and", "or" or ")""#);
        assert!(parse("a in ()").is_err());
        assert!(parse("a not = 1").is_err());
        assert!(parse("d > [2024-02-30]").is_err());
        assert!(parse("d > [2024-01-01").is_err());
        assert!(parse(r#"name = "open"#).is_err());
        assert!(parse("").is_err());
        assert!(parse("a = 12abc").is_err());
        assert!(parse("a = 1.").is_err());
        assert!(parse("a = $").is_err());
    }

    #[test]
    fn hostile_input_is_bounded() {
        let deep = format!("{}a=1{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert!(parse(&deep).is_ok());
        let deeper = format!("{}a=1{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
        let err = parse(&deeper).unwrap_err();
        assert!(err.expected.contains("nested"), "{err}");
        let huge = "(".repeat(1_000_000);
        assert_eq!(parse(&huge).unwrap_err().position, MAX_INPUT_LEN);
        // A long flat chain is fine: it is a loop, not recursion.
        let chain = vec!["a=1"; 5000].join(" or ");
        assert!(matches!(parse(&chain).unwrap(), Expr::Or(t) if t.len() == 5000));
    }

    #[test]
    fn keywords_may_be_field_names_where_a_field_is_expected() {
        assert_eq!(parse("and = 1").unwrap(), Expr::eq(f("and"), 1));
        assert_eq!(parse("in in (1, 2)").unwrap(), Expr::is_in(f("in"), [1, 2]));
    }
}
