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

use api_types::auth::{Jwk, JwkSet, Role};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::collections::HashMap;
use std::path::Path;
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

/// A key that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0} is not an Ed25519 key in PEM (PKCS #8 private key or SPKI public key)")]
    NotEd25519(String),
    #[error("{0} is readable by other users; chmod 600 it")]
    Exposed(String),
    #[error("{0} is a published example key (RFC 8032 test vector) or has a trivial seed")]
    Weak(String),
    #[error("a JWK is not an Ed25519 public key: {0}")]
    BadJwk(&'static str),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
}

/// Seeds of the RFC 8032 §7.1 test vectors: copied from documentation, hence refused.
const EXAMPLE_SEEDS: [&str; 3] = [
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
    "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
    "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
];

/// The RFC 7638 thumbprint of an Ed25519 public key: base64url(SHA-256 of
/// `{"crv":"Ed25519","kty":"OKP","x":"…"}`), used as its `kid`.
fn thumbprint(x: &str) -> String {
    let canonical = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{x}"}}"#);
    URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(canonical.as_bytes()))
}

fn read_pem(path: &Path) -> Result<zeroize::Zeroizing<String>, KeyError> {
    std::fs::read_to_string(path)
        .map(zeroize::Zeroizing::new)
        .map_err(|source| KeyError::Read {
            path: path.display().to_string(),
            source,
        })
}

/// An Ed25519 public key that verifies access tokens, with its `kid`.
#[derive(Clone)]
pub struct PublicKey {
    kid: String,
    x: String,
    decoding: DecodingKey,
}

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", self.kid)
    }
}

impl PublicKey {
    fn from_bytes(public: &[u8; 32]) -> Self {
        let x = URL_SAFE_NO_PAD.encode(public);
        Self {
            kid: thumbprint(&x),
            decoding: DecodingKey::from_ed_der(public),
            x,
        }
    }

    /// The key a JWK describes. Its `kid` must be the key's thumbprint, so a JWKS cannot pair a
    /// known `kid` with another key.
    ///
    /// # Errors
    /// [`KeyError::BadJwk`] unless `kty` is `OKP`, `crv` `Ed25519`, `alg` absent or `EdDSA`,
    /// `use` absent or `sig`, and `x` 32 bytes of base64url.
    pub fn from_jwk(jwk: &Jwk) -> Result<Self, KeyError> {
        if jwk.kty != "OKP" || jwk.crv.as_deref() != Some("Ed25519") {
            return Err(KeyError::BadJwk("kty/crv is not OKP/Ed25519"));
        }
        if jwk.alg.as_deref().is_some_and(|a| a != "EdDSA") {
            return Err(KeyError::BadJwk("alg is not EdDSA"));
        }
        if jwk.use_.as_deref().is_some_and(|u| u != "sig") {
            return Err(KeyError::BadJwk("use is not sig"));
        }
        let bytes = jwk
            .x
            .as_deref()
            .and_then(|x| URL_SAFE_NO_PAD.decode(x).ok())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or(KeyError::BadJwk("x is not 32 bytes of base64url"))?;
        let key = Self::from_bytes(&bytes);
        if key.kid != jwk.kid {
            return Err(KeyError::BadJwk("kid is not the key's RFC 7638 thumbprint"));
        }
        Ok(key)
    }

    /// A public key from PEM: an SPKI public key or a PKCS #8 private key (whose public half
    /// is taken).
    ///
    /// # Errors
    /// [`KeyError::NotEd25519`] for anything else.
    pub fn from_pem(pem: &str, name: &str) -> Result<Self, KeyError> {
        if let Ok(k) = ed25519_dalek::VerifyingKey::from_public_key_pem(pem) {
            return Ok(Self::from_bytes(k.as_bytes()));
        }
        ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .map(|k| Self::from_bytes(k.verifying_key().as_bytes()))
            .map_err(|_| KeyError::NotEd25519(name.to_owned()))
    }

    /// Reads a public key from the PEM file at `path` (see [`PublicKey::from_pem`]).
    ///
    /// # Errors
    /// [`KeyError::Read`] or [`KeyError::NotEd25519`].
    pub fn load(path: &Path) -> Result<Self, KeyError> {
        Self::from_pem(&read_pem(path)?, &path.display().to_string())
    }

    /// The key id (RFC 7638 thumbprint).
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The key as a JWK for the JWKS.
    pub fn jwk(&self) -> Jwk {
        Jwk {
            kty: "OKP".to_owned(),
            crv: Some("Ed25519".to_owned()),
            x: Some(self.x.clone()),
            kid: self.kid.clone(),
            alg: Some("EdDSA".to_owned()),
            use_: Some("sig".to_owned()),
        }
    }
}

/// The auth service's private Ed25519 key that signs access tokens.
pub struct SigningKey {
    public: PublicKey,
    encoding: EncodingKey,
    seed: zeroize::Zeroizing<[u8; 32]>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({}, <redacted>)", self.public.kid)
    }
}

impl SigningKey {
    fn from_dalek(key: &ed25519_dalek::SigningKey) -> Self {
        let der = key
            .to_pkcs8_der()
            .expect("an Ed25519 key always encodes as PKCS #8");
        Self {
            public: PublicKey::from_bytes(key.verifying_key().as_bytes()),
            encoding: EncodingKey::from_ed_der(der.as_bytes()),
            seed: zeroize::Zeroizing::new(key.to_bytes()),
        }
    }

    /// A new key from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut seed = zeroize::Zeroizing::new([0u8; 32]);
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, seed.as_mut());
        Self::from_dalek(&ed25519_dalek::SigningKey::from_bytes(&seed))
    }

    /// The key in a PKCS #8 PEM (`-----BEGIN PRIVATE KEY-----`), as `openssl genpkey
    /// -algorithm ed25519` writes it; `name` names it in errors.
    ///
    /// # Errors
    /// [`KeyError::NotEd25519`] for anything else.
    pub fn from_pem(pem: &str, name: &str) -> Result<Self, KeyError> {
        ed25519_dalek::SigningKey::from_pkcs8_pem(pem)
            .map(|k| Self::from_dalek(&k))
            .map_err(|_| KeyError::NotEd25519(name.to_owned()))
    }

    /// The key as PKCS #8 PEM.
    pub fn to_pem(&self) -> zeroize::Zeroizing<String> {
        ed25519_dalek::SigningKey::from_bytes(&self.seed)
            .to_pkcs8_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF)
            .expect("an Ed25519 key always encodes as PKCS #8")
    }

    /// Reads the key at `path`. With `strict` (outside dev mode) a key file that group or
    /// others may read (Unix), or a well-known or trivial key, is refused.
    ///
    /// # Errors
    /// [`KeyError`] saying which of those it is.
    pub fn load(path: &Path, strict: bool) -> Result<Self, KeyError> {
        let name = path.display().to_string();
        let key = Self::from_pem(&read_pem(path)?, &name)?;
        if strict {
            let exposed =
                crate::secret_file::is_exposed(path).map_err(|source| KeyError::Read {
                    path: name.clone(),
                    source,
                })?;
            if exposed {
                return Err(KeyError::Exposed(name));
            }
            if key.is_weak() {
                return Err(KeyError::Weak(name));
            }
        }
        Ok(key)
    }

    /// Reads the key at `path`, or creates it there (mode 0600) with a new key when there is no
    /// file yet: how dev mode gets a key on first start.
    ///
    /// # Errors
    /// As [`SigningKey::load`], or when the file cannot be written.
    pub fn load_or_generate(path: &Path) -> Result<Self, KeyError> {
        if path.exists() {
            return Self::load(path, false);
        }
        let key = Self::generate();
        let created = crate::secret_file::create_private(path, key.to_pem().as_bytes()).map_err(
            |source| KeyError::Write {
                path: path.display().to_string(),
                source,
            },
        )?;
        if created {
            Ok(key)
        } else {
            // Another process of this data directory wrote it first: use theirs.
            Self::load(path, false)
        }
    }

    /// A published example key, or a seed so regular (fewer than 16 distinct bytes of 32) that
    /// no CSPRNG made it.
    fn is_weak(&self) -> bool {
        let hex: String = self.seed.iter().map(|b| format!("{b:02x}")).collect();
        let mut distinct: Vec<u8> = self.seed.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        EXAMPLE_SEEDS.contains(&hex.as_str()) || distinct.len() < 16
    }

    /// The public half.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

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
        }
    }

    /// A verifier that trusts the keys of a JWKS it fetches and caches (see
    /// [`crate::jwks::JwksCache`]).
    pub fn from_jwks(cache: crate::jwks::JwksCache) -> Self {
        Self {
            source: Source::Jwks(cache),
            revocations: None,
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
        let key = match &self.source {
            Source::Fixed(keys) => keys.get(&kid).cloned().ok_or(TokenError::UnknownKey)?,
            Source::Jwks(cache) => cache.key(&kid).await?,
        };
        let data = jsonwebtoken::decode::<AccessClaims>(token, &key, &VALIDATION)?;
        let user_id: i64 = data
            .claims
            .sub
            .parse()
            .map_err(|_| TokenError::BadSubject)?;
        if user_id <= 0 {
            return Err(TokenError::BadSubject);
        }
        if self
            .revocations
            .as_ref()
            .is_some_and(|r| r.is_ended(&data.claims.sid))
        {
            return Err(TokenError::SessionEnded);
        }
        Ok(Identity {
            user_id,
            username: data.claims.name,
            role: data.claims.role,
            session_id: data.claims.sid,
            expires_at: data.claims.exp,
        })
    }
}

/// Turns JWKS JSON into keys by `kid`, skipping (and logging) keys that are not Ed25519.
pub(crate) fn keys_of(set: &JwkSet) -> HashMap<String, DecodingKey> {
    set.keys
        .iter()
        .filter_map(|jwk| match PublicKey::from_jwk(jwk) {
            Ok(k) => Some((k.kid, k.decoding)),
            Err(e) => {
                tracing::warn!(kid = %jwk.kid, error = %e, "ignoring a JWKS key");
                None
            }
        })
        .collect()
}

/// The JWKS of `keys`, in order.
pub fn jwk_set<'a>(keys: impl IntoIterator<Item = &'a PublicKey>) -> JwkSet {
    JwkSet {
        keys: keys.into_iter().map(PublicKey::jwk).collect(),
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

    #[test]
    fn a_key_survives_pem_and_jwk_round_trips() {
        let k = SigningKey::generate();
        let again = SigningKey::from_pem(&k.to_pem(), "k").unwrap();
        assert_eq!(again.public_key().kid(), k.public_key().kid());
        let public = PublicKey::from_jwk(&k.public_key().jwk()).unwrap();
        assert_eq!(public.kid(), k.public_key().kid());
        assert_eq!(
            PublicKey::from_pem(&k.to_pem(), "k").unwrap().kid(),
            k.public_key().kid()
        );
    }

    #[test]
    fn a_jwk_whose_kid_is_not_its_thumbprint_or_whose_x_is_short_is_refused() {
        let mut jwk = SigningKey::generate().public_key().jwk();
        jwk.kid = "chosen".into();
        assert!(PublicKey::from_jwk(&jwk).is_err());
        let mut jwk = SigningKey::generate().public_key().jwk();
        jwk.x = Some("AAAA".into());
        assert!(PublicKey::from_jwk(&jwk).is_err());
    }

    #[test]
    fn the_rfc_7638_thumbprint_matches_the_rfc_8037_example() {
        // RFC 8037 Appendix A.3: the thumbprint of the A.2 public key.
        assert_eq!(
            thumbprint("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"),
            "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k"
        );
    }

    #[test]
    fn example_and_trivial_keys_are_weak() {
        let seed: [u8; 32] = hex_seed(EXAMPLE_SEEDS[0]);
        assert!(SigningKey::from_dalek(&ed25519_dalek::SigningKey::from_bytes(&seed)).is_weak());
        assert!(SigningKey::from_dalek(&ed25519_dalek::SigningKey::from_bytes(&[7; 32])).is_weak());
        assert!(!SigningKey::generate().is_weak());
    }

    fn hex_seed(s: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
        }
        out
    }
}
