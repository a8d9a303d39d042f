//! Prompts for a technician's day (`prompts/list`, `prompts/get`).
//!
//! A prompt is a plan: what to find out, and the tool calls that find it,
//! each named by its real tool name with the arguments to send
//! (`` `cw_my_tickets` `{"closed":false}` ``). A value the model must take
//! from an earlier answer is written `"<…>"`. A step whose tool is not
//! enabled in this session stays in the plan with the switch that enables
//! it, so the model says what it could not look at rather than guessing.
//!
//! Arguments people type are completed ([`super::completions`]): each
//! argument names what completes it ([`Kind`]).

use super::completions::Kind;
use super::inventory::{Inventory, Lookup};
use chrono::{Days, NaiveDate, Utc};
use rmcp::model::{GetPromptResult, Prompt, PromptArgument, PromptMessage, Role};
use serde_json::{Map, Value, json};

/// One argument of a prompt.
pub struct ArgDef {
    pub name: &'static str,
    pub description: &'static str,
    pub required: bool,
    /// What completes it, if anything.
    pub completes: Option<Kind>,
}

/// One tool call of a plan.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub tool: &'static str,
    pub args: Value,
    pub why: &'static str,
}

/// What a prompt asks for, before it is written out.
pub struct Plan {
    pub goal: String,
    pub steps: Vec<Step>,
    pub answer: &'static str,
}

/// A prompt: its listing and how its plan is made from the arguments.
pub struct PromptDef {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub arguments: &'static [ArgDef],
    pub plan: fn(&Args) -> Result<Plan, String>,
}

/// The arguments of one `prompts/get`, with errors that name the argument.
pub struct Args<'a>(&'a Map<String, Value>);

impl Args<'_> {
    /// The argument as text, if given and not blank.
    pub fn text(&self, name: &str) -> Option<String> {
        match self.0.get(name)? {
            Value::String(s) if s.trim().is_empty() => None,
            Value::String(s) => Some(s.trim().to_owned()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    }

    fn required(&self, name: &str) -> Result<String, String> {
        self.text(name).ok_or_else(|| format!("{name}: required"))
    }

    fn id(&self, name: &str) -> Result<i64, String> {
        let text = self.required(name)?;
        text.parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| format!("{name}: {text:?} is not a record id (a whole number from 1)"))
    }

    fn hours(&self, name: &str) -> Result<Option<f64>, String> {
        let Some(text) = self.text(name) else {
            return Ok(None);
        };
        match text.parse::<f64>() {
            Ok(h) if h > 0.0 && h <= 24.0 => Ok(Some(h)),
            _ => Err(format!(
                "{name}: {text:?} is not a number of hours between 0 and 24, e.g. 0.5"
            )),
        }
    }

    /// A day (`YYYY-MM-DD`), today (UTC) when not given.
    fn day(&self, name: &str) -> Result<NaiveDate, String> {
        match self.text(name) {
            None => Ok(Utc::now().date_naive()),
            Some(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d")
                .map_err(|_| format!("{name}: {text:?} is not a day like 2026-11-30")),
        }
    }
}

/// From the start of `day` to the start of the next, as the time tools take them.
fn day_range(day: NaiveDate) -> (String, String) {
    let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
    (day.to_string(), next.to_string())
}

fn step(tool: &'static str, args: Value, why: &'static str) -> Step {
    Step { tool, args, why }
}

const DAY: ArgDef = ArgDef {
    name: "date",
    description: "The day, YYYY-MM-DD (UTC); today when left out.",
    required: false,
    completes: None,
};

/// Every prompt of the server.
pub static PROMPTS: &[PromptDef] = &[
    PromptDef {
        name: "my_day",
        title: "My day",
        description: "My open tickets, today's schedule and the time I have logged so far.",
        arguments: &[DAY],
        plan: my_day,
    },
    PromptDef {
        name: "triage_board",
        title: "Triage a board's new tickets",
        description: "Go through a board's new (or other-status) tickets: what each is, how urgent, who should take it.",
        arguments: &[
            ArgDef {
                name: "board",
                description: "Service board name, e.g. Service Desk.",
                required: true,
                completes: Some(Kind::Board),
            },
            ArgDef {
                name: "status",
                description: "Status to triage; New when left out.",
                required: false,
                completes: Some(Kind::BoardStatus),
            },
            ArgDef {
                name: "priority",
                description: "Only tickets of this priority; all when left out.",
                required: false,
                completes: Some(Kind::Priority),
            },
        ],
        plan: triage_board,
    },
    PromptDef {
        name: "end_of_day_time_check",
        title: "End-of-day time check",
        description: "Compare the day's logged time with the schedule and the tickets worked: gaps, overlaps, missing notes.",
        arguments: &[
            DAY,
            ArgDef {
                name: "member",
                description: "Member identifier; the configured member (me) when left out.",
                required: false,
                completes: Some(Kind::Member),
            },
        ],
        plan: end_of_day,
    },
    PromptDef {
        name: "customer_briefing",
        title: "Customer briefing",
        description: "Before a call or visit: a company's open tickets, agreements, recent activity and key contacts.",
        arguments: &[ArgDef {
            name: "company",
            description: "Company identifier, e.g. ACME.",
            required: true,
            completes: Some(Kind::Company),
        }],
        plan: customer_briefing,
    },
    PromptDef {
        name: "close_out_ticket",
        title: "Close out a ticket",
        description: "Finish a ticket: a resolution note, the time spent, and a closed status on its own board.",
        arguments: &[
            ArgDef {
                name: "ticket_id",
                description: "Ticket id.",
                required: true,
                completes: None,
            },
            ArgDef {
                name: "resolution",
                description: "What fixed it, for the resolution note.",
                required: false,
                completes: None,
            },
            ArgDef {
                name: "hours",
                description: "Time to log, in hours (e.g. 0.5); none logged when left out.",
                required: false,
                completes: None,
            },
        ],
        plan: close_out,
    },
];

fn my_day(args: &Args) -> Result<Plan, String> {
    let (from, to) = day_range(args.day("date")?);
    Ok(Plan {
        goal: format!("Give me an overview of my day, {from}."),
        steps: vec![
            step("cw_my_tickets", json!({"closed": false}), "my open tickets"),
            step(
                "cw_search_schedule_entries",
                json!({"member": "<my member identifier>", "from": from, "to": to}),
                "what is on my calendar (my member identifier is the owner of my tickets)",
            ),
            step(
                "cw_my_time",
                json!({"from": from, "to": to}),
                "time I have logged so far",
            ),
        ],
        answer: "Answer with: what needs me first (priority, age, SLA), my appointments in order, \
                 hours logged against the day, and anything that looks stuck.",
    })
}

fn triage_board(args: &Args) -> Result<Plan, String> {
    let board = args.required("board")?;
    let status = args.text("status").unwrap_or_else(|| "New".to_owned());
    let mut search = json!({"board": board, "status": [status], "closed": false});
    if let Some(priority) = args.text("priority") {
        search["priority"] = json!(priority);
    }
    Ok(Plan {
        goal: format!("Triage the {status:?} tickets on the {board:?} board."),
        steps: vec![
            step("cw_search_tickets", search, "the tickets to triage"),
            step("cw_list_priorities", json!({}), "the priorities to choose from"),
            step(
                "cw_get_ticket",
                json!({"id": "<a ticket id from the search>"}),
                "the full text of a ticket whose summary is not enough",
            ),
        ],
        answer: "For each ticket: one line on what it is, a suggested priority and owner, and \
                 whether it needs the customer first. Change nothing; list the changes for me to approve.",
    })
}

fn end_of_day(args: &Args) -> Result<Plan, String> {
    let (from, to) = day_range(args.day("date")?);
    let (time, member) = match args.text("member") {
        Some(member) => (
            step(
                "cw_search_time_entries",
                json!({"member": member, "from": from, "to": to}),
                "the time logged that day",
            ),
            member,
        ),
        None => (
            step(
                "cw_my_time",
                json!({"from": from, "to": to}),
                "the time I logged that day",
            ),
            "<my member identifier>".to_owned(),
        ),
    };
    Ok(Plan {
        goal: format!("Check the time logged on {from} against the schedule."),
        steps: vec![
            time,
            step(
                "cw_search_schedule_entries",
                json!({"member": member, "from": from, "to": to}),
                "what was scheduled",
            ),
            step(
                "cw_ticket_time",
                json!({"ticket_id": "<a scheduled ticket's id>"}),
                "whether a scheduled ticket got its time",
            ),
        ],
        answer: "List the gaps (scheduled but no time, or hours between entries), overlaps, entries \
                 without notes, and the day's total. Suggest entries to add; create none.",
    })
}

fn customer_briefing(args: &Args) -> Result<Plan, String> {
    let company = args.required("company")?;
    Ok(Plan {
        goal: format!("Brief me on the customer {company}."),
        steps: vec![
            step(
                "cw_search_companies",
                json!({"identifier": company}),
                "the company record (id, status, site)",
            ),
            step(
                "cw_search_tickets",
                json!({"company": company, "closed": false}),
                "its open tickets",
            ),
            step(
                "cw_search_agreements",
                json!({"company": company, "cancelled": false}),
                "its active agreements",
            ),
            step(
                "cw_search_activities",
                json!({"company": company}),
                "recent activity",
            ),
            step("cw_search_contacts", json!({"company": company}), "its contacts"),
        ],
        answer: "Answer with: who they are, what is open and how old, what their agreements cover, \
                 what happened lately, and whom to talk to.",
    })
}

fn close_out(args: &Args) -> Result<Plan, String> {
    let id = args.id("ticket_id")?;
    let resolution = args
        .text("resolution")
        .unwrap_or_else(|| "<what fixed it, in one or two sentences>".to_owned());
    let mut steps = vec![
        step(
            "cw_get_ticket",
            json!({"id": id, "fields": "id,summary,board/id,board/name,status/name,closedFlag"}),
            "the ticket, its board and status",
        ),
        step("cw_ticket_time", json!({"ticket_id": id}), "time already logged"),
        step(
            "cw_list_board_statuses",
            json!({"board_id": "<the ticket's board id>"}),
            "its board's statuses: pick the closed one (closedStatus)",
        ),
        step(
            "cw_add_ticket_note",
            json!({"ticket_id": id, "text": resolution, "visibility": "resolution"}),
            "the resolution note",
        ),
    ];
    if let Some(hours) = args.hours("hours")? {
        steps.push(step(
            "cw_create_time_entry",
            json!({"charge_to_type": "ServiceTicket", "charge_to_id": id, "time_start": "<when the work started, UTC>",
                   "hours": hours, "notes": resolution}),
            "the time spent",
        ));
    }
    steps.push(step(
        "cw_update_ticket",
        json!({"id": id, "status": "<the name of its board's closed status>"}),
        "close it",
    ));
    Ok(Plan {
        goal: format!("Close out ticket {id}."),
        steps,
        answer: "Show me the note, the time and the status before you write anything, and write \
                 only after I agree.",
    })
}

/// The prompt named `name`.
pub fn by_name(name: &str) -> Option<&'static PromptDef> {
    PROMPTS.iter().find(|p| p.name == name)
}

/// The prompts as `prompts/list` sends them.
pub fn listed() -> Vec<Prompt> {
    PROMPTS
        .iter()
        .map(|p| {
            let arguments = p
                .arguments
                .iter()
                .map(|a| {
                    PromptArgument::new(a.name)
                        .with_description(a.description)
                        .with_required(a.required)
                })
                .collect();
            Prompt::new(p.name, Some(p.description), Some(arguments)).with_title(p.title)
        })
        .collect()
}

/// `prompts/get`: the plan written out for this session. `Err` names the
/// prompt or argument that is wrong.
pub fn get(
    name: &str,
    arguments: Option<&Map<String, Value>>,
    inventory: &Inventory,
) -> Result<GetPromptResult, String> {
    let prompt = by_name(name).ok_or_else(|| {
        let names: Vec<&str> = PROMPTS.iter().map(|p| p.name).collect();
        format!("unknown prompt `{name}`; the prompts are {}", names.join(", "))
    })?;
    let empty = Map::new();
    let arguments = arguments.unwrap_or(&empty);
    if let Some(unknown) = arguments
        .keys()
        .find(|k| !prompt.arguments.iter().any(|a| a.name == *k))
    {
        let known: Vec<&str> = prompt.arguments.iter().map(|a| a.name).collect();
        return Err(format!(
            "{unknown}: not an argument of {name} (its arguments: {})",
            known.join(", ")
        ));
    }
    let plan = (prompt.plan)(&Args(arguments))?;
    let text = write(&plan, inventory);
    Ok(
        GetPromptResult::new(vec![PromptMessage::new_text(Role::User, text)])
            .with_description(prompt.description),
    )
}

/// The plan as the model reads it.
pub fn write(plan: &Plan, inventory: &Inventory) -> String {
    let mut out = format!(
        "{}\n\nUse these tools (\"<…>\" is a value from an earlier answer):\n",
        plan.goal
    );
    for (i, s) in plan.steps.iter().enumerate() {
        out.push_str(&format!("{}. `{}` `{}`: {}", i + 1, s.tool, s.args, s.why));
        if let Lookup::Disabled { reason, .. } = inventory.lookup(s.tool) {
            out.push_str(&format!(". But {reason}; skip it and say what is missing"));
        }
        out.push_str(".\n");
    }
    out.push('\n');
    out.push_str(plan.answer);
    out
}

/// The tool calls a written prompt names: `(tool, arguments)` per step, in
/// order, read back from its text (what a test makes of it, as a model would).
pub fn calls_in(text: &str) -> Vec<(String, Value)> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.split('`');
            let _number = parts.next()?;
            let tool = parts.next()?.to_owned();
            let _space = parts.next()?;
            let args = serde_json::from_str(parts.next()?).ok()?;
            Some((tool, args))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mcp::{Gate, registry};

    fn sample(name: &str) -> Map<String, Value> {
        let args = match name {
            "triage_board" => json!({"board": "Service Desk"}),
            "customer_briefing" => json!({"company": "ACME"}),
            "close_out_ticket" => {
                json!({"ticket_id": "12", "hours": "0.5", "resolution": "Replaced the toner"})
            }
            "end_of_day_time_check" => json!({"date": "2026-11-30", "member": "JSmith"}),
            _ => json!({}),
        };
        args.as_object().unwrap().clone()
    }

    #[test]
    fn every_tool_a_prompt_names_exists_and_the_text_names_it_as_planned() {
        let all = registry::all(&[]).unwrap();
        let inventory = Inventory::new(all, Gate::default()).unwrap();
        for prompt in PROMPTS {
            let args = sample(prompt.name);
            let plan = (prompt.plan)(&Args(&args)).unwrap();
            for s in &plan.steps {
                assert!(
                    all.iter().any(|t| t.name == s.tool),
                    "{}: no tool {}",
                    prompt.name,
                    s.tool
                );
            }
            let text = get(prompt.name, Some(&args), &inventory).unwrap().messages[0]
                .content
                .as_text()
                .unwrap()
                .text
                .clone();
            let planned: Vec<(String, Value)> = plan
                .steps
                .iter()
                .map(|s| (s.tool.to_owned(), s.args.clone()))
                .collect();
            assert_eq!(calls_in(&text), planned, "{text}");
        }
    }

    #[test]
    fn steps_outside_the_session_say_which_switch_enables_them() {
        let inventory = Inventory::new(registry::all(&[]).unwrap(), Gate::default()).unwrap();
        let text = get(
            "customer_briefing",
            Some(&sample("customer_briefing")),
            &inventory,
        )
        .unwrap()
        .messages[0]
            .content
            .as_text()
            .unwrap()
            .text
            .clone();
        let agreements = text.lines().find(|l| l.contains("cw_search_agreements")).unwrap();
        assert!(
            agreements.contains("not enabled in this session") && agreements.contains("`finance`"),
            "{agreements}"
        );
        let tickets = text.lines().find(|l| l.contains("cw_search_tickets")).unwrap();
        assert!(!tickets.contains("not enabled"), "{tickets}");
    }

    #[test]
    fn bad_arguments_are_named() {
        let inventory = Inventory::new(registry::all(&[]).unwrap(), Gate::default()).unwrap();
        let get = |name: &str, args: Value| get(name, args.as_object(), &inventory).unwrap_err();
        assert_eq!(get("triage_board", json!({})), "board: required");
        assert!(
            get("close_out_ticket", json!({"ticket_id": "twelve"}))
                .starts_with("ticket_id: \"twelve\" is not")
        );
        assert!(get("close_out_ticket", json!({"ticket_id": "3", "hours": "99"})).starts_with("hours:"));
        assert!(get("my_day", json!({"date": "tomorrow"})).starts_with("date: \"tomorrow\""));
        assert!(get("my_day", json!({"board": "x"})).starts_with("board: not an argument of my_day"));
        assert!(get("nope", json!({})).contains("unknown prompt `nope`"));
    }
}
