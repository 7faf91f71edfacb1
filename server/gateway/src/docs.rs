//! The OpenAPI 3.1 document of the whole API (utoipa): the gateway's own endpoints merged with
//! the auth and orders services' paths, served at `GET /api/openapi.json` and rendered by the
//! page `/api-docs/` (Swagger UI, shipped in `public/api-docs`, no CDN).

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// `GET /health/live`: the process answers.
#[utoipa::path(get, path = "/health/live", tag = "operations", responses((status = 200, description = "`{\"status\": \"ok\"}`")))]
#[allow(dead_code)]
fn live() {}

/// `GET /health/ready`: whether each service can be reached.
#[utoipa::path(get, path = "/health/ready", tag = "operations", responses(
    (status = 200, description = "`{status, services: {auth: {available}, orders: {available}}}`: `ok` or `degraded` (the detailed report with upstreams, breakers and errors is on the admin listener, `SHOP_ADMIN_ADDR`)"),
    (status = 503, description = "`unavailable` (no service can be reached) or `draining` (shutting down)"),
))]
#[allow(dead_code)]
fn ready() {}

/// `GET /api/openapi.json`: this document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations", responses((status = 200, description = "The OpenAPI 3.1 document")))]
#[allow(dead_code)]
fn openapi_json() {}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer_auth",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "The access token from POST /api/auth/login or /api/auth/refresh: a JWT \
                         (typ at+jwt) signed with EdDSA by a key of GET /api/auth/jwks",
                    ))
                    .build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Bean & Leaf API",
        description = "The shop's JSON API, through the gateway. Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`; amounts are integer cents.",
    ),
    paths(live, ready, openapi_json),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Accounts and tokens"),
        (name = "catalog", description = "Products and categories"),
        (name = "cart", description = "The signed-in user's cart"),
        (name = "orders", description = "Checkout and orders"),
        (name = "admin", description = "Admins only"),
        (name = "operations", description = "Health and this document (metrics are on the admin listener)"),
    ),
)]
struct GatewayDoc;

/// The whole document.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = GatewayDoc::openapi();
    doc.merge(shop_auth::openapi());
    doc.merge(shop_orders::openapi());
    doc
}
