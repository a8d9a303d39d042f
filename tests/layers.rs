//! The crate's layers, checked: a module of `src/` names only modules of
//! lower layers (or, among the foundations, other foundations, without a
//! cycle), and toolsets never name each other. The layers are the ones
//! `src/lib.rs` describes; a new top-level module must be placed here.
//!
//! References are read from the source text: `crate::module` paths and
//! `crate::{a, b}` groups, outside `#[cfg(test)]` modules and comments.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each top-level module of `src/` and its layer (lower numbers are lower).
const LAYERS: &[(&str, u8)] = &[
    // Foundations.
    ("spec", 1),
    ("conditions", 1),
    ("catalog", 1),
    ("client", 1),
    ("store", 1),
    ("settings", 1),
    ("metrics", 1),
    // The tool kernel.
    ("tool", 2),
    // Toolsets.
    ("toolsets", 3),
    // MCP: registry, inventory, handler.
    ("mcp", 4),
    // Deployments and tools for operators.
    ("http", 5),
    ("doctor", 5),
];

/// Beside the stack: the simulated tenant may use foundations only.
const BESIDE: &[(&str, u8)] = &[("sim", 1)];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The source without comments and without the `#[cfg(test)] mod …` that
/// ends a file (tests may reach anywhere).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod ") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(i) => &line[..i],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules `code` names through `crate::`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// One source file of `src/`.
struct Source {
    /// Relative to `src/`.
    file: String,
    /// Its top-level module.
    module: String,
    /// The toolset it belongs to, for files under `src/toolsets/`.
    toolset: Option<String>,
    /// The top-level modules it names.
    named: BTreeSet<String>,
    code: String,
}

fn sources() -> Vec<Source> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let parts: Vec<&str> = rel.split('/').collect();
            let module = parts[0].trim_end_matches(".rs").to_owned();
            if matches!(module.as_str(), "lib" | "main")
                || rel.ends_with("tests.rs")
                || rel.ends_with("proptests.rs")
            {
                return None;
            }
            let toolset = (module == "toolsets" && parts.len() > 1)
                .then(|| parts[1].trim_end_matches(".rs").to_owned())
                .filter(|t| t != "mod");
            let code = code_of(&std::fs::read_to_string(&path).unwrap());
            let named = named_modules(&code);
            Some(Source {
                file: rel,
                module,
                toolset,
                named,
                code,
            })
        })
        .collect()
}

#[test]
fn every_module_names_only_lower_layers() {
    let mut problems = Vec::new();
    let mut foundation_edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for Source {
        file, module, named, ..
    } in sources()
    {
        let Some(own) = layer(&module).or_else(|| BESIDE.iter().find(|(m, _)| *m == module).map(|(_, l)| *l))
        else {
            problems.push(format!(
                "{file}: module `{module}` has no layer in tests/layers.rs"
            ));
            continue;
        };
        let beside = BESIDE.iter().any(|(m, _)| *m == module);
        for other in named.iter().filter(|n| **n != module) {
            match layer(other) {
                None if BESIDE.iter().any(|(m, _)| m == other) => problems.push(format!(
                    "{file}: names `crate::{other}`, which only tests may use"
                )),
                None => {}
                Some(l) if l < own => {}
                Some(l) if l == own && own == 1 && !beside => {
                    foundation_edges
                        .entry(module.clone())
                        .or_default()
                        .insert(other.clone());
                }
                Some(l) if l == 1 && beside => {}
                Some(l) => problems.push(format!(
                    "{file} (layer {own}, `{module}`) names `crate::{other}` of layer {l}"
                )),
            }
        }
    }
    // Foundations may use each other, without a cycle.
    for (from, tos) in &foundation_edges {
        for to in tos {
            if reaches(&foundation_edges, to, from, &mut BTreeSet::new()) {
                problems.push(format!(
                    "foundations `{from}` and `{to}` name each other (a cycle)"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "layering broken:\n{}", problems.join("\n"));
}

fn reaches(
    edges: &BTreeMap<String, BTreeSet<String>>,
    from: &str,
    to: &str,
    seen: &mut BTreeSet<String>,
) -> bool {
    if from == to {
        return true;
    }
    if !seen.insert(from.to_owned()) {
        return false;
    }
    edges
        .get(from)
        .is_some_and(|next| next.iter().any(|n| reaches(edges, n, to, seen)))
}

#[test]
fn toolsets_never_name_each_other() {
    let toolsets: BTreeSet<String> = sources().into_iter().filter_map(|s| s.toolset).collect();
    assert!(
        toolsets.contains("curated") && toolsets.contains("api"),
        "{toolsets:?}"
    );
    let mut problems = Vec::new();
    for Source {
        file, toolset, code, ..
    } in sources()
    {
        let Some(own) = toolset else { continue };
        for other in toolsets.iter().filter(|t| **t != own) {
            let direct = file.matches('/').count() == 1;
            let via_super = direct && code.contains(&format!("super::{other}"));
            if code.contains(&format!("toolsets::{other}")) || via_super {
                problems.push(format!("{file} (toolset `{own}`) names toolset `{other}`"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_reader_of_references_finds_paths_and_groups() {
    let named = named_modules(
        "use crate::tool::{Context};\nuse crate::{client, spec::shape};\nlet x = crate::mcp::y;",
    );
    let want: BTreeSet<String> = ["tool", "client", "spec", "mcp"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(named, want);
    assert!(
        code_of("use a; // crate::mcp\n#[cfg(test)]\nmod tests { use crate::http; }")
            .find("crate::")
            .is_none()
    );
}

/// Every HTTP client is built by `client::tls`, which puts the crypto
/// provider in place first: reqwest has none of its own here, so a client
/// built anywhere else would panic on its first use.
#[test]
fn every_http_client_is_built_where_tls_is_set_up() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    for dir in ["src", "tests", "benches"] {
        rust_files(&root.join(dir), &mut files);
    }
    let home = root.join("src/client/tls.rs");
    let this = root.join("tests/layers.rs");
    let ways = [
        ["reqwest::Client::", "new()"].concat(),
        ["reqwest::Client::", "builder()"].concat(),
        ["Client::", "default()"].concat(),
        ["StreamableHttpClientTransport::", "from_"].concat(),
        // A one-off request builds a default client too.
        ["reqwest::", "get("].concat(),
    ];
    let mut found = Vec::new();
    for file in files.iter().filter(|f| **f != home && **f != this) {
        let text = std::fs::read_to_string(file).unwrap();
        for way in ways.iter().filter(|w| text.contains(w.as_str())) {
            found.push(format!("{}: {way}", file.strip_prefix(root).unwrap().display()));
        }
    }
    assert!(
        found.is_empty(),
        "use connectwise_mcp::client::tls instead: {found:#?}"
    );
}
