//! The orders service alone, over real HTTP. Access tokens are minted with the dev key, as
//! the auth service would.

use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use test_support::{assert_problem, spawn_orders};

#[tokio::test]
async fn the_catalog_is_paginated_within_bounds() {
    let app = spawn_orders(1.0).await;
    let page: Value = app
        .get("/api/products?page=1&per_page=5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    assert_eq!(page["per_page"], 5);
    assert!(page["total"].as_u64().unwrap() >= 12);
    let p = &page["items"][0];
    for field in [
        "id",
        "name",
        "description",
        "price_cents",
        "currency",
        "category",
        "stock",
        "image_url",
    ] {
        assert!(!p[field].is_null(), "product lacks {field}");
    }
    let last: Value = app
        .get("/api/products?page=4&per_page=5")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        last["items"].as_array().unwrap().len(),
        page["total"].as_u64().unwrap() as usize - 15
    );
    assert_problem(
        app.get("/api/products?per_page=101").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.get("/api/products?page=0").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_problem(
        app.get("/api/products?page=abc").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
    assert_problem(
        app.get("/api/products?page=-1").await,
        StatusCode::BAD_REQUEST,
        "invalid_query",
    )
    .await;
}

#[tokio::test]
async fn categories_have_products_and_filter_the_catalog() {
    let app = spawn_orders(1.0).await;
    let cats: Vec<Value> = app.get("/api/categories").await.json().await.unwrap();
    assert!(cats.len() >= 3);
    for c in &cats {
        let id = c["id"].as_str().unwrap();
        let page: Value = app
            .get(&format!("/api/products?category={id}&per_page=100"))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(page["total"], c["product_count"]);
        assert!(page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["category"] == id));
    }
}

#[tokio::test]
async fn a_product_is_found_by_id_and_others_are_404() {
    let app = spawn_orders(1.0).await;
    let p: Value = app.get("/api/products/1").await.json().await.unwrap();
    assert_eq!(p["id"], 1);
    assert_problem(
        app.get("/api/products/9999").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get("/api/products/abc").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_cart_needs_a_token_and_is_priced_from_the_catalog() {
    let app = spawn_orders(1.0).await;
    assert_problem(
        app.get("/api/cart").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let t = app.token_for(1);
    let cart: Value = app
        .set_quantity(&t, 1, json!(2))
        .await
        .json()
        .await
        .unwrap();
    let price = app
        .get("/api/products/1")
        .await
        .json::<Value>()
        .await
        .unwrap()["price_cents"]
        .as_i64()
        .unwrap();
    assert_eq!(cart["items"][0]["quantity"], 2);
    assert_eq!(cart["items"][0]["unit_price_cents"], price);
    assert_eq!(cart["total_cents"], 2 * price);
    let cart: Value = app
        .set_quantity(&t, 2, json!(1))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(cart["items"].as_array().unwrap().len(), 2);
    let r = app
        .request(Method::DELETE, "/api/cart/items/1")
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    let cart: Value = r.json().await.unwrap();
    assert_eq!(cart["items"].as_array().unwrap().len(), 1);
    // Another user's cart is their own.
    let other: Value = app
        .get_as(&app.token_for(2), "/api/cart")
        .await
        .json()
        .await
        .unwrap();
    assert!(other["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn every_invalid_quantity_is_a_422_problem() {
    let app = spawn_orders(1.0).await;
    let t = app.token_for(1);
    for q in [
        json!(0),
        json!(-1),
        json!(100),
        json!(1.5),
        json!("2"),
        json!(null),
        json!(1e20),
    ] {
        let r = app.set_quantity(&t, 1, q.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "quantity {q}");
    }
    assert_problem(
        app.set_quantity(&t, 9999, json!(1)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let stock = app.stock_of(11).await;
    assert_problem(
        app.set_quantity(&t, 11, json!(stock + 1)).await,
        StatusCode::CONFLICT,
        "out_of_stock",
    )
    .await;
}

#[tokio::test]
async fn checking_out_the_cart_pays_takes_stock_and_empties_the_cart() {
    let app = spawn_orders(1.0).await;
    let t = app.token_for(1);
    let before = app.stock_of(3).await;
    app.set_quantity(&t, 3, json!(2)).await;
    assert_problem(
        app.checkout(&t, "", None).await,
        StatusCode::BAD_REQUEST,
        "idempotency_key_required",
    )
    .await;
    let r = app.checkout(&t, "key-1", None).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let order: Value = r.json().await.unwrap();
    assert_eq!(order["status"], "paid");
    assert_eq!(order["items"][0]["quantity"], 2);
    assert_eq!(order["total_cents"], order["items"][0]["line_total_cents"]);
    assert_eq!(app.stock_of(3).await, before - 2);
    let cart: Value = app.get_as(&t, "/api/cart").await.json().await.unwrap();
    assert!(cart["items"].as_array().unwrap().is_empty());
    // The same key again returns the same order and takes nothing more.
    let again = app.checkout(&t, "key-1", None).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], order["id"]);
    assert_eq!(app.stock_of(3).await, before - 2);
    // The same key with another body is refused.
    let other = app
        .checkout(
            &t,
            "key-1",
            Some(json!({"items": [{"product_id": 1, "quantity": 1}]})),
        )
        .await;
    assert_problem(
        other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    )
    .await;
    // History, newest first.
    app.checkout(
        &t,
        "key-2",
        Some(json!({"items": [{"product_id": 1, "quantity": 1}]})),
    )
    .await;
    let list: Value = app.get_as(&t, "/api/orders").await.json().await.unwrap();
    let ids: Vec<i64> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids[0] > ids[1]);
}

#[tokio::test]
async fn an_empty_cart_and_bad_order_bodies_are_4xx() {
    let app = spawn_orders(1.0).await;
    let t = app.token_for(1);
    // A valid request in the wrong state: 409.
    assert_problem(
        app.checkout(&t, "k1", None).await,
        StatusCode::CONFLICT,
        "empty_cart",
    )
    .await;
    let cases = [
        (json!({"items": []}), "empty_order"),
        (
            json!({"items": [{"product_id": 1, "quantity": 0}]}),
            "validation_failed",
        ),
        (
            json!({"items": [{"product_id": 1, "quantity": 1, "unit_price_cents": 1}]}),
            "invalid_body",
        ),
        (json!({"items": "all"}), "invalid_body"),
    ];
    for (i, (body, code)) in cases.into_iter().enumerate() {
        let r = app.checkout(&t, &format!("bad-{i}"), Some(body)).await;
        assert_problem(r, StatusCode::UNPROCESSABLE_ENTITY, code).await;
    }
    // A product that is not (or no longer) in the catalog: the request conflicts with it.
    let r = app
        .checkout(
            &t,
            "gone",
            Some(json!({"items": [{"product_id": 9999, "quantity": 1}]})),
        )
        .await;
    assert_problem(r, StatusCode::CONFLICT, "unknown_product").await;
    let r = app
        .request(Method::POST, "/api/orders")
        .bearer_auth(&t)
        .header("Idempotency-Key", "m")
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::BAD_REQUEST, "malformed_json").await;
    assert_problem(
        app.checkout("", "k", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn a_declined_payment_keeps_the_order_as_failed_and_takes_no_stock() {
    let app = spawn_orders(0.0).await;
    let t = app.token_for(1);
    let before = app.stock_of(5).await;
    app.set_quantity(&t, 5, json!(3)).await;
    let body = assert_problem(
        app.checkout(&t, "k", None).await,
        StatusCode::PAYMENT_REQUIRED,
        "payment_declined",
    )
    .await;
    let order_id = body["order_id"].as_i64().unwrap();
    assert_eq!(app.stock_of(5).await, before);
    let cart: Value = app.get_as(&t, "/api/cart").await.json().await.unwrap();
    assert_eq!(
        cart["items"][0]["quantity"], 3,
        "the cart is kept for another try"
    );
    let order: Value = app
        .get_as(&t, &format!("/api/orders/{order_id}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(order["status"], "payment_failed");
    // Replaying the key answers the same decline.
    assert_problem(
        app.checkout(&t, "k", None).await,
        StatusCode::PAYMENT_REQUIRED,
        "payment_declined",
    )
    .await;
}

#[tokio::test]
async fn buying_more_than_the_stock_is_409_and_changes_nothing() {
    let app = spawn_orders(1.0).await;
    let t = app.token_for(1);
    let stock = app.stock_of(16).await;
    let r = app.checkout(&t, "k", Some(json!({"items": [{"product_id": 1, "quantity": 1}, {"product_id": 16, "quantity": stock + 1}]}))).await;
    assert_problem(r, StatusCode::CONFLICT, "out_of_stock").await;
    assert_eq!(app.stock_of(16).await, stock);
    let list: Value = app.get_as(&t, "/api/orders").await.json().await.unwrap();
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn concurrent_buyers_of_the_last_items_never_oversell() {
    let app = spawn_orders(1.0).await;
    let product = 11;
    let stock = app.stock_of(product).await;
    let buyers = stock + 6;
    let results = join_all((1..=buyers).map(|user| {
        let t = app.token_for(user);
        let app = &app;
        async move {
            app.checkout(
                &t,
                "buy",
                Some(json!({"items": [{"product_id": product, "quantity": 1}]})),
            )
            .await
            .status()
        }
    }))
    .await;
    let paid = results
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count() as i64;
    let sold_out = results
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count() as i64;
    assert_eq!(paid, stock, "{results:?}");
    assert_eq!(sold_out, buyers - stock, "{results:?}");
    assert_eq!(app.stock_of(product).await, 0);
}

#[tokio::test]
async fn the_same_idempotency_key_sent_20_times_at_once_makes_one_order() {
    let app = spawn_orders(1.0).await;
    let t = app.token_for(1);
    let before = app.stock_of(2).await;
    let body = json!({"items": [{"product_id": 2, "quantity": 1}]});
    let results = join_all((0..20).map(|_| app.checkout(&t, "same", Some(body.clone())))).await;
    for r in &results {
        assert!(
            matches!(r.status(), StatusCode::CREATED | StatusCode::CONFLICT),
            "{}",
            r.status()
        );
    }
    assert_eq!(app.stock_of(2).await, before - 1);
    let list: Value = app.get_as(&t, "/api/orders").await.json().await.unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn another_users_order_is_404() {
    let app = spawn_orders(1.0).await;
    let owner = app.token_for(1);
    let order: Value = app
        .checkout(
            &owner,
            "k",
            Some(json!({"items": [{"product_id": 1, "quantity": 1}]})),
        )
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/orders/{}", order["id"]);
    assert_eq!(app.get_as(&owner, &path).await.status(), StatusCode::OK);
    assert_problem(
        app.get_as(&app.token_for(2), &path).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_problem(
        app.get_as(&owner, "/api/orders/xyz").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn an_event_stream_ends_when_its_access_token_expires() {
    let app = test_support::spawn_orders(1.0).await;
    let order = app.buy(&app.token_for(7), "k", 1, 1).await;
    let short = app
        .signer
        .issue(
            7,
            "user7",
            api_types::auth::Role::Customer,
            "short-session",
            std::time::Duration::from_secs(2),
        )
        .unwrap();
    let mut stream = app
        .get_as(&short, &format!("/api/orders/{}/events", order["id"]))
        .await
        .bytes_stream();
    test_support::wait_for_event(&mut stream, "\"status\":\"paid\"").await;
    // The client reconnects with a fresh token; this stream does not outlive its token.
    test_support::wait_for_end(&mut stream).await;
}

#[tokio::test]
async fn a_user_holds_at_most_eight_event_streams() {
    let app = test_support::spawn_orders(1.0).await;
    let t = app.token_for(8);
    let order = app.buy(&t, "k", 1, 1).await;
    let path = format!("/api/orders/{}/events", order["id"]);
    let mut open = Vec::new();
    for _ in 0..8 {
        let r = app.get_as(&t, &path).await;
        assert_eq!(r.status(), StatusCode::OK);
        open.push(r);
    }
    assert_problem(
        app.get_as(&t, &path).await,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_streams",
    )
    .await;
    // Another user is not affected; a closed stream frees its slot.
    let other = app.token_for(9);
    let theirs = app.buy(&other, "k", 1, 1).await;
    let r = app
        .get_as(&other, &format!("/api/orders/{}/events", theirs["id"]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    drop(open.pop());
    test_support::poll(|| async {
        (app.get_as(&t, &path).await.status() == StatusCode::OK).then_some(())
    })
    .await;
}

#[tokio::test]
async fn any_number_of_submissions_of_one_cart_make_one_order() {
    // Payments take a while, so the submissions overlap the first one's payment.
    let app = test_support::spawn_orders_with(shop_orders::OrdersSettings {
        payment_success_rate: 1.0,
        payment_latency_ms: 300,
        ..shop_orders::OrdersSettings::for_tests()
    })
    .await;
    let t = app.token_for(21);
    let stock = app.stock_of(2).await;
    assert_eq!(
        app.set_quantity(&t, 2, json!(1)).await.status(),
        StatusCode::OK
    );
    // Three submissions of the cart, each with its own key (three clicks, two tabs, a reload).
    let answers = join_all(["a", "b", "c"].map(|key| app.checkout(&t, key, None))).await;
    let mut created = 0;
    for r in answers {
        if r.status() == StatusCode::CREATED {
            created += 1;
        } else {
            let body: Value = r.json().await.unwrap();
            assert_eq!(body["status"], 409, "{body}");
            assert!(
                body["code"] == "checkout_in_progress" || body["code"] == "empty_cart",
                "{body}"
            );
        }
    }
    assert_eq!(created, 1);
    let orders: Value = app.get_as(&t, "/api/orders").await.json().await.unwrap();
    assert_eq!(orders["total"], 1, "{orders}");
    assert_eq!(app.stock_of(2).await, stock - 1);
}

#[tokio::test]
async fn checkouts_waiting_on_a_slow_provider_leave_the_database_to_everyone_else() {
    // More checkouts paying at once than the pool has connections (8), with a provider that
    // takes a minute: none may hold a connection while it waits.
    let app = test_support::spawn_orders_with(shop_orders::OrdersSettings {
        payment_success_rate: 1.0,
        payment_latency_ms: 60_000,
        payment_timeout_ms: 120_000,
        ..shop_orders::OrdersSettings::for_tests()
    })
    .await;
    let page: Value = app
        .get("/api/products?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    let product = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["stock"].as_i64().unwrap() >= 12)
        .expect("a product with stock for every buyer")["id"]
        .as_i64()
        .unwrap();
    let paying: Vec<_> = (1..=12)
        .map(|user| {
            let request = app
                .request(Method::POST, "/api/orders")
                .bearer_auth(app.token_for(user))
                .header("Idempotency-Key", format!("slow-{user}"))
                .json(&json!({"items": [{"product_id": product, "quantity": 1}]}));
            tokio::spawn(async move { request.send().await })
        })
        .collect();
    let admin = app.admin_token();
    // Every order is pending (its stock taken, the provider called) while reads still answer
    // at once: a request that waited for a connection would miss the client's 5 s limit.
    test_support::poll(|| async {
        let r = app
            .request(Method::GET, "/api/admin/orders?status=pending")
            .bearer_auth(&admin)
            .timeout(std::time::Duration::from_secs(5))
            .send()
            .await
            .expect("the orders list answers while checkouts wait on the provider");
        let pending: Value = r.json().await.unwrap();
        (pending["total"] == 12).then_some(())
    })
    .await;
    let catalog = app
        .request(Method::GET, "/api/products")
        .timeout(std::time::Duration::from_secs(5))
        .send()
        .await
        .expect("the catalog answers while checkouts wait on the provider");
    assert_eq!(catalog.status(), StatusCode::OK);
    for p in paying {
        p.abort();
    }
}

#[tokio::test]
async fn a_page_of_orders_shows_each_order_as_it_is_alone() {
    let app = spawn_orders(1.0).await;
    let token = app.token_for(41);
    for (i, (product, quantity)) in [(1, 1), (2, 2), (3, 3)].into_iter().enumerate() {
        app.buy(&token, &format!("page-{i}"), product, quantity)
            .await;
    }
    let cancelled = app.buy(&token, "page-cancelled", 4, 1).await;
    let id = cancelled["id"].as_i64().unwrap();
    let r = app
        .request(Method::POST, &format!("/api/orders/{id}/cancel"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page: Value = app
        .get_as(&token, "/api/orders")
        .await
        .json()
        .await
        .unwrap();
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    let ids: Vec<i64> = items.iter().map(|o| o["id"].as_i64().unwrap()).collect();
    let mut newest_first = ids.clone();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(ids, newest_first);
    for listed in items {
        let alone: Value = app
            .get_as(&token, &format!("/api/orders/{}", listed["id"]))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(listed, &alone);
    }
    assert_eq!(
        items[0]["timeline"].as_array().unwrap().len(),
        3,
        "{}",
        items[0]
    );
}

#[tokio::test]
async fn sixty_four_buyers_of_ten_in_stock_make_exactly_ten_orders() {
    let app = spawn_orders(1.0).await;
    let new = json!({"name": "Ten only", "description": "A short run.", "price_cents": 500,
                     "category": "coffee", "stock": 10});
    let created = app
        .send_json(Method::POST, &app.admin_token(), "/api/products", &new)
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let product = created.json::<Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let results = join_all((1..=64).map(|user| {
        let token = app.token_for(1000 + user);
        let app = &app;
        async move {
            let body = json!({"items": [{"product_id": product, "quantity": 1}]});
            app.checkout(&token, "one-of-ten", Some(body))
                .await
                .status()
        }
    }))
    .await;
    let paid = results
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let refused = results
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((paid, refused), (10, 54), "{results:?}");
    assert_eq!(app.stock_of(product).await, 0);
}

#[tokio::test]
async fn two_cancellations_at_once_restock_once() {
    let app = spawn_orders(1.0).await;
    let token = app.token_for(77);
    let before = app.stock_of(5).await;
    let order = app.buy(&token, "cancel-twice", 5, 3).await;
    assert_eq!(app.stock_of(5).await, before - 3);
    let path = format!("/api/orders/{}/cancel", order["id"]);
    let statuses = join_all((0..8).map(|_| {
        let request = app.request(Method::POST, &path).bearer_auth(&token);
        async move { request.send().await.unwrap().status() }
    }))
    .await;
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, refused), (1, 7), "{statuses:?}");
    assert_eq!(app.stock_of(5).await, before);
}
