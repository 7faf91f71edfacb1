//! The OpenAPI document covers every public endpoint, with its errors.

mod support;

use serde_json::Value;
use support::spawn_stack;

/// Every route the API serves, as (method, path template).
const ROUTES: &[(&str, &str)] = &[
    ("post", "/api/auth/register"),
    ("post", "/api/auth/login"),
    ("post", "/api/auth/refresh"),
    ("post", "/api/auth/logout"),
    ("get", "/api/auth/me"),
    ("post", "/api/auth/password"),
    ("get", "/api/auth/sessions"),
    ("delete", "/api/auth/sessions/{id}"),
    ("post", "/api/auth/logout-all"),
    ("post", "/api/auth/validate"),
    ("get", "/api/auth/jwks"),
    ("get", "/api/users"),
    ("post", "/api/users"),
    ("get", "/api/users/{id}"),
    ("patch", "/api/users/{id}"),
    ("delete", "/api/users/{id}"),
    ("get", "/api/products"),
    ("post", "/api/products"),
    ("get", "/api/products/{id}"),
    ("patch", "/api/products/{id}"),
    ("delete", "/api/products/{id}"),
    ("get", "/api/categories"),
    ("get", "/api/admin/products"),
    ("get", "/api/cart"),
    ("put", "/api/cart/items/{product_id}"),
    ("delete", "/api/cart/items/{product_id}"),
    ("post", "/api/orders"),
    ("get", "/api/orders"),
    ("get", "/api/orders/{id}"),
    ("post", "/api/orders/{id}/cancel"),
    ("patch", "/api/orders/{id}/status"),
    ("get", "/api/orders/{id}/events"),
    ("get", "/api/admin/orders"),
    ("get", "/health/live"),
    ("get", "/health/ready"),
    ("get", "/api/openapi.json"),
];

#[tokio::test]
async fn the_document_is_openapi_3_1_and_covers_every_route_with_its_errors() {
    let app = spawn_stack(|_| {}).await;
    let r = app.get("/api/openapi.json").await;
    assert_eq!(r.status(), 200);
    let doc: Value = r.json().await.unwrap();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in ROUTES {
        let op = &paths
            .get(*path)
            .unwrap_or_else(|| panic!("{path} is missing"))[*method];
        assert!(op.is_object(), "{method} {path} is missing");
        assert!(
            op["responses"].as_object().is_some_and(|r| !r.is_empty()),
            "{method} {path} has no responses"
        );
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        ROUTES.len(),
        "a documented operation is not in ROUTES"
    );
    // Protected operations declare the bearer scheme and their 401.
    let me = &paths["/api/auth/me"]["get"];
    assert_eq!(me["security"][0]["bearer_auth"], serde_json::json!([]));
    assert!(me["responses"]["401"].is_object());
    assert!(doc["components"]["securitySchemes"]["bearer_auth"].is_object());
    // Errors are problem details.
    let taken = &paths["/api/auth/register"]["post"]["responses"]["409"]["content"]
        ["application/problem+json"];
    assert!(taken["schema"]["$ref"]
        .as_str()
        .unwrap()
        .ends_with("/Problem"));
    // Every reference resolves.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "unresolved schema {name}");
    }
}
