//! Client configuration: environment variables over an optional TOML file.
//!
//! | variable | TOML key (`[connectwise]`) | meaning |
//! |---|---|---|
//! | `CW_SITE` | `site` | host (`api-na.myconnectwise.net`) or full URL; cloud or on-premise |
//! | `CW_COMPANY_ID` | `company_id` | the company id you log in with |
//! | `CW_PUBLIC_KEY` | `public_key` | API member public key |
//! | `CW_PRIVATE_KEY` | `private_key` | API member private key (never shown) |
//! | `CW_CLIENT_ID` | `client_id` | integration GUID from the developer portal |
//! | `CW_MEMBER_IDENTIFIER` | `member_identifier` | optional: whose "my tickets / my time" |
//! | `CW_CONNECT_TIMEOUT_SECS` | `connect_timeout_secs` | default 10 |
//! | `CW_REQUEST_TIMEOUT_SECS` | `request_timeout_secs` | default 30 |
//! | `CW_MAX_RETRIES` | `max_retries` | default 3; retries of reads and of 429s |
//! | `CW_MAX_RETRY_AFTER_SECS` | `max_retry_after_secs` | default 30; longer `Retry-After`s are not waited for |

use super::secret::Secret;
use crate::settings::ConfigFile;
use crate::spec::{API_PATH, API_ROOT};
use serde::Deserialize;
use std::fmt;
use std::time::Duration;

/// Everything the client needs to reach one ConnectWise tenant.
#[derive(Clone, Debug)]
pub struct Config {
    pub site: Site,
    pub company_id: String,
    pub public_key: String,
    pub private_key: Secret,
    pub client_id: String,
    pub member_identifier: Option<String>,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    pub connect: Duration,
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}

/// How failed requests are retried. Reads (GET) are retried on 5xx, timeouts
/// and connection failures; any request is retried on 429 (ConnectWise did
/// not process it) and on a failure to connect (it was never sent). A write
/// that may have reached ConnectWise is never retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    pub max_retries: u32,
    /// First backoff; doubles per attempt, with jitter.
    pub base_backoff: Duration,
    /// A `Retry-After` longer than this is not waited for: the error goes
    /// back to the caller with the delay in it.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_backoff: Duration::from_millis(250),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

/// Where ConnectWise is: scheme, host, optional port, and the API path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Site {
    base: url::Url,
}

impl Site {
    /// Accepts a host (`api-na.myconnectwise.net`), a host and port, or a full
    /// URL with or without the API path. Plain `http` only for loopback
    /// addresses (the simulator); keys never cross a network unencrypted.
    pub fn parse(input: &str) -> Result<Self, ConfigError> {
        let bad = |why: &str| ConfigError::BadSite {
            input: input.to_owned(),
            why: why.to_owned(),
        };
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(bad("it is empty"));
        }
        if trimmed.chars().any(char::is_whitespace) {
            return Err(bad("it contains whitespace"));
        }
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let url = url::Url::parse(&with_scheme).map_err(|e| bad(&e.to_string()))?;
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("it has no host"))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(host) => {}
            "http" => return Err(bad("plain http is allowed only for localhost; use https")),
            other => return Err(bad(&format!("scheme `{other}` is not http(s)"))),
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "credentials belong in CW_COMPANY_ID / CW_PUBLIC_KEY / CW_PRIVATE_KEY, not in the URL",
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("it has a query or fragment"));
        }
        let path = url.path().trim_end_matches('/');
        let api_path = match path {
            "" => API_ROOT.to_owned(),
            p if p.ends_with(API_PATH) => p.to_owned(),
            p => {
                return Err(bad(&format!(
                    "its path `{p}` is not a ConnectWise API path (expected none, or one ending in {API_PATH})"
                )));
            }
        };
        let mut base = url.clone();
        base.set_path(&format!("{api_path}/"));
        Ok(Self { base })
    }

    /// The API base URL, ending in `/`: `https://host/v4_6_release/apis/3.0/`.
    pub fn base_url(&self) -> &url::Url {
        &self.base
    }

    pub fn host(&self) -> &str {
        self.base.host_str().unwrap_or_default()
    }
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.base.as_str().trim_end_matches('/'))
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A configuration problem, named precisely. Never carries the private key.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{var} is not set (or `{key}` in the [connectwise] section of the config file)")]
    Missing { var: &'static str, key: &'static str },
    #[error("{var} is empty")]
    Empty { var: &'static str },
    #[error("CW_SITE {input:?} is not usable: {why}")]
    BadSite { input: String, why: String },
    #[error("{var} must be a whole number of seconds or count, got {value:?}")]
    BadNumber { var: &'static str, value: String },
    #[error("{var} {why}")]
    BadCredential { var: &'static str, why: &'static str },
    /// The config file's `[connectwise]` section is wrong (the message names the file and setting).
    #[error("{0}")]
    File(String),
    #[error("cannot set up the HTTP client: {0}")]
    Http(String),
}

/// The `[connectwise]` section of the TOML config file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSection {
    site: Option<String>,
    company_id: Option<String>,
    public_key: Option<String>,
    private_key: Option<String>,
    client_id: Option<String>,
    member_identifier: Option<String>,
    connect_timeout_secs: Option<u64>,
    request_timeout_secs: Option<u64>,
    max_retries: Option<u32>,
    max_retry_after_secs: Option<u64>,
}

impl Config {
    /// From the process environment only.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_sources(|k| std::env::var(k).ok(), None)
    }

    /// From the process environment over the config file's `[connectwise]` section.
    pub fn load(file: Option<&ConfigFile>) -> Result<Self, ConfigError> {
        Self::from_sources(|k| std::env::var(k).ok(), file)
    }

    /// From any environment lookup and the config file's `[connectwise]`
    /// section; the environment wins. Tests use this without touching the process.
    pub fn from_sources(
        env: impl Fn(&str) -> Option<String>,
        file: Option<&ConfigFile>,
    ) -> Result<Self, ConfigError> {
        let section: FileSection = match file {
            Some(file) => file.section("connectwise").map_err(ConfigError::File)?,
            None => FileSection::default(),
        };
        let text =
            |var: &'static str, key: &'static str, from_file: Option<String>| match env(var).or(from_file) {
                None => Err(ConfigError::Missing { var, key }),
                Some(v) if v.trim().is_empty() => Err(ConfigError::Empty { var }),
                Some(v) => Ok(v.trim().to_owned()),
            };
        let number = |var: &'static str, from_file: Option<u64>, default: u64| match env(var) {
            Some(v) => v
                .trim()
                .parse::<u64>()
                .map_err(|_| ConfigError::BadNumber { var, value: v }),
            None => Ok(from_file.unwrap_or(default)),
        };

        let site = Site::parse(&text("CW_SITE", "site", section.site)?)?;
        let company_id = text("CW_COMPANY_ID", "company_id", section.company_id)?;
        let public_key = text("CW_PUBLIC_KEY", "public_key", section.public_key)?;
        let private_key = Secret::new(text("CW_PRIVATE_KEY", "private_key", section.private_key)?);
        let client_id = text("CW_CLIENT_ID", "client_id", section.client_id)?;
        let member_identifier = env("CW_MEMBER_IDENTIFIER")
            .or(section.member_identifier)
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty());
        let defaults = (Timeouts::default(), RetryPolicy::default());
        let timeouts = Timeouts {
            connect: Duration::from_secs(number(
                "CW_CONNECT_TIMEOUT_SECS",
                section.connect_timeout_secs,
                defaults.0.connect.as_secs(),
            )?),
            request: Duration::from_secs(number(
                "CW_REQUEST_TIMEOUT_SECS",
                section.request_timeout_secs,
                defaults.0.request.as_secs(),
            )?),
        };
        let retry = RetryPolicy {
            max_retries: number("CW_MAX_RETRIES", section.max_retries.map(u64::from), 3)?.min(10) as u32,
            max_retry_after: Duration::from_secs(number(
                "CW_MAX_RETRY_AFTER_SECS",
                section.max_retry_after_secs,
                defaults.1.max_retry_after.as_secs(),
            )?),
            ..defaults.1
        };
        for (var, value) in [("CW_COMPANY_ID", &company_id), ("CW_PUBLIC_KEY", &public_key)] {
            if value.contains(['+', ':']) {
                return Err(ConfigError::BadCredential {
                    var,
                    why: "must not contain `+` or `:`, which separate the parts of the Basic auth user name",
                });
            }
        }
        Ok(Self {
            site,
            company_id,
            public_key,
            private_key,
            client_id,
            member_identifier,
            timeouts,
            retry,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    const FULL: &[(&str, &str)] = &[
        ("CW_SITE", "api-na.myconnectwise.net"),
        ("CW_COMPANY_ID", "acme"),
        ("CW_PUBLIC_KEY", "pub"),
        ("CW_PRIVATE_KEY", "very-private-key"),
        ("CW_CLIENT_ID", "3f1a0000-0000-0000-0000-000000000000"),
    ];

    #[test]
    fn a_bare_host_becomes_the_https_api_base() {
        let config = Config::from_sources(env(FULL), None).unwrap();
        assert_eq!(
            config.site.base_url().as_str(),
            format!("https://api-na.myconnectwise.net{API_ROOT}/")
        );
        assert_eq!(config.timeouts, Timeouts::default());
        assert_eq!(config.member_identifier, None);
    }

    #[test]
    fn sites_are_accepted_in_the_forms_people_type() {
        let cloud = |origin: &str| format!("{origin}{API_ROOT}/");
        for (input, base) in [
            ("https://cw.example.com", cloud("https://cw.example.com")),
            ("cw.example.com:8443", cloud("https://cw.example.com:8443")),
            (
                "https://cw.example.com/v4_6_release/apis/3.0/",
                cloud("https://cw.example.com"),
            ),
            (
                "https://cw.example.com/v2022_1/apis/3.0",
                "https://cw.example.com/v2022_1/apis/3.0/".to_owned(),
            ),
            ("http://127.0.0.1:8080", cloud("http://127.0.0.1:8080")),
            ("http://localhost:9", cloud("http://localhost:9")),
        ] {
            assert_eq!(Site::parse(input).unwrap().base_url().as_str(), base, "{input}");
        }
    }

    #[test]
    fn malformed_sites_are_refused_with_the_reason() {
        for (input, why) in [
            ("", "empty"),
            ("api na.myconnectwise.net", "whitespace"),
            ("http://cw.example.com", "plain http"),
            ("ftp://cw.example.com", "scheme `ftp`"),
            ("https://user:pw@cw.example.com", "credentials"),
            ("https://cw.example.com/login?x=1", "query"),
            ("https://cw.example.com/some/page", "not a ConnectWise API path"),
            ("https://", "host"),
        ] {
            let err = Site::parse(input).unwrap_err().to_string();
            assert!(err.contains(why), "{input:?}: {err}");
        }
    }

    #[test]
    fn missing_and_empty_credentials_are_named() {
        let partial: Vec<_> = FULL
            .iter()
            .copied()
            .filter(|(k, _)| *k != "CW_PUBLIC_KEY")
            .collect();
        let err = Config::from_sources(env(&partial), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "CW_PUBLIC_KEY is not set (or `public_key` in the [connectwise] section of the config file)"
        );
        let mut blank = FULL.to_vec();
        blank.push(("CW_PRIVATE_KEY", "  ")); // later entries win in the map
        let err = Config::from_sources(env(&blank), None).unwrap_err();
        assert_eq!(err.to_string(), "CW_PRIVATE_KEY is empty");
    }

    #[test]
    fn the_file_fills_what_the_environment_leaves_out() {
        let file = r#"
            [connectwise]
            site = "https://cw.example.com"
            company_id = "filecorp"
            public_key = "filepub"
            private_key = "file-private"
            client_id = "guid"
            member_identifier = "JSmith"
            request_timeout_secs = 5
        "#;
        let file = ConfigFile::parse("cw.toml", file).unwrap();
        let config = Config::from_sources(env(&[("CW_COMPANY_ID", "envcorp")]), Some(&file)).unwrap();
        assert_eq!(config.company_id, "envcorp", "the environment wins");
        assert_eq!(config.public_key, "filepub");
        assert_eq!(config.member_identifier.as_deref(), Some("JSmith"));
        assert_eq!(config.timeouts.request, Duration::from_secs(5));
    }

    #[test]
    fn a_bad_file_is_named_without_echoing_its_lines() {
        let file = ConfigFile::parse(
            "cw.toml",
            "[connectwise]\nprivate_key = \"leaky-secret\"\nbogus = 1\n",
        )
        .unwrap();
        let err = Config::from_sources(env(&[]), Some(&file))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("config file cw.toml: [connectwise]: unknown field `bogus`"),
            "{err}"
        );
        assert!(!err.contains("leaky-secret"), "{err}");
    }

    #[test]
    fn numbers_must_be_numbers() {
        let mut pairs = FULL.to_vec();
        pairs.push(("CW_REQUEST_TIMEOUT_SECS", "soon"));
        let err = Config::from_sources(env(&pairs), None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "CW_REQUEST_TIMEOUT_SECS must be a whole number of seconds or count, got \"soon\""
        );
    }

    #[test]
    fn debug_output_hides_the_private_key() {
        let config = Config::from_sources(env(FULL), None).unwrap();
        let shown = format!("{config:?} {config:#?}");
        assert!(!shown.contains("very-private-key"), "{shown}");
        assert!(shown.contains("Secret(***)"));
    }
}
