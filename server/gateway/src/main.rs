//! Runs the gateway and, unless `SHOP_AUTH_UPSTREAMS` / `SHOP_ORDERS_UPSTREAMS` point
//! elsewhere, the auth and orders services in the same process. Settings: see `gateway --help`.

use clap::Parser;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = gateway::Config::parse();
    shop_common::telemetry::init(config.shared.log_format);
    let site = gateway::site_options(&config.gateway)?;
    let listener = shop_common::serve::bind(&site.site_addr.to_string()).await?;
    let shared = config.shared.clone();
    let stop = CancellationToken::new();
    let stack = gateway::start(config, site, listener, stop.clone()).await?;
    shared.run_until_signal(stack.wait(), stop).await
}
