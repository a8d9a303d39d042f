//! Asking the user in their client (MCP elicitation): the write path's
//! confirmation ([`crate::tool::write::User`]) where the client declared it
//! can show a form. Other clients get the confirmation token instead.

use crate::tool::write::{Answered, AskUser, TOKEN_LIFETIME, User};
use rmcp::RoleServer;
use rmcp::model::{ElicitRequestParams, ElicitationAction, ElicitationSchema};
use rmcp::service::{ElicitationMode, Peer};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// The one field of the form: does the user agree.
const FIELD: &str = "send";

/// The user behind `peer`, if their client can show a form.
pub fn user_of(peer: &Peer<RoleServer>) -> Option<User> {
    peer.supported_elicitation_modes()
        .contains(&ElicitationMode::Form)
        .then(|| User(Arc::new(Client(peer.clone()))))
}

struct Client(Peer<RoleServer>);

impl AskUser for Client {
    fn confirm(&self, message: String) -> Pin<Box<dyn Future<Output = Answered> + Send + '_>> {
        Box::pin(async move {
            let Ok(schema) = ElicitationSchema::builder()
                .required_bool_with(FIELD, |b| {
                    b.title("Send to ConnectWise")
                        .description("Tick to make this change")
                })
                .build()
            else {
                return Answered::NotAsked;
            };
            let params = ElicitRequestParams::FormElicitationParams {
                meta: None,
                message,
                requested_schema: schema,
            };
            match self
                .0
                .create_elicitation_with_timeout(params, Some(TOKEN_LIFETIME))
                .await
            {
                Ok(answer) => match answer.action {
                    ElicitationAction::Accept if agreed(answer.content.as_ref()) => Answered::Yes,
                    ElicitationAction::Accept => Answered::No("the user did not tick send".into()),
                    ElicitationAction::Decline => Answered::No("the user declined the write".into()),
                    _ => Answered::No("the user dismissed the question".into()),
                },
                Err(rmcp::ServiceError::Timeout { .. }) => Answered::No(format!(
                    "the user did not answer within {} s",
                    TOKEN_LIFETIME.as_secs()
                )),
                Err(e) => {
                    tracing::warn!(error = %e, "elicitation failed; falling back to a confirmation token");
                    Answered::NotAsked
                }
            }
        })
    }
}

/// The form came back with `send: true`.
fn agreed(content: Option<&serde_json::Value>) -> bool {
    content.and_then(|c| c.get(FIELD)).and_then(|v| v.as_bool()) == Some(true)
}
