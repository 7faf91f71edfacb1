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

/// Why a request path is refused before routing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnsafePath {
    /// A `.` or `..` segment, plain or percent-encoded (`%2e`, `%2E`, `.%2e` …).
    DotSegment,
    /// A percent-encoded `/` or `\` (`%2f`, `%5c`), a `\` or a `%00`.
    EncodedSeparator,
    /// An empty segment (`//`) or a `;` (path parameters, RFC 3986 §3.3).
    Ambiguous,
}

impl UnsafePath {
    /// A sentence for the problem's `detail`.
    pub fn detail(self) -> &'static str {
        match self {
            UnsafePath::DotSegment => {
                "The path may not contain `.` or `..` segments, encoded or not."
            }
            UnsafePath::EncodedSeparator => {
                "The path may not contain encoded slashes, backslashes or NUL characters."
            }
            UnsafePath::Ambiguous => "The path may not contain empty segments or `;`.",
        }
    }
}

/// Checks that `path` (the raw request path, as received) means the same thing to the gateway
/// and to any upstream: the gateway routes and checks access on the raw path, while URL parsers
/// and servers behind it remove dot segments (RFC 3986 §5.2.4), decode `%2e`, turn `\` into
/// `/` (WHATWG URL) or drop `;` parameters. A path any of them would read differently is refused,
/// so the path that is classified is the path that is forwarded.
///
/// # Errors
/// The first [`UnsafePath`] rule `path` breaks.
pub fn check_path(path: &str) -> Result<(), UnsafePath> {
    let lower = path.to_ascii_lowercase();
    if lower.contains('\\')
        || lower.contains("%2f")
        || lower.contains("%5c")
        || lower.contains("%00")
    {
        return Err(UnsafePath::EncodedSeparator);
    }
    if lower.contains(';') || lower.contains("//") {
        return Err(UnsafePath::Ambiguous);
    }
    let is_dot = |segment: &str| {
        let decoded = segment.replace("%2e", ".");
        decoded == "." || decoded == ".."
    };
    if lower.split('/').any(is_dot) {
        return Err(UnsafePath::DotSegment);
    }
    Ok(())
}

/// The methods each API path template allows, read from the OpenAPI document (the one place
/// the services' routes are listed), so that a method no route has is a 405 at the gateway,
/// not a 401 for want of a token it would never need.
#[derive(Debug, Clone, Default)]
pub struct MethodTable(Vec<(Vec<String>, Vec<Method>)>);

impl MethodTable {
    /// The `/api` paths of `document` and their methods (HEAD wherever GET is).
    pub fn from_openapi(document: &utoipa::openapi::OpenApi) -> Self {
        let table = document
            .paths
            .paths
            .iter()
            .filter(|(template, _)| template.starts_with("/api/"))
            .map(|(template, item)| {
                let mut methods = Vec::new();
                for (op, method) in [
                    (&item.get, Method::GET),
                    (&item.put, Method::PUT),
                    (&item.post, Method::POST),
                    (&item.delete, Method::DELETE),
                    (&item.patch, Method::PATCH),
                ] {
                    if op.is_some() {
                        methods.push(method);
                    }
                }
                if item.get.is_some() {
                    methods.push(Method::HEAD);
                }
                (template.split('/').map(str::to_owned).collect(), methods)
            })
            .collect();
        Self(table)
    }

    /// The methods `path` allows, when it matches a template (`{param}` matches one segment).
    pub fn allowed(&self, path: &str) -> Option<&[Method]> {
        self.0
            .iter()
            .find(|(template, _)| {
                let mut segments = path.split('/');
                template.iter().all(|t| {
                    segments.next().is_some_and(|s| {
                        t == s || (t.starts_with('{') && t.ends_with('}') && !s.is_empty())
                    })
                }) && segments.next().is_none()
            })
            .map(|(_, methods)| methods.as_slice())
    }
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
    fn the_method_table_follows_the_document() {
        let table = MethodTable::from_openapi(&crate::docs::document());
        let products = table.allowed("/api/products").unwrap();
        assert!(products.contains(&Method::GET) && products.contains(&Method::POST));
        assert!(!products.contains(&Method::PUT));
        let one = table.allowed("/api/products/12").unwrap();
        assert!(one.contains(&Method::PATCH) && one.contains(&Method::HEAD));
        assert!(table.allowed("/api/categories").unwrap() == [Method::GET, Method::HEAD]);
        assert!(table.allowed("/api/nothing").is_none());
    }

    #[test]
    fn paths_an_upstream_could_read_differently_are_refused() {
        for path in [
            "/api/products/../cart",
            "/api/products/%2e%2e/cart",
            "/api/products/.%2e/cart",
            "/api/products/%2E%2E/cart",
            "/api/products/%2e./cart",
            "/api/products/./1",
            "/api/products/%2e/1",
            "/api/products/..",
            "/api/products/%2fcart",
            "/api/products/%2F..%2Fcart",
            "/api/products/%5c..%5ccart",
            "/api/products\\..\\cart",
            "/api/products/1;/../cart",
            "/api/products;x",
            "/api//cart",
            "/api/products//1",
            "/api/products/%00",
        ] {
            assert!(check_path(path).is_err(), "{path} passed");
        }
        for path in [
            "/api/products",
            "/api/products/12",
            "/api/orders/5/events",
            "/api/products/...",
            "/api/products/a.b",
            "/api/products/%2e%2e%2e",
        ] {
            assert_eq!(check_path(path), Ok(()), "{path}");
        }
    }

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
