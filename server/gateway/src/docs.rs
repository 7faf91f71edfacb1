//! The OpenAPI 3.1 document of the whole API (utoipa): the gateway's own endpoints merged with
//! the parts the auth and orders services serve ([`crate::api_map`]), plus what the gateway adds
//! to every operation (its own problems, the refresh cookie). Served at `GET /api/openapi.json`
//! and rendered by the page `/api-docs/` (Swagger UI, shipped in `public/api-docs`, no CDN).

use utoipa::openapi::content::Content;
use utoipa::openapi::header::{Header, HeaderBuilder};
use utoipa::openapi::path::ParameterIn;
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{Ref, RefOr};
use utoipa::{Modify, OpenApi};

/// `GET /health/live`: the process answers.
#[utoipa::path(
    get,
    path = "/health/live",
    tag = "operations",
    responses(
        (status = 200, description = "`{\"status\": \"ok\"}`"),
    ),
)]
#[allow(dead_code)]
fn live() {}

/// `GET /health/ready`: whether each service can be reached.
#[utoipa::path(
    get,
    path = "/health/ready",
    tag = "operations",
    responses(
        (status = 200, description = "`{status, services: {auth: {available}, orders: {available}}}`: `ok` or `degraded` (the detailed report with upstreams, breakers and errors is on the admin listener, `SHOP_ADMIN_ADDR`)"),
        (status = 503, description = "`unavailable` (no service can be reached) or `draining` (shutting down)"),
    ),
)]
#[allow(dead_code)]
fn ready() {}

/// `GET /api/openapi.json`: this document.
#[utoipa::path(
    get,
    path = "/api/openapi.json",
    tag = "operations",
    responses(
        (status = 200, description = "The OpenAPI 3.1 document"),
    ),
)]
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
    components(schemas(api_types::Problem, api_types::FieldError)),
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

/// The whole document: the gateway's part merged with the `services`' parts.
pub fn document(
    services: impl IntoIterator<Item = utoipa::openapi::OpenApi>,
) -> utoipa::openapi::OpenApi {
    let mut doc = GatewayDoc::openapi();
    for part in services {
        doc.merge(part);
    }
    complete_responses(&mut doc);
    document_refresh_cookie(&mut doc);
    doc
}

/// The browser's refresh-token transport, which the gateway adds to login, refresh and logout
/// (see [`crate::refresh_cookie`]): the `X-Refresh-Token-Transport: cookie` request header and
/// the `Set-Cookie` it answers with.
fn document_refresh_cookie(doc: &mut utoipa::openapi::OpenApi) {
    use api_types::auth::paths;
    use utoipa::openapi::path::{Parameter, ParameterBuilder};
    use utoipa::openapi::Required;
    for path in [paths::LOGIN, paths::REFRESH, paths::LOGOUT] {
        let Some(op) = doc.paths.paths.get_mut(path).and_then(|i| i.post.as_mut()) else {
            continue;
        };
        let transport: Parameter = ParameterBuilder::new()
            .name("X-Refresh-Token-Transport")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "`cookie`: the refresh token travels in an HttpOnly cookie, not in the body (the \
                 browser app); the request must then come from this site (`Origin`). Any other \
                 value is the same as no header.",
            ))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build();
        op.parameters.get_or_insert_with(Vec::new).push(transport);
        if path != paths::LOGIN {
            // With the cookie the body is empty; without either there is nothing to refresh
            // (401 `invalid_refresh_token`) or to end (204).
            if let Some(body) = op.request_body.as_mut() {
                body.required = Some(utoipa::openapi::Required::False);
            }
        }
        for (status, response) in op.responses.responses.iter_mut() {
            if let (true, RefOr::T(r)) = (status.starts_with('2'), response) {
                r.headers.insert(
                    "Set-Cookie".to_owned(),
                    header("With `X-Refresh-Token-Transport: cookie`: the refresh token cookie `shop_refresh` (HttpOnly, SameSite=Strict) and the session hint `shop_session_hint=1` (path /, readable by scripts, no secret), or their removal"),
                );
            }
        }
    }
}

/// A problem response: `application/problem+json` with the `Problem` schema.
fn problem_response(description: &str, headers: &[(&str, &str)]) -> Response {
    let mut r = ResponseBuilder::new().description(description).content(
        "application/problem+json",
        Content::new(Some(Ref::from_schema_name("Problem"))),
    );
    for (name, about) in headers {
        r = r.header(*name, header(about));
    }
    r.build()
}

fn header(description: &str) -> Header {
    HeaderBuilder::new()
        .schema(ObjectBuilder::new().schema_type(Type::String))
        .description(Some(description))
        .build()
}

const RETRY_AFTER: (&str, &str) = ("Retry-After", "Seconds to wait before trying again");

/// Gives every error answer without a body the problem body (`application/problem+json`,
/// the `Problem` schema), and adds, in one place, the answers every operation of a kind can give, so that no handler
/// repeats them and none is forgotten (RFC 9457 problems with their `code`):
/// - every `/api` operation: 400 `unsafe_path`, 429 `rate_limited` and 503
///   `service_unavailable` (with `Retry-After`);
/// - with a request body: 400 `malformed_json`, 413 `payload_too_large`, 415
///   `unsupported_media_type`, 422 `invalid_body`;
/// - with query parameters: 400 `invalid_query`, 422 `validation_failed`;
/// - with path parameters: 404 `not_found` (also for an id that is not a number);
/// - with a bearer token: 401 `unauthorized` with `WWW-Authenticate`, 503 `keys_unavailable`.
fn complete_responses(doc: &mut utoipa::openapi::OpenApi) {
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/") {
            continue;
        }
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            // The services declare their errors by status and code only; each is a problem.
            for (status, response) in op.responses.responses.iter_mut() {
                let is_error = status.starts_with('4') || status.starts_with('5');
                if let (true, RefOr::T(r)) = (is_error, response) {
                    if r.content.is_empty() {
                        r.content.insert(
                            "application/problem+json".to_owned(),
                            Content::new(Some(Ref::from_schema_name("Problem"))),
                        );
                    }
                }
            }
            let params = op.parameters.as_deref().unwrap_or_default();
            let has_query = params.iter().any(|p| p.parameter_in == ParameterIn::Query);
            let has_path = params.iter().any(|p| p.parameter_in == ParameterIn::Path);
            let has_body = op.request_body.is_some();
            let bearer = op.security.as_ref().is_some_and(|s| !s.is_empty());
            let mut add = |status: &str, description: &str, headers: &[(&str, &str)]| {
                let responses = &mut op.responses.responses;
                match responses.get_mut(status) {
                    Some(RefOr::T(existing)) => {
                        for (name, about) in headers {
                            existing
                                .headers
                                .entry((*name).to_owned())
                                .or_insert_with(|| header(about));
                        }
                    }
                    Some(RefOr::Ref(_)) => {}
                    None => {
                        responses.insert(
                            status.to_owned(),
                            RefOr::T(problem_response(description, headers)),
                        );
                    }
                }
            };
            add("400", "`unsafe_path`: a path with dot segments, encoded separators, `;` or `//`; `malformed_json`; `invalid_query`", &[]);
            add(
                "429",
                "`rate_limited` (or `too_many_attempts`), with `Retry-After`",
                &[RETRY_AFTER],
            );
            add("503", "`service_unavailable` (the service cannot be reached) or `keys_unavailable`, with `Retry-After`", &[RETRY_AFTER]);
            if has_body {
                add(
                    "413",
                    "`payload_too_large`: bodies are limited to 1 MiB",
                    &[],
                );
                add("415", "`unsupported_media_type`: the body must be sent as `Content-Type: application/json`", &[]);
                add("422", "`invalid_body` (not a JSON object, or wrong fields or types) or `validation_failed`", &[]);
            }
            if has_query {
                add(
                    "422",
                    "`validation_failed`: a query value out of its range",
                    &[],
                );
            }
            if has_path {
                add("404", "`not_found`", &[]);
            }
            if bearer {
                add(
                    "401",
                    "`unauthorized`: no valid access token, or its session has ended",
                    &[("WWW-Authenticate", "`Bearer realm=\"shop\"` (RFC 6750 §3)")],
                );
            }
        }
    }
}
