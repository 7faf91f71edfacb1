//! The shop's load harness: weighted virtual users against a running shop, modelled on Online
//! Boutique's load generator (browse, search, sign in, add to cart, check out, read history,
//! follow an order). Goose runs them; its own options apply (`--host`, `--users`,
//! `--increase-rate`, `--run-time`, `--report-file`, see `--help`).
//!
//! ```text
//! cargo run -p loadtest --release -- --host http://127.0.0.1:8000 --users 20 --increase-rate 5 --run-time 60s
//! ```
//!
//! After Goose's own report it prints one line per transaction: runs/s, p50/p95/p99 in
//! milliseconds and failures. With `LOADTEST_STRICT=1` it exits with status 1 when any
//! transaction failed or never ran (the CI smoke uses this so the scenarios cannot rot; it sets
//! no speed threshold).

mod scenarios;
mod summary;

use goose::prelude::*;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match run().await {
        Ok(metrics) => {
            let clean = summary::print(&metrics);
            let strict = std::env::var("LOADTEST_STRICT").is_ok_and(|v| v == "1");
            if strict && !clean {
                eprintln!("loadtest: a transaction failed or never ran (LOADTEST_STRICT=1)");
                return std::process::ExitCode::FAILURE;
            }
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("loadtest: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<GooseMetrics, GooseError> {
    GooseAttack::initialize()?
        .register_scenario(scenarios::visitor()?)
        .register_scenario(scenarios::shopper()?)
        .register_scenario(scenarios::admin()?)
        .execute()
        .await
}
