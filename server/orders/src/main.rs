//! Runs the orders service alone. Settings: see `orders --help`.

use clap::Parser;

#[derive(Parser)]
#[command(name = "orders", about = "The shop's orders service")]
struct Cli {
    #[command(flatten)]
    shared: shop_common::config::SharedSettings,
    #[command(flatten)]
    orders: shop_orders::OrdersSettings,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    shop_common::config::exit_code(run().await)
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    shop_common::telemetry::init(cli.shared.log_format);
    let listener = shop_common::serve::bind(&cli.orders.orders_addr).await?;
    // With `SHOP_ADDRESS_FILE`, where it listens (its port may have been 0).
    cli.shared
        .report_addresses(&[("orders", listener.local_addr()?)])?;
    let stop = tokio_util::sync::CancellationToken::new();
    let running = shop_orders::run(
        listener,
        &cli.shared,
        &cli.orders,
        stop.clone().cancelled_owned(),
    );
    cli.shared.run_until_signal(running, stop).await
}
