//! Sessions: the signed-in user's sessions (one per sign-in, each with its rotating refresh
//! tokens), ending one or all of them, and the check that a token's session is still live.

use crate::account::unix_now;
use crate::error::AuthError;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use shop_common::extract::Json;
use shop_common::token::Identity;
use shop_common::ApiError;

/// `GET /api/auth/sessions`, `DELETE /api/auth/sessions/{id}`, `POST /api/auth/logout-all`.
pub(crate) fn router() -> Router<AppState> {
    use api_types::auth::paths;
    Router::new()
        .route(paths::SESSIONS, get(list_sessions))
        .route(
            "/api/auth/sessions/{id}",
            axum::routing::delete(delete_session),
        )
        .route(paths::LOGOUT_ALL, post(logout_all))
}

/// Refuses an access token whose session has ended (logout, logout-all, password change,
/// revoked by the user): the auth service knows at once; the gateway within its poll interval.
/// 401 unless the token's session is live (not ended by logout, a password change or an admin).
pub(crate) async fn require_live(state: &AppState, identity: &Identity) -> Result<(), AuthError> {
    if state.store.session_is_live(&identity.session_id).await? {
        Ok(())
    } else {
        Err(AuthError::Api(ApiError::Unauthorized))
    }
}

#[utoipa::path(
    get,
    path = "/api/auth/sessions",
    tag = "auth",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "My live sessions, most recently used first", body = Vec<api_types::auth::Session>),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn list_sessions(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<Json<Vec<api_types::auth::Session>>, AuthError> {
    require_live(&state, &identity).await?;
    let sessions = state
        .store
        .live_sessions(identity.user_id)
        .await?
        .into_iter()
        .map(|s| api_types::auth::Session {
            current: s.id == identity.session_id,
            id: s.id,
            created_at: s.created_at,
            last_used_at: s.last_used_at,
            user_agent: s.user_agent,
        })
        .collect();
    Ok(Json(sessions))
}

#[utoipa::path(
    delete,
    path = "/api/auth/sessions/{id}",
    tag = "auth",
    security(("bearer_auth" = [])),
    params(("id" = String, Path, description = "Session id")),
    responses(
        (status = 204, description = "The session has ended: its refresh token and access tokens stop working"),
        (status = 404, description = "`not_found`: no such live session of mine"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn delete_session(
    State(state): State<AppState>,
    identity: Identity,
    shop_common::extract::Path(id): shop_common::extract::Path<String>,
) -> Result<StatusCode, AuthError> {
    require_live(&state, &identity).await?;
    let mine = state
        .store
        .live_sessions(identity.user_id)
        .await?
        .into_iter()
        .any(|s| s.id == id);
    if !mine {
        return Err(AuthError::Api(ApiError::NotFound("session")));
    }
    state.store.end_session(&id, unix_now()).await?;
    tracing::info!("session ended by its user");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/auth/logout-all",
    tag = "auth",
    security(("bearer_auth" = [])),
    responses(
        (status = 204, description = "Every session of mine has ended, this one included"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn logout_all(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<StatusCode, AuthError> {
    require_live(&state, &identity).await?;
    let ended = state
        .store
        .end_sessions_of(identity.user_id, None, unix_now())
        .await?;
    tracing::info!(ended, "signed out everywhere");
    Ok(StatusCode::NO_CONTENT)
}
