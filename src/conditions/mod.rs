//! ConnectWise `conditions`: build, parse, print, evaluate and validate.
//!
//! ConnectWise filters every list endpoint with a small expression language
//! (`status/name = "New" and dateEntered > [2024-01-01T00:00:00Z]`). This
//! module is that language as a library:
//!
//! - [`Expr`] and its builders make a filter from typed arguments; printing
//!   it (`Display`) gives canonical text with every string escaped, so no
//!   value from a user or a model can change the query.
//! - [`parse`] reads text as ConnectWise takes it (strings in double or
//!   single quotes, keywords in any case, as in its own
//!   `chargeToType='Ticket' AND chargeToId=493`) into an [`Expr`], with
//!   errors that say where and what was expected; input size and nesting are
//!   bounded. Printing gives the one canonical form, whatever the spelling.
//! - [`Expr::matches`] / [`Compiled::matches`] evaluate on JSON records with
//!   the semantics of ConnectWise's SQL Server backend (for the simulated
//!   server).
//! - [`validate`] checks field paths and value kinds against the OpenAPI
//!   schema and splits off the terms that belong in `childConditions`.
//!
//! ```
//! use connectwise_mcp::conditions::{parse, Expr, FieldPath, Literal};
//! use serde_json::json;
//!
//! let field = |p: &str| FieldPath::parse(p).unwrap();
//! let filter = Expr::and(vec![
//!     Expr::eq(field("company/identifier"), "ACME"),
//!     Expr::is_in(field("status/name"), ["New", "Open"]),
//!     Expr::ge(field("dateEntered"), Literal::date("2024-01-01T00:00:00Z").unwrap()),
//! ]);
//! let text = filter.to_string();
//! assert_eq!(
//!     text,
//!     r#"company/identifier = "ACME" and status/name in ("New", "Open") and dateEntered >= [2024-01-01T00:00:00Z]"#
//! );
//! assert_eq!(parse(&text).unwrap(), filter);
//!
//! // Written the way ConnectWise writes it: the same filter, the same text sent.
//! let as_connectwise_writes_it = parse(
//!     "company/identifier='ACME' AND status/name IN ('New', 'Open') AND dateEntered >= [2024-01-01T00:00:00Z]",
//! )
//! .unwrap();
//! assert_eq!(as_connectwise_writes_it, filter);
//! assert_eq!(as_connectwise_writes_it.to_string(), text);
//! // A quote inside a string: the other quote needs no escape, the same one a backslash.
//! assert_eq!(parse(r#"name = 'O\'Brien'"#), parse(r#"name = "O'Brien""#));
//!
//! let ticket = json!({
//!     "company": {"identifier": "acme"},
//!     "status": {"name": "Open"},
//!     "dateEntered": "2024-03-01T14:30:00Z",
//! });
//! assert!(filter.matches(&ticket));
//! ```

mod ast;
mod eval;
mod parse;
mod print;
mod validate;

#[cfg(test)]
mod proptests;

pub use ast::{CompareOp, Expr, FieldPath, Literal, LiteralError};
pub use eval::Compiled;
pub use parse::{MAX_DEPTH, MAX_INPUT_LEN, ParseError, parse};
pub use validate::{Split, ValidationError, check_field, validate};

/// The language on one page, for people and models: the
/// `connectwise://docs/conditions` resource. Every example in it parses
/// (tested in `crate::mcp::resources`).
pub const CHEAT_SHEET: &str = include_str!("cheat_sheet.md");
