//! Settings every process shares. Each is a command-line flag and an environment variable;
//! secrets redact themselves in `Debug` and weak ones refuse to start outside dev mode.

use secrecy::{ExposeSecret, SecretString};
use std::path::PathBuf;

/// The JWT secret dev mode uses when `SHOP_JWT_SECRET` is unset. Refused outside dev mode.
pub const DEV_JWT_SECRET: &str = "dev-only-jwt-secret-do-not-use-in-production";
/// Shortest accepted `SHOP_JWT_SECRET` outside dev mode, in bytes (RFC 7518 §3.2: a key at
/// least as long as the HMAC-SHA256 output).
pub const MIN_SECRET_BYTES: usize = 32;

/// Settings shared by the gateway, auth and orders.
#[derive(Debug, Clone, clap::Args)]
pub struct SharedSettings {
    /// Dev mode: accepts the documented default secrets and seeds demo accounts. Defaults to on
    /// in debug builds (what `cargo leptos watch` runs) and off in release builds.
    #[arg(long, env = "SHOP_DEV_MODE", default_value_t = cfg!(debug_assertions), action = clap::ArgAction::Set)]
    pub dev_mode: bool,

    /// Directory holding the SQLite databases (and later keys); created on first start.
    #[arg(long, env = "SHOP_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,

    /// HMAC secret that signs access tokens; at least 32 bytes. Dev mode defaults to a
    /// published value that is refused outside dev mode.
    #[arg(long, env = "SHOP_JWT_SECRET", value_parser = parse_secret, hide_env_values = true)]
    pub jwt_secret: Option<SecretString>,

    /// On SIGTERM or Ctrl-C, seconds readiness answers 503 before the listeners stop (time
    /// for load balancers to notice). Defaults to 0 in dev mode and 3 otherwise.
    #[arg(long, env = "SHOP_SHUTDOWN_DELAY_SECS")]
    pub shutdown_delay_secs: Option<u64>,

    /// Longest wait for in-flight requests after the listeners stopped, in seconds.
    #[arg(long, env = "SHOP_DRAIN_TIMEOUT_SECS", default_value_t = 10)]
    pub drain_timeout_secs: u64,
}

fn parse_secret(s: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(s.to_owned()))
}

/// A setting that must not be used as it is.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{0} is not set; it is required outside dev mode")]
    Missing(&'static str),
    #[error("{0} is the published dev default or shorter than {MIN_SECRET_BYTES} bytes; refusing to start outside dev mode")]
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
            jwt_secret: None,
            shutdown_delay_secs: None,
            drain_timeout_secs: 10,
        }
    }

    /// The secret to sign and verify access tokens with.
    ///
    /// # Errors
    /// Outside dev mode: [`ConfigError::Missing`] when unset, [`ConfigError::Weak`] when it is
    /// the dev default or shorter than [`MIN_SECRET_BYTES`].
    pub fn jwt_secret(&self) -> Result<SecretString, ConfigError> {
        match (&self.jwt_secret, self.dev_mode) {
            (Some(s), _) if strong(s) => Ok(s.clone()),
            (Some(s), true) => Ok(s.clone()),
            (Some(_), false) => Err(ConfigError::Weak("SHOP_JWT_SECRET")),
            (None, true) => Ok(SecretString::from(DEV_JWT_SECRET.to_owned())),
            (None, false) => Err(ConfigError::Missing("SHOP_JWT_SECRET")),
        }
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

fn strong(secret: &SecretString) -> bool {
    let s = secret.expose_secret();
    s.len() >= MIN_SECRET_BYTES && s != DEV_JWT_SECRET
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(dev_mode: bool, secret: Option<&str>) -> SharedSettings {
        SharedSettings {
            dev_mode,
            data_dir: "d".into(),
            jwt_secret: secret.map(|s| SecretString::from(s.to_owned())),
            ..SharedSettings::dev("d")
        }
    }

    #[test]
    fn dev_mode_falls_back_to_the_dev_secret() {
        let s = settings(true, None).jwt_secret().unwrap();
        assert_eq!(s.expose_secret(), DEV_JWT_SECRET);
    }

    #[test]
    fn outside_dev_mode_a_missing_default_or_short_secret_refuses_to_start() {
        assert!(matches!(
            settings(false, None).jwt_secret(),
            Err(ConfigError::Missing(_))
        ));
        assert!(matches!(
            settings(false, Some(DEV_JWT_SECRET)).jwt_secret(),
            Err(ConfigError::Weak(_))
        ));
        assert!(matches!(
            settings(false, Some("short")).jwt_secret(),
            Err(ConfigError::Weak(_))
        ));
        assert!(settings(false, Some(&"k".repeat(32))).jwt_secret().is_ok());
    }

    #[test]
    fn secrets_never_print() {
        let s = settings(false, Some("super-secret-value-xxxxxxxxxxxxxxxxxx"));
        assert!(!format!("{s:?}").contains("super-secret"));
    }
}
