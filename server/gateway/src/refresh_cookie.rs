//! Keeps the browser's refresh token out of reach of scripts.
//!
//! A request carrying `X-Refresh-Token-Transport: cookie` (which the SPA sends and which a
//! cross-site form cannot) gets its refresh token as an `HttpOnly; SameSite=Strict` cookie,
//! scoped to the refresh and logout paths, instead of in the JSON body. On refresh and logout
//! such a request may omit the body; the gateway fills it from the cookie. API clients that do
//! not send the header keep receiving and sending the token in the JSON body.

use api_types::auth::TokenResponse;
use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, SameSite};

/// Request header by which the SPA asks for cookie transport.
pub const TRANSPORT_HEADER: &str = "x-refresh-token-transport";
/// Name of the refresh token cookie.
pub const COOKIE_NAME: &str = "shop_refresh";
/// The paths the cookie is sent to (one cookie each, since a cookie has one path).
pub const COOKIE_PATHS: [&str; 2] = ["/api/auth/refresh", "/api/auth/logout"];

/// Whether the client asked for cookie transport.
pub fn wants_cookie(headers: &HeaderMap) -> bool {
    headers
        .get(TRANSPORT_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("cookie"))
}

/// The refresh token from the request's cookies, if any.
pub fn from_request(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v).filter_map(Result::ok))
        .find(|c| c.name() == COOKIE_NAME)
        .map(|c| c.value().to_owned())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` values storing `token` for `max_age_secs` (or clearing it with `None`).
pub fn set_cookie_headers(
    token: Option<&str>,
    max_age_secs: i64,
    secure: bool,
) -> Vec<HeaderValue> {
    COOKIE_PATHS
        .iter()
        .filter_map(|path| {
            let c = Cookie::build((COOKIE_NAME, token.unwrap_or("").to_owned()))
                .path(*path)
                .http_only(true)
                .secure(secure)
                .same_site(SameSite::Strict)
                .max_age(cookie::time::Duration::seconds(if token.is_some() {
                    max_age_secs
                } else {
                    0
                }))
                .build();
            HeaderValue::from_str(&c.to_string()).ok()
        })
        .collect()
}

/// Moves the refresh token of a login or refresh answer into cookies: returns the new body
/// (without the token) and the `Set-Cookie` values. `None` if the body is not a token answer.
pub fn move_into_cookie(body: &[u8], secure: bool) -> Option<(Vec<u8>, Vec<HeaderValue>)> {
    let mut tokens: TokenResponse = serde_json::from_slice(body).ok()?;
    let refresh = tokens.refresh_token.take()?;
    let max_age = i64::try_from(tokens.refresh_expires_in).unwrap_or(i64::MAX / 2);
    let cookies = set_cookie_headers(Some(&refresh), max_age, secure);
    Some((serde_json::to_vec(&tokens).ok()?, cookies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_strict_and_scoped_to_refresh_and_logout() {
        let headers = set_cookie_headers(Some("tok"), 60, true);
        assert_eq!(headers.len(), 2);
        for (h, path) in headers.iter().zip(COOKIE_PATHS) {
            let s = h.to_str().unwrap();
            assert!(s.starts_with("shop_refresh=tok;"), "{s}");
            for part in [
                "HttpOnly",
                "SameSite=Strict",
                "Secure",
                "Max-Age=60",
                &format!("Path={path}"),
            ] {
                assert!(s.contains(part), "{s} lacks {part}");
            }
        }
    }

    #[test]
    fn the_token_is_read_back_from_a_cookie_header() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; shop_refresh=xyz; b=2"),
        );
        assert_eq!(from_request(&h).as_deref(), Some("xyz"));
    }

    #[test]
    fn the_body_loses_its_refresh_token() {
        let body = br#"{"access_token":"a","token_type":"Bearer","expires_in":900,"refresh_token":"r","refresh_expires_in":100}"#;
        let (new_body, cookies) = move_into_cookie(body, false).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&new_body).unwrap();
        assert!(v.get("refresh_token").is_none());
        assert_eq!(v["access_token"], "a");
        assert!(!cookies[0].to_str().unwrap().contains("Secure"));
    }
}
