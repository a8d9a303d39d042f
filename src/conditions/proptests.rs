//! Property tests: printing and parsing agree, no value escapes its
//! literal, and the parser never panics.

use proptest::prelude::*;

use super::{CompareOp, Expr, FieldPath, Literal, parse};

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
    fn no_string_value_can_end_its_literal(
        s in prop_oneof![
            any::<String>(),
            Just(r#"") or 1=1 or ("x"="#.to_string()),
            Just("\\\" or id > 0 or name = \"".to_string()),
            "[\"\\\\\n\r\t ()=a-z]{0,20}",
        ],
    ) {
        let field = FieldPath::parse("summary").unwrap();
        let text = Expr::eq(field.clone(), Literal::String(s.clone())).to_string();
        let parsed = parse(&text);
        prop_assert_eq!(
            parsed,
            Ok(Expr::Compare { field, op: CompareOp::Eq, value: Literal::String(s) }),
            "text: {}", text
        );
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
