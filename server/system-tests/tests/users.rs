//! Admin user management through the gateway.

mod support;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use support::{assert_problem, spawn_stack};

async fn admin_token(app: &support::TestApp) -> String {
    let r: Value = app
        .login("admin", shop_auth::DEV_ADMIN_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    r["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn only_admins_manage_users() {
    let app = spawn_stack(|_| {}).await;
    let customer = app.signed_up("cora").await.access_token;
    assert_problem(
        app.get_as(&customer, "/api/users").await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        app.get("/api/users").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let admin = admin_token(&app).await;
    let page: Value = app
        .get_as(&admin, "/api/users?per_page=100")
        .await
        .json()
        .await
        .unwrap();
    assert!(page["total"].as_u64().unwrap() >= 3);
    assert!(page["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|u| u.get("password_hash").is_none()));

    let body = json!({"username": "newbie", "password": "a good password", "role": "customer"});
    let r = app
        .send_json(Method::POST, &admin, "/api/users", &body)
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let created: Value = r.json().await.unwrap();
    assert_problem(
        app.send_json(Method::POST, &admin, "/api/users", &body)
            .await,
        StatusCode::CONFLICT,
        "username_taken",
    )
    .await;
    let weak = json!({"username": "weakling", "password": "password"});
    assert_problem(
        app.send_json(Method::POST, &admin, "/api/users", &weak)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    let got: Value = app
        .get_as(&admin, &format!("/api/users/{}", created["id"]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(got["username"], "newbie");
    assert_problem(
        app.get_as(&admin, "/api/users/99999").await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let bad = app
        .send_json(
            Method::PATCH,
            &admin,
            &format!("/api/users/{}", created["id"]),
            &json!({"role": "root"}),
        )
        .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "invalid_body").await;
}

#[tokio::test]
async fn the_last_admin_cannot_be_demoted_disabled_or_deleted() {
    let app = spawn_stack(|_| {}).await;
    let admin = admin_token(&app).await;
    let me: Value = app
        .get_as(&admin, "/api/auth/me")
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/users/{}", me["id"]);
    for change in [json!({"role": "customer"}), json!({"disabled": true})] {
        assert_problem(
            app.send_json(Method::PATCH, &admin, &path, &change).await,
            StatusCode::CONFLICT,
            "last_admin",
        )
        .await;
    }
    let r = app
        .request(Method::DELETE, &path)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::CONFLICT, "last_admin").await;
    // With a second admin, the first may step down.
    let second = json!({"username": "deputy", "password": "a good password", "role": "admin"});
    assert_eq!(
        app.send_json(Method::POST, &admin, "/api/users", &second)
            .await
            .status(),
        StatusCode::CREATED
    );
    let r = app
        .send_json(Method::PATCH, &admin, &path, &json!({"role": "customer"}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.json::<Value>().await.unwrap()["role"], "customer");
}

#[tokio::test]
async fn disabling_or_deleting_a_user_signs_them_out_at_once() {
    let app = spawn_stack(|_| {}).await;
    let admin = admin_token(&app).await;
    let victim = app.signed_up("dina").await;
    let me: Value = app
        .get_as(&victim.access_token, "/api/auth/me")
        .await
        .json()
        .await
        .unwrap();
    let path = format!("/api/users/{}", me["id"]);
    assert_eq!(
        app.get_as(&victim.access_token, "/api/cart").await.status(),
        StatusCode::OK
    );

    let r = app
        .send_json(Method::PATCH, &admin, &path, &json!({"disabled": true}))
        .await;
    assert_eq!(r.json::<Value>().await.unwrap()["disabled"], true);
    assert_problem(
        app.get_as(&victim.access_token, "/api/cart").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let refresh = app
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": victim.refresh_token}),
        )
        .await;
    assert_problem(refresh, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    assert_problem(
        app.login("dina", "a good password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;

    // Enabled again, they can sign in; deleted, they are gone.
    app.send_json(Method::PATCH, &admin, &path, &json!({"disabled": false}))
        .await;
    let again: Value = app
        .login("dina", "a good password")
        .await
        .json()
        .await
        .unwrap();
    let r = app
        .request(Method::DELETE, &path)
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert_problem(
        app.get_as(again["access_token"].as_str().unwrap(), "/api/cart")
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    assert_problem(
        app.login("dina", "a good password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_problem(
        app.get_as(&admin, &path).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
