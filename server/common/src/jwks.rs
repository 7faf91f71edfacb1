//! A cache of the auth service's JSON Web Key Set (RFC 7517), for processes that verify access
//! tokens but do not sign them (the gateway, the orders service).
//!
//! - The first token fetches the set; later tokens use the cached keys.
//! - A token whose `kid` is not cached fetches the set again (a key rotation: a new key signs),
//!   at most once per [`MIN_REFETCH`], so tokens with made-up key ids cannot flood the auth
//!   service; within that time such a token is refused at once rather than queued (requests
//!   that arrive during a fetch share it), and requests with a known `kid` never wait.
//! - The cached set is fetched again when it is older than the configured maximum age, so a
//!   key the auth service no longer publishes stops verifying within that time.
//! - When a fetch fails the cached keys stay in use (a short auth outage does not log everyone
//!   out); with nothing cached the token cannot be checked: [`KeyLookupError::Unavailable`].

use api_types::auth::JwkSet;
use jsonwebtoken::DecodingKey;
use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// Why no key was found for a `kid`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeyLookupError {
    /// The issuer does not publish a key with this id.
    #[error("the key id is not a published key")]
    UnknownKey,
    /// Nothing is cached and the set could not be fetched.
    #[error("the auth service's keys could not be fetched")]
    Unavailable,
}

/// Shortest time between two fetches of the key set.
pub const MIN_REFETCH: Duration = Duration::from_secs(1);
/// Longest wait for one JWKS URL to answer.
const FETCH_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Default)]
struct Cached {
    keys: HashMap<String, DecodingKey>,
    /// When the keys were last fetched successfully.
    fetched: Option<Instant>,
    /// When a fetch was last tried.
    tried: Option<Instant>,
}

/// The cached key set of one issuer, fetched from any of its JWKS URLs.
pub struct JwksCache {
    urls: Vec<String>,
    client: reqwest::Client,
    max_age: Duration,
    cached: RwLock<Cached>,
    /// Held while fetching, so concurrent misses make one request.
    fetching: tokio::sync::Mutex<()>,
}

impl JwksCache {
    /// A cache of the set at `urls` (tried in order until one answers: the auth replicas'
    /// `…/api/auth/jwks`), fetched again when older than `max_age`.
    pub fn new(urls: Vec<String>, client: reqwest::Client, max_age: Duration) -> Self {
        Self {
            urls,
            client,
            max_age,
            cached: RwLock::new(Cached::default()),
            fetching: tokio::sync::Mutex::new(()),
        }
    }

    fn lookup(&self, kid: &str) -> (Option<DecodingKey>, bool) {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        let fresh = cached.fetched.is_some_and(|t| t.elapsed() < self.max_age);
        (cached.keys.get(kid).cloned(), fresh)
    }

    /// The key with id `kid`. A `kid` not in the cached set fetches the set again, at most
    /// once per [`MIN_REFETCH`] (after a rotation the first token signed by the new key is
    /// accepted). Within [`MIN_REFETCH`] of the last fetch such a `kid` is refused at once,
    /// never queued until the next fetch is allowed: made-up key ids cost one fetch a second
    /// and hold no connection. Requests that arrive while a fetch is under way share it.
    ///
    /// # Errors
    /// [`KeyLookupError::UnknownKey`] when the issuer does not publish it;
    /// [`KeyLookupError::Unavailable`] when nothing is cached and the set cannot be fetched.
    pub async fn key(&self, kid: &str) -> Result<DecodingKey, KeyLookupError> {
        let _one_fetch = match self.lookup(kid) {
            (Some(key), true) => return Ok(key),
            // A known key in a stale set: one request refreshes the set, the others go on.
            (Some(key), false) => match self.fetching.try_lock() {
                Ok(guard) if !self.tried_recently() => guard,
                _ => return Ok(key),
            },
            (None, _) if self.tried_recently() => return self.cached_key(kid),
            (None, _) => self.fetching.lock().await,
        };
        // Another request may have fetched while this one waited for the lock.
        if !self.tried_recently() {
            self.fetch_and_store().await;
        }
        self.cached_key(kid)
    }

    /// Whether a fetch was tried less than [`MIN_REFETCH`] ago.
    fn tried_recently(&self) -> bool {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        cached.tried.is_some_and(|t| t.elapsed() < MIN_REFETCH)
    }

    /// The key `kid` from the cached set, without fetching.
    fn cached_key(&self, kid: &str) -> Result<DecodingKey, KeyLookupError> {
        let cached = self.cached.read().unwrap_or_else(|e| e.into_inner());
        match cached.keys.get(kid) {
            Some(key) => Ok(key.clone()),
            None if cached.fetched.is_none() => Err(KeyLookupError::Unavailable),
            None => Err(KeyLookupError::UnknownKey),
        }
    }

    /// Fetches the set now (at start, so the first request does not wait for it, and a later
    /// auth outage finds keys cached). A failure is logged; the first token fetches again.
    pub async fn prefetch(&self) {
        let _one_fetch = self.fetching.lock().await;
        self.fetch_and_store().await;
    }

    /// Fetches the set and caches it; on failure keeps what is cached. Call with `fetching`
    /// held.
    async fn fetch_and_store(&self) {
        let result = self.fetch().await;
        let mut cached = self.cached.write().unwrap_or_else(|e| e.into_inner());
        cached.tried = Some(Instant::now());
        match result {
            Ok(keys) => {
                cached.keys = keys;
                cached.fetched = cached.tried;
            }
            Err(e) => {
                tracing::warn!(error = %e, "fetching the JWKS failed; keeping the cached keys")
            }
        }
    }

    async fn fetch(&self) -> anyhow::Result<HashMap<String, DecodingKey>> {
        let mut last = anyhow::anyhow!("no JWKS URL configured");
        for url in &self.urls {
            let answer = async {
                let set: JwkSet = self
                    .client
                    .get(url)
                    .timeout(FETCH_TIMEOUT)
                    .send()
                    .await?
                    .error_for_status()?
                    .json()
                    .await?;
                anyhow::Ok(set)
            };
            match answer.await {
                Ok(set) => {
                    let keys = crate::keys::keys_of(&set);
                    tracing::debug!(%url, keys = keys.len(), "fetched the JWKS");
                    return Ok(keys);
                }
                Err(e) => last = e.context(format!("GET {url}")),
            }
        }
        Err(last)
    }
}
