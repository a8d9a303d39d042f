//! The curated tools: `spec/tools.toml` (the allow-list) + the normalised
//! spec → `src/toolsets/curated/generated.rs`.
//!
//! Each allow-list entry names the operation it wraps and its arguments, and
//! says how each argument maps to the request: a `condition` (compiled with
//! the conditions module at run time, never pasted), a `path` parameter, a
//! `body` field, a `patch` replacement, or a `choice` that merges fixed body
//! fields. The generator checks every mapping against the spec (so a
//! ConnectWise release that renames a field fails here, naming the tool) and
//! emits one argument struct (its JSON Schema comes from schemars) and one
//! handler per tool, calling the progenitor client positionally.

use crate::normalize;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// The allow-list file, relative to the repository root.
pub const TOOLS_FILE: &str = "spec/tools.toml";
/// The generated wrappers, relative to the repository root.
pub const GENERATED_FILE: &str = "src/toolsets/curated/generated.rs";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AllowList {
    #[serde(rename = "tool")]
    pub tools: Vec<ToolSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    pub name: String,
    pub operation: String,
    pub toolset: String,
    pub title: String,
    pub description: String,
    /// `read`, `write` or `delete`; from the HTTP method when absent.
    pub tier: Option<String>,
    /// Default `fields` projection.
    pub fields: Option<String>,
    /// Default page size of list tools.
    pub page_size: Option<i32>,
    /// For "my …" tools: the field that must equal the configured member.
    pub member_filter: Option<String>,
    /// For "my …" tools: a text list of member identifiers (`resources`)
    /// that may contain the member instead.
    pub member_also_in: Option<String>,
    #[serde(default, rename = "arg")]
    pub args: Vec<ArgSpec>,
    /// Extra lists fetched on request (a ticket's notes with the ticket).
    #[serde(default, rename = "include")]
    pub includes: Vec<IncludeSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArgSpec {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub description: String,
    #[serde(default)]
    pub required: bool,
    pub condition: Option<String>,
    pub op: Option<String>,
    pub path: Option<String>,
    pub body: Option<String>,
    pub patch: Option<String>,
    /// Allowed values → body fields merged when chosen.
    pub choice: Option<BTreeMap<String, Value>>,
    pub min: Option<i64>,
    pub max: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IncludeSpec {
    /// The boolean argument that asks for it.
    pub arg: String,
    pub description: String,
    pub operation: String,
    /// Key of the result it goes under.
    pub key: String,
    pub fields: Option<String>,
}

/// A problem in the allow-list, named by tool and argument.
#[derive(Debug)]
pub struct ToolError {
    pub tool: String,
    pub problem: String,
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{TOOLS_FILE}: tool {}: {}", self.tool, self.problem)
    }
}

/// What the spec says about one operation, as the generator needs it.
struct Operation<'a> {
    method: String,
    path: String,
    op: &'a Value,
}

fn find_operation<'a>(spec: &'a Value, id: &str) -> Option<Operation<'a>> {
    let mut found = None;
    normalize::for_each_operation(spec, |path, method, op| {
        if op.get("operationId").and_then(Value::as_str) == Some(id) {
            found = Some((path.to_owned(), method.to_owned()));
        }
    });
    let (path, method) = found?;
    let op = spec.pointer(&format!(
        "/paths/{}/{method}",
        path.replace('~', "~0").replace('/', "~1")
    ))?;
    Some(Operation { method, path, op })
}

impl Operation<'_> {
    /// Parameters as progenitor orders its positional arguments: path
    /// parameters in template order, then query parameters by name.
    fn positional(&self) -> Vec<(String, String)> {
        let params: Vec<&Value> = self
            .op
            .get("parameters")
            .and_then(Value::as_array)
            .map(|a| a.iter().collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for var in normalize::template_variables(&self.path) {
            out.push((var.to_owned(), "path".to_owned()));
        }
        let mut query: Vec<String> = params
            .iter()
            .filter(|p| p["in"] == "query")
            .filter_map(|p| p["name"].as_str().map(str::to_owned))
            .collect();
        query.sort();
        out.extend(query.into_iter().map(|q| (q, "query".to_owned())));
        out
    }

    fn success_schema(&self) -> Option<&Value> {
        let responses = self.op.get("responses")?.as_object()?;
        responses
            .iter()
            .find(|(code, _)| code.starts_with('2'))
            .and_then(|(_, r)| r.pointer("/content/application~1json/schema"))
    }

    /// `(schema name, is a list)` of the success response.
    fn record(&self) -> Option<(String, bool)> {
        let schema = self.success_schema()?;
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            return Some((ref_name(r).to_owned(), false));
        }
        let r = schema.pointer("/items/$ref").and_then(Value::as_str)?;
        Some((ref_name(r).to_owned(), true))
    }

    fn body_schema(&self) -> Option<&Value> {
        self.op.pointer("/requestBody/content/application~1json/schema")
    }
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

/// Walks a `/`-separated field path through a schema; `_info/…` is always there.
fn has_field(spec: &Value, schema: &str, path: &str) -> bool {
    let mut current = match spec.pointer(&format!("/components/schemas/{}", schema.replace('/', "~1"))) {
        Some(s) => s,
        None => return false,
    };
    for segment in path.split('/') {
        while let Some(r) = current.get("$ref").and_then(Value::as_str) {
            match spec.pointer(r.trim_start_matches('#')) {
                Some(s) => current = s,
                None => return false,
            }
        }
        if let Some(items) = current.get("items") {
            current = items;
            while let Some(r) = current.get("$ref").and_then(Value::as_str) {
                match spec.pointer(r.trim_start_matches('#')) {
                    Some(s) => current = s,
                    None => return false,
                }
            }
        }
        if segment == "_info" && current.pointer("/properties/_info").is_some() {
            return true;
        }
        match current.get("properties").and_then(|p| p.get(segment)) {
            Some(next) => current = next,
            None => return false,
        }
    }
    true
}

/// The generated file and, per tool, a fingerprint of what was generated
/// for it (to report which tools a new spec changes).
pub struct Generated {
    pub code: String,
    pub fingerprints: BTreeMap<String, String>,
}

/// Generates the wrappers; errors name the tool and what is wrong.
pub fn generate(list: &AllowList, spec: &Value) -> Result<Generated, Vec<ToolError>> {
    let mut errors = Vec::new();
    let mut fingerprints = BTreeMap::new();
    let mut items = Vec::new();
    let mut defs = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for tool in &list.tools {
        let mut err = |problem: String| {
            errors.push(ToolError {
                tool: tool.name.clone(),
                problem,
            })
        };
        if !seen.insert(tool.name.clone()) {
            err("is listed twice".into());
            continue;
        }
        if !tool.name.starts_with("cw_") || tool.name != tool.name.to_snake_case() {
            err("names must be snake_case with the cw_ prefix".into());
        }
        match generate_tool(tool, spec) {
            Ok((item, def)) => {
                fingerprints.insert(tool.name.clone(), format!("{item}{def}"));
                items.push(item);
                defs.push(def);
            }
            Err(problems) => problems.into_iter().for_each(&mut err),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let file = quote! {
        use super::runtime as rt;
        use super::{Context, Tier, ToolDef, ToolFuture};
        use crate::client::generated::types;
        use crate::conditions::CompareOp;
        use serde::Deserialize;
        use serde_json::Value;

        #(#items)*

        /// Every curated tool, in allow-list order.
        pub static TOOLS: &[ToolDef] = &[#(#defs),*];
    };
    let syntax: syn::File = syn::parse2(file).map_err(|e| {
        vec![ToolError {
            tool: "(all)".into(),
            problem: format!("generated code does not parse: {e}"),
        }]
    })?;
    let body = prettyplease::unparse(&syntax);
    let code = format!(
        "// generated by `cargo xtask regen` from spec/tools.toml; do not edit.\n\
         #![allow(clippy::all, clippy::pedantic, unused)]\n\n{body}"
    );
    Ok(Generated { code, fingerprints })
}

fn generate_tool(tool: &ToolSpec, spec: &Value) -> Result<(TokenStream, TokenStream), Vec<String>> {
    let mut problems = Vec::new();
    let Some(op) = find_operation(spec, &tool.operation) else {
        return Err(vec![format!("operation {} is not in the spec", tool.operation)]);
    };
    let Some((record, is_list)) = op.record() else {
        return Err(vec![format!(
            "operation {} has no JSON response to return",
            tool.operation
        )]);
    };
    let tier = match (tool.tier.as_deref(), op.method.as_str()) {
        (Some("read"), _) | (None, "get") => quote!(Tier::Read),
        (Some("write"), _) | (None, "post" | "put" | "patch") => quote!(Tier::Write),
        (Some("delete"), _) | (None, "delete") => quote!(Tier::Delete),
        (other, method) => {
            return Err(vec![format!(
                "tier {other:?} for a {method} is not read, write or delete"
            )]);
        }
    };
    let idempotent = matches!(op.method.as_str(), "get" | "put" | "delete" | "patch");
    let body_record = op
        .body_schema()
        .and_then(|b| b.get("$ref"))
        .and_then(Value::as_str)
        .map(ref_name);

    let struct_name = format_ident!("{}Args", tool.name.to_upper_camel_case());
    let fn_name = format_ident!("{}", tool.name);
    let schema_fn = format_ident!("{}_schema", tool.name);
    let method = format_ident!("{}", tool.operation.to_snake_case());

    let mut fields = Vec::new();
    let mut enums = Vec::new();
    let mut steps = Vec::new();
    let mut path_values: BTreeMap<String, TokenStream> = BTreeMap::new();
    let mut patch_args = Vec::new();
    let mut uses_body = false;
    let mut uses_patch = false;

    for arg in &tool.args {
        let ident = field_ident(&arg.name);
        let name = &arg.name;
        let doc = format!(" {}", arg.description);
        let (ty, optional) = match arg.kind.as_str() {
            "string" | "datetime" => (quote!(String), true),
            "integer" => (quote!(i64), true),
            "number" => (quote!(f64), true),
            "boolean" => (quote!(bool), true),
            "string[]" => (quote!(Vec<String>), true),
            "integer[]" => (quote!(Vec<i64>), true),
            "choice" => {
                let Some(choice) = &arg.choice else {
                    problems.push(format!("argument {name}: type choice needs a `choice` table"));
                    continue;
                };
                let enum_name = format_ident!(
                    "{}{}",
                    tool.name.to_upper_camel_case(),
                    name.to_upper_camel_case()
                );
                let variants: Vec<_> = choice
                    .keys()
                    .map(|k| format_ident!("{}", k.to_upper_camel_case()))
                    .collect();
                let renames: Vec<_> = choice.keys().collect();
                let bodies: Vec<_> = choice.values().map(|v| v.to_string()).collect();
                enums.push(quote! {
                    #[derive(Debug, Clone, Copy, Deserialize, schemars::JsonSchema)]
                    pub enum #enum_name { #( #[serde(rename = #renames)] #variants ),* }
                    impl #enum_name {
                        fn body(self) -> Value {
                            let text = match self { #( Self::#variants => #bodies ),* };
                            serde_json::from_str(text).expect("allow-list JSON")
                        }
                    }
                });
                (quote!(#enum_name), true)
            }
            other => {
                problems.push(format!(
                    "argument {name}: type {other:?} is not string, integer, number, boolean, datetime, string[], integer[] or choice"
                ));
                continue;
            }
        };
        let field_ty = if arg.required {
            ty.clone()
        } else {
            quote!(Option<#ty>)
        };
        let default = if arg.required {
            quote!()
        } else {
            quote!(#[serde(default)])
        };
        let _ = optional;
        fields.push(quote! { #[doc = #doc] #default pub #ident: #field_ty, });
        let value = if arg.required {
            quote!(Some(args.#ident.clone()))
        } else {
            quote!(args.#ident.clone())
        };
        let text = if arg.required {
            quote!(Some(args.#ident.as_str()))
        } else {
            quote!(args.#ident.as_deref())
        };

        if arg.min.is_some() || arg.max.is_some() {
            let (min, max) = (arg.min.unwrap_or(i64::MIN), arg.max.unwrap_or(i64::MAX));
            if arg.kind != "integer" {
                problems.push(format!("argument {name}: min/max apply to integers only"));
            }
            steps.push(quote! { rt::check_range(#name, #value, #min, #max)?; });
        }

        let mappings = [&arg.condition, &arg.path, &arg.body, &arg.patch]
            .iter()
            .filter(|m| m.is_some())
            .count()
            + usize::from(arg.choice.is_some());
        if mappings != 1 {
            problems.push(format!(
                "argument {name}: give exactly one of condition, path, body, patch or choice (found {mappings})"
            ));
            continue;
        }
        if let Some(field) = &arg.condition {
            if !is_list {
                problems.push(format!(
                    "argument {name}: conditions apply to list operations only"
                ));
            }
            if !has_field(spec, &record, field) {
                problems.push(format!("argument {name}: {record} has no field {field}"));
            }
            let op = match arg
                .op
                .as_deref()
                .unwrap_or(if arg.kind.ends_with("[]") { "in" } else { "=" })
            {
                "=" => quote!(CompareOp::Eq),
                "!=" => quote!(CompareOp::Ne),
                "<" => quote!(CompareOp::Lt),
                "<=" => quote!(CompareOp::Le),
                ">" => quote!(CompareOp::Gt),
                ">=" => quote!(CompareOp::Ge),
                "contains" => quote!(CompareOp::Contains),
                "like" => quote!(CompareOp::Like),
                "in" => quote!(in),
                other => {
                    problems.push(format!(
                        "argument {name}: op {other:?} is not a ConnectWise operator"
                    ));
                    continue;
                }
            };
            steps.push(match (arg.kind.as_str(), op.to_string().as_str()) {
                (k, "in") if k.ends_with("[]") => quote! { rt::term_in(&mut terms, #field, #value); },
                ("datetime", _) => {
                    quote! { rt::term_date(&mut terms, #name, #field, #op, #text)?; }
                }
                (k, "in") => {
                    problems.push(format!("argument {name}: op in needs a list type, not {k}"));
                    continue;
                }
                _ => quote! { rt::term(&mut terms, #field, #op, #value); },
            });
        } else if let Some(param) = &arg.path {
            if !op
                .positional()
                .iter()
                .any(|(p, kind)| p == param && kind == "path")
            {
                problems.push(format!(
                    "argument {name}: {} has no path parameter {param}",
                    tool.operation
                ));
            }
            if !arg.required || arg.kind != "integer" {
                problems.push(format!("argument {name}: path arguments are required integers"));
            }
            steps.push(quote! { let #ident = rt::id(#name, args.#ident)?; });
            path_values.insert(param.clone(), quote!(#ident));
        } else if let Some(field) = &arg.body {
            uses_body = true;
            match body_record {
                Some(b) if has_field(spec, b, field) => {}
                Some(b) => problems.push(format!("argument {name}: {b} has no field {field}")),
                None => problems.push(format!("argument {name}: {} takes no body", tool.operation)),
            }
            steps.push(if arg.kind == "datetime" {
                quote! { body.set(#field, #text.map(|v| rt::utc_timestamp(#name, v)).transpose()?); }
            } else {
                quote! { body.set(#field, #value); }
            });
        } else if let Some(field) = &arg.patch {
            uses_patch = true;
            if !has_field(spec, &record, field) {
                problems.push(format!("argument {name}: {record} has no field {field}"));
            }
            patch_args.push(name.clone());
            steps.push(quote! { patch.replace(#field, #value); });
        } else if arg.choice.is_some() {
            uses_body = true;
            steps.push(quote! { if let Some(choice) = #value { body.merge(choice.body()); } });
        }
    }

    if let Some(field) = &tool.member_filter {
        if !has_field(spec, &record, field) {
            problems.push(format!("member_filter: {record} has no field {field}"));
        }
        let also_in = match &tool.member_also_in {
            Some(list) => {
                if !has_field(spec, &record, list) {
                    problems.push(format!("member_also_in: {record} has no field {list}"));
                }
                quote!(Some(#list))
            }
            None => quote!(None),
        };
        steps.push(quote! { rt::member_term(&mut terms, #field, #also_in, rt::member(ctx)?); });
    }

    // The positional call: path values, then query parameters by name, then the body.
    let mut call_args = Vec::new();
    for (param, kind) in op.positional() {
        if kind == "path" {
            match path_values.get(&param) {
                Some(v) => call_args.push(v.clone()),
                None => {
                    problems.push(format!(
                        "path parameter {param} of {} has no argument",
                        tool.operation
                    ));
                }
            }
            continue;
        }
        call_args.push(match (is_list, param.as_str()) {
            (true, "conditions") => quote!(q.conditions()),
            (true, "childConditions") => quote!(q.child_conditions()),
            (true, "orderBy") => quote!(q.order_by()),
            (true, "page") => quote!(q.page()),
            (true, "pageSize") => quote!(q.page_size()),
            (true, "fields") => quote!(q.fields()),
            (_, "fields") if op.method == "get" => quote!(fields.as_deref()),
            _ => quote!(None),
        });
    }
    let body_type = body_record.map(|b| format_ident!("{}", sanitize_type(b)));
    if uses_patch {
        let args: Vec<&str> = patch_args.iter().map(String::as_str).collect();
        steps.push(quote! { let patch: Vec<types::PatchOperation> = patch.into_typed(&[#(#args),*])?; });
        call_args.push(quote!(&patch));
    } else if op.body_schema().is_some() {
        match &body_type {
            Some(t) => {
                steps.push(quote! { let body: types::#t = body.into_typed()?; });
                call_args.push(quote!(&body));
            }
            None => problems.push(format!(
                "{}: the request body is not a named schema",
                tool.operation
            )),
        }
    }

    let default_fields = tool.fields.clone().unwrap_or_default();
    if is_list {
        for f in default_fields.split(',').filter(|f| !f.is_empty()) {
            if !has_field(spec, &record, f.trim()) {
                problems.push(format!("fields: {record} has no field {f}"));
            }
        }
    }
    let page_size = tool.page_size.unwrap_or(25);
    // The common arguments' descriptions are terse on purpose: they repeat in
    // every list tool, and the server instructions explain them once.
    let mut common = Vec::new();
    let result = if is_list {
        common.push(quote! {
            #[doc = " Raw conditions, ANDed."]
            #[serde(default)] pub conditions: Option<String>,
            #[doc = " e.g. `id desc`"]
            #[serde(default)] pub order_by: Option<String>,
            #[doc = " Comma-separated."]
            #[serde(default)] pub fields: Option<String>,
            #[doc = " From 1."]
            #[serde(default)] pub page: Option<i64>,
            #[doc = " 1-1000."]
            #[serde(default)] pub page_size: Option<i64>,
            #[doc = " From a previous result."]
            #[serde(default)] pub cursor: Option<String>,
        });
        let record_name = &record;
        quote! {
            let q = rt::ListQuery::new(#record_name, #default_fields, #page_size, terms, rt::ListArgs {
                conditions: args.conditions.clone(),
                order_by: args.order_by.clone(),
                page: args.page,
                page_size: args.page_size,
                fields: args.fields.clone(),
                cursor: args.cursor.clone(),
            })?;
            let records = ctx.cw.read(ctx.cw.api().#method(#(#call_args),*)).await?;
            let value = q.finish(records)?;
        }
    } else {
        if op.method == "get" {
            common.push(quote! {
                #[doc = " Comma-separated."]
                #[serde(default)] pub fields: Option<String>,
            });
        }
        let fields_step = if op.method == "get" {
            quote! { let fields = rt::fields_or(args.fields.as_deref(), #default_fields)?; }
        } else {
            quote! { let fields: Option<String> = None; }
        };
        quote! {
            #fields_step
            let keep_info = fields.as_deref().is_some_and(|f| f.contains("_info"));
            let mut value = rt::finish_one(ctx.cw.read(ctx.cw.api().#method(#(#call_args),*)).await?, keep_info)?;
        }
    };

    let mut include_steps = Vec::new();
    for inc in &tool.includes {
        let ident = format_ident!("{}", inc.arg);
        let doc = format!(" {}", inc.description);
        common.push(quote! { #[doc = #doc] #[serde(default)] pub #ident: Option<bool>, });
        let Some(inc_op) = find_operation(spec, &inc.operation) else {
            problems.push(format!(
                "include {}: operation {} is not in the spec",
                inc.arg, inc.operation
            ));
            continue;
        };
        let inc_method = format_ident!("{}", inc.operation.to_snake_case());
        let Some((inc_record, true)) = inc_op.record() else {
            problems.push(format!(
                "include {}: {} does not return a list",
                inc.arg, inc.operation
            ));
            continue;
        };
        let inc_fields = inc.fields.clone().unwrap_or_default();
        let key = &inc.key;
        let mut inc_args = Vec::new();
        for (param, kind) in inc_op.positional() {
            inc_args.push(match (kind.as_str(), param.as_str()) {
                ("path", _) => match path_values.values().next() {
                    Some(v) => v.clone(),
                    None => {
                        problems.push(format!("include {}: no id argument to pass as {param}", inc.arg));
                        quote!(0)
                    }
                },
                (_, "conditions") => quote!(q.conditions()),
                (_, "orderBy") => quote!(q.order_by()),
                (_, "fields") => quote!(q.fields()),
                (_, "page") => quote!(q.page()),
                (_, "pageSize") => quote!(q.page_size()),
                _ => quote!(None),
            });
        }
        include_steps.push(quote! {
            if args.#ident == Some(true) {
                let q = rt::ListQuery::new(#inc_record, #inc_fields, 100, Vec::new(), rt::ListArgs::default())?;
                let records = ctx.cw.read(ctx.cw.api().#inc_method(#(#inc_args),*)).await?;
                let list = q.finish(records)?;
                if let Value::Object(map) = &mut value { map.insert(#key.into(), list); }
            }
        });
    }

    if !problems.is_empty() {
        return Err(problems);
    }
    let prelude = if is_list {
        quote!(let mut terms = Vec::new();)
    } else {
        quote!()
    };
    let body_prelude = if uses_body {
        quote!(let mut body = rt::Body::new();)
    } else {
        quote!()
    };
    let patch_prelude = if uses_patch {
        quote!(let mut patch = rt::Patch::new();)
    } else {
        quote!()
    };
    let doc = format!(
        " Arguments of `{}` ({} {}).",
        tool.name,
        op.method.to_uppercase(),
        op.path
    );
    let item = quote! {
        #(#enums)*

        #[doc = #doc]
        #[derive(Debug, Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct #struct_name {
            #(#fields)*
            #(#common)*
        }

        fn #schema_fn(_: &ToolDef) -> Value {
            rt::schema::<#struct_name>()
        }

        fn #fn_name<'a>(ctx: &'a Context, _: &'static ToolDef, args: Value) -> ToolFuture<'a> {
            Box::pin(async move {
                let args: #struct_name = rt::parse_args(args)?;
                #prelude
                #body_prelude
                #patch_prelude
                #(#steps)*
                #result
                #(#include_steps)*
                Ok(value)
            })
        }
    };
    let (name, title, description, toolset, operation_id) = (
        &tool.name,
        &tool.title,
        tool.description.trim(),
        &tool.toolset,
        &tool.operation,
    );
    let def = quote! {
        ToolDef {
            name: #name,
            title: #title,
            description: #description,
            toolset: #toolset,
            tier: #tier,
            tier_per_call: false,
            per_caller: false,
            always_selected: false,
            idempotent: #idempotent,
            operation_id: #operation_id,
            input_schema: #schema_fn,
            call: #fn_name,
        }
    };
    Ok((item, def))
}

/// An argument's Rust field name; keywords (`type`) become raw identifiers,
/// which serde and schemars still spell without the `r#`.
fn field_ident(name: &str) -> proc_macro2::Ident {
    match syn::parse_str::<proc_macro2::Ident>(name) {
        Ok(ident) => ident,
        Err(_) => proc_macro2::Ident::new_raw(name, proc_macro2::Span::call_site()),
    }
}

/// progenitor's type name for a schema (`Company.Configuration` → `CompanyConfiguration`).
fn sanitize_type(name: &str) -> String {
    name.replace('.', "_").to_upper_camel_case()
}
