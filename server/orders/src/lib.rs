//! The orders service: catalog, server-side carts, checkout with a simulated payment provider,
//! and orders.
//!
//! Routes (JSON; errors are RFC 9457 problem details; amounts are integer cents):
//! - `GET /api/products?category=&q=&sort=&page=&per_page=` ->
//!   [`api_types::catalog::ProductPage`]; `GET /api/products/{id}`; `GET /api/categories`.
//! - Admin: `POST /api/products`, `PATCH /api/products/{id}`, `DELETE /api/products/{id}`
//!   (hides it), `GET /api/admin/products` (hidden ones too).
//! - Bearer: `GET /api/cart`, `PUT /api/cart/items/{product_id} {quantity}`,
//!   `DELETE /api/cart/items/{product_id}` -> [`api_types::orders::Cart`].
//! - Bearer: `POST /api/orders` (header `Idempotency-Key`) -> 201 [`api_types::orders::Order`],
//!   402 `payment_declined`, 409 `out_of_stock`, 503 `payment_unavailable`;
//!   `GET /api/orders`; `GET /api/orders/{id}`; `POST /api/orders/{id}/cancel`;
//!   `GET /api/orders/{id}/events` (server-sent events).
//! - Admin: `GET /api/admin/orders?status=`, `PATCH /api/orders/{id}/status {status}`.
//! - `GET /health/live`, `GET /health/ready`.

mod cart;
mod catalog;
mod checkout;
mod error;
mod events;
mod lifecycle;
mod orders;
mod payment;
mod store;

use clap::Args;
use shop_common::config::SharedSettings;
use shop_common::token::Verifier;
use std::future::Future;
use std::sync::Arc;
use tokio::net::TcpListener;

pub use error::OrdersError;
pub use payment::{PaymentProvider, PaymentSettings};

/// Settings of the orders service (flags and `SHOP_*` environment variables).
#[derive(Debug, Clone, Args)]
pub struct OrdersSettings {
    /// Listen address of the orders service.
    #[arg(long, env = "SHOP_ORDERS_ADDR", default_value = "127.0.0.1:8002")]
    pub orders_addr: String,

    /// The orders service's database: unset = the SQLite file `{data_dir}/orders.db`;
    /// `sqlite://PATH` = SQLite at `PATH`; `postgres://user:password@host:port/dbname` =
    /// PostgreSQL.
    #[arg(long, env = "SHOP_ORDERS_DATABASE_URL", hide_env_values = true)]
    pub orders_database_url: Option<String>,

    /// Most connections the orders service keeps open to its database.
    #[arg(
        long,
        env = "SHOP_ORDERS_DATABASE_MAX_CONNECTIONS",
        default_value_t = 8
    )]
    pub orders_database_max_connections: u32,

    /// Where the auth service publishes the keys that verify access tokens: comma-separated
    /// JWKS URLs, tried in order (one per auth replica). Default: the auth service at its
    /// default address, or, run inside the gateway, the gateway's auth upstreams.
    #[arg(long, env = "SHOP_JWKS_URLS", value_delimiter = ',')]
    pub jwks_urls: Vec<String>,

    /// The auth service's feeds of ended sessions, comma-separated URLs tried in order (one per
    /// auth replica), whose access tokens this service then refuses. Default: each JWKS URL
    /// with `/api/auth/jwks` replaced by `/internal/revocations`.
    #[arg(long, env = "SHOP_REVOCATION_FEED_URLS", value_delimiter = ',')]
    pub revocation_feed_urls: Vec<String>,

    /// Share of simulated payments that succeed, from 0.0 (all declined) to 1.0 (all pass).
    #[arg(long, env = "SHOP_PAYMENT_SUCCESS_RATE", default_value_t = 0.8, value_parser = parse_rate)]
    pub payment_success_rate: f64,

    /// Time the simulated payment provider takes to answer, in milliseconds.
    #[arg(long, env = "SHOP_PAYMENT_LATENCY_MS", default_value_t = 300)]
    pub payment_latency_ms: u64,

    /// Simulate a payment provider outage: every call fails.
    #[arg(long, env = "SHOP_PAYMENT_OUTAGE", default_value_t = false, action = clap::ArgAction::Set)]
    pub payment_outage: bool,

    /// Longest wait for the payment provider, in milliseconds.
    #[arg(long, env = "SHOP_PAYMENT_TIMEOUT_MS", default_value_t = 3000)]
    pub payment_timeout_ms: u64,

    /// Provider failures in a row (outage, timeout) that open the payment circuit breaker.
    #[arg(long, env = "SHOP_PAYMENT_BREAKER_FAILURES", default_value_t = 3)]
    pub payment_breaker_failures: u32,

    /// How long the payment circuit breaker stays open, in seconds.
    #[arg(long, env = "SHOP_PAYMENT_BREAKER_OPEN_SECS", default_value_t = 30)]
    pub payment_breaker_open_secs: u64,
}

impl OrdersSettings {
    /// The payment provider's settings.
    pub fn payment(&self) -> PaymentSettings {
        PaymentSettings {
            success_rate: self.payment_success_rate,
            latency: std::time::Duration::from_millis(self.payment_latency_ms),
            outage: self.payment_outage,
            timeout: std::time::Duration::from_millis(self.payment_timeout_ms),
            breaker_failures: self.payment_breaker_failures,
            breaker_open: std::time::Duration::from_secs(self.payment_breaker_open_secs),
        }
    }
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("{s:?} is not a number from 0.0 to 1.0")),
    }
}

impl OrdersSettings {
    /// The command line's defaults (one source: [`shop_common::config::cli_defaults`]) on a
    /// free port and with a payment provider that answers at once: for tests.
    pub fn for_tests() -> Self {
        Self {
            orders_addr: "127.0.0.1:0".to_owned(),
            payment_latency_ms: 0,
            ..shop_common::config::cli_defaults()
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The catalog, carts and orders, on the configured database.
    pub(crate) store: Arc<dyn store::OrdersStore>,
    pub(crate) verifier: Arc<Verifier>,
    pub(crate) payments: Arc<PaymentProvider>,
    /// Open event streams per user, at most [`events::MAX_STREAMS_PER_USER`] each.
    pub(crate) streams: events::StreamCounts,
}

impl axum::extract::FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

/// The feed URLs: `configured` if any, else those of the auth services whose JWKS URLs end
/// in `/api/auth/jwks`.
fn feed_urls(configured: &[String], jwks_urls: &[String]) -> Vec<String> {
    let configured: Vec<String> = configured
        .iter()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .collect();
    if !configured.is_empty() {
        return configured;
    }
    jwks_urls
        .iter()
        .filter_map(|u| u.strip_suffix("/api/auth/jwks"))
        .map(|base| format!("{base}/internal/revocations"))
        .collect()
}

/// The JWKS URL of an auth service at the default `SHOP_AUTH_ADDR`.
pub const DEFAULT_JWKS_URL: &str = "http://127.0.0.1:8001/api/auth/jwks";

/// How much longer than the payment timeout an order may stay `pending` before the sweep
/// abandons it, and how often the sweep runs.
const STALE_PENDING_MARGIN: std::time::Duration = std::time::Duration::from_secs(5);

/// Opens the database (`{data_dir}/orders.db`), runs migrations (which seed the catalog), and
/// starts the sweep that abandons `pending` orders a crash left behind (their stock comes back).
///
/// # Errors
/// A database that cannot be opened or migrated.
pub async fn state(shared: &SharedSettings, settings: &OrdersSettings) -> anyhow::Result<AppState> {
    let jwks_urls: Vec<String> = settings
        .jwks_urls
        .iter()
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty())
        .collect();
    let jwks_urls = if jwks_urls.is_empty() {
        vec![DEFAULT_JWKS_URL.to_owned()]
    } else {
        jwks_urls
    };
    let feed_urls = feed_urls(&settings.revocation_feed_urls, &jwks_urls);
    let mut verifier = shared.jwks_verifier(jwks_urls);
    if feed_urls.is_empty() {
        tracing::warn!(
            "no feed of ended sessions (SHOP_REVOCATION_FEED_URLS): their access tokens are \
             accepted until they expire"
        );
    } else {
        verifier = verifier.with_revocations(
            shared.revocations(feed_urls, tokio_util::sync::CancellationToken::new())?,
        );
    }
    let verifier = Arc::new(verifier);
    let database = shop_common::store::DatabaseUrl::parse(
        settings.orders_database_url.as_deref(),
        &shared.data_dir.join("orders.db"),
    )
    .map_err(|e| anyhow::anyhow!("SHOP_ORDERS_DATABASE_URL: {e}"))?;
    let store = store::open(&database, settings.orders_database_max_connections).await?;
    let stale_after = settings.payment().timeout + STALE_PENDING_MARGIN;
    checkout::abandon_stale(&*store, stale_after)
        .await
        .map_err(|e| anyhow::anyhow!("recovering pending orders: {e}"))?;
    // The sweep holds the store weakly: it ends with the service.
    let sweeper = Arc::downgrade(&store);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(STALE_PENDING_MARGIN);
        loop {
            tick.tick().await;
            let Some(store) = sweeper.upgrade() else {
                break;
            };
            if let Err(e) = checkout::abandon_stale(&*store, stale_after).await {
                tracing::warn!(error = %e, "sweeping stale pending orders failed");
            }
        }
    });
    // The auth service may start after this one: fetch its keys in the background.
    tokio::spawn({
        let verifier = verifier.clone();
        async move { verifier.prefetch().await }
    });
    let payments = Arc::new(PaymentProvider::new(settings.payment()));
    Ok(AppState {
        store,
        verifier,
        payments,
        streams: events::StreamCounts::default(),
    })
}

#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        catalog::list_products,
        catalog::get_product,
        catalog::list_categories,
        catalog::create_product,
        catalog::patch_product,
        catalog::delete_product,
        catalog::admin_list_products,
        cart::get_cart,
        cart::set_quantity,
        cart::remove_item,
        checkout::create_order,
        orders::list_orders,
        orders::get_order,
        orders::cancel_order,
        events::order_events,
        orders::patch_status,
        orders::admin_list_orders,
    ),
    components(schemas(api_types::catalog::ProductSort, api_types::orders::OrderStatus))
)]
struct ApiDoc;

/// The orders service's part of the OpenAPI 3.1 document (paths and the schemas they use).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut doc = <ApiDoc as utoipa::OpenApi>::openapi();
    checkout::document_checkout(&mut doc);
    doc
}

/// The service's routes, with request ids and tracing.
pub fn router(state: AppState) -> impl shop_common::serve::HttpService {
    use axum::routing::{get, patch, post, put};
    let routes = axum::Router::new()
        .route(
            "/api/products",
            get(catalog::list_products).post(catalog::create_product),
        )
        .route(
            "/api/products/{id}",
            get(catalog::get_product)
                .patch(catalog::patch_product)
                .delete(catalog::delete_product),
        )
        .route("/api/categories", get(catalog::list_categories))
        .route("/api/cart", get(cart::get_cart))
        .route(
            "/api/cart/items/{product_id}",
            put(cart::set_quantity).delete(cart::remove_item),
        )
        .route(
            "/api/orders",
            get(orders::list_orders).post(checkout::create_order),
        )
        .route("/api/orders/{id}", get(orders::get_order))
        .route("/api/orders/{id}/cancel", post(orders::cancel_order))
        .route("/api/orders/{id}/status", patch(orders::patch_status))
        .route("/api/orders/{id}/events", get(events::order_events))
        .route("/api/admin/orders", get(orders::admin_list_orders))
        .route("/api/admin/products", get(catalog::admin_list_products))
        .route(
            shop_common::document::PATH,
            shop_common::document::route(
                serde_json::to_string(&openapi()).expect("a serialisable document"),
            ),
        )
        .merge(shop_common::health::router(store::ready_check(
            state.store.clone(),
        )))
        .fallback(shop_common::problem::not_found)
        .method_not_allowed_fallback(shop_common::problem::method_not_allowed)
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
        .with_state(state);
    shop_common::telemetry::layer(routes, "orders")
}

/// The service's router on a freshly opened database: [`state`] then [`router`].
///
/// # Errors
/// As [`state`].
pub async fn app(
    shared: &SharedSettings,
    settings: &OrdersSettings,
) -> anyhow::Result<impl shop_common::serve::HttpService> {
    Ok(router(state(shared, settings).await?))
}

/// Serves the service on `listener` until `shutdown` resolves.
///
/// # Errors
/// As [`state`], or when serving fails.
pub async fn run(
    listener: TcpListener,
    shared: &SharedSettings,
    settings: &OrdersSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = app(shared, settings).await?;
    tracing::info!(addr = %listener.local_addr()?, "orders listening");
    shop_common::serve::serve(listener, app, shutdown).await?;
    Ok(())
}
