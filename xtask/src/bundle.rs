//! `cargo xtask bundle`: a one-click install. Packs the server binary into an
//! MCP Bundle (`.mcpb`, a zip with a `manifest.json`, the format Claude
//! Desktop and other hosts install by double-click), and writes the MCP
//! registry entry (`server.json`) that points at it.
//!
//! The manifest's user settings are the server's own environment variables
//! ([`SETTINGS`]): the host asks the user for them once (the private key as
//! a secret) and starts the binary with them. Optional settings carry a
//! default, because a host leaves an unset `${user_config.…}` in place
//! literally; the server reads an empty member identifier as "not set".
//!
//! `--verify` checks the result the way a host would use it: the official
//! bundle tool (`@anthropic-ai/mcpb` from npm, through `npx`) unpacks the
//! bundle and validates its manifest, the unpacked binary is started with
//! the manifest's command and environment and must list its tools over
//! stdio, and `server.json` is validated against the registry's schema
//! (vendored under `xtask/schemas/`, with its provenance).

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The official bundle tool, pinned: its validation is what hosts apply.
pub const MCPB_TOOL: &str = "@anthropic-ai/mcpb@2.1.2";

/// The manifest format this bundle declares.
const MANIFEST_VERSION: &str = "0.3";

/// The MCP registry's schema for `server.json` (2025-12-11), vendored.
const REGISTRY_SCHEMA: &str = include_str!("../schemas/server.schema.json");

/// The registry name of the server (reverse DNS of where it is published).
pub const REGISTRY_NAME: &str = "io.github.connectwise-mcp/connectwise-mcp";

/// Where releases are downloaded from; the bundle's URL is
/// `{RELEASES}/v{version}/{file}`.
pub const RELEASES: &str = "https://github.com/connectwise-mcp/connectwise-mcp/releases/download";

/// What a setting holds, which decides how a host asks for it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Text the host stores as a secret and never shows.
    Secret,
    Switch,
}

/// One user setting of the bundle: asked by the host, passed as `env`.
#[derive(Debug)]
pub struct Setting {
    /// The key in the manifest's `user_config`.
    pub key: &'static str,
    /// The server's environment variable it becomes.
    pub env: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub kind: Kind,
    /// `None`: the user must give it.
    pub default: Option<&'static str>,
}

/// Every setting a technician gives their own installation.
pub const SETTINGS: &[Setting] = &[
    Setting {
        key: "site",
        env: "CW_SITE",
        title: "ConnectWise site",
        description: "The host you sign in to, e.g. na.myconnectwise.net or your own on-premises host.",
        kind: Kind::Text,
        default: None,
    },
    Setting {
        key: "company_id",
        env: "CW_COMPANY_ID",
        title: "Company ID",
        description: "The company you enter on ConnectWise's sign-in screen.",
        kind: Kind::Text,
        default: None,
    },
    Setting {
        key: "public_key",
        env: "CW_PUBLIC_KEY",
        title: "Public API key",
        description: "From My Account > API Keys (or an API member's keys).",
        kind: Kind::Text,
        default: None,
    },
    Setting {
        key: "private_key",
        env: "CW_PRIVATE_KEY",
        title: "Private API key",
        description: "Shown once when the key is made; stored by the host as a secret.",
        kind: Kind::Secret,
        default: None,
    },
    Setting {
        key: "client_id",
        env: "CW_CLIENT_ID",
        title: "clientId",
        description: "The integration's clientId from developer.connectwise.com (ConnectWise refuses requests without one).",
        kind: Kind::Text,
        default: None,
    },
    Setting {
        key: "member_identifier",
        env: "CW_MEMBER_IDENTIFIER",
        title: "Your member identifier",
        description: "e.g. JSmith: who \"my tickets\" and \"my time\" mean. Leave empty if the keys are an API member's.",
        kind: Kind::Text,
        default: Some(""),
    },
    Setting {
        key: "toolsets",
        env: "CW_TOOLSETS",
        title: "Toolsets",
        description: "Comma-separated: default, all, or names such as tickets, time, companies, api.",
        kind: Kind::Text,
        default: Some("default"),
    },
    Setting {
        key: "allow_writes",
        env: "CW_ALLOW_WRITES",
        title: "Allow writes",
        description: "Let the model create and update tickets, notes and time entries. Off: read-only.",
        kind: Kind::Switch,
        default: Some("false"),
    },
    Setting {
        key: "allow_deletes",
        env: "CW_ALLOW_DELETES",
        title: "Allow deletes",
        description: "Let the model delete records (needs writes too). Off unless you are sure.",
        kind: Kind::Switch,
        default: Some("false"),
    },
];

/// The platform a bundle is built for: the host's own (the binary is native).
#[derive(Clone, Copy, Debug)]
pub struct Platform {
    /// As the manifest names it: `darwin`, `win32` or `linux`.
    pub name: &'static str,
    /// The binary's file name inside the bundle.
    pub binary: &'static str,
}

impl Platform {
    pub fn host() -> Platform {
        let name = match std::env::consts::OS {
            "macos" => "darwin",
            "windows" => "win32",
            _ => "linux",
        };
        let binary = if name == "win32" {
            "connectwise-mcp.exe"
        } else {
            "connectwise-mcp"
        };
        Platform { name, binary }
    }
}

/// The bundle's `manifest.json`.
pub fn manifest(version: &str, platform: Platform) -> Value {
    let entry_point = format!("server/{}", platform.binary);
    json!({
        "manifest_version": MANIFEST_VERSION,
        "name": "connectwise-mcp",
        "display_name": "ConnectWise Manage (PSA)",
        "version": version,
        "description": "Tickets, time, companies and the whole ConnectWise Manage API for your assistant, read-only unless you allow writes.",
        "long_description": "An MCP server for ConnectWise Manage (PSA), generated from ConnectWise's own OpenAPI description: curated tools for a technician's day (tickets, notes, time, companies, contacts, configurations, projects) and the whole API through search, describe and a checked call. Read-only unless you allow writes; every request goes to your ConnectWise site only.",
        "author": { "name": "connectwise-mcp contributors" },
        "license": "MIT OR Apache-2.0",
        "keywords": ["connectwise", "psa", "msp", "tickets", "time"],
        "server": {
            "type": "binary",
            "entry_point": entry_point,
            "mcp_config": {
                "command": format!("${{__dirname}}/{entry_point}"),
                "args": [],
                "env": settings_env(),
            },
        },
        "tools_generated": true,
        "compatibility": { "platforms": [platform.name] },
        "user_config": user_config(),
    })
}

/// `env` of the manifest: each setting's variable from its `user_config`.
fn settings_env() -> Map<String, Value> {
    SETTINGS
        .iter()
        .map(|s| (s.env.to_owned(), json!(format!("${{user_config.{}}}", s.key))))
        .collect()
}

fn user_config() -> Map<String, Value> {
    SETTINGS
        .iter()
        .map(|s| {
            let mut entry = json!({
                "type": if s.kind == Kind::Switch { "boolean" } else { "string" },
                "title": s.title,
                "description": s.description,
                "required": s.default.is_none(),
            });
            if s.kind == Kind::Secret {
                entry["sensitive"] = json!(true);
            }
            if let Some(default) = s.default {
                entry["default"] = match s.kind {
                    Kind::Switch => json!(default == "true"),
                    _ => json!(default),
                };
            }
            (s.key.to_owned(), entry)
        })
        .collect()
}

/// The bundle's file name: `connectwise-mcp-{version}-{platform}-{arch}.mcpb`.
pub fn bundle_file_name(version: &str, platform: Platform) -> String {
    format!(
        "connectwise-mcp-{version}-{}-{}.mcpb",
        platform.name,
        std::env::consts::ARCH
    )
}

/// The MCP registry entry for this bundle: its download URL and SHA-256.
pub fn server_json(version: &str, file_name: &str, sha256: &str) -> Value {
    let env: Vec<Value> = SETTINGS
        .iter()
        .map(|s| {
            let mut input = json!({
                "name": s.env,
                "description": s.description,
                "isRequired": s.default.is_none(),
                "isSecret": s.kind == Kind::Secret,
            });
            if let Some(default) = s.default.filter(|d| !d.is_empty()) {
                input["default"] = json!(default);
            }
            if s.kind == Kind::Switch {
                input["format"] = json!("boolean");
            }
            input
        })
        .collect();
    json!({
        "$schema": "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
        "name": REGISTRY_NAME,
        "title": "ConnectWise Manage (PSA)",
        "description": "ConnectWise Manage (PSA): tickets, time, companies and the whole API, read-only by default.",
        "version": version,
        "packages": [{
            "registryType": "mcpb",
            "identifier": format!("{RELEASES}/v{version}/{file_name}"),
            "version": version,
            "fileSha256": sha256,
            "transport": { "type": "stdio" },
            "environmentVariables": env,
        }],
    })
}

/// What `cargo xtask bundle` was asked to do.
pub struct Options {
    /// The server binary to pack.
    pub binary: PathBuf,
    /// Where the `.mcpb` and `server.json` go.
    pub out_dir: PathBuf,
    /// The package version (from the root Cargo.toml).
    pub version: String,
}

/// What was written.
#[derive(Debug)]
pub struct Bundle {
    pub path: PathBuf,
    pub server_json: PathBuf,
    pub sha256: String,
    pub bytes: u64,
}

/// Packs the bundle and writes `server.json` beside it.
pub fn build(options: &Options) -> Result<Bundle, String> {
    let platform = Platform::host();
    fs::create_dir_all(&options.out_dir).map_err(|e| format!("{}: {e}", options.out_dir.display()))?;
    let path = options.out_dir.join(bundle_file_name(&options.version, platform));
    let manifest = manifest(&options.version, platform);
    pack(&options.binary, &manifest, platform, &path)?;
    let bytes = fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let sha256 = hex(&Sha256::digest(&bytes));
    let file_name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let entry = server_json(&options.version, file_name, &sha256);
    let server_json = options.out_dir.join("server.json");
    write_json(&server_json, &entry)?;
    Ok(Bundle {
        path,
        server_json,
        sha256,
        bytes: bytes.len() as u64,
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn write_json(path: &Path, value: &Value) -> Result<(), String> {
    let text = serde_json::to_string_pretty(value).expect("JSON values serialise") + "\n";
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The zip: `manifest.json` and the binary under `server/`, executable.
fn pack(binary: &Path, manifest: &Value, platform: Platform, out: &Path) -> Result<(), String> {
    use zip::write::SimpleFileOptions;
    let program = fs::read(binary).map_err(|e| format!("server binary {}: {e}", binary.display()))?;
    let file = fs::File::create(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut zip = zip::ZipWriter::new(file);
    let deflated = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let failed = |e: &dyn std::fmt::Display| format!("writing {}: {e}", out.display());
    zip.start_file("manifest.json", deflated.unix_permissions(0o644))
        .map_err(|e| failed(&e))?;
    let text = serde_json::to_string_pretty(manifest).expect("JSON values serialise");
    zip.write_all(text.as_bytes()).map_err(|e| failed(&e))?;
    zip.start_file(
        format!("server/{}", platform.binary),
        deflated.unix_permissions(0o755),
    )
    .map_err(|e| failed(&e))?;
    zip.write_all(&program).map_err(|e| failed(&e))?;
    zip.finish().map_err(|e| failed(&e))?;
    Ok(())
}

/// Checks a built bundle as a host would use it (see the module docs).
pub fn verify(bundle: &Bundle, work_dir: &Path) -> Result<String, String> {
    let unpacked = work_dir.join("unpacked");
    let _ = fs::remove_dir_all(&unpacked);
    npx_mcpb(&[
        "unpack",
        &bundle.path.to_string_lossy(),
        &unpacked.to_string_lossy(),
    ])?;
    let manifest_path = unpacked.join("manifest.json");
    npx_mcpb(&["validate", &manifest_path.to_string_lossy()])?;
    let manifest: Value = read_json(&manifest_path)?;
    let tools = list_tools_as_a_host_would(&manifest, &unpacked)?;
    check_server_json(&read_json(&bundle.server_json)?)?;
    Ok(format!(
        "the bundle unpacks and validates with {MCPB_TOOL}; started as a host starts it, it lists {tools} tools; server.json matches the registry schema"
    ))
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Runs the official bundle tool; its output is shown, its failure is ours.
fn npx_mcpb(args: &[&str]) -> Result<(), String> {
    let output = Command::new("npx")
        .args(["--yes", MCPB_TOOL])
        .args(args)
        .output()
        .map_err(|e| format!("npx (Node.js) is needed to check the bundle with {MCPB_TOOL}: {e}"))?;
    print!("{}", String::from_utf8_lossy(&output.stdout));
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "mcpb {} failed ({}): {}",
            args.join(" "),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// `server.json` against the registry's schema, every error listed.
pub fn check_server_json(entry: &Value) -> Result<(), String> {
    let schema: Value = serde_json::from_str(REGISTRY_SCHEMA).expect("the vendored schema is JSON");
    let validator = jsonschema::validator_for(&schema).map_err(|e| format!("registry schema: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(entry)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "server.json does not match the registry schema: {}",
            errors.join("; ")
        ))
    }
}

/// The values a user might give, for settings that have no default.
fn sample_value(setting: &Setting) -> &'static str {
    match setting.key {
        "site" => "na.myconnectwise.net",
        "client_id" => "00000000-0000-0000-0000-000000000000",
        _ => "sample",
    }
}

/// The manifest's command and `env` with `${…}` replaced as a host replaces
/// them (defaults, then the user's values).
pub fn host_command(manifest: &Value, dir: &Path) -> Result<(String, Vec<(String, String)>), String> {
    let config = &manifest["server"]["mcp_config"];
    let substitute = |text: &str| {
        let mut text = text.replace("${__dirname}", &dir.to_string_lossy());
        for setting in SETTINGS {
            let value = setting.default.unwrap_or_else(|| sample_value(setting));
            text = text.replace(&format!("${{user_config.{}}}", setting.key), value);
        }
        text
    };
    let command = substitute(config["command"].as_str().ok_or("manifest: no server command")?);
    let mut env = Vec::new();
    for (name, value) in config["env"].as_object().ok_or("manifest: no env")? {
        let value = substitute(value.as_str().unwrap_or_default());
        if value.contains("${") {
            return Err(format!(
                "manifest: {name} is left as {value} when its setting is not given"
            ));
        }
        env.push((name.clone(), value));
    }
    Ok((command, env))
}

/// Starts the unpacked server as a host would and asks for its tools.
fn list_tools_as_a_host_would(manifest: &Value, dir: &Path) -> Result<usize, String> {
    let (command, env) = host_command(manifest, dir)?;
    let mut child = Command::new(&command)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", dir)
        .envs(env)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("starting {command}: {e}"))?;
    let mut stdin = child.stdin.take().expect("piped");
    let frames = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
            "protocolVersion": "2025-06-18", "capabilities": {},
            "clientInfo": {"name": "xtask-bundle", "version": "1"}}}),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"}),
    ];
    for frame in frames {
        writeln!(stdin, "{frame}").map_err(|e| format!("writing to the server: {e}"))?;
    }
    let stdout = child.stdout.take().expect("piped");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let answer = wait_for_id(&rx, 2, Duration::from_secs(20));
    drop(stdin);
    let _ = child.kill();
    let _ = child.wait();
    let tools = answer?["result"]["tools"]
        .as_array()
        .map(Vec::len)
        .ok_or("tools/list: no tools in the answer")?;
    if tools == 0 {
        return Err("tools/list: the bundled server lists no tools".into());
    }
    Ok(tools)
}

fn wait_for_id(rx: &mpsc::Receiver<String>, id: i64, timeout: Duration) -> Result<Value, String> {
    let deadline = std::time::Instant::now() + timeout;
    loop {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let line = rx
            .recv_timeout(left)
            .map_err(|_| format!("no answer to request {id} within {}s", timeout.as_secs()))?;
        let Ok(frame) = serde_json::from_str::<Value>(&line) else {
            continue;
        };
        if frame["id"] == json!(id) {
            return Ok(frame);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux() -> Platform {
        Platform {
            name: "linux",
            binary: "connectwise-mcp",
        }
    }

    #[test]
    fn every_setting_reaches_the_server_as_its_variable() {
        let manifest = manifest("1.2.3", linux());
        let (command, env) = host_command(&manifest, Path::new("/opt/b")).unwrap();
        assert_eq!(command, "/opt/b/server/connectwise-mcp");
        let names: Vec<&str> = env.iter().map(|(n, _)| n.as_str()).collect();
        for setting in SETTINGS {
            assert!(names.contains(&setting.env), "{} missing from env", setting.env);
        }
        let value = |name: &str| env.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str());
        assert_eq!(
            value("CW_ALLOW_WRITES"),
            Some("false"),
            "read-only unless the user says so"
        );
        assert_eq!(value("CW_TOOLSETS"), Some("default"));
    }

    #[test]
    fn the_private_key_is_a_secret_and_the_credentials_are_required() {
        let manifest = manifest("1.2.3", linux());
        let config = &manifest["user_config"];
        assert_eq!(config["private_key"]["sensitive"], json!(true));
        for key in ["site", "company_id", "public_key", "private_key", "client_id"] {
            assert_eq!(config[key]["required"], json!(true), "{key}");
        }
        assert_eq!(config["allow_writes"]["type"], json!("boolean"));
        assert_eq!(config["allow_writes"]["default"], json!(false));
        assert!(config["member_identifier"].get("sensitive").is_none());
    }

    #[test]
    fn server_json_matches_the_registry_schema() {
        let entry = server_json(
            "1.2.3",
            "connectwise-mcp-1.2.3-linux-x86_64.mcpb",
            &"ab".repeat(32),
        );
        check_server_json(&entry).unwrap();
        let secrets: Vec<&Value> = entry["packages"][0]["environmentVariables"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["isSecret"] == json!(true))
            .collect();
        assert_eq!(secrets.len(), 1);
        assert_eq!(secrets[0]["name"], json!("CW_PRIVATE_KEY"));
    }

    #[test]
    fn a_bad_registry_entry_is_refused_with_where() {
        let mut entry = server_json("1.2.3", "x.mcpb", &"ab".repeat(32));
        entry["packages"][0]["fileSha256"] = json!("not-a-hash");
        let error = check_server_json(&entry).unwrap_err();
        assert!(error.contains("fileSha256"), "{error}");
    }
}
