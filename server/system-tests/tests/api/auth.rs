//! The auth service alone, over real HTTP.

use reqwest::StatusCode;
use serde_json::{json, Value};
use test_support::{assert_problem, spawn_auth, spawn_auth_in};

#[tokio::test]
async fn registering_returns_201_with_the_user_and_never_the_hash() {
    let app = spawn_auth().await;
    let r = app
        .post_json(
            "/api/auth/register",
            &json!({"username": "Alice", "password": "correct horse", "email": "a@example.com"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let text = r.text().await.unwrap();
    assert!(
        !text.contains("argon2") && !text.contains("password"),
        "{text}"
    );
    let user: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(user["username"], "alice");
    assert_eq!(user["email"], "a@example.com");
    assert_eq!(user["role"], "customer");
}

#[tokio::test]
async fn a_taken_username_is_409_whatever_its_case() {
    let app = spawn_auth().await;
    assert_eq!(
        app.register("bob", "a good password").await.status(),
        StatusCode::CREATED
    );
    assert_problem(
        app.register("BOB", "another password").await,
        StatusCode::CONFLICT,
        "username_taken",
    )
    .await;
}

#[tokio::test]
async fn invalid_registrations_are_4xx_problems() {
    let app = spawn_auth().await;
    let cases = [
        (
            json!({"username": "al", "password": "long enough"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"username": "alice", "password": "short"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"username": "alice", "password": "p".repeat(129)}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"username": "alice", "password": "long enough", "email": "nope"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            json!({"username": "alice"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json!({"username": 5, "password": "long enough"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (
            json!({"username": "alice", "password": "long enough", "role": "admin"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
        ),
        (json!([]), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
    ];
    for (body, status, code) in cases {
        assert_problem(
            app.post_json("/api/auth/register", &body).await,
            status,
            code,
        )
        .await;
    }
    // A validation problem names the field and the rule it broke, for clients to show their
    // own words next to the field (the `errors` extension member).
    for (body, field, rule) in [
        (
            json!({"username": "al", "password": "long enough"}),
            "username",
            "length",
        ),
        (
            json!({"username": "al ice", "password": "long enough"}),
            "username",
            "characters",
        ),
        (
            json!({"username": "_alice", "password": "long enough"}),
            "username",
            "start",
        ),
        (
            json!({"username": "alice", "password": "short"}),
            "password",
            "length",
        ),
        (
            json!({"username": "alice", "password": "long enough", "email": "nope"}),
            "email",
            "format",
        ),
        (
            json!({"username": "alice", "password": "password1"}),
            "password",
            "common_password",
        ),
    ] {
        let problem = assert_problem(
            app.post_json("/api/auth/register", &body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(
            problem["errors"],
            json!([{"field": field, "code": rule}]),
            "{body}"
        );
    }
    let r = app
        .request(reqwest::Method::POST, "/api/auth/register")
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::BAD_REQUEST, "malformed_json").await;
    let r = app
        .request(reqwest::Method::POST, "/api/auth/register")
        .body("username=a")
        .send()
        .await
        .unwrap();
    assert_problem(
        r,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    let huge = json!({"username": "alice", "password": "x".repeat(100_000)});
    assert_problem(
        app.post_json("/api/auth/register", &huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
    )
    .await;
}

#[tokio::test]
async fn login_returns_a_bearer_token_pair() {
    let app = spawn_auth().await;
    let tokens = app.signed_up("carol").await;
    assert_eq!(tokens.token_type, "Bearer");
    assert_eq!(tokens.expires_in, 900);
    assert_eq!(tokens.refresh_expires_in, 30 * 24 * 3600);
    assert!(tokens
        .refresh_token
        .as_deref()
        .is_some_and(|t| t.len() >= 43));
    let me: Value = app
        .get_as(&tokens.access_token, "/api/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "carol");
}

#[tokio::test]
async fn an_unknown_user_and_a_wrong_password_get_the_same_answer() {
    let app = spawn_auth().await;
    app.signed_up("dave").await;
    let wrong = assert_problem(
        app.login("dave", "not the password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let unknown = assert_problem(
        app.login("nobody", "not the password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let invalid = assert_problem(
        app.login("x", "").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong, invalid);
}

#[tokio::test]
async fn a_refresh_rotates_the_token_and_a_reused_one_ends_the_session() {
    let app = spawn_auth_in(
        std::sync::Arc::new(tempfile::TempDir::new().unwrap()),
        shop_auth::AuthSettings {
            refresh_reuse_grace_secs: 0,
            ..shop_auth::AuthSettings::for_tests()
        },
    )
    .await;
    let first = app.signed_up("erin").await.refresh_token.unwrap();
    let r = app
        .post_json("/api/auth/refresh", &json!({"refresh_token": first}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let second: Value = r.json().await.unwrap();
    let second = second["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(first, second);
    // The rotated token is refused, and its reuse revokes the whole family.
    let reuse = app
        .post_json("/api/auth/refresh", &json!({"refresh_token": first}))
        .await;
    assert_problem(reuse, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let after = app
        .post_json("/api/auth/refresh", &json!({"refresh_token": second}))
        .await;
    assert_problem(after, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
}

#[tokio::test]
async fn logout_ends_the_refresh_token_and_is_idempotent() {
    let app = spawn_auth().await;
    let refresh = app.signed_up("frank").await.refresh_token.unwrap();
    for _ in 0..2 {
        let r = app
            .post_json("/api/auth/logout", &json!({"refresh_token": refresh}))
            .await;
        assert_eq!(r.status(), StatusCode::NO_CONTENT);
    }
    let r = app
        .post_json("/api/auth/refresh", &json!({"refresh_token": refresh}))
        .await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
}

#[tokio::test]
async fn me_needs_a_valid_access_token() {
    let app = spawn_auth().await;
    let r = app.get("/api/auth/me").await;
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"shop\"");
    assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    assert_problem(
        app.get_as("not.a.jwt", "/api/auth/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let refresh = app.signed_up("gina").await.refresh_token.unwrap();
    assert_problem(
        app.get_as(&refresh, "/api/auth/me").await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
}

#[tokio::test]
async fn dev_mode_seeds_demo_and_admin() {
    let app = spawn_auth().await;
    assert_eq!(
        app.login("demo", shop_auth::DEV_DEMO_PASSWORD)
            .await
            .status(),
        StatusCode::OK
    );
    let tokens: Value = app
        .login("admin", shop_auth::DEV_ADMIN_PASSWORD)
        .await
        .json()
        .await
        .unwrap();
    let me: Value = app
        .get_as(tokens["access_token"].as_str().unwrap(), "/api/auth/me")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "admin");
}

#[tokio::test]
async fn accounts_survive_a_restart() {
    let app = spawn_auth().await;
    app.signed_up("hank").await;
    let dir = app.dir.clone();
    drop(app);
    let again = spawn_auth_in(dir, shop_auth::AuthSettings::for_tests()).await;
    assert_eq!(
        again.login("hank", "a good password").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn health_checks_answer() {
    let app = spawn_auth().await;
    assert_eq!(app.get("/health/live").await.status(), StatusCode::OK);
    let ready: Value = app.get("/health/ready").await.json().await.unwrap();
    assert_eq!(ready["status"], "ok");
    assert_problem(app.get("/nope").await, StatusCode::NOT_FOUND, "not_found").await;
    let r = app
        .request(reqwest::Method::DELETE, "/api/auth/login")
        .send()
        .await
        .unwrap();
    assert_problem(r, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
}

#[tokio::test]
async fn a_common_password_is_refused() {
    let app = spawn_auth().await;
    for common in ["password", "iloveyou", "Qwertyuiop"] {
        let body = assert_problem(
            app.register("ursula", common).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert!(
            body["detail"].as_str().unwrap().contains("common"),
            "{body}"
        );
    }
}

#[tokio::test]
async fn changing_the_password_ends_every_other_session() {
    let app = spawn_auth().await;
    let here = app.signed_up("vera").await;
    let elsewhere: Value = app
        .login("vera", "a good password")
        .await
        .json()
        .await
        .unwrap();
    let change = |current: &str, new: &str| {
        app.request(reqwest::Method::POST, "/api/auth/password")
            .bearer_auth(&here.access_token)
            .json(&json!({"current_password": current, "new_password": new}))
            .send()
    };
    assert_problem(
        change("not it", "a new good password").await.unwrap(),
        StatusCode::FORBIDDEN,
        "wrong_password",
    )
    .await;
    let common = assert_problem(
        change("a good password", "password").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    // The refused field is the body's `new_password`.
    assert_eq!(
        common["errors"],
        json!([{"field": "new_password", "code": "common_password"}])
    );
    assert_problem(
        change("a good password", "short").await.unwrap(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        change("a good password", "a new good password")
            .await
            .unwrap()
            .status(),
        StatusCode::NO_CONTENT
    );

    assert_problem(
        app.login("vera", "a good password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    assert_eq!(
        app.login("vera", "a new good password").await.status(),
        StatusCode::OK
    );
    let other = app
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": elsewhere["refresh_token"]}),
        )
        .await;
    assert_problem(other, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    let this = app
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": here.refresh_token.unwrap()}),
        )
        .await;
    assert_eq!(this.status(), StatusCode::OK, "this session goes on");
}

#[tokio::test]
async fn repeated_failed_sign_ins_back_off_per_username_only() {
    let app = spawn_auth().await;
    app.signed_up("walt").await;
    app.signed_up("xena").await;
    for _ in 0..5 {
        assert_problem(
            app.login("walt", "wrong password").await,
            StatusCode::UNAUTHORIZED,
            "invalid_credentials",
        )
        .await;
    }
    // Now even the right password waits, with Retry-After.
    let r = app.login("walt", "a good password").await;
    assert!(
        r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse::<u64>()
            .unwrap()
            >= 1
    );
    assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    // Another account is not affected; an unknown name backs off the same way.
    assert_eq!(
        app.login("xena", "a good password").await.status(),
        StatusCode::OK
    );
    for _ in 0..5 {
        app.login("nobody-here", "wrong password").await;
    }
    assert_problem(
        app.login("nobody-here", "wrong password").await,
        StatusCode::TOO_MANY_REQUESTS,
        "too_many_attempts",
    )
    .await;
}

async fn login_from(app: &test_support::TestApp, agent: &str) -> Value {
    app.request(reqwest::Method::POST, "/api/auth/login")
        .header("user-agent", agent)
        .json(&json!({"username": "yuri", "password": "a good password"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn my_sessions_are_listed_and_one_can_be_ended() {
    let app = spawn_auth().await;
    assert_eq!(
        app.register("yuri", "a good password").await.status(),
        StatusCode::CREATED
    );
    let laptop = login_from(&app, "Laptop/1.0").await;
    let phone = login_from(&app, "Phone/2.0").await;
    let laptop_token = laptop["access_token"].as_str().unwrap();
    let sessions: Vec<Value> = app
        .get_as(laptop_token, "/api/auth/sessions")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(sessions.len(), 2);
    let current: Vec<&Value> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["user_agent"], "Laptop/1.0");
    let phone_id = sessions
        .iter()
        .find(|s| s["user_agent"] == "Phone/2.0")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let end = |id: String| {
        app.request(reqwest::Method::DELETE, &format!("/api/auth/sessions/{id}"))
            .bearer_auth(laptop_token)
            .send()
    };
    assert_eq!(
        end(phone_id.clone()).await.unwrap().status(),
        StatusCode::NO_CONTENT
    );
    assert_problem(
        end(phone_id).await.unwrap(),
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // The phone's refresh token and access token both stop working.
    let r = app
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": phone["refresh_token"]}),
        )
        .await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
    assert_problem(
        app.get_as(phone["access_token"].as_str().unwrap(), "/api/auth/me")
            .await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    )
    .await;
    let left: Vec<Value> = app
        .get_as(laptop_token, "/api/auth/sessions")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(left.len(), 1);
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_at_once() {
    let app = spawn_auth().await;
    assert_eq!(
        app.register("yuri", "a good password").await.status(),
        StatusCode::CREATED
    );
    let a = login_from(&app, "A").await;
    let b = login_from(&app, "B").await;
    let r = app
        .request(reqwest::Method::POST, "/api/auth/logout-all")
        .bearer_auth(a["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    for s in [&a, &b] {
        let r = app
            .post_json(
                "/api/auth/refresh",
                &json!({"refresh_token": s["refresh_token"]}),
            )
            .await;
        assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
        assert_problem(
            app.get_as(s["access_token"].as_str().unwrap(), "/api/auth/me")
                .await,
            StatusCode::UNAUTHORIZED,
            "unauthorized",
        )
        .await;
    }
}

#[tokio::test]
async fn two_refreshes_at_once_leave_exactly_one_live_successor() {
    let app = spawn_auth().await;
    let token = app.signed_up("yves").await.refresh_token.unwrap();
    let body = json!({"refresh_token": token});
    let (a, b) = tokio::join!(
        app.post_json("/api/auth/refresh", &body),
        app.post_json("/api/auth/refresh", &body)
    );
    let mut statuses = [a.status(), b.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::UNAUTHORIZED]);
    let winner: Value = if a.status() == StatusCode::OK {
        a.json().await.unwrap()
    } else {
        b.json().await.unwrap()
    };
    // The session goes on with the winner's successor.
    let next = app
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": winner["refresh_token"]}),
        )
        .await;
    assert_eq!(next.status(), StatusCode::OK);
}

fn production(dir: &std::path::Path) -> shop_common::config::SharedSettings {
    let token = dir.join("internal-token");
    shop_common::secret_file::create_private(&token, "0123456789abcdef".repeat(4).as_bytes())
        .unwrap();
    shop_common::config::SharedSettings {
        dev_mode: false,
        internal_token_file: Some(token),
        ..shop_common::config::SharedSettings::dev(dir)
    }
}

/// Auth settings outside dev mode: a fresh signing key in `dir` (mode 0600).
fn production_auth(dir: &std::path::Path) -> shop_auth::AuthSettings {
    let path = dir.join("signing-key.pem");
    shop_common::keys::SigningKey::load_or_generate(&path).unwrap();
    shop_auth::AuthSettings {
        access_token_signing_key: Some(path),
        ..shop_auth::AuthSettings::for_tests()
    }
}

#[tokio::test]
async fn outside_dev_mode_a_bootstrap_setting_creates_the_first_admin_and_nothing_else() {
    let dir = tempfile::TempDir::new().unwrap();
    let settings = shop_auth::AuthSettings {
        bootstrap_admin: Some("root".to_owned()),
        bootstrap_admin_password: Some(secrecy::SecretString::from(
            "a strong admin passphrase".to_owned(),
        )),
        ..production_auth(dir.path())
    };
    let state = shop_auth::state(&production(dir.path()), &settings)
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(shop_common::serve::serve(
        listener,
        shop_auth::router(state),
        std::future::pending(),
    ));
    let http = reqwest::Client::new();
    let login = |user: &str, password: &str| {
        http.post(format!("{base}/api/auth/login"))
            .json(&json!({"username": user, "password": password}))
            .send()
    };
    assert_eq!(
        login("root", "a strong admin passphrase")
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    // No dev accounts outside dev mode.
    assert_eq!(
        login("demo", shop_auth::DEV_DEMO_PASSWORD)
            .await
            .unwrap()
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_weak_bootstrap_password_refuses_to_start() {
    let dir = tempfile::TempDir::new().unwrap();
    let weak = shop_auth::AuthSettings {
        bootstrap_admin: Some("root".to_owned()),
        bootstrap_admin_password: Some(secrecy::SecretString::from("password".to_owned())),
        ..production_auth(dir.path())
    };
    let refused = shop_auth::state(&production(dir.path()), &weak).await;
    assert!(refused.is_err());
    let strong = shop_auth::AuthSettings {
        bootstrap_admin_password: Some(secrecy::SecretString::from(
            "a strong admin passphrase".to_owned(),
        )),
        ..weak
    };
    assert!(shop_auth::state(&production(dir.path()), &strong)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_session_ends_at_its_absolute_expiry_however_often_it_is_refreshed() {
    let app = spawn_auth_in(
        std::sync::Arc::new(tempfile::TempDir::new().unwrap()),
        shop_auth::AuthSettings {
            session_max_age_secs: 2,
            ..shop_auth::AuthSettings::for_tests()
        },
    )
    .await;
    let first = app.signed_up("abel").await;
    assert!(
        first.refresh_expires_in <= 2,
        "{}",
        first.refresh_expires_in
    );
    let r = app
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": first.refresh_token}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let second: Value = r.json().await.unwrap();
    assert!(second["refresh_expires_in"].as_u64().unwrap() <= 2);
    // Let the session's two seconds pass (the point of the test), then the successor is dead.
    tokio::time::sleep(std::time::Duration::from_millis(3100)).await;
    let r = app
        .post_json(
            "/api/auth/refresh",
            &json!({"refresh_token": second["refresh_token"]}),
        )
        .await;
    assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_refresh_token").await;
}

async fn login_via(
    app: &test_support::TestApp,
    forwarded_for: &str,
    username: &str,
    password: &str,
) -> reqwest::Response {
    // The test client connects from 127.0.0.1, a trusted proxy by default, as the gateway does.
    app.request(reqwest::Method::POST, "/api/auth/login")
        .header("x-forwarded-for", forwarded_for)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn failing_a_password_from_afar_does_not_lock_its_owner_out() {
    let app = spawn_auth().await;
    app.signed_up("walt").await;
    for _ in 0..5 {
        let r = login_via(&app, "203.0.113.9", "walt", "wrong password").await;
        assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // The guessing address waits, even with the right password; the owner does not.
    let r = login_via(&app, "203.0.113.9", "walt", "a good password").await;
    assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let r = login_via(&app, "198.51.100.7", "walt", "a good password").await;
    assert_eq!(r.status(), StatusCode::OK);
    // Many addresses together reach the per-username ceiling: those that failed wait, a
    // client that has not failed still signs in.
    for i in 0..20 {
        let r = login_via(
            &app,
            &format!("203.0.113.{}", 100 + i),
            "walt",
            "wrong password",
        )
        .await;
        assert_problem(r, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let r = login_via(&app, "203.0.113.100", "walt", "a good password").await;
    assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let r = login_via(&app, "192.0.2.50", "walt", "a good password").await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn guessing_the_current_password_to_change_it_backs_off() {
    let app = spawn_auth().await;
    let t = app.signed_up("uma").await.access_token;
    let change = |current: &'static str| {
        app.request(reqwest::Method::POST, "/api/auth/password")
            .bearer_auth(&t)
            .json(&json!({"current_password": current, "new_password": "another good password"}))
            .send()
    };
    for _ in 0..5 {
        assert_problem(
            change("wrong guess").await.unwrap(),
            StatusCode::FORBIDDEN,
            "wrong_password",
        )
        .await;
    }
    let r = change("a good password").await.unwrap();
    assert!(r.headers().contains_key("retry-after"));
    assert_problem(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[tokio::test]
async fn a_password_is_the_same_in_any_unicode_form() {
    let app = spawn_auth().await;
    // Registered with a composed "é" (U+00E9); typed later with "e" + U+0301 and a full-width A.
    assert_eq!(
        app.register("zoe", "caf\u{e9} au lait Amsterdam")
            .await
            .status(),
        StatusCode::CREATED
    );
    let r = app
        .login("zoe", "cafe\u{301} au lait \u{ff21}msterdam")
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_burst_of_sign_ins_beyond_the_hashing_slots_is_told_to_retry() {
    let dir = std::sync::Arc::new(tempfile::TempDir::new().unwrap());
    let app = test_support::spawn_auth_in(
        dir,
        shop_auth::AuthSettings {
            password_hash_concurrency: 1,
            password_hash_max_wait_ms: 0,
            ..shop_auth::AuthSettings::for_tests()
        },
    )
    .await;
    app.signed_up("burst").await;
    let addresses: Vec<String> = (0..32).map(|i| format!("192.0.2.{i}")).collect();
    let answers = futures::future::join_all(
        addresses
            .iter()
            .map(|ip| login_via(&app, ip, "burst", "a good password")),
    )
    .await;
    let mut busy = 0;
    for r in answers {
        if r.status() == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(r.headers()["retry-after"], "1");
            assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "busy").await;
            busy += 1;
        } else {
            assert_eq!(r.status(), StatusCode::OK);
        }
    }
    assert!(
        busy > 0,
        "one hashing slot and no wait: some of 32 sign-ins at once are refused"
    );
    // It passes: the next sign-in alone is served.
    assert_eq!(
        app.login("burst", "a good password").await.status(),
        StatusCode::OK
    );
}
