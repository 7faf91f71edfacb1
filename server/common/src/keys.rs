//! Key management for access tokens: the auth service's Ed25519 signing key and the public
//! keys that verify its tokens, read from PEM files (PKCS #8 private keys, SPKI public keys) or
//! from a JWKS (RFC 7517, OKP keys of RFC 8037), with their RFC 7638 thumbprint as `kid`, and
//! the checks that refuse a key outside dev mode (readable by others, a published example).
//! Signing and verifying tokens is [`crate::token`]'s.

use api_types::auth::{Jwk, JwkSet};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ed25519_dalek::pkcs8::{DecodePrivateKey, DecodePublicKey, EncodePrivateKey};
use jsonwebtoken::{DecodingKey, EncodingKey};
use sha2::Digest as _;
use std::collections::HashMap;
use std::path::Path;

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
    pub(crate) kid: String,
    x: String,
    pub(crate) decoding: DecodingKey,
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
    pub(crate) public: PublicKey,
    pub(crate) encoding: EncodingKey,
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
