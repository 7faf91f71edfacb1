//! Access tokens: short-lived JWTs (RFC 7519, profiled by RFC 9068) that the auth service signs
//! with its Ed25519 key and that the gateway and the services verify locally with the public
//! keys the auth service publishes at `GET /api/auth/jwks` (RFC 7517).
//!
//! - Header: `alg` `EdDSA` (RFC 8037), `typ` `at+jwt` (RFC 9068 §2.1), `kid` the RFC 7638
//!   thumbprint of the signing key.
//! - Claims: `iss`, `aud`, `sub` (the user id), `exp`, `nbf`, `iat`, `jti`, `role`, `sid` (the
//!   session) and `name` (the username, for display).
//! - Verification (RFC 8725 §3): the algorithm is pinned to EdDSA whatever the header says,
//!   `typ` must be `at+jwt` (so no other kind of JWT is accepted as an access token, §3.11),
//!   the key is chosen by `kid` among the published keys only, and every claim above is
//!   required with its type; `exp` and `nbf` are checked with [`LEEWAY_SECS`] of leeway.
//!
//! Where the verifying keys come from is a [`Verifier`]: fixed keys in the auth service itself,
//! or the JWKS fetched over HTTP and cached elsewhere (see [`crate::jwks`]).
//!
//! A verifier remembers the tokens it verified (by their SHA-256, at most [`MAX_REMEMBERED`]):
//! the same token again is not checked for its signature a second time (the Ed25519 check is
//! most of a verification's cost, and the bytes that were signed cannot have changed), but its
//! times, its key (still among the trusted ones: a withdrawn key's tokens are refused) and its
//! session (not ended) are checked on every request, as for a new token.

use crate::keys::{PublicKey, SigningKey};
use api_types::auth::Role;
use jsonwebtoken::{Algorithm, DecodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::LazyLock;
use std::time::Duration;
use time::OffsetDateTime;

/// `iss` of every access token.
pub const ISSUER: &str = "shop-auth";
/// `aud` of every access token: the shop's API.
pub const AUDIENCE: &str = "shop-api";
/// Clock skew tolerated on `exp` and `nbf`, in seconds.
pub const LEEWAY_SECS: u64 = 5;
/// The `typ` header of an access token (RFC 9068 §2.1).
pub const TOKEN_TYPE: &str = "at+jwt";
/// The only signing algorithm: EdDSA with Ed25519 (RFC 8037 §3.1).
pub const ALGORITHM: Algorithm = Algorithm::EdDSA;

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
    /// When the token expires, seconds since the Unix epoch (what open event streams end at).
    pub expires_at: i64,
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

/// Why a token was refused. Callers answer every variant but [`TokenError::KeysUnavailable`]
/// with the same 401, and log none of the token.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    #[error("token rejected: {0}")]
    Rejected(#[from] jsonwebtoken::errors::Error),
    #[error("token type is not {TOKEN_TYPE}")]
    WrongType,
    #[error("token algorithm is not EdDSA")]
    WrongAlgorithm,
    #[error("token has no key id")]
    MissingKeyId,
    #[error("the token's session has ended")]
    SessionEnded,
    #[error("token key id is not a published key")]
    UnknownKey,
    #[error("token subject is not a user id")]
    BadSubject,
    /// The published keys could not be fetched, so no token can be checked (503, not 401).
    #[error("the auth service's keys could not be fetched")]
    KeysUnavailable,
}

impl From<crate::jwks::KeyLookupError> for TokenError {
    fn from(e: crate::jwks::KeyLookupError) -> Self {
        match e {
            crate::jwks::KeyLookupError::UnknownKey => TokenError::UnknownKey,
            crate::jwks::KeyLookupError::Unavailable => TokenError::KeysUnavailable,
        }
    }
}

impl SigningKey {
    /// Signs an access token for the user, in session `session_id`, valid for `ttl`.
    ///
    /// # Errors
    /// Only if signing fails, which Ed25519 does not.
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
        self.sign(&claims)
    }

    /// Signs any claims with an access token header (`typ` `at+jwt`, `kid`).
    ///
    /// # Errors
    /// Only if serialising or signing fails.
    pub fn sign(&self, claims: &impl Serialize) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(ALGORITHM);
        header.typ = Some(TOKEN_TYPE.to_owned());
        header.kid = Some(self.public.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
    }
}

/// The rules every access token must pass, whatever key signed it.
static VALIDATION: LazyLock<Validation> = LazyLock::new(|| {
    let mut validation = Validation::new(ALGORITHM);
    validation.set_issuer(&[ISSUER]);
    validation.set_audience(&[AUDIENCE]);
    validation.set_required_spec_claims(&["exp", "nbf", "iat", "iss", "aud", "sub"]);
    // `role`, `name`, `jti` and `sid` are required (with their types) by `AccessClaims` itself.
    validation.validate_exp = true;
    validation.validate_nbf = true;
    validation.leeway = LEEWAY_SECS;
    validation
});

/// Most tokens a [`Verifier`] remembers as verified; past that it forgets the expired ones,
/// and all of them if none had expired.
pub const MAX_REMEMBERED: usize = 10_000;

/// What a verified token proved, kept by its SHA-256.
#[derive(Clone)]
struct Remembered {
    kid: String,
    not_before: i64,
    identity: Identity,
}

/// Where verifying keys come from.
enum Source {
    /// Keys known at start: the auth service's own.
    Fixed(HashMap<String, DecodingKey>),
    /// Keys fetched from the auth service's JWKS and cached.
    Jwks(crate::jwks::JwksCache),
}

/// Verifies access tokens; see the module documentation for the rules.
pub struct Verifier {
    source: Source,
    /// Ended sessions, whose tokens are refused (processes other than auth, which checks its
    /// database).
    revocations: Option<std::sync::Arc<crate::revocations::Revocations>>,
    /// Tokens verified before, by their SHA-256.
    remembered: std::sync::Mutex<HashMap<[u8; 32], Remembered>>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.source {
            Source::Fixed(_) => "Verifier(fixed keys)",
            Source::Jwks(_) => "Verifier(JWKS)",
        })
    }
}

impl Verifier {
    /// A verifier that trusts exactly `keys` (the auth service's signing and published keys).
    pub fn with_keys<'a>(keys: impl IntoIterator<Item = &'a PublicKey>) -> Self {
        Self {
            source: Source::Fixed(
                keys.into_iter()
                    .map(|k| (k.kid.clone(), k.decoding.clone()))
                    .collect(),
            ),
            revocations: None,
            remembered: std::sync::Mutex::default(),
        }
    }

    /// A verifier that trusts the keys of a JWKS it fetches and caches (see
    /// [`crate::jwks::JwksCache`]).
    pub fn from_jwks(cache: crate::jwks::JwksCache) -> Self {
        Self {
            source: Source::Jwks(cache),
            revocations: None,
            remembered: std::sync::Mutex::default(),
        }
    }

    /// This verifier, also refusing tokens of the sessions `revocations` knows have ended.
    #[must_use]
    pub fn with_revocations(
        mut self,
        revocations: std::sync::Arc<crate::revocations::Revocations>,
    ) -> Self {
        self.revocations = Some(revocations);
        self
    }

    /// The set of ended sessions this verifier consults, if any.
    pub fn revocations(&self) -> Option<&std::sync::Arc<crate::revocations::Revocations>> {
        self.revocations.as_ref()
    }

    /// Fetches the JWKS now, if keys come from one (see [`crate::jwks::JwksCache::prefetch`]).
    pub async fn prefetch(&self) {
        if let Source::Jwks(cache) = &self.source {
            cache.prefetch().await;
        }
    }

    /// Verifies the header (`typ`, `alg`, `kid`), the signature, issuer, audience, times and
    /// claim types, and returns the caller.
    ///
    /// # Errors
    /// [`TokenError`] for any token that is not one this shop issued and still valid;
    /// [`TokenError::KeysUnavailable`] when no key could be fetched to check it.
    pub async fn verify(&self, token: &str) -> Result<Identity, TokenError> {
        use sha2::Digest as _;
        let digest: [u8; 32] = sha2::Sha256::digest(token.as_bytes()).into();
        if let Some(seen) = self.recall(&digest) {
            let now = OffsetDateTime::now_utc().unix_timestamp();
            let leeway = LEEWAY_SECS as i64;
            let in_time =
                now <= seen.identity.expires_at + leeway && now + leeway >= seen.not_before;
            if in_time && self.key(&seen.kid).await.is_ok() {
                self.refuse_ended(&seen.identity.session_id)?;
                return Ok(seen.identity);
            }
            // Expired, or its key withdrawn: verified again below, for the right error.
            self.forget(&digest);
        }
        let header = jsonwebtoken::decode_header(token)?;
        if header.alg != ALGORITHM {
            return Err(TokenError::WrongAlgorithm);
        }
        let typ_ok = header.typ.as_deref().is_some_and(|t| {
            t.eq_ignore_ascii_case(TOKEN_TYPE) || t.eq_ignore_ascii_case("application/at+jwt")
        });
        if !typ_ok {
            return Err(TokenError::WrongType);
        }
        let kid = header.kid.ok_or(TokenError::MissingKeyId)?;
        let key = self.key(&kid).await?;
        let data = jsonwebtoken::decode::<AccessClaims>(token, &key, &VALIDATION)?;
        let user_id: i64 = data
            .claims
            .sub
            .parse()
            .map_err(|_| TokenError::BadSubject)?;
        if user_id <= 0 {
            return Err(TokenError::BadSubject);
        }
        self.refuse_ended(&data.claims.sid)?;
        let identity = Identity {
            user_id,
            username: data.claims.name,
            role: data.claims.role,
            session_id: data.claims.sid,
            expires_at: data.claims.exp,
        };
        self.remember(
            digest,
            Remembered {
                kid,
                not_before: data.claims.nbf,
                identity: identity.clone(),
            },
        );
        Ok(identity)
    }

    /// The trusted key named `kid`.
    async fn key(&self, kid: &str) -> Result<DecodingKey, TokenError> {
        match &self.source {
            Source::Fixed(keys) => keys.get(kid).cloned().ok_or(TokenError::UnknownKey),
            Source::Jwks(cache) => Ok(cache.key(kid).await?),
        }
    }

    /// [`TokenError::SessionEnded`] when the feed of ended sessions lists `session_id`.
    fn refuse_ended(&self, session_id: &str) -> Result<(), TokenError> {
        match &self.revocations {
            Some(r) if r.is_ended(session_id) => Err(TokenError::SessionEnded),
            _ => Ok(()),
        }
    }

    fn remembered(&self) -> std::sync::MutexGuard<'_, HashMap<[u8; 32], Remembered>> {
        self.remembered.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn recall(&self, digest: &[u8; 32]) -> Option<Remembered> {
        self.remembered().get(digest).cloned()
    }

    fn forget(&self, digest: &[u8; 32]) {
        self.remembered().remove(digest);
    }

    /// Keeps `seen` under `digest`, making room first when [`MAX_REMEMBERED`] are kept.
    fn remember(&self, digest: [u8; 32], seen: Remembered) {
        let mut all = self.remembered();
        if all.len() >= MAX_REMEMBERED {
            let now = OffsetDateTime::now_utc().unix_timestamp();
            all.retain(|_, r| r.identity.expires_at + LEEWAY_SECS as i64 >= now);
            if all.len() >= MAX_REMEMBERED {
                all.clear();
            }
        }
        all.insert(digest, seen);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verifier(key: &SigningKey) -> Verifier {
        Verifier::with_keys([key.public_key()])
    }

    fn claims(exp_offset: i64) -> AccessClaims {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        AccessClaims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: "1".into(),
            name: "a".into(),
            role: Role::Customer,
            iat: now - 100,
            nbf: now - 100,
            exp: now + exp_offset,
            jti: "x".into(),
            sid: "s1".into(),
        }
    }

    #[tokio::test]
    async fn an_issued_token_verifies_to_its_user() {
        let k = SigningKey::generate();
        let t = k
            .issue(7, "alice", Role::Admin, "s1", Duration::from_secs(60))
            .unwrap();
        let id = verifier(&k).verify(&t).await.unwrap();
        assert!(
            (id.expires_at - (time::OffsetDateTime::now_utc().unix_timestamp() + 60)).abs() <= 2
        );
        assert_eq!(
            id,
            Identity {
                user_id: 7,
                username: "alice".into(),
                role: Role::Admin,
                session_id: "s1".into(),
                expires_at: id.expires_at,
            }
        );
        let header = jsonwebtoken::decode_header(&t).unwrap();
        assert_eq!(header.typ.as_deref(), Some("at+jwt"));
        assert_eq!(header.kid.as_deref(), Some(k.public_key().kid()));
    }

    #[tokio::test]
    async fn a_remembered_token_verifies_again_but_an_altered_copy_is_checked_in_full() {
        let k = SigningKey::generate();
        let v = verifier(&k);
        let t = k
            .issue(7, "alice", Role::Customer, "s1", Duration::from_secs(60))
            .unwrap();
        let first = v.verify(&t).await.unwrap();
        assert_eq!(v.remembered().len(), 1);
        assert_eq!(v.verify(&t).await.unwrap(), first);
        assert_eq!(v.remembered().len(), 1, "the same token is remembered once");
        // The same header and claims under another signature: a new token, checked in full.
        let (signed, signature) = t.rsplit_once('.').unwrap();
        let mut forged = signature.as_bytes().to_vec();
        forged[0] = if forged[0] == b'A' { b'B' } else { b'A' };
        let forged = format!("{signed}.{}", String::from_utf8(forged).unwrap());
        assert!(v.verify(&forged).await.is_err());
        assert_eq!(v.remembered().len(), 1, "a refused token is not remembered");
    }

    #[tokio::test]
    async fn a_token_signed_with_another_key_is_refused() {
        let t = SigningKey::generate()
            .issue(1, "a", Role::Customer, "s1", Duration::from_secs(60))
            .unwrap();
        assert!(verifier(&SigningKey::generate()).verify(&t).await.is_err());
    }

    #[tokio::test]
    async fn an_expired_token_is_refused() {
        let k = SigningKey::generate();
        let t = k.sign(&claims(-2 * LEEWAY_SECS as i64)).unwrap();
        assert!(verifier(&k).verify(&t).await.is_err());
        let t = k.sign(&claims(60)).unwrap();
        assert!(verifier(&k).verify(&t).await.is_ok());
    }
}
