//! The one place that decides what a session sees.
//!
//! Two independent filters, applied to every tool in allow-list order:
//!
//! 1. **Selection** (which tools are wanted):
//!    - `toolsets` names groups (`tickets`, `time`, …). `all` means every
//!      toolset, `default` means [`DEFAULT_TOOLSETS`]. When neither
//!      `toolsets` nor `tools` is given, the default toolsets are selected.
//!    - `tools` names single tools. Given together with `toolsets`, it adds
//!      those tools to the selected toolsets; given alone, it is an
//!      allow-list: exactly those tools.
//! 2. **Tier** (what the session may do, its [`Access`]): read tools always
//!    pass; write tools need `allow_writes`; delete tools need
//!    `allow_deletes` (their own switch; it does not turn on other writes).
//!    A caller may be narrowed further (an HTTP token's role), never widened.
//!
//! A tool is enabled when it passes both. A tool that is not enabled is
//! neither listed nor callable, and [`Inventory::lookup`] says why and how
//! to enable it. A name in `tools` or `toolsets` that does not exist is an
//! error at start-up that lists the valid names.
//!
//! Every setting comes from the command line / environment, else from the
//! `[server]` section of the deployment's config file, else the default
//! (read-only, default toolsets): see [`Gate::from_file`] and [`Gate::or`].

use crate::client::Pin;
use crate::settings::ConfigFile;
use crate::tool::{Access, AnswerCap, RunLimits, Tier, ToolDef};
use serde::Deserialize;

/// The toolsets a session gets when none are named: what a technician does
/// every day (tickets, time, and companies with their contacts and
/// configurations), `api` to find and call anything else, and `code` to
/// answer a report in one program (it reads unless writes are on).
pub const DEFAULT_TOOLSETS: &[&str] = &["tickets", "time", "companies", "api", "code"];

/// What a deployment and its command line allow.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// Enables write tools (create, update, add a note, log time).
    #[serde(default)]
    pub allow_writes: bool,
    /// Enables delete tools.
    #[serde(default)]
    pub allow_deletes: bool,
    /// Toolsets to select; `None`: the default ones (unless `tools` is given).
    pub toolsets: Option<Vec<String>>,
    /// Single tools: added to `toolsets`, or on their own an allow-list.
    pub tools: Option<Vec<String>>,
    /// Spec operations (operationIds) exposed as tools of their own.
    #[serde(default)]
    pub extra_operations: Vec<String>,
    /// The saved-query database (SQLite file; `:memory:` keeps them for
    /// the session only). `None`: the user's data directory.
    #[serde(default)]
    pub saved_queries_db: Option<std::path::PathBuf>,
    /// A PostgreSQL database (`postgres://…`) for what `saved_queries_db`
    /// would hold, shared by every instance of a deployment.
    #[serde(default)]
    pub database_url: Option<crate::store::DatabaseUrl>,
    /// The most an answer may take, in tokens; `None`: [`AnswerCap::DEFAULT`].
    #[serde(default)]
    pub max_result_tokens: Option<usize>,
    /// Every tool declares an output schema and results carry
    /// `structuredContent`, for clients that use them; off, results are
    /// text only (a model is not sent the same data twice).
    #[serde(default)]
    pub output_schemas: bool,
    /// Every write needs the user's confirmation first (a token the first
    /// call answers with, given back by a second call).
    #[serde(default)]
    pub confirm_writes: bool,
    /// Secrets pasted into records (passwords, keys, one-time codes) are
    /// shown as they are; off, answers mask them (`crate::tool::text`).
    #[serde(default)]
    pub show_secrets: bool,
    /// The companies every session is limited to, by identifier; `None`: all.
    /// Over HTTP a token may be limited further (`[http.companies]`).
    #[serde(default)]
    pub companies: Option<Vec<String>>,
    /// The limits of a `cw_run` program (`[server.code]`).
    #[serde(default)]
    pub code: RunLimits,
}

/// Settings given on the command line or in the environment: each one that
/// is present overrides the config file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GateOverrides {
    pub allow_writes: Option<bool>,
    pub allow_deletes: Option<bool>,
    pub toolsets: Option<Vec<String>>,
    pub tools: Option<Vec<String>>,
    pub extra_operations: Option<Vec<String>>,
    pub saved_queries_db: Option<std::path::PathBuf>,
    pub database_url: Option<crate::store::DatabaseUrl>,
    pub max_result_tokens: Option<usize>,
    pub output_schemas: Option<bool>,
    pub confirm_writes: Option<bool>,
    pub show_secrets: Option<bool>,
    pub companies: Option<Vec<String>>,
}

impl Gate {
    /// The store these settings name: PostgreSQL at `database_url`, else
    /// the SQLite file `saved_queries_db`.
    pub fn store(&self) -> Result<crate::store::Store, String> {
        crate::store::Store::open(self.saved_queries_db.clone(), self.database_url.as_ref())
    }

    /// The `[server]` section of the config file (a missing section is the
    /// default gate).
    ///
    /// ```toml
    /// [server]
    /// allow_writes = true
    /// toolsets = ["tickets", "time"]
    /// tools = ["cw_search_companies"]
    /// ```
    pub fn from_file(file: &ConfigFile) -> Result<Gate, String> {
        file.section("server")
    }

    /// This gate with every setting that `over` has replaced.
    pub fn or(self, over: GateOverrides) -> Gate {
        Gate {
            allow_writes: over.allow_writes.unwrap_or(self.allow_writes),
            allow_deletes: over.allow_deletes.unwrap_or(self.allow_deletes),
            toolsets: over.toolsets.or(self.toolsets),
            tools: over.tools.or(self.tools),
            extra_operations: over.extra_operations.unwrap_or(self.extra_operations),
            saved_queries_db: over.saved_queries_db.or(self.saved_queries_db),
            database_url: over.database_url.or(self.database_url),
            max_result_tokens: over.max_result_tokens.or(self.max_result_tokens),
            output_schemas: over.output_schemas.unwrap_or(self.output_schemas),
            confirm_writes: over.confirm_writes.unwrap_or(self.confirm_writes),
            show_secrets: over.show_secrets.unwrap_or(self.show_secrets),
            companies: over.companies.or(self.companies),
            code: self.code,
        }
    }

    /// The answer cap, checked against [`AnswerCap::RANGE`].
    pub fn answer_cap(&self) -> Result<AnswerCap, String> {
        match self.max_result_tokens {
            None => Ok(AnswerCap::DEFAULT),
            Some(tokens) if AnswerCap::RANGE.contains(&tokens) => Ok(AnswerCap { tokens }),
            Some(tokens) => Err(format!(
                "max_result_tokens (--max-result-tokens / CW_MAX_RESULT_TOKENS) is {tokens}; it must be {} to {}",
                AnswerCap::RANGE.start(),
                AnswerCap::RANGE.end()
            )),
        }
    }

    /// The companies every session is limited to, checked: a list that is
    /// given must name one.
    pub fn pin(&self) -> Result<Option<Pin>, String> {
        self.companies
            .as_ref()
            .map(|list| {
                Pin::new(list)
                    .map_err(|e| format!("companies (--companies / CW_COMPANIES / [server] companies): {e}"))
            })
            .transpose()
    }

    /// What this gate allows; a refusal names the switch that would allow it.
    pub fn access(&self) -> Access {
        let mut access = Access::all().confirming(self.confirm_writes);
        for (tier, on) in [
            (Tier::Write, self.allow_writes),
            (Tier::Delete, self.allow_deletes),
        ] {
            if !on {
                access = access.deny(tier, format!("start the server with {}", flag_for(tier)));
            }
        }
        access
    }
}

/// Whether a name is a tool of this session.
#[derive(Clone, Debug)]
pub enum Lookup {
    Enabled(&'static ToolDef),
    /// The tool exists but this session does not have it; `reason` says why
    /// and which switch enables it.
    Disabled {
        tool: &'static ToolDef,
        reason: String,
    },
    Unknown,
}

/// The tools of one session, decided once at start-up.
#[derive(Clone, Debug)]
pub struct Inventory {
    all: &'static [ToolDef],
    gate: Gate,
    /// What the session may do: the gate's access, narrowed to the caller's.
    access: Access,
    /// Selected toolsets, in allow-list order.
    toolsets: Vec<&'static str>,
    enabled: Vec<&'static ToolDef>,
}

impl Inventory {
    /// Applies `gate` to `all`. Unknown toolset or tool names are an error
    /// that lists the valid ones.
    pub fn new(all: &'static [ToolDef], gate: Gate) -> Result<Inventory, String> {
        let access = gate.access();
        Inventory::narrowed(all, gate, access)
    }

    /// Applies `gate`, with the session's tiers decided by `access` (the
    /// gate's own access, narrowed for a caller, e.g. by an HTTP token's
    /// role): a tool is enabled only when `access` allows its tier.
    pub fn narrowed(all: &'static [ToolDef], gate: Gate, access: Access) -> Result<Inventory, String> {
        gate.answer_cap()?;
        gate.pin()?;
        gate.code.check()?;
        let known = toolsets_of(all);
        let mut toolsets: Vec<&'static str> = Vec::new();
        let requested: Vec<String> = match (&gate.toolsets, &gate.tools) {
            (Some(sets), _) => sets
                .iter()
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            (None, Some(_)) => Vec::new(),
            (None, None) => vec!["default".to_owned()],
        };
        for name in &requested {
            let add: Vec<&'static str> = match name.as_str() {
                "all" => known.clone(),
                // The default set, as far as this build has those toolsets.
                "default" => known
                    .iter()
                    .copied()
                    .filter(|k| DEFAULT_TOOLSETS.contains(k))
                    .collect(),
                other => match known.iter().find(|k| **k == other) {
                    Some(k) => vec![*k],
                    None => {
                        return Err(format!(
                            "unknown toolset `{other}` (in --toolsets / CW_TOOLSETS / [server] toolsets); valid: all, default, {}",
                            known.join(", ")
                        ));
                    }
                },
            };
            for k in add {
                if !toolsets.contains(&k) {
                    toolsets.push(k);
                }
            }
        }
        let named: Vec<&str> = gate
            .tools
            .iter()
            .flatten()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .collect();
        for name in &named {
            if !all.iter().any(|t| t.name == *name) {
                let names: Vec<&str> = all.iter().map(|t| t.name).collect();
                return Err(format!(
                    "unknown tool `{name}` (in --tools / CW_TOOLS / [server] tools); valid: {}",
                    names.join(", ")
                ));
            }
        }
        let enabled = all
            .iter()
            .filter(|t| {
                // Extra operations were named one by one in the deployment's
                // config: they are always selected.
                let selected = toolsets.contains(&t.toolset) || named.contains(&t.name) || t.always_selected;
                selected && access.allows(t.tier)
            })
            .collect();
        for t in all
            .iter()
            .filter(|t| named.contains(&t.name) && !gate.access().allows(t.tier))
        {
            tracing::warn!(
                "{} is named in --tools but is a {} tool; it stays off without {}",
                t.name,
                t.tier.as_str(),
                flag_for(t.tier)
            );
        }
        Ok(Inventory {
            all,
            gate,
            access,
            toolsets,
            enabled,
        })
    }

    /// The tools this session lists and may call, in allow-list order.
    pub fn enabled(&self) -> &[&'static ToolDef] {
        &self.enabled
    }

    /// An enabled tool by name.
    pub fn get(&self, name: &str) -> Option<&'static ToolDef> {
        self.enabled.iter().copied().find(|t| t.name == name)
    }

    /// Whether `name` is enabled, exists but is off, or does not exist.
    pub fn lookup(&self, name: &str) -> Lookup {
        match self.get(name) {
            Some(t) => Lookup::Enabled(t),
            None => match self.all.iter().find(|t| t.name == name) {
                Some(tool) => Lookup::Disabled {
                    tool,
                    reason: self.why_disabled(tool),
                },
                None => Lookup::Unknown,
            },
        }
    }

    /// Why `tool` is not enabled in this session and how to enable it.
    pub fn why_disabled(&self, tool: &ToolDef) -> String {
        let mut reasons = Vec::new();
        let selected = self.toolsets.contains(&tool.toolset)
            || self.gate.tools.iter().flatten().any(|n| n.trim() == tool.name);
        if !selected {
            reasons.push(format!(
                "its toolset `{}` is not selected (add it with --toolsets / CW_TOOLSETS, or name the tool in --tools / CW_TOOLS)",
                tool.toolset
            ));
        }
        if let Some(why) = self.access.why_not(tool.tier) {
            reasons.push(format!("it is a {} tool: {why}", tool.tier.as_str()));
        }
        format!(
            "tool `{}` is not enabled in this session: {}",
            tool.name,
            reasons.join("; and ")
        )
    }

    /// Every tool of this build, enabled or not.
    pub fn all(&self) -> &'static [ToolDef] {
        self.all
    }

    /// The toolsets this session selected.
    pub fn toolsets(&self) -> &[&'static str] {
        &self.toolsets
    }

    pub fn gate(&self) -> &Gate {
        &self.gate
    }

    /// What this session may do (the gate's access, narrowed to the caller's).
    pub fn access(&self) -> &Access {
        &self.access
    }
}

/// The toolsets of `all`, in order of first appearance.
pub fn toolsets_of(all: &[ToolDef]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for t in all {
        if !out.contains(&t.toolset) {
            out.push(t.toolset);
        }
    }
    out
}

/// The switch a tier needs.
fn flag_for(tier: Tier) -> &'static str {
    match tier {
        Tier::Read => "no flag",
        Tier::Write => "--allow-writes or CW_ALLOW_WRITES=true",
        Tier::Delete => "--allow-deletes or CW_ALLOW_DELETES=true",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::tool::{Context, ToolFuture};
    use serde_json::{Value, json};

    fn schema(_: &ToolDef) -> Value {
        json!({"type": "object", "properties": {}})
    }

    fn call<'a>(_: &'a Context, _: &'static ToolDef, _: Value) -> ToolFuture<'a> {
        Box::pin(async { Ok(json!({"ok": true})) })
    }

    const fn def(name: &'static str, toolset: &'static str, tier: Tier) -> ToolDef {
        ToolDef {
            name,
            title: name,
            description: "test tool",
            toolset,
            tier,
            tier_per_call: false,
            per_caller: false,
            always_selected: false,
            idempotent: false,
            operation_id: "getSystemInfo",
            input_schema: schema,
            call,
        }
    }

    pub(crate) static FAKE: &[ToolDef] = &[
        def("cw_search_tickets", "tickets", Tier::Read),
        def("cw_create_ticket", "tickets", Tier::Write),
        def("cw_delete_ticket", "tickets", Tier::Delete),
        def("cw_my_time", "time", Tier::Read),
        def("cw_create_time_entry", "time", Tier::Write),
        def("cw_search_companies", "companies", Tier::Read),
        def("cw_search_agreements", "agreements", Tier::Read),
        def("cw_update_agreement", "agreements", Tier::Write),
    ];

    fn names(inv: &Inventory) -> Vec<&str> {
        inv.enabled().iter().map(|t| t.name).collect()
    }

    fn gate(toolsets: Option<&[&str]>, tools: Option<&[&str]>, writes: bool, deletes: bool) -> Gate {
        let list = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Gate {
            allow_writes: writes,
            allow_deletes: deletes,
            toolsets: toolsets.map(list),
            tools: tools.map(list),
            ..Gate::default()
        }
    }

    #[test]
    fn the_default_is_read_only_and_the_default_toolsets() {
        let inv = Inventory::new(FAKE, Gate::default()).unwrap();
        assert_eq!(
            names(&inv),
            ["cw_search_tickets", "cw_my_time", "cw_search_companies"]
        );
        assert_eq!(inv.toolsets(), ["tickets", "time", "companies"]);
    }

    #[test]
    fn a_caller_narrows_the_gate_and_says_so() {
        let all = gate(Some(&["all"]), None, true, true);
        let viewer = all
            .access()
            .deny(Tier::Write, "your token's role `viewer` does not allow it")
            .deny(Tier::Delete, "your token's role `viewer` does not allow it");
        let inv = Inventory::narrowed(FAKE, all.clone(), viewer).unwrap();
        assert_eq!(inv.enabled().len(), 4);
        let why = inv.why_disabled(&FAKE[1]);
        assert!(
            why.contains("it is a write tool: your token's role `viewer`"),
            "{why}"
        );
        assert!(!inv.access().allows(Tier::Write));
        // A caller never widens the server's gate.
        let read_only = gate(Some(&["all"]), None, false, false);
        let inv = Inventory::narrowed(FAKE, read_only.clone(), read_only.access()).unwrap();
        assert_eq!(inv.enabled().len(), 4);
        let why = inv.why_disabled(&FAKE[2]);
        assert!(
            why.contains("it is a delete tool: start the server with --allow-deletes"),
            "{why}"
        );
    }

    #[test]
    fn writes_and_deletes_have_their_own_switches() {
        let inv = Inventory::new(FAKE, gate(None, None, true, false)).unwrap();
        assert!(names(&inv).contains(&"cw_create_ticket") && !names(&inv).contains(&"cw_delete_ticket"));
        let inv = Inventory::new(FAKE, gate(None, None, false, true)).unwrap();
        assert!(!names(&inv).contains(&"cw_create_ticket") && names(&inv).contains(&"cw_delete_ticket"));
    }

    #[test]
    fn toolsets_select_groups_and_all_selects_every_group() {
        let inv = Inventory::new(FAKE, gate(Some(&["tickets"]), None, true, false)).unwrap();
        assert_eq!(names(&inv), ["cw_search_tickets", "cw_create_ticket"]);
        let inv = Inventory::new(FAKE, gate(Some(&["all"]), None, false, false)).unwrap();
        assert_eq!(inv.enabled().len(), 4);
        let inv = Inventory::new(FAKE, gate(Some(&["default", "agreements"]), None, false, false)).unwrap();
        assert!(names(&inv).contains(&"cw_search_agreements"));
    }

    #[test]
    fn tools_alone_are_an_allow_list_and_with_toolsets_they_add() {
        let inv = Inventory::new(
            FAKE,
            gate(
                None,
                Some(&["cw_search_companies", "cw_search_agreements"]),
                false,
                false,
            ),
        )
        .unwrap();
        assert_eq!(names(&inv), ["cw_search_companies", "cw_search_agreements"]);
        let inv = Inventory::new(
            FAKE,
            gate(Some(&["time"]), Some(&["cw_search_agreements"]), false, false),
        )
        .unwrap();
        assert_eq!(names(&inv), ["cw_my_time", "cw_search_agreements"]);
        // Naming a write tool does not bypass the tier switch.
        let inv = Inventory::new(FAKE, gate(None, Some(&["cw_update_agreement"]), false, false)).unwrap();
        assert!(inv.enabled().is_empty());
    }

    #[test]
    fn unknown_names_are_errors_that_list_the_valid_ones() {
        let err = Inventory::new(FAKE, gate(Some(&["tickts"]), None, false, false)).unwrap_err();
        assert!(
            err.contains("unknown toolset `tickts`") && err.contains("valid: all, default, tickets, time"),
            "{err}"
        );
        let err = Inventory::new(FAKE, gate(None, Some(&["cw_nope"]), false, false)).unwrap_err();
        assert!(
            err.contains("unknown tool `cw_nope`") && err.contains("cw_search_tickets"),
            "{err}"
        );
    }

    #[test]
    fn a_disabled_tool_is_not_callable_and_says_which_switch_enables_it() {
        let inv = Inventory::new(FAKE, Gate::default()).unwrap();
        assert!(inv.get("cw_create_ticket").is_none());
        let Lookup::Disabled { reason: why, .. } = inv.lookup("cw_create_ticket") else {
            panic!("disabled")
        };
        assert!(
            why.contains("--allow-writes") && !why.contains("toolset"),
            "{why}"
        );
        let Lookup::Disabled { reason: why, .. } = inv.lookup("cw_update_agreement") else {
            panic!("disabled")
        };
        assert!(
            why.contains("toolset `agreements`") && why.contains("--allow-writes"),
            "{why}"
        );
        assert!(matches!(inv.lookup("cw_nope"), Lookup::Unknown));
    }

    #[test]
    fn the_config_file_section_is_read_and_the_command_line_wins() {
        let parse = |text: &str| Gate::from_file(&ConfigFile::parse("x.toml", text).unwrap());
        let file = parse(
            "[connectwise]\nsite = \"x\"\n[server]\nallow_writes = true\ntools = [\"cw_search_companies\"]\n",
        )
        .unwrap();
        assert_eq!(file, gate(None, Some(&["cw_search_companies"]), true, false));
        let merged = file.clone().or(GateOverrides {
            allow_writes: Some(false),
            ..Default::default()
        });
        assert!(!merged.allow_writes && merged.tools.is_some());
        let err = parse("[server]\nallow_write = true\n").unwrap_err();
        assert!(err.contains("[server]") && err.contains("allow_write"), "{err}");
        assert_eq!(parse("").unwrap(), Gate::default());
    }
}
