//! Search over the whole catalog (every operation of the spec).
//!
//! `cargo bench --bench catalog`: the median of one search, index built
//! (the first search builds it; that cost is measured separately).

use connectwise_mcp::catalog::search::search;
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Instant;

fn bench(c: &mut Criterion) {
    let started = Instant::now();
    search("warm up", 1);
    println!(
        "index built on first search in {:.2} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    for query in [
        "unbilled time for a client",
        "devices with serial numbers",
        "contracts renewing next month",
        "open POs",
        "create API keys for a technician",
    ] {
        c.bench_function(&format!("search {query:?}"), |b| {
            b.iter(|| search(black_box(query), 8))
        });
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
