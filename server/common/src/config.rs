//! Settings every process shares. Each is a command-line flag and an environment variable;
//! the services' own settings (and their secrets) are in each service.

use std::path::PathBuf;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object a line (for log collectors).
    Json,
}

/// Settings shared by the gateway, auth and orders.
#[derive(Debug, Clone, clap::Args)]
pub struct SharedSettings {
    /// Dev mode: generates the access token signing key, accepts the documented default
    /// passwords and seeds demo accounts. Defaults to on
    /// in debug builds (what `cargo leptos watch` runs) and off in release builds.
    #[arg(long, env = "SHOP_DEV_MODE", default_value_t = cfg!(debug_assertions), action = clap::ArgAction::Set)]
    pub dev_mode: bool,

    /// Directory holding the SQLite databases (and, in dev mode, the access token signing key); created on first start.
    #[arg(long, env = "SHOP_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// Longest time a fetched JWKS (the auth service's public keys) is used before it is
    /// fetched again, in seconds: how long a key the auth service stopped publishing may still
    /// verify tokens at the gateway and the orders service.
    #[arg(long, env = "SHOP_JWKS_MAX_AGE_SECS", default_value_t = 300)]
    pub jwks_max_age_secs: u64,

    /// On SIGTERM or Ctrl-C, seconds readiness answers 503 before the listeners stop (time
    /// for load balancers to notice). Defaults to 0 in dev mode and 3 otherwise.
    #[arg(long, env = "SHOP_SHUTDOWN_DELAY_SECS")]
    pub shutdown_delay_secs: Option<u64>,

    /// Longest wait for in-flight requests after the listeners stopped, in seconds.
    #[arg(long, env = "SHOP_DRAIN_TIMEOUT_SECS", default_value_t = 10)]
    pub drain_timeout_secs: u64,

    /// File holding the internal token that authenticates calls between the shop's processes
    /// (the feed of ended sessions): at least 32 random characters, e.g. `openssl rand -hex 32`,
    /// mode 0600, the same file content on every machine. Required outside dev mode; dev mode
    /// creates `{data_dir}/internal-token`.
    #[arg(long, env = "SHOP_INTERNAL_TOKEN_FILE")]
    pub internal_token_file: Option<PathBuf>,

    /// Log line format: `text` (human-readable) or `json` (one object a line).
    #[arg(long, env = "SHOP_LOG_FORMAT", value_enum, ignore_case = true, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// How often the gateway and the orders service read auth's feed of ended sessions, in
    /// milliseconds.
    #[arg(long, env = "SHOP_REVOCATION_POLL_MS", default_value_t = 1000)]
    pub revocation_poll_ms: u64,

    /// After binding, write the bound addresses to this file as one JSON object, e.g.
    /// `{"gateway": "127.0.0.1:41234", "admin": "127.0.0.1:41235", "auth": …, "orders": …}`:
    /// how scripts and tests that start the shop on port 0 learn its ports.
    #[arg(long, env = "SHOP_ADDRESS_FILE")]
    pub address_file: Option<PathBuf>,
}

/// A setting that must not be used as it is.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is not set; it is required outside dev mode")]
    Missing(&'static str),
    #[error("{0} is a published default or too weak; refusing to start outside dev mode")]
    Weak(&'static str),
    #[error("{name} is invalid: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl SharedSettings {
    /// Settings for tests and embedded use: dev mode in `data_dir`.
    pub fn dev(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            dev_mode: true,
            data_dir: data_dir.into(),
            jwks_max_age_secs: 300,
            shutdown_delay_secs: None,
            drain_timeout_secs: 10,
            internal_token_file: None,
            log_format: LogFormat::Text,
            revocation_poll_ms: 1000,
            address_file: None,
        }
    }

    /// Writes `addresses` to the address file, if one is configured (see
    /// [`crate::serve::write_address_file`]).
    ///
    /// # Errors
    /// When the file cannot be written.
    pub fn report_addresses(
        &self,
        addresses: &[(&str, std::net::SocketAddr)],
    ) -> anyhow::Result<()> {
        match &self.address_file {
            Some(path) => crate::serve::write_address_file(path, addresses),
            None => Ok(()),
        }
    }

    /// The internal token (see [`crate::internal::InternalToken::load`]).
    ///
    /// # Errors
    /// As [`crate::internal::InternalToken::load`].
    pub fn internal_token(&self) -> anyhow::Result<crate::internal::InternalToken> {
        crate::internal::InternalToken::load(
            self.internal_token_file.as_deref(),
            &self.data_dir,
            self.dev_mode,
        )
    }

    /// The set of ended sessions read from the feeds at `urls` every `SHOP_REVOCATION_POLL_MS`
    /// until it is dropped or `stop` is cancelled.
    ///
    /// # Errors
    /// As [`SharedSettings::internal_token`].
    pub fn revocations(
        &self,
        urls: Vec<String>,
        stop: tokio_util::sync::CancellationToken,
    ) -> anyhow::Result<std::sync::Arc<crate::revocations::Revocations>> {
        Ok(crate::revocations::spawn(
            urls,
            self.internal_token()?,
            std::time::Duration::from_millis(self.revocation_poll_ms.max(50)),
            stop,
        ))
    }

    /// A verifier of access tokens that trusts the JWKS at `urls` (tried in order), cached for
    /// at most `SHOP_JWKS_MAX_AGE_SECS`.
    pub fn jwks_verifier(&self, urls: Vec<String>) -> crate::token::Verifier {
        let client = reqwest::Client::builder()
            .connect_timeout(std::time::Duration::from_secs(2))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client with no custom TLS builds");
        crate::token::Verifier::from_jwks(crate::jwks::JwksCache::new(
            urls,
            client,
            std::time::Duration::from_secs(self.jwks_max_age_secs),
        ))
    }
}

impl SharedSettings {
    /// Runs `running` until a shutdown signal, then drains it as configured (see
    /// [`crate::serve::run_until_signal`]).
    ///
    /// # Errors
    /// What `running` ends with, if it ends by itself.
    pub async fn run_until_signal(
        &self,
        running: impl std::future::Future<Output = anyhow::Result<()>>,
        stop: tokio_util::sync::CancellationToken,
    ) -> anyhow::Result<()> {
        let delay = self
            .shutdown_delay_secs
            .unwrap_or(if self.dev_mode { 0 } else { 3 });
        crate::serve::run_until_signal(
            running,
            stop,
            std::time::Duration::from_secs(delay),
            std::time::Duration::from_secs(self.drain_timeout_secs),
        )
        .await
    }
}

/// The settings `T` as the command line defines them with no argument and no environment:
/// the one source of defaults, for tests and embedded use that change a few fields
/// (`Settings { field: …, ..cli_defaults() }`).
///
/// # Panics
/// When a setting of `T` has no default (it is required): a programming error.
pub fn cli_defaults<T: clap::Args + clap::FromArgMatches>() -> T {
    let command = T::augment_args(clap::Command::new("defaults"))
        .mut_args(|arg| arg.env(None::<&'static str>));
    let matches = command.get_matches_from(["defaults"]);
    T::from_arg_matches(&matches).expect("every setting has a default")
}

/// What a binary's `main` returns for `result`: success, or the error with its causes on one
/// line of standard error (`error: orders: SHOP_ORDERS_DATABASE_URL: …`) and exit code 1, so a
/// bad setting reads as one clear sentence (no backtrace, no panic).
pub fn exit_code(result: anyhow::Result<()>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        shared: SharedSettings,
    }

    #[test]
    fn the_log_format_is_text_or_json_and_nothing_else() {
        let parsed = |args: &[&str]| Cli::try_parse_from(args).map(|c| c.shared.log_format);
        assert_eq!(parsed(&["x"]).unwrap(), LogFormat::Text);
        assert_eq!(
            parsed(&["x", "--log-format", "json"]).unwrap(),
            LogFormat::Json
        );
        assert!(parsed(&["x", "--log-format", "xml"]).is_err());
    }
}
