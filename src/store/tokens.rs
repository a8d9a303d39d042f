//! Confirmation tokens: a write waiting for the user's yes is answered with
//! a token bound to exactly that request (its digest); the call that brings
//! the token back writes. Tokens live in the store, not in the process, so
//! that with several instances behind a load balancer the call that brings
//! it back may land on any of them. A token is used once: redeeming deletes
//! it in one statement, so of two calls with the same token one wins.
//! Only the token's SHA-256 is stored.

use super::{Engine, Store, dispatch};
use sha2::{Digest, Sha256};

/// What redeeming a token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// Issued for this digest, in time (and now used up).
    Fits,
    /// Issued for another request (now used up all the same).
    OtherRequest,
    /// Never issued, already used, or expired.
    Unknown,
}

fn hashed(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl Store {
    /// Keeps `token` for `digest` until `expires_at` (seconds since the
    /// epoch), dropping expired ones by the way.
    pub async fn token_issue(
        &self,
        token: &str,
        digest: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<(), String> {
        dispatch!(
            self,
            token_issue(hashed(token), digest.to_owned(), expires_at, now)
        )
    }

    /// Uses `token` up, saying whether it was issued for `digest` and is
    /// still valid at `now`.
    pub async fn token_redeem(&self, token: &str, digest: &str, now: i64) -> Result<Redeemed, String> {
        let found = dispatch!(self, token_redeem(hashed(token)))?;
        Ok(match found {
            Some((d, expires_at)) if expires_at >= now && d == digest => Redeemed::Fits,
            Some((_, expires_at)) if expires_at >= now => Redeemed::OtherRequest,
            _ => Redeemed::Unknown,
        })
    }
}
