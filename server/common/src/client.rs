//! The client's address behind reverse proxies, for rate limits and sign-in back-off.

use axum::http::HeaderMap;
use std::net::{IpAddr, SocketAddr};

/// The client's address: the `peer`, or, when the peer is one of `trusted` proxies, the
/// right-most `X-Forwarded-For` address that is not itself a trusted proxy (the left-most
/// entries are whatever the client wrote). `None` without a peer.
pub fn client_ip(
    peer: Option<SocketAddr>,
    headers: &HeaderMap,
    trusted: &[IpAddr],
) -> Option<IpAddr> {
    let peer = peer?.ip();
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !trusted.contains(ip))
            .unwrap_or(peer),
    )
}
