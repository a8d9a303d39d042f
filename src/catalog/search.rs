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
//! The index is built once, on the first search (~9 ms in release).

use super::{Method, Operation, operations};
use rustc_hash::{FxHashMap, FxHashSet};
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
    /// term → its number (an index into `postings`).
    terms: FxHashMap<Box<str>, u32>,
    /// Per term: (document, weighted term frequency), documents ascending.
    postings: Vec<Vec<(u32, f32)>>,
    lengths: Vec<f32>,
    average_length: f32,
    /// Per document: the head word of the resource the path ends on
    /// (`/service/boards/{id}/statuses` → `status`, `/service/ticketSyncs` → `sync`).
    resource: Vec<String>,
}

impl Index {
    fn postings(&self, term: &str) -> Option<&[(u32, f32)]> {
        self.terms
            .get(term)
            .map(|&t| self.postings[t as usize].as_slice())
    }
}

/// Lower-case words of a text, camelCase split, naive singulars.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for_each_word(text, |w| out.push(w.to_owned()));
    out
}

/// [`words`] without an allocation per word: `f` sees each word in turn
/// (the index is built from ~2,800 operations' worth of them).
fn for_each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    let mut emit = |word: &mut String| {
        stem(word);
        f(word);
        word.clear();
    };
    for chunk in text.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut prev_lower = false;
        for c in chunk.chars() {
            if c.is_ascii_uppercase() && prev_lower && !word.is_empty() {
                emit(&mut word);
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            word.push(c.to_ascii_lowercase());
        }
        if !word.is_empty() {
            emit(&mut word);
        }
    }
}

/// Plural and verb endings off, in place, so "entries" meets "entry" and
/// "renewing" "renew".
fn stem(w: &mut String) {
    let n = w.len();
    if n > 4 && w.ends_with("ies") {
        w.truncate(n - 3);
        w.push('y');
    } else if n > 5
        && (w.ends_with("sses") || w.ends_with("xes") || w.ends_with("ches") || w.ends_with("uses"))
    {
        w.truncate(n - 2);
    } else if n > 5 && w.ends_with("ing") {
        w.truncate(n - 3);
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(n - 1);
    }
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(build)
}

/// Raw camelCase pieces of every name in the catalog: the dictionary that
/// splits ConnectWise's run-together path words (`purchaseorders`).
fn dictionary() -> FxHashSet<String> {
    let mut out = FxHashSet::default();
    let mut piece = String::new();
    // Operations on one resource share their texts (the field list above
    // all): each distinct text is read once.
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    for op in operations() {
        for text in [op.path, op.tag, op.fields, op.response_schema.unwrap_or_default()] {
            if !seen.insert(text) {
                continue;
            }
            for chunk in text.split(|c: char| !c.is_ascii_alphanumeric()) {
                let mut start = 0;
                let b = chunk.as_bytes();
                for i in 1..=b.len() {
                    if i == b.len() || (b[i].is_ascii_uppercase() && b[i - 1].is_ascii_lowercase()) {
                        if i - start >= 3 && i - start < chunk.len() {
                            piece.clear();
                            piece.push_str(&chunk[start..i]);
                            piece.make_ascii_lowercase();
                            if !out.contains(&piece) {
                                out.insert(piece.clone());
                            }
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
fn split_compound(segment: &str, dictionary: &FxHashSet<String>) -> Option<String> {
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

/// The terms and postings being built, and the term frequencies of the
/// current document by term number.
#[derive(Default)]
struct Counter {
    terms: FxHashMap<Box<str>, u32>,
    postings: Vec<Vec<(u32, f32)>>,
    tf: Vec<f32>,
    touched: Vec<u32>,
    /// The terms of each field list seen so far: the operations on one
    /// resource share theirs, and it is most of the text there is.
    field_terms: FxHashMap<&'static str, Vec<u32>>,
}

impl Counter {
    /// Counts every word of `text` (numbers aside) with `weight`.
    fn add(&mut self, text: &str, weight: f32) {
        for_each_word(text, |w| {
            if let Some(term) = self.term(w) {
                self.count(term, weight);
            }
        });
    }

    /// [`Counter::add`] for a field list, tokenised once per distinct list.
    fn add_fields(&mut self, fields: &'static str, weight: f32) {
        let mut terms = match self.field_terms.remove(fields) {
            Some(terms) => terms,
            None => {
                let mut terms = Vec::new();
                for_each_word(fields, |w| terms.extend(self.term(w)));
                terms
            }
        };
        for &term in &terms {
            self.count(term, weight);
        }
        terms.shrink_to_fit();
        self.field_terms.insert(fields, terms);
    }

    /// The number of a word (new words get the next one); `None` for numbers.
    fn term(&mut self, word: &str) -> Option<u32> {
        if word.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(match self.terms.get(word) {
            Some(&t) => t,
            None => {
                let t = self.postings.len() as u32;
                self.terms.insert(word.into(), t);
                self.postings.push(Vec::new());
                self.tf.push(0.0);
                t
            }
        })
    }

    fn count(&mut self, term: u32, weight: f32) {
        let term = term as usize;
        // Weights are positive: zero means "not seen in this document yet".
        if self.tf[term] == 0.0 {
            self.touched.push(term as u32);
        }
        self.tf[term] += weight;
    }

    /// Files the counts under `doc` and starts the next document.
    fn finish(&mut self, doc: u32) {
        for term in self.touched.drain(..) {
            let f = std::mem::take(&mut self.tf[term as usize]);
            self.postings[term as usize].push((doc, f));
        }
    }
}

fn build() -> Index {
    let dictionary = dictionary();
    let mut counter = Counter::default();
    let mut lengths = Vec::with_capacity(operations().len());
    let mut resource = Vec::with_capacity(operations().len());
    for (doc, op) in operations().iter().enumerate() {
        let literals: Vec<String> = op
            .path
            .split('/')
            .filter(|s| !s.is_empty() && !s.starts_with('{'))
            .map(|s| split_compound(s, &dictionary).unwrap_or_else(|| s.to_owned()))
            .collect();
        counter.add(&literals.join(" "), 3.0);
        let last = literals
            .iter()
            .rev()
            .find(|s| !matches!(s.as_str(), "count" | "info" | "list" | "usages" | "default"));
        resource.push(last.and_then(|s| words(s).pop()).unwrap_or_default());
        counter.add(op.tag, 1.5);
        counter.add(op.summary, 1.0);
        for schema in [op.response_schema, op.request_schema].into_iter().flatten() {
            counter.add(schema, 1.5);
        }
        // Field names help find a record by what it holds, but a record with
        // many fields is not a longer document: they stay out of its length.
        let mut length = 0.0;
        for text in [op.path, op.tag, op.summary] {
            for_each_word(text, |_| length += 1.0);
        }
        counter.add_fields(op.fields, 0.3);
        counter.finish(doc as u32);
        lengths.push(length);
    }
    let average_length = lengths.iter().sum::<f32>() / lengths.len().max(1) as f32;
    Index {
        terms: counter.terms,
        postings: counter.postings,
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
        if index.terms.contains_key(word.as_str()) {
            // A word with a synonym is MSP language: ConnectWise's own name
            // for the thing counts more than the word itself.
            push(word, if synonyms.is_some() { 0.4 } else { 1.0 });
        } else if synonyms.is_none() && word.len() >= 4 {
            // "config" → "configuration"; "procure" → "procurement".
            let mut longer: Vec<&str> = index
                .terms
                .keys()
                .map(|k| &**k)
                .filter(|k| k.starts_with(word.as_str()))
                .collect();
            longer.sort_by_key(|k| (k.len(), *k));
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
    let mut scores: FxHashMap<u32, f32> = FxHashMap::default();
    for (term, weight) in &terms {
        let Some(list) = index.postings(term) else {
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
