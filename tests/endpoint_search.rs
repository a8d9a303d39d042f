//! Search quality: two committed sets of requests must find the right
//! operation in the top 3 for at least 95% of them each. The first
//! (`endpoint_queries.toml`) was written with the engine; the second
//! (`endpoint_queries_heldout.toml`) before it was tuned, and it is never
//! tuned on: it measures whether the method generalises. Misses are printed.
//! A third set (`endpoint_queries_third.toml`, written after the first
//! tuning, tuned on in the second) and a fourth (`endpoint_queries_fourth.toml`,
//! written before the second round by someone who had not read the engine,
//! never tuned on) are held above floors; so are the requests the second
//! round was tuned on (`endpoint_queries_tuning.toml`), and a fifth
//! (`endpoint_queries_fifth.toml`), written before the third round, whose
//! kinds of miss (with the fourth's) guided it; the sixth, written after
//! it and never tuned on, the seventh, written blind before the fourth
//! round, and the eighth, written blind before the fifth, are held at their
//! first figures. Then browsing by module, through
//! the real binary over MCP.

mod support;

use connectwise_mcp::catalog::search::search;
use serde::Deserialize;
use serde_json::{Value, json};
use support::mcp::{Client, call, connect_offline, json_of, records, text};

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
fn top_three_accuracy(file: &str) -> (f64, Vec<String>, usize) {
    let path = format!("{}/tests/fixtures/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let fixture: Fixture = toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
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
    (accuracy, misses, total)
}

fn assert_top_three(file: &str) {
    let (accuracy, misses, total) = top_three_accuracy(file);
    assert!(total >= 40, "{file}: at least 40 queries");
    assert!(
        accuracy >= 0.95,
        "{file}: top-3 accuracy {:.1}% < 95%:\n{}",
        accuracy * 100.0,
        misses.join("\n")
    );
}

/// A set held above `floor` (at least `min_total` requests in it).
fn assert_above_floor(file: &str, floor: f64, min_total: usize) {
    let (accuracy, misses, total) = top_three_accuracy(file);
    assert!(total >= min_total, "{file}: {total} requests");
    assert!(
        accuracy >= floor,
        "{file}: {:.1}% below its floor:\n{}",
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

/// Too few requests for the 95% bar; the floor guards against a change
/// that helps the other sets at the expense of these.
#[test]
fn the_third_set_stays_above_a_floor() {
    assert_above_floor("endpoint_queries_third.toml", 0.9, 0);
}

/// Written before the second round by someone who had not read the engine
/// or the other sets; not tuned on in that round, tuned on by kind of miss
/// in the third (75.0% before it, 94.4% after). The floor guards that.
#[test]
fn the_fourth_set_stays_above_a_floor() {
    assert_above_floor("endpoint_queries_fourth.toml", 0.9, 0);
}

/// Written before the third tuning round: its first measurement (74.5%) is
/// the method's honest figure on unseen phrasing; the round was then guided
/// by the kinds of its misses (92.2% after). The floor is that first figure.
#[test]
fn the_fifth_set_stays_above_a_floor() {
    assert_above_floor("endpoint_queries_fifth.toml", FIFTH_FLOOR, 0);
}

/// The fifth set's first measurement (38 of 51, before the third round).
const FIFTH_FLOOR: f64 = 38.0 / 51.0;

/// Written after the third round's changes and measured once before any
/// other: the method's honest figure after that round, never tuned on. The
/// floor is that first figure.
#[test]
fn the_sixth_set_stays_above_a_floor() {
    assert_above_floor("endpoint_queries_sixth.toml", SIXTH_FLOOR, 0);
}

/// The sixth set's first measurement (19 of 24, after the third round).
const SIXTH_FLOOR: f64 = 19.0 / 24.0;

/// Written blind before the fourth round (without reading the engine or
/// the other sets) and measured once before any change: the method's
/// honest figure on unseen phrasing. The floor is that first figure; the
/// round's two grammar rules came from its misses (42 of 56 after them).
#[test]
fn the_seventh_set_stays_above_a_floor() {
    assert_above_floor("endpoint_queries_seventh.toml", SEVENTH_FLOOR, 0);
}

/// The seventh set's first measurement (40 of 56, before the fourth round).
const SEVENTH_FLOOR: f64 = 40.0 / 56.0;

/// Written blind before the fifth round (a systematic pass of the
/// vocabulary over every entity) by someone who had read neither the
/// engine nor the other sets, and measured once before it: the method's
/// honest figure on unseen phrasing. The floor is that first figure. The
/// fifth round, written without seeing it, moved it to 66; the sixth
/// (grammar) was guided by its misses: 75 of 85 after.
#[test]
fn the_eighth_set_stays_above_a_floor() {
    assert_above_floor("endpoint_queries_eighth.toml", EIGHTH_FLOOR, 80);
}

/// The eighth set's first measurement (65 of 85, before the fifth round).
const EIGHTH_FLOOR: f64 = 65.0 / 85.0;

/// Written blind after the sixth round, by someone who had read neither
/// the engine nor the other sets, and measured once: the method's honest
/// figure after that round. The floor is that first figure; the seventh
/// round (verbs) was guided by its misses: 118 of 155 after.
#[test]
fn the_ninth_set_stays_above_a_floor() {
    assert_above_floor("endpoint_queries_ninth.toml", NINTH_FLOOR, 150);
}

/// The ninth set's first measurement (110 of 155, after the sixth round).
const NINTH_FLOOR: f64 = 110.0 / 155.0;

/// Written blind after the seventh round, by someone who had read neither
/// the engine nor the other sets, and measured once: the method's honest
/// figure after that round. The floor is that first figure.
#[test]
fn the_tenth_set_stays_above_a_floor() {
    assert_above_floor("endpoint_queries_tenth.toml", TENTH_FLOOR, 190);
}

/// The tenth set's first measurement (125 of 195, after the seventh round).
const TENTH_FLOOR: f64 = 125.0 / 195.0;

/// The requests of the second tuning round (the five kinds of miss of an
/// unseen set, then ordinary ones): tuned on, so a guard, not a measure.
#[test]
fn the_tuning_set_stays_above_a_floor() {
    assert_above_floor("endpoint_queries_tuning.toml", 0.9, 0);
}

async fn browse(client: &Client, args: Value) -> Value {
    json_of(&call(client, "cw_search_endpoints", args).await.unwrap())
}

#[tokio::test]
async fn browsing_lists_modules_then_a_modules_resources_then_one_resource() {
    let client = connect_offline(&[]).await;

    let modules = browse(&client, json!({})).await;
    assert_eq!(modules["columns"], json!(["module", "resources", "operations"]));
    let rows = modules["items"].as_array().unwrap();
    let procurement = rows.iter().find(|r| r[0] == "procurement").expect("procurement");
    assert!(
        procurement[1].as_u64().unwrap() > 10 && procurement[2].as_u64().unwrap() > 100,
        "{procurement}"
    );
    let total: u64 = rows.iter().map(|r| r[2].as_u64().unwrap()).sum();
    assert!(total > 2500, "every operation is in a module: {total}");
    assert!(
        modules.to_string().len() < 1200,
        "modules in few tokens: {modules}"
    );

    let module = browse(&client, json!({"module": "Procurement", "limit": 3})).await;
    assert_eq!(module["module"], "procurement");
    assert_eq!(
        module["columns"],
        json!(["method", "path", "operation_id", "summary"])
    );
    let shown = module["items"].as_object().unwrap();
    assert_eq!(shown.len(), 3);
    let more = module["more"].as_array().unwrap();
    assert_eq!(
        shown.len() + more.len(),
        module["resources"].as_u64().unwrap() as usize
    );
    for row in shown.values().flat_map(|ops| ops.as_array().unwrap()) {
        let path = row[1].as_str().unwrap();
        assert!(
            path.starts_with("/procurement/") && !path.ends_with("/count"),
            "{row}"
        );
    }

    // A resource named in `more` is listed with `query`.
    let orders = browse(
        &client,
        json!({"module": "procurement", "query": "Purchase Orders"}),
    )
    .await;
    let ops = orders["items"]["PurchaseOrders"]
        .as_array()
        .expect("PurchaseOrders");
    let row = ops
        .iter()
        .find(|r| r[2] == "getProcurementPurchaseorders")
        .expect("list");
    assert_eq!(
        (&row[0], &row[1]),
        (&json!("GET"), &json!("/procurement/purchaseorders"))
    );
    assert!(ops.iter().any(|r| r[0] == "POST"), "{orders}");

    // A query within a module stays in the module.
    let hits = browse(&client, json!({"module": "finance", "query": "statuses"})).await;
    let items = records(&hits);
    assert!(!items.is_empty());
    assert!(
        items
            .iter()
            .all(|h| h["path"].as_str().unwrap().starts_with("/finance/")),
        "{hits}"
    );

    let bad = call(&client, "cw_search_endpoints", json!({"module": "nope"}))
        .await
        .unwrap();
    assert_eq!(bad.is_error, Some(true));
    let message = text(&bad);
    assert!(
        message.contains("module: no module \"nope\"") && message.contains("procurement"),
        "{message}"
    );
}
