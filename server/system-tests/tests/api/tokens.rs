//! Access tokens as a reviewer would probe them (RFC 8725, RFC 9068): the JWKS, tokens forged in
//! the test with jsonwebtoken, key rotation, and the signing key's settings.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey};
use reqwest::StatusCode;
use serde_json::{json, Value};
use shop_common::config::SharedSettings;
use shop_common::keys::SigningKey;
use std::path::Path;
use std::sync::Arc;
use test_support::{assert_problem, dev_key_path, poll, spawn_orders_with, spawn_stack, TestApp};
use tokio_util::sync::CancellationToken;

/// `header.claims.signature`, signed with `key` by `alg` (or unsigned for `None`).
fn forge(header: &Value, claims: &Value, key: Option<(&EncodingKey, Algorithm)>) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    );
    let signature = match key {
        Some((key, alg)) => jsonwebtoken::crypto::sign(message.as_bytes(), key, alg).unwrap(),
        None => String::new(),
    };
    format!("{message}.{signature}")
}

/// A jsonwebtoken signing key from a PKCS #8 PEM (its base64 body is the DER).
fn ed_key(pem: &str) -> EncodingKey {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    EncodingKey::from_ed_der(
        &base64::engine::general_purpose::STANDARD
            .decode(body)
            .unwrap(),
    )
}

/// The PKCS #8 PEM of the signing key an app's auth service uses.
fn pem_of(app: &TestApp) -> String {
    std::fs::read_to_string(dev_key_path(app.dir.path())).unwrap()
}

fn now() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs(),
    )
    .unwrap()
}

/// Claims as the auth service would issue them for `user_id` in session `sid`.
fn good_claims(user_id: i64, sid: &str) -> Value {
    let now = now();
    json!({
        "iss": "shop-auth", "aud": "shop-api", "sub": user_id.to_string(), "name": "x",
        "role": "customer", "iat": now, "nbf": now, "exp": now + 300,
        "jti": "forged", "sid": sid,
    })
}

/// Tokens that must all be refused, each named for the failure message.
fn forgeries(pem: &str, kid: &str, claims: &Value, refresh_token: &str) -> Vec<(String, String)> {
    let ed = ed_key(pem);
    let signed =
        |header: Value, claims: &Value| forge(&header, claims, Some((&ed, Algorithm::EdDSA)));
    let header = json!({"alg": "EdDSA", "typ": "at+jwt", "kid": kid});
    let with = |name: &str, value: Value| {
        let mut c = claims.clone();
        c[name] = value;
        c
    };
    let without = |name: &str| {
        let mut c = claims.clone();
        c.as_object_mut().unwrap().remove(name);
        c
    };
    let mut out = vec![
        (
            "alg none".to_owned(),
            forge(
                &json!({"alg": "none", "typ": "at+jwt", "kid": kid}),
                claims,
                None,
            ),
        ),
        (
            // The classic confusion: HMAC keyed with the public key everyone can read.
            "HS256 with the public key".to_owned(),
            forge(
                &json!({"alg": "HS256", "typ": "at+jwt", "kid": kid}),
                claims,
                Some((
                    &EncodingKey::from_secret(
                        SigningKey::from_pem(pem, "k")
                            .unwrap()
                            .public_key()
                            .jwk()
                            .x
                            .unwrap()
                            .as_bytes(),
                    ),
                    Algorithm::HS256,
                )),
            ),
        ),
        (
            "typ JWT".to_owned(),
            signed(json!({"alg": "EdDSA", "typ": "JWT", "kid": kid}), claims),
        ),
        (
            "no typ".to_owned(),
            signed(json!({"alg": "EdDSA", "kid": kid}), claims),
        ),
        (
            "no kid".to_owned(),
            signed(json!({"alg": "EdDSA", "typ": "at+jwt"}), claims),
        ),
        (
            "another key under the real kid".to_owned(),
            forge(
                &header,
                claims,
                Some((&ed_key(&SigningKey::generate().to_pem()), Algorithm::EdDSA)),
            ),
        ),
        (
            "another key under its own kid".to_owned(),
            SigningKey::generate().sign(claims).unwrap(),
        ),
        (
            "wrong iss".to_owned(),
            signed(header.clone(), &with("iss", json!("evil"))),
        ),
        (
            "wrong aud".to_owned(),
            signed(header.clone(), &with("aud", json!("other-api"))),
        ),
        (
            "expired".to_owned(),
            signed(header.clone(), &with("exp", json!(now() - 60))),
        ),
        (
            "not yet valid".to_owned(),
            signed(header.clone(), &with("nbf", json!(now() + 120))),
        ),
        (
            "exp a string".to_owned(),
            signed(header.clone(), &with("exp", json!("soon"))),
        ),
        (
            "iat a string".to_owned(),
            signed(header.clone(), &with("iat", json!("now"))),
        ),
        (
            "sub not a user id".to_owned(),
            signed(header.clone(), &with("sub", json!("alice"))),
        ),
        (
            "sub a number".to_owned(),
            signed(header.clone(), &with("sub", json!(1))),
        ),
        (
            "role unknown".to_owned(),
            signed(header.clone(), &with("role", json!("root"))),
        ),
        (
            "sid a number".to_owned(),
            signed(header.clone(), &with("sid", json!(5))),
        ),
        (
            "refresh token as bearer".to_owned(),
            refresh_token.to_owned(),
        ),
        ("garbage".to_owned(), "not.a.token".to_owned()),
    ];
    for claim in [
        "iss", "aud", "sub", "exp", "nbf", "iat", "jti", "role", "sid", "name",
    ] {
        out.push((
            format!("no {claim}"),
            signed(header.clone(), &without(claim)),
        ));
    }
    // A real token with its payload changed to an admin's.
    let real = signed(header.clone(), claims);
    let mut parts: Vec<String> = real.split('.').map(str::to_owned).collect();
    parts[1] = URL_SAFE_NO_PAD.encode(with("role", json!("admin")).to_string());
    out.push(("tampered payload".to_owned(), parts.join(".")));
    out
}

#[tokio::test]
async fn the_jwks_publishes_the_public_signing_key_and_tokens_name_it() {
    let app = spawn_stack(|_| {}).await;
    let r = app.get("/api/auth/jwks").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "application/jwk-set+json");
    let set: Value = r.json().await.unwrap();
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1, "{set}");
    let key = &keys[0];
    assert_eq!(key["kty"], "OKP");
    assert_eq!(key["crv"], "Ed25519");
    assert_eq!(key["alg"], "EdDSA");
    assert_eq!(key["use"], "sig");
    assert!(key.get("d").is_none(), "the private key is never published");

    let token = app.signed_up("jane").await.access_token;
    let header = jsonwebtoken::decode_header(&token).unwrap();
    assert_eq!(header.alg, Algorithm::EdDSA);
    assert_eq!(header.typ.as_deref(), Some("at+jwt"));
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    for claim in [
        "iss", "aud", "sub", "exp", "nbf", "iat", "jti", "role", "sid",
    ] {
        assert!(claims.get(claim).is_some(), "{claim} in {claims}");
    }
}

#[tokio::test]
async fn forged_and_malformed_tokens_are_401_at_the_gateway_and_auth_and_orders() {
    let app = spawn_stack(|_| {}).await;
    let pair = app.signed_up("mallory").await;
    let me: Value = app
        .get_as(&pair.access_token, "/api/auth/me")
        .await
        .json()
        .await
        .unwrap();
    let user_id = me["id"].as_i64().unwrap();
    let sid = serde_json::from_slice::<Value>(
        &URL_SAFE_NO_PAD
            .decode(pair.access_token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap()["sid"]
        .as_str()
        .unwrap()
        .to_owned();
    let kid = jsonwebtoken::decode_header(&pair.access_token)
        .unwrap()
        .kid
        .unwrap();
    let claims = good_claims(user_id, &sid);
    let pem = pem_of(&app);

    // The same claims, properly signed, pass: each refusal below is about its one defect.
    let control = forge(
        &json!({"alg": "EdDSA", "typ": "at+jwt", "kid": kid}),
        &claims,
        Some((&ed_key(&pem), Algorithm::EdDSA)),
    );
    assert_eq!(
        app.get_as(&control, "/api/auth/me").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get_as(&control, "/api/cart").await.status(),
        StatusCode::OK
    );
    let refresh = pair.refresh_token.unwrap();
    for (name, token) in forgeries(&pem, &kid, &claims, &refresh) {
        for path in ["/api/auth/me", "/api/cart", "/api/orders"] {
            let r = app.get_as(&token, path).await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{name} on {path}");
            assert!(r.headers().contains_key("www-authenticate"), "{name}");
        }
        let validated: Value = app
            .request(reqwest::Method::POST, "/api/auth/validate")
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(validated, json!({"active": false}), "{name}");
    }
}

#[tokio::test]
async fn the_orders_service_alone_refuses_forged_tokens_too() {
    let orders = spawn_orders_with(shop_orders::OrdersSettings::for_tests()).await;
    let pem = pem_of(&orders);
    let kid = orders.signer.public_key().kid().to_owned();
    let claims = good_claims(42, "s1");
    assert_eq!(
        orders
            .get_as(&orders.token_for(42), "/api/cart")
            .await
            .status(),
        StatusCode::OK
    );
    for (name, token) in forgeries(&pem, &kid, &claims, "an-opaque-refresh-token") {
        let r = orders.get_as(&token, "/api/cart").await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{name}");
    }
}

#[tokio::test]
async fn without_reachable_keys_the_orders_service_answers_503_not_401() {
    let orders = spawn_orders_with(shop_orders::OrdersSettings {
        jwks_urls: vec!["http://127.0.0.1:9/api/auth/jwks".to_owned()],
        ..shop_orders::OrdersSettings::for_tests()
    })
    .await;
    let r = orders.get_as(&orders.token_for(1), "/api/cart").await;
    assert!(r.headers().contains_key("retry-after"));
    assert_problem(r, StatusCode::SERVICE_UNAVAILABLE, "keys_unavailable").await;
    // Public routes need no key.
    assert_eq!(orders.get("/api/products").await.status(), StatusCode::OK);
}

/// A started auth service, of a type a field can name.
type AuthApp = tower::util::BoxCloneSyncService<
    axum::extract::Request,
    axum::response::Response,
    std::convert::Infallible,
>;

/// An auth service that can be started again with other keys on the same address. The
/// listener stays bound the whole time and each request goes to the current instance, so no
/// other process can take the port between a stop and the next start.
struct Auth {
    addr: std::net::SocketAddr,
    current: Arc<std::sync::RwLock<AuthApp>>,
    _stop: tokio_util::sync::DropGuard,
}

impl Auth {
    async fn start(dir: &Path, mut settings: shop_auth::AuthSettings) -> Self {
        test_support::with_test_databases(dir, Some(&mut settings), None).await;
        let app = shop_auth::app(&SharedSettings::dev(dir), &settings)
            .await
            .unwrap();
        let current = Arc::new(std::sync::RwLock::new(AuthApp::new(app)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let stop = CancellationToken::new();
        // Listeners serve any service: no router is needed around this one.
        let to_current = tower::service_fn({
            let current = current.clone();
            move |req: axum::extract::Request| {
                let app = current.read().unwrap().clone();
                async move { tower::ServiceExt::oneshot(app, req).await }
            }
        });
        tokio::spawn(shop_common::serve::serve(
            listener,
            to_current,
            stop.clone().cancelled_owned(),
        ));
        Self {
            addr,
            current,
            _stop: stop.drop_guard(),
        }
    }

    /// Replaces the running instance with a new one on the same data directory and address.
    async fn restart(&self, dir: &Path, mut settings: shop_auth::AuthSettings) {
        test_support::with_test_databases(dir, Some(&mut settings), None).await;
        let app = shop_auth::app(&SharedSettings::dev(dir), &settings)
            .await
            .unwrap();
        *self.current.write().unwrap() = AuthApp::new(app);
    }
}

fn key_file(dir: &Path, name: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    SigningKey::load_or_generate(&path).unwrap();
    path
}

#[tokio::test]
async fn after_a_rotation_the_new_key_signs_and_the_old_one_verifies_until_it_is_withdrawn() {
    let dir = Arc::new(tempfile::TempDir::new().unwrap());
    let old_key = key_file(dir.path(), "key-1.pem");
    let new_key = key_file(dir.path(), "key-2.pem");
    let auth = Auth::start(
        dir.path(),
        shop_auth::AuthSettings {
            access_token_signing_key: Some(old_key.clone()),
            ..shop_auth::AuthSettings::for_tests()
        },
    )
    .await;
    let auth_url = format!("http://{}", auth.addr);
    let app = spawn_stack(|c| {
        c.gateway.auth_upstreams = vec![auth_url.clone()];
        c.gateway.health_check_interval_ms = 100;
        c.shared.jwks_max_age_secs = 1;
    })
    .await;
    let before = app.signed_up("rotor").await.access_token;
    assert_eq!(
        app.get_as(&before, "/api/cart").await.status(),
        StatusCode::OK
    );

    // Rotation: the new key signs, the old one is still published.
    auth.restart(
        dir.path(),
        shop_auth::AuthSettings {
            access_token_signing_key: Some(new_key.clone()),
            access_token_published_keys: vec![old_key.clone()],
            ..shop_auth::AuthSettings::for_tests()
        },
    )
    .await;
    // (The gateway may need a health check to see auth back.)
    let after: Value = poll(|| async {
        let r = app.login("rotor", "a good password").await;
        if r.status() == StatusCode::OK {
            r.json().await.ok()
        } else {
            None
        }
    })
    .await;
    let after = after["access_token"].as_str().unwrap().to_owned();
    let jwks: Value = app.get("/api/auth/jwks").await.json().await.unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 2, "{jwks}");
    assert_ne!(
        jsonwebtoken::decode_header(&after).unwrap().kid,
        jsonwebtoken::decode_header(&before).unwrap().kid
    );
    // The first token of the new key is accepted (unknown kid: the JWKS is fetched), within a
    // second: a kid that is unknown less than a second after a fetch is refused at once.
    poll(|| async {
        (app.get_as(&after, "/api/cart").await.status() == StatusCode::OK).then_some(())
    })
    .await;
    assert_eq!(
        app.get_as(&after, "/api/auth/me").await.status(),
        StatusCode::OK
    );
    // Tokens of the old key still verify while it is published.
    assert_eq!(
        app.get_as(&before, "/api/cart").await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.get_as(&before, "/api/auth/me").await.status(),
        StatusCode::OK
    );

    // The old key withdrawn: its tokens stop verifying once the cached JWKS is older than
    // SHOP_JWKS_MAX_AGE_SECS (1 s here); the new key's go on.
    auth.restart(
        dir.path(),
        shop_auth::AuthSettings {
            access_token_signing_key: Some(new_key),
            ..shop_auth::AuthSettings::for_tests()
        },
    )
    .await;
    // (Until a health check sees auth back, the gateway answers 503 for its routes.)
    let status = poll(|| async {
        let status = app.get_as(&before, "/api/auth/me").await.status();
        (status != StatusCode::SERVICE_UNAVAILABLE).then_some(status)
    })
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    poll(|| async {
        (app.get_as(&before, "/api/cart").await.status() == StatusCode::UNAUTHORIZED).then_some(())
    })
    .await;
    assert_eq!(
        app.get_as(&after, "/api/cart").await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn dev_mode_creates_a_private_signing_key_once_and_keeps_it() {
    let dir = Arc::new(tempfile::TempDir::new().unwrap());
    let first =
        test_support::spawn_auth_in(dir.clone(), shop_auth::AuthSettings::for_tests()).await;
    let path = dev_key_path(dir.path());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
    }
    let kid = |set: Value| set["keys"][0]["kid"].as_str().unwrap().to_owned();
    let before = kid(first.get("/api/auth/jwks").await.json().await.unwrap());
    drop(first);
    let again =
        test_support::spawn_auth_in(dir.clone(), shop_auth::AuthSettings::for_tests()).await;
    assert_eq!(
        kid(again.get("/api/auth/jwks").await.json().await.unwrap()),
        before
    );
}

#[tokio::test]
async fn outside_dev_mode_a_missing_exposed_weak_or_foreign_key_refuses_to_start() {
    let dir = tempfile::TempDir::new().unwrap();
    let internal_token = dir.path().join("internal-token");
    shop_common::secret_file::create_private(
        &internal_token,
        "0123456789abcdef".repeat(4).as_bytes(),
    )
    .unwrap();
    let production = SharedSettings {
        dev_mode: false,
        internal_token_file: Some(internal_token),
        ..SharedSettings::dev(dir.path())
    };
    let with_key = |path: Option<std::path::PathBuf>| shop_auth::AuthSettings {
        access_token_signing_key: path,
        ..shop_auth::AuthSettings::for_tests()
    };

    let e = refused(
        shop_auth::state(&production, &with_key(None)).await,
        "no key",
    );
    assert!(e.contains("SHOP_ACCESS_TOKEN_SIGNING_KEY"), "{e}");

    let good = key_file(dir.path(), "good.pem");
    assert!(shop_auth::state(&production, &with_key(Some(good.clone())))
        .await
        .is_ok());

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let exposed = dir.path().join("exposed.pem");
        std::fs::copy(&good, &exposed).unwrap();
        std::fs::set_permissions(&exposed, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = refused(
            shop_auth::state(&production, &with_key(Some(exposed))).await,
            "a world-readable key",
        );
        assert!(e.contains("readable"), "{e}");
    }

    // The private key of RFC 8032 §7.1 test 1, as documentation shows it.
    let example = write_private(
        dir.path(),
        "example.pem",
        "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIJ1hsZ3v/VpguoRK9JLsLMREScVpezJpGXA7rAMcrn9g\n-----END PRIVATE KEY-----\n",
    );
    let e = refused(
        shop_auth::state(&production, &with_key(Some(example))).await,
        "the RFC 8032 example key",
    );
    assert!(e.contains("example"), "{e}");

    let hmac = write_private(
        dir.path(),
        "secret.pem",
        "a-long-shared-secret-a-long-shared-secret\n",
    );
    let e = refused(
        shop_auth::state(&production, &with_key(Some(hmac))).await,
        "a shared secret",
    );
    assert!(e.contains("Ed25519"), "{e}");
}

fn refused<T, E: std::fmt::Display>(result: Result<T, E>, what: &str) -> String {
    match result {
        Ok(_) => panic!("{what} started"),
        Err(e) => e.to_string(),
    }
}

fn write_private(dir: &Path, name: &str, content: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    path
}

#[tokio::test]
async fn tokens_with_made_up_key_ids_are_refused_at_once_and_fetch_at_most_once_a_second() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // A JWKS endpoint that counts its fetches.
    let published = SigningKey::generate();
    let set = shop_common::keys::jwk_set([published.public_key()]);
    let fetches = Arc::new(AtomicUsize::new(0));
    let counter = fetches.clone();
    let stub = axum::Router::new().route(
        "/jwks",
        axum::routing::get(move || {
            counter.fetch_add(1, Ordering::SeqCst);
            let set = set.clone();
            async move { axum::Json(set) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/jwks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, stub).await });
    let orders = spawn_orders_with(shop_orders::OrdersSettings {
        jwks_urls: vec![url],
        ..shop_orders::OrdersSettings::for_tests()
    })
    .await;
    // Nine tokens, each signed by a key nobody publishes, the last eight at the same moment.
    let tokens: Vec<String> = (0..9)
        .map(|i| {
            SigningKey::generate()
                .issue(
                    i,
                    "mallory",
                    api_types::auth::Role::Customer,
                    "s",
                    std::time::Duration::from_secs(600),
                )
                .unwrap()
        })
        .collect();
    let first = orders.get_as(&tokens[0], "/api/cart").await;
    assert_problem(first, StatusCode::UNAUTHORIZED, "unauthorized").await;
    let answers =
        futures::future::join_all(tokens[1..].iter().map(|t| orders.get_as(t, "/api/cart"))).await;
    for r in answers {
        assert_problem(r, StatusCode::UNAUTHORIZED, "unauthorized").await;
    }
    // The start-up fetch and at most one more: the others were refused without queueing for
    // the next allowed fetch (which would have made one fetch a second, nine in all).
    let n = fetches.load(Ordering::SeqCst);
    assert!((1..=2).contains(&n), "{n} fetches");
}
