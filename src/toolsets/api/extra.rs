//! Spec operations a deployment exposes as tools of their own, without a
//! rebuild: `[server] extra_operations = ["getProcurementPurchaseorders"]`.
//!
//! Each becomes a tool named from its operationId (`cw_get_procurement_purchaseorders`),
//! in the `extra` toolset, with its tier from the method and a JSON Schema
//! from the spec's parameters and body. Calls go through the same checks as
//! `cw_call`, and writes take the write path's arguments (`dry_run`, …).

use crate::catalog::path;
use crate::catalog::template::encode_segment;
use crate::catalog::{self, Method, Operation};
use crate::tool::args::parse_args;
use crate::tool::write::WriteOptions;
use crate::tool::{Context, ToolDef, ToolFuture, call, invalid};
use heck::ToSnakeCase;
use serde_json::{Map, Value, json};

/// The toolset of extra operations. Always selected: the deployment named
/// each one on purpose (the tier gate still applies).
pub const TOOLSET: &str = "extra";

/// Query parameters an extra list tool offers (the rest stay with `cw_call`).
const LIST_PARAMS: &[(&str, &str, &str)] = &[
    ("conditions", "string", "ConnectWise conditions, e.g. id > 5"),
    ("orderBy", "string", "e.g. id desc"),
    ("fields", "string", "Fields to return, comma-separated"),
    ("page", "integer", "Page, from 1"),
    ("pageSize", "integer", "1-1000"),
];

/// The tool definitions of `ids`. Unknown ids are an error naming them
/// with close matches.
///
/// The definitions are leaked: they are made once at start-up, bounded by
/// the config, and live as long as the process, like the static curated ones.
pub fn tools(ids: &[String]) -> Result<Vec<ToolDef>, String> {
    let mut out: Vec<ToolDef> = Vec::new();
    for id in ids.iter().map(|i| i.trim()).filter(|i| !i.is_empty()) {
        let Some(op) = catalog::by_id(id) else {
            let close = catalog::close_ids(id);
            return Err(format!(
                "unknown operation `{id}` in [server] extra_operations / CW_EXTRA_OPERATIONS{}",
                if close.is_empty() {
                    String::new()
                } else {
                    format!("; did you mean: {}", close.join(", "))
                }
            ));
        };
        let name: &'static str = Box::leak(format!("cw_{}", op.id.to_snake_case()).into_boxed_str());
        if out.iter().any(|t| t.name == name) {
            continue;
        }
        let description: &'static str = Box::leak(
            format!(
                "{}: {} {} (extra operation; cw_describe_endpoint {{\"operation_id\": \"{}\"}} explains it).",
                op.summary,
                op.method.as_str(),
                op.path,
                op.id
            )
            .into_boxed_str(),
        );
        out.push(ToolDef {
            name,
            title: op.summary,
            description,
            toolset: TOOLSET,
            tier: op.tier,
            tier_per_call: false,
            per_caller: false,
            always_selected: true,
            idempotent: op.method != Method::Post,
            operation_id: op.id,
            input_schema: schema,
            call: call_extra,
        });
    }
    Ok(out)
}

fn operation(def: &ToolDef) -> &'static Operation {
    catalog::by_id(def.operation_id).expect("extra tools are made from catalog operations")
}

/// Path parameters, list parameters and `cursor` for lists, `body` when the
/// operation takes one.
fn schema(def: &ToolDef) -> Value {
    let op = operation(def);
    let mut props = Map::new();
    let mut required = Vec::new();
    for p in op.path_params() {
        props.insert(
            p.name.into(),
            json!({ "type": p.ty, "description": "Path parameter" }),
        );
        required.push(p.name);
    }
    if op.is_list() {
        for (name, ty, description) in LIST_PARAMS {
            if op.query_params().any(|p| p.name == *name) {
                props.insert((*name).into(), json!({ "type": ty, "description": description }));
            }
        }
        props.insert(
            "cursor".into(),
            json!({"type": "string", "description": "A previous result's cursor"}),
        );
    }
    if let Some(body_schema) = op.request_schema {
        let body = if op.method == Method::Patch {
            json!({"type": "array", "description": "JSON Patch list, e.g. [{\"op\": \"replace\", \"path\": \"name\", \"value\": \"x\"}]", "items": {"type": "object"}})
        } else {
            json!({"type": if op.request_is_array { "array" } else { "object" }, "description": format!("The {body_schema} (cw_describe_endpoint lists its fields)")})
        };
        props.insert("body".into(), body);
        required.push("body");
    }
    props.extend(WriteOptions::properties(op.method));
    json!({
        "type": "object",
        "properties": props,
        "required": required,
        "additionalProperties": false,
    })
}

fn call_extra<'a>(ctx: &'a Context, def: &'static ToolDef, args: Value) -> ToolFuture<'a> {
    Box::pin(async move {
        let op = operation(def);
        let mut args: Map<String, Value> = parse_args(args)?;
        let options = WriteOptions::take(&mut args)?;
        let mut concrete = op.path.to_owned();
        for p in op.path_params() {
            let value = match args.get(p.name) {
                Some(Value::String(s)) => encode_segment(s),
                Some(Value::Number(n)) => n.to_string(),
                Some(Value::Bool(b)) => b.to_string(),
                _ => return Err(invalid(format!("{}: required ({})", p.name, p.ty))),
            };
            let start = concrete.find(&format!("{{{}", p.name)).unwrap_or(0);
            let end = concrete[start..]
                .find('}')
                .map(|e| start + e + 1)
                .unwrap_or(start);
            concrete.replace_range(start..end, &value);
        }
        let target = path::resolve(op.method, &concrete).map_err(invalid)?;
        let mut query = Map::new();
        for (key, value) in &args {
            let known = op.path_params().any(|p| p.name == key) || key == "body" || key == "cursor";
            if known {
                continue;
            }
            if !LIST_PARAMS.iter().any(|(n, _, _)| n == key) {
                return Err(invalid(format!(
                    "{key}: not an argument of {}; see its input schema",
                    def.name
                )));
            }
            query.insert(key.clone(), value.clone());
        }
        let cursor = args.get("cursor").and_then(Value::as_str);
        call::execute_as(
            ctx,
            def.name,
            &options,
            &target,
            Some(&query),
            args.get("body"),
            cursor,
        )
        .await
    })
}
