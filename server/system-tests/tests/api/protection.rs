//! The gateway's protections: rate limits, forwarded addresses, security headers, CORS.

use reqwest::{Method, StatusCode};
use serde_json::json;
use test_support::{assert_problem, spawn_stack};

async fn refresh_from(
    app: &test_support::TestApp,
    forwarded_for: Option<&str>,
) -> reqwest::Response {
    let mut r = app
        .request(Method::POST, "/api/auth/refresh")
        .json(&json!({"refresh_token": "guess"}));
    if let Some(ip) = forwarded_for {
        r = r.header("x-forwarded-for", ip);
    }
    r.send().await.unwrap()
}

#[tokio::test]
async fn the_auth_limit_triggers_with_retry_after_and_resets() {
    let app = spawn_stack(|c| c.gateway.rate_limit_auth_per_min = 60).await;
    for _ in 0..60 {
        assert_eq!(
            refresh_from(&app, None).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = refresh_from(&app, None).await;
    let retry_after: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry_after), "{retry_after}");
    assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Other routes keep their own, larger budget.
    assert_eq!(app.get("/api/categories").await.status(), StatusCode::OK);
    // After the time the gateway named, one more request is allowed.
    tokio::time::sleep(std::time::Duration::from_secs(retry_after)).await;
    assert_eq!(
        refresh_from(&app, None).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
    let untrusted = spawn_stack(|c| c.gateway.rate_limit_auth_per_min = 2).await;
    for ip in ["203.0.113.1", "203.0.113.2"] {
        assert_eq!(
            refresh_from(&untrusted, Some(ip)).await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let r = refresh_from(&untrusted, Some("203.0.113.3")).await;
    assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    let trusted = spawn_stack(|c| {
        c.gateway.rate_limit_auth_per_min = 2;
        c.gateway.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    for ip in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"] {
        assert_eq!(
            refresh_from(&trusted, Some(ip)).await.status(),
            StatusCode::UNAUTHORIZED,
            "{ip}"
        );
    }
}

#[tokio::test]
async fn requests_with_refused_tokens_spend_their_addresses_budget() {
    let app = spawn_stack(|c| c.gateway.rate_limit_ip_per_min = 5).await;
    for _ in 0..5 {
        assert_problem(
            app.get_as("forged.token.here", "/api/cart").await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
    }
    // The address is out of budget, whatever the token: a guesser cannot go on for free.
    assert_problem(
        app.get_as("another.forged.token", "/api/orders").await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
    assert_problem(
        app.get("/api/categories").await,
        StatusCode::TOO_MANY_REQUESTS,
        "rate_limited",
    )
    .await;
}

#[tokio::test]
async fn each_user_has_a_budget_whatever_their_address() {
    let app = spawn_stack(|c| {
        c.gateway.rate_limit_user_per_min = 3;
        c.gateway.trusted_proxies = vec!["127.0.0.1".parse().unwrap()];
    })
    .await;
    let t = app.signed_up("olga").await.access_token;
    for i in 0..3 {
        let r = app
            .request(Method::GET, "/api/auth/me")
            .bearer_auth(&t)
            .header("x-forwarded-for", format!("198.51.100.{i}"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = app
        .request(Method::GET, "/api/cart")
        .bearer_auth(&t)
        .header("x-forwarded-for", "198.51.100.9")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    let other = app.signed_up("pete").await.access_token;
    assert_eq!(
        app.get_as(&other, "/api/auth/me").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn every_response_carries_security_headers_and_api_answers_are_not_cached() {
    let app = spawn_stack(|_| {}).await;
    for path in [
        "/",
        "/api/categories",
        "/api/nothing",
        "/boot.js",
        "/health/live",
    ] {
        let r = app.get(path).await;
        let h = r.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["cross-origin-opener-policy"], "same-origin", "{path}");
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'") && !csp.contains("unsafe-inline"),
            "{csp}"
        );
        assert!(
            !h.contains_key("strict-transport-security"),
            "dev mode on plain http: no HSTS"
        );
    }
    assert_eq!(
        app.get("/api/categories").await.headers()["cache-control"],
        "no-store"
    );
    let boot = app.get("/boot.js").await;
    assert!(boot.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(boot.text().await.unwrap().contains("/pkg/shop.wasm"));
    let secure = spawn_stack(|c| c.gateway.cookie_secure = Some(true)).await;
    assert!(secure.get("/").await.headers()["strict-transport-security"]
        .to_str()
        .unwrap()
        .starts_with("max-age="));
}

#[tokio::test]
async fn only_listed_origins_may_call_the_api_from_another_site() {
    let app =
        spawn_stack(|c| c.gateway.cors_origins = vec!["https://admin.example.com".to_owned()])
            .await;
    let preflight = |origin: &'static str| {
        app.request(Method::OPTIONS, "/api/orders")
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, idempotency-key",
            )
            .send()
    };
    let allowed = preflight("https://admin.example.com").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://admin.example.com"
    );
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(!refused
        .headers()
        .contains_key("access-control-allow-origin"));
    let plain = app
        .request(Method::GET, "/api/categories")
        .header("origin", "https://evil.example")
        .send()
        .await
        .unwrap();
    assert!(!plain.headers().contains_key("access-control-allow-origin"));
}
