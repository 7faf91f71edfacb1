//! Keeps the browser's refresh token out of reach of scripts: the handlers of login, refresh
//! and logout, which wrap the forwarder ([`crate::forward`]).
//!
//! A request carrying `X-Refresh-Token-Transport: cookie` (which the SPA sends and which a
//! cross-site form cannot) gets its refresh token as an `HttpOnly; SameSite=Strict` cookie,
//! scoped to the refresh and logout paths, instead of in the JSON body. On refresh and logout
//! such a request may omit the body; the gateway fills it from the cookie. API clients that do
//! not send the header keep receiving and sending the token in the JSON body.
//!
//! With the refresh token cookies goes the session hint cookie
//! ([`api_types::auth::SESSION_HINT_COOKIE`], `1`, path `/`, readable by scripts, the same
//! lifetime), so the app makes no refresh request on a page load when there is no session.

use crate::error::GatewayError;
use crate::forward::{exchange, read, rebuild, relay, Outgoing};
use crate::GatewayState;
use api_types::auth::{paths, TokenResponse};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use cookie::{Cookie, SameSite};

/// Request header by which the SPA asks for cookie transport.
pub const TRANSPORT_HEADER: &str = "x-refresh-token-transport";
/// Name of the refresh token cookie.
pub const COOKIE_NAME: &str = "shop_refresh";
/// The paths the cookie is sent to (one cookie each, since a cookie has one path).
pub const COOKIE_PATHS: [&str; 2] = [paths::REFRESH, paths::LOGOUT];

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

/// `Set-Cookie` values storing `token` for `max_age_secs` (or clearing it with `None`): one
/// `HttpOnly; SameSite=Strict` cookie per path of [`COOKIE_PATHS`], then the session hint
/// ([`api_types::auth::SESSION_HINT_COOKIE`]: `1`, path `/`, `SameSite=Strict`, readable by
/// scripts), all with the same `Max-Age` (seconds; 0 clears them) and, with `secure`, `Secure`.
pub fn set_cookie_headers(
    token: Option<&str>,
    max_age_secs: i64,
    secure: bool,
) -> Vec<HeaderValue> {
    let max_age = cookie::time::Duration::seconds(if token.is_some() { max_age_secs } else { 0 });
    let refresh = COOKIE_PATHS.iter().map(|path| {
        Cookie::build((COOKIE_NAME, token.unwrap_or("").to_owned()))
            .path(*path)
            .http_only(true)
    });
    let hint = Cookie::build((
        api_types::auth::SESSION_HINT_COOKIE,
        if token.is_some() { "1" } else { "" }.to_owned(),
    ))
    .path("/");
    refresh
        .chain(std::iter::once(hint))
        .filter_map(|c| {
            let c = c
                .secure(secure)
                .same_site(SameSite::Strict)
                .max_age(max_age)
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

/// `POST /api/auth/login`: forwarded; with cookie transport, a token answer's refresh token
/// moves into the cookie.
pub(crate) async fn login(State(state): State<GatewayState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let (outgoing, answer) = match exchange(&state, &parts, body).await {
        Ok(exchanged) => exchanged,
        Err(response) => return response,
    };
    if wants_cookie(&parts.headers) && answer.status() == StatusCode::OK {
        tokens_into_cookie(&state, &outgoing, answer).await
    } else {
        relay(&state, answer)
    }
}

/// `POST /api/auth/refresh`: with cookie transport, only from this site (403
/// `cross_site_request`), the body filled from the cookie when empty, the new refresh token put
/// back into the cookie, and the cookies cleared on a 401. Without any refresh token: 401
/// `invalid_refresh_token` (clearing the session hint with cookie transport).
pub(crate) async fn refresh(State(state): State<GatewayState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let cookie_mode = wants_cookie(&parts.headers);
    let outgoing = match with_token(&parts, body, cookie_mode).await {
        Ok(Some(o)) => o,
        Ok(None) if cookie_mode => {
            return with_cookies(GatewayError::NoRefreshToken.into_response(), clear(&state))
        }
        Ok(None) => return GatewayError::NoRefreshToken.into_response(),
        Err(refused) => return refused,
    };
    let answer = match outgoing.send(&state).await {
        Ok(a) => a,
        Err(failed) => return failed,
    };
    match answer.status() {
        StatusCode::OK if cookie_mode => tokens_into_cookie(&state, &outgoing, answer).await,
        StatusCode::UNAUTHORIZED if cookie_mode => {
            with_cookies(relay(&state, answer), clear(&state))
        }
        _ => relay(&state, answer),
    }
}

/// `POST /api/auth/logout`: like [`refresh`] for the cookie; without any refresh token there is
/// nothing to end (204). Reads the feed of ended sessions again after a success, and clears
/// the cookie with cookie transport.
pub(crate) async fn logout(State(state): State<GatewayState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let cookie_mode = wants_cookie(&parts.headers);
    let cleared = |response: Response| {
        if cookie_mode {
            with_cookies(response, clear(&state))
        } else {
            response
        }
    };
    let outgoing = match with_token(&parts, body, cookie_mode).await {
        Ok(Some(o)) => o,
        Ok(None) => return cleared(StatusCode::NO_CONTENT.into_response()),
        Err(refused) => return refused,
    };
    let answer = match outgoing.send(&state).await {
        Ok(a) => a,
        Err(failed) => return failed,
    };
    if answer.status().is_success() {
        state.revocations.poll().await;
    }
    cleared(relay(&state, answer))
}

/// The refresh or logout request to forward: its own body, or with cookie transport and an
/// empty body one made from the cookie; `None` when there is no refresh token at all.
///
/// # Errors
/// 403 `cross_site_request` for cookie transport from another site's page (CSRF defence beside
/// `SameSite=Strict` and the custom header: a browser names the page's origin on a POST), or
/// what [`Outgoing::new`] refuses.
async fn with_token(
    parts: &axum::http::request::Parts,
    body: Body,
    cookie_mode: bool,
) -> Result<Option<Outgoing>, Response> {
    if cookie_mode && !crate::headers::same_origin(&parts.headers) {
        return Err(GatewayError::CrossSite.into_response());
    }
    let mut outgoing = Outgoing::new(parts, body).await?;
    if !outgoing.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Some(outgoing));
    }
    let from_cookie = if cookie_mode {
        from_request(&parts.headers)
    } else {
        None
    };
    Ok(from_cookie.map(|token| {
        outgoing.set_json_body(&serde_json::json!({ "refresh_token": token }));
        outgoing
    }))
}

/// A token answer with its refresh token moved into the cookie.
async fn tokens_into_cookie(
    state: &GatewayState,
    outgoing: &Outgoing,
    answer: crate::forward::Answer,
) -> Response {
    let (status, headers, bytes) = match read(state, outgoing.service, answer).await {
        Ok(parts) => parts,
        Err(failed) => return failed,
    };
    match move_into_cookie(&bytes, state.cookie_secure) {
        Some((body, cookies)) => with_cookies(rebuild(status, headers, body.into()), cookies),
        None => rebuild(status, headers, bytes.into()),
    }
}

fn clear(state: &GatewayState) -> Vec<HeaderValue> {
    set_cookie_headers(None, 0, state.cookie_secure)
}

fn with_cookies(mut response: Response, cookies: Vec<HeaderValue>) -> Response {
    for c in cookies {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_http_only_strict_and_scoped_to_refresh_and_logout() {
        let headers = set_cookie_headers(Some("tok"), 60, true);
        assert_eq!(headers.len(), 3);
        let hint = headers[2].to_str().unwrap();
        assert!(hint.starts_with("shop_session_hint=1;"), "{hint}");
        for part in ["Path=/", "SameSite=Strict", "Secure", "Max-Age=60"] {
            assert!(hint.contains(part), "{hint} lacks {part}");
        }
        assert!(!hint.contains("HttpOnly"), "the app reads it: {hint}");
        for cleared in set_cookie_headers(None, 60, true) {
            let cleared = cleared.to_str().unwrap();
            assert!(
                cleared.contains("=;") && cleared.contains("Max-Age=0"),
                "{cleared}"
            );
        }
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
