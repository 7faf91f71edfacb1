//! Tracing: one subscriber per process, and one span per request carrying the request id
//! (`x-request-id`, generated when absent, returned to the client) and the matched route.
//! Headers and bodies are never logged, so tokens, cookies and passwords never are.

use crate::serve::HttpService;
use axum::http::{HeaderName, Request};
use axum::Router;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use tracing::Level;

/// The request id header.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Installs the global subscriber; `RUST_LOG` filters (default `info`). Human-readable lines,
/// or one JSON object a line with [`crate::config::LogFormat::Json`] (`SHOP_LOG_FORMAT=json`).
/// Safe to call twice.
pub fn init(format: crate::config::LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=info".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        crate::config::LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
        crate::config::LogFormat::Text => builder.try_init(),
    };
}

/// A check of every request, made once the router matched a route and inside the request
/// metrics, so what it refuses is counted and logged like any answer: `Some(answer)` refuses
/// the request with that answer, `None` lets it through to the route.
pub type Gate = fn(&axum::extract::Request) -> Option<axum::response::Response>;

/// Adds `GET /metrics`, request metrics, request ids and a request span (method, matched
/// route, request id; status and latency on the response) to `router`. `service` names the
/// process in the span and the metrics.
pub fn layer(router: Router, service: &'static str) -> impl HttpService {
    instrument(
        router.route("/metrics", axum::routing::get(crate::metrics::render)),
        service,
    )
}

/// [`layer`] without the `/metrics` route (the gateway serves it on its admin listener).
pub fn instrument(router: Router, service: &'static str) -> impl HttpService {
    instrument_with(router, service, tower::layer::util::Identity::new(), None)
}

/// [`instrument`], with `outer` around the routes (inside the request id and the request span,
/// outside routing: the gateway's security headers) and `gate` checking every request before
/// its route ([`Gate`]).
///
/// Only what needs the matched route (the metrics, which also record it on the span, and the
/// gate inside them) is applied per route with [`Router::layer`], as one middleware; the rest
/// wraps the router once, as plain tower layers, and no second router. Axum boxes each
/// [`Router::layer`] around every route and clones the boxed chain below it on every call, so
/// a stack of `n` such layers made `n (n + 1) / 2` boxed clones a request.
pub fn instrument_with<L>(
    router: Router,
    service: &'static str,
    outer: L,
    gate: Option<Gate>,
) -> impl HttpService
where
    L: tower::Layer<Router>,
    L::Service: HttpService,
{
    crate::metrics::handle();
    let routes = router
        // Every route registered so far (health, metrics, the API): another method is a 405
        // problem, not an empty answer.
        .method_not_allowed_fallback(crate::problem::method_not_allowed)
        .layer(axum::middleware::from_fn(move |req, next| {
            crate::metrics::record(service, gate, req, next)
        }));
    tower::ServiceBuilder::new()
        // The span's body wrapper, boxed once into axum's body (as a router's fallback did).
        .map_response(axum::response::IntoResponse::into_response)
        .map_request(drop_bad_request_id)
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
        .layer(
            TraceLayer::new_for_http()
                // The route is recorded by the metrics layer once the router matched one.
                .make_span_with(move |req: &Request<_>| {
                    let request_id =
                        req.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                    let route = tracing::field::Empty;
                    if is_polling(req.uri().path()) {
                        tracing::debug_span!("request", service, method = %req.method(), route, request_id)
                    } else {
                        tracing::info_span!("request", service, method = %req.method(), route, request_id)
                    }
                })
                .on_response(
                    |res: &axum::http::Response<_>, latency: std::time::Duration, span: &tracing::Span| {
                        let status = res.status().as_u16();
                        let latency_ms = latency.as_secs_f64() * 1000.0;
                        // A disabled span is a DEBUG one under an INFO filter: stay quiet.
                        if span.is_disabled()
                            || span.metadata().is_some_and(|m| *m.level() == Level::DEBUG)
                        {
                            tracing::debug!(status, latency_ms, "request finished");
                        } else {
                            tracing::info!(status, latency_ms, "request finished");
                        }
                    },
                )
                // The response line already carries the status; no second line for a 5xx.
                .on_failure(()),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(outer)
        .service(routes)
}

/// Whether `path` is polled by the shop's own processes or by monitoring (health checks every
/// few seconds, the feed of ended sessions every second, metrics scrapes): its requests are
/// logged at DEBUG, so an idle shop's log stays quiet. Client requests are logged at INFO.
fn is_polling(path: &str) -> bool {
    path.starts_with("/health/") || path.starts_with("/internal/") || path == "/metrics"
}

/// Longest request id accepted from a client, in characters.
pub const MAX_REQUEST_ID_LEN: usize = 64;

/// Whether a client's request id may be kept, logged and passed on: 1 to
/// [`MAX_REQUEST_ID_LEN`] visible ASCII characters (0x21 to 0x7E; no spaces or controls).
pub fn is_acceptable_request_id(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID_LEN).contains(&id.len()) && id.iter().all(|b| (0x21..=0x7e).contains(b))
}

/// Removes a request id that is not [acceptable](is_acceptable_request_id), so a new one is
/// made in its place: what a client sends never reaches the logs unchecked. A plain function
/// over the request (`map_request`), not a middleware: nothing boxed a request.
fn drop_bad_request_id(mut req: axum::extract::Request) -> axum::extract::Request {
    let ids = req.headers().get_all(&REQUEST_ID);
    let mut ids = ids.iter();
    let keep = matches!((ids.next(), ids.next()), (Some(id), None) if is_acceptable_request_id(id.as_bytes()));
    if !keep {
        req.headers_mut().remove(&REQUEST_ID);
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that keeps what the subscriber writes.
    #[derive(Clone, Default)]
    struct Captured(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// Taken by the tests that send requests through the instrumentation: tracing caches each
    /// callsite's interest process-wide, so a test thread without a subscriber can hide the
    /// spans of another test's scoped one while both run.
    static TRACING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

    #[tokio::test]
    async fn polling_is_logged_at_debug_and_client_requests_at_info() {
        use tower::ServiceExt as _;
        let _serial = TRACING.lock().await;
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = layer(
            Router::new()
                .route("/health/ready", axum::routing::get(|| async { "ok" }))
                .route(
                    "/internal/revocations",
                    axum::routing::get(|| async { "{}" }),
                )
                .route("/api/products", axum::routing::get(|| async { "[]" })),
            "test",
        );
        for path in [
            "/health/ready",
            "/internal/revocations",
            "/metrics",
            "/api/products",
        ] {
            let req = axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap();
            let r = app.clone().oneshot(req).await.unwrap();
            assert!(r.status().is_success(), "{path}");
        }
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        assert!(log.contains(r#"route="/api/products""#), "{log}");
        assert_eq!(log.lines().count(), 1, "{log}");
    }

    #[tokio::test]
    async fn a_gate_answers_in_place_of_the_route_and_its_refusals_are_counted() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use tower::ServiceExt as _;
        static HANDLED: AtomicUsize = AtomicUsize::new(0);
        let _serial = TRACING.lock().await;
        // A subscriber of its own, so no callsite is cached as disabled for the other tests.
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(Level::INFO)
            .with_writer(std::io::sink)
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        fn refuse_bad(req: &axum::extract::Request) -> Option<axum::response::Response> {
            (req.uri().path() == "/items/bad")
                .then(|| axum::http::StatusCode::IM_A_TEAPOT.into_response())
        }
        use axum::response::IntoResponse as _;
        let app = instrument_with(
            Router::new().route(
                "/items/{id}",
                axum::routing::get(|| async {
                    HANDLED.fetch_add(1, Ordering::SeqCst);
                    "item"
                }),
            ),
            "gate-test",
            tower::layer::util::Identity::new(),
            Some(refuse_bad),
        );
        let get = |path: &str| {
            axum::http::Request::get(path)
                .body(axum::body::Body::empty())
                .unwrap()
        };
        let refused = app.clone().oneshot(get("/items/bad")).await.unwrap();
        assert_eq!(refused.status(), 418);
        assert!(refused.headers().contains_key(&REQUEST_ID));
        assert_eq!(HANDLED.load(Ordering::SeqCst), 0);
        let passed = app.oneshot(get("/items/good")).await.unwrap();
        assert_eq!(passed.status(), 200);
        assert_eq!(HANDLED.load(Ordering::SeqCst), 1);
        let metrics = crate::metrics::handle().render();
        for status in ["418", "200"] {
            let series = format!(
                r#"http_requests_total{{service="gate-test",method="GET",route="/items/{{id}}",status="{status}"}} 1"#
            );
            assert!(metrics.contains(&series), "{series} in {metrics}");
        }
    }

    #[test]
    fn only_short_visible_ascii_request_ids_are_kept() {
        assert!(is_acceptable_request_id(b"abc-123"));
        assert!(is_acceptable_request_id(&[b'a'; MAX_REQUEST_ID_LEN]));
        for bad in [
            &b""[..],
            &[b'a'; MAX_REQUEST_ID_LEN + 1][..],
            b"a b",
            b"line\nbreak",
            b"tab\t",
            "caf\u{e9}".as_bytes(),
        ] {
            assert!(!is_acceptable_request_id(bad), "{bad:?}");
        }
    }
}
