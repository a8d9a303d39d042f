//! Evaluating conditions on JSON records, with the semantics ConnectWise's
//! SQL Server backend gives them.
//!
//! - Text compares case-insensitively (character by character, by simple
//!   lower-casing), and `=`/`<`… ignore trailing spaces as SQL Server's
//!   padded comparison does. `contains`, `like` and `not like` are
//!   case-insensitive too; `like` knows `%` (any run) and `_` (one
//!   character), not SQL Server's `[…]` sets.
//! - Numbers compare numerically (exactly for integers), dates as instants
//!   (record values are ISO strings such as `"2024-03-01T14:30:00Z"`).
//!   A string field compared with a number is read as a number, a number
//!   field compared with a string reads the string; if that fails the test
//!   is false.
//! - A missing field or JSON `null` is equal only to `null`: `= null` holds,
//!   `!= null` does not, and every other test on it is false (as SQL's
//!   unknown).
//! - A path walks nested objects (`company/identifier`), matching property
//!   names exactly or else case-insensitively. Through an array (a child
//!   collection such as `communicationItems/value`) it holds if it holds for
//!   any element; an empty collection holds for no test.
//!
//! [`Compiled`] is the form to run over many records: it lower-cases
//! literals, reads numbers and dates and builds `like` patterns once, so a
//! match allocates nothing for ASCII text.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::ast::{CompareOp, Expr, Literal};

/// An [`Expr`] prepared for fast repeated matching.
///
/// ```
/// # use connectwise_mcp::conditions::parse;
/// # use serde_json::json;
/// let filter = parse(r#"company/identifier = "acme" and summary like "%printer%""#)
///     .unwrap()
///     .compile();
/// let ticket = json!({"summary": "Printer jammed", "company": {"identifier": "ACME"}});
/// assert!(filter.matches(&ticket));
/// ```
#[derive(Debug, Clone)]
pub struct Compiled {
    root: Node,
}

#[derive(Debug, Clone)]
enum Node {
    All(Vec<Node>),
    Any(Vec<Node>),
    Test { path: Vec<String>, test: Test },
}

#[derive(Debug, Clone)]
enum Test {
    IsNull,
    NotNull,
    /// Always false: an ordering against `null`, or `like null`.
    Never,
    Compare(CompareOp, Operand),
    In {
        negated: bool,
        operands: Vec<Operand>,
        has_null: bool,
    },
    Contains(String),
    Like {
        negated: bool,
        pattern: Vec<Tok>,
    },
}

#[derive(Debug, Clone)]
enum Operand {
    /// Folded (lower-cased) text with trailing spaces cut, whether it is
    /// all ASCII, and its value as a number if it reads as one.
    Str {
        folded: String,
        ascii: bool,
        number: Option<Num>,
    },
    Num(Num),
    /// Nanoseconds since the Unix epoch.
    Date(i128),
    Bool(bool),
}

/// A number: as an exact integer when it is one, and as an `f64`.
#[derive(Debug, Clone, Copy)]
struct Num {
    int: Option<i128>,
    float: f64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok {
    Char(char),
    One,
    Any,
}

impl Expr {
    /// Whether `record` satisfies this expression. Compiles first; to test
    /// many records, call [`Expr::compile`] once and use
    /// [`Compiled::matches`].
    pub fn matches(&self, record: &Value) -> bool {
        self.compile().matches(record)
    }

    /// Prepares the expression for fast repeated matching.
    pub fn compile(&self) -> Compiled {
        Compiled { root: compile(self) }
    }
}

impl From<&Expr> for Compiled {
    fn from(expr: &Expr) -> Compiled {
        expr.compile()
    }
}

impl Compiled {
    /// Whether `record` satisfies the expression.
    pub fn matches(&self, record: &Value) -> bool {
        eval(&self.root, record)
    }
}

fn compile(expr: &Expr) -> Node {
    match expr {
        Expr::And(terms) => Node::All(terms.iter().map(compile).collect()),
        Expr::Or(terms) => Node::Any(terms.iter().map(compile).collect()),
        Expr::Compare { field, op, value } => Node::Test {
            path: field.0.clone(),
            test: compile_compare(*op, value),
        },
        Expr::In {
            field,
            negated,
            values,
        } => Node::Test {
            path: field.0.clone(),
            test: Test::In {
                negated: *negated,
                operands: values.iter().filter_map(operand).collect(),
                has_null: values.contains(&Literal::Null),
            },
        },
    }
}

fn compile_compare(op: CompareOp, value: &Literal) -> Test {
    let text = match value {
        Literal::Null => {
            return match op {
                CompareOp::Eq => Test::IsNull,
                CompareOp::Ne => Test::NotNull,
                _ => Test::Never,
            };
        }
        Literal::String(s) | Literal::Number(s) | Literal::Date(s) => s.as_str(),
        Literal::Bool(true) => "true",
        Literal::Bool(false) => "false",
    };
    match op {
        CompareOp::Contains => Test::Contains(text.chars().map(fold).collect()),
        CompareOp::Like | CompareOp::NotLike => Test::Like {
            negated: op == CompareOp::NotLike,
            pattern: compile_like(text),
        },
        _ => match operand(value) {
            Some(operand) => Test::Compare(op, operand),
            None => Test::Never,
        },
    }
}

fn operand(value: &Literal) -> Option<Operand> {
    Some(match value {
        Literal::Null => return None,
        Literal::String(s) => {
            let folded: String = s.trim_end_matches(' ').chars().map(fold).collect();
            Operand::Str {
                ascii: folded.is_ascii(),
                number: parse_num(s.trim()),
                folded,
            }
        }
        Literal::Number(n) => Operand::Num(parse_num(n)?),
        Literal::Date(d) => Operand::Date(parse_instant(d)?),
        Literal::Bool(b) => Operand::Bool(*b),
    })
}

fn compile_like(pattern: &str) -> Vec<Tok> {
    let mut out = Vec::with_capacity(pattern.len());
    for c in pattern.chars() {
        let tok = match c {
            '%' => Tok::Any,
            '_' => Tok::One,
            c => Tok::Char(fold(c)),
        };
        // `%%` is `%`; collapsing keeps the matcher's backtracking short.
        if !(tok == Tok::Any && out.last() == Some(&Tok::Any)) {
            out.push(tok);
        }
    }
    out
}

/// Simple case folding, one character to one character, as a
/// case-insensitive collation compares.
fn fold(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

fn eval(node: &Node, record: &Value) -> bool {
    match node {
        Node::All(terms) => terms.iter().all(|t| eval(t, record)),
        Node::Any(terms) => terms.iter().any(|t| eval(t, record)),
        Node::Test { path, test } => any_leaf(record, path, &mut |leaf| run(test, leaf)),
    }
}

/// Calls `f` on each value `path` reaches from `value` (fanning out over
/// arrays), with `None` where the path ends at a missing field or `null`;
/// true as soon as `f` is.
fn any_leaf(value: &Value, path: &[String], f: &mut impl FnMut(Option<&Value>) -> bool) -> bool {
    if let Value::Array(items) = value {
        return items.iter().any(|item| any_leaf(item, path, f));
    }
    let Some((first, rest)) = path.split_first() else {
        return f(if value.is_null() { None } else { Some(value) });
    };
    match value {
        Value::Object(map) => match lookup(map, first) {
            Some(child) => any_leaf(child, rest, f),
            None => f(None),
        },
        _ => f(None),
    }
}

fn lookup<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    map.get(key).or_else(|| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

fn run(test: &Test, leaf: Option<&Value>) -> bool {
    let Some(value) = leaf else {
        return match test {
            Test::IsNull => true,
            Test::In {
                negated, has_null, ..
            } => !negated && *has_null,
            _ => false,
        };
    };
    match test {
        Test::IsNull | Test::Never => false,
        Test::NotNull => true,
        Test::Compare(op, operand) => compare(value, operand).is_some_and(|ord| holds(*op, ord)),
        Test::In {
            negated: false,
            operands,
            ..
        } => operands
            .iter()
            .any(|o| compare(value, o) == Some(Ordering::Equal)),
        Test::In {
            negated: true,
            operands,
            ..
        } => operands
            .iter()
            .all(|o| matches!(compare(value, o), Some(Ordering::Less | Ordering::Greater))),
        Test::Contains(needle) => with_text(value, |text| contains_folded(text, needle)),
        Test::Like { negated, pattern } => with_text(value, |text| like(text, pattern) != *negated),
    }
}

fn holds(op: CompareOp, ord: Ordering) -> bool {
    match op {
        CompareOp::Eq => ord == Ordering::Equal,
        CompareOp::Ne => ord != Ordering::Equal,
        CompareOp::Lt => ord == Ordering::Less,
        CompareOp::Le => ord != Ordering::Greater,
        CompareOp::Gt => ord == Ordering::Greater,
        CompareOp::Ge => ord != Ordering::Less,
        // Compiled into their own tests; never reach here.
        CompareOp::Contains | CompareOp::Like | CompareOp::NotLike => false,
    }
}

/// Orders a record value against a literal, or `None` when they cannot be
/// compared (which makes every test false).
fn compare(value: &Value, operand: &Operand) -> Option<Ordering> {
    match (value, operand) {
        (Value::String(s), Operand::Str { folded, ascii, .. }) => {
            let s = s.trim_end_matches(' ');
            Some(if *ascii && s.is_ascii() {
                s.bytes().map(|b| b.to_ascii_lowercase()).cmp(folded.bytes())
            } else {
                s.chars().map(fold).cmp(folded.chars())
            })
        }
        (Value::Number(n), Operand::Str { number, .. }) => num_cmp(json_num(n)?, (*number)?),
        (Value::String(s), Operand::Num(x)) => num_cmp(parse_num(s.trim())?, *x),
        (Value::Number(n), Operand::Num(x)) => num_cmp(json_num(n)?, *x),
        (Value::String(s), Operand::Date(t)) => Some(parse_instant(s.trim())?.cmp(t)),
        (Value::Bool(b), Operand::Bool(x)) => Some(b.cmp(x)),
        _ => None,
    }
}

fn num_cmp(a: Num, b: Num) -> Option<Ordering> {
    match (a.int, b.int) {
        (Some(x), Some(y)) => Some(x.cmp(&y)),
        _ => a.float.partial_cmp(&b.float),
    }
}

fn json_num(n: &serde_json::Number) -> Option<Num> {
    if let Some(i) = n.as_i64() {
        return Some(Num {
            int: Some(i.into()),
            float: i as f64,
        });
    }
    if let Some(u) = n.as_u64() {
        return Some(Num {
            int: Some(u.into()),
            float: u as f64,
        });
    }
    n.as_f64().map(|float| Num { int: None, float })
}

/// Reads decimal text (`-12`, `3.25`); `None` for anything else.
fn parse_num(text: &str) -> Option<Num> {
    let body = text.strip_prefix('-').unwrap_or(text);
    let valid = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && body.bytes().filter(|&b| b == b'.').count() <= 1
        && !body.starts_with('.')
        && !body.ends_with('.');
    if !valid {
        return None;
    }
    let float: f64 = text.parse().ok()?;
    let int = if body.contains('.') {
        None
    } else {
        text.parse::<i128>().ok()
    };
    Some(Num { int, float })
}

/// Runs `f` on the record value as text: strings as they are, numbers in
/// their JSON form; other kinds are not text and fail the test.
fn with_text(value: &Value, f: impl FnOnce(&str) -> bool) -> bool {
    match value {
        Value::String(s) => f(s),
        Value::Number(n) => f(&n.to_string()),
        _ => false,
    }
}

fn contains_folded(hay: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    if hay.is_ascii() && needle.is_ascii() {
        let n = needle.as_bytes();
        return hay
            .as_bytes()
            .windows(n.len())
            .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b));
    }
    hay.chars().map(fold).collect::<String>().contains(needle)
}

fn like(text: &str, pattern: &[Tok]) -> bool {
    if text.is_ascii() {
        let bytes = text.as_bytes();
        like_match(pattern, bytes.len(), |i| {
            char::from(bytes[i].to_ascii_lowercase())
        })
    } else {
        let chars: Vec<char> = text.chars().map(fold).collect();
        like_match(pattern, chars.len(), |i| chars[i])
    }
}

/// Wildcard matching with one backtrack point (the last `%`), which is
/// enough for `%`/`_` patterns: a later `%` can absorb anything an earlier
/// one would have.
fn like_match(pattern: &[Tok], len: usize, at: impl Fn(usize) -> char) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while t < len {
        match pattern.get(p) {
            Some(Tok::One) => {
                p += 1;
                t += 1;
            }
            Some(Tok::Char(c)) if *c == at(t) => {
                p += 1;
                t += 1;
            }
            Some(Tok::Any) => {
                backtrack = Some((p, t));
                p += 1;
            }
            _ => match backtrack {
                Some((star, from)) => {
                    p = star + 1;
                    t = from + 1;
                    backtrack = Some((star, from + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|tok| *tok == Tok::Any)
}

/// Reads an ISO 8601 date or date-time as nanoseconds since the Unix epoch:
/// `2024-01-01`, `2024-01-01T14:30`, `2024-01-01T14:30:00`, with optional
/// fraction (up to 9 digits) and `Z` or `±HH:MM`/`±HHMM` offset; no offset
/// means UTC. `None` for anything else, including impossible dates.
pub(crate) fn parse_instant(text: &str) -> Option<i128> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0i64, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
        })
    };
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return None;
    }
    let mut nanos = i128::from(days_from_civil(year, month, day)) * 86_400 * 1_000_000_000;
    if b.len() == 10 {
        return Some(nanos);
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (hour, minute) = (num(11, 2)?, num(14, 2)?);
    if b.get(13) != Some(&b':') || hour > 23 || minute > 59 {
        return None;
    }
    let mut i = 16;
    let mut second = 0;
    if b.get(i) == Some(&b':') {
        second = num(i + 1, 2)?;
        if second > 59 {
            return None;
        }
        i += 3;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let start = i;
            let mut frac: i128 = 0;
            while i < b.len() && b[i].is_ascii_digit() {
                if i - start >= 9 {
                    return None;
                }
                frac = frac * 10 + i128::from(b[i] - b'0');
                i += 1;
            }
            if i == start {
                return None;
            }
            nanos += frac * 10i128.pow(9 - (i - start) as u32);
        }
    }
    nanos += i128::from(hour * 3600 + minute * 60 + second) * 1_000_000_000;
    let offset_minutes = match b.get(i) {
        None => 0,
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(&sign @ (b'+' | b'-')) => {
            let oh = num(i + 1, 2)?;
            let om = match b.len() - i {
                6 if b[i + 3] == b':' => num(i + 4, 2)?,
                5 => num(i + 3, 2)?,
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let m = oh * 60 + om;
            if sign == b'+' { m } else { -m }
        }
        _ => return None,
    };
    Some(nanos - i128::from(offset_minutes) * 60 * 1_000_000_000)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a proleptic Gregorian date (the usual
/// era-of-400-years arithmetic, counting years from March).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;
    use serde_json::json;

    fn ticket() -> Value {
        json!({
            "id": 42,
            "summary": "Printer on 2nd floor JAMMED  ",
            "closedFlag": false,
            "budgetHours": 1.5,
            "status": {"id": 1, "name": "New"},
            "company": {"identifier": "ACME", "name": "Acme, Inc."},
            "owner": null,
            "requiredDate": "2024-03-01T14:30:00Z",
            "zip": "01234",
            "communicationItems": [
                {"type": {"name": "Email"}, "value": "ann@acme.com"},
                {"type": {"name": "Phone"}, "value": "555-0100"}
            ],
            "emptyItems": []
        })
    }

    fn check(condition: &str) -> bool {
        parse(condition).unwrap().matches(&ticket())
    }

    #[test]
    fn text_compares_case_insensitively_ignoring_trailing_spaces() {
        assert!(check(r#"status/name = "NEW""#));
        assert!(check(r#"status/name = "new   ""#));
        assert!(check(r#"summary = "printer on 2nd floor jammed""#));
        assert!(!check(r#"status/name != "new""#));
        assert!(check(r#"status/name < "open" and status/name > "in progress""#));
        assert!(check(r#"status/name in ("Open", "new")"#));
        assert!(check(r#"status/name not in ("Open", "Closed")"#));
    }

    #[test]
    fn contains_and_like_are_case_insensitive_with_sql_wildcards() {
        assert!(check(r#"summary contains "FLOOR""#));
        assert!(check(r#"summary contains """#));
        assert!(!check(r#"summary contains "basement""#));
        assert!(check(r#"summary like "printer%""#));
        assert!(check(r#"summary like "%2_d%jammed%""#));
        assert!(!check(r#"summary like "printer""#));
        assert!(check(r#"company/name like "acme, inc_""#));
        assert!(check(r#"company/name not like "%corp%""#));
        assert!(check(r#"id like "4%""#), "numbers read as text for like");
    }

    #[test]
    fn like_backtracks_across_wildcards() {
        let m = |text: &str, pattern: &str| like(text, &compile_like(pattern));
        assert!(m("abcabcabd", "%abd"));
        assert!(m("aXbXc", "a%b%c"));
        assert!(m("", "%"));
        assert!(!m("", "_"));
        assert!(m("ÉCOLE", "%éc_le"));
        assert!(!m("abc", "a%d"));
        assert!(m("a%b", "a%%b"));
    }

    #[test]
    fn numbers_compare_numerically_and_strings_are_read_as_needed() {
        assert!(check("id = 42 and id >= 42 and id < 100 and id != 41"));
        assert!(check("id = 42.0") && check("budgetHours > 1.25 and budgetHours <= 1.5"));
        assert!(check(r#"id = "42""#), "a string literal read as a number");
        assert!(check("zip = 1234"), "a text field read as a number");
        assert!(!check(r#"id = "forty-two""#));
        assert!(check("id in (1, 42)") && check("id not in (1, 2)"));
        let big = json!({"n": 9007199254740993i64});
        assert!(
            !parse("n = 9007199254740992").unwrap().matches(&big),
            "exact integers"
        );
    }

    #[test]
    fn dates_compare_as_instants() {
        assert!(check("requiredDate > [2024-03-01]"));
        assert!(check("requiredDate = [2024-03-01T14:30:00Z]"));
        assert!(check("requiredDate = [2024-03-01T16:30:00+02:00]"));
        assert!(check("requiredDate < [2024-03-01T14:30:00.001Z]"));
        assert!(!check("requiredDate >= [2024-03-02]"));
        assert!(!check("summary > [2024-01-01]"), "text that is not a date");
    }

    #[test]
    fn null_and_missing_fields_equal_only_null() {
        for field in ["owner", "nosuchfield", "owner/name", "status/name/deeper"] {
            assert!(check(&format!("{field} = null")), "{field}");
            assert!(!check(&format!("{field} != null")), "{field}");
            assert!(!check(&format!("{field} != \"x\"")), "{field}");
            assert!(!check(&format!("{field} not like \"x\"")), "{field}");
            assert!(!check(&format!("{field} not in (\"x\")")), "{field}");
            assert!(!check(&format!("{field} < 5")), "{field}");
        }
        assert!(check("owner in (null, \"x\")"));
        assert!(check("status != null and status/name != null"));
        assert!(!check("status = null"));
    }

    #[test]
    fn paths_walk_objects_and_match_any_element_of_a_child_collection() {
        assert!(check(r#"communicationItems/value like "%@acme.com""#));
        assert!(check(r#"communicationItems/type/name = "phone""#));
        assert!(!check(r#"communicationItems/value = "bob@acme.com""#));
        assert!(!check("emptyItems/value = null"), "no element, no match");
        assert!(
            check(r#"Company/IDENTIFIER = "acme""#),
            "names match case-insensitively"
        );
    }

    #[test]
    fn booleans_and_grouping() {
        assert!(check("closedFlag = false"));
        assert!(!check("closedFlag = true"));
        assert!(check(r#"(closedFlag = true or id = 42) and status/id = 1"#));
        assert!(!check(r#"closedFlag = true or id = 41 and status/id = 1"#));
        assert!(Expr::And(vec![]).matches(&ticket()));
        assert!(!Expr::Or(vec![]).matches(&ticket()));
    }

    #[test]
    fn iso_dates_are_read_strictly() {
        let day = 86_400 * 1_000_000_000i128;
        assert_eq!(parse_instant("1970-01-02"), Some(day));
        assert_eq!(parse_instant("1969-12-31T00:00:00Z"), Some(-day));
        assert_eq!(parse_instant("2000-03-01"), Some(11_017 * day));
        assert_eq!(parse_instant("1970-01-01T01:00:00+0100"), Some(0));
        for bad in [
            "2024-1-01",
            "2024-01-01T",
            "2024-01-01T25:00",
            "2024-01-01T10:00:00.Z",
            "2024-01-01T10:00:00.1234567890Z",
            "2024-01-01Z",
            "2024-01-01T10:00:00+1",
            "",
        ] {
            assert_eq!(parse_instant(bad), None, "{bad:?}");
        }
    }
}
