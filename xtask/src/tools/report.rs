//! Reports: `[[report]]` entries of the allow-list, each a short JavaScript
//! program the code-mode engine runs with typed arguments, generated into
//! `src/toolsets/code/reports/generated.rs`. Read, checked and emitted here
//! in one place, since a report has no operation to check against the spec:
//! a new report is one entry and nothing else.
//!
//! Checked: the name (snake_case, `cw_` prefix, unique among tools and
//! reports), the tier (reports read), the arguments (names, bounds only on
//! numbers), and the program: not empty, within the engine's size, and
//! every `args.name` it uses declared. Its syntax is checked by the
//! library's tests through the engine itself (this crate must not build
//! QuickJS).

use super::ToolError;
use super::allow_list::Tier;
use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The generated reports, relative to the repository root.
pub const GENERATED_FILE: &str = "src/toolsets/code/reports/generated.rs";

/// The longest program accepted, in bytes (`cw_run`'s limit).
const MAX_PROGRAM_BYTES: usize = 20_000;

/// One `[[report]]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSpec {
    pub name: String,
    pub toolset: String,
    pub title: String,
    pub description: String,
    /// Reports read; `read` is the only tier accepted (and the default).
    pub tier: Option<Tier>,
    #[serde(default, rename = "arg")]
    pub args: Vec<ReportArg>,
    /// JavaScript: the body of an async function; `args` holds the
    /// arguments; `return` the answer.
    pub program: String,
}

/// One `[[report.arg]]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportArg {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ReportArgType,
    pub description: String,
    #[serde(default)]
    pub required: bool,
    /// Inclusive bounds of a number or integer.
    pub min: Option<f64>,
    pub max: Option<f64>,
}

/// A report argument's `type`: what a program can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReportArgType {
    String,
    Integer,
    Number,
    Boolean,
    /// A calendar day, `YYYY-MM-DD`.
    Date,
    /// A moment, RFC 3339 (`2026-11-20T17:00:00Z`) or a day (midnight
    /// UTC), given to the program as whole-second UTC.
    Datetime,
}

/// Reads the `[[report]]` tables; errors name the report (and argument).
pub fn read(tables: Vec<toml::Table>) -> Result<Vec<ReportSpec>, Vec<ToolError>> {
    let mut reports = Vec::new();
    let mut errors = Vec::new();
    for (index, table) in tables.into_iter().enumerate() {
        let name = table
            .get("name")
            .and_then(toml::Value::as_str)
            .map_or_else(|| format!("report #{} (no name)", index + 1), str::to_owned);
        match toml::Value::Table(table).try_into::<ReportSpec>() {
            Ok(report) => reports.push(report),
            Err(e) => errors.push(ToolError::new(&name, e.message().trim().to_owned())),
        }
    }
    if errors.is_empty() {
        Ok(reports)
    } else {
        Err(errors)
    }
}

/// Checks every report (`tool_names`: the curated tools, which names must
/// not repeat); every problem at once.
pub fn check(reports: &[ReportSpec], tool_names: &[&str]) -> Result<(), Vec<ToolError>> {
    let mut errors = Vec::new();
    let mut seen: BTreeSet<&str> = tool_names.iter().copied().collect();
    for report in reports {
        let mut problems = Vec::new();
        if !seen.insert(&report.name) {
            problems.push("is listed twice (as a tool or a report)".to_owned());
        }
        if !is_snake_case(&report.name) || !report.name.starts_with("cw_") {
            problems.push("names must be snake_case with the cw_ prefix".into());
        }
        if report.tier.is_some_and(|t| t != Tier::Read) {
            problems.push("a report reads only: tier must be read".into());
        }
        for text in [&report.toolset, &report.title, &report.description] {
            if text.trim().is_empty() {
                problems.push("toolset, title and description must not be empty".into());
                break;
            }
        }
        problems.extend(arg_problems(&report.args));
        problems.extend(program_problems(report));
        errors.extend(problems.into_iter().map(|p| ToolError::new(&report.name, p)));
    }
    if errors.is_empty() { Ok(()) } else { Err(errors) }
}

fn arg_problems(args: &[ReportArg]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names = BTreeSet::new();
    for arg in args {
        let at = format!("argument {}", arg.name);
        if !names.insert(&arg.name) {
            problems.push(format!("{at}: is listed twice"));
        }
        if !is_snake_case(&arg.name) {
            problems.push(format!("{at}: names must be snake_case"));
        }
        if arg.description.trim().is_empty() {
            problems.push(format!("{at}: needs a description"));
        }
        let numeric = matches!(arg.kind, ReportArgType::Integer | ReportArgType::Number);
        if (arg.min.is_some() || arg.max.is_some()) && !numeric {
            problems.push(format!("{at}: min and max apply to numbers only"));
        }
        if let (Some(min), Some(max)) = (arg.min, arg.max)
            && min > max
        {
            problems.push(format!("{at}: min {min} is above max {max}"));
        }
    }
    problems
}

/// The program's own problems, and every `args.name` it reads that is not
/// an argument (a typo would otherwise be `undefined` at run time).
fn program_problems(report: &ReportSpec) -> Vec<String> {
    let program = &report.program;
    if program.trim().is_empty() {
        return vec!["program: empty; write the body of a function that returns the answer".into()];
    }
    let mut problems = Vec::new();
    if program.len() > MAX_PROGRAM_BYTES {
        problems.push(format!(
            "program: {} bytes; at most {MAX_PROGRAM_BYTES}",
            program.len()
        ));
    }
    let declared: BTreeSet<&str> = report.args.iter().map(|a| a.name.as_str()).collect();
    for used in args_read(program) {
        if !declared.contains(used.as_str()) {
            problems.push(format!(
                "program: reads args.{used}, which is not an argument (arguments: {})",
                declared.iter().copied().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    problems
}

/// The names after `args.` in `program` (not after `.args.` or a longer
/// word ending in `args`).
fn args_read(program: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes = program.as_bytes();
    for (i, _) in program.match_indices("args.") {
        let before = i.checked_sub(1).map(|j| bytes[j]);
        if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b'$') {
            continue;
        }
        let name: String = program[i + 5..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            out.insert(name);
        }
    }
    out
}

fn is_snake_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && *name == name.to_snake_case()
}

/// The first lines of the generated file.
const HEADER: &str = "// generated by `cargo xtask regen` from spec/tools.toml ([[report]]); do not edit.\n\
                      #![allow(clippy::all, clippy::pedantic, unused)]\n";

/// The generated file: per report an argument struct, its schema, its
/// handler (arguments checked, then the program run) and its `ToolDef`.
pub fn file(reports: &[ReportSpec]) -> Result<String, String> {
    let items = reports.iter().map(report_items);
    let defs = reports.iter().map(report_def);
    let programs = reports.iter().map(|r| {
        let (name, program) = (&r.name, program_ident(r));
        quote!((#name, #program))
    });
    let file = quote! {
        use super::runtime as rt;
        use super::{Context, Tier, ToolDef, ToolFuture};
        use serde::{Deserialize, Serialize};
        use serde_json::Value;

        #(#items)*

        /// Every report, in allow-list order.
        pub static TOOLS: &[ToolDef] = &[#(#defs),*];

        /// Each report's program, by tool name.
        pub static PROGRAMS: &[(&str, &str)] = &[#(#programs),*];
    };
    let syntax: syn::File = syn::parse2(file).map_err(|e| format!("generated reports do not parse: {e}"))?;
    Ok(format!("{HEADER}\n{}", prettyplease::unparse(&syntax)))
}

fn program_ident(report: &ReportSpec) -> proc_macro2::Ident {
    format_ident!("{}_PROGRAM", report.name.to_shouty_snake_case())
}

fn report_items(report: &ReportSpec) -> TokenStream {
    let args = format_ident!("{}Args", report.name.to_upper_camel_case());
    let schema_fn = format_ident!("{}_schema", report.name);
    let call_fn = format_ident!("{}", report.name);
    let program_const = program_ident(report);
    let program = &report.program;
    let doc = format!(" Arguments of the report `{}`.", report.name);
    let fields = report.args.iter().map(arg_field);
    let checks = report.args.iter().map(arg_check);
    quote! {
        #[doc = #doc]
        #[derive(Debug, Deserialize, Serialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct #args {
            #(#fields)*
        }

        const #program_const: &str = #program;

        fn #schema_fn(_: &ToolDef) -> Value {
            rt::schema::<#args>()
        }

        fn #call_fn<'a>(ctx: &'a Context, def: &'static ToolDef, args: Value) -> ToolFuture<'a> {
            Box::pin(async move {
                let mut args: #args = rt::parse_args(args)?;
                #(#checks)*
                rt::run(ctx, def, #program_const, rt::to_args(&args)?).await
            })
        }
    }
}

fn arg_field(arg: &ReportArg) -> TokenStream {
    let ident = format_ident!("{}", arg.name);
    let doc = format!(" {}", arg.description);
    let ty = match arg.kind {
        ReportArgType::String | ReportArgType::Date | ReportArgType::Datetime => quote!(String),
        ReportArgType::Integer => quote!(i64),
        ReportArgType::Number => quote!(f64),
        ReportArgType::Boolean => quote!(bool),
    };
    if arg.required {
        quote! { #[doc = #doc] pub #ident: #ty, }
    } else {
        quote! {
            #[doc = #doc]
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub #ident: Option<#ty>,
        }
    }
}

/// The check an argument needs beyond its type: a date's form, a number's bounds.
fn arg_check(arg: &ReportArg) -> TokenStream {
    let (name, ident) = (&arg.name, format_ident!("{}", arg.name));
    let value = |as_option: TokenStream| match arg.required {
        true => quote!(Some(args.#ident #as_option)),
        false => quote!(args.#ident #as_option),
    };
    match arg.kind {
        ReportArgType::Date | ReportArgType::Datetime => {
            let v = match arg.required {
                true => quote!(Some(args.#ident.as_str())),
                false => quote!(args.#ident.as_deref()),
            };
            match (arg.kind, arg.required) {
                (ReportArgType::Date, _) => quote! { rt::date(#name, #v)?; },
                // Normalised to whole-second UTC, as every tool takes a date-time.
                (_, true) => quote! { args.#ident = rt::utc_timestamp(#name, &args.#ident)?; },
                (_, false) => quote! {
                    if let Some(v) = args.#ident.as_mut() {
                        *v = rt::utc_timestamp(#name, v)?;
                    }
                },
            }
        }
        ReportArgType::Integer | ReportArgType::Number if arg.min.is_some() || arg.max.is_some() => {
            let v = match (arg.required, arg.kind) {
                (true, ReportArgType::Integer) => value(quote!(as f64)),
                (true, _) => value(quote!()),
                (false, ReportArgType::Integer) => quote!(args.#ident.map(|v| v as f64)),
                (false, _) => quote!(args.#ident),
            };
            let bound = |b: Option<f64>| match b {
                Some(b) => {
                    let b = Literal::f64_suffixed(b);
                    quote!(Some(#b))
                }
                None => quote!(None),
            };
            let (min, max) = (bound(arg.min), bound(arg.max));
            quote! { rt::range(#name, #v, #min, #max)?; }
        }
        _ => quote!(),
    }
}

fn report_def(report: &ReportSpec) -> TokenStream {
    let schema_fn = format_ident!("{}_schema", report.name);
    let call_fn = format_ident!("{}", report.name);
    let (name, title, toolset) = (&report.name, &report.title, &report.toolset);
    let description = report.description.trim();
    quote! {
        ToolDef {
            name: #name,
            title: #title,
            description: #description,
            toolset: #toolset,
            tier: Tier::Read,
            tier_per_call: false,
            per_caller: false,
            always_selected: false,
            idempotent: true,
            operation_id: "",
            input_schema: #schema_fn,
            call: #call_fn,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPORT: &str = r#"
        [[report]]
        name = "cw_report_x"
        toolset = "reports"
        title = "X"
        description = "X by company."
    "#;

    const ARGS: &str = r#"
        [[report.arg]]
        name = "as_of"
        type = "date"
        description = "Day."
        [[report.arg]]
        name = "days"
        type = "integer"
        description = "Days."
        min = 1
        max = 90
    "#;

    /// The report with `head` among its keys, then its arguments, then `tail`.
    fn reports(head: &str, tail: &str) -> Result<Vec<ReportSpec>, Vec<String>> {
        let text = format!("{REPORT}{head}{ARGS}{tail}");
        let file: toml::Table = toml::from_str(&text).unwrap();
        let tables = file["report"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_table().unwrap().clone())
            .collect();
        let reports = read(tables).map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        check(&reports, &["cw_search_tickets"])
            .map_err(|e| e.iter().map(ToString::to_string).collect::<Vec<_>>())?;
        Ok(reports)
    }

    #[test]
    fn a_report_is_its_arguments_and_its_program() {
        let got = reports("program = \"return args.as_of + args.days;\"\n", "").unwrap();
        assert_eq!(got[0].args.len(), 2);
        assert_eq!(got[0].args[0].kind, ReportArgType::Date);
        let code = file(&got).unwrap();
        assert!(code.contains("pub struct CwReportXArgs"), "{code}");
        assert!(
            code.contains("rt::date(\"as_of\", args.as_of.as_deref())?;"),
            "{code}"
        );
        assert!(code.contains("rt::range(\"days\""), "{code}");
        assert!(code.contains("const CW_REPORT_X_PROGRAM: &str = \"return args.as_of + args.days;\";"));
        assert!(code.contains("(\"cw_report_x\", CW_REPORT_X_PROGRAM)"), "{code}");
    }

    #[test]
    fn a_program_that_reads_an_undeclared_argument_or_is_empty_is_refused() {
        let err = reports("program = \"return args.as_off;\"\n", "").unwrap_err();
        assert_eq!(
            err,
            [
                "spec/tools.toml: tool cw_report_x: program: reads args.as_off, which is not an argument \
              (arguments: as_of, days)"
            ]
        );
        let err = reports("program = \"  \"\n", "").unwrap_err();
        assert!(err[0].ends_with("program: empty; write the body of a function that returns the answer"));
        // `x.args.y` and `myargs.y` are not the report's arguments.
        assert!(reports("program = \"return o.args.y + myargs.z + args.days;\"\n", "").is_ok());
    }

    /// The README's example of a new report.
    const NEW_REPORT: &str = r#"
[[report]]
name = "cw_report_open_tickets_by_board"
toolset = "reports"
title = "Open tickets by board"
description = """Open tickets per board. Example: {"company": "ACME"}."""
program = '''
const c = args.company ? cw.cond`closedFlag = false and company/identifier = ${args.company}` : 'closedFlag = false';
const t = cw.all(cw.service.tickets.list, {conditions: c, fields: 'board/name'});
return Object.entries(cw.groupBy(t, r => r.board.name)).map(([b, rows]) => [b, rows.length]);
'''
[[report.arg]]
name = "company"
type = "string"
description = "Company identifier."
"#;

    #[test]
    fn a_new_report_is_one_allow_list_entry_and_nothing_else() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let text = std::fs::read_to_string(root.join(super::super::TOOLS_FILE)).unwrap();
        let committed = std::fs::read_to_string(root.join(GENERATED_FILE)).unwrap();
        let before = super::super::allow_list::read(&text).unwrap();
        assert_eq!(
            file(&before.reports).unwrap(),
            committed,
            "the committed reports are the allow-list's (run `cargo xtask regen`)"
        );
        let after = super::super::allow_list::read(&format!("{text}{NEW_REPORT}")).unwrap();
        assert_eq!(after.tools, before.tools, "the curated tools are untouched");
        assert_eq!(after.reports[..before.reports.len()], before.reports[..]);
        let names: Vec<&str> = after.tools.iter().map(|t| t.name.as_str()).collect();
        check(&after.reports, &names).unwrap();
        let code = file(&after.reports).unwrap();
        assert_eq!(
            code.matches("ToolDef {").count(),
            committed.matches("ToolDef {").count() + 1
        );
        assert!(code.contains("name: \"cw_report_open_tickets_by_board\""));
        assert!(code.contains("pub struct CwReportOpenTicketsByBoardArgs"));
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        for line in NEW_REPORT.trim().lines().filter(|l| !l.starts_with("type")) {
            assert!(readme.contains(line), "the README shows this example: {line}");
        }
    }

    #[test]
    fn names_tiers_and_bounds_are_checked_with_the_report_named() {
        let err = reports("program = \"return 1;\"\ntier = \"write\"\n", "").unwrap_err();
        assert_eq!(
            err,
            ["spec/tools.toml: tool cw_report_x: a report reads only: tier must be read"]
        );
        let err = reports(
            "program = \"return 1;\"\n",
            "[[report]]\nname = \"cw_search_tickets\"\ntoolset = \"r\"\ntitle = \"T\"\n\
             description = \"d\"\nprogram = \"return 1;\"\n[[report.arg]]\nname = \"Day\"\ntype = \"date\"\n\
             description = \"d\"\nmin = 1\n",
        )
        .unwrap_err();
        assert_eq!(err.len(), 3, "{err:?}");
        assert!(err[0].ends_with("tool cw_search_tickets: is listed twice (as a tool or a report)"));
        assert!(err[1].ends_with("argument Day: names must be snake_case"));
        assert!(err[2].ends_with("argument Day: min and max apply to numbers only"));
        let err = reports("program = \"return 1;\"\ncolour = 1\n", "").unwrap_err();
        assert!(
            err[0].contains("tool cw_report_x: unknown field `colour`"),
            "{err:?}"
        );
    }
}
