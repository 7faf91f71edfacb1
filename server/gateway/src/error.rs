//! Everything the gateway itself answers with an error, as one type that renders RFC 9457
//! problem details with a stable `code` (answers the services give pass through untouched).

use crate::routes::{Service, UnsafePath};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use shop_common::problem::problem;
use std::time::Duration;

/// An error the gateway answers by itself.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GatewayError {
    /// 400 `unsafe_path`: a path an upstream could read differently (see
    /// [`crate::routes::check_path`]); the detail says which rule it breaks.
    #[error("unsafe path")]
    UnsafePath(UnsafePath),
    /// 403 `cross_site_request`: a cookie refresh or logout from another site's page.
    #[error("cross-site request")]
    CrossSite,
    /// 401 `invalid_refresh_token`: a refresh with neither a body nor a cookie.
    #[error("no refresh token")]
    NoRefreshToken,
    /// 405 `method_not_allowed` with `Allow` (RFC 9110 §15.5.6).
    #[error("method not allowed")]
    MethodNotAllowed(Vec<Method>),
    /// 413 `payload_too_large`: a body over this many bytes.
    #[error("payload too large")]
    PayloadTooLarge(usize),
    /// 429 `rate_limited` with `Retry-After` in whole seconds (RFC 9110 §10.2.3), at least 1.
    #[error("rate limited")]
    RateLimited(Duration),
    /// 503 `service_unavailable` with `Retry-After`: every upstream of the service is out.
    #[error("{} unavailable", .0.name())]
    ServiceUnavailable(Service),
    /// 504 `upstream_timeout`.
    #[error("{} timed out", .0.name())]
    UpstreamTimeout(Service),
    /// 502 `bad_gateway`: the upstream's answer broke off or could not be read.
    #[error("{} gave an invalid answer", .0.name())]
    BadGateway(Service),
}

impl GatewayError {
    /// The error for a failed upstream call: 502 when the upstream answered something that is
    /// not HTTP, else 503 (no answer came at all: refused, unreachable, or a pooled connection
    /// cut because the upstream died). Timeouts are the caller's (504).
    pub(crate) fn upstream(service: Service, e: &hyper_util::client::legacy::Error) -> Self {
        tracing::warn!(service = service.name(), error = %e, "upstream call failed");
        let not_http = std::error::Error::source(e)
            .and_then(|s| s.downcast_ref::<hyper::Error>())
            .is_some_and(|h| h.is_parse() || h.is_parse_status());
        if not_http {
            GatewayError::BadGateway(service)
        } else {
            GatewayError::ServiceUnavailable(service)
        }
    }
}

fn with_header(mut r: Response, name: header::HeaderName, value: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(value) {
        r.headers_mut().insert(name, v);
    }
    r
}

impl IntoResponse for GatewayError {
    fn into_response(self) -> Response {
        match self {
            GatewayError::UnsafePath(why) => problem(
                StatusCode::BAD_REQUEST,
                "unsafe_path",
                why.detail().to_owned(),
            ),
            GatewayError::CrossSite => problem(
                StatusCode::FORBIDDEN,
                "cross_site_request",
                "This request must come from the shop's own pages.".to_owned(),
            ),
            GatewayError::NoRefreshToken => problem(
                StatusCode::UNAUTHORIZED,
                "invalid_refresh_token",
                "No session to refresh; sign in.".to_owned(),
            ),
            GatewayError::MethodNotAllowed(allowed) => {
                let list: Vec<&str> = allowed.iter().map(Method::as_str).collect();
                with_header(
                    problem(
                        StatusCode::METHOD_NOT_ALLOWED,
                        "method_not_allowed",
                        "This method is not allowed on this resource.".to_owned(),
                    ),
                    header::ALLOW,
                    &list.join(", "),
                )
            }
            GatewayError::PayloadTooLarge(limit) => problem(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("Request bodies are limited to {limit} bytes."),
            ),
            GatewayError::RateLimited(wait) => {
                let secs = (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1);
                with_header(
                    problem(
                        StatusCode::TOO_MANY_REQUESTS,
                        "rate_limited",
                        format!("Too many requests; try again in {secs} s."),
                    ),
                    header::RETRY_AFTER,
                    &secs.to_string(),
                )
            }
            GatewayError::ServiceUnavailable(service) => with_header(
                problem(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "service_unavailable",
                    format!(
                        "The {} service is unavailable; try again shortly.",
                        service.name()
                    ),
                ),
                header::RETRY_AFTER,
                &crate::upstream::OPEN_FOR.as_secs().max(1).to_string(),
            ),
            GatewayError::UpstreamTimeout(service) => {
                tracing::warn!(service = service.name(), "upstream call timed out");
                problem(
                    StatusCode::GATEWAY_TIMEOUT,
                    "upstream_timeout",
                    format!("The {} service did not answer in time.", service.name()),
                )
            }
            GatewayError::BadGateway(service) => problem(
                StatusCode::BAD_GATEWAY,
                "bad_gateway",
                format!("The {} service gave an invalid answer.", service.name()),
            ),
        }
    }
}
