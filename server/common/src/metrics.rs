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

/// How often the registry's histogram samples are folded into their buckets (seconds); the
/// exporter's own default (`PrometheusBuilder::upkeep_timeout`).
pub const UPKEEP_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);

/// The process's registry, installed on first use, with its upkeep thread.
///
/// The exporter keeps every histogram sample until an upkeep folds them into the buckets;
/// `install_recorder` leaves that to the caller, and without it a shop nobody scraped held every
/// sample since its start (measured: about 24 bytes a request through the gateway, whose
/// proxied requests record in the gateway and in the service). A thread (`metrics-upkeep`) runs it every
/// [`UPKEEP_INTERVAL`], whatever runtime is there; a scrape also does.
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    static UPKEEP: std::sync::Once = std::sync::Once::new();
    let handle = HANDLE.get_or_init(|| {
        let builder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("duration_seconds".to_owned()), BUCKETS)
            .expect("valid buckets");
        match builder.install_recorder() {
            Ok(h) => h,
            // Another recorder is installed (never in this project): keep an unregistered one
            // so /metrics still answers.
            Err(_) => PrometheusBuilder::new().build_recorder().handle(),
        }
    });
    UPKEEP.call_once(|| {
        let spawned = std::thread::Builder::new()
            .name("metrics-upkeep".to_owned())
            .spawn(move || loop {
                std::thread::sleep(UPKEEP_INTERVAL);
                handle.run_upkeep();
            });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "cannot start the metrics upkeep thread; histogram samples are folded only when /metrics is scraped");
        }
    });
    handle
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
/// route on the request span ([`crate::telemetry`]). A `gate` that refuses the request answers
/// it in place of the routes below (and is counted like them).
pub async fn record(
    service: &'static str,
    gate: Option<crate::telemetry::Gate>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = method_label(req.method());
    // One copy of the route a request, shared by both series (an `Arc`, not two `String`s).
    let route: std::sync::Arc<str> = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".into(), |m| m.as_str().into());
    tracing::Span::current().record("route", &*route);
    let response = match gate.and_then(|refuse| refuse(&req)) {
        Some(refused) => refused,
        None => next.run(req).await,
    };
    let status = status_label(response.status());
    metrics::counter!("http_requests_total", "service" => service, "method" => method, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("http_request_duration_seconds", "service" => service, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The `status` label: the code's three digits. Every label from 100 to 999 (the codes a
/// `StatusCode` can hold, RFC 9110 §15) is made once and lent, so no request allocates one.
fn status_label(status: axum::http::StatusCode) -> metrics::SharedString {
    static LABELS: OnceLock<Vec<String>> = OnceLock::new();
    let labels = LABELS.get_or_init(|| (100..=999u16).map(|code| code.to_string()).collect());
    let label: &'static str = &labels[usize::from(status.as_u16() - 100)];
    label.into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_label_is_its_three_digits() {
        for code in 100..=999u16 {
            let status = axum::http::StatusCode::from_u16(code).unwrap();
            assert_eq!(&*status_label(status), code.to_string(), "{code}");
        }
    }
}
