//! argon2id password hashing (OWASP Password Storage Cheat Sheet: m = 19456 KiB, t = 2, p = 1),
//! always on the blocking thread pool so a hash never stalls the async runtime.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use secrecy::{ExposeSecret, SecretString};
use std::sync::OnceLock;

/// Memory cost in KiB, iterations and lanes of new hashes (OWASP: m = 19456, t = 2, p = 1).
const M_COST: u32 = 19_456;
const T_COST: u32 = 2;
const P_COST: u32 = 1;

fn hasher() -> Argon2<'static> {
    let params = Params::new(M_COST, T_COST, P_COST, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Whether a stored hash was made with other parameters than new hashes get, so it should be
/// replaced at the next successful sign-in (when the password is at hand).
pub(crate) fn needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return true;
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    parsed.algorithm.as_str() != "argon2id"
        || params.m_cost() != M_COST
        || params.t_cost() != T_COST
        || params.p_cost() != P_COST
}

/// Whether `password` is one of the 5000 most common passwords of 8 characters or more
/// (case-insensitive); see `data/common-passwords.txt`.
pub(crate) fn is_common(password: &str) -> bool {
    static LIST: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    let list = LIST.get_or_init(|| {
        include_str!("../data/common-passwords.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    });
    list.contains(password.to_lowercase().as_str())
}

/// The form a password is hashed and checked in: Unicode NFKC (NIST SP 800-63B §5.1.1.2), so
/// the same password typed on another keyboard or system (composed or decomposed accents,
/// full-width letters) is the same password.
pub(crate) fn normalised(password: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    password.nfkc().collect()
}

/// No slot to hash a password came free within the allowed wait: the server is busy.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HashError {
    /// Answered 503 `busy` with `Retry-After`.
    #[error("too many passwords being hashed at once")]
    Busy,
    /// The blocking task failed (it does not in practice).
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// The outcome of checking a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Checked {
    /// Wrong password, or no such user.
    No,
    /// Right, in its normalised form.
    Yes,
    /// Right, but the stored hash was made from the password as typed, before passwords were
    /// normalised: hash it again.
    YesUnnormalised,
}

impl Checked {
    pub(crate) fn ok(self) -> bool {
        self != Checked::No
    }
}

/// Runs argon2id on the blocking thread pool, at most `concurrency` hashes at once (each takes
/// 19 MiB and a core for tens of milliseconds, so a burst of sign-ins would otherwise take as
/// many blocking threads and as much memory as it has requests). A request waits at most
/// `max_wait` for a slot, then gets [`HashError::Busy`].
#[derive(Clone)]
pub(crate) struct PasswordHashing {
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    max_wait: std::time::Duration,
}

impl PasswordHashing {
    /// At most `concurrency` (at least 1) hashes at once, waiting at most `max_wait` for a slot.
    pub(crate) fn new(concurrency: usize, max_wait: std::time::Duration) -> Self {
        Self {
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(concurrency.max(1))),
            max_wait,
        }
    }

    /// The default number of concurrent hashes: the machine's cores less one, left for
    /// everything else the process does (at least 1).
    pub(crate) fn default_concurrency() -> usize {
        std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .saturating_sub(1)
            .max(1)
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let permit = tokio::time::timeout(self.max_wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| HashError::Busy)?
            .map_err(|_| HashError::Busy)?;
        let result = tokio::task::spawn_blocking(move || {
            let answer = work();
            drop(permit);
            answer
        })
        .await
        .map_err(anyhow::Error::from)?;
        Ok(result)
    }

    /// Hashes `password` (normalised, see [`normalised`]) into a PHC string.
    ///
    /// # Errors
    /// [`HashError::Busy`] when no slot came free in time.
    pub(crate) async fn hash(&self, password: &SecretString) -> Result<String, HashError> {
        let password = SecretString::from(normalised(password.expose_secret()));
        self.run(move || {
            let salt = SaltString::generate(&mut OsRng);
            hasher()
                .hash_password(password.expose_secret().as_bytes(), &salt)
                .map(|h| h.to_string())
                .map_err(|e| anyhow::anyhow!("argon2: {e}"))
        })
        .await?
        .map_err(HashError::Failed)
    }

    /// Whether `password` matches `phc` (with `None`, spends the same time and says no). The
    /// normalised password is tried first, then, if it differs, the password as typed (hashes
    /// stored before passwords were normalised).
    ///
    /// # Errors
    /// [`HashError::Busy`] when no slot came free in time.
    pub(crate) async fn verify(
        &self,
        password: &SecretString,
        phc: Option<String>,
    ) -> Result<Checked, HashError> {
        let typed = password.clone();
        self.run(move || {
            let known = phc.is_some();
            let phc = phc.unwrap_or_else(|| dummy_hash().to_owned());
            let Ok(parsed) = PasswordHash::new(&phc) else {
                return Checked::No;
            };
            let matches = |p: &str| hasher().verify_password(p.as_bytes(), &parsed).is_ok();
            let normal = normalised(typed.expose_secret());
            let checked = if matches(&normal) {
                Checked::Yes
            } else if normal != typed.expose_secret() && matches(typed.expose_secret()) {
                Checked::YesUnnormalised
            } else {
                Checked::No
            };
            if known {
                checked
            } else {
                Checked::No
            }
        })
        .await
    }
}

/// A hash of a random password, verified against when the user does not exist so an unknown
/// username costs the same time as a wrong password.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(b"no such user, no such password", &salt)
            .expect("hash")
            .to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    fn hasher_() -> PasswordHashing {
        PasswordHashing::new(1, std::time::Duration::from_secs(30))
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let p = hasher_();
        let h = p.hash(&secret("correct horse")).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(
            p.verify(&secret("correct horse"), Some(h.clone()))
                .await
                .unwrap(),
            Checked::Yes
        );
        assert_eq!(
            p.verify(&secret("correct horse!"), Some(h)).await.unwrap(),
            Checked::No
        );
    }

    #[tokio::test]
    async fn passwords_are_compared_in_nfkc_form() {
        let p = hasher_();
        // "é" composed (U+00E9) and decomposed (e + U+0301), and a full-width "Ａ".
        let h = p.hash(&secret("caf\u{e9} \u{ff21}bc horse")).await.unwrap();
        assert_eq!(
            p.verify(&secret("cafe\u{301} Abc horse"), Some(h))
                .await
                .unwrap(),
            Checked::Yes
        );
        // A hash stored before normalisation still verifies, and says it wants replacing.
        let legacy = hasher()
            .hash_password(
                "cafe\u{301} horse".as_bytes(),
                &SaltString::generate(&mut OsRng),
            )
            .unwrap()
            .to_string();
        assert_eq!(
            p.verify(&secret("cafe\u{301} horse"), Some(legacy))
                .await
                .unwrap(),
            Checked::YesUnnormalised
        );
    }

    #[tokio::test]
    async fn a_hash_waits_for_a_slot_no_longer_than_allowed() {
        let p = PasswordHashing::new(1, std::time::Duration::from_millis(1));
        let held = p.permits.clone().acquire_owned().await.unwrap();
        assert!(matches!(
            p.hash(&secret("correct horse")).await,
            Err(HashError::Busy)
        ));
        drop(held);
        assert!(p.hash(&secret("correct horse")).await.is_ok());
    }

    #[test]
    fn common_passwords_are_known_in_any_case() {
        assert!(is_common("password"));
        assert!(is_common("IloveYou"));
        assert!(!is_common("correct horse battery staple"));
    }

    #[tokio::test]
    async fn hashes_with_other_parameters_need_a_rehash() {
        let current = hasher_().hash(&secret("correct horse")).await.unwrap();
        assert!(!needs_rehash(&current));
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(4096, 1, 1, None).unwrap(),
        )
        .hash_password(b"correct horse", &SaltString::generate(&mut OsRng))
        .unwrap()
        .to_string();
        assert!(needs_rehash(&weak));
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert_eq!(
            hasher_()
                .verify(&secret("no such user, no such password"), None)
                .await
                .unwrap(),
            Checked::No
        );
    }
}
