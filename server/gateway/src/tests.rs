//! Router-level tests (`tower::ServiceExt::oneshot`): the gateway's routing and layers, with
//! upstreams that cannot be reached, so every answer checked here is the gateway's own.

use super::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode};
use tower::ServiceExt;

/// Nothing listens there: a request that gets through to the forwarder is a 503.
const DEAD: &str = "http://127.0.0.1:9";

struct Fixture {
    state: GatewayState,
    settings: GatewaySettings,
    _dir: tempfile::TempDir,
}

fn fixture(tweak: impl FnOnce(&mut GatewaySettings)) -> Fixture {
    let dir = tempfile::TempDir::new().unwrap();
    let shared = SharedSettings::dev(dir.path());
    let mut settings = GatewaySettings::for_tests();
    tweak(&mut settings);
    let revocations = shared
        .revocations(
            vec![format!("{DEAD}/internal/revocations")],
            Default::default(),
        )
        .unwrap();
    let state = Arc::new(crate::Shared {
        verifier: Arc::new(
            shared
                .jwks_verifier(vec![format!("{DEAD}/api/auth/jwks")])
                .with_revocations(revocations.clone()),
        ),
        client: reqwest::Client::new(),
        upstream: crate::forward::upstream_client(),
        auth: Arc::new(upstream::Pool::new(routes::Service::Auth, &[DEAD.to_owned()]).unwrap()),
        orders: Arc::new(upstream::Pool::new(routes::Service::Orders, &[DEAD.to_owned()]).unwrap()),
        cookie_secure: false,
        upstream_timeout: Duration::from_secs(2),
        limits: Arc::new(protect::RateLimits::new(
            settings.rate_limit_ip_per_min,
            settings.rate_limit_user_per_min,
            settings.rate_limit_auth_per_min,
            Vec::new(),
        )),
        api: Arc::default(),
        revocations,
    });
    Fixture {
        state,
        settings,
        _dir: dir,
    }
}

impl Fixture {
    async fn send(&self, method: Method, path: &str) -> axum::response::Response {
        let site = LeptosOptions::builder().output_name("shop").build();
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .body(Body::empty())
            .unwrap();
        let peer: SocketAddr = "192.0.2.7:5000".parse().unwrap();
        req.extensions_mut().insert(ConnectInfo(peer));
        router(self.state.clone(), site, &self.settings)
            .expect("the site")
            .oneshot(req)
            .await
            .unwrap()
    }
}

async fn code_of(response: axum::response::Response) -> String {
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["code"].as_str().unwrap_or_default().to_owned()
}

/// The orders service's part, as it serves it.
fn orders_part() -> utoipa::openapi::OpenApi {
    serde_json::from_value(serde_json::json!({
        "openapi": "3.1.0",
        "info": {"title": "orders", "version": "1"},
        "paths": {
            "/api/products": {
                "get": {"operationId": "list_products", "responses": {}},
                "post": {"operationId": "create_product", "responses": {}, "security": [{"bearer_auth": []}]}
            },
            "/api/cart": {"get": {"operationId": "get_cart", "responses": {}, "security": [{"bearer_auth": []}]}}
        }
    }))
    .unwrap()
}

#[tokio::test]
async fn unsafe_paths_are_refused_first_with_the_security_headers() {
    let f = fixture(|_| {});
    let r = f.send(Method::GET, "/api/products/%2e%2e/cart").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert!(r.headers().contains_key("content-security-policy"));
    assert_eq!(code_of(r).await, "unsafe_path");
}

#[tokio::test]
async fn the_services_documents_decide_methods_and_tokens() {
    let f = fixture(|_| {});
    f.state.api.learn(routes::Service::Orders, orders_part());
    let r = f.send(Method::GET, "/api/cart").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.headers()["www-authenticate"], "Bearer realm=\"shop\"");
    let r = f.send(Method::PUT, "/api/products").await;
    assert_eq!(r.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.headers()["allow"], "GET, POST, HEAD");
    // A public route goes through to the (dead) upstream.
    let r = f.send(Method::GET, "/api/products").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(code_of(r).await, "service_unavailable");
}

#[tokio::test]
async fn a_route_the_gateway_does_not_know_goes_to_its_service_by_prefix() {
    let f = fixture(|_| {});
    f.state.api.learn(routes::Service::Orders, orders_part());
    // Not in the document: forwarded to orders, which decides (here: cannot be reached).
    let r = f.send(Method::GET, "/api/wishlist").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap();
    assert!(String::from_utf8_lossy(&body).contains("orders"));
}

#[tokio::test]
async fn the_address_limit_comes_before_the_token_check() {
    let f = fixture(|s| s.rate_limit_ip_per_min = 1);
    f.state.api.learn(routes::Service::Orders, orders_part());
    assert_eq!(
        f.send(Method::GET, "/api/cart").await.status(),
        StatusCode::UNAUTHORIZED
    );
    let r = f.send(Method::GET, "/api/cart").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn the_document_is_served_once_every_part_is_known() {
    let f = fixture(|_| {});
    let r = f.send(Method::GET, "/api/openapi.json").await;
    assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
    f.state.api.learn(routes::Service::Orders, orders_part());
    let mut auth = orders_part();
    auth.paths.paths.clear();
    f.state.api.learn(routes::Service::Auth, auth);
    let r = f.send(Method::GET, "/api/openapi.json").await;
    assert_eq!(r.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(r.into_body(), 1 << 22).await.unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    for path in [
        "/api/products",
        "/api/cart",
        "/health/ready",
        "/api/openapi.json",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} is missing");
    }
    // The gateway's own answers are added to every operation.
    assert!(doc["paths"]["/api/cart"]["get"]["responses"]
        .get("429")
        .is_some());
}
