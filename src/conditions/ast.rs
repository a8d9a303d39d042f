//! The syntax tree of a `conditions` expression, and the builders the tool
//! layer uses to make one from typed arguments.
//!
//! Building a tree and printing it (see `print.rs`) is the safe way to put a
//! user's or a model's value into a query: the printer escapes every string,
//! so no value can end its literal and change the query.

use std::fmt;
use std::str::FromStr;

use super::parse::{self, ParseError};

/// A `conditions` expression.
///
/// `And`/`Or` keep their terms in order. The parser flattens an unbracketed
/// chain (`a and b and c` is one `And` of three), but keeps a bracketed group
/// as its own node, so that printing and parsing again gives the same tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Every term holds. An empty `And` holds for every record, but has no
    /// text form (it prints as `()`, which ConnectWise rejects); use
    /// [`Expr::all`] to get `None` for "no filter".
    And(Vec<Expr>),
    /// At least one term holds. An empty `Or` holds for no record.
    Or(Vec<Expr>),
    /// `field op value`.
    Compare {
        /// The field compared.
        field: FieldPath,
        /// The operator.
        op: CompareOp,
        /// The value compared with.
        value: Literal,
    },
    /// `field in (v1, v2, …)` or, when `negated`, `field not in (…)`.
    In {
        /// The field tested.
        field: FieldPath,
        /// `not in` rather than `in`.
        negated: bool,
        /// The values; the parser never yields an empty list.
        values: Vec<Literal>,
    },
}

/// A field path such as `company/identifier`: object properties separated by
/// `/`.
///
/// [`FieldPath::parse`] (or `str::parse`) checks each segment is made of ASCII
/// letters, digits and `_` and that the first does not start with a digit;
/// build paths from untrusted text only that way, since the segments are
/// printed as they are.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FieldPath(pub Vec<String>);

impl FieldPath {
    /// Parses `status/name` into its segments, rejecting anything that is not
    /// a field path (spaces, quotes, operators, empty segments…).
    pub fn parse(text: &str) -> Result<FieldPath, ParseError> {
        parse::parse_field_path(text)
    }

    /// The segments, e.g. `["status", "name"]`.
    pub fn segments(&self) -> &[String] {
        &self.0
    }

    /// Whether every segment is one the parser accepts, i.e. whether the
    /// printed path reads back as this same path.
    pub fn is_valid(&self) -> bool {
        !self.0.is_empty()
            && self.0.iter().enumerate().all(|(i, s)| {
                !s.is_empty()
                    && s.bytes().all(parse::is_ident_byte)
                    && (i > 0 || !s.as_bytes()[0].is_ascii_digit())
            })
    }
}

impl FromStr for FieldPath {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        FieldPath::parse(s)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            f.write_str(segment)?;
        }
        Ok(())
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `contains`: case-insensitive substring.
    Contains,
    /// `like`: `%` matches any run of characters, `_` exactly one.
    Like,
    /// `not like`
    NotLike,
}

impl CompareOp {
    /// The operator as written in a query.
    pub fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "=",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Contains => "contains",
            CompareOp::Like => "like",
            CompareOp::NotLike => "not like",
        }
    }

    /// `contains`, `like` and `not like`: the operators that only make sense
    /// on text.
    pub fn is_textual(self) -> bool {
        matches!(self, CompareOp::Contains | CompareOp::Like | CompareOp::NotLike)
    }
}

impl fmt::Display for CompareOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A value in a condition.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Literal {
    /// `"text"`; holds the unescaped text.
    String(String),
    /// A bare number, as canonical decimal text (`-12.5`, `7`): no leading
    /// zeros, no trailing fractional zeros, no `-0`. Text, so that large or
    /// precise values survive unchanged.
    Number(String),
    /// `[2024-01-01T00:00:00Z]`; holds the text inside the brackets, which
    /// is an ISO 8601 date or date-time.
    Date(String),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
}

/// A value that cannot be made into a [`Literal`] of the kind asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiteralError {
    /// What was expected, e.g. `an ISO 8601 date or date-time`.
    pub expected: &'static str,
    /// The text given.
    pub found: String,
}

impl fmt::Display for LiteralError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}, found {:?}", self.expected, self.found)
    }
}

impl std::error::Error for LiteralError {}

impl Literal {
    /// A string value; any characters at all are safe, the printer escapes.
    pub fn string(text: impl Into<String>) -> Literal {
        Literal::String(text.into())
    }

    /// An integer value.
    pub fn int(n: i64) -> Literal {
        Literal::Number(n.to_string())
    }

    /// A number from decimal text such as `-12.50` (kept exactly, as
    /// `-12.5`). No exponents, no `+`, no bare `.5`.
    pub fn number(text: &str) -> Result<Literal, LiteralError> {
        canonical_number(text).map(Literal::Number).ok_or(LiteralError {
            expected: "a decimal number such as 42 or -12.5",
            found: text.to_string(),
        })
    }

    /// A number from an `f64`; `None` for NaN and infinities.
    pub fn float(n: f64) -> Option<Literal> {
        if !n.is_finite() {
            return None;
        }
        // `Display` for f64 never uses an exponent, so this is decimal text.
        canonical_number(&n.to_string()).map(Literal::Number)
    }

    /// A date or date-time: `2024-01-01`, `2024-01-01T00:00:00Z`,
    /// `2024-01-01T08:00:00+02:00` (seconds and offset optional, fractional
    /// seconds allowed). Checked, so a bad date fails here rather than at
    /// ConnectWise.
    pub fn date(text: &str) -> Result<Literal, LiteralError> {
        let text = text.trim();
        if super::eval::parse_instant(text).is_some() {
            Ok(Literal::Date(text.to_string()))
        } else {
            Err(LiteralError {
                expected: "an ISO 8601 date or date-time such as 2024-01-01 or 2024-01-01T00:00:00Z",
                found: text.to_string(),
            })
        }
    }

    /// A short name of the kind of value, for messages: `a string`,
    /// `a number`, `a date`, `a boolean`, `null`.
    pub fn kind(&self) -> &'static str {
        match self {
            Literal::String(_) => "a string",
            Literal::Number(_) => "a number",
            Literal::Date(_) => "a date",
            Literal::Bool(_) => "a boolean",
            Literal::Null => "null",
        }
    }
}

impl From<&str> for Literal {
    fn from(s: &str) -> Literal {
        Literal::String(s.to_string())
    }
}
impl From<String> for Literal {
    fn from(s: String) -> Literal {
        Literal::String(s)
    }
}
impl From<&String> for Literal {
    fn from(s: &String) -> Literal {
        Literal::String(s.clone())
    }
}
impl From<i64> for Literal {
    fn from(n: i64) -> Literal {
        Literal::int(n)
    }
}
impl From<i32> for Literal {
    fn from(n: i32) -> Literal {
        Literal::int(n.into())
    }
}
impl From<u32> for Literal {
    fn from(n: u32) -> Literal {
        Literal::int(n.into())
    }
}
impl From<bool> for Literal {
    fn from(b: bool) -> Literal {
        Literal::Bool(b)
    }
}

/// Canonical decimal text for `-?digits(.digits)?`, or `None` if `text` is
/// not of that form.
pub(crate) fn canonical_number(text: &str) -> Option<String> {
    let (negative, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || !digits(frac) || (body.contains('.') && frac.is_empty()) {
        return None;
    }
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let mut out = String::with_capacity(text.len());
    if negative && !(int.is_empty() && frac.is_empty()) {
        out.push('-');
    }
    out.push_str(if int.is_empty() { "0" } else { int });
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

// Builders. Each takes a checked [`FieldPath`] and anything that converts
// into a [`Literal`], so tool code reads like the query it makes.
impl Expr {
    /// `field op value`.
    pub fn compare(field: FieldPath, op: CompareOp, value: impl Into<Literal>) -> Expr {
        Expr::Compare {
            field,
            op,
            value: value.into(),
        }
    }
    /// `field = value`.
    pub fn eq(field: FieldPath, value: impl Into<Literal>) -> Expr {
        Expr::compare(field, CompareOp::Eq, value)
    }
    /// `field != value`.
    pub fn ne(field: FieldPath, value: impl Into<Literal>) -> Expr {
        Expr::compare(field, CompareOp::Ne, value)
    }
    /// `field < value`.
    pub fn lt(field: FieldPath, value: impl Into<Literal>) -> Expr {
        Expr::compare(field, CompareOp::Lt, value)
    }
    /// `field <= value`.
    pub fn le(field: FieldPath, value: impl Into<Literal>) -> Expr {
        Expr::compare(field, CompareOp::Le, value)
    }
    /// `field > value`.
    pub fn gt(field: FieldPath, value: impl Into<Literal>) -> Expr {
        Expr::compare(field, CompareOp::Gt, value)
    }
    /// `field >= value`.
    pub fn ge(field: FieldPath, value: impl Into<Literal>) -> Expr {
        Expr::compare(field, CompareOp::Ge, value)
    }
    /// `field contains "text"`.
    pub fn contains(field: FieldPath, text: impl Into<String>) -> Expr {
        Expr::compare(field, CompareOp::Contains, Literal::String(text.into()))
    }
    /// `field like "pattern"` (`%` any run, `_` one character).
    pub fn like(field: FieldPath, pattern: impl Into<String>) -> Expr {
        Expr::compare(field, CompareOp::Like, Literal::String(pattern.into()))
    }
    /// `field not like "pattern"`.
    pub fn not_like(field: FieldPath, pattern: impl Into<String>) -> Expr {
        Expr::compare(field, CompareOp::NotLike, Literal::String(pattern.into()))
    }
    /// `field = null`.
    pub fn is_null(field: FieldPath) -> Expr {
        Expr::compare(field, CompareOp::Eq, Literal::Null)
    }
    /// `field != null`.
    pub fn is_not_null(field: FieldPath) -> Expr {
        Expr::compare(field, CompareOp::Ne, Literal::Null)
    }
    /// `field in (v1, v2, …)`. With exactly one value this is `field = v`;
    /// with none, an empty `Or` (matches nothing; see [`Expr::Or`]).
    pub fn is_in<L: Into<Literal>>(field: FieldPath, values: impl IntoIterator<Item = L>) -> Expr {
        Expr::in_list(field, false, values)
    }
    /// `field not in (v1, v2, …)`. With one value this is `field != v`;
    /// with none, an empty `And` (matches everything).
    pub fn not_in<L: Into<Literal>>(field: FieldPath, values: impl IntoIterator<Item = L>) -> Expr {
        Expr::in_list(field, true, values)
    }

    fn in_list<L: Into<Literal>>(
        field: FieldPath,
        negated: bool,
        values: impl IntoIterator<Item = L>,
    ) -> Expr {
        let mut values: Vec<Literal> = values.into_iter().map(Into::into).collect();
        match values.len() {
            // `in ()` is not valid syntax; keep the meaning instead.
            0 if negated => Expr::And(Vec::new()),
            0 => Expr::Or(Vec::new()),
            1 => {
                let op = if negated { CompareOp::Ne } else { CompareOp::Eq };
                Expr::compare(field, op, values.pop().unwrap_or(Literal::Null))
            }
            _ => Expr::In {
                field,
                negated,
                values,
            },
        }
    }

    /// All of `terms`: nested `And`s are flattened and a single term is
    /// returned as it is. An empty list gives an empty `And` (prefer
    /// [`Expr::all`] when the list may be empty).
    pub fn and(terms: Vec<Expr>) -> Expr {
        Expr::group(terms, true)
    }

    /// Any of `terms`: nested `Or`s are flattened and a single term is
    /// returned as it is.
    pub fn or(terms: Vec<Expr>) -> Expr {
        Expr::group(terms, false)
    }

    /// All of `terms`, or `None` when there are none, i.e. "no filter":
    /// the shape tool code wants when every argument is optional.
    pub fn all(terms: impl IntoIterator<Item = Expr>) -> Option<Expr> {
        let terms: Vec<Expr> = terms.into_iter().collect();
        (!terms.is_empty()).then(|| Expr::and(terms))
    }

    /// Any of `terms`, or `None` when there are none.
    pub fn any(terms: impl IntoIterator<Item = Expr>) -> Option<Expr> {
        let terms: Vec<Expr> = terms.into_iter().collect();
        (!terms.is_empty()).then(|| Expr::or(terms))
    }

    fn group(terms: Vec<Expr>, is_and: bool) -> Expr {
        let mut flat = Vec::with_capacity(terms.len());
        for term in terms {
            match term {
                Expr::And(inner) if is_and => flat.extend(inner),
                Expr::Or(inner) if !is_and => flat.extend(inner),
                other => flat.push(other),
            }
        }
        if flat.len() == 1 {
            return flat.pop().unwrap_or(Expr::And(Vec::new()));
        }
        if is_and { Expr::And(flat) } else { Expr::Or(flat) }
    }

    /// Every field path in the expression, in order of appearance.
    pub fn fields(&self) -> Vec<&FieldPath> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a FieldPath>) {
        match self {
            Expr::And(terms) | Expr::Or(terms) => terms.iter().for_each(|t| t.collect_fields(out)),
            Expr::Compare { field, .. } | Expr::In { field, .. } => out.push(field),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(path: &str) -> FieldPath {
        FieldPath::parse(path).unwrap()
    }

    #[test]
    fn builds_the_typical_ticket_filter_from_typed_arguments() {
        let expr = Expr::and(vec![
            Expr::eq(f("company/identifier"), "ACME"),
            Expr::is_in(f("status/name"), ["New", "Open"]),
            Expr::ge(f("dateEntered"), Literal::date("2024-01-01T00:00:00Z").unwrap()),
        ]);
        assert_eq!(
            expr.to_string(),
            r#"company/identifier = "ACME" and status/name in ("New", "Open") and dateEntered >= [2024-01-01T00:00:00Z]"#
        );
    }

    #[test]
    fn field_paths_split_on_slash_and_reject_anything_else() {
        assert_eq!(f("status/name").0, vec!["status", "name"]);
        assert_eq!(f("_info/lastUpdated").to_string(), "_info/lastUpdated");
        for bad in ["", "a//b", "a/", "/a", "a b", "a=1", "name\"", "1abc", "é"] {
            assert!(FieldPath::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(!FieldPath(vec!["a b".into()]).is_valid());
    }

    #[test]
    fn numbers_keep_their_exact_decimal_text_in_canonical_form() {
        assert_eq!(Literal::number("007.50").unwrap(), Literal::Number("7.5".into()));
        assert_eq!(Literal::number("-0.0").unwrap(), Literal::Number("0".into()));
        assert_eq!(
            Literal::number("123456789012345678901234567890").unwrap(),
            Literal::Number("123456789012345678901234567890".into())
        );
        assert_eq!(Literal::float(2.5), Some(Literal::Number("2.5".into())));
        assert_eq!(Literal::float(f64::NAN), None);
        for bad in ["", "-", "1.", ".5", "1e3", "+1", "1,5", "0x10"] {
            assert!(Literal::number(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn dates_are_checked_when_built() {
        assert!(Literal::date("2024-02-29").is_ok());
        assert!(Literal::date("2024-03-01T14:30:00Z").is_ok());
        assert!(Literal::date("2024-03-01T14:30+02:00").is_ok());
        assert!(Literal::date("2023-02-29").is_err());
        assert!(Literal::date("2024-13-01").is_err());
        assert!(Literal::date("yesterday").is_err());
        assert!(Literal::date("2024-01-01] or id > [2024-01-01").is_err());
    }

    #[test]
    fn in_with_one_or_no_values_keeps_its_meaning() {
        assert_eq!(Expr::is_in(f("id"), [5]), Expr::eq(f("id"), 5));
        assert_eq!(Expr::not_in(f("id"), [5]), Expr::ne(f("id"), 5));
        assert_eq!(Expr::is_in(f("id"), Vec::<i64>::new()), Expr::Or(vec![]));
    }

    #[test]
    fn and_or_flatten_and_all_says_none_for_no_terms() {
        let a = Expr::eq(f("a"), 1);
        let b = Expr::eq(f("b"), 2);
        let c = Expr::eq(f("c"), 3);
        let nested = Expr::and(vec![Expr::and(vec![a.clone(), b.clone()]), c.clone()]);
        assert_eq!(nested, Expr::And(vec![a.clone(), b, c]));
        assert_eq!(Expr::and(vec![a.clone()]), a);
        assert_eq!(Expr::all(Vec::new()), None);
        assert_eq!(Expr::all([a.clone()]), Some(a));
    }
}
