//! The gateway in front of failing upstreams: load shared over two, one killed, a dead service,
//! its recovery, a slow one, one that does not speak HTTP, and answers streamed through as they
//! come.

use reqwest::StatusCode;
use serde_json::Value;
use shop_common::config::SharedSettings;
use shop_orders::OrdersSettings;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use test_support::{assert_problem, dev_key_path, jwks_stub, poll, spawn_stack};

/// An orders service on its own runtime and thread, so killing it drops every connection at
/// once, as a crashed process would.
struct Upstream {
    addr: SocketAddr,
    stop: Option<std::sync::mpsc::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Upstream {
    /// An orders service on `port` (0: any) with its database in `dir`, trusting the keys at
    /// `jwks_url`.
    fn orders(dir: &Path, port: u16, jwks_url: &str) -> Self {
        let jwks_urls = vec![jwks_url.to_owned()];
        let (addr_tx, addr_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        let dir: PathBuf = dir.to_owned();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap();
            rt.spawn(async move {
                let mut settings = OrdersSettings {
                    payment_success_rate: 1.0,
                    jwks_urls,
                    ..OrdersSettings::for_tests()
                };
                test_support::with_test_databases(&dir, None, Some(&mut settings)).await;
                let app = shop_orders::app(&SharedSettings::dev(&dir), &settings)
                    .await
                    .unwrap();
                let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
                    .await
                    .unwrap();
                addr_tx.send(listener.local_addr().unwrap()).unwrap();
                let _ = shop_common::serve::serve(listener, app, std::future::pending()).await;
            });
            let _ = stopped.recv();
            rt.shutdown_background();
        });
        let addr = addr_rx
            .recv_timeout(Duration::from_secs(30))
            .expect("the upstream starts");
        Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn kill(&mut self) {
        drop(self.stop.take());
        if let Some(t) = self.thread.take() {
            t.join().unwrap();
        }
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.kill();
    }
}

#[tokio::test]
async fn two_orders_upstreams_share_the_load_and_one_dies_without_a_failed_get() {
    let dir = tempfile::TempDir::new().unwrap();
    let jwks = jwks_stub(dir.path()).await;
    let mut a = Upstream::orders(dir.path(), 0, &jwks);
    let b = Upstream::orders(dir.path(), 0, &jwks);
    let app = spawn_stack(|c| {
        c.gateway.orders_upstreams = vec![a.url(), b.url()];
        c.gateway.health_check_interval_ms = 100;
    })
    .await;
    for i in 0..200 {
        if i == 100 {
            a.kill();
        }
        let r = app.get("/api/products?per_page=2").await;
        assert_eq!(r.status(), StatusCode::OK, "request {i}");
    }
    let ready: Value = app.admin_get("/health/ready").await.json().await.unwrap();
    let upstreams = ready["services"]["orders"]["upstreams"].as_array().unwrap();
    assert!(
        upstreams
            .iter()
            .all(|u| u["requests"].as_u64().unwrap() >= 40),
        "{upstreams:?}"
    );
    assert_eq!(ready["services"]["orders"]["available"], true);
}

#[tokio::test]
async fn a_dead_service_fails_fast_on_its_routes_only_and_recovers_without_a_restart() {
    let dir = tempfile::TempDir::new().unwrap();
    let jwks = jwks_stub(dir.path()).await;
    let mut orders = Upstream::orders(dir.path(), 0, &jwks);
    let port = orders.addr.port();
    let app = spawn_stack(|c| {
        c.auth.access_token_signing_key = Some(dev_key_path(dir.path()));
        c.gateway.orders_upstreams = vec![orders.url()];
        c.gateway.health_check_interval_ms = 100;
    })
    .await;
    let token = app.signed_up("rita").await.access_token;
    assert_eq!(app.get("/api/products").await.status(), StatusCode::OK);

    orders.kill();
    for _ in 0..20 {
        let started = Instant::now();
        let r = app.get("/api/products").await;
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "answered in bounded time"
        );
        assert!(r.headers().contains_key("retry-after"));
        let body = assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").await;
        assert!(body["detail"].as_str().unwrap().contains("orders"));
        assert_eq!(
            app.get_as(&token, "/api/auth/me").await.status(),
            StatusCode::OK,
            "auth is unaffected"
        );
    }

    let _back = Upstream::orders(dir.path(), port, &jwks);
    poll(|| async { (app.get("/api/products").await.status() == StatusCode::OK).then_some(()) })
        .await;
    assert_eq!(
        app.get_as(&token, "/api/cart").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn a_slow_upstream_is_a_504_within_the_timeout() {
    use axum::routing::get;
    let slow = axum::Router::new()
        .route("/health/ready", get(|| async { "ok" }))
        .route(
            "/api/products",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                "too late"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, slow).await });
    let app = spawn_stack(|c| {
        c.gateway.orders_upstreams = vec![url];
        c.gateway.upstream_timeout_secs = 1;
    })
    .await;
    let started = Instant::now();
    let r = app.get("/api/products").await;
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert_problem(r, StatusCode::GATEWAY_TIMEOUT, "upstream_timeout").await;
    assert_eq!(
        app.get("/api/auth/login").await.status(),
        StatusCode::METHOD_NOT_ALLOWED,
        "auth still answers"
    );
}

#[tokio::test]
async fn an_answer_that_is_not_http_is_a_502_and_a_reset_without_one_a_503() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    // Healthy to the health checks; anything else gets a line that is not an HTTP answer.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match conn.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buf[..n]),
                    }
                }
                if request.starts_with(b"GET /api/products/1 ") {
                    // Reset the connection instead of answering, as a process that dies does.
                    let _ = conn.set_zero_linger();
                    return;
                }
                let answer: &[u8] = if request.starts_with(b"GET /health/ready ") {
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
                } else {
                    b"SSH-2.0-OpenSSH_9.2\r\n\r\n"
                };
                let _ = conn.write_all(answer).await;
            });
        }
    });
    let app = spawn_stack(|c| c.gateway.orders_upstreams = vec![url]).await;
    let r = app.get("/api/products").await;
    let body = assert_problem(r, StatusCode::BAD_GATEWAY, "bad_gateway").await;
    assert!(
        body["detail"].as_str().unwrap().contains("orders"),
        "{body}"
    );
    let r = app.get("/api/products/1").await;
    assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").await;
}

/// An upstream whose `GET /api/products` body is what the test sends on the returned channel,
/// as it sends it (the first request only).
async fn streaming_upstream() -> (String, tokio::sync::mpsc::Sender<&'static str>) {
    use axum::routing::get;
    let (tx, rx) = tokio::sync::mpsc::channel::<&'static str>(4);
    let rx = std::sync::Arc::new(std::sync::Mutex::new(Some(rx)));
    let upstream = axum::Router::new()
        .route("/health/ready", get(|| async { "ok" }))
        .route(
            "/api/products",
            get(move || {
                let rx = rx.lock().unwrap().take();
                async move {
                    let chunks = futures::stream::unfold(rx, |rx| async move {
                        let mut rx = rx?;
                        let chunk = rx.recv().await?;
                        Some((Ok::<_, std::io::Error>(bytes::Bytes::from(chunk)), Some(rx)))
                    });
                    axum::body::Body::from_stream(chunks)
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, upstream).await });
    (url, tx)
}

#[tokio::test]
async fn answers_are_streamed_through_as_they_come_not_read_whole_first() {
    let (url, tx) = streaming_upstream().await;
    let app = spawn_stack(|c| c.gateway.orders_upstreams = vec![url]).await;
    tx.send("first ").await.unwrap();
    let mut r = tokio::time::timeout(Duration::from_secs(5), app.get("/api/products"))
        .await
        .expect("the answer begins while the upstream is still writing its body");
    assert_eq!(r.status(), StatusCode::OK);
    let first = tokio::time::timeout(Duration::from_secs(5), r.chunk())
        .await
        .expect("the first chunk arrives before the upstream's body ends")
        .unwrap();
    assert_eq!(first.as_deref(), Some(&b"first "[..]));
    tx.send("second").await.unwrap();
    drop(tx);
    assert_eq!(r.text().await.unwrap(), "second");

    let whole = app.get("/api/auth/jwks").await;
    assert_eq!(whole.status(), StatusCode::OK);
    let length: usize = whole.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        whole.bytes().await.unwrap().len(),
        length,
        "the upstream's length is kept"
    );
}

#[tokio::test]
async fn a_body_that_stalls_ends_the_answer_within_the_timeout() {
    let (url, tx) = streaming_upstream().await;
    let app = spawn_stack(|c| {
        c.gateway.orders_upstreams = vec![url];
        c.gateway.upstream_timeout_secs = 1;
    })
    .await;
    tx.send("first ").await.unwrap();
    let r = app.get("/api/products").await;
    assert_eq!(r.status(), StatusCode::OK);
    let started = Instant::now();
    let rest = tokio::time::timeout(Duration::from_secs(5), r.text())
        .await
        .expect("the answer ends instead of hanging");
    assert!(rest.is_err(), "a cut answer is not a whole one: {rest:?}");
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    drop(tx);
}
