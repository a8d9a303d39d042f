//! The HTTP server's settings: the `[http]` section of the config file, with
//! the command line and environment over it.
//!
//! ```toml
//! [http]
//! bind = "0.0.0.0:3000"
//! allowed_hosts = ["mcp.example.com"]
//! allowed_origins = ["https://chat.example.com"]
//! keys_policy = "with-token"       # disabled | with-token | open
//! audit = "/var/log/connectwise-mcp/audit.jsonl"   # stderr | off | a path
//! stateless = false
//!
//! [http.tokens]
//! viewer = ["alice:sha256:2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"]
//! editor = ["bob:sha256:…"]
//! admin  = ["ops:sha256:…"]
//!
//! [http.companies]                 # a token limited to some companies
//! alice = ["ACME", "BETA"]
//!
//! [oauth]                          # sign-in through an identity provider
//! issuer = "https://login.example.com/tenant/v2.0"
//! audience = "https://mcp.example.com/mcp"
//! roles_claim = "roles"            # or "scp", "scope", "groups"
//!
//! [oauth.roles]                    # claim values that grant each role
//! viewer = ["CW.Read"]
//! editor = ["CW.Write"]
//!
//! [oauth.members]                  # user → ConnectWise member identifier
//! "alice@example.com" = "asmith"
//! ```

use super::auth::Role;
use super::auth::Tokens;
use super::keys::KeysPolicy;
use super::oauth::{self, OAuthSettings, Verifier};
use crate::client::Pin;
use crate::mcp::Audit;
use crate::settings::ConfigFile;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub const DEFAULT_BIND: &str = "127.0.0.1:3000";
/// One frame is one body: the frame limit is the body limit.
pub const DEFAULT_MAX_BODY_BYTES: usize = crate::mcp::frames::DEFAULT_MAX_FRAME_BYTES;
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u64 = 60;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenLists {
    #[serde(default)]
    viewer: Vec<String>,
    #[serde(default)]
    editor: Vec<String>,
    #[serde(default)]
    admin: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpSection {
    bind: Option<String>,
    allowed_hosts: Option<Vec<String>>,
    allowed_origins: Option<Vec<String>>,
    keys_policy: Option<String>,
    audit: Option<String>,
    audit_bodies: Option<bool>,
    stateless: Option<bool>,
    max_body_bytes: Option<usize>,
    request_timeout_secs: Option<u64>,
    confirm_writes_roles: Option<Vec<String>>,
    #[serde(default)]
    tokens: TokenLists,
    /// Token label → the companies (identifiers) its holder is limited to.
    #[serde(default)]
    companies: std::collections::BTreeMap<String, Vec<String>>,
}

/// The config file's `[oauth]` section.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OAuthSection {
    issuer: Option<String>,
    audience: Option<String>,
    resource: Option<String>,
    jwks_uri: Option<String>,
    roles_claim: Option<String>,
    user_claims: Option<Vec<String>>,
    leeway_secs: Option<u64>,
    jwks_min_refetch_secs: Option<u64>,
    jwks_max_age_secs: Option<u64>,
    #[serde(default)]
    roles: TokenLists,
    #[serde(default)]
    members: BTreeMap<String, String>,
}

/// OAuth settings from the command line and environment; each one present
/// wins over `[oauth]`.
#[derive(Clone, Debug, Default)]
pub struct OAuthOverrides {
    /// `--oauth-issuer` / `MCP_OAUTH_ISSUER`.
    pub issuer: Option<String>,
    /// `--oauth-audience` / `MCP_OAUTH_AUDIENCE`.
    pub audience: Option<String>,
    pub resource: Option<String>,
    pub jwks_uri: Option<String>,
    pub roles_claim: Option<String>,
    pub user_claims: Option<String>,
    /// `MCP_OAUTH_ROLES_VIEWER` … : comma-separated claim values.
    pub roles: [Option<String>; 3],
    /// `MCP_OAUTH_MEMBERS`: `user:member,user:member`.
    pub members: Option<String>,
    pub leeway_secs: Option<String>,
    pub jwks_min_refetch_secs: Option<String>,
    pub jwks_max_age_secs: Option<String>,
}

impl OAuthOverrides {
    /// Everything but the issuer and audience (flags), from `MCP_OAUTH_*`.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> OAuthOverrides {
        OAuthOverrides {
            issuer: None,
            audience: None,
            resource: env("MCP_OAUTH_RESOURCE"),
            jwks_uri: env("MCP_OAUTH_JWKS_URI"),
            roles_claim: env("MCP_OAUTH_ROLES_CLAIM"),
            user_claims: env("MCP_OAUTH_USER_CLAIMS"),
            roles: [
                env("MCP_OAUTH_ROLES_VIEWER"),
                env("MCP_OAUTH_ROLES_EDITOR"),
                env("MCP_OAUTH_ROLES_ADMIN"),
            ],
            members: env("MCP_OAUTH_MEMBERS"),
            leeway_secs: env("MCP_OAUTH_LEEWAY_SECS"),
            jwks_min_refetch_secs: env("MCP_OAUTH_JWKS_MIN_REFETCH_SECS"),
            jwks_max_age_secs: env("MCP_OAUTH_JWKS_MAX_AGE_SECS"),
        }
    }
}

/// Settings from the command line and environment; each one present wins
/// over the file.
#[derive(Clone, Debug, Default)]
pub struct HttpOverrides {
    pub bind: Option<String>,
    pub allowed_hosts: Option<Vec<String>>,
    pub allowed_origins: Option<Vec<String>>,
    pub keys_policy: Option<String>,
    pub audit: Option<String>,
    pub audit_bodies: bool,
    pub stateless: bool,
    pub insecure_no_auth: bool,
    pub max_body_bytes: Option<usize>,
    pub request_timeout_secs: Option<u64>,
    /// `--confirm-writes-roles` / `MCP_CONFIRM_WRITES_ROLES`.
    pub confirm_writes_roles: Option<Vec<String>>,
    /// `MCP_TOKENS_VIEWER`, `MCP_TOKENS_EDITOR`, `MCP_TOKENS_ADMIN`: a role
    /// given here replaces that role's list from the file.
    pub tokens_viewer: Option<String>,
    pub tokens_editor: Option<String>,
    pub tokens_admin: Option<String>,
    /// `MCP_TOKEN_COMPANIES`: `label:ID+ID,label:ID`; replaces `[http.companies]`.
    pub token_companies: Option<String>,
    pub oauth: OAuthOverrides,
    /// `--metrics` / `MCP_METRICS`: serve `/metrics`.
    pub metrics: bool,
}

/// Everything the HTTP server needs besides the tools and ConnectWise.
#[derive(Debug)]
pub struct HttpOptions {
    pub bind: SocketAddr,
    pub tokens: Tokens,
    pub insecure_no_auth: bool,
    pub keys_policy: KeysPolicy,
    pub stateless: bool,
    /// Extra `Host` values accepted besides loopback names and the bind address; `*`: any.
    pub allowed_hosts: Vec<String>,
    /// Accepted `Origin`s besides loopback ones; `*`: any.
    pub allowed_origins: Vec<String>,
    pub max_body_bytes: usize,
    pub request_timeout: Duration,
    pub audit: Option<Arc<Audit>>,
    /// Roles whose every write needs confirmation (besides `--confirm-writes`,
    /// which is every role's).
    pub confirm_writes_roles: Vec<Role>,
    /// OAuth sign-in, when an issuer is configured.
    pub oauth: Option<Arc<Verifier>>,
    /// Whether `/metrics` is served.
    pub metrics: bool,
}

impl HttpOptions {
    /// Resolves the settings from the config file's `[http]` section and
    /// the overrides. Errors name the setting.
    pub fn resolve(file: Option<&ConfigFile>, over: HttpOverrides) -> Result<HttpOptions, String> {
        let section: HttpSection = match file {
            Some(file) => file.section("http")?,
            None => HttpSection::default(),
        };
        let oauth_section: OAuthSection = match file {
            Some(file) => file.section("oauth")?,
            None => OAuthSection::default(),
        };
        let oauth = match resolve_oauth(oauth_section, over.oauth)? {
            Some(settings) => Some(Arc::new(Verifier::new(settings)?)),
            None => None,
        };
        let bind_text = over
            .bind
            .or(section.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let bind: SocketAddr = bind_text.trim().parse().map_err(|_| {
            format!("bind address `{bind_text}` (--bind / MCP_BIND / [http] bind) is not IP:PORT, e.g. 127.0.0.1:3000")
        })?;
        let mut tokens = Tokens::default();
        for (role, env, var, from_file) in [
            (
                Role::Viewer,
                over.tokens_viewer,
                "MCP_TOKENS_VIEWER",
                section.tokens.viewer,
            ),
            (
                Role::Editor,
                over.tokens_editor,
                "MCP_TOKENS_EDITOR",
                section.tokens.editor,
            ),
            (
                Role::Admin,
                over.tokens_admin,
                "MCP_TOKENS_ADMIN",
                section.tokens.admin,
            ),
        ] {
            match env {
                Some(list) => tokens.add_list(role, var, &list)?,
                None => {
                    let source = format!("[http.tokens] {}", role.as_str());
                    for item in &from_file {
                        tokens.add(role, &source, item)?;
                    }
                }
            }
        }
        let limits: Vec<(String, Vec<String>, String)> = match over.token_companies {
            Some(text) => parse_token_companies(&text)?
                .into_iter()
                .map(|(label, ids)| (label, ids, "MCP_TOKEN_COMPANIES".to_owned()))
                .collect(),
            None => section
                .companies
                .into_iter()
                .map(|(label, ids)| (label, ids, "[http.companies]".to_owned()))
                .collect(),
        };
        for (label, ids, source) in limits {
            let pin = Pin::new(&ids).map_err(|e| format!("{source} `{label}`: {e}"))?;
            tokens.limit(&label, pin).map_err(|e| format!("{source}: {e}"))?;
        }
        let keys_policy = match over.keys_policy.or(section.keys_policy) {
            Some(text) => KeysPolicy::parse(&text)?,
            None => KeysPolicy::default(),
        };
        let audit_setting = over
            .audit
            .or(section.audit)
            .unwrap_or_else(|| "stderr".to_owned());
        let audit = Audit::open(
            &audit_setting,
            over.audit_bodies || section.audit_bodies.unwrap_or(false),
        )?
        .map(Arc::new);
        let list = |l: Option<Vec<String>>| -> Vec<String> {
            l.unwrap_or_default()
                .into_iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        };
        let mut confirm_writes_roles = Vec::new();
        for name in list(over.confirm_writes_roles.or(section.confirm_writes_roles)) {
            let role = Role::ALL
                .into_iter()
                .find(|r| r.as_str().eq_ignore_ascii_case(&name))
                .ok_or_else(|| {
                    format!(
                        "confirm_writes_roles (--confirm-writes-roles / MCP_CONFIRM_WRITES_ROLES / [http] confirm_writes_roles): \
                         unknown role `{name}`; valid: viewer, editor, admin"
                    )
                })?;
            confirm_writes_roles.push(role);
        }
        Ok(HttpOptions {
            bind,
            confirm_writes_roles,
            tokens,
            insecure_no_auth: over.insecure_no_auth,
            keys_policy,
            stateless: over.stateless || section.stateless.unwrap_or(false),
            allowed_hosts: list(over.allowed_hosts.or(section.allowed_hosts)),
            allowed_origins: list(over.allowed_origins.or(section.allowed_origins)),
            max_body_bytes: over
                .max_body_bytes
                .or(section.max_body_bytes)
                .unwrap_or(DEFAULT_MAX_BODY_BYTES),
            request_timeout: Duration::from_secs(
                over.request_timeout_secs
                    .or(section.request_timeout_secs)
                    .unwrap_or(DEFAULT_REQUEST_TIMEOUT_SECS),
            ),
            audit,
            oauth,
            metrics: over.metrics,
        })
    }

    /// Refuses an unauthenticated server reachable from the network unless
    /// the operator insisted.
    pub fn check_exposure(&self) -> Result<(), String> {
        if !self.authenticates() && !self.bind.ip().is_loopback() && !self.insecure_no_auth {
            return Err(format!(
                "refusing to listen on {} without role tokens: anyone who can reach it could use ConnectWise with the server's keys. \
                 Set MCP_TOKENS_VIEWER / MCP_TOKENS_EDITOR / MCP_TOKENS_ADMIN (or [http.tokens]) or MCP_OAUTH_ISSUER ([oauth]), bind to 127.0.0.1, \
                 or pass --insecure-no-auth if something in front of it authenticates",
                self.bind
            ));
        }
        Ok(())
    }

    /// Whether requests must prove who they are (role tokens or OAuth).
    pub fn authenticates(&self) -> bool {
        !self.tokens.is_empty() || self.oauth.is_some()
    }
}

/// The OAuth settings, if an issuer is set; errors name the setting.
fn resolve_oauth(file: OAuthSection, over: OAuthOverrides) -> Result<Option<OAuthSettings>, String> {
    let Some(issuer) = over.issuer.or(file.issuer) else {
        return Ok(None);
    };
    let issuer = issuer.trim().to_owned();
    check_url(
        &issuer,
        "issuer (--oauth-issuer / MCP_OAUTH_ISSUER / [oauth] issuer)",
    )?;
    let audience = over.audience.or(file.audience).ok_or(
        "OAuth needs the audience its tokens are issued for (--oauth-audience / MCP_OAUTH_AUDIENCE / [oauth] audience), \
         usually this server's public URL of /mcp",
    )?;
    let resource_text = over
        .resource
        .or(file.resource)
        .unwrap_or_else(|| audience.clone());
    let resource = check_url(
        &resource_text,
        "resource, this server's public URL of /mcp (MCP_OAUTH_RESOURCE / [oauth] resource; defaults to the audience)",
    )?;
    let secs =
        |env: Option<String>, name: &str, file: Option<u64>, default: u64| -> Result<Duration, String> {
            let value = match env {
                Some(text) => text
                    .trim()
                    .parse()
                    .map_err(|_| format!("MCP_OAUTH_{name} `{text}` is not a number of seconds"))?,
                None => file.unwrap_or(default),
            };
            Ok(Duration::from_secs(value))
        };
    let split = |text: &str| -> Vec<String> {
        text.split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let [viewer, editor, admin] = over.roles;
    let mut role_values = BTreeMap::new();
    for (role, env, from_file) in [
        (Role::Viewer, viewer, file.roles.viewer),
        (Role::Editor, editor, file.roles.editor),
        (Role::Admin, admin, file.roles.admin),
    ] {
        let values = env.map(|t| split(&t)).unwrap_or(from_file);
        if !values.is_empty() {
            role_values.insert(role, values);
        }
    }
    // Nothing configured: the claim values are the roles' own names.
    if role_values.is_empty() {
        role_values = Role::ALL
            .into_iter()
            .map(|r| (r, vec![r.as_str().to_owned()]))
            .collect();
    }
    let members = match over.members {
        Some(text) => text
            .split(',')
            .map(str::trim)
            .filter(|i| !i.is_empty())
            .map(|item| {
                item.rsplit_once(':')
                    .map(|(u, m)| (u.trim().to_owned(), m.trim().to_owned()))
                    .ok_or_else(|| {
                        format!(
                            "MCP_OAUTH_MEMBERS: `{item}` is not `user:member` (e.g. alice@example.com:asmith)"
                        )
                    })
            })
            .collect::<Result<_, _>>()?,
        None => file.members,
    };
    Ok(Some(OAuthSettings {
        issuer,
        audience,
        resource,
        jwks_uri: over.jwks_uri.or(file.jwks_uri),
        roles_claim: over
            .roles_claim
            .or(file.roles_claim)
            .unwrap_or_else(|| oauth::DEFAULT_ROLES_CLAIM.to_owned()),
        role_values,
        user_claims: over
            .user_claims
            .map(|t| split(&t))
            .or(file.user_claims)
            .unwrap_or_else(|| oauth::DEFAULT_USER_CLAIMS.iter().map(|s| s.to_string()).collect()),
        members,
        leeway: secs(
            over.leeway_secs,
            "LEEWAY_SECS",
            file.leeway_secs,
            oauth::DEFAULT_LEEWAY_SECS,
        )?,
        jwks_min_refetch: secs(
            over.jwks_min_refetch_secs,
            "JWKS_MIN_REFETCH_SECS",
            file.jwks_min_refetch_secs,
            oauth::DEFAULT_JWKS_MIN_REFETCH_SECS,
        )?,
        jwks_max_age: secs(
            over.jwks_max_age_secs,
            "JWKS_MAX_AGE_SECS",
            file.jwks_max_age_secs,
            oauth::DEFAULT_JWKS_MAX_AGE_SECS,
        )?,
    }))
}

/// An `https` URL, or `http` on a loopback host (a provider in a test).
fn check_url(text: &str, what: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text.trim()).map_err(|_| format!("OAuth {what}: `{text}` is not a URL"))?;
    let loopback = url.host_str().is_some_and(|h| {
        h == "localhost"
            || h.trim_matches(['[', ']'])
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    });
    match url.scheme() {
        "https" => Ok(url),
        "http" if loopback => Ok(url),
        _ => Err(format!("OAuth {what}: `{text}` must be an https URL")),
    }
}

/// `label:ID+ID,label:ID` (`MCP_TOKEN_COMPANIES`).
fn parse_token_companies(text: &str) -> Result<Vec<(String, Vec<String>)>, String> {
    text.split(',')
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            let (label, ids) = item.split_once(':').ok_or_else(|| {
                format!("MCP_TOKEN_COMPANIES: `{item}` is not `label:COMPANY+COMPANY` (e.g. alice:ACME+BETA)")
            })?;
            Ok((
                label.trim().to_owned(),
                ids.split('+').map(|s| s.trim().to_owned()).collect(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confirmation_roles_are_read_by_name_and_an_unknown_one_is_named() {
        let file = ConfigFile::parse("cw.toml", "[http]\nconfirm_writes_roles = [\"Editor\"]\n").unwrap();
        let o = HttpOptions::resolve(Some(&file), HttpOverrides::default()).unwrap();
        assert_eq!(o.confirm_writes_roles, [Role::Editor]);
        let e = HttpOptions::resolve(
            Some(&file),
            HttpOverrides {
                confirm_writes_roles: Some(vec!["editor".into(), "boss".into()]),
                ..Default::default()
            },
        )
        .unwrap_err();
        assert!(
            e.contains("unknown role `boss`") && e.contains("MCP_CONFIRM_WRITES_ROLES"),
            "{e}"
        );
    }

    #[test]
    fn oauth_is_read_from_the_file_and_the_environment_and_bad_settings_are_named() {
        let file = r#"
[oauth]
issuer = "https://idp.example.com"
audience = "api://connectwise-mcp"
resource = "https://mcp.example.com/mcp"
roles_claim = "scp"
[oauth.roles]
editor = ["cw.write"]
[oauth.members]
"alice@example.com" = "ASmith"
"#;
        let file = ConfigFile::parse("cw.toml", file).unwrap();
        let over = HttpOverrides {
            bind: Some("0.0.0.0:3000".into()),
            audit: Some("off".into()),
            oauth: OAuthOverrides {
                roles: [Some("cw.read".into()), None, None],
                ..Default::default()
            },
            ..Default::default()
        };
        let o = HttpOptions::resolve(Some(&file), over.clone()).unwrap();
        let s = &o.oauth.as_ref().expect("OAuth configured").settings;
        assert_eq!(
            (s.audience.as_str(), s.roles_claim.as_str()),
            ("api://connectwise-mcp", "scp")
        );
        assert_eq!(s.role_values[&Role::Viewer], ["cw.read"]);
        assert_eq!(s.role_values[&Role::Editor], ["cw.write"]);
        assert!(!s.role_values.contains_key(&Role::Admin));
        assert_eq!(s.members["alice@example.com"], "ASmith");
        // OAuth alone is authentication enough for a public bind.
        o.check_exposure().unwrap();

        let bad = |issuer: &str, audience: Option<&str>| {
            HttpOptions::resolve(
                None,
                HttpOverrides {
                    audit: Some("off".into()),
                    oauth: OAuthOverrides {
                        issuer: Some(issuer.into()),
                        audience: audience.map(str::to_owned),
                        ..Default::default()
                    },
                    ..Default::default()
                },
            )
            .unwrap_err()
        };
        let e = bad("http://idp.example.com", Some("https://mcp.example.com/mcp"));
        assert!(e.contains("MCP_OAUTH_ISSUER") && e.contains("https"), "{e}");
        let e = bad("https://idp.example.com", None);
        assert!(e.contains("MCP_OAUTH_AUDIENCE"), "{e}");
        // An audience that is no URL needs the resource URL.
        let e = bad("https://idp.example.com", Some("api://x"));
        assert!(e.contains("MCP_OAUTH_RESOURCE"), "{e}");
    }

    #[test]
    fn the_environment_replaces_a_roles_file_tokens_and_a_public_bind_needs_tokens() {
        let file = r#"
[http]
bind = "0.0.0.0:8080"
keys_policy = "open"
audit = "off"
[http.tokens]
viewer = ["alice:alice-token-0123456789"]
admin = ["ops:ops-token-0123456789"]
"#;
        let o = HttpOptions::resolve(
            Some(&ConfigFile::parse("cw.toml", file).unwrap()),
            HttpOverrides {
                tokens_admin: Some("root:root-token-0123456789".into()),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(
            (o.bind.port(), o.keys_policy, o.tokens.len()),
            (8080, KeysPolicy::Open, 2)
        );
        assert!(
            o.tokens
                .authenticate(Some("Bearer ops-token-0123456789"))
                .is_err()
        );
        assert!(o.audit.is_none());
        let open = HttpOptions::resolve(
            None,
            HttpOverrides {
                bind: Some("0.0.0.0:3000".into()),
                audit: Some("off".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let e = open.check_exposure().unwrap_err();
        assert!(
            e.contains("--insecure-no-auth") && e.contains("MCP_TOKENS_VIEWER"),
            "{e}"
        );
        let e = HttpOptions::resolve(
            Some(&ConfigFile::parse("cw.toml", "[http]\nkeys_policy = \"sometimes\"\n").unwrap()),
            HttpOverrides::default(),
        )
        .unwrap_err();
        assert!(e.contains("[http]") && e.contains("keys_policy"), "{e}");
    }
}
