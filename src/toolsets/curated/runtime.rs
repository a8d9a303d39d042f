//! What the generated curated tools share beyond the kernel: typed filters
//! compiled to `conditions` (values always escaped by the printer, never
//! pasted), and "me". Generated code calls everything through `rt::`, so the
//! kernel's argument, list and body helpers are re-exported here.

use crate::conditions::{CompareOp, Expr, FieldPath, Literal};
pub use crate::tool::args::*;
pub use crate::tool::body::*;
pub use crate::tool::list::*;
use crate::tool::{Context, ToolError, invalid};

/// The member "my tickets / my time" refer to.
pub fn member(ctx: &Context) -> Result<&str, ToolError> {
    ctx.member_identifier.as_deref().ok_or_else(|| {
        invalid("this tool needs to know who \"me\" is: set CW_MEMBER_IDENTIFIER (e.g. JSmith) in the server's configuration, or use the search tool with an owner/member filter")
    })
}

fn field(path: &str) -> FieldPath {
    FieldPath::parse(path).expect("allow-list field paths are checked by cargo xtask regen")
}

/// Adds `path op value` to the filter when the argument was given.
pub fn term(terms: &mut Vec<Expr>, path: &str, op: CompareOp, value: Option<impl Into<Literal>>) {
    if let Some(value) = value {
        terms.push(Expr::compare(field(path), op, value));
    }
}

/// "Mine": `owner = me`, or also `me` in a text list of identifiers
/// (`resources = "JSmith, TWilson"`), as ConnectWise's own "my tickets"
/// counts tickets a member is assigned to as a resource.
pub fn member_term(terms: &mut Vec<Expr>, path: &str, also_in: Option<&str>, me: &str) {
    let own = Expr::eq(field(path), me);
    terms.push(match also_in {
        Some(list) => Expr::or(vec![own, Expr::contains(field(list), me)]),
        None => own,
    });
}

/// Adds `path in (…)` when the argument was given and is not empty.
pub fn term_in<L: Into<Literal>>(terms: &mut Vec<Expr>, path: &str, values: Option<Vec<L>>) {
    if let Some(values) = values.filter(|v| !v.is_empty()) {
        terms.push(Expr::is_in(field(path), values));
    }
}

/// Adds a date comparison when the argument was given.
pub fn term_date(
    terms: &mut Vec<Expr>,
    arg: &str,
    path: &str,
    op: CompareOp,
    value: Option<&str>,
) -> Result<(), ToolError> {
    if let Some(value) = value {
        let stamp = utc_timestamp(arg, value)?;
        let literal = Literal::date(&stamp).map_err(|e| invalid(format!("{arg}: {e}")))?;
        terms.push(Expr::compare(field(path), op, literal));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_filters_cannot_be_escaped_from() {
        let mut terms = Vec::new();
        term(
            &mut terms,
            "company/identifier",
            CompareOp::Eq,
            Some(r#"ACME" or id > 0 or name="x"#),
        );
        let q = ListQuery::new("Ticket", "id", 25, terms, ListArgs::default()).unwrap();
        assert_eq!(
            q.conditions(),
            Some(r#"company/identifier = "ACME\" or id > 0 or name=\"x""#)
        );
    }
}
