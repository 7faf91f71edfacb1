//! Runs the auth service alone. Settings: see `auth --help`.

/// The global allocator: mimalloc gives freed memory back to the system soon after a burst of
/// sign-ins, where glibc's keeps argon2id's 19 MiB buffers (figures: `.ci/bench/login-memory.sh`
/// and docs/operations.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::Parser;

#[derive(Parser)]
#[command(name = "auth", about = "The shop's auth service")]
struct Cli {
    #[command(flatten)]
    shared: shop_common::config::SharedSettings,
    #[command(flatten)]
    auth: shop_auth::AuthSettings,
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    shop_common::config::exit_code(run().await)
}

async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    shop_common::telemetry::init(cli.shared.log_format);
    let listener = shop_common::serve::bind(&cli.auth.auth_addr).await?;
    // With `SHOP_ADDRESS_FILE`, where it listens (its port may have been 0).
    cli.shared
        .report_addresses(&[("auth", listener.local_addr()?)])?;
    let stop = tokio_util::sync::CancellationToken::new();
    let running = shop_auth::run(
        listener,
        &cli.shared,
        &cli.auth,
        stop.clone().cancelled_owned(),
    );
    cli.shared.run_until_signal(running, stop).await
}
