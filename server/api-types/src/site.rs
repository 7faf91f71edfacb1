//! The browser app's client-side routes, shared with the gateway so that it answers the app's
//! shell with 200 for a page the app has and with 404 for any other path (no "soft 404").

/// Route patterns of the app, as in its `<Routes>`: a segment starting with `:` matches any one
/// non-empty segment. A test in the gateway checks this list against `app/src/lib.rs`.
pub const ROUTES: &[&str] = &[
    "/",
    "/products/:id",
    "/login",
    "/register",
    "/cart",
    "/checkout",
    "/orders",
    "/orders/:id",
    "/account",
    "/admin/orders",
    "/admin/products",
    "/admin/users",
];

/// Whether `path` (without query) is a page of the app: it matches one of [`ROUTES`] segment by
/// segment; one trailing `/` is ignored (`/cart/` is `/cart`); an empty segment (`//`) never
/// matches.
#[must_use]
pub fn is_app_route(path: &str) -> bool {
    if path.contains("//") {
        return false;
    }
    let path = match path.strip_suffix('/') {
        Some(p) if !p.is_empty() => p,
        _ => path,
    };
    ROUTES.iter().any(|route| {
        let mut want = route.split('/');
        let mut got = path.split('/');
        loop {
            match (want.next(), got.next()) {
                (None, None) => return true,
                (Some(w), Some(g)) if w.starts_with(':') && !g.is_empty() => {}
                (Some(w), Some(g)) if w == g => {}
                _ => return false,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_of_the_app_match_and_other_paths_do_not() {
        for page in [
            "/",
            "/cart",
            "/cart/",
            "/products/7",
            "/orders/12",
            "/admin/users",
        ] {
            assert!(is_app_route(page), "{page}");
        }
        for other in [
            "/nothing",
            "/products",
            "/products/",
            "/products/7/x",
            "/admin",
            "//",
            "/cart//",
        ] {
            assert!(!is_app_route(other), "{other}");
        }
    }
}
