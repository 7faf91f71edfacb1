//! The gateway: one address for the browser and API clients, in front of the auth and orders
//! services wherever they run. It links no service crate: what it knows of their routes it
//! reads from their OpenAPI documents ([`api_map`]).
//!
//! - Serves the single-page app (the site built by cargo-leptos) with an index fallback for
//!   client routes ([`site`]).
//! - Routes `/api/auth*` and `/api/users*` to auth and the rest of `/api` to orders
//!   ([`routes`]), through layers that refuse unsafe paths, apply rate limits and check access
//!   tokens where the owning service's document asks for one ([`layers`]), to a forwarder with
//!   retries over each service's upstreams ([`forward`], [`upstream`]).
//! - Moves the browser's refresh token into an `HttpOnly` cookie ([`refresh_cookie`]).
//!
//! The `shop` launcher runs it together with both services in one process.

mod api_map;
pub mod docs;
mod error;
mod forward;
mod headers;
mod health;
mod layers;
mod protect;
pub mod refresh_cookie;
mod revocations;
pub mod routes;
mod settings;
mod site;
mod site_files;
mod upstream;

pub use settings::{
    check_upstream_urls, configured_urls, site_options, upstream_urls, GatewaySettings,
};

use anyhow::Context;
use api_types::auth::paths;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::{any, get};
use axum::Router;
use leptos::prelude::LeptosOptions;
use shop_common::config::SharedSettings;
use shop_common::serve::Servers;
use shop_common::token::Verifier;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tower_http::set_header::SetResponseHeaderLayer;

/// What the handlers and layers share, behind one `Arc`: every layer and extractor clones the
/// state of each request, one reference count instead of one per field.
pub(crate) type GatewayState = Arc<Shared>;

/// The fields of [`GatewayState`].
pub(crate) struct Shared {
    /// Verifies access tokens with the auth service's JWKS.
    pub(crate) verifier: Arc<Verifier>,
    /// For the gateway's own calls: health checks and the services' documents.
    pub(crate) client: reqwest::Client,
    /// Forwards the clients' requests ([`forward`]).
    pub(crate) upstream: forward::UpstreamClient,
    auth: Arc<upstream::Pool>,
    orders: Arc<upstream::Pool>,
    pub(crate) cookie_secure: bool,
    /// Longest wait for an upstream's headers, and then for its body (event streams excepted).
    pub(crate) upstream_timeout: Duration,
    pub(crate) limits: Arc<protect::RateLimits>,
    /// The services' routes, from their documents.
    pub(crate) api: Arc<api_map::ApiMap>,
    /// The ended sessions (also consulted by `verifier`), read again after requests that end
    /// sessions.
    pub(crate) revocations: Arc<shop_common::revocations::Revocations>,
}

impl Shared {
    pub(crate) fn pool(&self, service: routes::Service) -> &upstream::Pool {
        match service {
            routes::Service::Auth => &self.auth,
            routes::Service::Orders => &self.orders,
        }
    }
}

/// `GET /api/openapi.json`: the merged document, or 503 `service_unavailable` while a
/// service's part is still unknown.
async fn openapi_json(
    axum::extract::State(state): axum::extract::State<GatewayState>,
) -> axum::response::Response {
    match state.api.merged() {
        Some(json) => (
            [(header::CONTENT_TYPE, "application/json")],
            json.to_string(),
        )
            .into_response(),
        None => {
            let missing = [routes::Service::Auth, routes::Service::Orders]
                .into_iter()
                .find(|s| !state.api.knows(*s))
                .unwrap_or(routes::Service::Orders);
            error::GatewayError::ServiceUnavailable(missing).into_response()
        }
    }
}

/// The gateway's routes: `/api/*` through its layers ([`layers`]), health, and the site.
///
/// # Errors
/// A file of the site that cannot be read.
fn router(
    state: GatewayState,
    site: LeptosOptions,
    settings: &GatewaySettings,
) -> std::io::Result<impl shop_common::serve::HttpService> {
    let mut api = Router::new()
        .route(paths::LOGIN, any(refresh_cookie::login))
        .route(paths::REFRESH, any(refresh_cookie::refresh))
        .route(paths::LOGOUT, any(refresh_cookie::logout))
        .route("/api/{*path}", any(forward::api))
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            layers::guard,
        ))
        .route(shop_common::document::PATH, get(openapi_json))
        .route("/api", any(shop_common::problem::not_found))
        .route("/api/", any(shop_common::problem::not_found))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    if let Some(cors) = protect::cors(&settings.cors_origins) {
        api = api.layer(cors);
    }
    let hsts = state.cookie_secure;
    // The app's file names (hashed or not), read once for the shell and its loader.
    let names = site::PkgNames::of(&site);
    let routes = api
        .route("/health/ready", get(health::ready))
        .with_state(state)
        .route(
            "/health/live",
            get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
        )
        .route(
            "/boot.js",
            get(site::boot_script(&site, &names, settings.live_reload)),
        )
        .fallback_service(site::service(site, names, settings.live_reload)?);
    // No handler ever sees a path it could misread (the gate); every answer has the security
    // headers.
    Ok(layers::instrument_with_security_headers(
        routes,
        settings.live_reload,
        hsts,
    ))
}

/// The addresses a started gateway listens on.
#[derive(Debug, Clone, Copy)]
pub struct Gateway {
    /// The public address (the site and `/api`).
    pub addr: SocketAddr,
    /// The admin listener's address (metrics, detailed readiness).
    pub admin_addr: SocketAddr,
}

/// Starts the gateway on `listener` (and its admin listener on `SHOP_ADMIN_ADDR`) in front of
/// the upstreams of `settings` (see [`upstream_urls`] for the defaults), as servers of
/// `servers`. Reads each service's document first, without waiting for a service that cannot
/// be reached yet (its document is read when it comes up).
///
/// # Errors
/// An internal token that cannot be read outside dev mode, or an admin address in use.
pub async fn start(
    shared: &SharedSettings,
    settings: &GatewaySettings,
    site: LeptosOptions,
    listener: TcpListener,
    servers: &mut Servers,
) -> anyhow::Result<Gateway> {
    // Leptos renders the app shell on the tokio runtime; a second call finds it set already.
    let _ = any_spawner::Executor::init_tokio();
    let shutdown = servers.shutdown().clone();
    let auth_upstreams = upstream_urls(&settings.auth_upstreams, "http://127.0.0.1:8001");
    let orders_upstreams = upstream_urls(&settings.orders_upstreams, "http://127.0.0.1:8002");
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let revocations = shared.revocations(
        auth_upstreams
            .iter()
            .map(|u| format!("{u}/internal/revocations"))
            .collect(),
        shutdown.clone(),
    )?;
    let jwks_urls = auth_upstreams
        .iter()
        .map(|u| format!("{u}/api/auth/jwks"))
        .collect();
    let state = Arc::new(Shared {
        verifier: Arc::new(
            shared
                .jwks_verifier(jwks_urls)
                .with_revocations(revocations.clone()),
        ),
        client,
        upstream: forward::upstream_client(),
        auth: Arc::new(upstream::Pool::new(routes::Service::Auth, &auth_upstreams)?),
        orders: Arc::new(upstream::Pool::new(
            routes::Service::Orders,
            &orders_upstreams,
        )?),
        cookie_secure: settings.cookie_secure.unwrap_or(!shared.dev_mode),
        upstream_timeout: Duration::from_secs(settings.upstream_timeout_secs),
        limits: Arc::new(protect::RateLimits::new(
            settings.rate_limit_ip_per_min,
            settings.rate_limit_user_per_min,
            settings.rate_limit_auth_per_min,
            settings.trusted_proxies.clone(),
        )),
        revocations: revocations.clone(),
        api: Arc::default(),
    });
    for pool in [&state.auth, &state.orders] {
        upstream::learn_routes(pool, &state.api, &state.client).await;
    }
    revocations.poll().await;
    // Fetch auth's keys now, without holding up the start when auth is not reachable yet.
    tokio::spawn({
        let verifier = state.verifier.clone();
        async move { verifier.prefetch().await }
    });
    let addr = listener.local_addr()?;
    let admin = shop_common::serve::bind(&settings.admin_addr)
        .await
        .context("admin listener")?;
    let admin_addr = admin.local_addr()?;
    let interval = Duration::from_millis(settings.health_check_interval_ms.max(50));
    for pool in [state.auth.clone(), state.orders.clone()] {
        tokio::spawn(upstream::check_forever(
            pool,
            state.api.clone(),
            state.client.clone(),
            interval,
            shutdown.clone(),
        ));
    }
    tracing::info!(
        %addr,
        %admin_addr,
        auth = %auth_upstreams.join(","),
        orders = %orders_upstreams.join(","),
        dev_mode = shared.dev_mode,
        "gateway listening"
    );
    let limits = state.limits.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = every_minute.tick() => limits.forget_idle(),
                () = shutdown.cancelled() => break,
            }
        }
    });
    servers.spawn(admin, health::admin_router(state.clone()));
    servers.spawn(
        listener,
        router(state, site, settings).context("reading the site's files")?,
    );
    Ok(Gateway { addr, admin_addr })
}

#[cfg(test)]
mod tests;
