//! Prometheus metrics: one registry per process (under the launcher the services share the gateway's,
//! told apart by the `service` label), served as text at `GET /metrics` on every listener.
//!
//! Request metrics: `http_requests_total{service, method, route, status}` and the histogram
//! `http_request_duration_seconds{service, route}` (seconds). Other crates add their own with
//! the `metrics` macros (upstream errors, breaker state, rate limits, orders, payments).

use axum::extract::{MatchedPath, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::Instant;

/// Latency buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The process's registry, installed on first use.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("duration_seconds".to_owned()), BUCKETS)
            .expect("valid buckets");
        match builder.install_recorder() {
            Ok(h) => h,
            // Another recorder is installed (never in this project): keep an unregistered one
            // so /metrics still answers.
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    })
}

/// `GET /metrics`: Prometheus text exposition format 0.0.4.
pub async fn render() -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        handle().render(),
    )
        .into_response()
}

/// The `method` label: one of the RFC 9110 §9 methods (and PATCH, RFC 5789), else `OTHER`, so
/// clients inventing methods cannot create series without bound. Every other label is chosen by
/// the server: `service`, the matched route template (never the raw path; `unmatched` when no
/// route matched) and the status code.
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "OTHER",
    }
}

/// Middleware recording each request's count and latency under `service`, and the matched
/// route on the request span ([`crate::telemetry`]).
pub async fn record(service: &'static str, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    tracing::Span::current().record("route", route.as_str());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "service" => service, "method" => method, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("http_request_duration_seconds", "service" => service, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}
