//! `cargo xtask regen` on doctored copies of the shipped spec.
//!
//! Every test works in its own temporary "repository root" holding copies of
//! what regen reads and writes (`spec/manage.json`, and where tools are
//! involved `spec/tools.toml` and `src/toolsets/curated/generated.rs`): the real tree is
//! only ever read, and `regen --check` on it is read-only by design.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use tempfile::TempDir;
use xtask::diff::{OperationChange, OperationRef, SchemaChange};
use xtask::regen::{self, Options, RegenError, SpecFile};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shipped spec's bytes, read once per test binary.
fn shipped_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| std::fs::read(repo_root().join("spec/manage.json")).expect("the shipped spec"))
}

/// The shipped spec, parsed once per test binary.
fn shipped() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| serde_json::from_slice(shipped_bytes()).expect("the shipped spec is JSON"))
}

/// A temporary repository root whose `spec/manage.json` is the shipped one.
struct Sandbox {
    dir: TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("a temp dir");
        std::fs::create_dir(dir.path().join("spec")).unwrap();
        std::fs::write(dir.path().join("spec/manage.json"), shipped_bytes()).unwrap();
        Sandbox { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn committed(&self) -> Vec<u8> {
        std::fs::read(self.root().join("spec/manage.json")).unwrap()
    }

    /// Writes a new upstream document next to (not inside) `spec/`.
    fn write_new(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.root().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn doctored(&self, edit: impl FnOnce(&mut Value)) -> PathBuf {
        let mut spec = shipped().clone();
        edit(&mut spec);
        self.write_new("All.json", &serde_json::to_vec_pretty(&spec).unwrap())
    }

    fn regen(&self, spec: &Path) -> Result<regen::RegenReport, RegenError> {
        regen::run(&Options {
            root: self.root().to_owned(),
            spec: Some(spec.to_owned()),
        })
    }

    /// Runs the real binary, never cargo.
    fn cli(&self, args: &[&str]) -> Output {
        xtask(self.root(), args)
    }

    /// Every file under the root with its bytes, sorted by path.
    fn listing(&self) -> Vec<(PathBuf, Vec<u8>)> {
        listing(self.root())
    }
}

/// Runs the real binary on `root` (`regen --no-cargo`), never cargo.
fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["regen", "--no-cargo", "--root"])
        .arg(root)
        .args(args)
        .output()
        .expect("the xtask binary runs")
}

/// Every file under `root` (recursively) with its bytes, sorted by path.
fn listing(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut entries = Vec::new();
    let mut dirs = vec![root.to_owned()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                entries.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    entries.sort();
    entries
}

fn operation<'a>(spec: &'a mut Value, path: &str, method: &str) -> &'a mut Value {
    &mut spec["paths"][path][method]
}

fn schema<'a>(spec: &'a mut Value, name: &str) -> &'a mut Value {
    &mut spec["components"]["schemas"][name]
}

fn op_ref(id: &str, method: &str, path: &str) -> OperationRef {
    OperationRef {
        id: id.into(),
        method: method.into(),
        path: path.into(),
    }
}

#[test]
fn the_shipped_spec_fires_every_defect_rule_and_has_no_api_changes() {
    let sandbox = sandbox_with_tools();
    let before = sandbox.listing();
    let report = regen::run(&Options {
        root: sandbox.root().to_owned(),
        spec: None,
    })
    .expect("the shipped spec normalises");
    assert!(
        sandbox.listing() == before,
        "regen of the committed state writes nothing"
    );
    let counts: Vec<(&str, usize)> = report.rules.iter().map(|r| (r.name, r.count)).collect();
    assert_eq!(
        counts,
        [
            ("vendor-json-media-type", 2524),
            ("truncated-route-constraint", 2),
            ("path-missing-slash", 1),
            ("path-param-not-in-template", 23),
            ("undeclared-path-variable", 1),
            ("client-id-header", 2814),
            ("multipart-body", 1),
            ("required-not-a-property", 1),
            ("nullable-enum", 328),
            ("patch-operation-value", 1),
            ("object-means-any-value", 5),
            ("operation-id-artefacts", 2),
            ("summary-type-names", 22),
            ("default-only-response", 1),
        ]
    );
    assert!(report.rules.iter().all(|r| !r.reason.is_empty()));
    let generator: Vec<&str> = report.generator_rules.iter().map(|r| r.name).collect();
    let expected: Vec<&str> = xtask::normalize::GENERATOR_RULES.iter().map(|r| r.name).collect();
    assert_eq!(generator, expected, "the generator-only rules are reported too");
    assert_eq!(report.spec_file, SpecFile::Committed);
    let diff = report.diff.as_ref().expect("a committed spec to compare with");
    assert!(diff.is_empty(), "{diff}");

    let text = report.to_string();
    assert!(
        text.starts_with("Normalisation rules applied to spec/manage.json:\n"),
        "{text}"
    );
    assert!(
        text.contains("  vendor-json-media-type       2524  ConnectWise labels JSON"),
        "{text}"
    );
    assert!(text.contains("  nullable-enum                 328  "), "{text}");
    assert!(
        !text.contains("not needed"),
        "every rule fires on the shipped spec: {text}"
    );
    assert!(
        text.contains("API changes against the committed spec/manage.json:\n  no API changes\n"),
        "{text}"
    );
    assert!(text.contains("spec/manage.json: read, not written\n"), "{text}");
    let generated = format!(
        "src/toolsets/curated/generated.rs: {} curated tools, unchanged\n\
         src/toolsets/code/reports/generated.rs: {} reports, unchanged\n",
        allow_list_entries("tool"),
        allow_list_entries("report")
    );
    assert!(text.ends_with(&generated), "{text}");
}

#[test]
fn a_removed_operation_is_reported_by_id_and_method_path_then_regen_is_idempotent() {
    let sandbox = Sandbox::new();
    let new = sandbox.doctored(|spec| {
        spec["paths"]["/service/tickets/{id}"]
            .as_object_mut()
            .unwrap()
            .remove("get");
    });
    let report = sandbox.regen(&new).expect("regen succeeds");
    let diff = report.diff.as_ref().unwrap();
    assert_eq!(
        diff.operations_removed,
        [op_ref("getServiceTicketsById", "GET", "/service/tickets/{id}")]
    );
    assert!(diff.operations_added.is_empty() && diff.operations_changed.is_empty());
    assert!(
        diff.schemas_added.is_empty() && diff.schemas_removed.is_empty() && diff.schemas_changed.is_empty()
    );
    // One operation fewer carries the clientId header and a vendor media type.
    assert_eq!(report.count("client-id-header"), Some(2813));
    assert_eq!(report.count("vendor-json-media-type"), Some(2523));

    let text = report.to_string();
    assert!(
        text.contains("operations: 0 added, 1 removed, 0 changed; schemas: 0 added, 0 removed, 0 changed"),
        "{text}"
    );
    assert!(
        text.contains("  operations removed (1):\n    - getServiceTicketsById (GET /service/tickets/{id})\n"),
        "{text}"
    );

    // The new document replaced the committed one, byte for byte.
    assert_eq!(report.spec_file, SpecFile::Replaced);
    assert!(text.contains("spec/manage.json: replaced by "), "{text}");
    let written = sandbox.committed();
    assert_eq!(written, std::fs::read(&new).unwrap());

    // Again: nothing left to do.
    let again = sandbox.regen(&new).expect("regen succeeds again");
    assert_eq!(again.spec_file, SpecFile::Unchanged);
    assert!(again.diff.as_ref().unwrap().is_empty());
    assert!(again.to_string().contains("  no API changes\n"));
    assert_eq!(sandbox.committed(), written);
}

#[test]
fn an_added_operation_is_reported() {
    let sandbox = Sandbox::new();
    let new = sandbox.doctored(|spec| {
        let mut op = operation(spec, "/service/tickets/{id}", "get").clone();
        op["operationId"] = json!("getServiceTicketsByIdWidgets");
        op["summary"] = json!("Get List of Widget");
        spec["paths"]["/service/tickets/{id}/widgets"] = json!({ "get": op });
    });
    let report = sandbox.regen(&new).expect("regen succeeds");
    let diff = report.diff.as_ref().unwrap();
    assert_eq!(
        diff.operations_added,
        [op_ref(
            "getServiceTicketsByIdWidgets",
            "GET",
            "/service/tickets/{id}/widgets"
        )]
    );
    assert!(diff.operations_removed.is_empty() && diff.operations_changed.is_empty());
    assert_eq!(
        report.count("client-id-header"),
        Some(2815),
        "the new operation's clientId header is removed too"
    );
    let text = report.to_string();
    assert!(
        text.contains("  operations added (1):\n    + getServiceTicketsByIdWidgets (GET /service/tickets/{id}/widgets)\n"),
        "{text}"
    );
}

#[test]
fn operation_changes_are_reported_per_operation() {
    let sandbox = Sandbox::new();
    let new = sandbox.doctored(|spec| {
        let op = operation(spec, "/service/tickets/{id}", "get");
        op["summary"] = json!("Get One Ticket");
        let params = op["parameters"].as_array_mut().unwrap();
        params.retain(|p| p["name"] != "childConditions");
        params.push(json!({ "name": "expand", "in": "query", "schema": { "type": "string" } }));
        let page = params.iter_mut().find(|p| p["name"] == "page").unwrap();
        page["schema"] = json!({ "type": "integer", "format": "int64" });
        let put = operation(spec, "/service/tickets/{id}", "put");
        put["requestBody"]["content"]["application/json"]["schema"]["$ref"] =
            json!("#/components/schemas/Company");
        let responses = &mut operation(spec, "/service/tickets/{id}", "patch")["responses"]["200"]["content"];
        let media = responses.as_object_mut().unwrap().values_mut().next().unwrap();
        media["schema"]["$ref"] = json!("#/components/schemas/Company");
    });
    let report = sandbox.regen(&new).expect("regen succeeds");
    let diff = report.diff.as_ref().unwrap();
    let changed: Vec<&OperationRef> = diff.operations_changed.iter().map(|c| &c.operation).collect();
    assert_eq!(
        changed,
        [
            &op_ref("getServiceTicketsById", "GET", "/service/tickets/{id}"),
            &op_ref("putServiceTicketsById", "PUT", "/service/tickets/{id}"),
            &op_ref("patchServiceTicketsById", "PATCH", "/service/tickets/{id}"),
        ],
        "sorted by path, then method"
    );
    assert_eq!(
        diff.operations_changed[0].changes,
        [
            OperationChange::Summary {
                from: Some("Get Ticket".into()),
                to: Some("Get One Ticket".into())
            },
            OperationChange::ParameterAdded {
                name: "expand".into(),
                location: "query".into(),
                ty: "string".into(),
                required: false
            },
            OperationChange::ParameterChanged {
                name: "page".into(),
                what: "type",
                from: "integer(int32)".into(),
                to: "integer(int64)".into()
            },
            OperationChange::ParameterRemoved {
                name: "childConditions".into(),
                location: "query".into(),
                ty: "string".into()
            },
        ]
    );
    let text = report.to_string();
    assert!(
        text.contains("        request body: Ticket → Company\n"),
        "{text}"
    );
    assert!(
        text.contains("        response 200: Ticket → Company\n"),
        "{text}"
    );
}

#[test]
fn schema_field_changes_are_reported_with_schema_and_field() {
    let sandbox = Sandbox::new();
    let new = sandbox.doctored(|spec| {
        schema(spec, "Ticket")["properties"]["summary"] = json!({ "type": "integer", "format": "int32" });
        schema(spec, "Company")["properties"]["loyaltyTier"] =
            json!({ "type": "string", "description": "Max length: 20;" });
        schema(spec, "Company")["required"]
            .as_array_mut()
            .unwrap()
            .push(json!("loyaltyTier"));
        schema(spec, "Company")["properties"]
            .as_object_mut()
            .unwrap()
            .remove("faxNumber");
        spec["components"]["schemas"]["Widget"] =
            json!({ "type": "object", "properties": { "id": { "type": "integer" } } });
    });
    let report = sandbox.regen(&new).expect("regen succeeds");
    let diff = report.diff.as_ref().unwrap();
    assert!(
        diff.operations_added.is_empty()
            && diff.operations_removed.is_empty()
            && diff.operations_changed.is_empty()
    );
    assert_eq!(diff.schemas_added, ["Widget"]);
    assert!(diff.schemas_removed.is_empty());
    let names: Vec<&str> = diff.schemas_changed.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Company", "Ticket"]);
    assert_eq!(
        diff.schemas_changed[0].changes,
        [
            SchemaChange::PropertyAdded {
                name: "loyaltyTier".into(),
                ty: "string".into()
            },
            SchemaChange::PropertyRemoved {
                name: "faxNumber".into(),
                ty: "string".into()
            },
            SchemaChange::RequiredAdded {
                name: "loyaltyTier".into()
            },
        ]
    );
    assert_eq!(
        diff.schemas_changed[1].changes,
        [SchemaChange::PropertyType {
            name: "summary".into(),
            from: "string".into(),
            to: "integer(int32)".into()
        }]
    );
    let text = report.to_string();
    assert!(
        text.contains("    ~ Ticket\n        property `summary` type: string → integer(int32)\n"),
        "{text}"
    );
    assert!(
        text.contains("    ~ Company\n        property `loyaltyTier` added (string)\n"),
        "{text}"
    );
    assert!(text.contains("  schemas added (1):\n    + Widget\n"), "{text}");
}

#[test]
fn a_response_media_type_no_rule_covers_fails_naming_the_operation() {
    let sandbox = Sandbox::new();
    let new = sandbox.doctored(|spec| {
        let content = &mut operation(spec, "/service/tickets/{id}", "get")["responses"]["200"]["content"];
        let media = content.as_object_mut().unwrap().values().next().unwrap().clone();
        *content = json!({ "text/xml": media });
    });
    let err = sandbox.regen(&new).expect_err("text/xml is not covered");
    let message = err.to_string();
    assert!(matches!(err, RegenError::Normalize { .. }), "{message}");
    assert!(
        message.contains("operation getServiceTicketsById (GET /service/tickets/{id})"),
        "{message}"
    );
    assert!(message.contains("text/xml"), "{message}");
    assert_eq!(
        sandbox.committed(),
        shipped_bytes(),
        "nothing is written on failure"
    );
}

#[test]
fn a_header_parameter_other_than_client_id_fails_naming_the_operation() {
    let sandbox = Sandbox::new();
    let new = sandbox.doctored(|spec| {
        let op = operation(spec, "/company/companies", "get");
        op["parameters"].as_array_mut().unwrap().push(json!({
            "name": "X-Tenant", "in": "header", "required": true, "schema": { "type": "string" } }));
    });
    // Through the binary: one `error:` line, a non-zero exit, no panic.
    let out = sandbox.cli(&["--spec", new.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("operation getCompanyCompanies (GET /company/companies)"),
        "{stderr}"
    );
    assert!(stderr.contains("`header` parameter `X-Tenant`"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        sandbox.committed(),
        shipped_bytes(),
        "nothing is written on failure"
    );
}

#[test]
fn a_dangling_ref_is_located_by_its_operation_and_a_readable_pointer() {
    let sandbox = Sandbox::new();
    let new = sandbox.doctored(|spec| {
        let content = &mut operation(spec, "/service/boards", "get")["responses"]["200"]["content"];
        let media = content.as_object_mut().unwrap().values_mut().next().unwrap();
        media["schema"]["items"]["$ref"] = json!("#/components/schemas/BoardGone");
    });
    let out = sandbox.cli(&["--spec", new.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "  - operation getServiceBoards (GET /service/boards): refers to \
             `#/components/schemas/BoardGone` at /responses/200/content/"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains(" / service / "), "{stderr}");
    assert_eq!(
        sandbox.committed(),
        shipped_bytes(),
        "nothing is written on failure"
    );
}

#[test]
fn a_file_that_is_not_json_fails_clearly() {
    let sandbox = Sandbox::new();
    let bad = sandbox.write_new("All.json", b"<html>Service Unavailable</html>");
    let out = sandbox.cli(&["--spec", bad.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("All.json: the spec is not valid JSON"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(out.stdout.is_empty(), "no report on failure");
    assert_eq!(sandbox.committed(), shipped_bytes());
}

#[test]
fn a_document_that_is_not_openapi_3_fails_clearly() {
    let sandbox = Sandbox::new();
    let swagger = sandbox.write_new("All.json", br#"{"swagger": "2.0", "info": {}, "paths": {}}"#);
    let out = sandbox.cli(&["--spec", swagger.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        stderr.contains("the spec is not an OpenAPI 3 document"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(sandbox.committed(), shipped_bytes());
}

#[test]
fn a_missing_file_fails_clearly() {
    let sandbox = Sandbox::new();
    let out = sandbox.cli(&["--spec", "/nonexistent/All.json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot read /nonexistent/All.json"),
        "{stderr}"
    );
}

#[test]
fn regen_twice_with_a_copy_of_the_committed_spec_leaves_the_tree_unchanged() {
    let sandbox = Sandbox::new();
    let copy = sandbox.write_new("copy-of-manage.json", shipped_bytes());
    let before = sandbox.listing();
    for _ in 0..2 {
        let out = sandbox.cli(&["--spec", copy.to_str().unwrap()]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("  no API changes\n"), "{stdout}");
        assert!(
            stdout.contains("spec/manage.json: already identical to "),
            "{stdout}"
        );
        assert!(sandbox.listing() == before, "the tree changed");
    }
}

/// A sandbox that also holds copies of the project's allow-list and
/// generated tools.
/// How many entries of `kind` (`tool`, `report`) the committed allow-list has.
fn allow_list_entries(kind: &str) -> usize {
    let text = std::fs::read_to_string(repo_root().join("spec/tools.toml")).unwrap();
    let header = format!("[[{kind}]]");
    text.lines().filter(|l| l.trim() == header).count()
}

fn sandbox_with_tools() -> Sandbox {
    let sandbox = Sandbox::new();
    for file in [
        "spec/tools.toml",
        "src/toolsets/curated/generated.rs",
        "src/toolsets/code/reports/generated.rs",
    ] {
        let to = sandbox.root().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo_root().join(file), to).unwrap();
    }
    sandbox
}

#[test]
fn the_curated_tools_are_generated_and_regen_names_the_tools_an_api_change_reaches() {
    let sandbox = sandbox_with_tools();
    let new = sandbox.doctored(|spec| {
        // A new query parameter on the ticket list changes the positional call.
        let op = operation(spec, "/service/tickets", "get");
        op["parameters"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "name": "expand", "in": "query", "schema": { "type": "string" } }));
    });
    let report = sandbox.regen(&new).expect("regen succeeds");
    let tools = report.tools.as_ref().expect("tools were generated");
    assert!(tools.written);
    assert_eq!(tools.changed_by_spec, ["cw_my_tickets", "cw_search_tickets"]);
    assert!(
        report
            .to_string()
            .contains("tools the API change reaches: cw_my_tickets, cw_search_tickets")
    );
    let code = std::fs::read_to_string(sandbox.root().join("src/toolsets/curated/generated.rs")).unwrap();
    assert!(code.starts_with("// generated by `cargo xtask regen` from spec/tools.toml; do not edit."));
    assert!(code.contains("fn cw_search_tickets<'a>("));

    let again = sandbox.regen(&new).expect("second run");
    assert!(!again.tools.unwrap().written, "a second run rewrites nothing");
}

#[test]
fn a_field_a_tool_filters_on_disappearing_fails_naming_the_tool() {
    let sandbox = sandbox_with_tools();
    let new = sandbox.doctored(|spec| {
        let props = spec["components"]["schemas"]["Ticket"]["properties"]
            .as_object_mut()
            .unwrap();
        props.remove("closedFlag");
    });
    let err = sandbox.regen(&new).unwrap_err().to_string();
    assert!(
        err.contains("tool cw_search_tickets: argument closed: Ticket has no field closedFlag"),
        "{err}"
    );
    assert_eq!(sandbox.committed(), shipped_bytes(), "nothing was written");
}

#[test]
fn a_renamed_operation_names_the_operation_now_at_its_method_and_path() {
    let sandbox = sandbox_with_tools();
    let before = sandbox.listing();
    let new = sandbox.doctored(|spec| {
        operation(spec, "/service/tickets/{id}", "get")["operationId"] = json!("getServiceTicketById");
    });
    let err = sandbox.regen(&new).unwrap_err().to_string();
    assert!(
        err.contains(
            "tool cw_get_ticket: operation getServiceTicketsById is not in the spec; \
             GET /service/tickets/{id} is now getServiceTicketById"
        ),
        "{err}"
    );
    std::fs::remove_file(&new).unwrap();
    assert!(sandbox.listing() == before, "nothing was written");
}

// ---------------------------------------------------------------------------
// regen --check

#[test]
fn check_passes_on_the_real_tree_and_writes_nothing() {
    let root = repo_root();
    let watched = [
        "spec/manage.json",
        "spec/tools.toml",
        "src/toolsets/curated/generated.rs",
    ];
    let read = || watched.map(|f| std::fs::read(root.join(f)).unwrap());
    let before = read();
    let out = xtask(&root, &["--check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        stdout,
        format!(
            "src/toolsets/curated/generated.rs: up to date ({} curated tools)\n",
            allow_list_entries("tool")
        )
    );
    assert!(read() == before, "the tree changed");
}

/// `regen --check` on a copy of the tree after `edit`: fails with a diff,
/// changes nothing. Returns stdout and stderr.
fn check_after(edit: impl FnOnce(&Path)) -> (String, String) {
    let sandbox = sandbox_with_tools();
    edit(sandbox.root());
    let before = sandbox.listing();
    let out = sandbox.cli(&["--check"]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(sandbox.listing() == before, "--check wrote into the tree");
    assert!(
        stdout.starts_with(
            "src/toolsets/curated/generated.rs is stale: `cargo xtask regen` would change it \
             (from spec/manage.json and spec/tools.toml):\n\
             --- src/toolsets/curated/generated.rs (committed)\n\
             +++ src/toolsets/curated/generated.rs (regenerated)\n@@ "
        ),
        "{stdout}"
    );
    assert_eq!(
        stderr,
        "error: generated code is stale (diff above): run `cargo xtask regen` and commit the result\n"
    );
    (stdout, stderr)
}

fn replace_in(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn check_fails_with_a_diff_after_a_hand_edit_of_the_generated_code() {
    let (stdout, _) = check_after(|root| {
        replace_in(
            root,
            "src/toolsets/curated/generated.rs",
            "Box::pin(async move {",
            "Box::pin(async move { todo!();",
        );
    });
    assert!(
        stdout.contains("\n-    Box::pin(async move { todo!();\n"),
        "{stdout}"
    );
    assert!(stdout.contains("\n+    Box::pin(async move {\n"), "{stdout}");
    let changed = stdout
        .lines()
        .filter(|l| l.starts_with(['-', '+']) && !l.starts_with("---") && !l.starts_with("+++"));
    assert_eq!(changed.count(), 2, "one line differs: {stdout}");
}

#[test]
fn check_fails_with_a_diff_after_an_edit_of_the_allow_list() {
    let (stdout, _) = check_after(|root| {
        replace_in(
            root,
            "spec/tools.toml",
            "description = \"Board name.\"",
            "description = \"The board's name.\"",
        );
    });
    assert!(
        stdout.contains("\n-    /// Board name.\n+    /// The board's name.\n"),
        "{stdout}"
    );
}

#[test]
fn check_reports_a_missing_generated_file_and_an_allow_list_error() {
    let (stdout, _) =
        check_after(|root| std::fs::remove_file(root.join("src/toolsets/curated/generated.rs")).unwrap());
    assert!(
        stdout.contains("+// generated by `cargo xtask regen`"),
        "{stdout}"
    );

    let sandbox = sandbox_with_tools();
    replace_in(
        sandbox.root(),
        "spec/tools.toml",
        "condition = \"closedFlag\"",
        "condition = \"closedFlag\"\npath = \"id\"",
    );
    let out = sandbox.cli(&["--check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(
            "tool cw_search_tickets: argument closed: \
             give exactly one of condition, path, body, patch or choice (found 2)"
        ),
        "{stderr}"
    );
}
