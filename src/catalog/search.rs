//! Ranked search over the catalog, for the way technicians ask.
//!
//! BM25F: each operation is one document whose fields carry weights (path
//! words and schema names count most, then the tag, the summary, and field
//! names least). Query words go through a synonym table from MSP language to
//! ConnectWise's names (device → configuration, client → company, contract →
//! agreement…), then the ranking is nudged by intent: a verb such as
//! "create" or "close" prefers POST or PATCH, "how many" prefers `/count`,
//! and without such a word reads of lists come first.
//!
//! The index is built once, on the first search (a few milliseconds).

use super::{Method, Operation, operations};
use std::collections::HashMap;
use std::sync::OnceLock;

const K1: f32 = 1.2;
const B: f32 = 0.5;

/// MSP words → the ConnectWise words (already tokenised) they stand for.
const SYNONYMS: &[(&str, &[&str])] = &[
    ("device", &["configuration"]),
    ("asset", &["configuration"]),
    ("machine", &["configuration"]),
    ("computer", &["configuration"]),
    ("server", &["configuration"]),
    ("workstation", &["configuration"]),
    ("laptop", &["configuration"]),
    ("hardware", &["configuration"]),
    ("config", &["configuration"]),
    ("warranty", &["configuration", "warranty"]),
    ("serial", &["serial", "configuration"]),
    ("customer", &["company"]),
    ("client", &["company"]),
    ("account", &["company", "account"]),
    ("org", &["company"]),
    ("organisation", &["company"]),
    ("organization", &["company"]),
    ("vendor", &["vendor", "company"]),
    ("supplier", &["vendor"]),
    ("contract", &["agreement"]),
    ("renew", &["agreement", "end"]),
    ("renewal", &["agreement", "end"]),
    ("tech", &["member"]),
    ("technician", &["member"]),
    ("staff", &["member"]),
    ("employee", &["member"]),
    ("engineer", &["member"]),
    ("user", &["member"]),
    ("people", &["member"]),
    ("po", &["purchase", "order"]),
    ("rma", &["rma"]),
    ("return", &["rma"]),
    ("issue", &["ticket"]),
    ("incident", &["ticket"]),
    ("case", &["ticket"]),
    ("request", &["ticket"]),
    ("deal", &["opportunity"]),
    ("lead", &["opportunity"]),
    ("pipeline", &["opportunity"]),
    ("kb", &["knowledge", "article"]),
    ("article", &["knowledge", "article"]),
    ("unbilled", &["time", "entry", "billable"]),
    ("billing", &["invoice", "billing"]),
    ("bill", &["invoice"]),
    ("calendar", &["schedule", "entry"]),
    ("dispatch", &["schedule", "entry"]),
    ("appointment", &["schedule", "entry"]),
    ("visit", &["schedule", "entry"]),
    ("onsite", &["schedule", "entry"]),
    ("queue", &["board"]),
    ("product", &["catalog", "product"]),
    ("sku", &["catalog"]),
    ("part", &["catalog", "product"]),
    ("stock", &["inventory", "hand"]),
    ("history", &["audit", "trail"]),
    ("attachment", &["document"]),
    ("file", &["document"]),
    ("webhook", &["callback"]),
    ("timesheet", &["time", "sheet"]),
    ("hours", &["time", "entry"]),
    ("logged", &["time", "entry"]),
    ("phone", &["communication"]),
    ("email", &["email"]),
    ("addon", &["addition"]),
    ("licence", &["addition"]),
    ("license", &["addition"]),
    ("task", &["task"]),
    ("job", &["project"]),
    ("milestone", &["phase"]),
];

/// Words that say nothing about which endpoint.
const STOP_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "for",
    "of",
    "with",
    "to",
    "in",
    "on",
    "by",
    "my",
    "me",
    "all",
    "and",
    "or",
    "show",
    "find",
    "which",
    "what",
    "that",
    "is",
    "are",
    "per",
    "from",
    "their",
    "our",
    "i",
    "we",
    "it",
    "its",
    "this",
    "next",
    "last",
    "month",
    "week",
    "today",
    "yesterday",
    "any",
    "some",
    "do",
    "does",
    "have",
    "has",
    "get",
    "list",
    "lists",
    "see",
    "look",
    "up",
    "who",
    "where",
    "when",
    "about",
    "into",
    "at",
    "be",
    "been",
    "there",
    "them",
    "they",
    "so",
    "can",
    "want",
    "need",
    "please",
];

/// A query's intent from its verbs.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Intent {
    Read,
    Create,
    Change,
    Delete,
    Count,
}

const COUNT_WORDS: &[&str] = &["many", "count", "total"];
const DELETE_WORDS: &[&str] = &["delete", "remove", "erase", "purge"];
const CREATE_WORDS: &[&str] = &[
    "create", "add", "new", "log", "enter", "raise", "submit", "make", "upload", "schedule",
];
const CHANGE_WORDS: &[&str] = &[
    "update", "change", "edit", "set", "modify", "close", "assign", "move", "rename", "reassign",
];
/// Verbs that choose the method; they are not searched for themselves.
const INTENT_WORDS: &[&str] = &[
    "many", "count", "total", "delete", "remove", "erase", "purge", "create", "add", "new", "log", "enter",
    "raise", "submit", "make", "upload", "update", "change", "edit", "set", "modify", "assign", "move",
    "rename", "reassign",
];

fn intent_of(words: &[String]) -> Intent {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    // "schedule" is a verb only at the start ("schedule a visit").
    let first = words.first().map(String::as_str);
    if has(COUNT_WORDS) {
        Intent::Count
    } else if has(DELETE_WORDS) {
        Intent::Delete
    } else if has(&CREATE_WORDS[..CREATE_WORDS.len() - 1]) || first == Some("schedule") {
        Intent::Create
    } else if has(CHANGE_WORDS) {
        Intent::Change
    } else {
        Intent::Read
    }
}

/// One search hit.
#[derive(Clone, Copy, Debug)]
pub struct Hit {
    pub operation: &'static Operation,
    pub score: f32,
}

struct Index {
    /// term → (document, weighted term frequency)
    postings: HashMap<String, Vec<(u32, f32)>>,
    lengths: Vec<f32>,
    average_length: f32,
    /// Per document: the head word of the resource the path ends on
    /// (`/service/boards/{id}/statuses` → `status`, `/service/ticketSyncs` → `sync`).
    resource: Vec<String>,
}

/// Lower-case words of a text, camelCase split, naive singulars.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for chunk in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut word = String::new();
        let mut prev_lower = false;
        for c in chunk.chars() {
            if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
                out.push(stem(&word));
                word.clear();
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            word.push(c.to_ascii_lowercase());
        }
        if !word.is_empty() {
            out.push(stem(&word));
        }
    }
    out
}

/// Plural and verb endings off, so "entries" meets "entry" and "renewing" "renew".
fn stem(word: &str) -> String {
    let w = word;
    if w.len() > 4 && w.ends_with("ies") {
        return format!("{}y", &w[..w.len() - 3]);
    }
    if w.len() > 5 && (w.ends_with("sses") || w.ends_with("xes") || w.ends_with("ches")) {
        return w[..w.len() - 2].to_owned();
    }
    if w.len() > 5 && w.ends_with("uses") {
        return w[..w.len() - 2].to_owned();
    }
    if w.len() > 5 && w.ends_with("ing") {
        return w[..w.len() - 3].to_owned();
    }
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        return w[..w.len() - 1].to_owned();
    }
    w.to_owned()
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(build)
}

/// Raw camelCase pieces of every name in the catalog: the dictionary that
/// splits ConnectWise's run-together path words (`purchaseorders`).
fn dictionary() -> std::collections::HashSet<String> {
    let mut out = std::collections::HashSet::new();
    for op in operations() {
        for text in [op.path, op.tag, op.fields, op.response_schema.unwrap_or_default()] {
            for chunk in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                let mut start = 0;
                let b = chunk.as_bytes();
                for i in 1..=b.len() {
                    if i == b.len() || (b[i].is_ascii_uppercase() && b[i - 1].is_ascii_lowercase()) {
                        let piece = chunk[start..i].to_ascii_lowercase();
                        if piece.len() >= 3 && piece.len() < chunk.len() {
                            out.insert(piece);
                        }
                        start = i;
                    }
                }
            }
        }
    }
    out
}

/// `purchaseorders` → `purchase orders` when both halves are known words.
fn split_compound(segment: &str, dictionary: &std::collections::HashSet<String>) -> Option<String> {
    let lower = segment.to_ascii_lowercase();
    if lower != segment || lower.len() < 8 || dictionary.contains(&lower) {
        return None;
    }
    for cut in (3..lower.len() - 2).rev() {
        let (head, tail) = lower.split_at(cut);
        if dictionary.contains(head) {
            if dictionary.contains(tail) || dictionary.contains(tail.trim_end_matches('s')) {
                return Some(format!("{head} {tail}"));
            }
            if let Some(rest) = split_compound(tail, dictionary) {
                return Some(format!("{head} {rest}"));
            }
        }
    }
    None
}

fn build() -> Index {
    let dictionary = dictionary();
    let mut postings: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
    let mut lengths = Vec::with_capacity(operations().len());
    let mut resource = Vec::with_capacity(operations().len());
    for (doc, op) in operations().iter().enumerate() {
        let mut tf: HashMap<String, f32> = HashMap::new();
        let mut add = |text: &str, weight: f32| {
            for w in words(text) {
                if !w.chars().all(|c| c.is_ascii_digit()) {
                    *tf.entry(w).or_default() += weight;
                }
            }
        };
        let literals: Vec<String> = op
            .path
            .split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
            .map(|s| split_compound(s, &dictionary).unwrap_or_else(|| s.to_owned()))
            .collect();
        add(&literals.join(" "), 3.0);
        let last = literals
            .iter()
            .rev()
            .find(|s| !matches!(s.as_str(), "count" | "info" | "list" | "usages" | "default"));
        resource.push(last.and_then(|s| words(s).pop()).unwrap_or_default());
        add(op.tag, 1.5);
        add(op.summary, 1.0);
        for schema in [op.response_schema, op.request_schema].into_iter().flatten() {
            add(schema, 1.5);
        }
        // Field names help find a record by what it holds, but a record with
        // many fields is not a longer document: they stay out of its length.
        let mut length = 0.0;
        for w in words(op.path)
            .iter()
            .chain(&words(op.tag))
            .chain(&words(op.summary))
        {
            length += if w.is_empty() { 0.0 } else { 1.0 };
        }
        add(op.fields, 0.3);
        lengths.push(length);
        for (term, f) in tf {
            postings.entry(term).or_default().push((doc as u32, f));
        }
    }
    let average_length = lengths.iter().sum::<f32>() / lengths.len().max(1) as f32;
    Index {
        postings,
        lengths,
        average_length,
        resource,
    }
}

/// Query terms with their weights: the words themselves, their synonyms,
/// and for a word the index does not know, the indexed words it begins.
fn query_terms(index: &Index, words: &[String]) -> Vec<(String, f32)> {
    let mut terms: Vec<(String, f32)> = Vec::new();
    let mut push = |t: &str, w: f32| match terms.iter_mut().find(|(x, _)| x == t) {
        Some(existing) => existing.1 = existing.1.max(w),
        None => terms.push((t.to_owned(), w)),
    };
    for word in words
        .iter()
        .filter(|w| !STOP_WORDS.contains(&w.as_str()) && !INTENT_WORDS.contains(&w.as_str()))
    {
        let synonyms = SYNONYMS.iter().find(|(k, _)| k == word).map(|(_, v)| *v);
        if index.postings.contains_key(word.as_str()) {
            // A word with a synonym is MSP language: ConnectWise's own name
            // for the thing counts more than the word itself.
            push(word, if synonyms.is_some() { 0.4 } else { 1.0 });
        } else if synonyms.is_none() && word.len() >= 4 {
            // "config" → "configuration"; "procure" → "procurement".
            let mut longer: Vec<&String> = index
                .postings
                .keys()
                .filter(|k| k.starts_with(word.as_str()))
                .collect();
            longer.sort_by_key(|k| k.len());
            for k in longer.into_iter().take(2) {
                push(k, 0.7);
            }
        }
        for s in synonyms.into_iter().flatten() {
            push(s, 1.0);
        }
    }
    terms
}

/// The best `limit` operations for `query`, best first.
pub fn search(query: &str, limit: usize) -> Vec<Hit> {
    let index = index();
    // "add-on" is a noun, not the verb "add".
    let query = query
        .to_ascii_lowercase()
        .replace("add-on", "addon")
        .replace("add on", "addon");
    let words = words(&query);
    let intent = intent_of(&words);
    let terms = query_terms(index, &words);
    let n = operations().len() as f32;
    let mut scores: HashMap<u32, f32> = HashMap::new();
    for (term, weight) in &terms {
        let Some(list) = index.postings.get(term) else {
            continue;
        };
        let idf = ((n - list.len() as f32 + 0.5) / (list.len() as f32 + 0.5) + 1.0).ln();
        for &(doc, tf) in list {
            let norm = K1 * (1.0 - B + B * index.lengths[doc as usize] / index.average_length);
            *scores.entry(doc).or_default() += weight * idf * tf * (K1 + 1.0) / (tf + norm);
        }
    }
    let mut hits: Vec<Hit> = scores
        .into_iter()
        .map(|(doc, score)| {
            let operation = &operations()[doc as usize];
            // An operation on a resource the query never names (the
            // statuses of a board, when the query asks for boards) ranks lower.
            let head = &index.resource[doc as usize];
            let names_resource = terms.iter().any(|(t, _)| t == head);
            let focus = if names_resource { 1.0 } else { 0.6 };
            Hit {
                operation,
                score: score * prior(operation, intent) * focus,
            }
        })
        .collect();
    hits.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(a.operation.path.len().cmp(&b.operation.path.len()))
    });
    hits.truncate(limit);
    hits
}

/// How well an operation's kind fits the intent.
fn prior(op: &Operation, intent: Intent) -> f32 {
    let count = op.path.ends_with("/count");
    let side = op.path.ends_with("/info") || op.path.ends_with("/usages") || op.path.contains("/usages/");
    let by_id = op.path.ends_with('}');
    let mut p = match (intent, op.method) {
        (Intent::Count, Method::Get) if count => 1.6,
        (Intent::Count, _) => 0.6,
        (_, _) if count => 0.5,
        (Intent::Read, Method::Get) if op.is_list() => 1.2,
        (Intent::Read, Method::Get) => 1.0,
        (Intent::Read, _) => 0.5,
        (Intent::Create, Method::Post) => 1.4,
        (Intent::Change, Method::Patch) => 1.4,
        (Intent::Change, Method::Put) => 1.2,
        (Intent::Delete, Method::Delete) => 1.5,
        _ => 0.6,
    };
    if side {
        p *= 0.6;
    }
    if intent == Intent::Read && by_id {
        p *= 0.9;
    }
    if intent == Intent::Create && by_id {
        p *= 0.5;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_camel_case_and_singularise() {
        assert_eq!(words("getServiceTickets"), ["get", "service", "ticket"]);
        assert_eq!(words("/time/entries"), ["time", "entry"]);
        assert_eq!(words("serialNumber statuses"), ["serial", "number", "status"]);
    }

    #[test]
    fn synonyms_and_verbs_steer_the_ranking() {
        let top = |q: &str| search(q, 1)[0].operation.id;
        assert_eq!(top("devices for a customer"), "getCompanyConfigurations");
        assert_eq!(top("create a ticket"), "postServiceTickets");
        assert_eq!(top("how many tickets"), "getServiceTicketsCount");
    }
}
