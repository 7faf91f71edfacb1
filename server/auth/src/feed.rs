//! The feed of ended sessions, for the gateway and the orders service (which refuse the access
//! tokens of those sessions before they expire). Internal: not under `/api`, so the gateway
//! never routes a client here, and it needs the internal token.

use crate::account::unix_now;
use crate::error::AuthError;
use crate::AppState;
use axum::extract::State;
use axum::routing::get;
use axum::Router;
use shop_common::extract::Json;

/// `GET /internal/revocations`, behind the internal token.
pub(crate) fn router(internal_token: shop_common::internal::InternalToken) -> Router<AppState> {
    Router::new().route(
        "/internal/revocations",
        get(revocation_feed).layer(axum::middleware::from_fn_with_state(
            internal_token,
            shop_common::internal::require,
        )),
    )
}

/// Query of `GET /internal/revocations`.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct FeedQuery {
    /// Feed position already seen (0 at first).
    #[serde(default)]
    after: i64,
    /// Only sessions ended in the last `max_age_secs` seconds (default: the access token
    /// lifetime plus leeway; older ones' access tokens have expired anyway).
    max_age_secs: Option<i64>,
}

/// `GET /internal/revocations?after=&max_age_secs=`: ended sessions, oldest first, for the
/// gateway and the orders service (`{revocations: [{seq, session_id, revoked_at}], keep_secs}`,
/// at most 1000; `keep_secs`: how long an entry matters). Needs the internal token (401
/// otherwise). Not under `/api`, so the gateway never routes a client here.
#[tracing::instrument(skip_all)]
pub(crate) async fn revocation_feed(
    State(state): State<AppState>,
    shop_common::extract::Query(q): shop_common::extract::Query<FeedQuery>,
) -> Result<Json<serde_json::Value>, AuthError> {
    // Entries matter while a token of their session could still be valid.
    let keep_secs = i64::try_from(state.access_ttl.as_secs())
        .unwrap_or(i64::MAX / 4)
        .saturating_add(i64::try_from(shop_common::token::LEEWAY_SECS).unwrap_or(0));
    let since = unix_now() - q.max_age_secs.unwrap_or(keep_secs).max(0);
    let rows = state.store.revocations(q.after, since, 1000).await?;
    let items: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|r| serde_json::json!({"seq": r.seq, "session_id": r.session_id, "revoked_at": r.revoked_at}))
        .collect();
    Ok(Json(
        serde_json::json!({ "revocations": items, "keep_secs": keep_secs }),
    ))
}
