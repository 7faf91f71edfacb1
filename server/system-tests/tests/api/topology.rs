//! The shop as it runs on several machines, on one: the real `gateway`, `auth` and `orders`
//! binaries as separate processes on loopback (2 of each), every gateway in front of both
//! upstreams of each service, both replicas of a service on one PostgreSQL database. Run on
//! PostgreSQL only (`SHOP_TEST_DATABASE=postgres`): on SQLite one process owns each file.
//!
//! The binaries are built by the test itself (`cargo build`, as trybuild does), so they are
//! never older than the code under test.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tempfile::TempDir;
use test_support::TestApp;

/// The directory of the freshly built `gateway`, `auth`, `orders` and `shop` binaries.
fn binaries() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let status = Command::new(env!("CARGO"))
                .args([
                    "build",
                    "--quiet",
                    "-p",
                    "gateway",
                    "-p",
                    "shop-auth",
                    "-p",
                    "shop-orders",
                ])
                .args(["--bins"])
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building the binaries failed");
            // This test runs from <target>/debug/deps.
            let exe = std::env::current_exe().unwrap();
            exe.parent().and_then(Path::parent).unwrap().to_owned()
        })
        .clone()
}

/// A running binary, killed (SIGKILL) when dropped; its log is printed then if the test failed.
struct Process {
    name: String,
    log: PathBuf,
    child: Child,
    /// What it reported in its address file, by name.
    addresses: HashMap<String, String>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            eprintln!("--- log of {}:\n{log}", self.name);
        }
    }
}

impl Process {
    /// Starts `binary` with `env` in a data directory of its own under `root`; waits (at most
    /// 60 s) for its address file.
    fn start(root: &Path, name: &str, binary: &str, env: &[(&str, String)]) -> Self {
        let dir = root.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        let address_file = dir.join("addresses.json");
        let log = std::fs::File::create(dir.join("log")).unwrap();
        let mut child = Command::new(binaries().join(binary))
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "warn")
            .env("SHOP_DEV_MODE", "true")
            .env("SHOP_DATA_DIR", &dir)
            .env("SHOP_ADDRESS_FILE", &address_file)
            .env("SHOP_INTERNAL_TOKEN_FILE", root.join("internal-token"))
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            // Logs go to standard output, start-up errors to standard error: both to the log.
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .unwrap_or_else(|e| panic!("{binary}: {e}"));
        let addresses = test_support::wait_for_addresses(
            &mut child,
            &address_file,
            name,
            Some(&dir.join("log")),
        );
        Self {
            name: name.to_owned(),
            log: dir.join("log"),
            child,
            addresses,
        }
    }

    fn url(&self, name: &str) -> String {
        format!("http://{}", self.addresses[name])
    }
}

/// 2 gateways, 2 auth, 2 orders on one PostgreSQL server, all on port 0.
struct Topology {
    /// Clients of the two gateways (they keep the directory alive).
    gateways: [TestApp; 2],
    orders: Vec<Process>,
    _auth: Vec<Process>,
    _gateway_processes: Vec<Process>,
}

async fn topology() -> Topology {
    let root = Arc::new(TempDir::new().unwrap());
    let dir = root.path();
    shop_common::secret_file::create_private(
        &dir.join("internal-token"),
        "0123456789abcdef".repeat(4).as_bytes(),
    )
    .unwrap();
    // Every auth replica signs with the same key (and publishes it in its JWKS).
    let key = dir.join("signing-key.pem");
    shop_common::keys::SigningKey::load_or_generate(&key).unwrap();
    let auth_db = test_support::postgres::database_url(dir, "auth").await;
    let orders_db = test_support::postgres::database_url(dir, "orders").await;
    let auth: Vec<Process> = (1..=2)
        .map(|i| {
            Process::start(
                dir,
                &format!("auth{i}"),
                "auth",
                &[
                    ("SHOP_AUTH_ADDR", "127.0.0.1:0".into()),
                    ("SHOP_AUTH_DATABASE_URL", auth_db.clone()),
                    ("SHOP_ACCESS_TOKEN_SIGNING_KEY", key.display().to_string()),
                ],
            )
        })
        .collect();
    let auth_urls: Vec<String> = auth.iter().map(|p| p.url("auth")).collect();
    let jwks = auth_urls
        .iter()
        .map(|u| format!("{u}/api/auth/jwks"))
        .collect::<Vec<_>>()
        .join(",");
    let orders: Vec<Process> = (1..=2)
        .map(|i| {
            Process::start(
                dir,
                &format!("orders{i}"),
                "orders",
                &[
                    ("SHOP_ORDERS_ADDR", "127.0.0.1:0".into()),
                    ("SHOP_ORDERS_DATABASE_URL", orders_db.clone()),
                    ("SHOP_JWKS_URLS", jwks.clone()),
                    ("SHOP_PAYMENT_SUCCESS_RATE", "1".into()),
                    ("SHOP_PAYMENT_LATENCY_MS", "20".into()),
                    // Pending orders a killed replica left are abandoned after 1 + 5 s.
                    ("SHOP_PAYMENT_TIMEOUT_MS", "1000".into()),
                ],
            )
        })
        .collect();
    let orders_urls: Vec<String> = orders.iter().map(|p| p.url("orders")).collect();
    let gateway_processes: Vec<Process> = (1..=2)
        .map(|i| {
            Process::start(
                dir,
                &format!("gateway{i}"),
                "gateway",
                &[
                    ("LEPTOS_SITE_ADDR", "127.0.0.1:0".into()),
                    ("LEPTOS_OUTPUT_NAME", "shop".into()),
                    ("LEPTOS_SITE_ROOT", dir.join("site").display().to_string()),
                    (
                        "SHOP_LEPTOS_CONFIG",
                        dir.join("no-such-file.toml").display().to_string(),
                    ),
                    ("SHOP_ADMIN_ADDR", "127.0.0.1:0".into()),
                    ("SHOP_AUTH_UPSTREAMS", auth_urls.join(",")),
                    ("SHOP_ORDERS_UPSTREAMS", orders_urls.join(",")),
                    ("SHOP_HEALTH_CHECK_INTERVAL_MS", "200".into()),
                    ("SHOP_RATE_LIMIT_IP_PER_MIN", "1000000".into()),
                    ("SHOP_RATE_LIMIT_USER_PER_MIN", "1000000".into()),
                    ("SHOP_RATE_LIMIT_AUTH_PER_MIN", "1000000".into()),
                ],
            )
        })
        .collect();
    let gateways = [0, 1].map(|i| TestApp::at(gateway_processes[i].url("gateway"), root.clone()));
    for gateway in &gateways {
        // Both services of both upstream sets are up before the first request.
        test_support::poll(|| async {
            (gateway.get("/health/ready").await.status() == StatusCode::OK).then_some(())
        })
        .await;
    }
    Topology {
        gateways,
        orders,
        _auth: auth,
        _gateway_processes: gateway_processes,
    }
}

/// The access token of a new customer `name`, registered through `register_at` and signed
/// in through `sign_in_at`.
async fn customer(register_at: &TestApp, sign_in_at: &TestApp, name: &str) -> String {
    let r = register_at.register(name, "a good password").await;
    assert_eq!(r.status(), StatusCode::CREATED, "{name}");
    let tokens: Value = sign_in_at
        .login(name, "a good password")
        .await
        .json()
        .await
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

async fn admin(gateway: &TestApp) -> String {
    let tokens: Value = gateway
        .login("admin", shop_auth::DEV_ADMIN_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    tokens["access_token"].as_str().unwrap().to_owned()
}

/// A new product with `stock`, created by the admin through `gateway`; its id.
async fn product(gateway: &TestApp, admin: &str, stock: i64) -> i64 {
    let new = json!({"name": "Topology beans", "description": "Ground on several machines.",
                     "price_cents": 700, "category": "coffee", "stock": stock});
    let r = gateway
        .send_json(Method::POST, admin, "/api/products", &new)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    r.json::<Value>().await.unwrap()["id"].as_i64().unwrap()
}

#[tokio::test]
async fn two_of_each_process_on_one_postgresql_behave_as_one_shop() {
    if !test_support::postgres::enabled() {
        return;
    }
    // Every process is bound, so each lives to the end of the test.
    let Topology {
        gateways,
        mut orders,
        _auth: _auth_processes,
        _gateway_processes,
    } = topology().await;
    let [g1, g2] = &gateways;

    // Register through gateway 1, sign in through gateway 2, order through 1, see it through 2.
    let token = customer(g1, g2, "roaming").await;
    let order = g1.buy(&token, "first", 3, 1).await;
    assert_eq!(order["status"], "paid");
    let seen: Value = g2
        .get_as(&token, &format!("/api/orders/{}", order["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["id"], order["id"]);

    // 64 concurrent buyers (8 customers, 8 checkouts each) over both gateways for 10 in stock.
    let admin_token = admin(g2).await;
    let scarce = product(g1, &admin_token, 10).await;
    let mut buyers = Vec::new();
    for i in 0..8 {
        buyers.push(customer(g1, g2, &format!("buyer{i}")).await);
    }
    let started = Instant::now();
    let results = join_all((0..64).map(|n| {
        let gateway = &gateways[n % 2];
        let token = &buyers[n % 8];
        async move {
            let body = json!({"items": [{"product_id": scarce, "quantity": 1}]});
            let r = gateway
                .checkout(token, &format!("scarce-{n}"), Some(body))
                .await;
            let status = r.status();
            if status != StatusCode::CREATED && status != StatusCode::CONFLICT {
                eprintln!("buyer {n}: {status} {}", r.text().await.unwrap_or_default());
            }
            status
        }
    }))
    .await;
    let paid = results
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let sold_out = results
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((paid, sold_out), (10, 54), "{results:?}");
    assert_eq!(g2.stock_of(scarce).await, 0);
    eprintln!(
        "topology: 64 checkouts for 10 in stock through 2 gateways in {:?}",
        started.elapsed()
    );

    // An event stream through gateway 1 sees the status change an admin makes through 2.
    let r = g1
        .get_as(&token, &format!("/api/orders/{}/events", order["id"]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut stream = r.bytes_stream();
    test_support::wait_for_event(&mut stream, "\"status\":\"paid\"").await;
    let moved = g2
        .send_json(
            Method::PATCH,
            &admin_token,
            &format!("/api/orders/{}/status", order["id"]),
            &json!({"status": "preparing"}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    test_support::wait_for_event(&mut stream, "\"status\":\"preparing\"").await;

    // Logout through gateway 1 refuses the access token at gateway 2 within 2 s.
    let r = g1.register("leaving", "a good password").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let tokens: Value = g1
        .login("leaving", "a good password")
        .await
        .json()
        .await
        .unwrap();
    let access = tokens["access_token"].as_str().unwrap();
    assert_eq!(
        g2.get_as(access, "/api/cart").await.status(),
        StatusCode::OK
    );
    let out = g1
        .post_json(
            "/api/auth/logout",
            &json!({"refresh_token": tokens["refresh_token"]}),
        )
        .await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let logged_out = Instant::now();
    loop {
        if g2.get_as(access, "/api/cart").await.status() == StatusCode::UNAUTHORIZED {
            break;
        }
        assert!(
            logged_out.elapsed() < Duration::from_secs(2),
            "gateway 2 still accepts the token of a session ended through gateway 1"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }

    // Orders per second through the two gateways, beside one shop process on SQLite.
    let rate_beans = product(g1, &admin_token, 100_000).await;
    let replicated = checkouts_per_second(&[g1, g2], &buyers, rate_beans, 3).await;
    let single = {
        let root = TempDir::new().unwrap();
        shop_common::secret_file::create_private(
            &root.path().join("internal-token"),
            "0123456789abcdef".repeat(4).as_bytes(),
        )
        .unwrap();
        let shop = Process::start(
            root.path(),
            "shop-sqlite",
            "shop",
            &[
                ("LEPTOS_SITE_ADDR", "127.0.0.1:0".into()),
                ("SHOP_AUTH_ADDR", "127.0.0.1:0".into()),
                ("SHOP_ORDERS_ADDR", "127.0.0.1:0".into()),
                ("SHOP_ADMIN_ADDR", "127.0.0.1:0".into()),
                ("LEPTOS_OUTPUT_NAME", "shop".into()),
                (
                    "SHOP_LEPTOS_CONFIG",
                    root.path().join("none.toml").display().to_string(),
                ),
                ("SHOP_PAYMENT_SUCCESS_RATE", "1".into()),
                ("SHOP_PAYMENT_LATENCY_MS", "20".into()),
                ("SHOP_RATE_LIMIT_IP_PER_MIN", "1000000".into()),
                ("SHOP_RATE_LIMIT_USER_PER_MIN", "1000000".into()),
                ("SHOP_RATE_LIMIT_AUTH_PER_MIN", "1000000".into()),
            ],
        );
        let one = TestApp::at(shop.url("gateway"), Arc::new(root));
        let mut sqlite_buyers = Vec::new();
        for i in 0..buyers.len() {
            sqlite_buyers.push(customer(&one, &one, &format!("single{i}")).await);
        }
        let admin_token = admin(&one).await;
        let beans = product(&one, &admin_token, 100_000).await;
        checkouts_per_second(&[&one], &sqlite_buyers, beans, 3).await
    };
    eprintln!(
        "topology: {replicated:.0} orders/s through 2 gateways, 2 auth, 2 orders on PostgreSQL; \
         {single:.0} orders/s through 1 shop process on SQLite (8 buyers, debug builds, payment 20 ms)"
    );

    // kill -9 of one orders replica while GETs and idempotent checkouts run.
    let plenty = product(g1, &admin_token, 100_000).await;
    let stop = AtomicBool::new(false);
    let acknowledged_so_far = AtomicUsize::new(0);
    let readers = (0..4).map(|n| {
        let (gateway, stop) = (&gateways[n % 2], &stop);
        async move {
            let (mut ok, mut failed) = (0, Vec::new());
            while !stop.load(Ordering::Relaxed) {
                let r = gateway.get("/api/products?per_page=5").await;
                if r.status() == StatusCode::OK {
                    ok += 1;
                } else {
                    failed.push(r.status());
                }
            }
            (ok, failed)
        }
    });
    let checkouts = (0..8).map(|n| {
        let (gateways, token, stop, so_far) = (&gateways, &buyers[n], &stop, &acknowledged_so_far);
        async move {
            let mut acknowledged: Vec<(String, i64)> = Vec::new();
            let mut attempt = 0;
            while !stop.load(Ordering::Relaxed) {
                // The same key again until it is acknowledged, through either gateway.
                let key = format!("load-{n}-{}", acknowledged.len());
                let body = json!({"items": [{"product_id": plenty, "quantity": 1}]});
                let r = gateways[attempt % 2]
                    .checkout(token, &key, Some(body))
                    .await;
                attempt += 1;
                if r.status() == StatusCode::CREATED {
                    let order: Value = r.json().await.unwrap();
                    acknowledged.push((key, order["id"].as_i64().unwrap()));
                    so_far.fetch_add(1, Ordering::Relaxed);
                }
            }
            acknowledged
        }
    });
    let victim = orders.remove(0);
    let load_started = Instant::now();
    let killer = async {
        // Kill once the load is under way; stop once the shop went on without the replica.
        let reached = |n: usize| {
            let so_far = &acknowledged_so_far;
            test_support::poll(move || async move {
                (so_far.load(Ordering::Relaxed) >= n).then_some(())
            })
        };
        reached(40).await;
        drop(victim); // SIGKILL
        let at_kill = acknowledged_so_far.load(Ordering::Relaxed);
        reached(at_kill + 80).await;
        stop.store(true, Ordering::Relaxed);
    };
    let (reads, checkouts, ()) = tokio::join!(join_all(readers), join_all(checkouts), killer);
    let load_secs = load_started.elapsed().as_secs_f64();
    let read_failures: Vec<StatusCode> = reads.iter().flat_map(|(_, f)| f.clone()).collect();
    let read_count: usize = reads.iter().map(|(ok, _)| ok).sum();
    assert!(read_failures.is_empty(), "failed GETs: {read_failures:?}");
    let acknowledged: Vec<(String, i64)> = checkouts.iter().flatten().cloned().collect();
    eprintln!(
        "topology: {read_count} GETs and {} acknowledged checkouts in {load_secs:.1} s \
         ({:.0} orders/s) while one of 2 orders replicas was killed",
        acknowledged.len(),
        acknowledged.len() as f64 / load_secs
    );
    let ids: HashSet<i64> = acknowledged.iter().map(|(_, id)| *id).collect();
    assert_eq!(
        ids.len(),
        acknowledged.len(),
        "one order acknowledged for two keys"
    );
    for (n, token) in buyers.iter().enumerate() {
        let theirs: Vec<Value> = all_orders(g2, token)
            .await
            .into_iter()
            .filter(|o| o["items"][0]["product_id"] == plenty)
            .collect();
        let mine: HashSet<i64> = checkouts[n].iter().map(|(_, id)| *id).collect();
        for id in &mine {
            assert!(
                theirs.iter().any(|o| o["id"] == *id),
                "buyer {n}: acknowledged order {id} is lost"
            );
        }
        // Besides the acknowledged orders there is at most the one a killed replica left
        // pending (abandoned later), never a second order for a retried key.
        let others: Vec<&Value> = theirs
            .iter()
            .filter(|o| !mine.contains(&o["id"].as_i64().unwrap()))
            .collect();
        assert!(
            others.iter().all(|o| o["status"] == "pending") && others.len() <= 1,
            "buyer {n}: orders beside the acknowledged ones: {others:?}"
        );
    }
}

/// Checkouts per second of `buyers` (one loop each, a new key per order, at most 8 at once)
/// through `gateways` in turn, for `secs` seconds: a figure to print, not to judge.
async fn checkouts_per_second(
    gateways: &[&TestApp],
    buyers: &[String],
    product: i64,
    secs: u64,
) -> f64 {
    let until = Instant::now() + Duration::from_secs(secs);
    let started = Instant::now();
    let made = join_all(buyers.iter().enumerate().map(|(n, token)| async move {
        let mut made = 0;
        while Instant::now() < until {
            let body = json!({"items": [{"product_id": product, "quantity": 1}]});
            let key = format!("rate-{n}-{made}");
            let r = gateways[made % gateways.len()]
                .checkout(token, &key, Some(body))
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
            made += 1;
        }
        made
    }))
    .await;
    made.iter().sum::<usize>() as f64 / started.elapsed().as_secs_f64()
}

/// Every order of the customer `token`, through `gateway`, page by page.
async fn all_orders(gateway: &TestApp, token: &str) -> Vec<Value> {
    let mut orders = Vec::new();
    for page in 1.. {
        let r: Value = gateway
            .get_as(token, &format!("/api/orders?per_page=100&page={page}"))
            .await
            .json()
            .await
            .unwrap();
        let items = r["items"].as_array().unwrap();
        if items.is_empty() {
            break;
        }
        orders.extend(items.iter().cloned());
    }
    orders
}
