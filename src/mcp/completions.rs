//! Completions (`completion/complete`) for the arguments people type:
//! board names, a board's statuses, priorities, company and member
//! identifiers, operationIds.
//!
//! Names come from ConnectWise through the session's client, read with the
//! generated calls the tools use, and are kept for [`FRESH_FOR`] so that
//! typing a word letter by letter costs one request, not one per letter.
//! Companies and members can number thousands, so they are asked for by
//! prefix (`identifier like "AC%"`, the value escaped by the conditions
//! printer); boards, statuses and priorities are short lists read whole.
//! Matching is by case-insensitive prefix; at most
//! [`CompletionInfo::MAX_VALUES`] values go back, with `total` and `hasMore`.

use super::prompts;
use super::resources;
use super::server::CwServer;
use crate::client::{ApiError, ConnectWise};
use crate::conditions::{CompareOp, Expr, FieldPath};
use rmcp::ErrorData as McpError;
use rmcp::model::{CompleteRequestParams, CompleteResult, CompletionContext, CompletionInfo, Reference};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a list read from ConnectWise answers completions.
pub const FRESH_FOR: Duration = Duration::from_secs(60);

/// The most records one completion reads.
const PAGE: i32 = 1000;

/// What an argument's values are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Service board names.
    Board,
    /// Status names of the board the `board` argument names.
    BoardStatus,
    /// Ticket priority names.
    Priority,
    /// Company identifiers.
    Company,
    /// Member identifiers.
    Member,
    /// operationIds of the spec.
    OperationId,
}

/// `completion/complete`: the values of an argument that has any, nothing
/// for one that has none. A failure to read them from ConnectWise is an
/// internal error carrying ConnectWise's message.
pub async fn complete(
    server: &CwServer,
    completer: &Completer,
    request: &CompleteRequestParams,
) -> Result<CompleteResult, McpError> {
    let Some(kind) = kind_for(&request.r#ref, &request.argument.name) else {
        return Ok(CompleteResult::default());
    };
    completer
        .complete(
            server.connectwise(),
            kind,
            &request.argument.value,
            request.context.as_ref(),
        )
        .await
        .map(CompleteResult::new)
        .map_err(|e| McpError::internal_error(format!("completing {}: {e}", request.argument.name), None))
}

/// What completes `argument` of the prompt or resource template `reference`.
pub fn kind_for(reference: &Reference, argument: &str) -> Option<Kind> {
    match reference {
        Reference::Prompt(p) => {
            prompts::by_name(&p.name)?
                .arguments
                .iter()
                .find(|a| a.name == argument)?
                .completes
        }
        Reference::Resource(r) => resources::completes(&r.uri, argument),
        _ => None,
    }
}

/// Recently read lists, by what was asked.
#[derive(Default)]
pub struct Completer {
    cache: Mutex<HashMap<String, (Instant, Vec<Value>)>>,
}

impl Completer {
    /// The values of `kind` starting with `prefix`. `context` holds the
    /// arguments already chosen (a status needs its board).
    pub async fn complete(
        &self,
        cw: Result<&ConnectWise, String>,
        kind: Kind,
        prefix: &str,
        context: Option<&CompletionContext>,
    ) -> Result<CompletionInfo, String> {
        let values: Vec<String> = match kind {
            Kind::OperationId => crate::catalog::operations()
                .iter()
                .map(|op| op.id.to_owned())
                .collect(),
            _ => self
                .names(cw?, kind, prefix, context)
                .await
                .map_err(|e| e.to_string())?,
        };
        Ok(matching(values, prefix))
    }

    async fn names(
        &self,
        cw: &ConnectWise,
        kind: Kind,
        prefix: &str,
        context: Option<&CompletionContext>,
    ) -> Result<Vec<String>, ApiError> {
        let (records, field) = match kind {
            Kind::Board => (self.boards(cw).await?, "name"),
            Kind::BoardStatus => {
                let Some(chosen) = context.and_then(|c| c.get_argument("board")) else {
                    return Ok(Vec::new());
                };
                let Some(board) = board_id(&self.boards(cw).await?, chosen) else {
                    return Ok(Vec::new());
                };
                let key = format!("statuses:{board}");
                let read = cw.api().get_service_boards_by_parent_id_statuses(
                    board,
                    None,
                    None,
                    None,
                    Some("id,name"),
                    Some("sortOrder"),
                    None,
                    None,
                    Some(PAGE),
                );
                (self.cached(key, cw.read(read)).await?, "name")
            }
            Kind::Priority => {
                let read = cw.api().get_service_priorities(
                    None,
                    None,
                    None,
                    Some("id,name"),
                    Some("sortOrder"),
                    None,
                    None,
                    Some(PAGE),
                );
                (self.cached("priorities".into(), cw.read(read)).await?, "name")
            }
            Kind::Company => {
                let filter = starts_with("identifier", prefix);
                let read = cw.api().get_company_companies(
                    None,
                    filter.as_deref(),
                    None,
                    Some("id,identifier"),
                    Some("identifier"),
                    None,
                    None,
                    Some(PAGE),
                );
                (
                    self.cached(format!("companies:{prefix}"), cw.read(read)).await?,
                    "identifier",
                )
            }
            Kind::Member => {
                let filter = starts_with("identifier", prefix);
                let read = cw.api().get_system_members(
                    None,
                    filter.as_deref(),
                    None,
                    Some("id,identifier"),
                    Some("identifier"),
                    None,
                    None,
                    Some(PAGE),
                );
                (
                    self.cached(format!("members:{prefix}"), cw.read(read)).await?,
                    "identifier",
                )
            }
            Kind::OperationId => return Ok(Vec::new()),
        };
        Ok(records
            .iter()
            .filter_map(|r| r[field].as_str())
            .map(str::to_owned)
            .collect())
    }

    async fn boards(&self, cw: &ConnectWise) -> Result<Vec<Value>, ApiError> {
        let read = cw.api().get_service_boards(
            None,
            None,
            None,
            Some("id,name"),
            Some("name"),
            None,
            None,
            Some(PAGE),
        );
        self.cached("boards".into(), cw.read(read)).await
    }

    /// The records under `key` if read within [`FRESH_FOR`], else `read`'s.
    async fn cached(
        &self,
        key: String,
        read: impl Future<Output = Result<Value, ApiError>>,
    ) -> Result<Vec<Value>, ApiError> {
        if let Some((at, records)) = self.lock().get(&key)
            && at.elapsed() < FRESH_FOR
        {
            return Ok(records.clone());
        }
        let records = match read.await? {
            Value::Array(records) => records,
            _ => Vec::new(),
        };
        let mut cache = self.lock();
        cache.retain(|_, (at, _)| at.elapsed() < FRESH_FOR);
        cache.insert(key, (Instant::now(), records.clone()));
        Ok(records)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (Instant, Vec<Value>)>> {
        self.cache.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `field like "prefix%"`, printed with the prefix escaped; none for no prefix.
fn starts_with(field: &str, prefix: &str) -> Option<String> {
    let prefix = prefix.trim();
    if prefix.is_empty() {
        return None;
    }
    let field = FieldPath::parse(field).expect("a fixed field path");
    Some(Expr::compare(field, CompareOp::Like, format!("{prefix}%")).to_string())
}

/// The id of the board named `name` (any case) among `boards`.
fn board_id(boards: &[Value], name: &str) -> Option<i32> {
    boards
        .iter()
        .find(|b| {
            b["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name.trim()))
        })
        .and_then(|b| b["id"].as_i64())
        .and_then(|id| i32::try_from(id).ok())
}

/// The values starting with `prefix` (any case), at most the protocol's 100,
/// with how many matched.
pub fn matching(values: Vec<String>, prefix: &str) -> CompletionInfo {
    let prefix = prefix.trim().to_lowercase();
    let mut hits: Vec<String> = values
        .into_iter()
        .filter(|v| v.to_lowercase().starts_with(&prefix))
        .collect();
    hits.dedup();
    let total = hits.len();
    hits.truncate(CompletionInfo::MAX_VALUES);
    let more = total > hits.len();
    CompletionInfo::with_pagination(hits, u32::try_from(total).ok(), more).expect("at most MAX_VALUES")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_is_by_prefix_in_any_case_and_capped() {
        let info = matching(
            vec!["Service Desk".into(), "Projects".into(), "service ops".into()],
            "serv",
        );
        assert_eq!(info.values, ["Service Desk", "service ops"]);
        assert_eq!((info.total, info.has_more), (Some(2), Some(false)));
        let many: Vec<String> = (0..250).map(|i| format!("get{i}")).collect();
        let info = matching(many, "GET");
        assert_eq!(
            (info.values.len(), info.total, info.has_more),
            (100, Some(250), Some(true))
        );
    }

    #[test]
    fn a_typed_prefix_cannot_change_the_filter() {
        assert_eq!(starts_with("identifier", " "), None);
        assert_eq!(
            starts_with("identifier", r#"A" or 1=1 or x="#).unwrap(),
            r#"identifier like "A\" or 1=1 or x=%""#
        );
    }

    #[test]
    fn prompt_arguments_name_what_completes_them() {
        let board = Reference::for_prompt("triage_board");
        assert_eq!(kind_for(&board, "board"), Some(Kind::Board));
        assert_eq!(kind_for(&board, "status"), Some(Kind::BoardStatus));
        assert_eq!(
            kind_for(&Reference::for_prompt("customer_briefing"), "company"),
            Some(Kind::Company)
        );
        assert_eq!(
            kind_for(&Reference::for_prompt("close_out_ticket"), "ticket_id"),
            None
        );
        assert_eq!(kind_for(&Reference::for_prompt("nope"), "board"), None);
    }
}
