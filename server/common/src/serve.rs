//! Serving a router on a bound listener, and shutting down gracefully: on SIGTERM or Ctrl-C
//! readiness turns to 503 first (so load balancers stop sending), then after a delay the
//! listeners stop accepting and in-flight requests finish, within a bounded drain time.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

/// What a listener serves: a cheaply cloned service from a request to a response that never
/// fails (its errors are answers). A [`axum::Router`] is one, and so is what
/// [`crate::telemetry::instrument_with`] makes of one. hyper clones it for every request, so
/// its clone should be a few reference counts.
pub trait HttpService:
    tower::Service<
        axum::extract::Request,
        Response = axum::response::Response,
        Error = Infallible,
        Future: Send + 'static,
    > + Clone
    + Send
    + Sync
    + 'static
{
}

impl<T> HttpService for T where
    T: tower::Service<
            axum::extract::Request,
            Response = axum::response::Response,
            Error = Infallible,
            Future: Send + 'static,
        > + Clone
        + Send
        + Sync
        + 'static
{
}

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

/// Serves `service` on `listener` until `shutdown` resolves, then lets in-flight requests
/// finish. Each request carries the peer's address (`ConnectInfo<SocketAddr>`).
///
/// # Errors
/// When accepting connections fails.
pub async fn serve(
    listener: TcpListener,
    service: impl HttpService,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        axum::ServiceExt::<axum::extract::Request>::into_make_service_with_connect_info::<
            std::net::SocketAddr,
        >(service),
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

/// Servers of one process that stop together: when `shutdown` is cancelled, or when one of
/// them fails (which cancels it for the others).
pub struct Servers {
    tasks: JoinSet<anyhow::Result<()>>,
    shutdown: CancellationToken,
}

impl Servers {
    /// No servers yet; they will stop when `shutdown` is cancelled.
    pub fn new(shutdown: CancellationToken) -> Self {
        Self {
            tasks: JoinSet::new(),
            shutdown,
        }
    }

    /// The token that stops every server (and background tasks that watch it).
    pub fn shutdown(&self) -> &CancellationToken {
        &self.shutdown
    }

    /// Serves `service` on `listener` (see [`serve`]) until shutdown.
    pub fn spawn(&mut self, listener: TcpListener, service: impl HttpService) {
        let stop = self.shutdown.clone().cancelled_owned();
        self.tasks
            .spawn(async move { Ok(serve(listener, service, stop).await?) });
    }

    /// Waits until every server stopped.
    ///
    /// # Errors
    /// The first server error.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let mut first_error = None;
        while let Some(done) = self.tasks.join_next().await {
            let result = done.map_err(anyhow::Error::from).and_then(|r| r);
            if let Err(e) = result {
                self.shutdown.cancel();
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

/// Writes the bound `addresses` to `path` as one JSON object, e.g.
/// `{"gateway": "127.0.0.1:41234", "admin": "127.0.0.1:41235"}` (`SHOP_ADDRESS_FILE`), for
/// scripts and tests that start a process on port 0. Written to a temporary file beside it and
/// renamed, so a reader sees the whole object or no file.
///
/// # Errors
/// When the file cannot be written.
pub fn write_address_file(path: &Path, addresses: &[(&str, SocketAddr)]) -> anyhow::Result<()> {
    let object: serde_json::Map<String, serde_json::Value> = addresses
        .iter()
        .map(|(name, addr)| ((*name).to_owned(), addr.to_string().into()))
        .collect();
    let partial = path.with_extension("partial");
    std::fs::write(&partial, serde_json::Value::Object(object).to_string())
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| anyhow::anyhow!("cannot write the address file {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_address_file_is_one_json_object() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("addresses.json");
        let addr = "127.0.0.1:8123".parse().unwrap();
        super::write_address_file(&path, &[("gateway", addr)]).unwrap();
        let read: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(read, serde_json::json!({"gateway": "127.0.0.1:8123"}));
        assert!(!path.with_extension("partial").exists());
    }
}
