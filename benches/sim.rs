//! The simulator on the Large tenant (100,000 tickets, 1,000 companies): the
//! in-process HTTP round trip of typical list reads, with a reqwest client.
//!
//! Target: the 25-ticket page with a two-clause condition and `fields`
//! answers in ≤ 5 ms at the median.
//!
//! Before the timings it prints what starting the Large tenant costs: the
//! seed time (generating the records and building the store) and the peak
//! resident memory (`VmHWM`) once it is up.
//!
//! Measured on the shared 2-core machine (release, load ~3), with records at
//! real size: seeded in ~4.5 s, peak RSS ~2.0 GiB (2,010 MiB; 2,149 MiB before
//! records grew to real size, when much of them was stored rather than served);
//! medians: status and board 0.54 ms, status and company 0.39 ms, full scan
//! 70 ms, count 0.15 ms, one ticket by id 0.21 ms.
//!
//! Run: `cargo bench --bench sim`.

mod support;

use connectwise_mcp::sim::{
    DEMO_CLIENT_ID, DEMO_COMPANY_ID, DEMO_PRIVATE_KEY, DEMO_PUBLIC_KEY, SimOptions, Simulator, seed,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::time::{Duration, Instant};
use support::peak_rss_kib;

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let started = Instant::now();
    let sim = runtime.block_on(Simulator::start(SimOptions {
        size: seed::Size::Large,
        ..SimOptions::default()
    }));
    println!(
        "sim_large: seeded in {:.2} s, peak RSS {} MiB",
        started.elapsed().as_secs_f64(),
        peak_rss_kib("self").map_or("?".into(), |k| format!("{:.0}", k as f64 / 1024.0))
    );
    let client = connectwise_mcp::client::tls::client();
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
