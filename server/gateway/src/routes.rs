//! Which service answers an `/api` path (by prefix), which paths are refused before routing,
//! and what each service's OpenAPI document says of its routes (methods, access).

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

impl Service {
    /// The service that owns an `/api` path: `/api/auth*` and `/api/users*` are auth's, the
    /// rest of `/api` is orders'. Nothing else is listed here: each service decides, in its
    /// OpenAPI document, which of its routes exist and which need an access token.
    pub fn for_path(path: &str) -> Self {
        use api_types::auth::paths;
        if under(path, paths::PREFIX) || under(path, paths::USERS) {
            Service::Auth
        } else {
            Service::Orders
        }
    }
}

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
    // One pass over the bytes, no copy: this runs on every request. The rules are reported in
    // the order above whatever their place in the path.
    let bytes = path.as_bytes();
    let (mut separator, mut ambiguous) = (false, false);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\\' => separator = true,
            b';' => ambiguous = true,
            b'/' if bytes.get(i + 1) == Some(&b'/') => ambiguous = true,
            b'%' => {
                if let Some(hex) = bytes.get(i + 1..i + 3) {
                    separator |= hex.eq_ignore_ascii_case(b"2f")
                        || hex.eq_ignore_ascii_case(b"5c")
                        || hex == b"00";
                }
            }
            _ => {}
        }
    }
    if separator {
        return Err(UnsafePath::EncodedSeparator);
    }
    if ambiguous {
        return Err(UnsafePath::Ambiguous);
    }
    if path.split('/').any(is_dot_segment) {
        return Err(UnsafePath::DotSegment);
    }
    Ok(())
}

/// Whether `segment` is `.` or `..`, each dot plain or percent-encoded (`%2e`, any case).
fn is_dot_segment(segment: &str) -> bool {
    let mut rest = segment.as_bytes();
    let mut dots = 0;
    while !rest.is_empty() {
        rest = match rest {
            [b'.', tail @ ..] => tail,
            [a, b, c, tail @ ..] if [*a, *b, *c].eq_ignore_ascii_case(b"%2e") => tail,
            _ => return false,
        };
        dots += 1;
    }
    (1..=2).contains(&dots)
}

/// Whether an operation needs a verified access token, as its service's document says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No `security`, or one that allows none (`security((), …)`): the service answers
    /// without a token.
    Public,
    /// Every alternative of its `security` names a scheme: no token, no answer (401).
    Bearer,
}

/// What a service's document says of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// No path template matches: the service answers (usually 404).
    Unknown,
    /// A template matches, but not with this method: 405 with these methods in `Allow`.
    NotAllowed(Vec<Method>),
    /// The operation, and whether it needs a token.
    Allowed(Access),
}

/// The routes of one service, read from its OpenAPI document: for each `/api` path template,
/// each method and its [`Access`] (HEAD wherever GET is), in a `matchit` radix tree (the router
/// axum itself uses), so a lookup walks the path once instead of trying every template.
#[derive(Debug, Clone, Default)]
pub struct RouteTable(matchit::Router<Vec<(Method, Access)>>);

impl RouteTable {
    /// The `/api` operations of `document`. A template `matchit` cannot hold (two templates
    /// that differ only in a parameter's name, say) is left out with a warning: its requests
    /// are forwarded as they are ([`Lookup::Unknown`]) and the service, which verifies tokens
    /// itself, decides.
    pub fn from_openapi(document: &utoipa::openapi::OpenApi) -> Self {
        let mut table = matchit::Router::new();
        for (template, item) in &document.paths.paths {
            if !template.starts_with("/api/") {
                continue;
            }
            let mut methods = Vec::new();
            for (op, method) in [
                (&item.get, Method::GET),
                (&item.put, Method::PUT),
                (&item.post, Method::POST),
                (&item.delete, Method::DELETE),
                (&item.patch, Method::PATCH),
            ] {
                if let Some(op) = op {
                    methods.push((method, access_of(op)));
                }
            }
            if let Some(op) = &item.get {
                methods.push((Method::HEAD, access_of(op)));
            }
            if let Err(e) = table.insert(template.as_str(), methods) {
                tracing::warn!(template = template.as_str(), error = %e, "route left out");
            }
        }
        Self(table)
    }

    /// What the table says of `method` on `path` (`{param}` matches one non-empty segment, or
    /// the non-empty rest of one after a literal prefix).
    pub fn lookup(&self, method: &Method, path: &str) -> Lookup {
        // matchit lets a parameter match an empty segment inside a path (`/a//b`): not here.
        let found = match self.0.at(path) {
            Ok(found) if found.params.iter().all(|(_, value)| !value.is_empty()) => found,
            _ => return Lookup::Unknown,
        };
        match found.value.iter().find(|(m, _)| m == method) {
            Some((_, access)) => Lookup::Allowed(*access),
            None => Lookup::NotAllowed(found.value.iter().map(|(m, _)| m.clone()).collect()),
        }
    }
}

/// [`Access::Bearer`] when the operation declares `security` and every alternative names a
/// scheme (an empty alternative `{}` means "or no token", OpenAPI 3.1 §4.8.30).
fn access_of(op: &utoipa::openapi::path::Operation) -> Access {
    let Some(requirements) = &op.security else {
        return Access::Public;
    };
    let empty = |r: &utoipa::openapi::security::SecurityRequirement| {
        serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(serde_json::Map::is_empty))
    };
    if requirements.is_empty() || requirements.iter().any(empty) {
        Access::Public
    } else {
        Access::Bearer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document as a service serves it.
    fn orders_like() -> utoipa::openapi::OpenApi {
        serde_json::from_value(serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/api/products": {
                    "get": {"responses": {}},
                    "post": {"responses": {}, "security": [{"bearer_auth": []}]}
                },
                "/api/products/{id}": {
                    "get": {"responses": {}},
                    "patch": {"responses": {}, "security": [{"bearer_auth": []}]}
                },
                "/api/auth/validate": {
                    "post": {"responses": {}, "security": [{}, {"bearer_auth": []}]}
                }
            }
        }))
        .unwrap()
    }

    #[test]
    fn the_route_table_follows_the_document() {
        let table = RouteTable::from_openapi(&orders_like());
        let public = Lookup::Allowed(Access::Public);
        let bearer = Lookup::Allowed(Access::Bearer);
        assert_eq!(table.lookup(&Method::GET, "/api/products"), public);
        assert_eq!(table.lookup(&Method::HEAD, "/api/products/12"), public);
        assert_eq!(table.lookup(&Method::POST, "/api/products"), bearer);
        assert_eq!(table.lookup(&Method::PATCH, "/api/products/12"), bearer);
        assert_eq!(
            table.lookup(&Method::POST, "/api/auth/validate"),
            public,
            "a token is optional"
        );
        assert_eq!(
            table.lookup(&Method::PUT, "/api/products"),
            Lookup::NotAllowed(vec![Method::GET, Method::POST, Method::HEAD])
        );
        assert_eq!(table.lookup(&Method::GET, "/api/nothing"), Lookup::Unknown);
        assert_eq!(
            table.lookup(&Method::GET, "/api/products/"),
            Lookup::Unknown
        );
    }

    #[test]
    fn a_literal_segment_wins_over_a_parameter_whatever_the_documents_order() {
        let document: utoipa::openapi::OpenApi = serde_json::from_value(serde_json::json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1"},
            "paths": {
                "/api/orders/{id}": {"get": {"responses": {}, "security": [{"bearer_auth": []}]}},
                "/api/orders/feed": {"get": {"responses": {}}},
                "/api/orders/{id}/events": {"get": {"responses": {}}},
                "/api/products/{id}": {"get": {"responses": {}}},
                "/api/products/{key}": {"post": {"responses": {}}}
            }
        }))
        .unwrap();
        let table = RouteTable::from_openapi(&document);
        let public = Lookup::Allowed(Access::Public);
        let bearer = Lookup::Allowed(Access::Bearer);
        assert_eq!(table.lookup(&Method::GET, "/api/orders/feed"), public);
        assert_eq!(table.lookup(&Method::GET, "/api/orders/7"), bearer);
        assert_eq!(table.lookup(&Method::GET, "/api/orders/7/events"), public);
        assert_eq!(
            table.lookup(&Method::GET, "/api/orders/7/nothing"),
            Lookup::Unknown
        );
        assert_eq!(
            table.lookup(&Method::GET, "/api/orders//events"),
            Lookup::Unknown
        );
        // Two templates that differ only in a parameter's name: the second is left out, not a
        // panic, and the first still answers.
        assert_eq!(table.lookup(&Method::GET, "/api/products/3"), public);
        assert_eq!(
            table.lookup(&Method::POST, "/api/products/3"),
            Lookup::NotAllowed(vec![Method::GET, Method::HEAD])
        );
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
            "/api/products/%2E.",
            "/api/products/%2e%2E",
            "/API/PRODUCTS/%2F",
            "/api/products/%5C",
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
            "/api/products/%2%2ee",
            "/api/products/.%2",
            "/api/products/%2e.x",
        ] {
            assert_eq!(check_path(path), Ok(()), "{path}");
        }
    }

    #[test]
    fn the_first_rule_broken_is_named_whatever_its_place_in_the_path() {
        assert_eq!(check_path("/a;b/%2f"), Err(UnsafePath::EncodedSeparator));
        assert_eq!(check_path("/../x//y"), Err(UnsafePath::Ambiguous));
        assert_eq!(check_path("/x/../%5C"), Err(UnsafePath::EncodedSeparator));
        assert_eq!(check_path("/x/%2e%2E/y"), Err(UnsafePath::DotSegment));
        assert_eq!(check_path("/x/%2"), Ok(()));
        assert_eq!(check_path("/x/%"), Ok(()));
    }

    #[test]
    fn each_api_path_goes_to_its_service_by_prefix() {
        for path in [
            "/api/auth/login",
            "/api/auth",
            "/api/auth/me",
            "/api/users/3",
            "/api/users",
        ] {
            assert_eq!(Service::for_path(path), Service::Auth, "{path}");
        }
        for path in [
            "/api/products",
            "/api/cart/items/1",
            "/api/orders/5/events",
            "/api/authx",
            "/api/usersx",
            "/api/nothing",
        ] {
            assert_eq!(Service::for_path(path), Service::Orders, "{path}");
        }
    }
}
