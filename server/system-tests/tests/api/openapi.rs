//! The OpenAPI document covers every public endpoint, with its errors.

use serde_json::Value;
use test_support::spawn_stack;

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
    // What every operation of a kind can answer is documented, with its headers.
    assert!(me["responses"]["401"]["headers"]["WWW-Authenticate"].is_object());
    assert!(me["responses"]["429"]["headers"]["Retry-After"].is_object());
    let register = &paths["/api/auth/register"]["post"]["responses"];
    for status in ["400", "413", "415", "422", "429", "503"] {
        assert!(register[status].is_object(), "register {status}");
    }
    assert!(paths["/api/products/{id}"]["get"]["responses"]["404"].is_object());
    let login = &paths["/api/auth/login"]["post"];
    assert!(login["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["name"] == "X-Refresh-Token-Transport" && p["in"] == "header"));
    assert!(login["responses"]["200"]["headers"]["Set-Cookie"].is_object());
    let checkout = &paths["/api/orders"]["post"];
    assert!(checkout["responses"]["201"]["headers"]["Idempotent-Replayed"].is_object());
    assert_eq!(checkout["requestBody"]["required"], false);
    assert!(
        paths["/api/orders/{id}/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]
            .is_object()
    );
    // The rules are in the schemas.
    let per_page = paths["/api/products"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "per_page")
        .unwrap()["schema"]
        .clone();
    assert_eq!(
        (per_page["minimum"].as_i64(), per_page["maximum"].as_i64()),
        (Some(1), Some(100))
    );
    // Every reference resolves.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "unresolved schema {name}");
    }
}
