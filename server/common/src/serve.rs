//! Serving a router on a bound listener, and shutting down gracefully: on SIGTERM or Ctrl-C
//! readiness turns to 503 first (so load balancers stop sending), then after a delay the
//! listeners stop accepting and in-flight requests finish, within a bounded drain time.

use axum::Router;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

static DRAINING: AtomicBool = AtomicBool::new(false);

/// Whether this process is shutting down: readiness answers 503 `draining`.
pub fn is_draining() -> bool {
    DRAINING.load(Ordering::Relaxed)
}

/// Runs `running` (servers that stop when `stop` is cancelled) until it ends or a shutdown
/// signal comes. On the signal: readiness turns to 503, after `delay` `stop` is cancelled, and
/// `running` gets `drain` to finish its in-flight requests before this returns anyway.
///
/// # Errors
/// What `running` ends with, if it ends by itself.
pub async fn run_until_signal(
    running: impl Future<Output = anyhow::Result<()>>,
    stop: CancellationToken,
    delay: Duration,
    drain: Duration,
) -> anyhow::Result<()> {
    tokio::pin!(running);
    tokio::select! {
        result = &mut running => return result,
        () = shutdown_signal() => {}
    }
    DRAINING.store(true, Ordering::Relaxed);
    tracing::info!(
        delay_secs = delay.as_secs_f64(),
        "draining: readiness is 503"
    );
    tokio::time::sleep(delay).await;
    stop.cancel();
    match tokio::time::timeout(drain, running).await {
        Ok(result) => {
            tracing::info!("stopped");
            result
        }
        Err(_) => {
            tracing::warn!(
                drain_secs = drain.as_secs(),
                "requests still running after the drain time; exiting"
            );
            Ok(())
        }
    }
}

/// Serves `router` on `listener` until `shutdown` resolves, then lets in-flight requests finish.
///
/// # Errors
/// When accepting connections fails.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received");
}

/// Binds a TCP listener on `addr` (`host:port`; port 0 picks a free one).
///
/// # Errors
/// When the address is taken or invalid.
pub async fn bind(addr: &str) -> anyhow::Result<TcpListener> {
    TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {addr}: {e}"))
}
