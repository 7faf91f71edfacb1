//! Runs the gateway alone, in front of auth and orders services run elsewhere
//! (`SHOP_AUTH_UPSTREAMS`, `SHOP_ORDERS_UPSTREAMS`). Settings: see `gateway --help`. To run
//! all three in one process, use the `shop` launcher.

use clap::Parser;
use shop_common::config::SharedSettings;
use shop_common::serve::Servers;
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    name = "gateway",
    about = "The shop's gateway, in front of its auth and orders services"
)]
struct Cli {
    #[command(flatten)]
    shared: SharedSettings,
    #[command(flatten)]
    gateway: gateway::GatewaySettings,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    shop_common::config::exit_code(run().await)
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    shop_common::telemetry::init(cli.shared.log_format);
    let site = gateway::site_options(&cli.gateway)?;
    let listener = shop_common::serve::bind(&site.site_addr.to_string()).await?;
    let stop = CancellationToken::new();
    let mut servers = Servers::new(stop.clone());
    let started = gateway::start(&cli.shared, &cli.gateway, site, listener, &mut servers).await?;
    cli.shared
        .report_addresses(&[("gateway", started.addr), ("admin", started.admin_addr)])?;
    cli.shared.run_until_signal(servers.wait(), stop).await
}
