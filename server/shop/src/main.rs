//! Runs the whole shop in one process: the gateway on the Leptos site address, auth on
//! `SHOP_AUTH_ADDR`, orders on `SHOP_ORDERS_ADDR`. Settings: see `shop --help`.

/// The global allocator: mimalloc gives freed memory back to the system soon after a burst of
/// sign-ins, where glibc's keeps argon2id's 19 MiB buffers (figures: `.ci/bench/login-memory.sh`
/// and docs/operations.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;
use shop_common::serve::Servers;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    shop_common::config::exit_code(run().await)
}

async fn run() -> anyhow::Result<()> {
    let config = shop::Config::parse();
    shop_common::telemetry::init(config.shared.log_format);
    let site = gateway::site_options(&config.gateway)?;
    let listener = shop_common::serve::bind(&site.site_addr.to_string()).await?;
    let shared = config.shared.clone();
    let stop = CancellationToken::new();
    let mut servers = Servers::new(stop.clone());
    shop::start(config, site, listener, &mut servers).await?;
    shared.run_until_signal(servers.wait(), stop).await
}
