//! OAuth 2.1 sign-in, as the MCP authorization spec describes it: this
//! server is a protected resource, the company's identity provider the
//! authorization server.
//!
//! - Protected-resource metadata (RFC 9728) at
//!   `/.well-known/oauth-protected-resource` and its path-suffixed form
//!   (`…/mcp`): the resource and its issuer, so a client knows where to sign in.
//! - A request without a good token gets a 401 whose `WWW-Authenticate:
//!   Bearer` challenge names that document (`resource_metadata`), with
//!   `error="invalid_token"` when a token was given; a good token whose
//!   claims map to no role gets a 403 `insufficient_scope`.
//! - Access tokens are JWTs checked against the issuer's published keys
//!   (JWKS): signature, `iss`, `aud` (this server), `exp` and `nbf` with a
//!   small leeway. The keys are fetched from the issuer's discovery document
//!   and cached; a token signed by a key not in the cache fetches them again
//!   (key rotation), at most once per [`OAuthSettings::jwks_min_refetch`].
//!
//! The JWKS fetch is the only request the server makes besides ConnectWise:
//! to `{issuer}/.well-known/openid-configuration` and the `jwks_uri` it
//! names (or only to `jwks_uri` when it is set).

use super::auth::{Principal, Role};
use jsonwebtoken::jwk::{Jwk, JwkSet};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

pub const DEFAULT_ROLES_CLAIM: &str = "roles";
pub const DEFAULT_USER_CLAIMS: [&str; 3] = ["preferred_username", "email", "sub"];
pub const DEFAULT_LEEWAY_SECS: u64 = 60;
pub const DEFAULT_JWKS_MIN_REFETCH_SECS: u64 = 30;
pub const DEFAULT_JWKS_MAX_AGE_SECS: u64 = 3600;
const METADATA_PATH: &str = "/.well-known/oauth-protected-resource";
/// Longest the issuer may take to answer a key fetch.
const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// How tokens are checked and what their claims mean here.
#[derive(Clone, Debug)]
pub struct OAuthSettings {
    /// The issuer, exactly as tokens' `iss` spells it.
    pub issuer: String,
    /// What tokens' `aud` must hold: this server.
    pub audience: String,
    /// This server's public URL of `/mcp` (RFC 9728's `resource`).
    pub resource: url::Url,
    /// Where the keys are; `None`: from the issuer's discovery document.
    pub jwks_uri: Option<String>,
    /// The claim that carries roles: a list (`roles`, `groups`) or a
    /// space-separated string (`scope`, `scp`).
    pub roles_claim: String,
    /// The claim values that grant each role (the highest granted wins).
    pub role_values: BTreeMap<Role, Vec<String>>,
    /// Claims tried in order for the user's name in the audit log.
    pub user_claims: Vec<String>,
    /// User name → ConnectWise member identifier ("my tickets").
    pub members: BTreeMap<String, String>,
    pub leeway: Duration,
    pub jwks_min_refetch: Duration,
    pub jwks_max_age: Duration,
}

impl OAuthSettings {
    /// The metadata document's paths: the bare one and the one suffixed
    /// with the resource's path (`/.well-known/oauth-protected-resource/mcp`).
    pub fn metadata_paths(&self) -> Vec<String> {
        let mut paths = vec![METADATA_PATH.to_owned()];
        let suffix = self.resource.path().trim_end_matches('/');
        if !suffix.is_empty() {
            paths.push(format!("{METADATA_PATH}{suffix}"));
        }
        paths
    }

    /// The metadata document's URL, for challenges.
    pub fn metadata_url(&self) -> String {
        let mut url = self.resource.clone();
        let suffix = self.resource.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{METADATA_PATH}{suffix}"));
        url.set_query(None);
        url.to_string()
    }

    /// RFC 9728's document.
    pub fn metadata(&self) -> Value {
        let mut doc = json!({
            "resource": self.resource.as_str(),
            "authorization_servers": [self.issuer],
            "bearer_methods_supported": ["header"],
            "resource_name": "ConnectWise MCP",
        });
        if self.roles_are_scopes() {
            let scopes: Vec<&String> = self.role_values.values().flatten().collect();
            doc["scopes_supported"] = json!(scopes);
        }
        doc
    }

    fn roles_are_scopes(&self) -> bool {
        matches!(self.roles_claim.as_str(), "scope" | "scp")
    }

    /// The highest role the claims grant.
    fn role_of(&self, claims: &Value) -> Option<Role> {
        let granted: Vec<&str> = match &claims[&self.roles_claim] {
            Value::String(s) => s.split_whitespace().collect(),
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        Role::ALL.into_iter().rev().find(|role| {
            self.role_values
                .get(role)
                .is_some_and(|values| values.iter().any(|v| granted.contains(&v.as_str())))
        })
    }

    fn user_of(&self, claims: &Value) -> Option<String> {
        self.user_claims
            .iter()
            .filter_map(|c| claims[c].as_str())
            .find(|s| !s.trim().is_empty())
            .map(str::to_owned)
    }
}

/// Why a request is refused; each becomes a challenge.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No token: 401 with the bare challenge.
    Missing,
    /// A bad token: 401 `invalid_token`, saying why.
    Invalid(String),
    /// A good token that grants no role here: 403 `insufficient_scope`.
    NoRole(String),
}

impl Refusal {
    /// The `WWW-Authenticate` value (RFC 6750 §3, RFC 9728 §5.1).
    pub fn challenge(&self, settings: &OAuthSettings) -> String {
        let metadata = format!("resource_metadata=\"{}\"", settings.metadata_url());
        match self {
            Refusal::Missing => format!("Bearer {metadata}"),
            Refusal::Invalid(why) => format!(
                "Bearer error=\"invalid_token\", error_description=\"{}\", {metadata}",
                quoted(why)
            ),
            Refusal::NoRole(why) => {
                let scope = settings
                    .role_values
                    .values()
                    .flatten()
                    .cloned()
                    .collect::<Vec<_>>()
                    .join(" ");
                format!(
                    "Bearer error=\"insufficient_scope\", error_description=\"{}\", scope=\"{}\", {metadata}",
                    quoted(why),
                    quoted(&scope)
                )
            }
        }
    }
}

/// A quoted-string's content: no quotes, backslashes or control characters.
fn quoted(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c == '"' || c == '\\' || c.is_control() {
                '\''
            } else {
                c
            }
        })
        .collect()
}

/// The issuer's keys as last fetched.
struct Cache {
    keys: JwkSet,
    fetched: Option<Instant>,
}

/// Checks access tokens: the settings, the key cache, the HTTP client.
pub struct Verifier {
    pub settings: OAuthSettings,
    cache: Mutex<Cache>,
    http: reqwest::Client,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("settings", &self.settings)
            .finish()
    }
}

impl Verifier {
    pub fn new(settings: OAuthSettings) -> Result<Verifier, String> {
        let http = crate::client::tls::client_builder()
            .timeout(FETCH_TIMEOUT)
            .build()
            .map_err(|e| format!("OAuth: cannot build the HTTP client for the issuer's keys: {e}"))?;
        Ok(Verifier {
            settings,
            cache: Mutex::new(Cache {
                keys: JwkSet { keys: Vec::new() },
                fetched: None,
            }),
            http,
        })
    }

    /// Who the `Authorization` header's access token is.
    pub async fn authenticate(&self, authorization: Option<&str>) -> Result<Principal, Refusal> {
        let token = bearer(authorization)?;
        let header = jsonwebtoken::decode_header(token)
            .map_err(|_| Refusal::Invalid("the token is not a JWT".into()))?;
        if !is_asymmetric(header.alg) {
            return Err(Refusal::Invalid(format!(
                "tokens signed with {:?} are not accepted",
                header.alg
            )));
        }
        let jwk = self.key(header.kid.as_deref()).await?;
        let key = DecodingKey::from_jwk(&jwk)
            .map_err(|e| Refusal::Invalid(format!("the issuer's key cannot be used: {e}")))?;
        let claims = jsonwebtoken::decode::<Value>(token, &key, &self.validation(header.alg))
            .map_err(|e| Refusal::Invalid(why_invalid(&e)))?
            .claims;
        let s = &self.settings;
        let user = s.user_of(&claims).ok_or_else(|| {
            Refusal::Invalid(format!(
                "the token names no user (claims {})",
                s.user_claims.join(", ")
            ))
        })?;
        let role = s.role_of(&claims).ok_or_else(|| {
            Refusal::NoRole(format!(
                "`{user}` has no role on this server in claim `{}`",
                s.roles_claim
            ))
        })?;
        Ok(Principal {
            member: s.members.get(&user).cloned(),
            label: user,
            role,
            authenticated: true,
            companies: None,
        })
    }

    fn validation(&self, alg: Algorithm) -> Validation {
        let mut v = Validation::new(alg);
        v.set_issuer(&[&self.settings.issuer]);
        v.set_audience(&[&self.settings.audience]);
        v.set_required_spec_claims(&["exp", "iss", "aud"]);
        v.leeway = self.settings.leeway.as_secs();
        v.validate_nbf = true;
        v
    }

    /// The key a token names: from the cache while it is fresh and has it;
    /// else fetched again, unless the last fetch was too recent.
    async fn key(&self, kid: Option<&str>) -> Result<Jwk, Refusal> {
        let mut cache = self.cache.lock().await;
        let age = cache.fetched.map(|at| at.elapsed());
        let fresh = age.is_some_and(|a| a < self.settings.jwks_max_age);
        if fresh && let Some(jwk) = find(&cache.keys, kid) {
            return Ok(jwk);
        }
        let may_fetch = age.is_none_or(|a| a >= self.settings.jwks_min_refetch);
        if may_fetch {
            match self.fetch().await {
                Ok(keys) => {
                    cache.keys = keys;
                    cache.fetched = Some(Instant::now());
                }
                Err(e) => {
                    tracing::warn!("OAuth: {e}");
                    if !fresh {
                        return Err(Refusal::Invalid("the issuer's keys cannot be fetched".into()));
                    }
                }
            }
        }
        find(&cache.keys, kid).ok_or_else(|| {
            Refusal::Invalid("the token is signed by a key the issuer does not publish".into())
        })
    }

    /// The issuer's JWKS, through its discovery document unless `jwks_uri` is set.
    async fn fetch(&self) -> Result<JwkSet, String> {
        let s = &self.settings;
        let jwks_uri = match &s.jwks_uri {
            Some(uri) => uri.clone(),
            None => {
                let url = format!(
                    "{}/.well-known/openid-configuration",
                    s.issuer.trim_end_matches('/')
                );
                let doc: Value = self.get_json(&url).await?;
                if doc["issuer"].as_str() != Some(s.issuer.as_str()) {
                    return Err(format!(
                        "{url} names issuer {} rather than {}",
                        doc["issuer"], s.issuer
                    ));
                }
                doc["jwks_uri"]
                    .as_str()
                    .ok_or_else(|| format!("{url} has no jwks_uri"))?
                    .to_owned()
            }
        };
        let keys: Value = self.get_json(&jwks_uri).await?;
        // Keys of types this crate cannot use are skipped, not fatal.
        let usable = keys["keys"]
            .as_array()
            .ok_or_else(|| format!("{jwks_uri} is not a JWKS"))?
            .iter()
            .filter_map(|k| serde_json::from_value::<Jwk>(k.clone()).ok())
            .collect();
        Ok(JwkSet { keys: usable })
    }

    async fn get_json(&self, url: &str) -> Result<Value, String> {
        let response = self
            .http
            .get(url)
            .send()
            .await
            .map_err(|e| format!("fetching {url}: {e}"))?;
        if !response.status().is_success() {
            return Err(format!("fetching {url}: HTTP {}", response.status()));
        }
        response.json().await.map_err(|e| format!("reading {url}: {e}"))
    }
}

/// The token of `Bearer <token>`.
fn bearer(authorization: Option<&str>) -> Result<&str, Refusal> {
    let value = authorization.ok_or(Refusal::Missing)?;
    match value.trim().split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() => {
            Ok(token.trim())
        }
        _ => Err(Refusal::Invalid(
            "the Authorization header must be `Bearer <token>`".into(),
        )),
    }
}

/// The key `kid` names; without a `kid`, the only key there is.
fn find(keys: &JwkSet, kid: Option<&str>) -> Option<Jwk> {
    match kid {
        Some(kid) => keys.find(kid).cloned(),
        None if keys.keys.len() == 1 => keys.keys.first().cloned(),
        None => None,
    }
}

/// Public-key algorithms only: an HMAC "signature" keyed with a public key
/// proves nothing.
fn is_asymmetric(alg: Algorithm) -> bool {
    !matches!(alg, Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
}

fn why_invalid(e: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind;
    match e.kind() {
        ErrorKind::ExpiredSignature => "the token has expired".into(),
        ErrorKind::ImmatureSignature => "the token is not valid yet (nbf)".into(),
        ErrorKind::InvalidAudience => "the token is for another audience (aud)".into(),
        ErrorKind::InvalidIssuer => "the token is from another issuer (iss)".into(),
        ErrorKind::InvalidSignature => "the token's signature does not verify".into(),
        ErrorKind::MissingRequiredClaim(c) => format!("the token has no `{c}` claim"),
        ErrorKind::InvalidAlgorithm => "the token's algorithm does not match the key".into(),
        _ => "the token cannot be read".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(claim: &str) -> OAuthSettings {
        OAuthSettings {
            issuer: "https://idp.example.com".into(),
            audience: "https://mcp.example.com/mcp".into(),
            resource: url::Url::parse("https://mcp.example.com/mcp").unwrap(),
            jwks_uri: None,
            roles_claim: claim.into(),
            role_values: BTreeMap::from([
                (Role::Viewer, vec!["cw.read".into()]),
                (Role::Editor, vec!["cw.write".into()]),
            ]),
            user_claims: DEFAULT_USER_CLAIMS.iter().map(|s| s.to_string()).collect(),
            members: BTreeMap::new(),
            leeway: Duration::from_secs(0),
            jwks_min_refetch: Duration::from_secs(30),
            jwks_max_age: Duration::from_secs(3600),
        }
    }

    #[test]
    fn roles_come_from_a_list_or_a_scope_string_and_the_highest_wins() {
        let s = settings("roles");
        assert_eq!(
            s.role_of(&json!({"roles": ["cw.read", "cw.write"]})),
            Some(Role::Editor)
        );
        assert_eq!(s.role_of(&json!({"roles": ["hr"]})), None);
        assert_eq!(s.role_of(&json!({})), None);
        let s = settings("scp");
        assert_eq!(s.role_of(&json!({"scp": "openid cw.read"})), Some(Role::Viewer));
        assert!(s.metadata()["scopes_supported"].as_array().is_some());
    }

    #[test]
    fn the_metadata_and_its_challenge_name_the_resource_and_issuer() {
        let s = settings("roles");
        assert_eq!(
            s.metadata_url(),
            "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
        );
        assert_eq!(
            s.metadata_paths(),
            [METADATA_PATH, "/.well-known/oauth-protected-resource/mcp"]
        );
        assert_eq!(
            s.metadata()["authorization_servers"],
            json!(["https://idp.example.com"])
        );
        let c = Refusal::Invalid("the \"token\" has expired".into()).challenge(&s);
        assert!(c.starts_with("Bearer error=\"invalid_token\""), "{c}");
        assert!(
            c.contains("'token'") && c.contains("resource_metadata=\"https://"),
            "{c}"
        );
        let c = Refusal::NoRole("no".into()).challenge(&s);
        assert!(
            c.contains("insufficient_scope") && c.contains("scope=\"cw.read cw.write\""),
            "{c}"
        );
    }

    #[test]
    fn the_user_is_the_first_named_claim() {
        let s = settings("roles");
        assert_eq!(
            s.user_of(&json!({"email": "a@x", "sub": "123"})).as_deref(),
            Some("a@x")
        );
        assert_eq!(s.user_of(&json!({"preferred_username": ""})), None);
    }
}
