//! Property tests: printing and parsing agree, whatever the spelling
//! (double or single quotes, keywords in any case); no value escapes its
//! literal in either quote style; type errors do not depend on the quotes;
//! and the parser never panics.

use proptest::prelude::*;

use super::{CompareOp, Expr, FieldPath, Literal, ValidationError, parse, validate};

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z_][a-zA-Z0-9_]{0,8}",
        // Keywords are valid field names where a field is expected.
        Just("and".to_string()),
        Just("NOT".to_string()),
        Just("null".to_string()),
    ]
}

fn field() -> impl Strategy<Value = FieldPath> {
    (segment(), prop::collection::vec("[a-zA-Z0-9_]{1,6}", 0..3)).prop_map(|(first, rest)| {
        let mut segments = vec![first];
        segments.extend(rest);
        FieldPath(segments)
    })
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        any::<String>().prop_map(Literal::String),
        any::<i64>().prop_map(Literal::int),
        ("-?[0-9]{1,20}(\\.[0-9]{1,10})?").prop_map(|n| Literal::number(&n).unwrap()),
        (
            1900i32..2100,
            1u32..13,
            1u32..29,
            0u32..24,
            0u32..60,
            prop::bool::ANY
        )
            .prop_map(|(y, mo, d, h, mi, date_only)| {
                let text = if date_only {
                    format!("{y:04}-{mo:02}-{d:02}")
                } else {
                    format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:00Z")
                };
                Literal::date(&text).unwrap()
            }),
        any::<bool>().prop_map(Literal::Bool),
        Just(Literal::Null),
    ]
}

fn op() -> impl Strategy<Value = CompareOp> {
    prop_oneof![
        Just(CompareOp::Eq),
        Just(CompareOp::Ne),
        Just(CompareOp::Lt),
        Just(CompareOp::Le),
        Just(CompareOp::Gt),
        Just(CompareOp::Ge),
        Just(CompareOp::Contains),
        Just(CompareOp::Like),
        Just(CompareOp::NotLike),
    ]
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        (field(), op(), literal()).prop_map(|(field, op, value)| Expr::Compare { field, op, value }),
        (field(), any::<bool>(), prop::collection::vec(literal(), 1..4)).prop_map(
            |(field, negated, values)| Expr::In {
                field,
                negated,
                values
            }
        ),
    ]
}

/// Any tree whose groups have at least two terms (a one-term group has no
/// text form of its own).
fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(Expr::And),
            prop::collection::vec(inner, 2..4).prop_map(Expr::Or),
        ]
    })
}

/// Spells an expression the ways ConnectWise takes it: each string in
/// double or single quotes, each keyword in lower, upper or mixed case, as
/// drawn from `seed`. Written independently of the printer, so the two check
/// each other. Every nested group is bracketed (the parser keeps a bracketed
/// group as its own node, so the tree is the same).
struct Spelling {
    seed: u64,
}

impl Spelling {
    /// The next pseudo-random draw (xorshift64; a zero seed is moved off zero).
    fn draw(&mut self) -> u64 {
        let mut x = self.seed | 1;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.seed = x;
        x
    }

    fn coin(&mut self) -> bool {
        self.draw() & 1 == 1
    }

    fn keyword(&mut self, word: &str) -> String {
        match self.draw() % 3 {
            0 => word.to_ascii_lowercase(),
            1 => word.to_ascii_uppercase(),
            _ => word
                .chars()
                .map(|c| if self.coin() { c.to_ascii_uppercase() } else { c })
                .collect(),
        }
    }

    fn string(&mut self, text: &str) -> String {
        let quote = if self.coin() { '\'' } else { '"' };
        quoted(text, quote)
    }

    fn literal(&mut self, value: &Literal) -> String {
        match value {
            Literal::String(s) => self.string(s),
            Literal::Bool(b) => self.keyword(if *b { "true" } else { "false" }),
            Literal::Null => self.keyword("null"),
            Literal::Number(_) | Literal::Date(_) => value.to_string(),
        }
    }

    fn expr(&mut self, e: &Expr) -> String {
        match e {
            Expr::And(terms) => self.group(terms, "and"),
            Expr::Or(terms) => self.group(terms, "or"),
            Expr::Compare { field, op, value } => {
                let op = match op.as_str() {
                    "not like" => format!("{} {}", self.keyword("not"), self.keyword("like")),
                    word => self.keyword(word),
                };
                format!("{field} {op} {}", self.literal(value))
            }
            Expr::In {
                field,
                negated,
                values,
            } => {
                let not = if *negated {
                    format!("{} ", self.keyword("not"))
                } else {
                    String::new()
                };
                let values: Vec<String> = values.iter().map(|v| self.literal(v)).collect();
                format!("{field} {not}{} ({})", self.keyword("in"), values.join(", "))
            }
        }
    }

    fn group(&mut self, terms: &[Expr], word: &str) -> String {
        let mut out = String::new();
        for (i, term) in terms.iter().enumerate() {
            if i > 0 {
                out.push_str(&format!(" {} ", self.keyword(word)));
            }
            match term {
                Expr::And(_) | Expr::Or(_) => out.push_str(&format!("({})", self.expr(term))),
                _ => out.push_str(&self.expr(term)),
            }
        }
        out
    }
}

/// `text` in `quote`, with that quote and the backslash escaped (the only
/// escapes the parser takes).
fn quoted(text: &str, quote: char) -> String {
    let mut out = String::from(quote);
    for c in text.chars() {
        if c == quote || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push(quote);
    out
}

/// Strings that try hardest to end their literal in either quote style.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        Just(r#"") or 1=1 or ("x"="#.to_string()),
        Just(r#"') or 1=1 or ('x'="#.to_string()),
        Just("\\\" or id > 0 or name = \"".to_string()),
        Just("\\' or id > 0 or name = '".to_string()),
        Just("O'Brien said \"hi\" ''".to_string()),
        "[\"'\\\\\n\r\t ()=a-z]{0,20}",
    ]
}

/// Text assembled from grammar tokens, mostly invalid, to reach deep into
/// the parser.
fn token_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("("),
        Just(")"),
        Just(","),
        Just("="),
        Just("!="),
        Just("<"),
        Just("<="),
        Just(">"),
        Just(">="),
        Just("and"),
        Just("OR"),
        Just("not"),
        Just("in"),
        Just("like"),
        Just("contains"),
        Just("true"),
        Just("null"),
        Just("\"a\\\"b\""),
        Just("\""),
        Just("'a\\'b'"),
        Just("'"),
        Just("''"),
        Just("AND"),
        Just("Null"),
        Just("\u{2018}"),
        Just("\\"),
        Just("[2024-01-01]"),
        Just("["),
        Just("]"),
        Just("-"),
        Just("-1.5"),
        Just("."),
        Just("status/name"),
        Just("/"),
        Just("é"),
        Just(" "),
    ];
    prop::collection::vec(token, 0..40).prop_map(|tokens| tokens.join(" "))
}

proptest! {
    #[test]
    fn printing_then_parsing_gives_the_same_tree(e in expr()) {
        let text = e.to_string();
        prop_assert_eq!(parse(&text), Ok(e), "text: {}", text);
    }

    #[test]
    fn any_spelling_parses_to_the_same_tree_and_prints_canonically(e in expr(), seed in any::<u64>()) {
        let text = Spelling { seed }.expr(&e);
        prop_assert_eq!(parse(&text), Ok(e.clone()), "text: {}", text);
        prop_assert_eq!(parse(&text).map(|p| p.to_string()), Ok(e.to_string()), "text: {}", text);
    }

    #[test]
    fn no_string_value_can_end_its_literal(s in hostile_string(), single in any::<bool>()) {
        let summary = FieldPath::parse("summary").unwrap();
        let expected = Expr::And(vec![
            Expr::eq(summary.clone(), Literal::String(s.clone())),
            Expr::eq(FieldPath::parse("id").unwrap(), 1),
        ]);
        // As printed (always double quotes), and as a user may write it.
        let printed = expected.to_string();
        prop_assert_eq!(parse(&printed), Ok(expected.clone()), "text: {}", printed);
        let written = format!("summary = {} AND id = 1", quoted(&s, if single { '\'' } else { '"' }));
        prop_assert_eq!(parse(&written), Ok(expected), "text: {}", written);
    }

    #[test]
    fn type_errors_do_not_depend_on_the_quotes(
        s in hostile_string(),
        field in prop::sample::select(vec!["id", "closedFlag", "budgetHours", "requiredDate"]),
    ) {
        let check = |quote| {
            let text = format!("{field} = {}", quoted(&s, quote));
            validate(&parse(&text).unwrap(), &crate::spec::Embedded, "Ticket")
        };
        let single = check('\'');
        prop_assert_eq!(&single, &check('"'));
        match single {
            Err(ValidationError::TypeMismatch { field: f, found, .. }) => {
                prop_assert_eq!(f, field);
                prop_assert_eq!(found, Literal::String(s).to_string());
            }
            other => prop_assert!(false, "{} = {:?}: {:?}", field, s, other),
        }
    }

    #[test]
    fn parse_never_panics_on_arbitrary_text(s in any::<String>()) {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_token_soup(s in token_soup()) {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_mangled_valid_text(e in expr(), cut in any::<prop::sample::Index>(), junk in ".{0,3}") {
        let text = e.to_string();
        let mut at = cut.index(text.len() + 1);
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        let _ = parse(&text[..at]);
        let _ = parse(&format!("{}{}{}", &text[..at], junk, &text[at..]));
    }

    #[test]
    fn evaluation_never_panics(e in expr(), v in any::<i64>(), s in any::<String>()) {
        let record = serde_json::json!({"a": v, "b": s, "c": [{"d": s}, null, 1.5]});
        let _ = e.matches(&record);
    }
}
