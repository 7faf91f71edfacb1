//! Protection at the edge: rate limits (the `governor` crate, GCRA), the client's address
//! (`X-Forwarded-For` believed only from configured proxies), CORS and the content security
//! policy. The layers that apply them are in [`crate::layers`].

use crate::error::GatewayError;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::time::Duration;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// Auth routes with the stricter per-address limit: where passwords and refresh tokens are
/// guessed.
const STRICT_PATHS: &[&str] = &[
    api_types::auth::paths::LOGIN,
    api_types::auth::paths::REGISTER,
    api_types::auth::paths::REFRESH,
];

/// Rate limits, per client address, per user, and stricter per address on [`STRICT_PATHS`].
pub(crate) struct RateLimits {
    per_ip: DefaultKeyedRateLimiter<IpAddr>,
    per_user: DefaultKeyedRateLimiter<i64>,
    strict_per_ip: DefaultKeyedRateLimiter<IpAddr>,
    trusted_proxies: Vec<IpAddr>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl RateLimits {
    /// Limits of `ip_per_min`, `user_per_min` and `strict_per_min` requests a minute (each also
    /// the burst), trusting `X-Forwarded-For` only from `trusted_proxies`.
    pub(crate) fn new(
        ip_per_min: u32,
        user_per_min: u32,
        strict_per_min: u32,
        trusted_proxies: Vec<IpAddr>,
    ) -> Self {
        Self {
            per_ip: RateLimiter::keyed(per_minute(ip_per_min)),
            per_user: RateLimiter::keyed(per_minute(user_per_min)),
            strict_per_ip: RateLimiter::keyed(per_minute(strict_per_min)),
            trusted_proxies,
        }
    }

    /// The client's address (see [`shop_common::client::client_ip`]).
    pub(crate) fn client_ip(
        &self,
        peer: Option<SocketAddr>,
        headers: &HeaderMap,
    ) -> Option<IpAddr> {
        shop_common::client::client_ip(peer, headers, &self.trusted_proxies)
    }

    /// Checks the per-address limits (and, on [`STRICT_PATHS`], the stricter one). Runs before
    /// the access token is verified, so requests with refused tokens count too.
    ///
    /// # Errors
    /// [`RateLimited`] with the longest wait when a limit is spent.
    pub(crate) fn check_address(&self, ip: Option<IpAddr>, path: &str) -> Result<(), RateLimited> {
        let Some(ip) = ip else { return Ok(()) };
        let strict = STRICT_PATHS.contains(&path).then_some(&self.strict_per_ip);
        refused_for(
            std::iter::once(&self.per_ip)
                .chain(strict)
                .map(|l| l.check_key(&ip)),
        )
    }

    /// Checks the per-user limit of a verified `user`.
    ///
    /// # Errors
    /// [`RateLimited`] with the wait when the user's budget is spent.
    pub(crate) fn check_user(&self, user: i64) -> Result<(), RateLimited> {
        refused_for(std::iter::once(self.per_user.check_key(&user)))
    }

    /// Forgets keys whose limits are back to full, so the maps do not grow without bound.
    pub(crate) fn forget_idle(&self) {
        self.per_ip.retain_recent();
        self.per_user.retain_recent();
        self.strict_per_ip.retain_recent();
    }
}

/// `Err` with the longest wait of the refused `checks`, counted in `rate_limited_total`.
fn refused_for(
    checks: impl Iterator<Item = Result<(), governor::NotUntil<<DefaultClock as Clock>::Instant>>>,
) -> Result<(), RateLimited> {
    let refused: Vec<_> = checks.filter_map(Result::err).collect();
    if refused.is_empty() {
        return Ok(());
    }
    // A clock only for a refusal: making one runs CPUID (quanta's TSC probe), which is slow
    // everywhere and traps to the hypervisor in a virtual machine.
    let now = DefaultClock::default().now();
    let wait = refused
        .iter()
        .map(|not_until| not_until.wait_time_from(now))
        .max()
        .unwrap_or_default();
    metrics::counter!("rate_limited_total").increment(1);
    Err(RateLimited(wait))
}

/// A refused request and how long until it would be allowed: 429 `rate_limited`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RateLimited(Duration);

impl axum::response::IntoResponse for RateLimited {
    fn into_response(self) -> Response {
        GatewayError::RateLimited(self.0).into_response()
    }
}

/// CORS for the listed origins (none: same-origin only, no CORS headers at all).
pub(crate) fn cors(origins: &[String]) -> Option<CorsLayer> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o.trim()).ok())
        .collect();
    if origins.is_empty() {
        return None;
    }
    Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                HeaderName::from_static("idempotency-key"),
                HeaderName::from_static("x-request-id"),
            ])
            .expose_headers([
                header::RETRY_AFTER,
                HeaderName::from_static("x-request-id"),
                HeaderName::from_static("idempotent-replayed"),
            ])
            .max_age(Duration::from_secs(600)),
    )
}

/// The Content-Security-Policy of every response. The app needs `'wasm-unsafe-eval'` to
/// compile its WebAssembly; `live_reload` (under `cargo leptos watch`) also allows the inline
/// reload script and its WebSocket.
pub(crate) fn content_security_policy(live_reload: bool) -> String {
    let (script, connect) = if live_reload {
        (
            "'self' 'wasm-unsafe-eval' 'unsafe-inline'",
            "'self' ws: wss:",
        )
    } else {
        ("'self' 'wasm-unsafe-eval'", "'self'")
    };
    format!(
        "default-src 'self'; script-src {script}; style-src 'self'; img-src 'self' data:; \
         connect-src {connect}; font-src 'self'; object-src 'none'; base-uri 'self'; \
         form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    fn limits(trusted: &[&str]) -> RateLimits {
        RateLimits::new(
            2,
            100,
            1,
            trusted.iter().map(|t| t.parse().unwrap()).collect(),
        )
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("6.6.6.6, 203.0.113.7, 10.0.0.2"),
        );
        let untrusted = limits(&[]);
        assert_eq!(
            untrusted.client_ip(Some("10.0.0.1:5000".parse().unwrap()), &h),
            Some("10.0.0.1".parse().unwrap())
        );
        let trusted = limits(&["10.0.0.1", "10.0.0.2"]);
        assert_eq!(
            trusted.client_ip(Some("10.0.0.1:5000".parse().unwrap()), &h),
            Some("203.0.113.7".parse().unwrap())
        );
    }

    #[test]
    fn a_limit_answers_429_with_retry_after() {
        let l = limits(&[]);
        let ip = Some("192.0.2.1".parse().unwrap());
        assert!(l.check_address(ip, "/api/auth/login").is_ok());
        let refused = axum::response::IntoResponse::into_response(
            l.check_address(ip, "/api/auth/login").unwrap_err(),
        );
        assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(
            refused.headers()[header::RETRY_AFTER]
                .to_str()
                .unwrap()
                .parse::<u64>()
                .unwrap()
                >= 1
        );
        // Another address has its own budget.
        assert!(l
            .check_address(Some("192.0.2.2".parse().unwrap()), "/api/auth/login")
            .is_ok());
    }

    #[test]
    fn the_policy_allows_wasm_but_no_inline_script_outside_live_reload() {
        let p = content_security_policy(false);
        assert!(p.contains("'wasm-unsafe-eval'"));
        assert!(!p.contains("unsafe-inline"));
        assert!(content_security_policy(true).contains("unsafe-inline"));
    }
}
