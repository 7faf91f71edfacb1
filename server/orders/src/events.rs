//! The live feed of an order's status changes: server-sent events (one `order` event with the
//! whole order at once and after each change), at most [`MAX_STREAMS_PER_USER`] streams a user,
//! each ending when its access token expires or its session ends.

use crate::error::OrdersError;
use crate::AppState;
use api_types::orders::Order;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::StreamExt;
use shop_common::extract::Path;
use shop_common::token::Identity;
use shop_common::ApiError;
use std::convert::Infallible;
use tokio_stream::wrappers::BroadcastStream;

use crate::orders::visible_order;

fn order_event(order: &Order) -> Event {
    Event::default()
        .event("order")
        .json_data(order)
        .unwrap_or_else(|_| Event::default().comment("unserialisable"))
}

/// Most event streams one user may hold open at once (a few tabs and devices).
pub(crate) const MAX_STREAMS_PER_USER: usize = 8;

/// Open event streams per user id.
#[derive(Clone, Default)]
pub(crate) struct StreamCounts(
    std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, usize>>>,
);

/// One open stream of a user; dropping it (the stream ended or the client left) frees the slot.
pub(crate) struct StreamSlot {
    counts: StreamCounts,
    user_id: i64,
}

impl StreamCounts {
    /// A slot for `user_id`, or `None` when they hold [`MAX_STREAMS_PER_USER`] already.
    fn open(&self, user_id: i64) -> Option<StreamSlot> {
        let mut counts = self.0.lock().unwrap_or_else(|p| p.into_inner());
        let n = counts.entry(user_id).or_insert(0);
        if *n >= MAX_STREAMS_PER_USER {
            return None;
        }
        *n += 1;
        Some(StreamSlot {
            counts: self.clone(),
            user_id,
        })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut counts = self.counts.0.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = counts.get_mut(&self.user_id) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.user_id);
            }
        }
    }
}

/// Resolves when a stream must end: its access token expired (`expires_at`, Unix seconds), or
/// its `session` ended (as the feed of ended sessions says).
async fn stream_ends(
    expires_at: i64,
    session: String,
    revocations: Option<std::sync::Arc<shop_common::revocations::Revocations>>,
) {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let left = u64::try_from(expires_at.saturating_sub(now)).unwrap_or(0);
    let expired = tokio::time::sleep(std::time::Duration::from_secs(left));
    let ended = async move {
        let Some(revocations) = revocations else {
            return std::future::pending().await;
        };
        let mut changes = revocations.changes();
        while !revocations.is_ended(&session) {
            if changes.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
    };
    tokio::select! {
        () = expired => {}
        () = ended => {}
    }
}

/// `GET /api/orders/{id}/events`: server-sent events (`event: order`, data: the order as JSON),
/// one at once and one after each status change, with keep-alive comments. The stream ends
/// when the access token expires or its session ends (the client reconnects with a fresh
/// token); a user holds at most [`MAX_STREAMS_PER_USER`] at once (429 `too_many_streams`).
#[utoipa::path(
    get,
    path = "/api/orders/{id}/events",
    tag = "orders",
    params(("id" = i64, Path, description = "Order id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "Server-sent events: `event: order` with the order as JSON, at once and after each status change; the stream ends when the access token expires or the session ends", content_type = "text/event-stream", body = String),
        (status = 429, description = "`too_many_streams`: 8 are open already"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn order_events(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<i64>,
) -> Result<impl axum::response::IntoResponse, OrdersError> {
    let Some(slot) = state.streams.open(identity.user_id) else {
        return Err(ApiError::bad_request(
            axum::http::StatusCode::TOO_MANY_REQUESTS,
            "too_many_streams",
            format!("At most {MAX_STREAMS_PER_USER} event streams may be open at once."),
        )
        .into());
    };
    // Subscribe before reading, so no change between the two is missed.
    let changes = BroadcastStream::new(state.store.subscribe());
    let current = visible_order(&*state.store, &identity, id).await?;
    let store = state.store.clone();
    let end = stream_ends(
        identity.expires_at,
        identity.session_id.clone(),
        state.verifier.revocations().cloned(),
    );
    let updates = changes.filter_map(move |changed| {
        // The slot lives as long as the stream.
        let _slot = &slot;
        let store = store.clone();
        async move {
            // A lagging receiver missed some ids: reload to be sure.
            let relevant = changed.map_or(true, |changed_id| {
                changed_id == id || changed_id == crate::store::ANY_ORDER
            });
            if !relevant {
                return None;
            }
            store
                .order(id)
                .await
                .ok()
                .flatten()
                .map(|o| Ok::<_, Infallible>(order_event(&o)))
        }
    });
    let stream = futures::stream::once(async move { Ok(order_event(&current)) })
        .chain(updates)
        .take_until(Box::pin(end));
    // `no-store` (not Sse's `no-cache`): an order's events are private, like every API answer.
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Sse::new(stream).keep_alive(KeepAlive::default()),
    ))
}
