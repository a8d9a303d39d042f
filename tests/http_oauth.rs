//! OAuth sign-in against a real OpenID provider: the certified
//! `oidc-provider` package run by Node on a loopback port (tests/oidc/,
//! installed by `npm ci` there, by `.ci/run` or else by the first test). The binary's
//! `serve --http` checks its JWT access tokens: the metadata document, role
//! claims deciding the tool list, the signed-in person in the audit log and
//! as "me", and each bad token refused with its status and challenge.

mod support;

use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use support::bin::{Env, temp_path, with_env};
use support::http::*;
use support::mcp::{call, json_of, records, tool_names};
use support::sim::{list, sim_env, start_sim};

const AUDIENCE: &str = "https://mcp.example.test/mcp";
const METADATA_URL: &str = "https://mcp.example.test/.well-known/oauth-protected-resource/mcp";
const SECRET: &str = "test-client-secret-0123456789";

/// Installs the provider from its lock file (`npm ci`, once per test run)
/// where `.ci/run` has not already, so that `cargo test` alone runs these
/// tests on a fresh machine.
fn install_provider(dir: &str) {
    static INSTALLED: std::sync::Mutex<bool> = std::sync::Mutex::new(false);
    let mut done = INSTALLED.lock().unwrap_or_else(|e| e.into_inner());
    if *done
        || std::path::Path::new(dir)
            .join("node_modules/oidc-provider")
            .exists()
    {
        *done = true;
        return;
    }
    let status = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .stdout(Stdio::null())
        .status()
        .expect("running npm (Node.js installs the test OpenID provider)");
    assert!(status.success(), "`npm ci` in tests/oidc failed: {status}");
    *done = true;
}

/// The provider's process (ended when its stdin closes, on drop) and its
/// two issuers (one signing key between them).
struct Provider {
    child: Child,
    issuer: String,
    other_issuer: String,
}

impl Provider {
    fn start() -> Provider {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/oidc");
        install_provider(dir);
        let mut child = Command::new("node")
            .arg("provider.mjs")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("running node (the OpenID provider)");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready: Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the provider did not start ({e}): {line:?}"));
        Provider {
            child,
            issuer: ready["issuer"].as_str().unwrap().to_owned(),
            other_issuer: ready["other_issuer"].as_str().unwrap().to_owned(),
        }
    }

    /// An access token for `client`, by the client-credentials grant, for
    /// `resource` (RFC 8707), from `issuer`.
    async fn token_from(&self, issuer: &str, client: &str, resource: &str) -> String {
        let answer: Value = connectwise_mcp::client::tls::client()
            .post(format!("{issuer}/token"))
            .basic_auth(client, Some(SECRET))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                form_urlencoded::Serializer::new(String::new())
                    .append_pair("grant_type", "client_credentials")
                    .append_pair("resource", resource)
                    .finish(),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {answer}"))
            .to_owned()
    }

    async fn token(&self, client: &str) -> String {
        self.token_from(&self.issuer, client, AUDIENCE).await
    }

    /// A new signing key; the old one leaves the JWKS.
    async fn rotate(&self) {
        let r = connectwise_mcp::client::tls::client()
            .post(format!("{}/admin/rotate", self.issuer))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
}

impl Drop for Provider {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A server on `sim` signing in through `provider`, with `extra`.
fn oauth_env(sim: &connectwise_mcp::sim::Simulator, provider: &Provider, extra: &[(&str, &str)]) -> Env {
    with_env(
        sim_env(sim),
        &[
            ("MCP_AUDIT", "off"),
            ("MCP_OAUTH_ISSUER", provider.issuer.as_str()),
            ("MCP_OAUTH_AUDIENCE", AUDIENCE),
            ("MCP_OAUTH_ROLES_VIEWER", "cw.viewer"),
            ("MCP_OAUTH_ROLES_EDITOR", "cw.editor"),
            ("MCP_OAUTH_ROLES_ADMIN", "cw.admin"),
            // The short-lived token must be expired two seconds later.
            ("MCP_OAUTH_LEEWAY_SECS", "0"),
            ("MCP_OAUTH_JWKS_MIN_REFETCH_SECS", "1"),
        ],
    )
    .into_iter()
    .chain(with_env(Vec::new(), extra))
    .collect()
}

fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

/// POSTs `initialize` with `token`; returns the status, the challenge and the body.
async fn initialize(server: &Server, token: Option<&str>) -> (u16, String, Value) {
    let auth = token.map(bearer);
    let headers: Vec<(&str, &str)> = auth.iter().map(|a| ("authorization", a.as_str())).collect();
    let r = post_mcp(server, &initialize_body(), &headers).await;
    let status = r.status().as_u16();
    let challenge = r
        .headers()
        .get("www-authenticate")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let body = if status == 200 {
        Value::Null
    } else {
        r.json().await.unwrap()
    };
    (status, challenge, body)
}

#[tokio::test]
async fn the_metadata_names_the_issuer_and_role_claims_decide_the_tools() {
    let provider = Provider::start();
    let sim = start_sim().await;
    // A member who owns tickets, to be the editor's "me".
    let (_, _, tickets) = list(&sim, "/service/tickets", &[("pageSize", "100")]).await;
    let member = tickets
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["owner"]["identifier"].as_str())
        .find(|m| *m != connectwise_mcp::sim::DEMO_MEMBER_IDENTIFIER)
        .expect("a ticket owned by a member")
        .to_owned();
    let audit = temp_path("oauth-audit.jsonl");
    let _ = std::fs::remove_file(&audit);
    let members = format!("eddie@example.com:{member}");
    let viewer_token = format!("vic:{VIEWER}");
    let env = oauth_env(
        &sim,
        &provider,
        &[
            ("MCP_AUDIT", audit.to_str().unwrap()),
            ("MCP_OAUTH_MEMBERS", members.as_str()),
            // Role tokens still work beside OAuth.
            ("MCP_TOKENS_VIEWER", viewer_token.as_str()),
        ],
    );
    let server = Server::start(&["--toolsets", "all", "--allow-writes"], &[], &env);

    for path in [
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/mcp",
    ] {
        let doc: Value = server.get(path, None).await.json().await.unwrap();
        assert_eq!(doc["resource"], AUDIENCE, "{path}: {doc}");
        assert_eq!(doc["authorization_servers"], serde_json::json!([provider.issuer]));
        assert_eq!(doc["bearer_methods_supported"], serde_json::json!(["header"]));
    }
    let (status, challenge, body) = initialize(&server, None).await;
    assert_eq!(status, 401);
    assert_eq!(challenge, format!("Bearer resource_metadata=\"{METADATA_URL}\""));
    assert_eq!(body["error"], "missing_token");
    assert_eq!(initialize(&server, Some(VIEWER)).await.0, 200);

    let viewer = server
        .connect(Some(&provider.token("viewer-app").await), &[])
        .await
        .unwrap();
    let editor = server
        .connect(Some(&provider.token("editor-app").await), &[])
        .await
        .unwrap();
    let (v, e) = (tool_names(&viewer).await, tool_names(&editor).await);
    assert!(
        v.contains(&"cw_search_tickets".to_owned()) && !v.contains(&"cw_add_ticket_note".to_owned()),
        "{v:?}"
    );
    assert!(e.contains(&"cw_add_ticket_note".to_owned()), "{e:?}");

    // The editor is mapped to `member`: "my tickets" (owned, or a
    // resource on them) are that member's.
    let mine = json_of(
        &call(
            &editor,
            "cw_my_tickets",
            serde_json::json!({"fields": "id,owner/identifier,resources"}),
        )
        .await
        .unwrap(),
    );
    let tickets = records(&mine);
    assert!(!tickets.is_empty(), "{mine}");
    for t in &tickets {
        let owner = support::mcp::at_path(t, "owner/identifier");
        let resources = support::mcp::unwrapped(support::mcp::at_path(t, "resources"));
        assert!(
            owner == member.as_str() || resources.as_str().is_some_and(|r| r.contains(&member)),
            "{t}"
        );
    }
    // The audit log names the signed-in person and their member.
    let log = std::fs::read_to_string(&audit).unwrap();
    let line: Value = log
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|l| l["tool"] == "cw_my_tickets")
        .expect("an audit line for the call");
    assert_eq!(line["principal"], "eddie@example.com", "{line}");
    assert_eq!(line["member"], member.as_str(), "{line}");
    let _ = std::fs::remove_file(&audit);
}

#[tokio::test]
async fn each_bad_token_is_refused_with_its_challenge() {
    let provider = Provider::start();
    let sim = start_sim().await;
    let server = Server::start(&[], &[], &oauth_env(&sim, &provider, &[]));
    let invalid = |challenge: &str, why: &str| {
        assert!(
            challenge.starts_with("Bearer error=\"invalid_token\"")
                && challenge.contains(why)
                && challenge.ends_with(&format!("resource_metadata=\"{METADATA_URL}\"")),
            "{challenge}"
        );
    };

    let short = provider.token("short-app").await;
    assert_eq!(initialize(&server, Some(&short)).await.0, 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, challenge, body) = initialize(&server, Some(&short)).await;
    assert_eq!((status, body["error"].as_str()), (401, Some("invalid_token")));
    invalid(&challenge, "expired");

    let elsewhere = provider
        .token_from(&provider.issuer, "viewer-app", "https://other.example.test/mcp")
        .await;
    let (status, challenge, _) = initialize(&server, Some(&elsewhere)).await;
    assert_eq!(status, 401);
    invalid(&challenge, "another audience");

    let foreign = provider
        .token_from(&provider.other_issuer, "viewer-app", AUDIENCE)
        .await;
    let (status, challenge, _) = initialize(&server, Some(&foreign)).await;
    assert_eq!(status, 401);
    invalid(&challenge, "another issuer");

    let (status, challenge, _) = initialize(&server, Some("not-a-jwt")).await;
    assert_eq!(status, 401);
    invalid(&challenge, "not a JWT");

    // Signed, for this server, but no role here: 403, not 401.
    let nobody = provider.token("nobody-app").await;
    let (status, challenge, body) = initialize(&server, Some(&nobody)).await;
    assert_eq!(
        (status, body["error"].as_str()),
        (403, Some("insufficient_scope"))
    );
    assert!(
        challenge.starts_with("Bearer error=\"insufficient_scope\"")
            && challenge.contains("scope=\"cw.viewer cw.editor cw.admin\"")
            && challenge.contains(METADATA_URL),
        "{challenge}"
    );
}

#[tokio::test]
async fn a_rotated_key_is_fetched_and_the_removed_one_refused() {
    let provider = Provider::start();
    let sim = start_sim().await;
    let server = Server::start(&[], &[], &oauth_env(&sim, &provider, &[]));
    let old = provider.token("viewer-app").await;
    assert_eq!(initialize(&server, Some(&old)).await.0, 200);

    provider.rotate().await;
    let new = provider.token("viewer-app").await;
    // Past the refetch limit, the unknown `kid` fetches the keys again.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _, body) = initialize(&server, Some(&new)).await;
    assert_eq!(status, 200, "{body}");
    let client = server.connect(Some(&new), &[]).await.unwrap();
    assert!(
        tool_names(&client)
            .await
            .contains(&"cw_search_tickets".to_owned())
    );

    let (status, challenge, _) = initialize(&server, Some(&old)).await;
    assert_eq!(status, 401);
    assert!(
        challenge.contains("invalid_token") && challenge.contains("does not publish"),
        "{challenge}"
    );
}
