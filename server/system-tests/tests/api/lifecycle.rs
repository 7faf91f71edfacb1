//! The orders service alone: search, admin products, the order lifecycle, live events and the
//! payment circuit breaker.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shop_orders::OrdersSettings;
use std::time::Duration;
use test_support::{assert_problem, spawn_orders, spawn_orders_with, wait_for_event};

fn names(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_catalog_is_searched_sorted_and_filtered() {
    let app = spawn_orders(1.0).await;
    let tea: Value = app
        .get("/api/products?q=TEA&per_page=100")
        .await
        .json()
        .await
        .unwrap();
    let found = names(&tea);
    assert!(
        found.iter().any(|n| n.starts_with("Earl Grey")),
        "{found:?}"
    );
    assert!(
        found.iter().all(|n| !n.starts_with("Hand Grinder")),
        "{found:?}"
    );
    let none: Value = app
        .get("/api/products?q=zzz-no-such-thing")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(none["total"], 0);
    let wild: Value = app.get("/api/products?q=%25").await.json().await.unwrap();
    assert_eq!(wild["total"], 0, "a % in the search text is a literal %");
    let by_price: Value = app
        .get("/api/products?sort=price_asc&per_page=100")
        .await
        .json()
        .await
        .unwrap();
    let prices: Vec<i64> = by_price["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["price_cents"].as_i64().unwrap())
        .collect();
    assert!(prices.windows(2).all(|w| w[0] <= w[1]), "{prices:?}");
    let by_name: Value = app
        .get("/api/products?sort=name_desc&category=coffee")
        .await
        .json()
        .await
        .unwrap();
    let n = names(&by_name);
    assert!(
        n.windows(2)
            .all(|w| w[0].to_lowercase() >= w[1].to_lowercase()),
        "{n:?}"
    );
    assert_eq!(by_name["total"], 4);
    assert_problem(
        app.get("/api/products?sort=cheapest").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
    let long = "x".repeat(101);
    assert_problem(
        app.get(&format!("/api/products?q={long}")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    // A NUL would end SQLite's LIKE pattern and match every product.
    for control in ["%00", "tea%00", "%01", "a%0Ab", "%7F"] {
        let body = assert_problem(
            app.get(&format!("/api/products?q={control}")).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(
            body["detail"].as_str().unwrap().contains("control"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn only_admins_change_products() {
    let app = spawn_orders(1.0).await;
    let customer = app.token_for(1);
    let product = json!({"name": "Moka Pot", "description": "Stovetop espresso.", "price_cents": 2990, "category": "brewing", "stock": 5});
    assert_problem(
        app.send_json(Method::POST, &customer, "/api/products", &product)
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.send_json(
            Method::PATCH,
            &customer,
            "/api/products/1",
            &json!({"price_cents": 1}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let r = app
        .request(Method::DELETE, "/api/products/1")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_eq!(app.get("/api/products/1").await.status(), StatusCode::OK);
}

#[tokio::test]
async fn admins_create_reprice_and_hide_products_while_past_orders_keep_their_prices() {
    let app = spawn_orders(1.0).await;
    let admin = app.admin_token();
    let bad = [
        json!({"name": "", "description": "d", "price_cents": 1, "category": "tea", "stock": 1}),
        json!({"name": "n", "description": "d", "price_cents": -1, "category": "tea", "stock": 1}),
        json!({"name": "n", "description": "d", "price_cents": 1, "category": "nope", "stock": 1}),
        json!({"name": "n", "description": "d", "price_cents": 1, "category": "tea", "stock": -5}),
        json!({"name": "n", "description": "d", "price_cents": 1, "category": "tea", "stock": 1, "image_url": "https://evil.example/x.png"}),
    ];
    for body in bad {
        assert_problem(
            app.send_json(Method::POST, &admin, "/api/products", &body)
                .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
    }
    let body = json!({"name": "Moka Pot", "description": "Stovetop espresso.", "price_cents": 2990, "category": "brewing", "stock": 5});
    let r = app
        .send_json(Method::POST, &admin, "/api/products", &body)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["image_url"], "/images/placeholder.svg");

    let customer = app.token_for(1);
    let order = app.buy(&customer, "k", id, 2).await;
    let r = app
        .send_json(
            Method::PATCH,
            &admin,
            &format!("/api/products/{id}"),
            &json!({"price_cents": 3990, "stock": 50}),
        )
        .await;
    let changed: Value = r.json().await.unwrap();
    assert_eq!(changed["price_cents"], 3990);
    assert_eq!(changed["stock"], 50);
    assert_problem(
        app.send_json(
            Method::PATCH,
            &admin,
            "/api/products/1",
            &json!({"stock": -1}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.send_json(
            Method::PATCH,
            &admin,
            "/api/products/9999",
            &json!({"stock": 1}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let r = app
        .request(Method::DELETE, &format!("/api/products/{id}"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get(&format!("/api/products/{id}")).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let catalog: Value = app.get("/api/products?q=Moka").await.json().await.unwrap();
    assert_eq!(catalog["total"], 0);
    let all: Value = app
        .get_as(&admin, "/api/admin/products?q=Moka")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["items"][0]["active"], false);
    assert_problem(
        app.set_quantity(&customer, id, json!(1)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let past: Value = app
        .get_as(&customer, &format!("/api/orders/{}", order["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(past["items"][0]["name"], "Moka Pot");
    assert_eq!(past["items"][0]["unit_price_cents"], 2990);
}

fn statuses(order: &Value) -> Vec<String> {
    order["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn admins_move_orders_through_the_lifecycle_and_nothing_else_moves() {
    let app = spawn_orders(1.0).await;
    let admin = app.admin_token();
    let customer = app.token_for(1);
    let order = app.buy(&customer, "k", 1, 1).await;
    let path = format!("/api/orders/{}/status", order["id"]);
    assert_problem(
        app.send_json(
            Method::PATCH,
            &customer,
            &path,
            &json!({"status": "shipped"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.send_json(Method::PATCH, &admin, &path, &json!({"status": "shipped"}))
            .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    assert_problem(
        app.send_json(Method::PATCH, &admin, &path, &json!({"status": "lost"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;
    for next in ["preparing", "shipped", "delivered"] {
        let r = app
            .send_json(Method::PATCH, &admin, &path, &json!({"status": next}))
            .await;
        assert_eq!(r.status(), StatusCode::OK, "to {next}");
        assert_eq!(r.json::<Value>().await.unwrap()["status"], next);
    }
    assert_problem(
        app.send_json(
            Method::PATCH,
            &admin,
            &path,
            &json!({"status": "cancelled"}),
        )
        .await,
        StatusCode::CONFLICT,
        "invalid_transition",
    )
    .await;
    let done: Value = app
        .get_as(&customer, &format!("/api/orders/{}", order["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        statuses(&done),
        ["pending", "paid", "preparing", "shipped", "delivered"]
    );
    let cancel = app
        .request(Method::POST, &format!("/api/orders/{}/cancel", order["id"]))
        .bearer_auth(&customer)
        .send()
        .await
        .unwrap();
    assert_problem(cancel, StatusCode::CONFLICT, "invalid_transition").await;
}

#[tokio::test]
async fn an_owner_cancels_before_shipping_and_the_stock_comes_back() {
    let app = spawn_orders(1.0).await;
    let customer = app.token_for(1);
    let before = app.stock_of(7).await;
    let order = app.buy(&customer, "k", 7, 3).await;
    assert_eq!(app.stock_of(7).await, before - 3);
    let cancel = format!("/api/orders/{}/cancel", order["id"]);
    let other = app
        .request(Method::POST, &cancel)
        .bearer_auth(app.token_for(2))
        .send()
        .await
        .unwrap();
    assert_problem(other, StatusCode::NOT_FOUND, "not_found").await;
    let r = app
        .request(Method::POST, &cancel)
        .bearer_auth(&customer)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let cancelled: Value = r.json().await.unwrap();
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(statuses(&cancelled), ["pending", "paid", "cancelled"]);
    assert_eq!(app.stock_of(7).await, before);
    let again = app
        .request(Method::POST, &cancel)
        .bearer_auth(&customer)
        .send()
        .await
        .unwrap();
    assert_problem(again, StatusCode::CONFLICT, "invalid_transition").await;
    assert_eq!(
        app.stock_of(7).await,
        before,
        "a second cancel gives nothing back twice"
    );
}

#[tokio::test]
async fn admins_see_every_order_with_its_customer_and_filter_by_status() {
    let app = spawn_orders(1.0).await;
    let admin = app.admin_token();
    let a = app.buy(&app.token_for(1), "a", 1, 1).await;
    let b = app.buy(&app.token_for(2), "b", 2, 1).await;
    app.send_json(
        Method::PATCH,
        &admin,
        &format!("/api/orders/{}/status", b["id"]),
        &json!({"status": "preparing"}),
    )
    .await;
    assert_eq!(
        app.get_as(&admin, &format!("/api/orders/{}", a["id"]))
            .await
            .status(),
        StatusCode::OK
    );
    let all: Value = app
        .get_as(&admin, "/api/admin/orders")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["total"], 2);
    // Each order names its buyer as they were called when they ordered.
    let customers: Vec<&Value> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| &o["customer"])
        .collect();
    assert_eq!(customers, [&json!("user2"), &json!("user1")]);
    let preparing: Value = app
        .get_as(&admin, "/api/admin/orders?status=preparing")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(preparing["total"], 1);
    assert_eq!(preparing["items"][0]["id"], b["id"]);
    assert_problem(
        app.get_as(&app.token_for(1), "/api/admin/orders").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let mine: Value = app
        .get_as(&app.token_for(1), "/api/orders?per_page=1&page=1")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["total"], 1);
}

/// The `total` of a page comes from counters the database keeps beside the orders: they must
/// follow every checkout and status move, for each customer and over all of them.
#[tokio::test]
async fn every_total_counts_the_orders_its_pages_list_after_moves_and_cancellations() {
    let app = spawn_orders(1.0).await;
    let admin = app.admin_token();
    let (one, two) = (app.token_for(1), app.token_for(2));
    let first = app.buy(&one, "a", 1, 1).await;
    let second = app.buy(&one, "b", 2, 1).await;
    app.buy(&one, "c", 3, 1).await;
    app.buy(&two, "d", 1, 1).await;
    let moved = app
        .send_json(
            Method::PATCH,
            &admin,
            &format!("/api/orders/{}/status", first["id"]),
            &json!({"status": "preparing"}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let cancelled = app
        .request(
            Method::POST,
            &format!("/api/orders/{}/cancel", second["id"]),
        )
        .bearer_auth(&one)
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), StatusCode::OK);
    for (token, path, expected) in [
        (&one, "/api/orders", 3),
        (&one, "/api/orders?status=paid", 1),
        (&one, "/api/orders?status=preparing", 1),
        (&one, "/api/orders?status=cancelled", 1),
        (&one, "/api/orders?status=pending", 0),
        (&two, "/api/orders", 1),
        (&admin, "/api/admin/orders", 4),
        (&admin, "/api/admin/orders?status=paid", 2),
        (&admin, "/api/admin/orders?status=preparing", 1),
        (&admin, "/api/admin/orders?status=cancelled", 1),
        (&admin, "/api/admin/orders?status=shipped", 0),
    ] {
        let page: Value = app
            .get_as(
                token,
                &format!(
                    "{path}{}per_page=100",
                    if path.contains('?') { '&' } else { '?' }
                ),
            )
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], expected, "{path}: {page}");
        assert_eq!(page["items"].as_array().unwrap().len(), expected, "{path}");
    }
}

#[tokio::test]
async fn the_order_feed_sends_each_status_change() {
    let app = spawn_orders(1.0).await;
    let customer = app.token_for(1);
    let order = app.buy(&customer, "k", 1, 1).await;
    let events = format!("/api/orders/{}/events", order["id"]);
    assert_problem(
        app.get_as(&app.token_for(2), &events).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let r = app.get_as(&customer, &events).await;
    assert_eq!(r.headers()["content-type"], "text/event-stream");
    let mut stream = r.bytes_stream();
    let first = wait_for_event(&mut stream, "\"status\":\"paid\"").await;
    assert!(first.starts_with("event: order"), "{first}");
    app.send_json(
        Method::PATCH,
        &app.admin_token(),
        &format!("/api/orders/{}/status", order["id"]),
        &json!({"status": "preparing"}),
    )
    .await;
    wait_for_event(&mut stream, "\"status\":\"preparing\"").await;
}

fn failing_provider(latency_ms: u64, outage: bool) -> OrdersSettings {
    OrdersSettings {
        payment_success_rate: 1.0,
        payment_latency_ms: latency_ms,
        payment_outage: outage,
        payment_timeout_ms: 100,
        payment_breaker_failures: 2,
        payment_breaker_open_secs: 60,
        ..OrdersSettings::for_tests()
    }
}

async fn assert_nothing_happened(app: &test_support::TestApp, token: &str, stock: i64) {
    assert_eq!(app.stock_of(3).await, stock);
    let cart: Value = app.get_as(token, "/api/cart").await.json().await.unwrap();
    assert_eq!(cart["items"][0]["quantity"], 2, "the cart is kept");
    let orders: Value = app.get_as(token, "/api/orders").await.json().await.unwrap();
    assert_eq!(orders["total"], 0, "no half-done order");
}

#[tokio::test]
async fn an_outage_opens_the_breaker_and_leaves_stock_and_cart_as_they_were() {
    let app = spawn_orders_with(failing_provider(0, true)).await;
    let t = app.token_for(1);
    let stock = app.stock_of(3).await;
    app.set_quantity(&t, 3, json!(2)).await;
    for attempt in 0..2 {
        let r = app.checkout(&t, &format!("try-{attempt}"), None).await;
        assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "payment_unavailable").await;
        assert_nothing_happened(&app, &t, stock).await;
    }
    // The breaker is open now: the answer comes at once, with Retry-After.
    let r = app.checkout(&t, "try-2", None).await;
    assert_eq!(r.headers()["retry-after"], "60");
    assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "payment_unavailable").await;
    assert_nothing_happened(&app, &t, stock).await;
}

#[tokio::test]
async fn a_provider_slower_than_the_timeout_is_payment_unavailable() {
    let app = spawn_orders_with(failing_provider(10_000, false)).await;
    let t = app.token_for(1);
    let stock = app.stock_of(3).await;
    app.set_quantity(&t, 3, json!(2)).await;
    let r = tokio::time::timeout(Duration::from_secs(5), app.checkout(&t, "slow", None))
        .await
        .expect("answered within the timeout");
    assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "payment_unavailable").await;
    assert_nothing_happened(&app, &t, stock).await;
}
