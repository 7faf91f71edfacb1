//! Forwarding a request to the service that owns its path, on one of its upstreams, with
//! retries for idempotent requests, and relaying the answer (event streams as they come).
//!
//! Requests go out through hyper-util's pooled HTTP/1.1 client ([`UpstreamClient`]) with the
//! request target exactly as received and checked: no URL parser sits between the path the
//! gateway classified and the one the upstream reads.
//!
//! The cross-cutting checks run before, as layers ([`crate::layers`]); the refresh-cookie
//! handlers ([`crate::refresh_cookie`]) wrap this forwarder for login, refresh and logout.

use crate::error::GatewayError;
use crate::headers::{end_to_end_headers, upstream_headers};
use crate::layers::ClientIp;
use crate::routes::Service;
use crate::GatewayState;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::uri::PathAndQuery;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::time::Duration;

/// The client requests are forwarded with: hyper-util's pooled client, HTTP/1.1 with
/// keep-alive (idle connections closed after 90 s), `TCP_NODELAY`, 2 s to connect.
pub(crate) type UpstreamClient = Client<HttpConnector, Full<Bytes>>;

/// An upstream's answer, its body still to come.
pub(crate) type Answer = axum::http::Response<hyper::body::Incoming>;

/// A new [`UpstreamClient`].
pub(crate) fn upstream_client() -> UpstreamClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    connector.set_connect_timeout(Some(Duration::from_secs(2)));
    Client::builder(TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(90))
        .pool_timer(TokioTimer::new())
        .build(connector)
}

/// Largest request body forwarded, in bytes.
pub(crate) const MAX_BODY_BYTES: usize = 1024 * 1024;

/// `ANY /api/*` (but login, refresh and logout): forwards as it is; after a success that ended
/// sessions, reads the feed of ended sessions again so the very next request sees it.
pub(crate) async fn api(State(state): State<GatewayState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let (outgoing, answer) = match exchange(&state, &parts, body).await {
        Ok(exchanged) => exchanged,
        Err(response) => return response,
    };
    if answer.status().is_success()
        && crate::revocations::ends_sessions(&outgoing.method, outgoing.path())
    {
        state.revocations.poll().await;
    }
    relay(&state, answer)
}

/// Forwards the request of `parts` and `body` as it is; returns it with the upstream's answer.
///
/// # Errors
/// The gateway's answer when the request is refused ([`Outgoing::new`]) or no upstream gave an
/// answer to pass on ([`Outgoing::send`]).
pub(crate) async fn exchange(
    state: &GatewayState,
    parts: &Parts,
    body: Body,
) -> Result<(Outgoing, Answer), Response> {
    let outgoing = Outgoing::new(parts, body).await?;
    let answer = outgoing.send(state).await?;
    Ok((outgoing, answer))
}

/// A request as it will be sent upstream.
pub(crate) struct Outgoing {
    pub(crate) service: Service,
    pub(crate) method: Method,
    /// The request target (path and query) as received and checked, sent as it is.
    path_and_query: PathAndQuery,
    headers: HeaderMap,
    pub(crate) body: Bytes,
}

impl Outgoing {
    /// The request of `parts` with its whole `body` (at most [`MAX_BODY_BYTES`]), for the
    /// service that owns its path.
    ///
    /// # Errors
    /// 413 `payload_too_large`.
    pub(crate) async fn new(parts: &Parts, body: Body) -> Result<Self, Response> {
        let path_and_query = parts
            .uri
            .path_and_query()
            .cloned()
            .unwrap_or_else(|| PathAndQuery::from_static("/"));
        let body = axum::body::to_bytes(body, MAX_BODY_BYTES)
            .await
            .map_err(|_| GatewayError::PayloadTooLarge(MAX_BODY_BYTES).into_response())?;
        let client = parts.extensions.get::<ClientIp>().and_then(|c| c.0);
        Ok(Self {
            service: Service::for_path(path_and_query.path()),
            method: parts.method.clone(),
            headers: upstream_headers(&parts.headers, client),
            path_and_query,
            body,
        })
    }

    /// The request path, exactly as received (and checked).
    pub(crate) fn path(&self) -> &str {
        self.path_and_query.path()
    }

    /// Replaces the body with the JSON `body`.
    pub(crate) fn set_json_body(&mut self, body: &serde_json::Value) {
        self.body = serde_json::to_vec(body).unwrap_or_default().into();
        self.headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }

    /// Sends the request (see [`Attempt::send`]); retried only when idempotent: GET, HEAD,
    /// or a POST with an `Idempotency-Key`.
    ///
    /// # Errors
    /// The gateway's answer when no upstream gave one to pass on.
    pub(crate) async fn send(&self, state: &GatewayState) -> Result<Answer, Response> {
        let idempotent = matches!(self.method, Method::GET | Method::HEAD)
            || (self.method == Method::POST && self.headers.contains_key("idempotency-key"));
        Attempt {
            state,
            outgoing: self,
        }
        .send(idempotent)
        .await
    }
}

/// The upstream's answer as the client's, streamed as it comes rather than read whole first
/// (nothing in it needs rewriting): an event stream without a time limit, any other body with
/// the upstream timeout between two of its chunks (`tower_http`'s `TimeoutBody`; a body that
/// stalls or breaks off ends the client's answer there, as a streaming proxy does). The
/// upstream's `Content-Length` is kept, so a client still learns the length up front.
pub(crate) fn relay(state: &GatewayState, answer: Answer) -> Response {
    let (parts, body) = answer.into_parts();
    let length = parts.headers.get(header::CONTENT_LENGTH).cloned();
    let mut headers = end_to_end_headers(parts.headers);
    if is_event_stream(&headers) {
        return rebuild(parts.status, headers, Body::new(body));
    }
    if let Some(length) = length {
        headers.insert(header::CONTENT_LENGTH, length);
    }
    let body = tower_http::timeout::TimeoutBody::new(state.upstream_timeout, body);
    rebuild(parts.status, headers, Body::new(body))
}

/// The upstream's whole answer, read within the upstream timeout.
///
/// # Errors
/// 504 `upstream_timeout`, or 502 when the body breaks off.
pub(crate) async fn read(
    state: &GatewayState,
    service: Service,
    answer: Answer,
) -> Result<(StatusCode, HeaderMap, Bytes), Response> {
    let (parts, body) = answer.into_parts();
    let headers = end_to_end_headers(parts.headers);
    match tokio::time::timeout(state.upstream_timeout, body.collect()).await {
        Ok(Ok(collected)) => Ok((parts.status, headers, collected.to_bytes())),
        Ok(Err(e)) => {
            tracing::warn!(service = service.name(), error = %e, "upstream answer broke off");
            Err(GatewayError::BadGateway(service).into_response())
        }
        Err(_) => Err(GatewayError::UpstreamTimeout(service).into_response()),
    }
}

/// A response of these parts.
pub(crate) fn rebuild(status: StatusCode, headers: HeaderMap, body: Body) -> Response {
    let mut r = Response::new(body);
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    r
}

fn is_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"))
}

/// Most retries of one request (each on another upstream).
const MAX_RETRIES: usize = 2;
/// First retry back-off; doubled each time, capped at [`MAX_BACKOFF`], with full jitter.
const BASE_BACKOFF: Duration = Duration::from_millis(25);
const MAX_BACKOFF: Duration = Duration::from_millis(400);

/// One request to a service, tried on its upstreams.
struct Attempt<'a> {
    state: &'a GatewayState,
    outgoing: &'a Outgoing,
}

/// Why a try did not give an answer to pass on.
enum Failure {
    Timeout,
    /// No answer: what the gateway answers instead ([`GatewayError::upstream`]).
    Transport(GatewayError),
    /// An answer worth retrying elsewhere (502, 504, or 503 without `Retry-After`).
    Answer(Answer),
}

impl Attempt<'_> {
    /// Sends to an available upstream; for an `idempotent` request, on a transport error, a
    /// timeout or a 502/503/504, retries on another available upstream after a jittered
    /// back-off, while the retry budget lasts. Every upstream out: 503 at once.
    async fn send(&self, idempotent: bool) -> Result<Answer, Response> {
        let pool = self.state.pool(self.outgoing.service);
        let mut tried = Vec::new();
        let mut last = None;
        loop {
            let Some(i) = pool.pick(&tried) else {
                return Err(match last {
                    Some(failure) => self.failure_response(failure),
                    None => GatewayError::ServiceUnavailable(self.outgoing.service).into_response(),
                });
            };
            tried.push(i);
            let failure = match self.try_once(pool, i).await {
                Ok(answer) => return Ok(answer),
                Err(failure) => failure,
            };
            let retry = idempotent
                && tried.len() <= MAX_RETRIES
                && tried.len() < pool.len()
                && pool.may_retry();
            if !retry {
                return Err(self.failure_response(failure));
            }
            last = Some(failure);
            let cap = BASE_BACKOFF
                .saturating_mul(1 << (tried.len() - 1))
                .min(MAX_BACKOFF);
            tokio::time::sleep(cap.mul_f64(rand::random::<f64>())).await;
        }
    }

    async fn try_once(&self, pool: &crate::upstream::Pool, i: usize) -> Result<Answer, Failure> {
        let out = self.outgoing;
        let member = pool.member(i);
        let mut target = axum::http::uri::Parts::default();
        target.scheme = Some(member.scheme.clone());
        target.authority = Some(member.authority.clone());
        target.path_and_query = Some(out.path_and_query.clone());
        // Infallible: a scheme, an authority and a path are all there (`Pool::new` checked them).
        let uri = Uri::from_parts(target).expect("an absolute URI");
        let mut request = axum::http::Request::new(Full::new(out.body.clone()));
        *request.method_mut() = out.method.clone();
        *request.uri_mut() = uri;
        *request.headers_mut() = out.headers.clone();
        let sent = self.state.upstream.request(request);
        match tokio::time::timeout(self.state.upstream_timeout, sent).await {
            Err(_) => {
                pool.failed(i, "timed out".to_owned());
                Err(Failure::Timeout)
            }
            Ok(Err(e)) => {
                pool.failed(i, crate::upstream::describe(false, e.is_connect()));
                Err(Failure::Transport(GatewayError::upstream(out.service, &e)))
            }
            Ok(Ok(answer)) => {
                let status = answer.status();
                // A 503 is a live service refusing on purpose (payments down, database busy).
                if status.is_server_error() && status != StatusCode::SERVICE_UNAVAILABLE {
                    pool.failed(i, format!("answered {status}"));
                } else {
                    pool.succeeded(i);
                }
                let worth_retrying = matches!(
                    status,
                    StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT
                ) || (status == StatusCode::SERVICE_UNAVAILABLE
                    && !answer.headers().contains_key(header::RETRY_AFTER));
                if worth_retrying {
                    Err(Failure::Answer(answer))
                } else {
                    Ok(answer)
                }
            }
        }
    }

    fn failure_response(&self, failure: Failure) -> Response {
        match failure {
            Failure::Timeout => {
                GatewayError::UpstreamTimeout(self.outgoing.service).into_response()
            }
            Failure::Transport(e) => e.into_response(),
            Failure::Answer(answer) => {
                let (parts, body) = answer.into_parts();
                rebuild(
                    parts.status,
                    end_to_end_headers(parts.headers),
                    Body::new(body),
                )
            }
        }
    }
}
