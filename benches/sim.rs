//! The simulator on the Large tenant (100,000 tickets, 1,000 companies): the
//! in-process HTTP round trip of typical list reads, with a reqwest client.
//!
//! Target: the 25-ticket page with a two-clause condition and `fields`
//! answers in ≤ 5 ms at the median.
//!
//! Run: `cargo bench --bench sim`.

use connectwise_mcp::sim::{
    DEMO_CLIENT_ID, DEMO_COMPANY_ID, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, SimOptions, Simulator, seed,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::Duration;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let sim = runtime.block_on(Simulator::start(SimOptions {
        size: seed::Size::Large,
        ..SimOptions::default()
    }));
    let client = reqwest::Client::new();
    let base = sim.base_url();
    let run = |query: Vec<(&'static str, &'static str)>, path: &'static str| {
        let request = client
            .get(format!("{base}{path}"))
            .query(&query)
            .basic_auth(
                format!("{DEMO_COMPANY_ID}+{DEMO_PUBLIC_KEY}"),
                Some(DEMO_PRIVATE_KEY),
            )
            .header("clientId", DEMO_CLIENT_ID);
        runtime.block_on(async move {
            let response = request.send().await.expect("response");
            assert_eq!(response.status(), 200);
            response.bytes().await.expect("body")
        })
    };
    let fields = "id,summary,status/name,company/name";
    let mut group = c.benchmark_group("sim_large");
    group.measurement_time(Duration::from_secs(5));
    group.sample_size(50);
    // Two clauses, one selective, as a dispatcher's "open tickets on my board" view.
    group.bench_function("tickets_25_status_and_board", |b| {
        b.iter(|| {
            run(
                vec![
                    ("conditions", r#"status/name="New" and board/name="Service Desk""#),
                    ("fields", fields),
                    ("pageSize", "25"),
                ],
                "/service/tickets",
            )
        })
    });
    // The headline: two clauses matching a handful of the 100,000 tickets.
    group.bench_function("tickets_25_status_and_company", |b| {
        b.iter(|| {
            run(
                vec![
                    ("conditions", r#"status/name="New" and company/identifier="ACME""#),
                    ("fields", fields),
                    ("pageSize", "25"),
                ],
                "/service/tickets",
            )
        })
    });
    // No text equality to narrow by: every record is tested.
    group.bench_function("tickets_25_full_scan", |b| {
        b.iter(|| {
            run(
                vec![
                    (
                        "conditions",
                        r#"closedFlag=false and summary like "%printer%" and id > 99000"#,
                    ),
                    ("fields", fields),
                    ("pageSize", "25"),
                ],
                "/service/tickets",
            )
        })
    });
    group.bench_function("tickets_count_status", |b| {
        b.iter(|| {
            run(
                vec![("conditions", r#"status/name="New""#)],
                "/service/tickets/count",
            )
        })
    });
    group.bench_function("ticket_by_id", |b| {
        b.iter(|| run(vec![], "/service/tickets/54321"))
    });
    group.finish();
    drop(sim);
}

criterion_group!(benches, bench);
criterion_main!(benches);
