//! The internal token: a shared secret that authenticates calls between the shop's own
//! processes (today the feed of ended sessions, `GET /internal/revocations` on auth), sent in
//! the [`HEADER`] header and compared in constant time.
//!
//! It comes from the file `SHOP_INTERNAL_TOKEN_FILE`. Dev mode creates
//! `{SHOP_DATA_DIR}/internal-token` (mode 0600) on first start and reuses it. Outside dev mode
//! the file is required, must be readable by its owner only and hold at least
//! [`MIN_LEN`] characters with at least 10 distinct ones (`openssl rand -hex 32`).

use crate::config::ConfigError;
use secrecy::{ExposeSecret, SecretString};
use std::path::Path;

/// The header that carries the internal token.
pub const HEADER: &str = "x-internal-token";
/// Fewest characters of an internal token.
pub const MIN_LEN: usize = 32;
/// The file dev mode keeps the token in, under the data directory.
pub const DEV_FILE: &str = "internal-token";

/// The shared secret of the shop's processes. `Debug` never shows it.
#[derive(Clone)]
pub struct InternalToken(SecretString);

impl std::fmt::Debug for InternalToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InternalToken(..)")
    }
}

impl InternalToken {
    /// The token of `file`, or (dev mode, no file given) of `{data_dir}/internal-token`, made on
    /// first start.
    ///
    /// # Errors
    /// Outside dev mode: no file given, a file group or others may read, or a weak token; in any
    /// mode a file that cannot be read or written.
    pub fn load(file: Option<&Path>, data_dir: &Path, dev_mode: bool) -> anyhow::Result<Self> {
        let name = "SHOP_INTERNAL_TOKEN_FILE";
        let path = match (file, dev_mode) {
            (Some(path), _) => path.to_owned(),
            (None, true) => {
                let path = data_dir.join(DEV_FILE);
                let fresh = hex_token();
                crate::secret_file::create_private(&path, fresh.as_bytes()).map_err(|e| {
                    anyhow::anyhow!("cannot write the internal token {}: {e}", path.display())
                })?;
                path
            }
            (None, false) => return Err(ConfigError::Missing(name).into()),
        };
        let read = |e: std::io::Error| anyhow::anyhow!("{name} {}: {e}", path.display());
        let text = std::fs::read_to_string(&path).map_err(read)?;
        let token = text.trim();
        if !dev_mode {
            if crate::secret_file::is_exposed(&path).map_err(read)? {
                return Err(ConfigError::Invalid {
                    name,
                    reason: format!(
                        "{} may be read by group or others (chmod 600)",
                        path.display()
                    ),
                }
                .into());
            }
            if is_weak(token) {
                return Err(ConfigError::Weak(name).into());
            }
        }
        Ok(Self(SecretString::from(token.to_owned())))
    }

    /// A token for tests and embedded use.
    pub fn new(token: impl Into<String>) -> Self {
        Self(SecretString::from(token.into()))
    }

    /// The header value to send.
    pub fn header_value(&self) -> axum::http::HeaderValue {
        let mut v = axum::http::HeaderValue::from_str(self.0.expose_secret())
            .unwrap_or_else(|_| axum::http::HeaderValue::from_static("invalid"));
        v.set_sensitive(true);
        v
    }

    /// Whether `headers` carry this token (constant-time comparison).
    pub fn matches(&self, headers: &axum::http::HeaderMap) -> bool {
        use subtle::ConstantTimeEq as _;
        let Some(given) = headers.get(HEADER) else {
            return false;
        };
        let expected = self.0.expose_secret().as_bytes();
        let given = given.as_bytes();
        given.len() == expected.len() && bool::from(given.ct_eq(expected))
    }
}

/// Fewer than [`MIN_LEN`] characters or fewer than 10 distinct ones: typed by a person, not
/// drawn from a random source.
fn is_weak(token: &str) -> bool {
    let mut distinct: Vec<char> = token.chars().collect();
    distinct.sort_unstable();
    distinct.dedup();
    token.chars().count() < MIN_LEN || distinct.len() < 10
}

/// 32 random bytes, hex.
fn hex_token() -> String {
    use rand::RngCore as _;
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Middleware for internal routes: 401 `unauthorized` unless the request carries `token`.
pub async fn require(
    axum::extract::State(token): axum::extract::State<InternalToken>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if token.matches(req.headers()) {
        next.run(req).await
    } else {
        crate::problem::problem(
            axum::http::StatusCode::UNAUTHORIZED,
            "unauthorized",
            "This internal route needs the internal token.".to_owned(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_or_regular_tokens_are_weak() {
        assert!(is_weak("secret"));
        assert!(is_weak(&"ab".repeat(32)));
        assert!(!is_weak(&hex_token()));
    }

    #[test]
    fn only_the_same_token_matches() {
        let t = InternalToken::new(hex_token());
        let mut h = axum::http::HeaderMap::new();
        assert!(!t.matches(&h));
        h.insert(HEADER, t.header_value());
        assert!(t.matches(&h));
        h.insert(HEADER, axum::http::HeaderValue::from_static("guess"));
        assert!(!t.matches(&h));
        assert_eq!(format!("{t:?}"), "InternalToken(..)");
    }

    #[test]
    fn outside_dev_mode_a_missing_exposed_or_weak_file_refuses_to_start() {
        let dir = tempfile::tempdir().unwrap();
        assert!(InternalToken::load(None, dir.path(), false).is_err());
        let weak = dir.path().join("weak");
        crate::secret_file::create_private(&weak, b"password").unwrap();
        assert!(InternalToken::load(Some(&weak), dir.path(), false).is_err());
        let good = dir.path().join("good");
        crate::secret_file::create_private(&good, hex_token().as_bytes()).unwrap();
        assert!(InternalToken::load(Some(&good), dir.path(), false).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(InternalToken::load(Some(&good), dir.path(), false).is_err());
        }
        // Dev mode makes one and keeps it.
        let a = InternalToken::load(None, dir.path(), true).unwrap();
        let b = InternalToken::load(None, dir.path(), true).unwrap();
        let mut h = axum::http::HeaderMap::new();
        h.insert(HEADER, a.header_value());
        assert!(b.matches(&h));
    }
}
