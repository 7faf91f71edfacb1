//! The real shop binary (the launcher): killed with SIGKILL and started again on the same data directory it
//! keeps everything it acknowledged; stopped with SIGTERM it drains gracefully.

use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use test_support::{poll, TestApp};

/// The shop binary in dev mode on the data directory `data_dir`, every port 0, no site.
fn shop_command(data_dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_shop"));
    command
        .env("NO_COLOR", "1")
        .env("SHOP_DEV_MODE", "true")
        .env("SHOP_DATA_DIR", data_dir)
        .env("SHOP_LEPTOS_CONFIG", data_dir.join("no-such-file.toml"))
        .env("LEPTOS_OUTPUT_NAME", "shop")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("SHOP_AUTH_ADDR", "127.0.0.1:0")
        .env("SHOP_ORDERS_ADDR", "127.0.0.1:0")
        .env("SHOP_ADMIN_ADDR", "127.0.0.1:0");
    command
}

/// Starts the shop binary on free ports; returns the process and a client for it.
async fn start(data_dir: &Arc<TempDir>) -> (Child, TestApp) {
    start_with(data_dir, &[]).await
}

/// [`start`] with extra environment variables (and, on PostgreSQL runs, the database URLs of
/// `dir`). The process reports its ports in the address
/// file (`SHOP_ADDRESS_FILE`), which this waits for (at most 60 s, failing early if the
/// process exits).
async fn start_with(dir: &Arc<TempDir>, env: &[(&str, &str)]) -> (Child, TestApp) {
    let data_dir = dir.path();
    // On PostgreSQL runs, the databases of this directory (the same on a restart).
    let databases = test_support::test_database_env(data_dir).await;
    let address_file = data_dir.join("addresses.json");
    let _ = std::fs::remove_file(&address_file);
    let mut child = shop_command(data_dir)
        .env("RUST_LOG", "warn")
        .env("SHOP_ADDRESS_FILE", &address_file)
        .env("SHOP_PAYMENT_SUCCESS_RATE", "1.0")
        .env("SHOP_PAYMENT_LATENCY_MS", "0")
        .envs(databases)
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the shop binary starts");
    let addresses = test_support::wait_for_addresses(&mut child, &address_file, "the shop", None);
    let gateway = &addresses["gateway"];
    (child, TestApp::at(format!("http://{gateway}"), dir.clone()))
}

/// The first order of `app`'s signed-in user `token`, if any.
async fn first_order(app: &TestApp, token: &str) -> Value {
    let orders: Value = app.get_as(token, "/api/orders").await.json().await.unwrap();
    orders["items"][0].clone()
}

#[tokio::test]
async fn acknowledged_data_survives_kill_9() {
    let dir = Arc::new(TempDir::new().unwrap());
    let (mut first, app) = start(&dir).await;
    let token = app.signed_up("zoe").await.access_token;
    let stock_before = app.stock_of(4).await;
    let order = app.buy(&token, "before-the-crash", 4, 2).await;
    assert_eq!(order["status"], "paid");
    assert_eq!(app.set_quantity(&token, 1, json!(3)).await.status(), 200);

    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();

    let (mut second, app) = start(&dir).await;
    let tokens: Value = app
        .login("zoe", "a good password")
        .await
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(first_order(&app, token).await["id"], order["id"]);
    let cart: Value = app.get_as(token, "/api/cart").await.json().await.unwrap();
    assert_eq!(cart["items"][0]["quantity"], 3);
    assert_eq!(app.stock_of(4).await, stock_before - 2);
    second.kill().unwrap();
    second.wait().unwrap();
}

#[tokio::test]
async fn a_checkout_killed_while_paying_leaves_no_stock_taken_after_restart() {
    let dir = Arc::new(TempDir::new().unwrap());
    // A provider that takes a minute to answer: the kill lands while the order is pending.
    let (mut first, app) = start_with(
        &dir,
        &[
            ("SHOP_PAYMENT_LATENCY_MS", "60000"),
            ("SHOP_PAYMENT_TIMEOUT_MS", "120000"),
        ],
    )
    .await;
    let token = app.signed_up("yann").await.access_token;
    let before = app.stock_of(5).await;
    let items = json!({"items": [{"product_id": 5, "quantity": 3}]});
    let paying = tokio::spawn({
        let request = app
            .request(reqwest::Method::POST, "/api/orders")
            .bearer_auth(&token)
            .header("Idempotency-Key", "interrupted")
            .json(&items);
        async move { request.send().await }
    });
    // The order is pending, its stock taken.
    poll(|| async { (first_order(&app, &token).await["status"] == "pending").then_some(()) }).await;
    assert_eq!(app.stock_of(5).await, before - 3);

    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        paying.await.unwrap().is_err(),
        "the client saw the connection drop"
    );

    let (mut second, app) = start(&dir).await;
    // The sweep abandons it once it is older than the payment timeout plus 5 s (at most 10 s).
    poll(|| async { (app.stock_of(5).await == before).then_some(()) }).await;
    let tokens: Value = app
        .login("yann", "a good password")
        .await
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap();
    let orders: Value = app.get_as(token, "/api/orders").await.json().await.unwrap();
    assert_eq!(orders["total"], 0, "no half-done order");
    // The same key now goes through.
    let retried = app.checkout(token, "interrupted", Some(items)).await;
    assert_eq!(retried.status(), 201);
    second.kill().unwrap();
    second.wait().unwrap();
}

#[tokio::test]
async fn sigterm_turns_readiness_to_503_then_finishes_in_flight_requests_and_exits() {
    let dir = Arc::new(TempDir::new().unwrap());
    let (mut shop, app) = start_with(
        &dir,
        &[
            ("SHOP_SHUTDOWN_DELAY_SECS", "1"),
            ("SHOP_PAYMENT_LATENCY_MS", "2000"),
        ],
    )
    .await;
    let token = app.signed_up("tess").await.access_token;
    assert_eq!(app.get("/health/ready").await.status(), 200);

    // A checkout that is still paying when the signal comes.
    let paying = tokio::spawn({
        let request = app
            .request(reqwest::Method::POST, "/api/orders")
            .bearer_auth(&token)
            .header("Idempotency-Key", "in-flight")
            .json(&json!({"items": [{"product_id": 1, "quantity": 1}]}));
        async move { request.send().await.unwrap().status() }
    });
    poll(|| async { (first_order(&app, &token).await["status"] == "pending").then_some(()) }).await;
    let killed = Command::new("kill")
        .args(["-TERM", &shop.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    // Readiness says 503 (once the signal is handled) while the listeners still answer.
    let ready = poll(|| async {
        let r = app.get("/health/ready").await;
        (r.status() == 503).then_some(r)
    })
    .await;
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "draining");
    // The in-flight checkout completes.
    assert_eq!(paying.await.unwrap(), 201);
    // And the process exits by itself, cleanly, within the drain bound.
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = shop.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the shop did not exit");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}");
}

/// Runs the shop binary with `env` (on free ports, in `dir`) until it exits, at most 30 s:
/// its exit status and standard error.
fn run_until_exit(dir: &TempDir, env: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    let mut child = shop_command(dir.path())
        .env("RUST_LOG", "off")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the shop binary starts");
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("the shop kept running with {env:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    (status, stderr)
}

#[test]
fn a_bad_database_url_stops_the_start_with_one_line_and_exit_code_1() {
    let dir = TempDir::new().unwrap();
    for (setting, url, says) in [
        (
            "SHOP_AUTH_DATABASE_URL",
            "mysql://root:hunter2@db/auth",
            "unsupported database URL mysql://root:***@db/auth",
        ),
        (
            "SHOP_ORDERS_DATABASE_URL",
            "postgres://shop:hunter2@db:5432",
            "needs a host and a database name",
        ),
        (
            "SHOP_AUTH_DATABASE_URL",
            "postgres://shop:hunter2@127.0.0.1:1/auth",
            "postgres://shop:***@127.0.0.1:1/auth",
        ),
        ("SHOP_ORDERS_DATABASE_URL", "sqlite://", "needs a file path"),
    ] {
        let (status, stderr) = run_until_exit(&dir, &[(setting, url)]);
        assert_eq!(status.code(), Some(1), "{setting}={url}: {stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{setting}={url}: {stderr}");
        assert!(lines[0].contains(says), "{setting}={url}: {stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
}

#[test]
fn a_bad_upstream_url_stops_the_start_before_any_service_opens_its_database() {
    for (setting, url, started_db) in [
        ("SHOP_ORDERS_UPSTREAMS", "http://orders:8002/v1", "auth.db"),
        ("SHOP_AUTH_UPSTREAMS", "https://auth:8001", "orders.db"),
    ] {
        let dir = TempDir::new().unwrap();
        let (status, stderr) = run_until_exit(&dir, &[(setting, url)]);
        assert_eq!(status.code(), Some(1), "{setting}={url}: {stderr}");
        let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
        assert_eq!(lines.len(), 1, "{setting}={url}: {stderr}");
        assert!(lines[0].contains(&format!("upstream `{url}`")), "{stderr}");
        // The other service would be started here; it was not.
        assert!(
            !dir.path().join(started_db).exists(),
            "{setting}={url}: {started_db} was created"
        );
    }
}

#[tokio::test]
async fn a_sqlite_url_puts_each_database_where_it_says() {
    let dir = Arc::new(TempDir::new().unwrap());
    let elsewhere = TempDir::new().unwrap();
    let auth_db = elsewhere.path().join("accounts/auth-here.db");
    let orders_db = elsewhere.path().join("shop/orders-here.db");
    let auth_url = format!("sqlite://{}", auth_db.display());
    let orders_url = format!("sqlite://{}", orders_db.display());
    let env = [
        ("SHOP_AUTH_DATABASE_URL", auth_url.as_str()),
        ("SHOP_ORDERS_DATABASE_URL", orders_url.as_str()),
    ];
    let (mut first, app) = start_with(&dir, &env).await;
    let token = app.signed_up("yann").await.access_token;
    let order = app.buy(&token, "kept-elsewhere", 4, 1).await;
    first.kill().unwrap();
    first.wait().unwrap();
    assert!(auth_db.exists() && orders_db.exists());
    assert!(!dir.path().join("auth.db").exists() && !dir.path().join("orders.db").exists());

    // Started again on the same URLs, the shop finds what it kept there.
    let (mut second, app) = start_with(&dir, &env).await;
    let tokens: Value = app
        .login("yann", "a good password")
        .await
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap();
    assert_eq!(first_order(&app, token).await["id"], order["id"]);
    second.kill().unwrap();
    second.wait().unwrap();
}

#[tokio::test]
async fn on_postgresql_a_wrong_password_stops_the_start_with_one_line() {
    if !test_support::postgres::enabled() {
        return; // Only a PostgreSQL run has a server to refuse the password.
    }
    let dir = TempDir::new().unwrap();
    let url = test_support::postgres::database_url(dir.path(), "orders").await;
    let (credentials, server) = url.rsplit_once('@').unwrap();
    let user = credentials.rsplit_once(':').unwrap().0;
    let wrong = format!("{user}:not-the-password@{server}");
    let (status, stderr) = run_until_exit(&dir, &[("SHOP_ORDERS_DATABASE_URL", &wrong)]);
    assert_eq!(status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("password authentication failed"),
        "{stderr}"
    );
    assert!(!stderr.contains("not-the-password"), "{stderr}");
}
