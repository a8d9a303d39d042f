//! Search quality: two committed sets of requests must find the right
//! operation in the top 3 for at least 95% of them each. The first
//! (`endpoint_queries.toml`) was written with the engine; the second
//! (`endpoint_queries_heldout.toml`) before it was tuned, and it is never
//! tuned on: it measures whether the method generalises. Misses are printed.

use connectwise_mcp::catalog::search::search;
use serde::Deserialize;

#[derive(Deserialize)]
struct Fixture {
    query: Vec<Query>,
}

#[derive(Deserialize)]
struct Query {
    text: String,
    expect: Vec<String>,
}

/// Top-3 accuracy over one fixture, with its misses.
fn top_three_accuracy(file: &str) -> (f64, Vec<String>) {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let fixture: Fixture = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(fixture.query.len() >= 40, "{file}: at least 40 queries");
    let mut misses = Vec::new();
    for q in &fixture.query {
        let top: Vec<&str> = search(&q.text, 3).iter().map(|h| h.operation.id).collect();
        if !top.iter().any(|id| q.expect.iter().any(|e| e == id)) {
            misses.push(format!("{:?}: want {:?}, got {:?}", q.text, q.expect, top));
        }
    }
    let total = fixture.query.len();
    let hits = total - misses.len();
    let accuracy = hits as f64 / total as f64;
    println!("{file}: top-3 accuracy {hits}/{total} = {:.1}%", accuracy * 100.0);
    for m in &misses {
        println!("  miss: {m}");
    }
    (accuracy, misses)
}

fn assert_top_three(file: &str) {
    let (accuracy, misses) = top_three_accuracy(file);
    assert!(
        accuracy >= 0.95,
        "{file}: top-3 accuracy {:.1}% < 95%:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}

#[test]
fn the_right_endpoint_is_in_the_top_three_for_the_first_set() {
    assert_top_three("endpoint_queries.toml");
}

#[test]
fn the_right_endpoint_is_in_the_top_three_for_the_held_out_set() {
    assert_top_three("endpoint_queries_heldout.toml");
}
