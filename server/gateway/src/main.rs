//! Runs the gateway and, unless `SHOP_AUTH_URL` / `SHOP_ORDERS_URL` point elsewhere, the auth
//! and orders services in the same process. Settings: see `gateway --help`.

use clap::Parser;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    shop_common::telemetry::init();
    let config = gateway::Config::parse();
    let site = gateway::site_options(&config.gateway)?;
    let listener = shop_common::serve::bind(&site.site_addr.to_string()).await?;
    let shutdown = CancellationToken::new();
    let stack = gateway::start(config, site, listener, shutdown.clone()).await?;
    tokio::spawn(async move {
        shop_common::serve::shutdown_signal().await;
        shutdown.cancel();
    });
    stack.wait().await
}
