//! The gateway's cross-cutting checks as axum middleware (`from_fn_with_state`), in the order a
//! request meets them:
//! 1. [`refuse_unsafe_paths`] (every path): 400 `unsafe_path` for a path an upstream could read
//!    differently, before any handler or upstream sees it (a gate of the metrics middleware);
//! 2. [`guard`] (`/api`): the per-address limits, before any token is looked at, so requests
//!    with refused tokens spend their address's budget too; then what the owning service's
//!    document says of the route (405), the access token where the route needs one (401, ended
//!    sessions included), and the per-user limit of a verified user;
//!
//! and [`instrument_with_security_headers`] around them all.

use crate::error::GatewayError;
use crate::routes::{Access, Lookup, Service};
use crate::GatewayState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::net::{IpAddr, SocketAddr};

/// The client's address as [`guard`] found it (`None` without a peer address), for
/// the `X-Forwarded-For` sent upstream.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClientIp(pub(crate) Option<IpAddr>);

/// The gate of every request ([`shop_common::telemetry::Gate`]): 400 `unsafe_path` for a
/// request path that an upstream or a URL parser could read differently from the gateway
/// ([`crate::routes::check_path`]). A gate inside the metrics middleware rather than a
/// middleware of its own: axum boxes and clones each per-route layer on every request.
pub(crate) fn refuse_unsafe_paths(req: &Request) -> Option<Response> {
    crate::routes::check_path(req.uri().path())
        .err()
        .map(|why| GatewayError::UnsafePath(why).into_response())
}

/// Middleware (`/api`), in this order:
/// 1. the per-address limits (429 `rate_limited`), before any token is looked at, so requests
///    with refused tokens spend their address's budget too; records the [`ClientIp`];
/// 2. 405 for a method the route does not have (from the owning service's document);
/// 3. 401 without a valid access token of a live session where the route needs one;
/// 4. 429 when the verified user's budget is spent. A token on a public route is verified only
///    to count the request against its user (a refused one is left to the service).
///
/// One middleware rather than one a check: axum boxes and clones each layer on every request.
pub(crate) async fn guard(
    State(state): State<GatewayState>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let client = state.limits.client_ip(peer, req.headers());
    if let Err(refused) = state.limits.check_address(client, req.uri().path()) {
        return refused.into_response();
    }
    req.extensions_mut().insert(ClientIp(client));
    let path = req.uri().path();
    let service = Service::for_path(path);
    let access = match state.api.lookup(service, req.method(), path) {
        Lookup::NotAllowed(allowed) => {
            return GatewayError::MethodNotAllowed(allowed).into_response()
        }
        Lookup::Allowed(access) => access,
        Lookup::Unknown => Access::Public,
    };
    let (parts, body) = req.into_parts();
    let has_token = parts.headers.contains_key(header::AUTHORIZATION);
    if access == Access::Bearer || has_token {
        // Refuses ended sessions too (the verifier consults the feed of ended sessions).
        match shop_common::extract::verified_identity(&state.verifier, &parts).await {
            Ok(identity) => {
                if let Err(refused) = state.limits.check_user(identity.user_id) {
                    return refused.into_response();
                }
            }
            Err(e) if access == Access::Bearer => return e.into_response(),
            Err(_) => {}
        }
    }
    next.run(Request::from_parts(parts, body)).await
}

/// The security headers of every answer ([`instrument_with_security_headers`]):
/// `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer`, `X-Frame-Options: DENY`,
/// `Cross-Origin-Opener-Policy: same-origin`, the content security policy and, with `hsts`,
/// `Strict-Transport-Security: max-age=31536000; includeSubDomains` (one year, RFC 6797).
fn security_headers(live_reload: bool, hsts: bool) -> HeaderMap {
    let csp = crate::protect::content_security_policy(live_reload);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_str(&csp).expect("a valid header"),
    );
    if hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers
}

/// Instruments `routes` ([`shop_common::telemetry::instrument_with`]) and adds the security
/// headers to every answer that lacks them: no sniffing, no referrer, no framing, its own
/// browsing context group, the content security policy
/// ([`crate::protect::content_security_policy`]) and, when served over TLS (`hsts`),
/// `Strict-Transport-Security` (RFC 6797). The headers wrap the router once, as one plain tower
/// layer, not each route.
pub(crate) fn instrument_with_security_headers(
    routes: Router,
    live_reload: bool,
    hsts: bool,
) -> impl shop_common::serve::HttpService {
    let headers = std::sync::Arc::new(security_headers(live_reload, hsts));
    // One plain function over the answer: no boxed future and one clone (an `Arc`) a request,
    // where a `SetResponseHeader` a header cost a layer each.
    let headers = tower::util::MapResponseLayer::new(move |mut res: Response| {
        for (name, value) in headers.iter() {
            if let header::Entry::Vacant(slot) = res.headers_mut().entry(name) {
                slot.insert(value.clone());
            }
        }
        res
    });
    shop_common::telemetry::instrument_with(routes, "gateway", headers, Some(refuse_unsafe_paths))
}
