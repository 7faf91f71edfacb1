//! The launcher: the whole shop in one process, each part on its own port, as
//! `cargo leptos watch` and the README's quick start run it. The parts talk over HTTP as they
//! do when they run on separate machines; only the start is shared.
//!
//! A service whose upstreams are configured (`SHOP_AUTH_UPSTREAMS`, `SHOP_ORDERS_UPSTREAMS`)
//! is not started here: the gateway uses those instead.

use anyhow::Context;
use leptos::prelude::LeptosOptions;
use shop_auth::AuthSettings;
use shop_common::config::SharedSettings;
use shop_common::serve::Servers;
use shop_orders::OrdersSettings;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// Everything the launcher reads: the shared settings, the gateway's and each service's
/// (`shop --help`).
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "shop",
    about = "The shop in one process: gateway, auth and orders, each on its own port"
)]
pub struct Config {
    #[command(flatten)]
    pub shared: SharedSettings,
    #[command(flatten)]
    pub gateway: gateway::GatewaySettings,
    #[command(flatten)]
    pub auth: AuthSettings,
    #[command(flatten)]
    pub orders: OrdersSettings,
}

impl Config {
    /// Dev mode in `data_dir`, every listener on a free port, payments that always succeed at
    /// once: for tests.
    pub fn for_tests(data_dir: &std::path::Path) -> Self {
        Self {
            shared: SharedSettings::dev(data_dir),
            gateway: gateway::GatewaySettings::for_tests(),
            auth: AuthSettings::for_tests(),
            orders: OrdersSettings {
                payment_success_rate: 1.0,
                ..OrdersSettings::for_tests()
            },
        }
    }
}

/// The addresses of a started shop.
#[derive(Debug, Clone)]
pub struct Running {
    /// The gateway's public and admin addresses.
    pub gateway: gateway::Gateway,
    /// Base URLs of the auth services in use (the one started here, or those configured).
    pub auth_upstreams: Vec<String>,
    /// Base URLs of the orders services in use.
    pub orders_upstreams: Vec<String>,
}

impl Running {
    /// The addresses as the address file lists them (`SHOP_ADDRESS_FILE`): `gateway`, `admin`,
    /// and `auth` / `orders` for the services started here.
    fn addresses(&self, started: &[(&'static str, SocketAddr)]) -> Vec<(&'static str, SocketAddr)> {
        let mut all = vec![
            ("gateway", self.gateway.addr),
            ("admin", self.gateway.admin_addr),
        ];
        all.extend_from_slice(started);
        all
    }
}

/// Starts auth and orders (unless their upstreams are configured) on their own addresses, then
/// the gateway on `listener` in front of them, as servers of `servers`; writes the address file
/// if one is configured.
///
/// # Errors
/// A configured upstream that is not an `http://host[:port]` base URL (before anything
/// starts), a missing or weak secret outside dev mode, a database that cannot be opened, an
/// address in use, or an address file that cannot be written.
pub async fn start(
    config: Config,
    site: LeptosOptions,
    listener: TcpListener,
    servers: &mut Servers,
) -> anyhow::Result<Running> {
    // A bad upstream URL stops the start before any service opens its database.
    gateway::check_upstream_urls(&config.gateway)?;
    let mut gateway_settings = config.gateway.clone();
    let mut started = Vec::new();
    if gateway::configured_urls(&config.gateway.auth_upstreams).is_empty() {
        let listener = shop_common::serve::bind(&config.auth.auth_addr)
            .await
            .context("auth")?;
        let addr = listener.local_addr()?;
        let app = shop_auth::app(&config.shared, &config.auth)
            .await
            .context("auth")?;
        servers.spawn(listener, app);
        gateway_settings.auth_upstreams = vec![format!("http://{addr}")];
        started.push(("auth", addr));
    }
    let auth_upstreams = gateway::configured_urls(&gateway_settings.auth_upstreams);
    if gateway::configured_urls(&config.gateway.orders_upstreams).is_empty() {
        let mut orders = config.orders.clone();
        if orders.jwks_urls.is_empty() {
            orders.jwks_urls = auth_upstreams
                .iter()
                .map(|u| format!("{u}/api/auth/jwks"))
                .collect();
        }
        let listener = shop_common::serve::bind(&orders.orders_addr)
            .await
            .context("orders")?;
        let addr = listener.local_addr()?;
        let app = shop_orders::app(&config.shared, &orders)
            .await
            .context("orders")?;
        servers.spawn(listener, app);
        gateway_settings.orders_upstreams = vec![format!("http://{addr}")];
        started.push(("orders", addr));
    }
    let orders_upstreams = gateway::configured_urls(&gateway_settings.orders_upstreams);
    let gateway =
        gateway::start(&config.shared, &gateway_settings, site, listener, servers).await?;
    let running = Running {
        gateway,
        auth_upstreams,
        orders_upstreams,
    };
    config
        .shared
        .report_addresses(&running.addresses(&started))?;
    Ok(running)
}
