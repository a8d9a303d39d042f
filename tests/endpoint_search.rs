//! Search quality: the committed set of technicians' requests
//! (`tests/fixtures/endpoint_queries.toml`) must find the right operation in
//! the top 3 for at least 90% of them. Misses are printed.

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

#[test]
fn the_right_endpoint_is_in_the_top_three_for_nine_in_ten_requests() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/endpoint_queries.toml"
    ))
    .expect("fixture");
    let fixture: Fixture = toml::from_str(&text).expect("fixture parses");
    assert!(fixture.query.len() >= 40, "at least 40 queries");
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
    println!("top-3 accuracy: {hits}/{total} = {:.1}%", accuracy * 100.0);
    for m in &misses {
        println!("  miss: {m}");
    }
    assert!(
        accuracy >= 0.9,
        "top-3 accuracy {:.1}% < 90%:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}
