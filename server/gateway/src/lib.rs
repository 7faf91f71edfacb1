//! The gateway: one address for the browser and API clients.
//!
//! - Serves the single-page app (the site built by cargo-leptos) with an index fallback for
//!   client routes.
//! - Routes `/api/auth/*`, `/api/users/*` to auth and `/api/products*`, `/api/categories`,
//!   `/api/cart*`, `/api/orders*` to orders ([`routes`]), verifying access tokens of protected
//!   routes itself and answering 401 before forwarding ([`proxy`]).
//! - Moves the browser's refresh token into an `HttpOnly` cookie ([`refresh_cookie`]).
//! - By default runs auth and orders in the same process on their own ports ([`start`]).

pub mod docs;
mod error;
mod protect;
mod proxy;
pub mod refresh_cookie;
mod revocations;
pub mod routes;
mod site;
mod upstream;

use anyhow::Context;
use axum::http::{header, HeaderName, HeaderValue};
use axum::routing::any;
use axum::Router;
use leptos::prelude::LeptosOptions;
use shop_auth::AuthSettings;
use shop_common::config::SharedSettings;
use shop_common::token::Verifier;
use shop_orders::OrdersSettings;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower_http::set_header::SetResponseHeaderLayer;

/// Settings of the gateway itself. Its listen address is the Leptos site address
/// (`LEPTOS_SITE_ADDR`, see [`site_options`]).
#[derive(Debug, Clone, clap::Args)]
pub struct GatewaySettings {
    /// File with the Leptos site options (`[package.metadata.leptos]`); `LEPTOS_*` environment
    /// variables, which cargo-leptos sets, override it.
    #[arg(long, env = "SHOP_LEPTOS_CONFIG", default_value = "Leptos.toml")]
    pub leptos_config: PathBuf,

    /// Base URLs of separately run auth services, comma-separated, e.g.
    /// `http://10.0.0.5:8001,http://10.0.0.6:8001`. Empty: the gateway runs auth itself on
    /// `SHOP_AUTH_ADDR`.
    #[arg(long, env = "SHOP_AUTH_UPSTREAMS", value_delimiter = ',')]
    pub auth_upstreams: Vec<String>,

    /// Base URLs of separately run orders services, comma-separated. Empty: the gateway runs
    /// orders itself on `SHOP_ORDERS_ADDR`.
    #[arg(long, env = "SHOP_ORDERS_UPSTREAMS", value_delimiter = ',')]
    pub orders_upstreams: Vec<String>,

    /// Address of the admin listener: `GET /metrics` and the detailed readiness report
    /// (upstream URLs, breakers, last errors), kept off the public port. Loopback by default;
    /// port 0 picks a free port.
    #[arg(long, env = "SHOP_ADMIN_ADDR", default_value = "127.0.0.1:8003")]
    pub admin_addr: String,

    /// How often each upstream's `/health/ready` is checked, in milliseconds.
    #[arg(long, env = "SHOP_HEALTH_CHECK_INTERVAL_MS", default_value_t = 2000)]
    pub health_check_interval_ms: u64,

    /// Longest wait for an upstream's answer, in seconds.
    #[arg(long, env = "SHOP_UPSTREAM_TIMEOUT_SECS", default_value_t = 15)]
    pub upstream_timeout_secs: u64,

    /// Mark the refresh cookie `Secure` (HTTPS only). Defaults to on outside dev mode; dev mode
    /// on plain `http://127.0.0.1` needs it off.
    #[arg(long, env = "SHOP_COOKIE_SECURE", action = clap::ArgAction::Set)]
    pub cookie_secure: Option<bool>,

    /// API requests a minute per client address (also the burst).
    #[arg(long, env = "SHOP_RATE_LIMIT_IP_PER_MIN", default_value_t = 600)]
    pub rate_limit_ip_per_min: u32,

    /// API requests a minute per signed-in user (also the burst).
    #[arg(long, env = "SHOP_RATE_LIMIT_USER_PER_MIN", default_value_t = 300)]
    pub rate_limit_user_per_min: u32,

    /// Login, register and refresh requests a minute per client address (also the burst).
    #[arg(long, env = "SHOP_RATE_LIMIT_AUTH_PER_MIN", default_value_t = 30)]
    pub rate_limit_auth_per_min: u32,

    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed (comma-separated).
    #[arg(long, env = "SHOP_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Origins allowed to call the API from another site (CORS), comma-separated, e.g.
    /// `https://admin.example.com`. Empty: same-origin only.
    #[arg(long, env = "SHOP_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
}

impl Default for GatewaySettings {
    fn default() -> Self {
        Self {
            leptos_config: PathBuf::from("Leptos.toml"),
            auth_upstreams: Vec::new(),
            orders_upstreams: Vec::new(),
            admin_addr: "127.0.0.1:0".to_owned(),
            health_check_interval_ms: 2000,
            upstream_timeout_secs: 15,
            cookie_secure: None,
            rate_limit_ip_per_min: 600,
            rate_limit_user_per_min: 300,
            rate_limit_auth_per_min: 30,
            trusted_proxies: Vec::new(),
            cors_origins: Vec::new(),
        }
    }
}

/// Everything the gateway binary reads: its own settings and those of the services it embeds.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "gateway",
    about = "The shop's gateway (and, by default, its auth and orders services)"
)]
pub struct Config {
    #[command(flatten)]
    pub shared: SharedSettings,
    #[command(flatten)]
    pub gateway: GatewaySettings,
    #[command(flatten)]
    pub auth: AuthSettings,
    #[command(flatten)]
    pub orders: OrdersSettings,
}

/// The Leptos site options: the file `settings.leptos_config` if it exists, overridden by
/// `LEPTOS_*` environment variables; without the file, the environment alone.
///
/// # Errors
/// When the file or a variable is malformed.
pub fn site_options(settings: &GatewaySettings) -> anyhow::Result<LeptosOptions> {
    let file = settings
        .leptos_config
        .to_str()
        .filter(|_| settings.leptos_config.exists());
    let conf = leptos::prelude::get_configuration(file).map_err(|e| {
        anyhow::anyhow!("Leptos options ({}): {e}", settings.leptos_config.display())
    })?;
    Ok(conf.leptos_options)
}

/// What the handlers share.
#[derive(Clone)]
pub(crate) struct GatewayState {
    /// Verifies access tokens with the auth service's JWKS.
    pub(crate) verifier: Arc<Verifier>,
    pub(crate) client: reqwest::Client,
    auth: Arc<upstream::Pool>,
    orders: Arc<upstream::Pool>,
    pub(crate) cookie_secure: bool,
    /// Longest wait for an upstream's headers, and then for its body (event streams excepted).
    pub(crate) upstream_timeout: Duration,
    pub(crate) limits: Arc<protect::RateLimits>,
    /// The methods of each API path, from the OpenAPI document.
    pub(crate) methods: Arc<routes::MethodTable>,
    /// The ended sessions (also consulted by `verifier`), read again after requests that end
    /// sessions.
    pub(crate) revocations: Arc<shop_common::revocations::Revocations>,
}

impl GatewayState {
    pub(crate) fn pool(&self, service: routes::Service) -> &upstream::Pool {
        match service {
            routes::Service::Auth => &self.auth,
            routes::Service::Orders => &self.orders,
        }
    }
}

/// The readiness of the whole shop: `ok` (every service can be reached), `degraded` (some
/// cannot: only their routes fail; still 200), 503 `unavailable` (none can) or 503 `draining`
/// (shutting down); and each service with whether it is available and its upstreams.
fn readiness(
    state: &GatewayState,
) -> (
    axum::http::StatusCode,
    &'static str,
    Vec<(&'static str, bool, Vec<upstream::MemberReport>)>,
) {
    let services: Vec<(&str, bool, Vec<upstream::MemberReport>)> = [&state.auth, &state.orders]
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
async fn ready(
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
fn admin_router(state: GatewayState) -> Router {
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

/// The gateway's routes: `/api/*`, health, and the site.
fn router(
    state: GatewayState,
    site: LeptosOptions,
    settings: &GatewaySettings,
    document: &utoipa::openapi::OpenApi,
) -> Router {
    let document: Arc<str> = serde_json::to_string(document)
        .expect("a serialisable document")
        .into();
    let mut api = Router::new()
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let document = document.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        document.to_string(),
                    )
                }
            }),
        )
        .route("/api", any(shop_common::problem::not_found))
        .route("/api/", any(shop_common::problem::not_found))
        .route("/api/{*path}", any(proxy::api))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ));
    if let Some(cors) = protect::cors(&settings.cors_origins) {
        api = api.layer(cors);
    }
    let hsts = state.cookie_secure;
    let csp = protect::content_security_policy(std::env::var_os("LEPTOS_WATCH").is_some());
    let mut routes = api
        .route("/health/ready", axum::routing::get(ready))
        .with_state(state)
        .route(
            "/health/live",
            axum::routing::get(|| async { axum::Json(serde_json::json!({"status": "ok"})) }),
        )
        .route("/boot.js", axum::routing::get(site::boot_script(&site)))
        .fallback_service(site::service(site));
    let headers = [
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            HeaderValue::from_static("same-origin"),
        ),
        (
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_str(&csp).expect("a valid header"),
        ),
    ];
    for (name, value) in headers {
        routes = routes.layer(SetResponseHeaderLayer::if_not_present(name, value));
    }
    // Outermost of the gateway's own layers: no handler ever sees a path it could misread.
    routes = routes.layer(axum::middleware::from_fn(protect::refuse_unsafe_paths));
    if hsts {
        // Served over TLS (the refresh cookie is Secure): browsers keep to HTTPS (RFC 6797).
        routes = routes.layer(SetResponseHeaderLayer::if_not_present(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    shop_common::telemetry::instrument(routes, "gateway")
}

/// A running stack: the gateway and the services it embeds.
pub struct RunningStack {
    /// The gateway's address.
    pub addr: SocketAddr,
    /// The admin listener's address (metrics, detailed readiness).
    pub admin_addr: SocketAddr,
    /// Base URLs of the auth services in use.
    pub auth_upstreams: Vec<String>,
    /// Base URLs of the orders services in use.
    pub orders_upstreams: Vec<String>,
    tasks: JoinSet<anyhow::Result<()>>,
    shutdown: CancellationToken,
}

impl RunningStack {
    /// Waits until every server stopped (after `shutdown` was cancelled, or one failed, which
    /// stops the others).
    ///
    /// # Errors
    /// The first server error.
    pub async fn wait(mut self) -> anyhow::Result<()> {
        let mut first_error = None;
        while let Some(done) = self.tasks.join_next().await {
            let result = done.map_err(anyhow::Error::from).and_then(|r| r);
            if let Err(e) = result {
                self.shutdown.cancel();
                first_error.get_or_insert(e);
            }
        }
        first_error.map_or(Ok(()), Err)
    }
}

fn spawn_server(
    tasks: &mut JoinSet<anyhow::Result<()>>,
    listener: TcpListener,
    router: Router,
    shutdown: &CancellationToken,
) {
    let stop = shutdown.clone().cancelled_owned();
    tasks.spawn(async move { Ok(shop_common::serve::serve(listener, router, stop).await?) });
}

/// The base URLs of a service: `configured` if any, else that of the service built by `app`
/// and started in this process on `addr`.
async fn upstreams(
    configured: &[String],
    addr: &str,
    app: impl std::future::Future<Output = anyhow::Result<Router>>,
    tasks: &mut JoinSet<anyhow::Result<()>>,
    shutdown: &CancellationToken,
) -> anyhow::Result<Vec<String>> {
    let configured: Vec<String> = configured
        .iter()
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty())
        .collect();
    if !configured.is_empty() {
        return Ok(configured);
    }
    let listener = shop_common::serve::bind(addr).await?;
    let url = format!("http://{}", listener.local_addr()?);
    spawn_server(tasks, listener, app.await?, shutdown);
    Ok(vec![url])
}

/// Starts the gateway on `listener` and, for each service without a configured URL, that
/// service on its own address in this process. Everything stops when `shutdown` is cancelled.
///
/// # Errors
/// A missing or weak signing key outside dev mode, a database that cannot be opened, or an
/// address in use.
pub async fn start(
    config: Config,
    site: LeptosOptions,
    listener: TcpListener,
    shutdown: CancellationToken,
) -> anyhow::Result<RunningStack> {
    // Leptos renders the app shell on the tokio runtime; a second call finds it set already.
    let _ = any_spawner::Executor::init_tokio();
    let mut tasks = JoinSet::new();
    let auth_upstreams = upstreams(
        &config.gateway.auth_upstreams,
        &config.auth.auth_addr,
        shop_auth::app(&config.shared, &config.auth),
        &mut tasks,
        &shutdown,
    )
    .await
    .context("auth")?;
    let jwks_urls: Vec<String> = auth_upstreams
        .iter()
        .map(|u| format!("{u}/api/auth/jwks"))
        .collect();
    let mut orders_settings = config.orders.clone();
    if orders_settings.jwks_urls.is_empty() {
        orders_settings.jwks_urls.clone_from(&jwks_urls);
    }
    let orders_upstreams = upstreams(
        &config.gateway.orders_upstreams,
        &config.orders.orders_addr,
        shop_orders::app(&config.shared, &orders_settings),
        &mut tasks,
        &shutdown,
    )
    .await
    .context("orders")?;
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let auth_pool = Arc::new(upstream::Pool::new(routes::Service::Auth, &auth_upstreams));
    let revocations = config.shared.revocations(
        auth_upstreams
            .iter()
            .map(|u| format!("{u}/internal/revocations"))
            .collect(),
        shutdown.clone(),
    )?;
    // Built once: served at /api/openapi.json and read for each path's methods.
    let document = docs::document();
    let state = GatewayState {
        verifier: Arc::new(
            config
                .shared
                .jwks_verifier(jwks_urls)
                .with_revocations(revocations.clone()),
        ),
        client,
        auth: auth_pool.clone(),
        orders: Arc::new(upstream::Pool::new(
            routes::Service::Orders,
            &orders_upstreams,
        )),
        cookie_secure: config
            .gateway
            .cookie_secure
            .unwrap_or(!config.shared.dev_mode),
        upstream_timeout: Duration::from_secs(config.gateway.upstream_timeout_secs),
        limits: Arc::new(protect::RateLimits::new(
            config.gateway.rate_limit_ip_per_min,
            config.gateway.rate_limit_user_per_min,
            config.gateway.rate_limit_auth_per_min,
            config.gateway.trusted_proxies.clone(),
        )),
        revocations: revocations.clone(),
        methods: Arc::new(routes::MethodTable::from_openapi(&document)),
    };
    revocations.poll().await;
    // Fetch auth's keys now, without holding up the start when auth is not reachable yet.
    tokio::spawn({
        let verifier = state.verifier.clone();
        async move { verifier.prefetch().await }
    });
    let addr = listener.local_addr()?;
    let admin = shop_common::serve::bind(&config.gateway.admin_addr)
        .await
        .context("admin listener")?;
    let admin_addr = admin.local_addr()?;
    let interval = Duration::from_millis(config.gateway.health_check_interval_ms.max(50));
    for pool in [state.auth.clone(), state.orders.clone()] {
        tokio::spawn(upstream::check_forever(
            pool,
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
        dev_mode = config.shared.dev_mode,
        "gateway listening"
    );
    let limits = state.limits.clone();
    let stop = shutdown.clone();
    tokio::spawn(async move {
        let mut every_minute = tokio::time::interval(Duration::from_secs(60));
        loop {
            tokio::select! {
                _ = every_minute.tick() => limits.forget_idle(),
                () = stop.cancelled() => break,
            }
        }
    });
    spawn_server(&mut tasks, admin, admin_router(state.clone()), &shutdown);
    spawn_server(
        &mut tasks,
        listener,
        router(state, site, &config.gateway, &document),
        &shutdown,
    );
    Ok(RunningStack {
        addr,
        admin_addr,
        auth_upstreams,
        orders_upstreams,
        tasks,
        shutdown,
    })
}
