//! `GET /health/live` (the process answers) and `GET /health/ready` (it can serve: its
//! dependencies answer). Both return `{"status": "ok"}` or 503 `{"status": "unavailable"}`.

use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

/// A readiness check: resolves to `true` when the process can serve requests.
pub type ReadyCheck = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = bool> + Send>> + Send + Sync>;

/// The two health routes, with `ready` deciding readiness.
pub fn router<S: Clone + Send + Sync + 'static>(ready: ReadyCheck) -> Router<S> {
    Router::new()
        .route(
            "/health/live",
            get(|| async { Json(json!({"status": "ok"})) }),
        )
        .route(
            "/health/ready",
            get(move || {
                let ready = ready.clone();
                async move {
                    if crate::serve::is_draining() {
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            Json(json!({"status": "draining"})),
                        )
                            .into_response()
                    } else if ready().await {
                        (StatusCode::OK, Json(json!({"status": "ok"}))).into_response()
                    } else {
                        (
                            StatusCode::SERVICE_UNAVAILABLE,
                            Json(json!({"status": "unavailable"})),
                        )
                            .into_response()
                    }
                }
            }),
        )
}
