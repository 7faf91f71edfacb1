//! The harness's own closing table: one line per transaction and per request name, with runs a
//! second, p50/p95/p99 (milliseconds) and failures. Goose's report gives p50/p75/p98/p99 for
//! requests only; this adds p95 and the transactions.

use goose::metrics::GooseRequestMetricTimingData;
use goose::prelude::GooseMetrics;

/// Prints the table; `true` when every transaction ran at least once and nothing failed.
pub(crate) fn print(metrics: &GooseMetrics) -> bool {
    let seconds = metrics.duration.max(1) as f64;
    let mut clean = true;
    println!();
    println!(
        "== shop load: {} s, {} users at most",
        metrics.duration, metrics.maximum_users
    );
    println!(
        "{:<44} {:>8} {:>8} {:>9} {:>9} {:>9} {:>8}",
        "transaction", "runs", "runs/s", "p50 ms", "p95 ms", "p99 ms", "failed"
    );
    for scenario in &metrics.transactions {
        for t in scenario {
            let name = format!(
                "{} / {}",
                t.scenario_name,
                t.transaction_name.name_for_transaction()
            );
            let runs = t.success_count + t.fail_count;
            clean &= runs > 0 && t.fail_count == 0;
            println!("{}", row(&name, runs, seconds, &t.run_times, t.fail_count));
        }
    }
    println!(
        "{:<44} {:>8} {:>8} {:>9} {:>9} {:>9} {:>8}",
        "request", "count", "req/s", "p50 ms", "p95 ms", "p99 ms", "failed"
    );
    let mut requests: Vec<_> = metrics.requests.iter().collect();
    requests.sort_by(|a, b| a.0.cmp(b.0));
    let (mut all, mut failed) = (0, 0);
    for (key, r) in requests {
        let count = r.success_count + r.fail_count;
        all += count;
        failed += r.fail_count;
        clean &= r.fail_count == 0;
        println!("{}", row(key, count, seconds, &r.raw_data, r.fail_count));
    }
    println!(
        "all requests: {all} in {} s = {:.1} req/s, {failed} failed",
        metrics.duration,
        all as f64 / seconds
    );
    clean
}

fn row(
    name: &str,
    count: usize,
    seconds: f64,
    times: &GooseRequestMetricTimingData,
    failed: usize,
) -> String {
    let ms = |p: f32| times.percentile_us(p) as f64 / 1000.0;
    format!(
        "{:<44} {:>8} {:>8.1} {:>9.1} {:>9.1} {:>9.1} {:>8}",
        name,
        count,
        count as f64 / seconds,
        ms(0.50),
        ms(0.95),
        ms(0.99),
        failed
    )
}
