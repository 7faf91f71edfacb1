//! The auth service: accounts, argon2id password hashes, signed JWT access tokens and rotating
//! opaque refresh tokens with reuse detection.
//!
//! Routes (all JSON; errors are RFC 9457 problem details):
//! - `POST /api/auth/register {username, password, email?}` -> 201 [`api_types::auth::User`];
//!   409 `username_taken`; 422 `validation_failed`.
//! - `POST /api/auth/login {username, password}` -> 200 [`api_types::auth::TokenResponse`];
//!   401 `invalid_credentials`.
//! - `POST /api/auth/refresh {refresh_token}` -> 200 a new pair; 401 `invalid_refresh_token`.
//! - `POST /api/auth/logout {refresh_token}` -> 204.
//! - `GET /api/auth/me` (Bearer) -> 200 the current user.
//! - `GET /api/auth/jwks` -> 200 the public keys that verify access tokens (RFC 7517).
//! - `GET /health/live`, `GET /health/ready`.

mod account;
mod admin;
mod error;
mod feed;
mod http;
mod password;
mod sessions;
mod store;
mod throttle;
mod tokens;

use clap::Args;
use secrecy::SecretString;
use shop_common::config::{ConfigError, SharedSettings};
use shop_common::keys::{PublicKey, SigningKey};
use shop_common::token::Verifier;
use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

pub use error::AuthError;

/// Password of the dev-mode account `demo` when `SHOP_DEMO_PASSWORD` is unset.
pub const DEV_DEMO_PASSWORD: &str = "demo-password";
/// Password of the dev-mode account `admin` when `SHOP_ADMIN_PASSWORD` is unset.
pub const DEV_ADMIN_PASSWORD: &str = "admin-password";

/// Settings of the auth service (flags and `SHOP_*` environment variables).
#[derive(Debug, Clone, Args)]
pub struct AuthSettings {
    /// Listen address of the auth service.
    #[arg(long, env = "SHOP_AUTH_ADDR", default_value = "127.0.0.1:8001")]
    pub auth_addr: String,

    /// The auth service's database: unset = the SQLite file `{data_dir}/auth.db`;
    /// `sqlite://PATH` = SQLite at `PATH`; `postgres://user:password@host:port/dbname` =
    /// PostgreSQL.
    #[arg(long, env = "SHOP_AUTH_DATABASE_URL", hide_env_values = true)]
    pub auth_database_url: Option<String>,

    /// Most connections the auth service keeps open to its database.
    #[arg(long, env = "SHOP_AUTH_DATABASE_MAX_CONNECTIONS", default_value_t = 8)]
    pub auth_database_max_connections: u32,

    /// PKCS #8 PEM file of the Ed25519 key that signs access tokens (make one with `openssl
    /// genpkey -algorithm ed25519 -out key.pem`). Required outside dev mode, where the file
    /// must be readable by its owner only; dev mode uses (and on first start creates)
    /// `{data_dir}/access-token-signing-key.pem` when unset.
    #[arg(long, env = "SHOP_ACCESS_TOKEN_SIGNING_KEY")]
    pub access_token_signing_key: Option<PathBuf>,

    /// Further Ed25519 keys to publish in the JWKS, comma-separated PEM files (public or
    /// private): during a rotation, the previous signing key until the tokens it signed expired,
    /// and, with several auth replicas, the next key before any replica signs with it.
    #[arg(long, env = "SHOP_ACCESS_TOKEN_PUBLISHED_KEYS", value_delimiter = ',')]
    pub access_token_published_keys: Vec<PathBuf>,

    /// Lifetime of an access token, in seconds.
    #[arg(long, env = "SHOP_ACCESS_TOKEN_TTL_SECS", default_value_t = 900)]
    pub access_token_ttl_secs: u64,

    /// Idle expiry of a session, in seconds (default 30 days): a refresh token unused for this
    /// long expires; each refresh issues one that lives this long again.
    #[arg(long, env = "SHOP_REFRESH_TOKEN_TTL_SECS", default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl_secs: u64,

    /// Absolute expiry of a session, in seconds (default 90 days): however often it is
    /// refreshed, a session ends this long after its sign-in (RFC 9700 §4.14.2).
    #[arg(long, env = "SHOP_SESSION_MAX_AGE_SECS", default_value_t = 90 * 24 * 3600)]
    pub session_max_age_secs: u64,

    /// Seconds after a refresh during which the rotated token presented again counts as a
    /// concurrent refresh (refused, session kept) rather than a reuse (session ended).
    #[arg(long, env = "SHOP_REFRESH_REUSE_GRACE_SECS", default_value_t = 2)]
    pub refresh_reuse_grace_secs: u64,

    /// Username of an admin account to create at start when there is no admin yet: how the
    /// first admin comes to be outside dev mode. Needs `SHOP_BOOTSTRAP_ADMIN_PASSWORD`.
    #[arg(long, env = "SHOP_BOOTSTRAP_ADMIN")]
    pub bootstrap_admin: Option<String>,

    /// Password of `SHOP_BOOTSTRAP_ADMIN` (the usual rules; a weak one refuses to start).
    #[arg(long, env = "SHOP_BOOTSTRAP_ADMIN_PASSWORD", value_parser = parse_secret, hide_env_values = true)]
    pub bootstrap_admin_password: Option<SecretString>,

    /// Most argon2id password hashes computed at once (each takes 19 MiB and a core for tens of
    /// milliseconds); 0 (the default): the number of cores less one, at least 1.
    #[arg(long, env = "SHOP_PASSWORD_HASH_CONCURRENCY", default_value_t = 0)]
    pub password_hash_concurrency: usize,

    /// Longest wait for a free hashing slot, in milliseconds; beyond it a sign-in, registration
    /// or password change is answered 503 `busy` with `Retry-After`.
    #[arg(long, env = "SHOP_PASSWORD_HASH_MAX_WAIT_MS", default_value_t = 5000)]
    pub password_hash_max_wait_ms: u64,

    /// Addresses whose `X-Forwarded-For` the auth service believes when it counts failed
    /// sign-ins per client address (comma-separated): the gateways. Default: this machine
    /// (`127.0.0.1`, `::1`), where the all-in-one gateway runs.
    #[arg(long, env = "SHOP_AUTH_TRUSTED_PROXIES", value_delimiter = ',', default_values_t = default_trusted_proxies())]
    pub auth_trusted_proxies: Vec<std::net::IpAddr>,

    /// Password of the dev-mode customer account `demo` (default `demo-password`, dev mode only).
    #[arg(long, env = "SHOP_DEMO_PASSWORD", value_parser = parse_secret, hide_env_values = true)]
    pub demo_password: Option<SecretString>,

    /// Password of the dev-mode account `admin` (default `admin-password`, dev mode only).
    #[arg(long, env = "SHOP_ADMIN_PASSWORD", value_parser = parse_secret, hide_env_values = true)]
    pub admin_password: Option<SecretString>,
}

fn default_trusted_proxies() -> Vec<std::net::IpAddr> {
    vec![
        std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
    ]
}

fn parse_secret(s: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(s.to_owned()))
}

impl AuthSettings {
    /// The command line's defaults (one source: [`shop_common::config::cli_defaults`]) on a
    /// free port: for tests and for running auth inside another process.
    pub fn for_tests() -> Self {
        Self {
            auth_addr: "127.0.0.1:0".to_owned(),
            ..shop_common::config::cli_defaults()
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// Users, sessions and the sign-in back-off, on the configured database.
    pub(crate) store: Arc<dyn store::AuthStore>,
    /// Signs access tokens.
    pub(crate) signer: Arc<SigningKey>,
    /// Verifies them with the signing key and the published ones.
    pub(crate) verifier: Arc<Verifier>,
    /// What `GET /api/auth/jwks` answers.
    pub(crate) jwks: Arc<api_types::auth::JwkSet>,
    pub(crate) access_ttl: Duration,
    /// How long refresh tokens live (idle and absolute), from the settings.
    pub(crate) refresh_lifetime: store::RefreshLifetime,
    pub(crate) reuse_grace_secs: i64,
    /// Peers whose `X-Forwarded-For` names the client (see [`throttle::client_address`]).
    pub(crate) trusted_proxies: Arc<[std::net::IpAddr]>,
    /// Authenticates the other processes' calls to `/internal/*`.
    pub(crate) internal_token: shop_common::internal::InternalToken,
    /// Computes argon2id hashes, a bounded number at once.
    pub(crate) passwords: password::PasswordHashing,
}

impl axum::extract::FromRef<AppState> for Arc<Verifier> {
    fn from_ref(state: &AppState) -> Self {
        state.verifier.clone()
    }
}

/// The file dev mode keeps its signing key in, under the data directory.
pub const DEV_SIGNING_KEY_FILE: &str = "access-token-signing-key.pem";

/// The signing key and every key to publish (the signing key first).
///
/// # Errors
/// Outside dev mode: no `SHOP_ACCESS_TOKEN_SIGNING_KEY`, or a key that is exposed, weak or
/// not Ed25519; in any mode a file that cannot be read.
pub fn access_token_keys(
    shared: &SharedSettings,
    settings: &AuthSettings,
) -> anyhow::Result<(SigningKey, Vec<PublicKey>)> {
    let signing = match (&settings.access_token_signing_key, shared.dev_mode) {
        (Some(path), dev) => SigningKey::load(path, !dev)?,
        (None, true) => SigningKey::load_or_generate(&shared.data_dir.join(DEV_SIGNING_KEY_FILE))?,
        (None, false) => Err(ConfigError::Missing("SHOP_ACCESS_TOKEN_SIGNING_KEY"))?,
    };
    let mut published = vec![signing.public_key().clone()];
    for path in &settings.access_token_published_keys {
        let key = PublicKey::load(path)?;
        if !published.iter().any(|k| k.kid() == key.kid()) {
            published.push(key);
        }
    }
    Ok((signing, published))
}

/// Opens the database (`{data_dir}/auth.db`), runs migrations and, in dev mode, seeds the
/// accounts `demo` (customer) and `admin`.
///
/// # Errors
/// A missing or weak signing key outside dev mode (see [`access_token_keys`]), or a database that cannot be opened or migrated.
pub async fn state(shared: &SharedSettings, settings: &AuthSettings) -> anyhow::Result<AppState> {
    let (signer, published) = access_token_keys(shared, settings)?;
    tracing::info!(
        kid = %signer.public_key().kid(),
        published = published.len(),
        "access token keys loaded"
    );
    let internal_token = shared.internal_token()?;
    let database = shop_common::store::DatabaseUrl::parse(
        settings.auth_database_url.as_deref(),
        &shared.data_dir.join("auth.db"),
    )
    .map_err(|e| anyhow::anyhow!("SHOP_AUTH_DATABASE_URL: {e}"))?;
    let store = store::open(&database, settings.auth_database_max_connections).await?;
    // Seconds as stored (i64); no setting is anywhere near the bound.
    let secs = |s: u64| i64::try_from(s).unwrap_or(i64::MAX / 4);
    let state = AppState {
        internal_token,
        store,
        verifier: Arc::new(Verifier::with_keys(&published)),
        jwks: Arc::new(shop_common::keys::jwk_set(&published)),
        signer: Arc::new(signer),
        access_ttl: Duration::from_secs(settings.access_token_ttl_secs),
        refresh_lifetime: store::RefreshLifetime {
            idle_secs: secs(settings.refresh_token_ttl_secs),
            max_age_secs: secs(settings.session_max_age_secs),
        },
        reuse_grace_secs: secs(settings.refresh_reuse_grace_secs),
        trusted_proxies: settings.auth_trusted_proxies.clone().into(),
        passwords: password::PasswordHashing::new(
            match settings.password_hash_concurrency {
                0 => password::PasswordHashing::default_concurrency(),
                n => n,
            },
            Duration::from_millis(settings.password_hash_max_wait_ms),
        ),
    };
    if shared.dev_mode {
        account::seed_dev_accounts(&state, settings).await?;
    }
    if let Some(name) = &settings.bootstrap_admin {
        account::bootstrap_admin(&state, name, settings.bootstrap_admin_password.as_ref()).await?;
    }
    Ok(state)
}

#[derive(utoipa::OpenApi)]
#[openapi(paths(
    account::register,
    tokens::login,
    tokens::refresh,
    tokens::logout,
    account::me,
    account::change_password,
    sessions::list_sessions,
    sessions::delete_session,
    sessions::logout_all,
    tokens::introspect,
    tokens::jwks,
    admin::list_users,
    admin::create,
    admin::get_user,
    admin::patch_user,
    admin::delete_user
))]
struct ApiDoc;

/// The auth service's part of the OpenAPI 3.1 document (paths and the schemas they use).
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

/// The service's routes, with request ids and tracing.
pub fn router(state: AppState) -> impl shop_common::serve::HttpService {
    let document = serde_json::to_string(&openapi()).expect("a serialisable document");
    let routes = http::router(state).route(
        shop_common::document::PATH,
        shop_common::document::route(document),
    );
    shop_common::telemetry::layer(routes, "auth")
}

/// The service's router on a freshly opened database: [`state`] then [`router`].
///
/// # Errors
/// As [`state`].
pub async fn app(
    shared: &SharedSettings,
    settings: &AuthSettings,
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
    settings: &AuthSettings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = app(shared, settings).await?;
    tracing::info!(addr = %listener.local_addr()?, "auth listening");
    shop_common::serve::serve(listener, app, shutdown).await?;
    Ok(())
}
