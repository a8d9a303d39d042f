//! Printing an [`Expr`] as canonical ConnectWise `conditions` text.
//!
//! Canonical: one space around operators and keywords, lower-case keywords,
//! numbers in canonical decimal form, and only the brackets the meaning needs
//! (an `Or` inside an `And`, and a group inside a group of the same kind,
//! which the parser would otherwise flatten). `parse(&e.to_string()) == e`
//! for every tree whose groups have at least two terms and whose field paths
//! are valid.
//!
//! Every string is escaped (`"` → `\"`, `\` → `\\`), so a value can never
//! end its literal and change the query.
//!
//! One form whatever the input's spelling: the parser also reads single
//! quotes and keywords in any case (as ConnectWise does), but what we send is
//! always double-quoted with lower-case keywords. Double quotes, escaped this
//! way, are what existing integrations send (they escape only `"` and `\`),
//! so a `'` inside them stays as it is.

use std::fmt::{self, Write};

use super::ast::{Expr, Literal};

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::String(s) => write_string(f, s),
            Literal::Number(n) => f.write_str(n),
            Literal::Date(d) => write!(f, "[{d}]"),
            Literal::Bool(true) => f.write_str("true"),
            Literal::Bool(false) => f.write_str("false"),
            Literal::Null => f.write_str("null"),
        }
    }
}

fn write_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_char('"')?;
    // Write unescaped runs in one go; only `"` and `\` need a backslash.
    let mut run_start = 0;
    for (i, c) in s.char_indices() {
        if c == '"' || c == '\\' {
            f.write_str(&s[run_start..i])?;
            f.write_char('\\')?;
            f.write_char(c)?;
            run_start = i + 1;
        }
    }
    f.write_str(&s[run_start..])?;
    f.write_char('"')
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::And(terms) => write_group(f, terms, " and ", true),
            Expr::Or(terms) => write_group(f, terms, " or ", false),
            Expr::Compare { field, op, value } => write!(f, "{field} {op} {value}"),
            Expr::In {
                field,
                negated,
                values,
            } => {
                write!(f, "{field} {}in (", if *negated { "not " } else { "" })?;
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{value}")?;
                }
                f.write_char(')')
            }
        }
    }
}

fn write_group(f: &mut fmt::Formatter<'_>, terms: &[Expr], sep: &str, is_and: bool) -> fmt::Result {
    if terms.is_empty() {
        // No text means "true" (or "false"); `()` fails loudly at the server
        // instead of silently changing what a surrounding group means.
        return f.write_str("()");
    }
    for (i, term) in terms.iter().enumerate() {
        if i > 0 {
            f.write_str(sep)?;
        }
        let bracket = match term {
            // `and` binds tighter, so an `And` needs brackets only inside
            // another `And` (to stay a separate node); an `Or` always does.
            Expr::And(_) => is_and,
            Expr::Or(_) => true,
            _ => false,
        };
        if bracket {
            write!(f, "({term})")?;
        } else {
            write!(f, "{term}")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::ast::{FieldPath, Literal};
    use super::super::parse::parse;
    use super::*;

    fn f(path: &str) -> FieldPath {
        FieldPath::parse(path).unwrap()
    }

    #[test]
    fn strings_are_escaped_so_a_value_cannot_end_its_literal() {
        let expr = Expr::eq(f("summary"), r#"x" or id > 0 or name = "\"#);
        assert_eq!(expr.to_string(), r#"summary = "x\" or id > 0 or name = \"\\""#);
        assert_eq!(parse(&expr.to_string()).unwrap(), expr);
    }

    #[test]
    fn one_canonical_form_whatever_the_quotes_and_case_of_the_input() {
        let expr = parse(r#"name = 'O\'Brien' AND title = "say 'hi'" OR flag = FALSE"#).unwrap();
        assert_eq!(
            expr.to_string(),
            r#"name = "O'Brien" and title = "say 'hi'" or flag = false"#
        );
        assert_eq!(parse(&expr.to_string()).unwrap(), expr);
    }

    #[test]
    fn brackets_only_where_the_meaning_needs_them() {
        let a = Expr::eq(f("a"), 1);
        let b = Expr::eq(f("b"), 2);
        let c = Expr::eq(f("c"), 3);
        let or_in_and = Expr::And(vec![Expr::Or(vec![a.clone(), b.clone()]), c.clone()]);
        assert_eq!(or_in_and.to_string(), "(a = 1 or b = 2) and c = 3");
        let and_in_or = Expr::Or(vec![Expr::And(vec![a.clone(), b.clone()]), c.clone()]);
        assert_eq!(and_in_or.to_string(), "a = 1 and b = 2 or c = 3");
        let and_in_and = Expr::And(vec![Expr::And(vec![a.clone(), b.clone()]), c.clone()]);
        assert_eq!(and_in_and.to_string(), "(a = 1 and b = 2) and c = 3");
        for e in [or_in_and, and_in_or, and_in_and] {
            assert_eq!(parse(&e.to_string()).unwrap(), e);
        }
    }

    #[test]
    fn every_literal_kind_prints_in_connectwise_syntax() {
        let values = [
            Literal::string("a"),
            Literal::int(-3),
            Literal::date("2024-01-01").unwrap(),
            Literal::Bool(true),
            Literal::Null,
        ];
        let expr = Expr::not_in(f("x"), values);
        assert_eq!(
            expr.to_string(),
            r#"x not in ("a", -3, [2024-01-01], true, null)"#
        );
        assert_eq!(
            Expr::not_like(f("name"), "%a_").to_string(),
            r#"name not like "%a_""#
        );
    }
}
