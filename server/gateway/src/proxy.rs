//! Forwarding `/api/*` to the service that owns the route.
//!
//! The gateway verifies the access token of protected routes itself (no call to auth) and
//! answers 401 before forwarding. It never forwards hop-by-hop headers (RFC 9110 §7.6.1), the
//! client's cookies, or any identity header a client could forge: the services read identity
//! only from the token, which they verify again.

use crate::error::GatewayError;
use crate::refresh_cookie;
use crate::routes::{self, Access, Service};
use crate::GatewayState;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

/// Largest request body forwarded, in bytes.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// Hop-by-hop headers (RFC 9110 §7.6.1) and others the gateway sets itself.
const HOP_BY_HOP: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
];

/// Whether a request header claims an identity: dropped, because only a verified token counts.
fn is_identity_header(name: &str) -> bool {
    [
        "x-user",
        "x-auth",
        "x-forwarded-user",
        "x-remote-user",
        "remote-user",
        "x-authenticated",
        "x-role",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

/// Copies `from` without hop-by-hop headers (and those the `Connection` header names).
fn end_to_end_headers(from: &HeaderMap) -> HeaderMap {
    let named_by_connection: Vec<String> = from
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(',').map(|s| s.trim().to_ascii_lowercase()))
        .collect();
    let mut out = HeaderMap::new();
    for (name, value) in from {
        let n = name.as_str();
        if !HOP_BY_HOP.contains(&n) && !named_by_connection.iter().any(|c| c == n) {
            out.append(name.clone(), value.clone());
        }
    }
    out
}

/// Headers sent upstream: end-to-end headers less cookies and identity claims, plus
/// `X-Forwarded-For`.
fn upstream_headers(from: &HeaderMap, client: Option<IpAddr>) -> HeaderMap {
    let mut headers = end_to_end_headers(from);
    let drop: Vec<HeaderName> = headers
        .keys()
        .filter(|n| {
            let n = n.as_str();
            n == "cookie"
                || n == refresh_cookie::TRANSPORT_HEADER
                || n == shop_common::internal::HEADER
                || is_identity_header(n)
        })
        .cloned()
        .collect();
    for name in drop {
        headers.remove(name);
    }
    headers.remove("x-forwarded-for");
    if let Some(ip) = client.and_then(|c| HeaderValue::from_str(&c.to_string()).ok()) {
        headers.insert("x-forwarded-for", ip);
    }
    headers
}

/// `ANY /api/*`.
pub(crate) async fn api(State(state): State<GatewayState>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let Some((service, access)) = routes::route(req.method(), &path) else {
        return shop_common::problem::not_found().await;
    };
    if let Some(allowed) = state.methods.allowed(&path) {
        if !allowed.contains(req.method()) {
            return GatewayError::MethodNotAllowed(allowed.to_vec()).into_response();
        }
    }
    let (parts, body) = req.into_parts();
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let client = state.limits.client_ip(peer, &parts.headers);
    // Per address first: a request whose token is refused still spends its address's budget.
    if let Err(refused) = state.limits.check_address(client, &path) {
        return refused.into_response();
    }
    if access == Access::Bearer {
        // Refuses ended sessions too (the verifier consults the feed of ended sessions).
        let user = match shop_common::extract::verified_identity(&state.verifier, &parts).await {
            Ok(identity) => identity.user_id,
            Err(e) => return e.into_response(),
        };
        if let Err(refused) = state.limits.check_user(user) {
            return refused.into_response();
        }
    }
    let mut body = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(b) => b,
        Err(_) => return GatewayError::PayloadTooLarge(MAX_BODY_BYTES).into_response(),
    };
    let mut headers = upstream_headers(&parts.headers, client);

    let cookie_mode = refresh_cookie::wants_cookie(&parts.headers);
    let is_refresh = path == "/api/auth/refresh";
    let is_logout = path == "/api/auth/logout";
    if cookie_mode && (is_refresh || is_logout) && !same_origin(&parts.headers) {
        // CSRF defence beside SameSite=Strict and the custom header: a browser names the page's
        // origin on a POST, and it must be this site.
        return GatewayError::CrossSite.into_response();
    }
    // No body: the browser's cookie carries the refresh token; without one there is nothing
    // to refresh (401) or to end (204), as for an unknown token.
    if (is_refresh || is_logout) && body.iter().all(u8::is_ascii_whitespace) {
        let from_cookie = if cookie_mode {
            refresh_cookie::from_request(&parts.headers)
        } else {
            None
        };
        match from_cookie {
            Some(token) => {
                body = serde_json::to_vec(&serde_json::json!({ "refresh_token": token }))
                    .unwrap_or_default()
                    .into();
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            None if is_logout && cookie_mode => {
                return with_cookies(StatusCode::NO_CONTENT.into_response(), clear(&state));
            }
            None if is_logout => return StatusCode::NO_CONTENT.into_response(),
            None => return GatewayError::NoRefreshToken.into_response(),
        }
    }

    let path_and_query = parts
        .uri
        .path_and_query()
        .map_or(path.clone(), |p| p.as_str().to_owned());
    // What the upstream client will send must be the very path classified above.
    let parsed = reqwest::Url::parse(&format!("http://upstream{path_and_query}"));
    if parsed.as_ref().map_or(true, |url| url.path() != path) {
        return GatewayError::UnsafePath(None).into_response();
    }
    let idempotent = matches!(parts.method, Method::GET | Method::HEAD)
        || (parts.method == Method::POST && parts.headers.contains_key("idempotency-key"));
    let sent = Attempt {
        state: &state,
        service,
        method: &parts.method,
        path_and_query: &path_and_query,
        headers: &headers,
        body: &body,
    };
    let answer = match sent.send(idempotent).await {
        Ok(answer) => answer,
        Err(response) => return response,
    };
    let status = answer.status();
    if status.is_success() && crate::revocations::ends_sessions(&parts.method, &path) {
        state.revocations.poll().await;
    }
    let headers = end_to_end_headers(answer.headers());
    if is_event_stream(&headers) {
        // Server-sent events flow through as they come, without a total time limit.
        return rebuild_streaming(status, headers, answer);
    }
    let bytes = match tokio::time::timeout(state.upstream_timeout, answer.bytes()).await {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => return GatewayError::upstream(service, &e).into_response(),
        Err(_) => return GatewayError::UpstreamTimeout(service).into_response(),
    };

    let mut response =
        if cookie_mode && status == StatusCode::OK && (is_refresh || path == "/api/auth/login") {
            match refresh_cookie::move_into_cookie(&bytes, state.cookie_secure) {
                Some((new_body, cookies)) => {
                    with_cookies(rebuild(status, headers, new_body.into()), cookies)
                }
                None => rebuild(status, headers, bytes),
            }
        } else {
            rebuild(status, headers, bytes)
        };
    if cookie_mode && (is_logout || (is_refresh && status == StatusCode::UNAUTHORIZED)) {
        response = with_cookies(response, clear(&state));
    }
    response
}

/// Most retries of one request (each on another upstream).
const MAX_RETRIES: usize = 2;
/// First retry back-off; doubled each time, capped at [`MAX_BACKOFF`], with full jitter.
const BASE_BACKOFF: Duration = Duration::from_millis(25);
const MAX_BACKOFF: Duration = Duration::from_millis(400);

/// One request to a service, tried on its upstreams.
struct Attempt<'a> {
    state: &'a GatewayState,
    service: Service,
    method: &'a Method,
    path_and_query: &'a str,
    headers: &'a HeaderMap,
    body: &'a axum::body::Bytes,
}

/// Why a try did not give an answer to pass on.
enum Failure {
    Timeout,
    Transport(reqwest::Error),
    /// An answer worth retrying elsewhere (502, 504, or 503 without `Retry-After`).
    Answer(reqwest::Response),
}

impl Attempt<'_> {
    /// Sends to an available upstream; for an `idempotent` request, on a transport error, a
    /// timeout or a 502/503/504, retries on another available upstream after a jittered
    /// back-off, while the retry budget lasts. Every upstream out: 503 at once.
    async fn send(&self, idempotent: bool) -> Result<reqwest::Response, Response> {
        let pool = self.state.pool(self.service);
        let mut tried = Vec::new();
        let mut last = None;
        loop {
            let Some(i) = pool.pick(&tried) else {
                return Err(match last {
                    Some(failure) => self.failure_response(failure),
                    None => GatewayError::ServiceUnavailable(self.service).into_response(),
                });
            };
            tried.push(i);
            let failure = match self.try_once(pool, i).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            let retry = idempotent
                && tried.len() <= MAX_RETRIES
                && tried.len() < pool.len()
                && pool.may_retry();
            if !retry {
                return Err(self.failure_response(failure));
            }
            last = Some(failure);
            let cap = BASE_BACKOFF
                .saturating_mul(1 << (tried.len() - 1))
                .min(MAX_BACKOFF);
            tokio::time::sleep(cap.mul_f64(rand::random::<f64>())).await;
        }
    }

    async fn try_once(
        &self,
        pool: &crate::upstream::Pool,
        i: usize,
    ) -> Result<reqwest::Response, Failure> {
        let url = format!("{}{}", pool.member(i).url, self.path_and_query);
        let request = self
            .state
            .client
            .request(self.method.clone(), url)
            .headers(self.headers.clone())
            .body(self.body.clone());
        match tokio::time::timeout(self.state.upstream_timeout, request.send()).await {
            Err(_) => {
                pool.failed(i, "timed out".to_owned());
                Err(Failure::Timeout)
            }
            Ok(Err(e)) => {
                pool.failed(i, crate::upstream::describe(&e));
                Err(Failure::Transport(e))
            }
            Ok(Ok(answer)) => {
                let status = answer.status();
                // A 503 is a live service refusing on purpose (payments down, database busy).
                if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
                    pool.failed(i, format!("answered {status}"));
                } else {
                    pool.succeeded(i);
                }
                let worth_retrying = matches!(
                    status,
                    StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
                ) || (status == StatusCode::SERVICE_UNAVAILABLE
                    && !answer.headers().contains_key(header::RETRY_AFTER));
                if worth_retrying {
                    Err(Failure::Answer(answer))
                } else {
                    Ok(answer)
                }
            }
        }
    }

    fn failure_response(&self, failure: Failure) -> Response {
        match failure {
            Failure::Timeout => GatewayError::UpstreamTimeout(self.service).into_response(),
            Failure::Transport(e) => GatewayError::upstream(self.service, &e).into_response(),
            Failure::Answer(answer) => {
                let status = answer.status();
                let headers = end_to_end_headers(answer.headers());
                let mut r = Response::new(Body::from_stream(answer.bytes_stream()));
                *r.status_mut() = status;
                *r.headers_mut() = headers;
                r
            }
        }
    }
}

/// Whether the request's `Origin`, if any, is this site (its host and port equal `Host`).
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin_host = origin
        .split_once("://")
        .map_or("", |(_, rest)| rest)
        .trim_end_matches('/');
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

fn clear(state: &GatewayState) -> Vec<HeaderValue> {
    refresh_cookie::set_cookie_headers(None, 0, state.cookie_secure)
}

fn rebuild(status: StatusCode, headers: HeaderMap, body: axum::body::Bytes) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    r
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"))
}

fn rebuild_streaming(
    status: StatusCode,
    headers: HeaderMap,
    answer: reqwest::Response,
) -> Response {
    let mut r = Response::new(Body::from_stream(answer.bytes_stream()));
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    r
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
    fn only_this_sites_origin_passes() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("shop.example:8000"));
        assert!(
            same_origin(&h),
            "no Origin: not a cross-site browser request"
        );
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("http://shop.example:8000"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://evil.example"),
        );
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("null"));
        assert!(!same_origin(&h));
    }

    #[test]
    fn identity_cookie_and_hop_by_hop_headers_are_not_forwarded() {
        let mut h = HeaderMap::new();
        for (k, v) in [
            ("x-user-id", "1"),
            ("X-Auth-Role", "admin"),
            ("x-forwarded-user", "admin"),
            ("cookie", "shop_refresh=x"),
            ("connection", "close, x-secret"),
            ("x-secret", "1"),
            ("transfer-encoding", "chunked"),
            ("authorization", "Bearer t"),
            ("x-request-id", "abc"),
            ("x-forwarded-for", "6.6.6.6"),
        ] {
            h.insert(
                HeaderName::from_bytes(k.as_bytes()).unwrap(),
                HeaderValue::from_static(v),
            );
        }
        let out = upstream_headers(&h, Some("127.0.0.1".parse().unwrap()));
        let names: Vec<&str> = out.keys().map(HeaderName::as_str).collect();
        assert_eq!(out["authorization"], "Bearer t");
        assert_eq!(out["x-request-id"], "abc");
        assert_eq!(out["x-forwarded-for"], "127.0.0.1");
        for gone in [
            "x-user-id",
            "x-auth-role",
            "x-forwarded-user",
            "cookie",
            "connection",
            "x-secret",
            "transfer-encoding",
        ] {
            assert!(!names.contains(&gone), "{gone} was forwarded");
        }
    }
}
