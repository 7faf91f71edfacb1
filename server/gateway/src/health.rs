//! Health: the public `/health/ready` (what the app's banner needs) and the admin listener
//! (`/metrics`, the detailed readiness report with each upstream).

use crate::{upstream, GatewayState};
use axum::Router;

/// A service's name, whether it is available, and its upstreams.
type ServiceReport = (&'static str, bool, Vec<upstream::MemberReport>);

/// The readiness of the whole shop: `ok` (every service can be reached), `degraded` (some
/// cannot: only their routes fail; still 200), 503 `unavailable` (none can) or 503 `draining`
/// (shutting down); and each service with whether it is available and its upstreams.
fn readiness(state: &GatewayState) -> (axum::http::StatusCode, &'static str, Vec<ServiceReport>) {
    let services: Vec<ServiceReport> = [&state.auth, &state.orders]
        .iter()
        .map(|p| (p.service.name(), p.any_available(), p.report()))
        .collect();
    let up = services
        .iter()
        .filter(|(_, available, _)| *available)
        .count();
    let (code, status) = match up {
        _ if shop_common::serve::is_draining() => {
            (axum::http::StatusCode::SERVICE_UNAVAILABLE, "draining")
        }
        n if n == services.len() => (axum::http::StatusCode::OK, "ok"),
        0 => (axum::http::StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
        _ => (axum::http::StatusCode::OK, "degraded"),
    };
    (code, status, services)
}

/// `GET /health/ready` on the public port: `{status, services: {auth: {available}, orders:
/// {available}}}` (what the app's banner needs, nothing about the machines behind).
pub(crate) async fn ready(
    axum::extract::State(state): axum::extract::State<GatewayState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (code, status, services) = readiness(&state);
    let services: serde_json::Map<String, serde_json::Value> = services
        .into_iter()
        .map(|(name, available, _)| {
            (
                name.to_owned(),
                serde_json::json!({ "available": available }),
            )
        })
        .collect();
    (
        code,
        axum::Json(serde_json::json!({ "status": status, "services": services })),
    )
        .into_response()
}

/// `GET /health/ready` on the admin listener: also each service's upstreams, their state,
/// breaker, last error and requests sent.
async fn ready_detailed(
    axum::extract::State(state): axum::extract::State<GatewayState>,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let (code, status, services) = readiness(&state);
    let services: serde_json::Map<String, serde_json::Value> = services
        .into_iter()
        .map(|(name, available, upstreams)| {
            (
                name.to_owned(),
                serde_json::json!({ "available": available, "upstreams": upstreams }),
            )
        })
        .collect();
    (
        code,
        axum::Json(serde_json::json!({ "status": status, "services": services })),
    )
        .into_response()
}

/// The admin listener's routes: `/metrics`, the detailed `/health/ready`, `/health/live`.
pub(crate) fn admin_router(state: GatewayState) -> impl shop_common::serve::HttpService {
    let routes = Router::new()
        .route("/health/ready", axum::routing::get(ready_detailed))
        .route(
            "/health/live",
            axum::routing::get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
        )
        .fallback(shop_common::problem::not_found)
        .with_state(state);
    shop_common::telemetry::layer(routes, "gateway-admin")
}
