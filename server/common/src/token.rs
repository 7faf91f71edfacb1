//! Access tokens: short-lived JWTs (RFC 7519) that the auth service signs and that the gateway
//! and the services verify locally, without a call to auth.
//!
//! Signing is HMAC-SHA256 with the secret from `SHOP_JWT_SECRET`, shared by the three
//! processes. Verification pins the algorithm, issuer and audience and requires `exp`, `nbf`,
//! `iat`, `sub`, `role` with a small explicit leeway (RFC 8725 §3.1, §3.8, §3.9).

use api_types::auth::Role;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::time::Duration;
use time::OffsetDateTime;

/// `iss` of every access token.
pub const ISSUER: &str = "shop-auth";
/// `aud` of every access token: the shop's API.
pub const AUDIENCE: &str = "shop-api";
/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 5;

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user id, as a decimal string.
    pub sub: String,
    /// The username, for display and logs.
    pub name: String,
    pub role: Role,
    /// Issued at, seconds since the Unix epoch.
    pub iat: i64,
    /// Not before, seconds since the Unix epoch.
    pub nbf: i64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: i64,
    /// Unique token id.
    pub jti: String,
    /// Session id: the token family of the refresh token issued with this access token.
    pub sid: String,
}

/// Who is calling, as proven by a verified access token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    /// The session (token family) the token belongs to.
    pub session_id: String,
}

impl Identity {
    /// Whether the caller is an admin.
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// # Errors
    /// [`crate::ApiError::Forbidden`] unless the caller is an admin.
    pub fn require_admin(&self) -> Result<(), crate::ApiError> {
        if self.is_admin() {
            Ok(())
        } else {
            Err(crate::ApiError::Forbidden)
        }
    }
}

/// Why a token was refused. Callers answer every variant with the same 401.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token rejected: {0}")]
    Rejected(#[from] jsonwebtoken::errors::Error),
    #[error("token subject is not a user id")]
    BadSubject,
}

/// Keys and rules to issue and verify access tokens.
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(<redacted>)")
    }
}

impl TokenKeys {
    /// Keys from the shared HMAC secret (already checked by [`crate::config::SharedSettings`]).
    pub fn from_secret(secret: &SecretString) -> Self {
        let bytes = secret.expose_secret().as_bytes();
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
        // `role`, `name`, `jti` and `sid` are required by `AccessClaims` itself.
        validation.validate_nbf = true;
        validation.leeway = LEEWAY_SECS;
        Self {
            encoding: EncodingKey::from_secret(bytes),
            decoding: DecodingKey::from_secret(bytes),
            validation,
        }
    }

    /// Signs an access token for `user` valid for `ttl`; returns the token.
    ///
    /// # Errors
    /// Only if signing fails, which HMAC does not.
    pub fn issue(
        &self,
        user_id: i64,
        username: &str,
        role: Role,
        session_id: &str,
        ttl: Duration,
    ) -> Result<String, jsonwebtoken::errors::Error> {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let claims = AccessClaims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: user_id.to_string(),
            name: username.to_owned(),
            role,
            iat: now,
            nbf: now,
            exp: now + i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 2),
            jti: uuid::Uuid::new_v4().to_string(),
            sid: session_id.to_owned(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
    }

    /// Verifies signature, algorithm, issuer, audience and times, and returns the caller.
    ///
    /// # Errors
    /// [`TokenError`] for any token that is not one this shop issued and still valid.
    pub fn verify(&self, token: &str) -> Result<Identity, TokenError> {
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)?;
        let user_id = data
            .claims
            .sub
            .parse()
            .map_err(|_| TokenError::BadSubject)?;
        Ok(Identity {
            user_id,
            username: data.claims.name,
            role: data.claims.role,
            session_id: data.claims.sid,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str) -> TokenKeys {
        TokenKeys::from_secret(&SecretString::from(secret.to_owned()))
    }

    #[test]
    fn an_issued_token_verifies_to_its_user() {
        let k = keys("a-test-secret-that-is-long-enough-000000");
        let t = k
            .issue(7, "alice", Role::Admin, "s1", Duration::from_secs(60))
            .unwrap();
        let id = k.verify(&t).unwrap();
        assert_eq!(
            id,
            Identity {
                user_id: 7,
                username: "alice".into(),
                role: Role::Admin,
                session_id: "s1".into()
            }
        );
    }

    #[test]
    fn a_token_signed_with_another_secret_is_refused() {
        let t = keys("one-secret-one-secret-one-secret-00000")
            .issue(1, "a", Role::Customer, "s1", Duration::from_secs(60))
            .unwrap();
        assert!(keys("another-secret-another-secret-another-0")
            .verify(&t)
            .is_err());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let k = keys("a-test-secret-that-is-long-enough-000000");
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let claims = AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "1".into(),
            name: "a".into(),
            role: Role::Customer,
            iat: now - 100,
            nbf: now - 100,
            exp: now - 2 * LEEWAY_SECS as i64,
            jti: "x".into(),
            sid: "s1".into(),
        };
        let t = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &k.encoding).unwrap();
        assert!(k.verify(&t).is_err());
    }

    #[test]
    fn an_unsigned_token_is_refused() {
        let k = keys("a-test-secret-that-is-long-enough-000000");
        let t = k
            .issue(1, "a", Role::Customer, "s1", Duration::from_secs(60))
            .unwrap();
        let payload = t.split('.').nth(1).unwrap();
        // {"alg":"none","typ":"JWT"}
        let none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
        assert!(k.verify(&none).is_err());
    }
}
