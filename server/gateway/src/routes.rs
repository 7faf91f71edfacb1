//! Which service answers an `/api` path, and whether the gateway requires an access token first.

use axum::http::Method;

/// An upstream service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Auth,
    Orders,
}

impl Service {
    /// The name used in logs and in `service_unavailable` problems.
    pub fn name(self) -> &'static str {
        match self {
            Service::Auth => "auth",
            Service::Orders => "orders",
        }
    }
}

/// Whether a route needs a verified access token at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Public,
    Bearer,
}

/// Auth routes that need no access token.
const PUBLIC_AUTH: &[&str] = &[
    "/api/auth/register",
    "/api/auth/login",
    "/api/auth/refresh",
    "/api/auth/logout",
    // The public keys that verify access tokens (RFC 7517).
    "/api/auth/jwks",
    // Answers `{active: false}` for a bad token instead of 401 (RFC 7662 style).
    "/api/auth/validate",
];

fn under(path: &str, prefix: &str) -> bool {
    path == prefix
        || path
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The service and access rule for `method` on `path`, or `None` for no route (404).
///
/// - `/api/auth/{register,login,refresh,logout,jwks,validate}`: auth, public; other `/api/auth/*`: auth, Bearer.
/// - `/api/users*`: auth, Bearer.
/// - `/api/products*` (reading), `/api/categories`: orders, public; changing products: Bearer.
/// - `/api/cart*`, `/api/orders*`, `/api/admin/*`: orders, Bearer.
pub fn route(method: &Method, path: &str) -> Option<(Service, Access)> {
    let reading = matches!(*method, Method::GET | Method::HEAD);
    if PUBLIC_AUTH.contains(&path) {
        Some((Service::Auth, Access::Public))
    } else if under(path, "/api/auth") || under(path, "/api/users") {
        Some((Service::Auth, Access::Bearer))
    } else if (under(path, "/api/products") && reading) || path == "/api/categories" {
        Some((Service::Orders, Access::Public))
    } else if under(path, "/api/products")
        || under(path, "/api/cart")
        || under(path, "/api/orders")
        || under(path, "/api/admin")
    {
        Some((Service::Orders, Access::Bearer))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_api_path_goes_to_its_service_with_its_access_rule() {
        let cases = [
            ("/api/auth/login", Some((Service::Auth, Access::Public))),
            ("/api/auth/register", Some((Service::Auth, Access::Public))),
            ("/api/auth/me", Some((Service::Auth, Access::Bearer))),
            ("/api/users/3", Some((Service::Auth, Access::Bearer))),
            ("/api/products", Some((Service::Orders, Access::Public))),
            ("/api/products/12", Some((Service::Orders, Access::Public))),
            ("/api/categories", Some((Service::Orders, Access::Public))),
            ("/api/cart", Some((Service::Orders, Access::Bearer))),
            ("/api/cart/items/1", Some((Service::Orders, Access::Bearer))),
            ("/api/orders", Some((Service::Orders, Access::Bearer))),
            ("/api/orders/5", Some((Service::Orders, Access::Bearer))),
            ("/api/productsx", None),
            ("/api/cartoon", None),
            ("/api/nothing", None),
        ];
        for (path, expected) in cases {
            assert_eq!(route(&Method::GET, path), expected, "{path}");
        }
        let bearer = Some((Service::Orders, Access::Bearer));
        assert_eq!(route(&Method::POST, "/api/products"), bearer);
        assert_eq!(route(&Method::PATCH, "/api/products/3"), bearer);
        assert_eq!(route(&Method::GET, "/api/admin/orders"), bearer);
        assert_eq!(route(&Method::GET, "/api/orders/3/events"), bearer);
    }
}
