//! The ended sessions, read from the auth service's feed, so that access tokens of a session
//! that ended (logout, logout-all, a password change, a revoked device, a disabled or deleted
//! user) are refused before they expire, by every process that verifies tokens: the gateway
//! and the orders service, each on its own (a client that reaches a service directly gains
//! nothing).
//!
//! The feed is `GET /internal/revocations?after=SEQ` on auth, authenticated with the internal
//! token ([`crate::internal`]): `{revocations: [{seq, session_id, revoked_at}], keep_secs}`.
//! Each process polls it every `SHOP_REVOCATION_POLL_MS` (and the gateway also right after
//! forwarding a request that ends sessions), and keeps each entry `keep_secs` (the longest an
//! access token lives, as auth says) after its revocation.

use crate::internal::InternalToken;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

#[derive(Deserialize)]
struct Feed {
    revocations: Vec<Entry>,
    /// How long an entry matters, in seconds (the access token lifetime plus leeway).
    keep_secs: Option<i64>,
}

#[derive(Deserialize)]
struct Entry {
    seq: i64,
    session_id: String,
    revoked_at: i64,
}

/// How long entries are kept when the feed does not say, in seconds.
const DEFAULT_KEEP_SECS: i64 = 3600;

/// The ended sessions this process knows of.
pub struct Revocations {
    /// Session id -> when to forget it (Unix seconds).
    ended: Mutex<HashMap<String, i64>>,
    last_seq: AtomicI64,
    /// Feed URLs (one per auth replica), tried in order until one answers.
    urls: Vec<String>,
    client: reqwest::Client,
    token: InternalToken,
    /// One poll at a time.
    polling: tokio::sync::Mutex<()>,
    /// Counts polls that brought new entries (see [`Revocations::changes`]).
    changed: tokio::sync::watch::Sender<u64>,
    /// Whether the last poll failed (so a failure is logged once, not every second).
    failing: AtomicBool,
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Revocations {
    /// Reads the feed at `urls` (e.g. `http://127.0.0.1:8001/internal/revocations`) with
    /// `token`.
    pub fn new(urls: Vec<String>, client: reqwest::Client, token: InternalToken) -> Self {
        Self {
            ended: Mutex::new(HashMap::new()),
            last_seq: AtomicI64::new(0),
            urls,
            client,
            token,
            polling: tokio::sync::Mutex::new(()),
            changed: tokio::sync::watch::channel(0).0,
            failing: AtomicBool::new(false),
        }
    }

    /// Whether the session has ended.
    pub fn is_ended(&self, session_id: &str) -> bool {
        self.ended
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(session_id)
    }

    /// A receiver that sees a change each time a poll brings new ended sessions (what open
    /// event streams watch to end themselves).
    pub fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.changed.subscribe()
    }

    /// Reads the feed from the first URL that answers. A failure keeps what is known.
    pub async fn poll(&self) {
        let _one = self.polling.lock().await;
        let after = self.last_seq.load(Ordering::Relaxed);
        for url in &self.urls {
            let answer = self
                .client
                .get(format!("{url}?after={after}"))
                .header(crate::internal::HEADER, self.token.header_value())
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            let feed = match answer {
                Ok(r) if r.status().is_success() => r.json::<Feed>().await.ok(),
                Ok(r) => {
                    self.note_failure(url, &format!("answered {}", r.status()));
                    None
                }
                Err(e) => {
                    self.note_failure(url, &e.to_string());
                    None
                }
            };
            let Some(feed) = feed else { continue };
            self.failing.store(false, Ordering::Relaxed);
            let keep = feed.keep_secs.unwrap_or(DEFAULT_KEEP_SECS);
            let now = unix_now();
            let added = !feed.revocations.is_empty();
            {
                let mut ended = self.ended.lock().unwrap_or_else(|p| p.into_inner());
                ended.retain(|_, forget_at| *forget_at > now);
                for e in feed.revocations {
                    ended.insert(e.session_id, e.revoked_at.saturating_add(keep));
                    self.last_seq.fetch_max(e.seq, Ordering::Relaxed);
                }
            }
            if added {
                self.changed.send_modify(|n| *n += 1);
            }
            return;
        }
    }

    fn note_failure(&self, url: &str, error: &str) {
        if !self.failing.swap(true, Ordering::Relaxed) {
            tracing::warn!(%url, %error, "reading the feed of ended sessions failed; retrying");
        }
    }
}

/// Polls every `interval` while the set is in use elsewhere (a [`Weak`] that still upgrades)
/// and until `stop` is cancelled.
pub async fn poll_forever(
    revocations: Weak<Revocations>,
    interval: Duration,
    stop: tokio_util::sync::CancellationToken,
) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                let Some(r) = revocations.upgrade() else { return };
                r.poll().await;
            }
            () = stop.cancelled() => return,
        }
    }
}

/// A set read from `urls` every `interval` in the background (until the set is dropped or
/// `stop` is cancelled), with a first poll started at once.
pub fn spawn(
    urls: Vec<String>,
    token: InternalToken,
    interval: Duration,
    stop: tokio_util::sync::CancellationToken,
) -> Arc<Revocations> {
    let client = reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(2))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client with no custom TLS builds");
    let set = Arc::new(Revocations::new(urls, client, token));
    tokio::spawn(poll_forever(Arc::downgrade(&set), interval, stop));
    set
}
