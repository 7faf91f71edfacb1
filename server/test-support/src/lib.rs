//! What the shop's tests share: starting real servers on port 0 with a fresh data directory
//! (a service alone, or the whole shop through the launcher), a typed HTTP client per test
//! ([`TestApp`]), and bounded waits on observable state ([`poll`], [`wait_for_event`]). With
//! `SHOP_TEST_DATABASE=postgres` every service they start keeps its data on a real PostgreSQL
//! server instead ([`postgres`]).
#![allow(missing_docs)]

pub mod postgres;

use api_types::auth::{Role, TokenResponse};
use reqwest::{Client, Method, RequestBuilder, Response, StatusCode};
use serde_json::{json, Value};
use shop_auth::AuthSettings;
use shop_common::config::SharedSettings;
use shop_common::keys::SigningKey;
use shop_orders::OrdersSettings;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;

/// A running server (or stack) and a client for it; stops when dropped.
pub struct TestApp {
    pub base: String,
    pub client: Client,
    pub dir: Arc<TempDir>,
    /// The key the auth service signs access tokens with (for forged and expired tokens).
    pub signer: SigningKey,
    /// For a whole stack: the base URLs of its auth and orders services, reached directly.
    pub services: Option<(String, String)>,
    /// For a whole stack: the base URL of the gateway's admin listener (metrics, detailed
    /// readiness).
    pub admin: Option<String>,
    shutdown: CancellationToken,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn client() -> Client {
    Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The signing key dev mode generated in (or, for a lone orders service, a new one for) `dir`.
fn dev_signer(dir: &std::path::Path) -> SigningKey {
    SigningKey::load_or_generate(&dev_key_path(dir)).unwrap()
}

/// The path of the dev signing key in `dir`: give it to an auth service (or a stack) as
/// `access_token_signing_key` to share a key with [`jwks_stub`].
pub fn dev_key_path(dir: &std::path::Path) -> std::path::PathBuf {
    dir.join(shop_auth::DEV_SIGNING_KEY_FILE)
}

/// Serves the JWKS of the dev signing key in `dir` (created if missing) at `/jwks` until the
/// test ends: a stand-in auth service for orders services started apart; returns its URL.
pub async fn jwks_stub(dir: &std::path::Path) -> String {
    serve_jwks(&dev_signer(dir), &CancellationToken::new()).await
}

async fn serve_jwks(key: &SigningKey, shutdown: &CancellationToken) -> String {
    let set = shop_common::keys::jwk_set([key.public_key()]);
    let l = listener().await;
    let url = format!("http://{}/jwks", l.local_addr().unwrap());
    let app = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            let set = set.clone();
            async move { axum::Json(set) }
        }),
    );
    tokio::spawn(shop_common::serve::serve(
        l,
        app,
        shutdown.clone().cancelled_owned(),
    ));
    url
}

/// The addresses a process started with `SHOP_ADDRESS_FILE=file` reports there, by name
/// (`{"gateway": "127.0.0.1:41234", …}`), once it has written them: at most 60 s, failing early
/// when `child` exits first (with its `log`, if given, in the message).
///
/// # Panics
/// When the process exits or never reports within the 60 s.
pub fn wait_for_addresses(
    child: &mut std::process::Child,
    file: &std::path::Path,
    name: &str,
    log: Option<&std::path::Path>,
) -> std::collections::HashMap<String, String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(found) = std::fs::read_to_string(file)
            .ok()
            .and_then(|text| serde_json::from_str(&text).ok())
        {
            return found;
        }
        if let Ok(Some(status)) = child.try_wait() {
            let log = log
                .and_then(|l| std::fs::read_to_string(l).ok())
                .unwrap_or_default();
            panic!("{name} exited ({status}) before it reported its addresses: {log}");
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{name} never reported its addresses"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Points the services of `auth` and `orders` (those given, whose database URL is unset) at
/// this run's engine: nothing for SQLite (their files in `dir`), the databases of `dir` on the
/// test server for PostgreSQL ([`postgres::database_url`]).
pub async fn with_test_databases(
    dir: &std::path::Path,
    auth: Option<&mut AuthSettings>,
    orders: Option<&mut OrdersSettings>,
) {
    if !postgres::enabled() {
        return;
    }
    if let Some(auth) = auth.filter(|a| a.auth_database_url.is_none()) {
        auth.auth_database_url = Some(postgres::database_url(dir, "auth").await);
    }
    if let Some(orders) = orders.filter(|o| o.orders_database_url.is_none()) {
        orders.orders_database_url = Some(postgres::database_url(dir, "orders").await);
    }
}

/// The environment variables that point a shop process in `dir` at this run's engine (none for
/// SQLite).
pub async fn test_database_env(dir: &std::path::Path) -> Vec<(&'static str, String)> {
    if !postgres::enabled() {
        return Vec::new();
    }
    vec![
        (
            "SHOP_AUTH_DATABASE_URL",
            postgres::database_url(dir, "auth").await,
        ),
        (
            "SHOP_ORDERS_DATABASE_URL",
            postgres::database_url(dir, "orders").await,
        ),
    ]
}

async fn listener() -> tokio::net::TcpListener {
    tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap()
}

/// The auth service alone, dev mode, fresh database.
pub async fn spawn_auth() -> TestApp {
    spawn_auth_in(Arc::new(TempDir::new().unwrap()), AuthSettings::for_tests()).await
}

/// The auth service alone on the data directory `dir`.
pub async fn spawn_auth_in(dir: Arc<TempDir>, settings: AuthSettings) -> TestApp {
    let shared = SharedSettings::dev(dir.path());
    let mut settings = settings;
    with_test_databases(dir.path(), Some(&mut settings), None).await;
    let app = shop_auth::app(&shared, &settings).await.unwrap();
    serve(app, dir, CancellationToken::new()).await
}

/// The orders service alone, dev mode, fresh database, with this payment success rate.
pub async fn spawn_orders(payment_success_rate: f64) -> TestApp {
    spawn_orders_with(OrdersSettings {
        payment_success_rate,
        ..OrdersSettings::for_tests()
    })
    .await
}

/// The orders service alone, dev mode, fresh database, with these settings.
pub async fn spawn_orders_with(settings: OrdersSettings) -> TestApp {
    spawn_orders_in(Arc::new(TempDir::new().unwrap()), settings).await
}

/// The orders service alone on the data directory `dir` (so on its database: a second one
/// in the same `dir` is a replica of the first), trusting the dev key of `dir`.
pub async fn spawn_orders_in(dir: Arc<TempDir>, settings: OrdersSettings) -> TestApp {
    let shared = SharedSettings::dev(dir.path());
    let shutdown = CancellationToken::new();
    let signer = dev_signer(dir.path());
    let mut settings = settings;
    with_test_databases(dir.path(), None, Some(&mut settings)).await;
    if settings.jwks_urls.is_empty() {
        settings.jwks_urls = vec![serve_jwks(&signer, &shutdown).await];
    }
    let app = shop_orders::app(&shared, &settings).await.unwrap();
    serve(app, dir, shutdown).await
}

async fn serve(
    app: impl shop_common::serve::HttpService,
    dir: Arc<TempDir>,
    shutdown: CancellationToken,
) -> TestApp {
    let l = listener().await;
    let base = format!("http://{}", l.local_addr().unwrap());
    tokio::spawn(shop_common::serve::serve(
        l,
        app,
        shutdown.clone().cancelled_owned(),
    ));
    TestApp {
        base,
        client: client(),
        signer: dev_signer(dir.path()),
        services: None,
        admin: None,
        dir,
        shutdown,
    }
}

/// The whole shop as `cargo leptos watch` runs it (the launcher: gateway, auth and orders in
/// one process, each on its own port), all on port 0; `tweak` adjusts the settings first.
pub async fn spawn_stack(tweak: impl FnOnce(&mut shop::Config)) -> TestApp {
    let dir = Arc::new(TempDir::new().unwrap());
    let mut config = shop::Config::for_tests(dir.path());
    tweak(&mut config);
    with_test_databases(dir.path(), Some(&mut config.auth), Some(&mut config.orders)).await;
    let site = leptos::prelude::LeptosOptions::builder()
        .output_name("shop")
        .site_root(dir.path().join("site").to_string_lossy().to_string())
        .build();
    let l = listener().await;
    let base = format!("http://{}", l.local_addr().unwrap());
    let shutdown = CancellationToken::new();
    let mut servers = shop_common::serve::Servers::new(shutdown.clone());
    let running = shop::start(config, site, l, &mut servers).await.unwrap();
    let services = Some((
        running.auth_upstreams[0].clone(),
        running.orders_upstreams[0].clone(),
    ));
    let admin = Some(format!("http://{}", running.gateway.admin_addr));
    tokio::spawn(servers.wait());
    TestApp {
        base,
        client: client(),
        signer: dev_signer(dir.path()),
        services,
        admin,
        dir,
        shutdown,
    }
}

impl TestApp {
    /// A client for a shop already running at `base` (e.g. a process started by the test)
    /// whose data directory is `dir`; its dev signing key is the one the shop created there.
    pub fn at(base: String, dir: Arc<TempDir>) -> Self {
        Self {
            base,
            client: client(),
            signer: dev_signer(dir.path()),
            services: None,
            admin: None,
            dir,
            shutdown: CancellationToken::new(),
        }
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        self.client.request(method, format!("{}{path}", self.base))
    }

    /// `GET path` on the gateway's admin listener (a whole stack only).
    pub async fn admin_get(&self, path: &str) -> Response {
        let admin = self.admin.as_ref().expect("a whole stack");
        self.client
            .get(format!("{admin}{path}"))
            .send()
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    pub async fn get_as(&self, token: &str, path: &str) -> Response {
        self.request(Method::GET, path)
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    pub async fn register(&self, username: &str, password: &str) -> Response {
        self.post_json(
            "/api/auth/register",
            &json!({"username": username, "password": password}),
        )
        .await
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post_json(
            "/api/auth/login",
            &json!({"username": username, "password": password}),
        )
        .await
    }

    /// Signs in as the dev-mode account `admin`; returns its access token.
    pub async fn signed_in_admin(&self) -> String {
        let r: serde_json::Value = self
            .login("admin", shop_auth::DEV_ADMIN_PASSWORD)
            .await
            .json()
            .await
            .unwrap();
        r["access_token"].as_str().unwrap().to_owned()
    }

    /// Registers and logs in a new user; returns the token pair.
    pub async fn signed_up(&self, username: &str) -> TokenResponse {
        assert_eq!(
            self.register(username, "a good password").await.status(),
            StatusCode::CREATED
        );
        let r = self.login(username, "a good password").await;
        assert_eq!(r.status(), StatusCode::OK);
        r.json().await.unwrap()
    }

    /// An access token for user `user_id`, signed with the dev key (for the orders service
    /// alone, which trusts any token the shop's key signed).
    pub fn token_for(&self, user_id: i64) -> String {
        self.signer
            .issue(
                user_id,
                &format!("user{user_id}"),
                Role::Customer,
                "test-session",
                Duration::from_secs(600),
            )
            .unwrap()
    }

    /// An access token of an admin (user id 1000).
    pub fn admin_token(&self) -> String {
        self.signer
            .issue(
                1000,
                "boss",
                Role::Admin,
                "admin-session",
                Duration::from_secs(600),
            )
            .unwrap()
    }

    pub async fn send_json(
        &self,
        method: Method,
        token: &str,
        path: &str,
        body: &Value,
    ) -> Response {
        self.request(method, path)
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Buys `quantity` of `product_id` as `token`; returns the order.
    pub async fn buy(&self, token: &str, key: &str, product_id: i64, quantity: i64) -> Value {
        let body = json!({"items": [{"product_id": product_id, "quantity": quantity}]});
        let r = self.checkout(token, key, Some(body)).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        r.json().await.unwrap()
    }

    pub async fn set_quantity(&self, token: &str, product_id: i64, quantity: Value) -> Response {
        self.request(Method::PUT, &format!("/api/cart/items/{product_id}"))
            .bearer_auth(token)
            .json(&json!({ "quantity": quantity }))
            .send()
            .await
            .unwrap()
    }

    pub async fn checkout(&self, token: &str, key: &str, body: Option<Value>) -> Response {
        let mut r = self
            .request(Method::POST, "/api/orders")
            .bearer_auth(token)
            .header("Idempotency-Key", key);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send().await.unwrap()
    }

    pub async fn stock_of(&self, product_id: i64) -> i64 {
        let p: Value = self
            .get(&format!("/api/products/{product_id}"))
            .await
            .json()
            .await
            .unwrap();
        p["stock"].as_i64().unwrap()
    }
}

/// Asserts `r` is problem+json with `status` and `code`; returns the body.
pub async fn assert_problem(r: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(r.status(), status, "status of {}", r.url());
    let ct = r
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(
        ct.as_deref(),
        Some("application/problem+json"),
        "content type of {}",
        r.url()
    );
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(
        body["title"].is_string() && body["type"].is_string(),
        "{body}"
    );
    body
}

/// Reads server-sent events from `stream` until one's data contains `needle`; fails after 10 s.
pub async fn wait_for_event(
    stream: &mut (impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
    needle: &str,
) -> String {
    let mut seen = String::new();
    let read = async {
        while let Some(chunk) = futures::StreamExt::next(stream).await {
            seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if let Some(block) = seen.split("\n\n").find(|b| b.contains(needle)) {
                return block.to_owned();
            }
        }
        panic!("the stream ended before {needle}: {seen}");
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the event arrives in time")
}

/// Calls `check` until it gives `Some`, at most for 15 s (a bounded wait on observable state).
pub async fn poll<T, F, Fut>(mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the condition never came true"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Sends `method path` over a plain TCP connection exactly as written (what `curl --path-as-is`
/// does; reqwest would normalise the path first), with a bearer `token` if given; returns the
/// status and the body.
pub async fn raw_request(
    app: &TestApp,
    method: &str,
    path: &str,
    token: Option<&str>,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let auth = token.map_or(String::new(), |t| format!("authorization: Bearer {t}\r\n"));
    let request =
        format!("{method} {path} HTTP/1.1\r\nhost: {host}\r\n{auth}connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer))
        .await
        .expect("the gateway answers in time")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map_or("", |(_, b)| b)
        .to_owned();
    (status, body)
}

/// Reads `stream` until it ends; fails after 15 s.
pub async fn wait_for_end(
    stream: &mut (impl futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Unpin),
) {
    let read = async {
        while let Some(chunk) = futures::StreamExt::next(stream).await {
            if chunk.is_err() {
                break;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(15), read)
        .await
        .expect("the stream ends in time");
}
