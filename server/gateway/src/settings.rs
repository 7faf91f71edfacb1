//! The gateway's settings (`gateway --help`; the `shop` launcher adds the services' own).

use leptos::prelude::LeptosOptions;
use std::path::PathBuf;

/// Settings of the gateway itself. Its listen address is the Leptos site address
/// (`LEPTOS_SITE_ADDR`, see [`site_options`]).
#[derive(Debug, Clone, clap::Args)]
pub struct GatewaySettings {
    /// File with the Leptos site options (`[package.metadata.leptos]`); `LEPTOS_*` environment
    /// variables, which cargo-leptos sets, override it.
    #[arg(long, env = "SHOP_LEPTOS_CONFIG", default_value = "Leptos.toml")]
    pub leptos_config: PathBuf,

    /// Base URLs of the auth services, comma-separated, each `http://host:port` (no path), e.g.
    /// `http://10.0.0.5:8001,http://10.0.0.6:8001`. Empty: the `shop` launcher runs auth itself
    /// on `SHOP_AUTH_ADDR`; the `gateway` binary alone uses `http://127.0.0.1:8001`.
    #[arg(long, env = "SHOP_AUTH_UPSTREAMS", value_delimiter = ',')]
    pub auth_upstreams: Vec<String>,

    /// Base URLs of the orders services, comma-separated, each `http://host:port`. Empty: the
    /// `shop` launcher runs orders itself on `SHOP_ORDERS_ADDR`; the `gateway` binary alone
    /// uses `http://127.0.0.1:8002`.
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

    /// Longest wait for an upstream's answer to begin, and then between two chunks of its body
    /// (event streams excepted), in seconds.
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

    /// Live reload under `cargo leptos watch` (which sets `LEPTOS_WATCH`): the page's inline
    /// reload script and its WebSocket are allowed by the content security policy.
    #[arg(long, env = "LEPTOS_WATCH")]
    pub live_reload: bool,
}

impl GatewaySettings {
    /// The command line's defaults (one source: [`shop_common::config::cli_defaults`]) with
    /// the admin listener on a free port: for tests.
    pub fn for_tests() -> Self {
        Self {
            admin_addr: "127.0.0.1:0".to_owned(),
            ..shop_common::config::cli_defaults()
        }
    }
}

/// `urls` without blanks and trailing slashes (empty when none is configured).
pub fn configured_urls(urls: &[String]) -> Vec<String> {
    urls.iter()
        .map(|u| u.trim().trim_end_matches('/').to_owned())
        .filter(|u| !u.is_empty())
        .collect()
}

/// Checks every configured upstream (`SHOP_AUTH_UPSTREAMS`, `SHOP_ORDERS_UPSTREAMS`) as
/// [`crate::start`] will, so the launcher can refuse a bad one before it starts any service.
///
/// # Errors
/// The first configured URL that is not an `http://host[:port]` base URL, with the service and
/// the reason (the same line [`crate::start`] would stop with).
pub fn check_upstream_urls(settings: &GatewaySettings) -> anyhow::Result<()> {
    use crate::routes::Service;
    for (service, urls) in [
        (Service::Auth, &settings.auth_upstreams),
        (Service::Orders, &settings.orders_upstreams),
    ] {
        for url in configured_urls(urls) {
            crate::upstream::checked_base_url(service, &url)?;
        }
    }
    Ok(())
}

/// The [`configured_urls`], or `default` when none is.
pub fn upstream_urls(urls: &[String], default: &str) -> Vec<String> {
    let urls = configured_urls(urls);
    if urls.is_empty() {
        vec![default.to_owned()]
    } else {
        urls
    }
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
