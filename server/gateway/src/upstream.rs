//! Upstream pools: the addresses of each service, which of them can take a request now, and the
//! retry budget.
//!
//! Each member has a circuit breaker (the `failsafe` crate): after
//! [`FAILURES_TO_OPEN`] failures in a row (a connection error, a timeout, or a 5xx answer other
//! than a 503, which a service sends on purpose while it is alive) it opens for
//! [`OPEN_FOR`] and then lets trial requests through (half-open). An active check of
//! `GET /health/ready` every `SHOP_HEALTH_CHECK_INTERVAL_MS` (each given [`CHECK_TIMEOUT`])
//! takes a member out while it fails and closes its breaker again when it answers. A refused
//! connection or a readiness answer other than 2xx takes it out at once; a check that merely
//! timed out (a busy member is slow, not gone) does so only after [`TIMEOUTS_TO_FALL`] in a row,
//! as HAProxy's `fall` count. A service whose members are all out is "open": its routes answer
//! 503 at once.

use crate::api_map::ApiMap;
use crate::routes::Service;
use axum::http::uri::{Authority, Scheme};
use axum::http::Uri;
use failsafe::{backoff, failure_policy, Instrument, StateMachine};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use serde::Serialize;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Failures in a row that open a member's breaker.
pub(crate) const FAILURES_TO_OPEN: u32 = 3;
/// How long an open breaker stays open before trial requests.
pub(crate) const OPEN_FOR: Duration = Duration::from_secs(5);
/// How long one readiness check may take, whatever the interval between checks.
pub(crate) const CHECK_TIMEOUT: Duration = Duration::from_secs(2);
/// Timed-out readiness checks in a row that take a member out.
pub(crate) const TIMEOUTS_TO_FALL: u32 = 3;
/// Retries allowed per second and service, over all requests: the retry budget.
const RETRIES_PER_SEC: u32 = 10;

/// A member's breaker state, as reported by `/health/ready`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum BreakerState {
    Closed,
    Open,
    HalfOpen,
}

/// Records the breaker's transitions, and exports them as the gauge
/// `upstream_breaker_state{service, upstream}` (0 closed, 1 half-open, 2 open).
#[derive(Clone)]
struct Recorder {
    state: Arc<Mutex<BreakerState>>,
    service: &'static str,
    upstream: Arc<str>,
}

impl Recorder {
    fn set(&self, state: BreakerState) {
        *self.state.lock().unwrap_or_else(|p| p.into_inner()) = state;
        let value = match state {
            BreakerState::Closed => 0.0,
            BreakerState::HalfOpen => 1.0,
            BreakerState::Open => 2.0,
        };
        metrics::gauge!("upstream_breaker_state", "service" => self.service, "upstream" => self.upstream.to_string())
            .set(value);
    }

    fn get(&self) -> BreakerState {
        *self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Instrument for Recorder {
    fn on_call_rejected(&self) {}
    fn on_open(&self) {
        self.set(BreakerState::Open);
    }
    fn on_half_open(&self) {
        self.set(BreakerState::HalfOpen);
    }
    fn on_closed(&self) {
        self.set(BreakerState::Closed);
    }
}

type Breaker = StateMachine<failure_policy::ConsecutiveFailures<backoff::Constant>, Recorder>;

/// One address of a service.
pub(crate) struct Member {
    /// The base URL as configured, without a trailing `/` (health checks, logs, reports).
    pub(crate) url: Arc<str>,
    /// The base URL's scheme and authority, which every forwarded request target is sent to.
    pub(crate) scheme: Scheme,
    pub(crate) authority: Authority,
    breaker: Breaker,
    state: Recorder,
    /// Result of the last active health check (true until the first one says otherwise).
    healthy: AtomicBool,
    /// Readiness checks in a row that timed out.
    timeouts: AtomicU32,
    last_error: Mutex<Option<String>>,
    requests: AtomicU64,
}

/// What `/health/ready` shows of a member.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MemberReport {
    pub(crate) url: String,
    /// `up` or `down` (by the active check).
    pub(crate) state: &'static str,
    pub(crate) breaker: BreakerState,
    pub(crate) last_error: Option<String>,
    /// Requests sent to it so far.
    pub(crate) requests: u64,
}

/// The members of one service.
pub(crate) struct Pool {
    pub(crate) service: Service,
    members: Vec<Member>,
    next: AtomicUsize,
    retry_budget: DefaultDirectRateLimiter,
}

impl Pool {
    /// A pool of `urls` (at least one), each an `http://host:port` base URL.
    ///
    /// # Errors
    /// The first URL that is not one ([`base_url`]), with the reason.
    pub(crate) fn new(service: Service, urls: &[String]) -> anyhow::Result<Self> {
        let members = urls
            .iter()
            .map(|u| {
                let (url, scheme, authority) = checked_base_url(service, u)?;
                let state = Recorder {
                    state: Arc::new(Mutex::new(BreakerState::Closed)),
                    service: service.name(),
                    upstream: url.clone(),
                };
                state.set(BreakerState::Closed);
                let policy = failure_policy::consecutive_failures(
                    FAILURES_TO_OPEN,
                    backoff::constant(OPEN_FOR),
                );
                Ok(Member {
                    url,
                    scheme,
                    authority,
                    breaker: StateMachine::new(policy, state.clone()),
                    state,
                    healthy: AtomicBool::new(true),
                    timeouts: AtomicU32::new(0),
                    last_error: Mutex::new(None),
                    requests: AtomicU64::new(0),
                })
            })
            .collect::<anyhow::Result<_>>()?;
        let budget = Quota::per_second(NonZeroU32::new(RETRIES_PER_SEC).unwrap_or(NonZeroU32::MIN));
        Ok(Self {
            service,
            members,
            next: AtomicUsize::new(0),
            retry_budget: RateLimiter::direct(budget),
        })
    }

    pub(crate) fn len(&self) -> usize {
        self.members.len()
    }

    pub(crate) fn member(&self, i: usize) -> &Member {
        &self.members[i]
    }

    fn available(&self, i: usize) -> bool {
        let m = &self.members[i];
        m.healthy.load(Ordering::Relaxed) && m.breaker.is_call_permitted()
    }

    /// The next member to try, round robin over the available ones not in `tried`.
    pub(crate) fn pick(&self, tried: &[usize]) -> Option<usize> {
        let n = self.members.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        (0..n)
            .map(|k| (start + k) % n)
            .find(|i| !tried.contains(i) && self.available(*i))
            .inspect(|i| {
                self.members[*i].requests.fetch_add(1, Ordering::Relaxed);
            })
    }

    /// Whether any member can take a request (the service's breaker is not open).
    pub(crate) fn any_available(&self) -> bool {
        (0..self.members.len()).any(|i| {
            let m = &self.members[i];
            m.healthy.load(Ordering::Relaxed) && m.state.get() != BreakerState::Open
        })
    }

    /// A request to member `i` went through.
    pub(crate) fn succeeded(&self, i: usize) {
        self.members[i].breaker.on_success();
    }

    /// A request to member `i` failed for `reason`.
    pub(crate) fn failed(&self, i: usize, reason: String) {
        let m = &self.members[i];
        metrics::counter!("upstream_errors_total", "service" => self.service.name(), "upstream" => m.url.to_string())
            .increment(1);
        m.breaker.on_error();
        *m.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
    }

    /// Takes one retry from the budget; `false` when it is spent.
    pub(crate) fn may_retry(&self) -> bool {
        self.retry_budget.check().is_ok()
    }

    /// Records an active health check of member `i`; `true` when it came back up.
    pub(crate) fn checked(&self, i: usize, check: Check) -> bool {
        let m = &self.members[i];
        let reason = match check {
            Check::Ready => {
                m.timeouts.store(0, Ordering::Relaxed);
                let was_up = m.healthy.swap(true, Ordering::Relaxed);
                m.breaker.reset();
                if !was_up {
                    tracing::info!(service = self.service.name(), upstream = %m.url, "upstream up");
                }
                return !was_up;
            }
            Check::Failed(reason) => {
                m.timeouts.store(0, Ordering::Relaxed);
                reason
            }
            Check::TimedOut => {
                let in_a_row = m.timeouts.fetch_add(1, Ordering::Relaxed) + 1;
                if in_a_row < TIMEOUTS_TO_FALL {
                    return false;
                }
                format!("readiness timed out {in_a_row} times in a row")
            }
        };
        if m.healthy.swap(false, Ordering::Relaxed) {
            tracing::warn!(service = self.service.name(), upstream = %m.url, %reason, "upstream down");
        }
        *m.last_error.lock().unwrap_or_else(|p| p.into_inner()) = Some(reason);
        false
    }

    /// The state of every member.
    pub(crate) fn report(&self) -> Vec<MemberReport> {
        self.members
            .iter()
            .map(|m| MemberReport {
                url: m.url.to_string(),
                state: if m.healthy.load(Ordering::Relaxed) {
                    "up"
                } else {
                    "down"
                },
                breaker: m.state.get(),
                last_error: m
                    .last_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .clone(),
                requests: m.requests.load(Ordering::Relaxed),
            })
            .collect()
    }
}

/// The outcome of one readiness check.
#[derive(Debug)]
pub(crate) enum Check {
    /// `GET /health/ready` answered 2xx.
    Ready,
    /// Certainly not ready: the connection was refused, or readiness answered non-2xx (why).
    Failed(String),
    /// No answer within [`CHECK_TIMEOUT`].
    TimedOut,
}

/// Reads the service's document ([`ApiMap::fetch`]) from the first member that gives it.
pub(crate) async fn learn_routes(pool: &Pool, api: &ApiMap, client: &reqwest::Client) {
    for member in &pool.members {
        match api.fetch(client, pool.service, &member.url).await {
            Ok(()) => return,
            Err(reason) => {
                tracing::debug!(service = pool.service.name(), upstream = %member.url, %reason, "routes not learned");
            }
        }
    }
}

/// Checks every member of `pool` every `interval` until `stop` is cancelled, and reads the
/// service's document again whenever a member comes back up (or while it is unknown).
pub(crate) async fn check_forever(
    pool: Arc<Pool>,
    api: Arc<ApiMap>,
    client: reqwest::Client,
    interval: Duration,
    stop: tokio_util::sync::CancellationToken,
) {
    let mut tick = tokio::time::interval(interval);
    // A round slower than the interval is followed by the next one, not by a burst of them.
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = stop.cancelled() => return,
        }
        let checks = (0..pool.len()).map(|i| {
            let url = format!("{}/health/ready", pool.member(i).url);
            let client = client.clone();
            async move {
                let result = match client.get(url).timeout(CHECK_TIMEOUT).send().await {
                    Ok(r) if r.status().is_success() => Check::Ready,
                    Ok(r) => Check::Failed(format!("readiness answered {}", r.status())),
                    Err(e) if e.is_timeout() => Check::TimedOut,
                    Err(e) => Check::Failed(describe(false, e.is_connect())),
                };
                (i, result)
            }
        });
        let results = futures::future::join_all(checks).await;
        // While this process drains, services the launcher runs in it report 503 too; they still serve
        // the requests that arrive until the listeners stop, so their state is kept.
        if shop_common::serve::is_draining() {
            continue;
        }
        let mut came_up = false;
        for (i, result) in results {
            came_up |= pool.checked(i, result);
        }
        if came_up || !api.knows(pool.service) {
            learn_routes(&pool, &api, &client).await;
        }
    }
}

/// A base URL's scheme and authority: `http://host:port` (a host name or an IP address; the
/// port may be left out), with nothing after the authority but an optional `/`, since the
/// request target is appended as received.
///
/// # Errors
/// What is wrong with `url`: not a URL, not `http` (the gateway speaks plain HTTP/1.1 to its
/// upstreams; TLS belongs to the network between them), user info, or a path or query.
pub(crate) fn base_url(url: &str) -> Result<(Scheme, Authority), &'static str> {
    let parts = url.parse::<Uri>().map_err(|_| "not a URL")?.into_parts();
    let (Some(scheme), Some(authority)) = (parts.scheme, parts.authority) else {
        return Err("not an absolute URL (expected http://host:port)");
    };
    if scheme != Scheme::HTTP {
        return Err("only http:// upstreams are supported");
    }
    if authority.as_str().contains('@') {
        return Err("user info is not allowed");
    }
    if parts
        .path_and_query
        .is_some_and(|p| !matches!(p.as_str(), "" | "/"))
    {
        return Err("a base URL has no path or query");
    }
    Ok((scheme, authority))
}

/// `url` without a trailing `/`, with its scheme and authority, when it is a [`base_url`].
///
/// # Errors
/// Why it is not one, naming the service and the URL, e.g.
/// ``orders upstream `http://orders:8002/v1`: a base URL has no path or query``.
pub(crate) fn checked_base_url(
    service: Service,
    url: &str,
) -> anyhow::Result<(Arc<str>, Scheme, Authority)> {
    let url: Arc<str> = url.trim_end_matches('/').into();
    let (scheme, authority) = base_url(&url)
        .map_err(|why| anyhow::anyhow!("{} upstream `{url}`: {why}", service.name()))?;
    Ok((url, scheme, authority))
}

/// A short description of a failed call, for logs and `/health/ready`.
pub(crate) fn describe(timed_out: bool, connect: bool) -> String {
    if timed_out {
        "timed out"
    } else if connect {
        "connection refused or unreachable"
    } else {
        "transport error"
    }
    .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pool(n: usize) -> Pool {
        let urls: Vec<String> = (0..n)
            .map(|i| format!("http://127.0.0.1:{}", 9000 + i))
            .collect();
        Pool::new(Service::Orders, &urls).unwrap()
    }

    #[test]
    fn a_base_url_is_http_host_and_port_and_nothing_else() {
        for good in [
            "http://127.0.0.1:8001",
            "http://orders:8002/",
            "http://[::1]:8002",
            "http://orders.internal",
        ] {
            let (scheme, authority) = base_url(good).unwrap();
            assert_eq!(scheme, Scheme::HTTP);
            assert!(good.contains(authority.as_str()), "{good}");
        }
        for (bad, why) in [
            (
                "orders:8002",
                "not an absolute URL (expected http://host:port)",
            ),
            (
                "127.0.0.1:8002",
                "not an absolute URL (expected http://host:port)",
            ),
            (
                "https://orders:8002",
                "only http:// upstreams are supported",
            ),
            ("http://user:pw@orders:8002", "user info is not allowed"),
            ("http://orders:8002/v1", "a base URL has no path or query"),
            ("http://orders:8002?x=1", "a base URL has no path or query"),
            ("http://orders 8002", "not a URL"),
        ] {
            assert_eq!(base_url(bad).err(), Some(why), "{bad}");
        }
        let err = Pool::new(
            Service::Orders,
            &["http://ok:1".to_owned(), "ftp://x".to_owned()],
        )
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "orders upstream `ftp://x`: only http:// upstreams are supported"
        );
    }

    #[test]
    fn requests_take_turns_over_the_members() {
        let p = pool(2);
        let picks: Vec<usize> = (0..4).map(|_| p.pick(&[]).unwrap()).collect();
        assert_eq!(picks.iter().filter(|i| **i == 0).count(), 2);
        assert_eq!(picks.iter().filter(|i| **i == 1).count(), 2);
    }

    #[test]
    fn repeated_failures_take_a_member_out_and_a_health_check_brings_it_back() {
        let p = pool(2);
        for _ in 0..FAILURES_TO_OPEN {
            p.failed(0, "boom".into());
        }
        assert!((0..10).all(|_| p.pick(&[]) == Some(1)));
        assert_eq!(p.report()[0].breaker, BreakerState::Open);
        p.checked(0, Check::Ready);
        assert_eq!(p.report()[0].breaker, BreakerState::Closed);
        assert!((0..10).any(|_| p.pick(&[]) == Some(0)));
    }

    #[test]
    fn a_service_with_every_member_down_is_unavailable() {
        let p = pool(2);
        p.checked(0, Check::Failed("down".into()));
        assert!(p.any_available());
        p.checked(1, Check::Failed("down".into()));
        assert!(!p.any_available());
        assert_eq!(p.pick(&[]), None);
        assert_eq!(p.report()[1].last_error.as_deref(), Some("down"));
    }

    #[test]
    fn a_member_whose_checks_time_out_stays_in_until_they_do_so_repeatedly() {
        let p = pool(1);
        for _ in 1..TIMEOUTS_TO_FALL {
            p.checked(0, Check::TimedOut);
        }
        assert!(
            p.any_available(),
            "a slow check or two leave a busy member in"
        );
        p.checked(0, Check::Ready);
        for _ in 1..TIMEOUTS_TO_FALL {
            p.checked(0, Check::TimedOut);
        }
        assert!(p.any_available(), "an answer starts the count again");
        p.checked(0, Check::TimedOut);
        assert!(!p.any_available());
        assert_eq!(
            p.report()[0].last_error.as_deref(),
            Some("readiness timed out 3 times in a row")
        );
        p.checked(0, Check::Ready);
        assert!(p.any_available());
    }

    #[tokio::test]
    async fn a_readiness_check_slower_than_the_interval_does_not_take_a_member_out() {
        // A member that answers its readiness check in 300 ms, checked every 50 ms. A permit
        // per check that arrived: rounds do not overlap, so when check n + 1 arrives, n are over.
        let checks = Arc::new(tokio::sync::Semaphore::new(0));
        let seen = checks.clone();
        let app = axum::Router::new().route(
            "/health/ready",
            axum::routing::get(move || {
                seen.add_permits(1);
                async move {
                    tokio::time::sleep(Duration::from_millis(300)).await;
                    "ok"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let p = Arc::new(Pool::new(Service::Orders, &[url]).unwrap());
        let stop = tokio_util::sync::CancellationToken::new();
        tokio::spawn(check_forever(
            p.clone(),
            Arc::default(),
            reqwest::Client::new(),
            Duration::from_millis(50),
            stop.clone(),
        ));
        checks.acquire().await.unwrap().forget();
        for _ in 0..TIMEOUTS_TO_FALL {
            checks.acquire().await.unwrap().forget();
            assert!(p.any_available(), "{:?}", p.report()[0].last_error);
        }
        stop.cancel();
    }

    #[test]
    fn a_retry_goes_to_another_member() {
        let p = pool(2);
        let first = p.pick(&[]).unwrap();
        assert_ne!(p.pick(&[first]), Some(first));
        assert_eq!(p.pick(&[0, 1]), None);
    }
}
