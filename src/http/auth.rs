//! Role tokens: who a request is, from its `Authorization: Bearer` token.
//!
//! Tokens are configured per role as `label:token,label:token`
//! (`MCP_TOKENS_VIEWER`, `MCP_TOKENS_EDITOR`, `MCP_TOKENS_ADMIN`, or the
//! `[http.tokens]` lists of the config file). A token may be stored hashed,
//! `label:sha256:<64 hex digits>`, so the file never holds it. Every token
//! is kept only as its SHA-256 digest, and a presented token's digest is
//! compared with every configured one in constant time.

use crate::client::Pin;
use crate::tool::{Access, Tier};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// What a token's holder may do, within the server's own gate: a viewer
/// reads, an editor also writes, an admin also deletes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Editor,
    Admin,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Viewer, Role::Editor, Role::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Editor => "editor",
            Role::Admin => "admin",
        }
    }

    /// Whether this role may use a tool of `tier`.
    pub fn allows(self, tier: Tier) -> bool {
        self >= Role::needed_for(tier)
    }

    /// The least role that may use a tool of `tier`.
    pub fn needed_for(tier: Tier) -> Role {
        match tier {
            Tier::Read => Role::Viewer,
            Tier::Write => Role::Editor,
            Tier::Delete => Role::Admin,
        }
    }

    /// The server's `access` narrowed to this role; a refusal says which
    /// token would do.
    pub fn narrow(self, mut access: Access) -> Access {
        for tier in [Tier::Write, Tier::Delete] {
            if !self.allows(tier) {
                access = access.deny(
                    tier,
                    format!(
                        "your token's role `{}` does not allow it (it needs an `{}` token)",
                        self.as_str(),
                        Role::needed_for(tier).as_str()
                    ),
                );
            }
        }
        access
    }
}

/// Who made a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// The token's label (a person or a client); `anonymous` without tokens.
    pub label: String,
    pub role: Role,
    /// Whether a token proved it (false only when no tokens are configured).
    pub authenticated: bool,
    /// The companies the token is limited to (`[http.companies]`); `None`: all.
    pub companies: Option<Pin>,
    /// The ConnectWise member this person is (OAuth's `[oauth.members]`);
    /// `None`: the server's own member.
    pub member: Option<String>,
}

impl Principal {
    /// Everyone, when the server has no tokens: the server's gate alone applies.
    pub fn anonymous() -> Principal {
        Principal {
            label: "anonymous".into(),
            role: Role::Admin,
            authenticated: false,
            companies: None,
            member: None,
        }
    }
}

struct Entry {
    label: String,
    role: Role,
    digest: [u8; 32],
    companies: Option<Pin>,
}

/// The configured tokens of every role.
#[derive(Default)]
pub struct Tokens {
    entries: Vec<Entry>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let labels: Vec<String> = self
            .entries
            .iter()
            .map(|e| format!("{}:{}", e.label, e.role.as_str()))
            .collect();
        f.debug_struct("Tokens").field("labels", &labels).finish()
    }
}

/// Why a request is not authenticated.
#[derive(Debug, PartialEq, Eq)]
pub enum AuthError {
    Missing,
    Malformed,
    Invalid,
}

impl Tokens {
    /// Adds a role's `label:token,label:token` list; `source` names where it
    /// came from in errors (never the token itself).
    pub fn add_list(&mut self, role: Role, source: &str, list: &str) -> Result<(), String> {
        for item in list.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            self.add(role, source, item)?;
        }
        Ok(())
    }

    /// Adds one `label:token` or `label:sha256:<hex>`.
    pub fn add(&mut self, role: Role, source: &str, item: &str) -> Result<(), String> {
        let (label, token) = item
            .split_once(':')
            .map(|(l, t)| (l.trim(), t.trim()))
            .filter(|(l, t)| !l.is_empty() && !t.is_empty())
            .ok_or_else(|| {
                format!("{source}: an entry is not `label:token` (labels name who holds the token, e.g. `alice:…`)")
            })?;
        let digest = match token.strip_prefix("sha256:") {
            Some(hex) => parse_hex32(hex).ok_or_else(|| {
                format!("{source}: token of `{label}`: `sha256:` must be followed by 64 hex digits")
            })?,
            None if token.len() < 16 => {
                return Err(format!(
                    "{source}: token of `{label}` is shorter than 16 characters; use a long random token (e.g. `openssl rand -hex 32`)"
                ));
            }
            None => digest(token),
        };
        if self.entries.iter().any(|e| e.label == label) {
            return Err(format!(
                "{source}: label `{label}` is used twice; labels name principals in the audit log"
            ));
        }
        self.entries.push(Entry {
            label: label.to_owned(),
            role,
            digest,
            companies: None,
        });
        Ok(())
    }

    /// Limits the token labelled `label` to `pin`'s companies.
    pub fn limit(&mut self, label: &str, pin: Pin) -> Result<(), String> {
        let entry = self
            .entries
            .iter_mut()
            .find(|e| e.label == label)
            .ok_or_else(|| format!("no token is labelled `{label}` (company limits name a token's label)"))?;
        entry.companies = Some(pin);
        Ok(())
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The principal behind an `Authorization` header value. Every entry is
    /// compared, in constant time, whatever matches.
    pub fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, AuthError> {
        let value = authorization.ok_or(AuthError::Missing)?;
        let (scheme, token) = value.trim().split_once(' ').ok_or(AuthError::Malformed)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(AuthError::Malformed);
        }
        let presented = digest(token.trim());
        let mut found: Option<&Entry> = None;
        for entry in &self.entries {
            if bool::from(entry.digest.ct_eq(&presented)) {
                found = Some(entry);
            }
        }
        found
            .map(|e| Principal {
                label: e.label.clone(),
                role: e.role,
                authenticated: true,
                companies: e.companies.clone(),
                member: None,
            })
            .ok_or(AuthError::Invalid)
    }
}

/// SHA-256 of a string.
pub fn digest(text: &str) -> [u8; 32] {
    Sha256::digest(text.as_bytes()).into()
}

/// `sha256:<hex>` of a token, the form to store in a config file.
pub fn hashed_form(token: &str) -> String {
    let hex: String = digest(token).iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

fn parse_hex32(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 || !hex.is_ascii() {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "alice-token-0123456789";

    #[test]
    fn a_role_narrows_the_servers_access_and_says_which_token_would_do() {
        let server = Access::all();
        let viewer = Role::Viewer.narrow(server.clone());
        assert!(viewer.allows(Tier::Read) && !viewer.allows(Tier::Write) && !viewer.allows(Tier::Delete));
        assert_eq!(
            viewer.why_not(Tier::Write),
            Some("your token's role `viewer` does not allow it (it needs an `editor` token)")
        );
        let editor = Role::Editor.narrow(server.clone());
        assert!(editor.allows(Tier::Write) && !editor.allows(Tier::Delete));
        assert_eq!(Role::Admin.narrow(server.clone()), server);
        // A role never widens what the server allows.
        let read_only = Access::read_only(
            "start the server with --allow-writes",
            "start it with --allow-deletes",
        );
        assert!(!Role::Admin.narrow(read_only).allows(Tier::Write));
    }

    #[test]
    fn plain_and_hashed_tokens_authenticate_with_their_role() {
        let mut t = Tokens::default();
        t.add_list(Role::Viewer, "MCP_TOKENS_VIEWER", &format!("alice:{ALICE}"))
            .unwrap();
        t.add_list(
            Role::Admin,
            "[http.tokens] admin",
            &format!("bob:{}", hashed_form("bob-token-0123456789")),
        )
        .unwrap();
        let alice = t.authenticate(Some(&format!("Bearer {ALICE}"))).unwrap();
        assert_eq!((alice.label.as_str(), alice.role), ("alice", Role::Viewer));
        let bob = t.authenticate(Some("bearer bob-token-0123456789")).unwrap();
        assert_eq!((bob.label.as_str(), bob.role), ("bob", Role::Admin));
        assert_eq!(t.authenticate(None), Err(AuthError::Missing));
        assert_eq!(t.authenticate(Some(ALICE)), Err(AuthError::Malformed));
        assert_eq!(
            t.authenticate(Some("Bearer alice-token-wrong")),
            Err(AuthError::Invalid)
        );
    }

    #[test]
    fn bad_entries_are_named_without_the_token() {
        let mut t = Tokens::default();
        let e = t
            .add_list(Role::Editor, "MCP_TOKENS_EDITOR", "no-label-here")
            .unwrap_err();
        assert!(
            e.contains("MCP_TOKENS_EDITOR") && e.contains("label:token"),
            "{e}"
        );
        let e = t
            .add_list(Role::Editor, "MCP_TOKENS_EDITOR", "carol:short")
            .unwrap_err();
        assert!(e.contains("carol") && !e.contains("short "), "{e}");
        let e = t.add_list(Role::Editor, "X", "dave:sha256:abc").unwrap_err();
        assert!(e.contains("64 hex"), "{e}");
    }
}
