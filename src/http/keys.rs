//! Bring your own keys: a technician's own ConnectWise member keys, sent as
//! `x-cw-public-key` / `x-cw-private-key` (and optionally `x-cw-member-id`),
//! so ConnectWise applies their security role and attributes their notes
//! and time to them.
//!
//! The keys live only in the session's memory (the private key as a
//! [`Secret`]); the session is bound to a hash of them, and of the token's
//! label, so a request with other keys or another token is refused
//! ([`Bindings`]).

use super::auth::{Principal, digest};
use crate::client::Secret;
use axum::http::HeaderMap;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const PUBLIC_KEY_HEADER: &str = "x-cw-public-key";
pub const PRIVATE_KEY_HEADER: &str = "x-cw-private-key";
pub const MEMBER_ID_HEADER: &str = "x-cw-member-id";

/// Who may bring their own keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeysPolicy {
    /// Never: every session uses the server's keys.
    Disabled,
    /// Only with a valid role token (the default).
    #[default]
    WithToken,
    /// Anyone who can reach the server; ConnectWise checks the keys.
    Open,
}

impl KeysPolicy {
    pub fn parse(text: &str) -> Result<KeysPolicy, String> {
        match text.trim() {
            "disabled" => Ok(KeysPolicy::Disabled),
            "with-token" => Ok(KeysPolicy::WithToken),
            "open" => Ok(KeysPolicy::Open),
            other => Err(format!(
                "keys policy `{other}` (MCP_KEYS_POLICY / [http] keys_policy) is not one of: disabled, with-token, open"
            )),
        }
    }
}

/// A technician's keys, as sent on a request.
#[derive(Clone, Debug)]
pub struct MemberKeys {
    pub public_key: String,
    pub private_key: Secret,
    pub member_id: Option<String>,
}

impl MemberKeys {
    /// The keys a request carries: none, both, or an error naming the
    /// missing header.
    pub fn from_headers(headers: &HeaderMap) -> Result<Option<MemberKeys>, String> {
        let get = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
        };
        match (get(PUBLIC_KEY_HEADER), get(PRIVATE_KEY_HEADER)) {
            (None, None) if get(MEMBER_ID_HEADER).is_some() => Err(format!(
                "{MEMBER_ID_HEADER} was sent without {PUBLIC_KEY_HEADER} and {PRIVATE_KEY_HEADER}"
            )),
            (None, None) => Ok(None),
            (Some(_), None) => Err(format!(
                "{PUBLIC_KEY_HEADER} was sent without {PRIVATE_KEY_HEADER}"
            )),
            (None, Some(_)) => Err(format!(
                "{PRIVATE_KEY_HEADER} was sent without {PUBLIC_KEY_HEADER}"
            )),
            (Some(public), Some(private)) => Ok(Some(MemberKeys {
                public_key: public.to_owned(),
                private_key: Secret::new(private),
                member_id: get(MEMBER_ID_HEADER).map(str::to_owned),
            })),
        }
    }

    /// A digest of the keys (never the keys) that a session is bound to.
    pub fn fingerprint(&self) -> [u8; 32] {
        digest(&format!(
            "{}\n{}\n{}",
            self.public_key,
            self.private_key.expose(),
            self.member_id.as_deref().unwrap_or("")
        ))
    }

    /// Who the audit log says the session acts as.
    pub fn member(&self) -> String {
        self.member_id
            .clone()
            .unwrap_or_else(|| format!("key:{}", self.public_key))
    }
}

/// What a session was opened with: the token's label and the keys' digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub principal: Option<String>,
    pub keys: Option<[u8; 32]>,
}

impl Binding {
    pub fn of(principal: &Principal, keys: Option<&MemberKeys>) -> Binding {
        Binding {
            principal: principal.authenticated.then(|| principal.label.clone()),
            keys: keys.map(MemberKeys::fingerprint),
        }
    }

    /// Why a request with `other` may not use this session, if it may not.
    pub fn mismatch(&self, other: &Binding) -> Option<&'static str> {
        if self.principal != other.principal {
            Some("this session was opened with another token; open a new session (initialize) with yours")
        } else if self.keys != other.keys {
            Some(
                "this session is bound to the ConnectWise keys it was opened with; send the same x-cw-* headers on every request, or open a new session",
            )
        } else {
            None
        }
    }
}

/// Session id → binding, for stateful sessions. Entries idle longer than
/// `idle` are dropped (the MCP session has expired by then).
pub struct Bindings {
    map: Mutex<HashMap<String, (Binding, Instant)>>,
    idle: Duration,
}

impl Bindings {
    pub fn new(idle: Duration) -> Bindings {
        Bindings {
            map: Mutex::new(HashMap::new()),
            idle,
        }
    }

    pub fn bind(&self, session: &str, binding: Binding) {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if map.len() % 256 == 255 {
            map.retain(|_, (_, seen)| now.duration_since(*seen) < self.idle);
        }
        map.insert(session.to_owned(), (binding, now));
    }

    /// The session's binding (refreshing its idle time), if known.
    pub fn check(&self, session: &str) -> Option<Binding> {
        let mut map = self.map.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.get_mut(session)?;
        entry.1 = Instant::now();
        Some(entry.0.clone())
    }

    pub fn forget(&self, session: &str) {
        self.map.lock().unwrap_or_else(|e| e.into_inner()).remove(session);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn keys_come_in_pairs_and_never_show() {
        assert!(MemberKeys::from_headers(&headers(&[])).unwrap().is_none());
        let e = MemberKeys::from_headers(&headers(&[(PUBLIC_KEY_HEADER, "pub")])).unwrap_err();
        assert!(e.contains(PRIVATE_KEY_HEADER), "{e}");
        let k = MemberKeys::from_headers(&headers(&[
            (PUBLIC_KEY_HEADER, "pub"),
            (PRIVATE_KEY_HEADER, "very-private"),
        ]))
        .unwrap()
        .unwrap();
        assert!(!format!("{k:?}").contains("very-private"));
        assert_eq!(k.member(), "key:pub");
    }

    #[test]
    fn a_binding_refuses_other_keys_and_other_tokens() {
        let alice = Principal {
            label: "alice".into(),
            role: crate::http::auth::Role::Editor,
            authenticated: true,
            companies: None,
            member: None,
        };
        let keys = |private: &'static str| {
            MemberKeys::from_headers(&headers(&[
                (PUBLIC_KEY_HEADER, "pub"),
                (PRIVATE_KEY_HEADER, private),
            ]))
            .unwrap()
        };
        let bound = Binding::of(&alice, keys("one").as_ref());
        assert_eq!(bound.mismatch(&Binding::of(&alice, keys("one").as_ref())), None);
        assert!(
            bound
                .mismatch(&Binding::of(&alice, keys("two").as_ref()))
                .is_some()
        );
        assert!(bound.mismatch(&Binding::of(&alice, None)).is_some());
        assert!(
            bound
                .mismatch(&Binding::of(&Principal::anonymous(), keys("one").as_ref()))
                .is_some()
        );
    }
}
