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
const B: f32 = 0.75;

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
    ("unbilled", &["time", "invoice", "billable"]),
    ("billing", &["invoice", "billing"]),
    ("bill", &["invoice"]),
    ("calendar", &["schedule"]),
    ("dispatch", &["schedule"]),
    ("appointment", &["schedule"]),
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
    ("hours", &["time"]),
    ("logged", &["time", "entry"]),
    ("phone", &["communication"]),
    ("email", &["email", "communication"]),
    ("task", &["task"]),
    ("job", &["project"]),
    ("milestone", &["phase"]),
];

/// Words that say nothing about which endpoint.
const STOP_WORDS: &[&str] = &[
    "a", "an", "the", "for", "of", "with", "to", "in", "on", "by", "my", "me", "all", "and", "or", "show",
    "find", "which", "what", "that", "is", "are", "per", "from", "their", "our", "i", "we", "it", "its",
    "this", "next", "last", "month", "week", "today", "yesterday", "any", "some", "do", "does", "have",
    "has", "get", "list", "lists", "see", "look", "up", "who", "where", "when", "about", "into", "at",
    "be", "been", "there", "them", "they", "so", "can", "want", "need", "please",
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

fn intent_of(words: &[String]) -> Intent {
    let has = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    if has(&["many", "count", "number", "total"]) {
        Intent::Count
    } else if has(&["delete", "remove", "erase", "purge"]) {
        Intent::Delete
    } else if has(&["create", "add", "new", "log", "open", "enter", "raise", "submit", "make"]) {
        Intent::Create
    } else if has(&[
        "update", "change", "edit", "set", "modify", "close", "assign", "move", "rename", "reassign",
    ]) {
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

fn build() -> Index {
    let mut postings: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
    let mut lengths = Vec::with_capacity(operations().len());
    for (doc, op) in operations().iter().enumerate() {
        let mut tf: HashMap<String, f32> = HashMap::new();
        let mut add = |text: &str, weight: f32| {
            for w in words(text) {
                if !w.chars().all(|c| c.is_ascii_digit()) {
                    *tf.entry(w).or_default() += weight;
                }
            }
        };
        let path_words: String = op
            .path
            .split('/')
            .filter(|s| !s.starts_with('{'))
            .collect::<Vec<_>>()
            .join(" ");
        add(&path_words, 3.0);
        add(op.tag, 1.5);
        add(op.summary, 1.0);
        for schema in [op.response_schema, op.request_schema].into_iter().flatten() {
            add(schema, 1.5);
        }
        add(op.fields, 0.3);
        let length: f32 = tf.values().sum();
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
    for word in words.iter().filter(|w| !STOP_WORDS.contains(&w.as_str())) {
        let synonyms = SYNONYMS.iter().find(|(k, _)| k == word).map(|(_, v)| *v);
        if index.postings.contains_key(word.as_str()) {
            push(word, 1.0);
        } else if synonyms.is_none() && word.len() >= 4 {
            // "config" → "configuration"; "procure" → "procurement".
            let mut longer: Vec<&String> = index.postings.keys().filter(|k| k.starts_with(word.as_str())).collect();
            longer.sort_by_key(|k| k.len());
            for k in longer.into_iter().take(2) {
                push(k, 0.7);
            }
        }
        for s in synonyms.into_iter().flatten() {
            push(s, 0.9);
        }
    }
    terms
}

/// The best `limit` operations for `query`, best first.
pub fn search(query: &str, limit: usize) -> Vec<Hit> {
    let index = index();
    let words = words(query);
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
            Hit {
                operation,
                score: score * prior(operation, intent),
            }
        })
        .collect();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.operation.path.len().cmp(&b.operation.path.len())));
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
