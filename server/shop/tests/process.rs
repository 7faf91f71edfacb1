//! The real shop binary (the launcher): killed with SIGKILL and started again on the same data directory it
//! keeps everything it acknowledged; stopped with SIGTERM it drains gracefully.

use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Starts the shop binary on free ports; returns the process and its base URL.
fn start(data_dir: &std::path::Path) -> (Child, String) {
    start_with(data_dir, &[])
}

/// [`start`] with extra environment variables. The process reports its ports in the address
/// file (`SHOP_ADDRESS_FILE`), which this waits for (at most 60 s, failing early if the
/// process exits).
fn start_with(data_dir: &std::path::Path, env: &[(&str, &str)]) -> (Child, String) {
    let address_file = data_dir.join("addresses.json");
    let _ = std::fs::remove_file(&address_file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_shop"))
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "warn")
        .env("SHOP_DEV_MODE", "true")
        .env("SHOP_DATA_DIR", data_dir)
        .env("SHOP_ADDRESS_FILE", &address_file)
        .env("SHOP_LEPTOS_CONFIG", data_dir.join("no-such-file.toml"))
        .env("LEPTOS_OUTPUT_NAME", "shop")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("SHOP_AUTH_ADDR", "127.0.0.1:0")
        .env("SHOP_ORDERS_ADDR", "127.0.0.1:0")
        .env("SHOP_ADMIN_ADDR", "127.0.0.1:0")
        .env("SHOP_PAYMENT_SUCCESS_RATE", "1.0")
        .env("SHOP_PAYMENT_LATENCY_MS", "0")
        .envs(env.iter().copied())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the shop binary starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    let addresses: Value = loop {
        if let Ok(text) = std::fs::read_to_string(&address_file) {
            break serde_json::from_str(&text).expect("the address file is JSON");
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the shop exited before it reported its addresses: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "the shop never reported its addresses"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let gateway = addresses["gateway"]
        .as_str()
        .expect("the gateway's address");
    (child, format!("http://{gateway}"))
}

#[tokio::test]
async fn acknowledged_data_survives_kill_9() {
    let dir = tempfile::TempDir::new().unwrap();
    let http = reqwest::Client::new();
    let (mut first, base) = start(dir.path());
    let creds = json!({"username": "zoe", "password": "a good password"});
    let r = http
        .post(format!("{base}/api/auth/register"))
        .json(&creds)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let tokens: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&creds)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    let stock_before = http
        .get(format!("{base}/api/products/4"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["stock"]
        .clone();
    let order: Value = http
        .post(format!("{base}/api/orders"))
        .bearer_auth(&token)
        .header("Idempotency-Key", "before-the-crash")
        .json(&json!({"items": [{"product_id": 4, "quantity": 2}]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(order["status"], "paid");
    let put = http
        .put(format!("{base}/api/cart/items/1"))
        .bearer_auth(&token)
        .json(&json!({"quantity": 3}))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);

    first.kill().unwrap(); // SIGKILL
    first.wait().unwrap();

    let (mut second, base) = start(dir.path());
    let tokens: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&creds)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap();
    let orders: Value = http
        .get(format!("{base}/api/orders"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(orders["items"][0]["id"], order["id"]);
    let cart: Value = http
        .get(format!("{base}/api/cart"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cart["items"][0]["quantity"], 3);
    let stock_after = http
        .get(format!("{base}/api/products/4"))
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap()["stock"]
        .clone();
    assert_eq!(
        stock_after.as_i64().unwrap(),
        stock_before.as_i64().unwrap() - 2
    );
    second.kill().unwrap();
    second.wait().unwrap();
}

#[tokio::test]
async fn a_checkout_killed_while_paying_leaves_no_stock_taken_after_restart() {
    let dir = tempfile::TempDir::new().unwrap();
    let http = reqwest::Client::new();
    // A provider that takes a minute to answer: the kill lands while the order is pending.
    let (mut first, base) = start_with(
        dir.path(),
        &[
            ("SHOP_PAYMENT_LATENCY_MS", "60000"),
            ("SHOP_PAYMENT_TIMEOUT_MS", "120000"),
        ],
    );
    let creds = json!({"username": "yann", "password": "a good password"});
    http.post(format!("{base}/api/auth/register"))
        .json(&creds)
        .send()
        .await
        .unwrap();
    let tokens: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&creds)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    let stock = |base: String| {
        let http = http.clone();
        async move {
            http.get(format!("{base}/api/products/5"))
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()["stock"]
                .as_i64()
                .unwrap()
        }
    };
    let before = stock(base.clone()).await;
    let paying = tokio::spawn({
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        async move {
            http.post(format!("{base}/api/orders"))
                .bearer_auth(token)
                .header("Idempotency-Key", "interrupted")
                .json(&json!({"items": [{"product_id": 5, "quantity": 3}]}))
                .send()
                .await
        }
    });
    // Wait (at most 10 s) until the order is pending, its stock taken.
    let mut pending = false;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while std::time::Instant::now() < deadline {
        let orders: Value = http
            .get(format!("{base}/api/orders"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if orders["items"][0]["status"] == "pending" {
            pending = true;
            break;
        }
        tokio::task::yield_now().await;
    }
    assert!(pending, "the checkout reached the payment");
    assert_eq!(stock(base.clone()).await, before - 3);

    first.kill().unwrap();
    first.wait().unwrap();
    assert!(
        paying.await.unwrap().is_err(),
        "the client saw the connection drop"
    );

    let (mut second, base) = start(dir.path());
    // The sweep abandons it once it is older than the payment timeout plus 5 s (at most 10 s).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while stock(base.clone()).await != before && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    assert_eq!(stock(base.clone()).await, before, "the stock came back");
    let tokens: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&creds)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap();
    let orders: Value = http
        .get(format!("{base}/api/orders"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(orders["total"], 0, "no half-done order");
    // The same key now goes through.
    let retried = http
        .post(format!("{base}/api/orders"))
        .bearer_auth(token)
        .header("Idempotency-Key", "interrupted")
        .json(&json!({"items": [{"product_id": 5, "quantity": 3}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), 201);
    second.kill().unwrap();
    second.wait().unwrap();
}

#[tokio::test]
async fn sigterm_turns_readiness_to_503_then_finishes_in_flight_requests_and_exits() {
    let dir = tempfile::TempDir::new().unwrap();
    let http = reqwest::Client::new();
    let (mut gateway, base) = start_with(
        dir.path(),
        &[
            ("SHOP_SHUTDOWN_DELAY_SECS", "1"),
            ("SHOP_PAYMENT_LATENCY_MS", "2000"),
        ],
    );
    let creds = json!({"username": "tess", "password": "a good password"});
    http.post(format!("{base}/api/auth/register"))
        .json(&creds)
        .send()
        .await
        .unwrap();
    let tokens: Value = http
        .post(format!("{base}/api/auth/login"))
        .json(&creds)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = tokens["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        http.get(format!("{base}/health/ready"))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );

    // A checkout that is still paying when the signal comes.
    let paying = tokio::spawn({
        let (http, base, token) = (http.clone(), base.clone(), token.clone());
        async move {
            http.post(format!("{base}/api/orders"))
                .bearer_auth(token)
                .header("Idempotency-Key", "in-flight")
                .json(&json!({"items": [{"product_id": 1, "quantity": 1}]}))
                .send()
                .await
                .unwrap()
                .status()
        }
    });
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let orders: Value = http
            .get(format!("{base}/api/orders"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if orders["items"][0]["status"] == "pending" || std::time::Instant::now() > deadline {
            break;
        }
    }
    let killed = Command::new("kill")
        .args(["-TERM", &gateway.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());

    // Readiness says 503 (once the signal is handled) while the listeners still answer.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
    let ready = loop {
        let r = http
            .get(format!("{base}/health/ready"))
            .send()
            .await
            .unwrap();
        if r.status() == 503 || std::time::Instant::now() > deadline {
            break r;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "draining");
    // The in-flight checkout completes.
    assert_eq!(paying.await.unwrap(), 201);
    // And the process exits by itself, cleanly, within the drain bound.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let status = loop {
        if let Some(status) = gateway.try_wait().unwrap() {
            break status;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the gateway did not exit"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status:?}");
}
