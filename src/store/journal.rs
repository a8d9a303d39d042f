//! The write journal: every write the server made, per caller, with the
//! request, the record before and the record after, so that a write can be
//! shown, recognised when a model repeats it (idempotent creates) and
//! reverted (`cw_undo`). Rows are never updated except to note an undo.

use super::{Engine, Store, dispatch};
use serde_json::Value;

/// One journaled write.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    /// The journal's own id (`cw_undo {"id": …}`).
    pub id: i64,
    pub tool: String,
    /// `POST`, `PATCH`, `PUT` or `DELETE`.
    pub method: String,
    /// The request path, below the API root.
    pub path: String,
    pub body: Option<Value>,
    /// The record before the write (updates and deletes).
    pub before: Option<Value>,
    /// The record as ConnectWise answered it (creates and updates).
    pub after: Option<Value>,
    /// The path of the record the write made or changed (`/service/tickets/8`).
    pub record_path: String,
    /// What identifies the same create repeated (caller, tool, request).
    pub fingerprint: Option<String>,
    /// Seconds since the Unix epoch.
    pub at: i64,
    /// The journal id of the write that undid this one.
    pub undone_by: Option<i64>,
}

impl Store {
    /// Journals a write as this store's owner's; returns its journal id.
    pub async fn journal(&self, w: Written) -> Result<i64, String> {
        dispatch!(self, journal(&self.owner, w))
    }

    /// The owner's latest write with `fingerprint` made at or after `since`.
    pub async fn journaled_since(&self, fingerprint: &str, since: i64) -> Result<Option<Written>, String> {
        dispatch!(self, journaled_since(&self.owner, fingerprint, since))
    }

    /// The owner's latest `limit` writes, newest first.
    pub async fn journal_recent(&self, limit: i64) -> Result<Vec<Written>, String> {
        dispatch!(self, journal_recent(&self.owner, limit))
    }

    /// One of the owner's writes.
    pub async fn journal_entry(&self, id: i64) -> Result<Option<Written>, String> {
        dispatch!(self, journal_entry(&self.owner, id))
    }

    /// Notes that write `id` was undone by write `by`.
    pub async fn journal_undone(&self, id: i64, by: i64) -> Result<(), String> {
        dispatch!(self, journal_undone(&self.owner, id, by))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn note(fingerprint: &str, at: i64) -> Written {
        Written {
            id: 0,
            tool: "cw_add_ticket_note".into(),
            method: "POST".into(),
            path: "/service/tickets/8/notes".into(),
            body: Some(json!({"text": "hi"})),
            before: None,
            after: Some(json!({"id": 3, "text": "hi"})),
            record_path: "/service/tickets/8/notes/3".into(),
            fingerprint: Some(fingerprint.into()),
            at,
            undone_by: None,
        }
    }

    #[tokio::test]
    async fn writes_are_found_by_fingerprint_within_the_window_and_per_owner() {
        let store = Store::new(Some(":memory:".into()));
        let (alice, bob) = (store.for_owner("alice"), store.for_owner("bob"));
        let id = alice.journal(note("f1", 1_000)).await.unwrap();
        assert_eq!(alice.journaled_since("f1", 900).await.unwrap().unwrap().id, id);
        assert!(
            alice.journaled_since("f1", 1_001).await.unwrap().is_none(),
            "outside the window"
        );
        assert!(
            bob.journaled_since("f1", 0).await.unwrap().is_none(),
            "another caller's"
        );
        assert!(bob.journal_entry(id).await.unwrap().is_none());
        let undo = alice.journal(note("f2", 1_010)).await.unwrap();
        alice.journal_undone(id, undo).await.unwrap();
        let recent = alice.journal_recent(10).await.unwrap();
        assert_eq!(recent.iter().map(|w| w.id).collect::<Vec<_>>(), [undo, id]);
        assert_eq!(recent[1].undone_by, Some(undo));
        assert_eq!(recent[1].after, Some(json!({"id": 3, "text": "hi"})));
    }
}
