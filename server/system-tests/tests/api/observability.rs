//! Metrics and request ids.

use reqwest::StatusCode;
use serde_json::json;
use test_support::{spawn_auth, spawn_orders, spawn_stack};

/// One sample of the Prometheus text format: name, labels, value.
type Sample = (String, Vec<(String, String)>, f64);

/// Parses the Prometheus text exposition format (0.0.4) strictly enough to catch a malformed
/// line: `# HELP`/`# TYPE` comments, and `name{label="value",…} value` samples with escaped
/// label values. Panics on anything else.
fn parse(text: &str) -> Vec<Sample> {
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        if let Some(comment) = line.strip_prefix('#') {
            let kind = comment.split_whitespace().next().unwrap_or("");
            assert!(matches!(kind, "HELP" | "TYPE"), "bad comment: {line}");
            continue;
        }
        let c: Vec<char> = line.chars().collect();
        let mut i = 0;
        let is_name = |ch: char| ch.is_ascii_alphanumeric() || ch == '_' || ch == ':';
        while i < c.len() && is_name(c[i]) {
            i += 1;
        }
        let name: String = c[..i].iter().collect();
        assert!(
            !name.is_empty() && !c[0].is_ascii_digit(),
            "bad name: {line}"
        );
        let mut labels = Vec::new();
        if c.get(i) == Some(&'{') {
            i += 1;
            while c.get(i) != Some(&'}') {
                let start = i;
                while i < c.len() && is_name(c[i]) {
                    i += 1;
                }
                let label: String = c[start..i].iter().collect();
                assert!(
                    !label.is_empty() && c.get(i) == Some(&'=') && c.get(i + 1) == Some(&'"'),
                    "bad label: {line}"
                );
                i += 2;
                let mut value = String::new();
                loop {
                    match c.get(i) {
                        Some('\\') => {
                            value.push(
                                *c.get(i + 1).unwrap_or_else(|| panic!("bad escape: {line}")),
                            );
                            i += 2;
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some(ch) => {
                            value.push(*ch);
                            i += 1;
                        }
                        None => panic!("open label value: {line}"),
                    }
                }
                labels.push((label, value));
                if c.get(i) == Some(&',') {
                    i += 1;
                }
            }
            i += 1;
        }
        let rest: String = c[i..].iter().collect();
        let value = rest
            .split_whitespace()
            .next()
            .unwrap_or_else(|| panic!("no value: {line}"));
        let value: f64 = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            "NaN" => f64::NAN,
            v => v.parse().unwrap_or_else(|_| panic!("bad value: {line}")),
        };
        samples.push((name, labels, value));
    }
    samples
}

fn has(samples: &[Sample], name: &str, label: (&str, &str)) -> bool {
    samples
        .iter()
        .any(|(n, labels, _)| n == name && labels.iter().any(|(k, v)| k == label.0 && v == label.1))
}

#[tokio::test]
async fn every_process_serves_prometheus_metrics() {
    let app = spawn_stack(|_| {}).await;
    let t = app.signed_up("sam").await.access_token;
    app.buy(&t, "k", 1, 1).await;
    let r = app.admin_get("/metrics").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    let scrape = parse(&r.text().await.unwrap());
    assert!(has(
        &scrape,
        "http_requests_total",
        ("route", "/api/{*path}")
    ));
    assert!(has(&scrape, "http_requests_total", ("service", "orders")));
    assert!(has(
        &scrape,
        "http_request_duration_seconds_bucket",
        ("service", "gateway")
    ));
    assert!(has(&scrape, "payments_total", ("outcome", "approved")));
    assert!(has(
        &scrape,
        "order_status_changes_total",
        ("status", "paid")
    ));
    assert!(has(
        &scrape,
        "upstream_breaker_state",
        ("service", "orders")
    ));

    for service in [spawn_auth().await, spawn_orders(1.0).await] {
        let r = service.get("/metrics").await;
        assert_eq!(r.status(), StatusCode::OK);
        parse(&r.text().await.unwrap());
    }
}

#[tokio::test]
async fn a_request_id_crosses_the_hop_to_the_service() {
    use axum::http::HeaderMap;
    use axum::routing::get;
    // An upstream that answers with the request id it received.
    let echo = axum::Router::new()
        .route("/health/ready", get(|| async { "ok" }))
        .route(
            "/api/categories",
            get(|headers: HeaderMap| async move {
                let id = headers
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_owned();
                axum::Json(json!({ "seen": id }))
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, echo).await });
    let app = spawn_stack(|c| c.gateway.orders_upstreams = vec![url]).await;

    let r = app.get("/api/categories").await;
    let generated = r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let seen: serde_json::Value = r.json().await.unwrap();
    assert_eq!(seen["seen"], generated.as_str());

    let r = app
        .request(reqwest::Method::GET, "/api/categories")
        .header("x-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "abc-123");
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["seen"],
        "abc-123"
    );
}

#[tokio::test]
async fn invented_methods_share_one_metric_series() {
    let app = spawn_stack(|_| {}).await;
    for i in 0..20 {
        let method = reqwest::Method::from_bytes(format!("ZZ{i}").as_bytes()).unwrap();
        app.request(method, "/api/products").send().await.unwrap();
    }
    let scrape = parse(&app.admin_get("/metrics").await.text().await.unwrap());
    assert!(has(&scrape, "http_requests_total", ("method", "OTHER")));
    let invented: Vec<_> = scrape
        .iter()
        .filter(|(_, labels, _)| labels.iter().any(|(_, v)| v.starts_with("ZZ")))
        .collect();
    assert!(invented.is_empty(), "{invented:?}");
    // Routes are templates, never the raw path a client chose.
    app.get("/api/products/123456789").await;
    app.get("/no/such/page/987654321").await;
    let scrape = parse(&app.admin_get("/metrics").await.text().await.unwrap());
    let raw: Vec<_> = scrape
        .iter()
        .filter(|(_, labels, _)| {
            labels
                .iter()
                .any(|(_, v)| v.contains("987654321") || v.contains("123456789"))
        })
        .collect();
    assert!(raw.is_empty(), "{raw:?}");
}

#[tokio::test]
async fn an_overlong_or_odd_request_id_is_replaced_by_a_new_one() {
    let app = spawn_stack(|_| {}).await;
    for bad in [
        "x".repeat(65),
        "has spaces".to_owned(),
        "tab\there".to_owned(),
    ] {
        let r = app
            .request(reqwest::Method::GET, "/api/categories")
            .header("x-request-id", bad.as_str())
            .send()
            .await
            .unwrap();
        let id = r.headers()["x-request-id"].to_str().unwrap();
        assert_ne!(id, bad);
        assert_eq!(id.len(), 36, "a new UUID: {id}");
    }
    let kept = "x".repeat(64);
    let r = app
        .request(reqwest::Method::GET, "/api/categories")
        .header("x-request-id", kept.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], kept.as_str());
}
