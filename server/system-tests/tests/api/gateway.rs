//! The whole shop as one command runs it: the gateway with auth and orders in one process.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use test_support::{assert_problem, spawn_stack};

#[tokio::test]
async fn a_customer_shops_end_to_end_through_the_gateway() {
    let app = spawn_stack(|_| {}).await;
    let tokens = app.signed_up("ivy").await;
    let t = tokens.access_token;
    let me: Value = app.get_as(&t, "/api/auth/me").await.json().await.unwrap();
    assert_eq!(me["username"], "ivy");
    let page: Value = app
        .get("/api/products?per_page=3")
        .await
        .json()
        .await
        .unwrap();
    let id = page["items"][0]["id"].as_i64().unwrap();
    let cart: Value = app
        .set_quantity(&t, id, json!(2))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cart["items"][0]["quantity"], 2);
    let r = app.checkout(&t, "journey", None).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let order: Value = r.json().await.unwrap();
    assert_eq!(order["status"], "paid");
    assert_eq!(order["total_cents"], cart["total_cents"]);
    let history: Value = app.get_as(&t, "/api/orders").await.json().await.unwrap();
    assert_eq!(history["items"][0]["id"], order["id"]);
}

#[tokio::test]
async fn protected_routes_are_refused_at_the_gateway_before_any_upstream_call() {
    // The gateway learns the orders routes from an orders service that then stops: a 401
    // proves the gateway answered by itself.
    let orders = test_support::spawn_orders(1.0).await;
    let orders_url = orders.base.clone();
    let app = spawn_stack(|c| c.gateway.orders_upstreams = vec![orders_url.clone()]).await;
    drop(orders);
    test_support::poll(|| async {
        let gone = reqwest::get(format!("{orders_url}/health/live"))
            .await
            .is_err();
        gone.then_some(())
    })
    .await;
    let r = app.get("/api/cart").await;
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"shop\"");
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_problem(
        app.get_as("forged.token.here", "/api/orders").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    // With a valid token the call is forwarded, and the dead upstream is a clear 503.
    let t = app.signed_up("jack").await.access_token;
    let r = app.get_as(&t, "/api/cart").await;
    assert!(r.headers().contains_key("retry-after"));
    let body = assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").await;
    assert!(body["detail"].as_str().unwrap().contains("orders"));
    // Auth keeps working while orders is down.
    assert_eq!(
        app.get_as(&t, "/api/auth/me").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn identity_headers_sent_by_a_client_are_ignored() {
    let app = spawn_stack(|_| {}).await;
    let t = app.signed_up("kate").await.access_token;
    let r = app
        .request(Method::GET, "/api/auth/me")
        .bearer_auth(&t)
        .header("X-User-Id", "1")
        .header("X-Auth-Role", "admin")
        .send()
        .await
        .unwrap();
    let me: Value = r.json().await.unwrap();
    assert_eq!(me["username"], "kate");
    assert_eq!(me["role"], "customer");
}

fn set_cookies(r: &reqwest::Response) -> Vec<String> {
    r.headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect()
}

fn cookie_value(cookies: &[String]) -> String {
    cookies[0]
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("shop_refresh=")
        .to_owned()
}

#[tokio::test]
async fn the_browser_gets_its_refresh_token_only_as_an_http_only_cookie() {
    let app = spawn_stack(|_| {}).await;
    assert_eq!(
        app.register("liam", "a good password").await.status(),
        StatusCode::CREATED
    );
    let r = app
        .request(Method::POST, "/api/auth/login")
        .header("X-Refresh-Token-Transport", "cookie")
        .json(&json!({"username": "liam", "password": "a good password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cookies = set_cookies(&r);
    assert_eq!(cookies.len(), 3);
    // The session hint, for the app's scripts: no secret in it, and not HttpOnly.
    assert!(
        cookies[2].starts_with("shop_session_hint=1;"),
        "{cookies:?}"
    );
    assert!(
        cookies[2].split("; ").any(|p| p == "Path=/"),
        "{}",
        cookies[2]
    );
    assert!(!cookies[2].contains("HttpOnly"), "{}", cookies[2]);
    for (c, path) in cookies
        .iter()
        .zip(["/api/auth/refresh", "/api/auth/logout"])
    {
        for part in ["HttpOnly", "SameSite=Strict", &format!("Path={path}")] {
            assert!(c.contains(part), "{c} lacks {part}");
        }
        assert!(
            !c.contains("Secure"),
            "dev mode on plain http drops Secure: {c}"
        );
    }
    let body: Value = r.json().await.unwrap();
    assert!(body.get("refresh_token").is_none(), "{body}");
    assert!(body["access_token"].is_string());

    // Refresh with the cookie alone: a new access token and a rotated cookie.
    let first = cookie_value(&cookies);
    let refresh = |token: String| {
        app.request(Method::POST, "/api/auth/refresh")
            .header("X-Refresh-Token-Transport", "cookie")
            .header("cookie", format!("shop_refresh={token}"))
            .send()
    };
    let r = refresh(first.clone()).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let rotated = set_cookies(&r);
    assert!(
        rotated[2].starts_with("shop_session_hint=1;"),
        "{rotated:?}"
    );
    let second = cookie_value(&rotated);
    assert_ne!(first, second);
    assert!(r
        .json::<Value>()
        .await
        .unwrap()
        .get("refresh_token")
        .is_none());

    // Logout with the cookie ends the session and clears the cookie.
    let r = app
        .request(Method::POST, "/api/auth/logout")
        .header("X-Refresh-Token-Transport", "cookie")
        .header("cookie", format!("shop_refresh={second}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let cleared = set_cookies(&r);
    assert_eq!(cleared.len(), 3, "{cleared:?}");
    assert!(cleared.iter().all(|c| c.contains("Max-Age=0")));
    assert_problem(
        refresh(second).await.unwrap(),
        StatusCode::UNAUTHORIZED,
        "invalid_refresh_token",
    )
    .await;
    // Without a cookie there is nothing to refresh, and a stale session hint is cleared.
    let r = app
        .request(Method::POST, "/api/auth/refresh")
        .header("X-Refresh-Token-Transport", "cookie")
        .header("cookie", "shop_session_hint=1")
        .send()
        .await
        .unwrap();
    let cleared = set_cookies(&r);
    assert!(
        cleared
            .iter()
            .any(|c| c.starts_with("shop_session_hint=;") && c.contains("Max-Age=0")),
        "{cleared:?}"
    );
    assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
}

#[tokio::test]
async fn api_clients_keep_the_refresh_token_in_the_body() {
    let app = spawn_stack(|_| {}).await;
    let tokens = app.signed_up("mia").await;
    let r = app
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": tokens.refresh_token.unwrap()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(set_cookies(&r).is_empty());
    assert!(r.json::<Value>().await.unwrap()["refresh_token"].is_string());
}

#[tokio::test]
async fn unknown_api_paths_and_bad_input_are_problems_through_the_gateway() {
    let app = spawn_stack(|_| {}).await;
    assert_problem(
        app.get("/api/nothing").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(app.get("/api").await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(
        app.get("/api/products?per_page=500").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.post_json("/api/auth/login", &json!({"user": "x"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    let big = "x".repeat(2 * 1024 * 1024);
    let r = app
        .request(Method::POST, "/api/auth/login")
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn the_app_shell_is_served_for_client_routes_and_other_paths_are_404() {
    let app = spawn_stack(|_| {}).await;
    for path in ["/", "/cart", "/products/3", "/orders"] {
        let r = app.get(path).await;
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.text().await.unwrap();
        assert!(
            html.contains("/pkg/shop.js") && html.contains("/pkg/shop.css"),
            "{html}"
        );
        // No inline script, which the Content-Security-Policy would block (and log).
        let inline = html
            .split("<script")
            .skip(1)
            .filter(|tag| !tag.split('>').next().unwrap_or("").contains("src="))
            .count();
        assert_eq!(inline, 0, "{html}");
    }
    assert_eq!(
        app.get("/pkg/missing.wasm").await.status(),
        StatusCode::NOT_FOUND
    );
    // A path that is no page of the app: the shell (which shows the app's not-found page), 404.
    for path in ["/no-such-page", "/products", "/admin", "/cart/extra"] {
        let r = app.get(path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(r.headers()["cache-control"], "no-cache", "{path}");
        assert!(r.text().await.unwrap().contains("/pkg/shop.js"), "{path}");
    }
}

#[tokio::test]
async fn readiness_reports_each_upstream_and_a_dead_one_degrades_only_its_service() {
    let app = spawn_stack(|_| {}).await;
    assert_eq!(app.get("/health/live").await.status(), StatusCode::OK);
    let r = app.get("/health/ready").await;
    assert_eq!(r.status(), StatusCode::OK);
    let public: Value = r.json().await.unwrap();
    assert_eq!(public["status"], "ok");
    // The public answer names no machine; the detailed report is on the admin listener.
    assert_eq!(
        public,
        json!({"status": "ok", "services": {"auth": {"available": true}, "orders": {"available": true}}})
    );
    let r = app.admin_get("/health/ready").await;
    assert_eq!(r.status(), StatusCode::OK);
    let ready: Value = r.json().await.unwrap();
    assert_eq!(ready["status"], "ok");
    assert_eq!(
        ready["services"]["orders"]["upstreams"][0]["breaker"],
        "closed"
    );

    let degraded = spawn_stack(|c| {
        c.gateway.auth_upstreams = vec!["http://127.0.0.1:9".to_owned()];
        c.gateway.health_check_interval_ms = 100;
    })
    .await;
    let report = test_support::poll(|| async {
        let r: Value = degraded
            .admin_get("/health/ready")
            .await
            .json()
            .await
            .unwrap();
        (r["status"] == "degraded").then_some(r)
    })
    .await;
    let auth = &report["services"]["auth"];
    assert_eq!(auth["available"], false);
    assert_eq!(auth["upstreams"][0]["state"], "down");
    assert!(auth["upstreams"][0]["last_error"].is_string());
    assert_eq!(report["services"]["orders"]["available"], true);
    // Auth is down: its routes answer 503 at once; the catalog still works.
    let r = degraded
        .post_json(
            "/api/auth/login",
            &json!({"username": "a", "password": "b"}),
        )
        .await;
    assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").await;
    assert_eq!(degraded.get("/api/products").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_request_id_is_returned_and_a_client_one_kept_only_when_acceptable() {
    let app = spawn_stack(|_| {}).await;
    let r = app.get("/api/categories").await;
    assert!(!r.headers()["x-request-id"].is_empty());
    let r = app
        .request(Method::GET, "/api/categories")
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["x-request-id"], "trace-me-42");
    // One that may not be kept (too long, or given twice) is replaced by a new one.
    let too_long = "a".repeat(shop_common::telemetry::MAX_REQUEST_ID_LEN + 1);
    for ids in [vec![too_long.as_str()], vec!["one", "two"]] {
        let mut request = app.request(Method::GET, "/api/categories");
        for id in &ids {
            request = request.header("x-request-id", *id);
        }
        let r = request.send().await.unwrap();
        let returned: Vec<_> = r.headers().get_all("x-request-id").iter().collect();
        assert_eq!(returned.len(), 1, "{ids:?}");
        let returned = returned[0].to_str().unwrap();
        assert!(
            !ids.contains(&returned) && returned.len() == 36,
            "{ids:?}: {returned}"
        );
    }
}

#[test]
fn leptos_toml_agrees_with_the_cargo_leptos_metadata() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let leptos = std::fs::read_to_string(root.join("Leptos.toml")).unwrap();
    let cargo = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let value = |text: &str, key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{key} = ")).map(str::to_owned))
    };
    for line in leptos.lines().filter(|l| l.contains(" = ")) {
        let key = line.split(" = ").next().unwrap();
        assert_eq!(
            value(&cargo, key),
            value(&leptos, key),
            "{key} differs between Leptos.toml and Cargo.toml"
        );
    }
}

#[tokio::test]
async fn order_events_stream_through_the_gateway() {
    let app = spawn_stack(|_| {}).await;
    let t = app.signed_up("nora").await.access_token;
    let order = app.buy(&t, "k", 1, 1).await;
    let events = app
        .get_as(&t, &format!("/api/orders/{}/events", order["id"]))
        .await;
    assert_eq!(events.headers()["cache-control"], "no-store");
    let mut stream = events.bytes_stream();
    test_support::wait_for_event(&mut stream, "\"status\":\"paid\"").await;
    let path = format!("/api/orders/{}/status", order["id"]);
    let r = app
        .send_json(
            Method::PATCH,
            &app.admin_token(),
            &path,
            &json!({"status": "preparing"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    test_support::wait_for_event(&mut stream, "\"status\":\"preparing\"").await;
}

#[tokio::test]
async fn an_ended_sessions_access_token_is_refused_by_the_gateway_at_once() {
    let app = spawn_stack(|_| {}).await;
    let tokens = app.signed_up("zack").await;
    let t = tokens.access_token.clone();
    assert_eq!(app.get_as(&t, "/api/cart").await.status(), StatusCode::OK);
    let r = app
        .post_json(
            "/api/auth/logout",
            &json!({"refresh_token": tokens.refresh_token.unwrap()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The very next request with the (unexpired) access token is refused, orders routes too.
    assert_problem(
        app.get_as(&t, "/api/cart").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert_problem(
        app.get_as(&t, "/api/orders").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    // Other users are not affected.
    let other = app.signed_up("zoey").await.access_token;
    assert_eq!(
        app.get_as(&other, "/api/cart").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn paths_with_dot_segments_or_encoded_separators_are_refused_never_rerouted() {
    let app = spawn_stack(|_| {}).await;
    let tokens = app.signed_up("mallory").await;
    let t = tokens.access_token.clone();
    let r = app
        .post_json(
            "/api/auth/logout",
            &json!({"refresh_token": tokens.refresh_token.unwrap()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The helper sends paths as written: a plain one reaches its route.
    let (status, body) = test_support::raw_request(&app, "GET", "/api/products/1", None).await;
    assert_eq!(status, 200, "{body}");
    let (status, _) = test_support::raw_request(&app, "GET", "/api/cart", Some(&t)).await;
    assert_eq!(status, 401, "the session ended");
    // Each of these would reach the cart or the admin board if an upstream normalised it.
    for path in [
        "/api/products/../cart",
        "/api/products/%2e%2e/cart",
        "/api/products/.%2e/cart",
        "/api/products/%2e./cart",
        "/api/products/%2E%2E/cart",
        "/api/products/%2E%2e/admin/orders",
        "/api/products/./../cart",
        "/api/products/%2fcart",
        "/api/products/..%2fcart",
        "/api/products/%2F..%2Fcart",
        "/api/products/%5c..%5ccart",
        "/api/products\\..\\cart",
        "/api/products;/../cart",
        "/api/products/1;x",
        "/api//cart",
        "/api/products//..//cart",
        "/api/categories/../cart",
        "/api/auth/login/../../cart",
    ] {
        let (status, body) = test_support::raw_request(&app, "GET", path, Some(&t)).await;
        assert_eq!(status, 400, "{path}: {body}");
        assert!(body.contains("\"code\":\"unsafe_path\""), "{path}: {body}");
    }
}

#[tokio::test]
async fn validate_says_whether_a_token_is_active_and_for_whom() {
    let app = spawn_stack(|_| {}).await;
    let tokens = app.signed_up("vince").await;
    let validate = |token: Option<String>| {
        let mut r = app.request(Method::POST, "/api/auth/validate");
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    let active: Value = validate(Some(tokens.access_token.clone()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(active["active"], true);
    assert_eq!(active["username"], "vince");
    for bad in [
        None,
        Some("forged".to_owned()),
        tokens.refresh_token.clone(),
    ] {
        let r: Value = validate(bad).await.unwrap().json().await.unwrap();
        assert_eq!(r["active"], false);
    }
    app.post_json(
        "/api/auth/logout",
        &json!({"refresh_token": tokens.refresh_token.unwrap()}),
    )
    .await;
    let ended: Value = validate(Some(tokens.access_token))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ended["active"], false);
}

#[tokio::test]
async fn a_cookie_refresh_from_another_site_is_refused() {
    let app = spawn_stack(|_| {}).await;
    let r = app
        .request(Method::POST, "/api/auth/refresh")
        .header("X-Refresh-Token-Transport", "cookie")
        .header("origin", "https://evil.example")
        .header("cookie", "shop_refresh=whatever")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::FORBIDDEN, "cross_site_request").await;
}

#[tokio::test]
async fn request_bodies_must_be_json_objects_sent_as_json() {
    let app = spawn_stack(|_| {}).await;
    // serde would read a struct from an array of its fields in order: refused.
    assert_problem(
        app.post_json("/api/auth/login", &json!(["demo", "demo-password"]))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    let admin = app.signed_in_admin().await;
    let before: Value = app.get("/api/products/1").await.json().await.unwrap();
    let r = app
        .send_json(
            Method::PATCH,
            &admin,
            "/api/products/1",
            &json!(["Renamed", null, 4242]),
        )
        .await;
    assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
    let after: Value = app.get("/api/products/1").await.json().await.unwrap();
    assert_eq!(after, before);
    // A JSON text sent as text/plain is refused, on a checkout too.
    let r = app
        .request(Method::POST, "/api/auth/login")
        .header("content-type", "text/plain")
        .body(r#"{"username":"demo","password":"demo-password"}"#)
        .send()
        .await
        .unwrap();
    assert_problem(
        r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let t = app.signed_up("tess").await.access_token;
    let r = app
        .request(Method::POST, "/api/orders")
        .bearer_auth(&t)
        .header("Idempotency-Key", "plain")
        .header("content-type", "text/plain")
        .body(r#"{"items":[{"product_id":1,"quantity":1}]}"#)
        .send()
        .await
        .unwrap();
    assert_problem(
        r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    assert_eq!(app.stock_of(1).await, before["stock"].as_i64().unwrap());
    // A picture must be on this site: `/\\host` is another site to a browser.
    let product = json!({"name": "Kettle", "description": "Gooseneck.", "price_cents": 4900,
        "category": "brewing", "stock": 3, "image_url": "/\\evil.example/x.svg"});
    let r = app
        .send_json(Method::POST, &admin, "/api/products", &product)
        .await;
    let problem = assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        problem["errors"],
        serde_json::json!([{"field": "image_url", "code": "format"}])
    );
}

#[tokio::test]
async fn wrong_methods_are_405_problems_and_unknown_api_paths_404_problems() {
    let app = spawn_stack(|_| {}).await;
    for (method, path) in [
        (Method::POST, "/health/live"),
        (Method::POST, "/health/ready"),
        (Method::POST, "/api/openapi.json"),
    ] {
        let r = app.request(method, path).send().await.unwrap();
        assert_problem(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
    // A method no route has is a 405 with `Allow`, not a 401 for want of a token.
    for (method, path) in [
        (Method::PUT, "/api/products"),
        (Method::DELETE, "/api/categories"),
        (Method::PUT, "/api/products/1"),
        (Method::POST, "/api/cart"),
        (Method::from_bytes(b"TRACE").unwrap(), "/api/orders"),
    ] {
        let r = app.request(method, path).send().await.unwrap();
        assert!(
            r.headers()["allow"].to_str().unwrap().contains("GET"),
            "{path}"
        );
        assert_problem(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    }
    let admin = app.admin.clone().unwrap();
    let r = app
        .client
        .delete(format!("{admin}/metrics"))
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    assert_problem(app.get("/api/").await, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn the_orders_service_reached_directly_refuses_ended_sessions_too() {
    let app = spawn_stack(|_| {}).await;
    let (auth, orders) = app.services.clone().unwrap();
    let direct = |token: String, path: &'static str| {
        app.client
            .get(format!("{orders}{path}"))
            .bearer_auth(token)
            .send()
    };
    let tokens = app.signed_up("vera").await;
    let t = tokens.access_token.clone();
    assert_eq!(
        direct(t.clone(), "/api/cart").await.unwrap().status(),
        StatusCode::OK
    );
    let r = app
        .post_json(
            "/api/auth/logout",
            &json!({"refresh_token": tokens.refresh_token.unwrap()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The orders service reads auth's feed of ended sessions itself (every second).
    test_support::poll(|| async {
        (direct(t.clone(), "/api/cart").await.unwrap().status() == StatusCode::UNAUTHORIZED)
            .then_some(())
    })
    .await;
    // A demoted admin loses the admin board at the service too, not only at the gateway.
    let admin = app.signed_in_admin().await;
    let deputy = json!({"username": "deputy", "password": "a good password", "role": "admin"});
    let r = app
        .send_json(Method::POST, &admin, "/api/users", &deputy)
        .await;
    let deputy_id = r.json::<Value>().await.unwrap()["id"].clone();
    let deputy: Value = app
        .login("deputy", "a good password")
        .await
        .json()
        .await
        .unwrap();
    let deputy = deputy["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        direct(deputy.clone(), "/api/admin/orders")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let r = app
        .send_json(
            Method::PATCH,
            &admin,
            &format!("/api/users/{deputy_id}"),
            &json!({"role": "customer"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    test_support::poll(|| async {
        (direct(deputy.clone(), "/api/admin/orders")
            .await
            .unwrap()
            .status()
            == StatusCode::UNAUTHORIZED)
            .then_some(())
    })
    .await;
    // The auth service reached directly refuses the demoted admin's token on admin routes.
    let r = app
        .client
        .get(format!("{auth}/api/users"))
        .bearer_auth(&deputy)
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
}

#[tokio::test]
async fn the_feed_of_ended_sessions_needs_the_internal_token() {
    let app = spawn_stack(|_| {}).await;
    let (auth, _) = app.services.clone().unwrap();
    let feed = format!("{auth}/internal/revocations");
    let r = app.client.get(&feed).send().await.unwrap();
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let r = app
        .client
        .get(&feed)
        .header("x-internal-token", "0123456789abcdef0123456789abcdef")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    // Dev mode keeps the token in the data directory; every process of the stack uses it.
    let token = std::fs::read_to_string(app.dir.path().join("internal-token")).unwrap();
    let r = app
        .client
        .get(&feed)
        .header("x-internal-token", token.trim())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["revocations"].is_array() && body["keep_secs"].as_i64().unwrap() > 0,
        "{body}"
    );
    // A client cannot pass it through the gateway either: /internal is never routed.
    let r = app
        .request(Method::GET, "/internal/revocations")
        .header("x-internal-token", token.trim())
        .send()
        .await
        .unwrap();
    assert!(!r.text().await.unwrap().contains("keep_secs"));
}

#[tokio::test]
async fn metrics_and_the_detailed_readiness_report_are_only_on_the_admin_listener() {
    let app = spawn_stack(|_| {}).await;
    // (The public port answers with the app's page, as for any unknown client route.)
    let r = app.get("/metrics").await;
    assert!(!r.text().await.unwrap().contains("http_requests_total"));
    let public = app.get("/health/ready").await.text().await.unwrap();
    assert!(
        !public.contains("127.0.0.1") && !public.contains("upstreams"),
        "{public}"
    );
    let r = app.admin_get("/metrics").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert!(r.text().await.unwrap().contains("http_requests_total"));
    let detailed = app.admin_get("/health/ready").await.text().await.unwrap();
    assert!(
        detailed.contains("upstreams") && detailed.contains("127.0.0.1"),
        "{detailed}"
    );
    // The admin listener is on loopback unless told otherwise.
    assert!(app.admin.as_ref().unwrap().starts_with("http://127.0.0.1:"));
}

#[tokio::test]
async fn an_event_stream_ends_when_its_session_ends() {
    let app = spawn_stack(|_| {}).await;
    let tokens = app.signed_up("wanda").await;
    let t = tokens.access_token.clone();
    let order = app.buy(&t, "k", 1, 1).await;
    let mut stream = app
        .get_as(&t, &format!("/api/orders/{}/events", order["id"]))
        .await
        .bytes_stream();
    test_support::wait_for_event(&mut stream, "\"status\":\"paid\"").await;
    let r = app
        .post_json(
            "/api/auth/logout",
            &json!({"refresh_token": tokens.refresh_token.unwrap()}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    test_support::wait_for_end(&mut stream).await;
}

#[tokio::test]
async fn refresh_and_logout_without_a_body_or_cookie_have_nothing_to_do() {
    let app = spawn_stack(|_| {}).await;
    let r = app
        .request(Method::POST, "/api/auth/refresh")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let r = app
        .request(Method::POST, "/api/auth/logout")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
}
