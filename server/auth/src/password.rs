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

/// Hashes `password` into a PHC string.
///
/// # Errors
/// When the blocking task fails, which it does not in practice.
pub(crate) async fn hash(password: SecretString) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        hasher()
            .hash_password(password.expose_secret().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("argon2: {e}"))
    })
    .await?
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

/// Whether `password` matches `phc` (or, with `None`, spends the same time and says no).
///
/// # Errors
/// When the blocking task fails.
pub(crate) async fn verify(password: SecretString, phc: Option<String>) -> anyhow::Result<bool> {
    tokio::task::spawn_blocking(move || {
        let known = phc.is_some();
        let phc = phc.unwrap_or_else(|| dummy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&phc) else {
            return false;
        };
        let ok = hasher()
            .verify_password(password.expose_secret().as_bytes(), &parsed)
            .is_ok();
        ok && known
    })
    .await
    .map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(s: &str) -> SecretString {
        SecretString::from(s.to_owned())
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let h = hash(secret("correct horse")).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify(secret("correct horse"), Some(h.clone()))
            .await
            .unwrap());
        assert!(!verify(secret("correct horse!"), Some(h)).await.unwrap());
    }

    #[test]
    fn common_passwords_are_known_in_any_case() {
        assert!(is_common("password"));
        assert!(is_common("IloveYou"));
        assert!(!is_common("correct horse battery staple"));
    }

    #[tokio::test]
    async fn hashes_with_other_parameters_need_a_rehash() {
        let current = hash(secret("correct horse")).await.unwrap();
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
        assert!(!verify(secret("no such user, no such password"), None)
            .await
            .unwrap());
    }
}
