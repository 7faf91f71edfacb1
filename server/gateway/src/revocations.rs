//! Ended sessions, so their access tokens are refused before they expire.
//!
//! Access tokens are verified locally, without a call to auth. To end a session at once
//! (logout, logout-all, a password change, a revoked device), the gateway reads auth's
//! revocation feed (`GET /internal/revocations`) every `SHOP_REVOCATION_POLL_MS` (default
//! 1 s), and at once after it forwarded a request that ends sessions. A token whose `sid` is
//! in the set gets 401. Entries are kept as long as an access token can live.

use crate::upstream::Pool;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Deserialize)]
struct Feed {
    revocations: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    seq: i64,
    session_id: String,
    revoked_at: i64,
}

/// The ended sessions the gateway knows of.
pub(crate) struct Revocations {
    /// Session id -> when to forget it (Unix seconds).
    ended: Mutex<HashMap<String, i64>>,
    last_seq: AtomicI64,
    keep_secs: i64,
    auth: Arc<Pool>,
    client: reqwest::Client,
    /// One poll at a time.
    polling: tokio::sync::Mutex<()>,
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

impl Revocations {
    /// Keeps each ended session for `keep_secs` (the longest an access token lives).
    pub(crate) fn new(auth: Arc<Pool>, client: reqwest::Client, keep_secs: i64) -> Self {
        Self {
            ended: Mutex::new(HashMap::new()),
            last_seq: AtomicI64::new(0),
            keep_secs,
            auth,
            client,
            polling: tokio::sync::Mutex::new(()),
        }
    }

    /// Whether the session has ended.
    pub(crate) fn is_ended(&self, session_id: &str) -> bool {
        self.ended
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains_key(session_id)
    }

    /// Reads the feed from the first auth upstream that answers.
    pub(crate) async fn poll(&self) {
        let _one = self.polling.lock().await;
        let after = self.last_seq.load(Ordering::Relaxed);
        for i in 0..self.auth.len() {
            let url = format!(
                "{}/internal/revocations?after={after}&max_age_secs={}",
                self.auth.member(i).url,
                self.keep_secs
            );
            let answer = self
                .client
                .get(url)
                .timeout(Duration::from_secs(2))
                .send()
                .await;
            let Ok(feed) = (match answer {
                Ok(r) if r.status().is_success() => r.json::<Feed>().await,
                _ => continue,
            }) else {
                continue;
            };
            let now = unix_now();
            let mut ended = self.ended.lock().unwrap_or_else(|p| p.into_inner());
            ended.retain(|_, forget_at| *forget_at > now);
            for e in feed.revocations {
                ended.insert(e.session_id, e.revoked_at + self.keep_secs);
                self.last_seq.fetch_max(e.seq, Ordering::Relaxed);
            }
            return;
        }
    }
}

/// Polls every `interval` until `stop` is cancelled.
pub(crate) async fn poll_forever(
    revocations: Arc<Revocations>,
    interval: Duration,
    stop: tokio_util::sync::CancellationToken,
) {
    let mut tick = tokio::time::interval(interval);
    loop {
        tokio::select! {
            _ = tick.tick() => revocations.poll().await,
            () = stop.cancelled() => return,
        }
    }
}

/// Whether forwarding `method path` with a success ended sessions (so the set is read again
/// before the answer goes back, and the very next request sees it).
pub(crate) fn ends_sessions(method: &axum::http::Method, path: &str) -> bool {
    matches!(
        path,
        "/api/auth/logout" | "/api/auth/logout-all" | "/api/auth/password"
    ) || (method == axum::http::Method::DELETE && path.starts_with("/api/auth/sessions/"))
        || (matches!(
            *method,
            axum::http::Method::PATCH | axum::http::Method::DELETE
        ) && path.starts_with("/api/users/"))
}
