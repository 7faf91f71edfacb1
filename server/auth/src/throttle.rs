//! Back-off of failed password checks (OWASP Authentication Cheat Sheet, "Account lockout"):
//! sign-ins per username and password changes per user.
//!
//! Failures are counted per (subject, client address) and per subject over every address:
//! - After [`CLIENT_FREE`] failures from one address, that address waits before its next try:
//!   5 s, then twice as long after each further failure, at most [`MAX_BLOCK_SECS`].
//! - After [`SUBJECT_FREE`] failures from any addresses, the same back-off applies to the
//!   subject, but only to addresses that have failed for it: a client that has not failed
//!   (the real user on their own device) still gets to try, and a right password passes. So
//!   nobody can keep an account locked by failing its password from afar.
//! - A right password clears both counters; rows are forgotten [`FORGET_AFTER_SECS`] after
//!   their last failure, so the table stays bounded by the recent failure rate.
//!
//! The client address is the peer's, or, when the peer is a trusted proxy (the gateway), the
//! right-most `X-Forwarded-For` address that is not one ([`client_address`]).

use crate::store::{AuthStore, ThrottleRow};
use shop_common::store::StoreResult;
use std::net::{IpAddr, SocketAddr};

/// Failures from one address before it backs off.
pub(crate) const CLIENT_FREE: i64 = 5;
/// Failures from all addresses together before the subject backs off (for failed addresses).
pub(crate) const SUBJECT_FREE: i64 = 20;
/// The first back-off, in seconds.
const FIRST_BLOCK_SECS: i64 = 5;
/// Longest back-off, in seconds: the real user is never locked out for longer.
pub(crate) const MAX_BLOCK_SECS: i64 = 15 * 60;
/// Rows not blocked and without a failure for this long are deleted, in seconds.
pub(crate) const FORGET_AFTER_SECS: i64 = 3600;

/// The subject of a password change by user `user_id` (never a valid username).
pub(crate) fn password_change_subject(user_id: i64) -> String {
    format!("#password/{user_id}")
}

/// The client's address as the auth service sees it (see [`shop_common::client::client_ip`]:
/// `X-Forwarded-For` counts only from `trusted` proxies, the gateways), as text; `"unknown"`
/// without a peer (requests not from a socket).
pub(crate) fn client_address(
    peer: Option<SocketAddr>,
    headers: &axum::http::HeaderMap,
    trusted: &[IpAddr],
) -> String {
    shop_common::client::client_ip(peer, headers, trusted)
        .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// The client's address ([`client_address`]) as an extractor: never rejects.
#[derive(Debug, Clone)]
pub(crate) struct ClientAddress(pub(crate) String);

impl axum::extract::FromRequestParts<crate::AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|c| c.0);
        Ok(ClientAddress(client_address(
            peer,
            &parts.headers,
            &state.trusted_proxies,
        )))
    }
}

/// Until when (Unix seconds) `client` must wait before checking a password of `subject`, if
/// it must now.
pub(crate) async fn blocked_until(
    store: &dyn AuthStore,
    subject: &str,
    client: &str,
    now: i64,
) -> StoreResult<Option<i64>> {
    let counters = store.throttle_state(subject, client).await?;
    let mut until = counters.client_blocked_until.filter(|u| *u > now);
    if counters.client_failures > 0 {
        until = until.max(counters.all_blocked_until.filter(|u| *u > now));
    }
    Ok(until)
}

/// Counts a failure of `client` for `subject` (and for the subject over every address), sets
/// the back-offs, and forgets rows idle for [`FORGET_AFTER_SECS`].
pub(crate) async fn record_failure(
    store: &dyn AuthStore,
    subject: &str,
    client: &str,
    now: i64,
) -> StoreResult<()> {
    store
        .record_failure(subject, client, now, now - FORGET_AFTER_SECS, row_back_off)
        .await
}

/// The wait the `failures`-th failure counted in `row` earns.
fn row_back_off(row: ThrottleRow, failures: i64) -> Option<i64> {
    match row {
        ThrottleRow::Client => back_off(failures, CLIENT_FREE),
        ThrottleRow::AllClients => back_off(failures, SUBJECT_FREE),
    }
}

/// The wait after the `failures`-th failure when `free` are allowed: none before, then 5 s,
/// doubling with each further failure, at most [`MAX_BLOCK_SECS`].
fn back_off(failures: i64, free: i64) -> Option<i64> {
    (failures >= free).then(|| {
        let exponent = u32::try_from(failures - free).unwrap_or(u32::MAX).min(20);
        (FIRST_BLOCK_SECS * 2_i64.pow(exponent)).min(MAX_BLOCK_SECS)
    })
}

/// A right password from `client`: clears its count and the subject's.
pub(crate) async fn clear(store: &dyn AuthStore, subject: &str, client: &str) -> StoreResult<()> {
    store.clear_failures(subject, client).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_back_off_doubles_from_five_seconds_up_to_fifteen_minutes() {
        assert_eq!(back_off(4, 5), None);
        assert_eq!(back_off(5, 5), Some(5));
        assert_eq!(back_off(6, 5), Some(10));
        assert_eq!(back_off(12, 5), Some(640));
        assert_eq!(back_off(13, 5), Some(MAX_BLOCK_SECS));
        assert_eq!(back_off(i64::MAX, 5), Some(MAX_BLOCK_SECS));
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        let loopback: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap()];
        assert_eq!(
            client_address(Some("127.0.0.1:9".parse().unwrap()), &h, &loopback),
            "203.0.113.7"
        );
        assert_eq!(
            client_address(Some("198.51.100.1:9".parse().unwrap()), &h, &loopback),
            "198.51.100.1"
        );
        assert_eq!(client_address(None, &h, &loopback), "unknown");
    }
}
