//! Admin user management through the gateway.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use test_support::{assert_problem, spawn_stack};

async fn admin_token(app: &test_support::TestApp) -> String {
    app.signed_in_admin().await
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

/// How a racing request removes an admin.
#[derive(Debug, Clone, Copy)]
enum Removal {
    Delete,
    Demote,
    Disable,
}

async fn remove(app: &test_support::TestApp, token: &str, id: &Value, how: Removal) -> StatusCode {
    let path = format!("/api/users/{id}");
    let r = match how {
        Removal::Delete => app
            .request(Method::DELETE, &path)
            .bearer_auth(token)
            .send()
            .await
            .unwrap(),
        Removal::Demote => {
            app.send_json(Method::PATCH, token, &path, &json!({"role": "customer"}))
                .await
        }
        Removal::Disable => {
            app.send_json(Method::PATCH, token, &path, &json!({"disabled": true}))
                .await
        }
    };
    let status = r.status();
    if status.is_client_error() {
        let body: Value = r.json().await.unwrap();
        // The loser either saw the winner's change (409) or its own session already ended (401).
        assert!(
            (status == StatusCode::CONFLICT && body["code"] == "last_admin")
                || (status == StatusCode::UNAUTHORIZED && body["code"] == "unauthorized"),
            "{status} {body}"
        );
    }
    status
}

#[tokio::test]
async fn two_racing_removals_of_the_last_two_admins_leave_one() {
    use Removal::{Delete, Demote, Disable};
    for (first, second) in [
        (Delete, Delete),
        (Delete, Demote),
        (Disable, Demote),
        (Disable, Delete),
    ] {
        for _round in 0..3 {
            let app = spawn_stack(|_| {}).await;
            let admin = admin_token(&app).await;
            let deputy =
                json!({"username": "deputy", "password": "a good password", "role": "admin"});
            let r = app
                .send_json(Method::POST, &admin, "/api/users", &deputy)
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
            let deputy_id = r.json::<Value>().await.unwrap()["id"].clone();
            let me: Value = app
                .get_as(&admin, "/api/auth/me")
                .await
                .json()
                .await
                .unwrap();
            let deputy_token: Value = app
                .login("deputy", "a good password")
                .await
                .json()
                .await
                .unwrap();
            let deputy_token = deputy_token["access_token"].as_str().unwrap().to_owned();
            // Each admin removes the other at the same moment.
            let (a, b) = tokio::join!(
                remove(&app, &admin, &deputy_id, first),
                remove(&app, &deputy_token, &me["id"], second),
            );
            assert_eq!(
                [a, b].iter().filter(|s| s.is_success()).count(),
                1,
                "{first:?} {a} and {second:?} {b}: exactly one wins"
            );
            // Someone can still administer the shop.
            let survivor = if a.is_success() {
                ("admin", shop_auth::DEV_ADMIN_PASSWORD)
            } else {
                ("deputy", "a good password")
            };
            let t: Value = app
                .login(survivor.0, survivor.1)
                .await
                .json()
                .await
                .unwrap();
            let t = t["access_token"].as_str().unwrap();
            let users: Value = app.get_as(t, "/api/users").await.json().await.unwrap();
            let admins = users["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|u| u["role"] == "admin" && u["disabled"] == false)
                .count();
            assert_eq!(admins, 1, "{users}");
        }
    }
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
