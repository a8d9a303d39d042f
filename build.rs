//! Generates the typed ConnectWise client from `spec/manage.json`.
//!
//! The upstream document goes through the shared normalisation step
//! (`src/spec/normalize.rs`), then progenitor. Output lands in `OUT_DIR`:
//! `client.rs` (the generated client, included by `src/client/generated.rs`)
//! `manage.normalized.json` (the normalised document, minified, embedded
//! for the simulator, descriptions and body validation) and `catalog.rs`
//! (the endpoint catalog as static data, from `src/catalog/emit.rs`).

#[path = "src/spec/normalize.rs"]
#[allow(dead_code)]
mod normalize;

#[path = "src/catalog/emit.rs"]
mod catalog;

use serde_json::Value;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn main() -> ExitCode {
    println!("cargo::rerun-if-changed=spec/manage.json");
    println!("cargo::rerun-if-changed=src/spec/normalize.rs");
    println!("cargo::rerun-if-changed=src/catalog/emit.rs");
    println!("cargo::rerun-if-changed=build.rs");
    match generate() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            // Cargo shows a build script's stderr when it fails.
            eprintln!("error: cannot generate the ConnectWise client: {message}");
            ExitCode::FAILURE
        }
    }
}

fn generate() -> Result<(), String> {
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let text =
        std::fs::read_to_string("spec/manage.json").map_err(|e| format!("reading spec/manage.json: {e}"))?;
    let normalized = normalize::normalize_str(&text).map_err(|e| e.to_string())?;
    let (generator_input, _) = normalized.for_generator();

    let code = match run_progenitor(&generator_input) {
        Ok(code) => code,
        Err(message) => return Err(blame(&generator_input, message)),
    };
    write_if_changed(&out_dir.join("client.rs"), code.as_bytes())?;

    let version = normalized
        .spec
        .pointer("/info/version")
        .and_then(Value::as_str)
        .ok_or("the spec has no info.version")?;
    println!("cargo::rustc-env=CW_SPEC_VERSION={version}");
    let minified = serde_json::to_vec(&normalized.spec).map_err(|e| e.to_string())?;
    write_if_changed(&out_dir.join("manage.normalized.json"), &minified)?;
    let catalog = catalog::catalog_source(&normalized.spec);
    write_if_changed(&out_dir.join("catalog.rs"), catalog.as_bytes())
}

/// Runs progenitor, turning its errors and panics into messages.
fn run_progenitor(spec: &Value) -> Result<String, String> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(spec.clone())
        .map_err(|e| format!("the normalised spec does not read as OpenAPI: {e}"))?;
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        // The client runtime (auth, headers, retries, host guard) rides along
        // as the client's inner value and implements `ClientHooks` itself.
        .with_inner_type(quote::quote! { crate::client::Transport })
        .with_hooks(progenitor::HooksMode::Expected);

    // progenitor panics on some inputs; keep its panic out of the build log
    // and report it as an error instead.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        progenitor::Generator::new(&settings).generate_tokens(&spec)
    }));
    std::panic::set_hook(default_hook);

    let tokens = match outcome {
        Ok(Ok(tokens)) => tokens,
        Ok(Err(e)) => return Err(format!("progenitor: {e}")),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            return Err(format!("progenitor panicked: {what}"));
        }
    };
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("generated code does not parse: {e}"))?;
    Ok(prettyplease::unparse(&file))
}

/// After a failure, finds the operation progenitor trips on by bisecting the
/// operations (schemas alone first), so the message names it.
fn blame(spec: &Value, message: String) -> String {
    let mut operations = Vec::new();
    normalize::for_each_operation(spec, |path, method, op| {
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
        operations.push((path.to_owned(), method.to_owned(), id.to_owned()));
    });
    let fails = |ops: &[(String, String, String)]| run_progenitor(&with_operations(spec, ops)).err();
    if let Some(m) = fails(&[]) {
        return format!("{m} (the component schemas alone fail; no operation is involved)");
    }
    let mut suspects = &operations[..];
    let mut last = message;
    while suspects.len() > 1 {
        let (left, right) = suspects.split_at(suspects.len() / 2);
        match (fails(left), fails(right)) {
            (Some(m), _) => (suspects, last) = (left, m),
            (None, Some(m)) => (suspects, last) = (right, m),
            // Only a combination fails; report what we have.
            (None, None) => break,
        }
    }
    match suspects {
        [(path, method, id)] => format!("operation {id} ({} {path}): {last}", method.to_uppercase()),
        _ => format!("{last} (among {} operations)", suspects.len()),
    }
}

/// The spec with only the given operations (all component schemas kept).
fn with_operations(spec: &Value, ops: &[(String, String, String)]) -> Value {
    let mut out = spec.clone();
    let mut paths = serde_json::Map::new();
    for (path, method, _) in ops {
        if let Some(op) = spec.pointer(&format!(
            "/paths/{}/{method}",
            path.replace('~', "~0").replace('/', "~1")
        )) {
            let item = paths
                .entry(path.clone())
                .or_insert_with(|| Value::Object(Default::default()));
            item[method.as_str()] = op.clone();
        }
    }
    out["paths"] = Value::Object(paths);
    out
}

/// Leaves the file (and its mtime) alone when nothing changed, so an
/// unchanged spec never forces the client to recompile.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    std::fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}
