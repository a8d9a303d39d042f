//! Resources (`resources/list`, `resources/templates/list`,
//! `resources/read`): a ticket, a company, a contact and a configuration by
//! id, an operation's description by operationId, and the conditions
//! cheat-sheet.
//!
//! A record resource is read by calling its tool (`connectwise://service/tickets/7`
//! is `cw_get_ticket {"id": 7}`) through the server's one call path, so a
//! read meets the same gate (a template whose tool is off in this session is
//! neither listed nor read), the same answer cap and shaping, and the same
//! audit log as the tool. This module only maps URIs to tool calls.

use super::completions::Kind;
use super::inventory::Inventory;
use super::server::CwServer;
use rmcp::ErrorData as McpError;
use rmcp::model::{CallToolResult, ReadResourceResult, Resource, ResourceContents, ResourceTemplate};
use serde_json::{Value, json};

/// Where every URI of this server starts.
pub const SCHEME: &str = "connectwise://";

/// The conditions cheat-sheet's URI.
pub const CONDITIONS_URI: &str = "connectwise://docs/conditions";

/// A resource template: a URI with one `{argument}`, read by one tool.
pub struct TemplateDef {
    /// Text before the argument, e.g. `connectwise://service/tickets/`.
    pub prefix: &'static str,
    /// The argument in the template, e.g. `id`.
    pub argument: &'static str,
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The tool that reads it, and the tool argument the URI's value fills.
    pub tool: &'static str,
    pub tool_argument: &'static str,
    /// Whether the value is a record id (a whole number).
    pub numeric: bool,
    pub completes: Option<Kind>,
}

impl TemplateDef {
    pub fn uri_template(&self) -> String {
        format!("{}{{{}}}", self.prefix, self.argument)
    }
}

const fn record(
    prefix: &'static str,
    name: &'static str,
    title: &'static str,
    description: &'static str,
    tool: &'static str,
) -> TemplateDef {
    TemplateDef {
        prefix,
        argument: "id",
        name,
        title,
        description,
        tool,
        tool_argument: "id",
        numeric: true,
        completes: None,
    }
}

/// Every resource template of the server.
pub static TEMPLATES: &[TemplateDef] = &[
    record(
        "connectwise://service/tickets/",
        "ticket",
        "Service ticket",
        "A service ticket by id, as cw_get_ticket reads it.",
        "cw_get_ticket",
    ),
    record(
        "connectwise://company/companies/",
        "company",
        "Company",
        "A company by id, as cw_get_company reads it.",
        "cw_get_company",
    ),
    record(
        "connectwise://company/contacts/",
        "contact",
        "Contact",
        "A contact by id, as cw_get_contact reads it.",
        "cw_get_contact",
    ),
    record(
        "connectwise://company/configurations/",
        "configuration",
        "Configuration",
        "A configuration item by id, as cw_get_configuration reads it.",
        "cw_get_configuration",
    ),
    TemplateDef {
        prefix: "connectwise://api/operations/",
        argument: "operationId",
        name: "operation",
        title: "API operation",
        description: "An operation of the ConnectWise API by operationId (e.g. getServiceTickets): \
                      method, path, parameters, body, as cw_describe_endpoint describes it.",
        tool: "cw_describe_endpoint",
        tool_argument: "operation_id",
        numeric: false,
        completes: Some(Kind::OperationId),
    },
];

/// What a URI reads.
#[derive(Debug, PartialEq)]
pub enum Target {
    /// A tool call: the tool and its arguments.
    Tool(&'static str, Value),
    /// Fixed text and its media type.
    Text(&'static str, &'static str),
}

/// The static resources, as `resources/list` sends them.
pub fn listed() -> Vec<Resource> {
    vec![
        Resource::new(CONDITIONS_URI, "conditions")
            .with_title("Conditions cheat-sheet")
            .with_description(
                "ConnectWise's filter language on one page: fields, operators, dates, combining.",
            )
            .with_mime_type("text/markdown"),
    ]
}

/// The templates whose tool this session has, as `resources/templates/list` sends them.
pub fn templates(inventory: &Inventory) -> Vec<ResourceTemplate> {
    TEMPLATES
        .iter()
        .filter(|t| inventory.get(t.tool).is_some())
        .map(|t| {
            ResourceTemplate::new(t.uri_template(), t.name)
                .with_title(t.title)
                .with_description(t.description)
                .with_mime_type("application/json")
        })
        .collect()
}

/// `resources/read`: fixed text as it is, a record through its tool (the
/// session's gate, cap, shaping and audit). A URI that names nothing is
/// "resource not found" (-32002); a malformed value, a tool that is off in
/// this session or refused arguments are invalid params (-32602); a record
/// ConnectWise does not have is not found; any other failure of the tool is
/// an internal error carrying the tool's message and hint.
pub async fn read(server: &CwServer, uri: &str) -> Result<ReadResourceResult, McpError> {
    let data = Some(json!({ "uri": uri }));
    let (tool, args) = match target(uri) {
        Ok(Target::Text(text, mime)) => return Ok(contents(text, uri, mime)),
        Ok(Target::Tool(tool, args)) => (tool, args),
        Err(BadUri::Unknown(e)) => return Err(McpError::resource_not_found(e, data)),
        Err(BadUri::Invalid(e)) => return Err(McpError::invalid_params(e, data)),
    };
    let result = server.call(tool, args.as_object().cloned()).await?;
    if result.is_error == Some(true) {
        return Err(failure(uri, &result));
    }
    Ok(contents(
        &text_of(&server.deliver(result)),
        uri,
        "application/json",
    ))
}

fn contents(text: &str, uri: &str, mime: &str) -> ReadResourceResult {
    ReadResourceResult::new(vec![ResourceContents::text(text, uri).with_mime_type(mime)])
}

fn text_of(result: &CallToolResult) -> String {
    let texts: Vec<&str> = result
        .content
        .iter()
        .filter_map(|c| c.as_text())
        .map(|t| t.text.as_str())
        .collect();
    texts.join("\n")
}

/// A failed read as a JSON-RPC error, by what the tool's error says.
fn failure(uri: &str, result: &CallToolResult) -> McpError {
    let error = result
        .structured_content
        .as_ref()
        .and_then(|s| s.get("error"))
        .cloned()
        .unwrap_or(Value::Null);
    let message = format!("{uri}: {}", text_of(result));
    let data = Some(json!({ "uri": uri, "error": error }));
    match (error["kind"].as_str(), error["status"].as_u64()) {
        (_, Some(404)) => McpError::resource_not_found(message, data),
        (Some("invalid_arguments" | "not_allowed"), _) => McpError::invalid_params(message, data),
        _ => McpError::internal_error(message, data),
    }
}

/// Why a URI cannot be read.
#[derive(Debug, PartialEq)]
pub enum BadUri {
    /// It names no resource of this server.
    Unknown(String),
    /// It names a template, with a value that cannot be.
    Invalid(String),
}

/// What `uri` reads; `Err` says what is wrong with it.
pub fn target(uri: &str) -> Result<Target, BadUri> {
    if uri == CONDITIONS_URI {
        return Ok(Target::Text(crate::conditions::CHEAT_SHEET, "text/markdown"));
    }
    let (template, value) = TEMPLATES
        .iter()
        .find_map(|t| Some((t, uri.strip_prefix(t.prefix)?)))
        .ok_or_else(|| {
            let known: Vec<String> = TEMPLATES.iter().map(TemplateDef::uri_template).collect();
            BadUri::Unknown(format!(
                "unknown resource {uri:?}: the resources are {CONDITIONS_URI} and {}",
                known.join(", ")
            ))
        })?;
    let value = crate::catalog::template::decode_segment(value)
        .filter(|v| !v.is_empty() && !v.contains('/'))
        .ok_or_else(|| BadUri::Invalid(format!("{uri:?}: {} must be one path segment", template.argument)))?;
    let arg = if template.numeric {
        let id = value.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
            BadUri::Invalid(format!(
                "{uri:?}: {} {value:?} is not a record id (a whole number from 1)",
                template.argument
            ))
        })?;
        json!(id)
    } else {
        json!(value)
    };
    Ok(Target::Tool(
        template.tool,
        json!({ template.tool_argument: arg }),
    ))
}

/// What completes `argument` of the template `uri_template`.
pub fn completes(uri_template: &str, argument: &str) -> Option<Kind> {
    TEMPLATES
        .iter()
        .find(|t| t.uri_template() == uri_template && t.argument == argument)?
        .completes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::{Gate, registry};

    #[test]
    fn uris_become_tool_calls_and_bad_ones_say_why() {
        assert_eq!(
            target("connectwise://service/tickets/42"),
            Ok(Target::Tool("cw_get_ticket", json!({"id": 42})))
        );
        assert_eq!(
            target("connectwise://api/operations/getServiceTickets"),
            Ok(Target::Tool(
                "cw_describe_endpoint",
                json!({"operation_id": "getServiceTickets"})
            ))
        );
        assert!(matches!(target(CONDITIONS_URI), Ok(Target::Text(..))));
        let Err(BadUri::Invalid(err)) = target("connectwise://service/tickets/abc") else {
            panic!()
        };
        assert!(err.contains("id \"abc\" is not a record id"), "{err}");
        assert!(matches!(
            target("connectwise://service/tickets/0"),
            Err(BadUri::Invalid(_))
        ));
        assert!(matches!(
            target("connectwise://service/tickets/1/notes"),
            Err(BadUri::Invalid(_))
        ));
        let Err(BadUri::Unknown(err)) = target("connectwise://nope/1") else {
            panic!()
        };
        assert!(
            err.contains("unknown resource") && err.contains("{operationId}"),
            "{err}"
        );
    }

    #[test]
    fn every_template_reads_through_a_tool_of_the_registry() {
        let all = registry::all(&[]).unwrap();
        for t in TEMPLATES {
            let tool = all.iter().find(|d| d.name == t.tool).expect(t.tool);
            let schema = (tool.input_schema)(tool);
            assert!(
                schema["properties"].get(t.tool_argument).is_some(),
                "{}: {schema}",
                t.tool
            );
        }
        let inventory = Inventory::new(all, Gate::default()).unwrap();
        assert_eq!(
            templates(&inventory).len(),
            TEMPLATES.len(),
            "the default toolsets have them all"
        );
    }

    #[test]
    fn every_example_in_the_conditions_cheat_sheet_parses() {
        let examples: Vec<&str> = crate::conditions::CHEAT_SHEET
            .split('`')
            .skip(1)
            .step_by(2)
            .filter(|s| s.contains(' '))
            .collect();
        assert!(examples.len() >= 12, "{examples:?}");
        for example in examples {
            crate::conditions::parse(example).unwrap_or_else(|e| panic!("{example}: {e}"));
        }
    }
}
