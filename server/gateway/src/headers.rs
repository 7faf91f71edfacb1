//! Which headers cross the gateway: never hop-by-hop headers (RFC 9110 §7.6.1), the client's
//! cookies, or any identity header a client could forge (the services read identity only from
//! the access token, which they verify again).

use crate::refresh_cookie;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use std::net::IpAddr;

/// The client's address, sent upstream (the de facto standard header; RFC 7239 `Forwarded` is
/// its successor, which the services do not read).
const X_FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

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

/// Whether `name` is a hop-by-hop header (RFC 9110 §7.6.1) or one the gateway sets itself.
fn is_hop_by_hop(name: &HeaderName) -> bool {
    HOP_BY_HOP.contains(&name.as_str())
}

/// The header names that `headers`' `Connection` header lists: hop-by-hop for this message
/// (RFC 9110 §7.6.1). Empty, and not allocated, without a `Connection` header.
fn named_by_connection(headers: &HeaderMap) -> Vec<HeaderName> {
    headers
        .get_all(header::CONNECTION)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| HeaderName::from_bytes(s.trim().as_bytes()).ok())
        .collect()
}

/// Whether a header named `name` is end-to-end in a message whose `Connection` header names
/// `named`.
fn is_end_to_end(name: &HeaderName, named: &[HeaderName]) -> bool {
    !is_hop_by_hop(name) && !named.contains(name)
}

/// Whether a request header stays at the gateway: cookies, the refresh cookie's transport
/// header, the internal token header, identity claims, and `X-Forwarded-For` (the gateway
/// sends its own).
fn is_withheld(name: &HeaderName) -> bool {
    let n = name.as_str();
    n == "cookie"
        || n == refresh_cookie::TRANSPORT_HEADER
        || n == shop_common::internal::HEADER
        || n == X_FORWARDED_FOR.as_str()
        || is_identity_header(n)
}

/// `headers` without hop-by-hop headers (and those the `Connection` header names), removed in
/// place; a map without any is returned as it is, untouched.
pub(crate) fn end_to_end_headers(mut headers: HeaderMap) -> HeaderMap {
    let named = named_by_connection(&headers);
    let hop_by_hop: Vec<HeaderName> = headers
        .keys()
        .filter(|n| !is_end_to_end(n, &named))
        .cloned()
        .collect();
    for name in &hop_by_hop {
        headers.remove(name);
    }
    headers
}

/// Headers sent upstream: end-to-end headers less cookies and identity claims, plus
/// `X-Forwarded-For` with the client's address. One pass over `from`: each header that is sent
/// is copied once (every value of it, in order), the others never are.
pub(crate) fn upstream_headers(from: &HeaderMap, client: Option<IpAddr>) -> HeaderMap {
    let named = named_by_connection(from);
    let mut headers = HeaderMap::with_capacity(from.keys_len() + 1);
    for (name, value) in from {
        if is_end_to_end(name, &named) && !is_withheld(name) {
            headers.append(name.clone(), value.clone());
        }
    }
    if let Some(ip) = client.and_then(|c| HeaderValue::from_str(&c.to_string()).ok()) {
        headers.insert(X_FORWARDED_FOR, ip);
    }
    headers
}

/// Whether the request's `Origin`, if any, is this site (its host and port equal `Host`).
pub(crate) fn same_origin(headers: &HeaderMap) -> bool {
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

    #[test]
    fn every_value_of_a_forwarded_header_goes_in_order_and_no_forged_forwarded_for() {
        let mut h = HeaderMap::new();
        h.append("accept-language", HeaderValue::from_static("fr"));
        h.append("accept-language", HeaderValue::from_static("en;q=0.5"));
        h.append("x-forwarded-for", HeaderValue::from_static("6.6.6.6"));
        h.append("content-length", HeaderValue::from_static("2"));
        let out = upstream_headers(&h, None);
        let languages: Vec<&str> = out
            .get_all("accept-language")
            .iter()
            .map(|v| v.to_str().unwrap())
            .collect();
        assert_eq!(languages, ["fr", "en;q=0.5"]);
        assert!(!out.contains_key("x-forwarded-for"), "a client's own claim");
        assert!(
            !out.contains_key("content-length"),
            "hyper sets the length it sends"
        );

        let answer = end_to_end_headers(h);
        assert!(!answer.contains_key("content-length"));
        assert_eq!(answer.get_all("accept-language").iter().count(), 2);
    }
}
