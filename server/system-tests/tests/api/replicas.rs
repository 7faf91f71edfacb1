//! Several replicas of a service on one database behave as one service: what one replica
//! writes, the others read; live events cross replicas (on PostgreSQL, by `LISTEN`/`NOTIFY`);
//! a replica that starts leaves the others' checkouts in flight alone. Two replicas here are
//! two services on the same data directory, so on the same database of either engine.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use shop_auth::AuthSettings;
use shop_orders::OrdersSettings;
use std::sync::Arc;
use std::time::Duration;
use tempfile::TempDir;
use test_support::{assert_problem, poll, spawn_auth_in, spawn_orders_in, wait_for_event};

fn orders_settings(payment_latency_ms: u64) -> OrdersSettings {
    OrdersSettings {
        payment_success_rate: 1.0,
        payment_latency_ms,
        ..OrdersSettings::for_tests()
    }
}

#[tokio::test]
async fn a_status_change_through_one_orders_replica_reaches_a_stream_on_another() {
    if !test_support::postgres::enabled() {
        // On SQLite one process owns the file: its live feed is a channel in that process.
        return;
    }
    let dir = Arc::new(TempDir::new().unwrap());
    let one = spawn_orders_in(dir.clone(), orders_settings(0)).await;
    let other = spawn_orders_in(dir, orders_settings(0)).await;
    let customer = one.token_for(5);
    let order = one.buy(&customer, "across", 2, 1).await;
    let r = other
        .get_as(&customer, &format!("/api/orders/{}/events", order["id"]))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let mut stream = r.bytes_stream();
    wait_for_event(&mut stream, "\"status\":\"paid\"").await;
    let moved = one
        .send_json(
            Method::PATCH,
            &one.admin_token(),
            &format!("/api/orders/{}/status", order["id"]),
            &json!({"status": "preparing"}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let arrived = tokio::time::timeout(
        Duration::from_secs(1),
        wait_for_event(&mut stream, "\"status\":\"preparing\""),
    )
    .await;
    assert!(
        arrived.is_ok(),
        "the change did not reach the other replica within 1 s"
    );
}

#[tokio::test]
async fn an_orders_replica_that_starts_leaves_another_replicas_checkout_in_flight_alone() {
    let dir = Arc::new(TempDir::new().unwrap());
    // A provider that takes 3 s: the checkout is pending while the second replica starts.
    let first = spawn_orders_in(dir.clone(), orders_settings(3000)).await;
    let token = first.token_for(8);
    let stock = first.stock_of(6).await;
    let paying = {
        let request = first
            .request(Method::POST, "/api/orders")
            .bearer_auth(&token)
            .header("idempotency-key", "in-flight")
            .json(&json!({"items": [{"product_id": 6, "quantity": 2}]}));
        tokio::spawn(async move { request.send().await.unwrap() })
    };
    poll(|| async {
        let page: Value = first
            .get_as(&token, "/api/orders")
            .await
            .json()
            .await
            .ok()?;
        (page["items"][0]["status"] == "pending").then_some(())
    })
    .await;
    // Starting runs the recovery of pending orders left by a crash.
    let second = spawn_orders_in(dir, orders_settings(0)).await;
    let paid = paying.await.unwrap();
    assert_eq!(paid.status(), StatusCode::CREATED);
    let order: Value = paid.json().await.unwrap();
    assert_eq!(order["status"], "paid");
    // Both replicas see the paid order and the stock it took.
    let seen: Value = second
        .get_as(&token, &format!("/api/orders/{}", order["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["status"], "paid");
    assert_eq!(second.stock_of(6).await, stock - 2);
}

#[tokio::test]
async fn auth_replicas_share_sessions_refresh_tokens_and_reuse_detection() {
    let dir = Arc::new(TempDir::new().unwrap());
    let settings = || AuthSettings {
        refresh_reuse_grace_secs: 0,
        ..AuthSettings::for_tests()
    };
    let one = spawn_auth_in(dir.clone(), settings()).await;
    let other = spawn_auth_in(dir, settings()).await;
    let signed_up = one.signed_up("paula").await;
    let first_refresh = signed_up.refresh_token.clone().unwrap();
    // Signed in through one replica, refreshed through the other.
    let rotated = other
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": first_refresh}),
        )
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let rotated: Value = rotated.json().await.unwrap();
    let access = rotated["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        one.get_as(&access, "/api/auth/me").await.status(),
        StatusCode::OK
    );
    // The rotated token presented again to the first replica is a reuse (no grace period
    // here): its session ends, for both replicas.
    let reused = one
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": first_refresh}),
        )
        .await;
    assert_problem(reused, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    assert_eq!(
        other.get_as(&access, "/api/auth/me").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let successor = rotated["refresh_token"].as_str().unwrap();
    let r = other
        .post_json("/api/auth/refresh", &json!({"refresh_token": successor}))
        .await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
}
