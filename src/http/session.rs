//! One MCP session over HTTP: the rmcp handler that, on its first request
//! (`initialize`, or any request in stateless mode), builds the session's
//! [`CwServer`] from who the request is (role → inventory) and which keys it
//! brought (→ ConnectWise client), then lists and calls through it.
//!
//! The guard ([`super::guard`]) has authenticated the request and put a
//! [`RequestAuth`] in its extensions; rmcp hands the HTTP request parts to
//! the handler in the request context.

use super::auth::{Principal, Role};
use super::keys::MemberKeys;
use crate::client::{Config, ConnectWise};
use crate::mcp::{Audit, Caller, CwServer, Gate, Inventory, session_context};
use crate::tool::ToolDef;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, CompleteRequestParams, CompleteResult,
    ContentBlock, Extensions, GetPromptRequestParams, GetPromptResponse, InitializeRequestParams,
    InitializeResult, ListPromptsResult, ListResourceTemplatesResult, ListResourcesResult, ListToolsResult,
    PaginatedRequestParams, ReadResourceRequestParams, ReadResourceResponse, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::json;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// What the guard learnt about a request.
#[derive(Clone, Debug)]
pub struct RequestAuth {
    pub principal: Principal,
    pub keys: Option<Arc<MemberKeys>>,
}

/// What every session shares: one inventory and one server per role (with
/// the server's ConnectWise client), the config to build clients for
/// technicians' own keys, and the audit log.
pub struct Shared {
    config: Config,
    /// One local store for the deployment (every session shares it).
    store: crate::store::Store,
    inventories: Vec<Inventory>,
    servers: Vec<CwServer>,
    audit: Option<Arc<Audit>>,
    call_timeout: Duration,
    /// No MCP sessions (`--stateless`): confirmation tokens are bound to
    /// the caller and the request only, so any instance may redeem them.
    stateless: bool,
}

fn index(role: Role) -> usize {
    match role {
        Role::Viewer => 0,
        Role::Editor => 1,
        Role::Admin => 2,
    }
}

impl Shared {
    pub fn new(
        all: &'static [ToolDef],
        gate: Gate,
        config: Config,
        audit: Option<Arc<Audit>>,
        call_timeout: Duration,
        confirm_writes_roles: &[Role],
    ) -> Result<Shared, String> {
        let cw = ConnectWise::new(&config).map_err(|e| e.to_string())?;
        let store = gate.store()?;
        if let Some(audit) = &audit {
            audit.use_store(&store);
        }
        let inventories = Role::ALL
            .iter()
            .map(|role| {
                let access = role
                    .narrow(gate.access())
                    .confirming(confirm_writes_roles.contains(role));
                Inventory::narrowed(all, gate.clone(), access)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let servers = inventories
            .iter()
            .map(|inv| {
                let ctx = session_context(inv, cw.clone(), config.member_identifier.clone(), store.clone());
                CwServer::new(inv.clone(), ctx).with_audit(audit.clone())
            })
            .collect();
        Ok(Shared {
            config,
            store,
            inventories,
            servers,
            audit,
            call_timeout,
            stateless: false,
        })
    }

    /// These sessions, stateless or not (see [`Shared::stateless`]'s field).
    pub fn stateless(self, stateless: bool) -> Shared {
        Shared { stateless, ..self }
    }

    /// The store every session shares.
    pub fn store(&self) -> &crate::store::Store {
        &self.store
    }

    /// The server (any session's) of a role, with the server's keys.
    pub fn role_server(&self, role: Role) -> &CwServer {
        &self.servers[index(role)]
    }

    /// The server a request's session uses: the role's, unless the request
    /// brought its own keys, its token is limited to some companies or its
    /// signed-in person is mapped to a member; then one of its own, with a
    /// client of those keys, limited, acting for that member.
    pub fn server_for(&self, auth: &RequestAuth) -> Result<CwServer, String> {
        let server = self.server_acting(auth)?;
        Ok(match self.stateless {
            true => server.in_session(""),
            false => server,
        })
    }

    fn server_acting(&self, auth: &RequestAuth) -> Result<CwServer, String> {
        let role = auth.principal.role;
        let principal = auth.principal.label.clone();
        let pin = auth.principal.companies.clone();
        let signed_in_member = auth.principal.member.clone();
        if auth.keys.is_none() && pin.is_none() && signed_in_member.is_none() {
            return Ok(self.role_server(role).acting_as(Caller {
                principal,
                member: self.config.member_identifier.clone(),
            }));
        }
        let (cw, member_id, member) = match &auth.keys {
            Some(keys) => {
                let mut config = self.config.clone();
                config.public_key = keys.public_key.clone();
                config.private_key = keys.private_key.clone();
                config.member_identifier = keys.member_id.clone();
                let cw = ConnectWise::new(&config).map_err(|e| e.to_string())?;
                (cw, keys.member_id.clone(), Some(keys.member()))
            }
            None => {
                let server = self.role_server(role).connectwise()?.clone();
                let member = signed_in_member.or_else(|| self.config.member_identifier.clone());
                (server, member.clone(), member)
            }
        };
        let cw = match pin {
            Some(pin) => cw.pinned(pin),
            None => cw,
        };
        let inventory = &self.inventories[index(role)];
        let ctx = session_context(inventory, cw, member_id, self.store.clone());
        Ok(CwServer::new(inventory.clone(), ctx)
            .with_audit(self.audit.clone())
            .acting_as(Caller { principal, member }))
    }

    pub fn call_timeout(&self) -> Duration {
        self.call_timeout
    }
}

impl Drop for HttpSession {
    fn drop(&mut self) {
        crate::metrics::session_closed();
    }
}

/// The rmcp handler of one HTTP session.
pub struct HttpSession {
    shared: Arc<Shared>,
    server: OnceLock<CwServer>,
}

impl HttpSession {
    pub fn new(shared: Arc<Shared>) -> HttpSession {
        crate::metrics::session_opened();
        HttpSession {
            shared,
            server: OnceLock::new(),
        }
    }

    fn auth(extensions: &Extensions) -> Option<&RequestAuth> {
        extensions
            .get::<axum::http::request::Parts>()?
            .extensions
            .get::<RequestAuth>()
    }

    /// The session's server, built from the first request that needs it.
    fn server(&self, extensions: &Extensions) -> Result<&CwServer, McpError> {
        if let Some(server) = self.server.get() {
            return Ok(server);
        }
        let auth = Self::auth(extensions)
            .ok_or_else(|| McpError::internal_error("the request carries no authentication facts", None))?;
        let server = self.shared.server_for(auth).map_err(|e| {
            McpError::internal_error(format!("cannot set up the ConnectWise client: {e}"), None)
        })?;
        Ok(self.server.get_or_init(|| server))
    }
}

impl ServerHandler for HttpSession {
    fn get_info(&self) -> ServerConfig {
        self.shared.role_server(Role::Admin).get_info()
    }

    async fn initialize(
        &self,
        request: InitializeRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<InitializeResult, McpError> {
        self.server(&context.extensions)?;
        context.peer.set_peer_info(request.clone());
        self.negotiate_initialize(&request)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let server = self.server(&context.extensions)?;
        Ok(ListToolsResult::with_all_items(server.tools().to_vec()))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let server = self
            .server
            .get()
            .unwrap_or_else(|| self.shared.role_server(Role::Admin));
        server.tools().iter().find(|t| t.name == name).cloned()
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let server = self.server(&context.extensions)?.clone();
        // Every call is re-checked against the role of the request itself,
        // not only the session's tool list.
        if let (Some(auth), Some(def)) = (
            Self::auth(&context.extensions),
            server.inventory().get(&request.name),
        ) && !auth.principal.role.allows(def.tier)
        {
            return Err(McpError::invalid_params(
                format!(
                    "tool `{}` is a {} tool; the role `{}` does not allow it",
                    def.name,
                    def.tier.as_str(),
                    auth.principal.role.as_str()
                ),
                Some(json!({"tool": def.name, "enabled": false})),
            ));
        }
        let limit = self.shared.call_timeout();
        let call = tokio::time::timeout(limit, server.call_from(request, &context));
        match crate::mcp::server::until_cancelled(&context, call).await? {
            Ok(result) => result.map(|r| CallToolResponse::from(server.deliver(r))),
            Err(_) => {
                let text = format!(
                    "the call did not finish within {} s (MCP_REQUEST_TIMEOUT_SECS); try a narrower query",
                    limit.as_secs()
                );
                let mut result = CallToolResult::error(vec![ContentBlock::text(text.clone())]);
                result.structured_content = Some(json!({"error": {"kind": "timeout", "message": text}}));
                Ok(CallToolResponse::from(server.deliver(result)))
            }
        }
    }

    // Prompts, resources and completions: the session's server answers, so
    // a resource read meets the session's role like a tool call does.
    async fn list_prompts(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        self.server(&context.extensions)?
            .clone()
            .list_prompts(request, context)
            .await
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        self.server(&context.extensions)?
            .clone()
            .get_prompt(request, context)
            .await
    }

    async fn list_resources(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourcesResult, McpError> {
        self.server(&context.extensions)?
            .clone()
            .list_resources(request, context)
            .await
    }

    async fn list_resource_templates(
        &self,
        request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListResourceTemplatesResult, McpError> {
        let server = self.server(&context.extensions)?.clone();
        server.list_resource_templates(request, context).await
    }

    async fn read_resource(
        &self,
        request: ReadResourceRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<ReadResourceResponse, McpError> {
        self.server(&context.extensions)?
            .clone()
            .read_resource(request, context)
            .await
    }

    async fn complete(
        &self,
        request: CompleteRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CompleteResult, McpError> {
        self.server(&context.extensions)?
            .clone()
            .complete(request, context)
            .await
    }

    async fn set_level(
        &self,
        request: crate::mcp::notify::SetLevel,
        context: RequestContext<RoleServer>,
    ) -> Result<(), McpError> {
        self.server(&context.extensions)?.set_log_level(&request);
        Ok(())
    }
}
