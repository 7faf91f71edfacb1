//! Tokens: signing in (an access token and a refresh token, RFC 6749 §5.1), rotating refresh
//! tokens with reuse detection (RFC 9700 §4.14.2), signing out, the public keys (JWKS,
//! RFC 7517), and token introspection for other processes (RFC 7662 style).

use crate::account::{now_rfc3339, unix_now};
use crate::error::AuthError;
use crate::throttle::{self, ClientAddress};
use crate::{password, store, AppState};
use api_types::auth::{LoginRequest, RefreshRequest, TokenResponse, User};
use api_types::validate::Username;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use rand::RngCore;
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use shop_common::extract::Json;

/// `POST /api/auth/{login,refresh,logout,validate}`, `GET /api/auth/jwks`.
pub(crate) fn router() -> Router<AppState> {
    use api_types::auth::paths;
    Router::new()
        .route(paths::LOGIN, post(login))
        .route(paths::REFRESH, post(refresh))
        .route(paths::LOGOUT, post(logout))
        .route("/api/auth/validate", post(introspect))
        .route("/api/auth/jwks", get(jwks))
}

/// Hex SHA-256 of a refresh token: what the database stores instead of the token.
pub(crate) fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new refresh token (32 random bytes, base64url) and the hash the store keeps of it.
fn new_refresh_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

/// The answer to a sign-in or a refresh: a new access token for `user` in `session_id`, and
/// `refresh`, stored already, which expires at `expires_at` (Unix seconds).
fn token_pair(
    state: &AppState,
    user: &User,
    session_id: &str,
    refresh: String,
    expires_at: i64,
) -> Result<TokenResponse, AuthError> {
    let access = state
        .signer
        .issue(
            user.id,
            &user.username,
            user.role,
            session_id,
            state.access_ttl,
        )
        .map_err(|e| AuthError::from(anyhow::Error::from(e)))?;
    Ok(TokenResponse {
        access_token: access,
        token_type: "Bearer".to_owned(),
        expires_in: state.access_ttl.as_secs(),
        refresh_token: Some(refresh),
        refresh_expires_in: u64::try_from(expires_at - unix_now()).unwrap_or(0),
    })
}

#[utoipa::path(
    post,
    path = "/api/auth/login",
    tag = "auth",
    request_body = api_types::auth::LoginRequest,
    responses(
        (status = 200, description = "An access token and a refresh token (in an HttpOnly cookie instead when the request carries `X-Refresh-Token-Transport: cookie`)", body = api_types::auth::TokenResponse),
        (status = 401, description = "`invalid_credentials`: the same for an unknown user, a wrong password and a disabled account"),
        (status = 429, description = "`too_many_attempts` (failed sign-ins as this username; the wait starts at 5 s and doubles each time, at most 15 min) or `rate_limited`, with `Retry-After`"),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn login(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    headers: axum::http::HeaderMap,
    Json(body): Json<LoginRequest>,
) -> Result<Json<TokenResponse>, AuthError> {
    let now = unix_now();
    let name = Username::parse(&body.username).ok();
    // Throttled per username as typed (normalised when valid), whether or not it exists.
    let key: String = match &name {
        Some(n) => n.as_str().to_owned(),
        None => body
            .username
            .trim()
            .to_lowercase()
            .chars()
            .take(64)
            .collect(),
    };
    if let Some(until) = throttle::blocked_until(&*state.store, &key, &client, now).await? {
        return Err(AuthError::TooManyAttempts {
            retry_after_secs: until - now,
        });
    }
    let found = match &name {
        Some(n) => state.store.credentials(n.as_str()).await?,
        None => None,
    };
    let phc = found.as_ref().map(|c| c.password_hash.clone());
    let password = SecretString::from(body.password);
    let checked = state.passwords.verify(&password, phc).await?;
    match found {
        Some(c) if checked.ok() && !c.disabled => {
            tracing::info!(user_id = c.user.id, "login");
            throttle::clear(&*state.store, &key, &client).await?;
            if checked == password::Checked::YesUnnormalised
                || password::needs_rehash(&c.password_hash)
            {
                let upgraded = state.passwords.hash(&password).await?;
                state.store.set_password_hash(c.user.id, &upgraded).await?;
                tracing::info!(
                    user_id = c.user.id,
                    "password hash upgraded to the current parameters"
                );
            }
            let user_agent = headers
                .get(axum::http::header::USER_AGENT)
                .and_then(|v| v.to_str().ok())
                .map(|ua| ua.chars().take(200).collect::<String>());
            let session = uuid::Uuid::new_v4().to_string();
            let (refresh, hash) = new_refresh_token();
            let new = store::NewSession {
                id: &session,
                user_id: c.user.id,
                token_hash: &hash,
                now: unix_now(),
                now_text: &now_rfc3339(),
                user_agent: user_agent.as_deref(),
            };
            let expires_at = state
                .store
                .start_session(&new, state.refresh_lifetime)
                .await?;
            Ok(Json(token_pair(
                &state, &c.user, &session, refresh, expires_at,
            )?))
        }
        _ => {
            throttle::record_failure(&*state.store, &key, &client, now).await?;
            tracing::info!("login refused");
            Err(AuthError::InvalidCredentials)
        }
    }
}

/// Rotates a refresh token (RFC 9700 §4.14.2): the presented token is marked used and a
/// successor in the same session is returned. A used token presented again ends its session (its token family, RFC 9700 §4.14.2).
#[utoipa::path(
    post,
    path = "/api/auth/refresh",
    tag = "auth",
    request_body = api_types::auth::RefreshRequest,
    responses(
        (status = 200, description = "A new pair; the presented refresh token stops working", body = api_types::auth::TokenResponse),
        (status = 401, description = "`invalid_refresh_token`: unknown, expired, revoked or reused (which ends its session)"),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn refresh(
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<Json<TokenResponse>, AuthError> {
    let (next, next_hash) = new_refresh_token();
    let request = store::RefreshRequest {
        presented_hash: &token_hash(&body.refresh_token),
        next_hash: &next_hash,
        now: unix_now(),
        now_text: &now_rfc3339(),
        reuse_grace_secs: state.reuse_grace_secs,
    };
    match state.store.rotate(&request, state.refresh_lifetime).await? {
        store::Rotation::Rotated {
            user,
            session_id,
            expires_at,
        } => Ok(Json(token_pair(
            &state,
            &user,
            &session_id,
            next,
            expires_at,
        )?)),
        store::Rotation::Concurrent { session_id } => {
            // Two refreshes with one token at the same moment (two tabs, a retry): the first won
            // and its successor stays live; this one is refused without ending the session.
            tracing::info!(%session_id, "concurrent refresh refused");
            Err(AuthError::InvalidRefreshToken)
        }
        store::Rotation::Reused {
            user_id,
            session_id,
        } => {
            tracing::warn!(
                security_event = "refresh_token_reuse",
                user_id,
                %session_id,
                "refresh token reused; session ended"
            );
            Err(AuthError::InvalidRefreshToken)
        }
        store::Rotation::Refused => Err(AuthError::InvalidRefreshToken),
    }
}

/// Ends the session of a refresh token (all its refresh tokens). Unknown tokens are ignored, as in
/// RFC 7009 §2.2, so logout is idempotent.
#[utoipa::path(
    post,
    path = "/api/auth/logout",
    tag = "auth",
    request_body = api_types::auth::RefreshRequest,
    responses(
        (status = 204, description = "The session of this refresh token has ended (also for unknown tokens)"),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn logout(
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<StatusCode, AuthError> {
    let ended = state
        .store
        .end_session_of_token(&token_hash(&body.refresh_token), unix_now())
        .await?;
    if let Some(user_id) = ended {
        tracing::info!(user_id, "logout");
    }
    Ok(StatusCode::NO_CONTENT)
}

/// How long clients may cache the JWKS, in seconds. A rotation publishes the next key before
/// it signs, and verifiers fetch again on an unknown `kid`, so caching never refuses a new key.
const JWKS_MAX_AGE_SECS: u32 = 300;

#[utoipa::path(
    get,
    path = "/api/auth/jwks",
    tag = "auth",
    responses(
        (status = 200, description = "The public keys that verify access tokens: a JWK Set (RFC 7517 §5) of Ed25519 keys (RFC 8037), each with `kid` its RFC 7638 thumbprint. The signing key comes first; during a rotation the set also holds the previous and/or next key.", body = api_types::auth::JwkSet, content_type = "application/jwk-set+json"),
    ),
)]
pub(crate) async fn jwks(State(state): State<AppState>) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/jwk-set+json".to_owned(),
            ),
            (
                axum::http::header::CACHE_CONTROL,
                format!("public, max-age={JWKS_MAX_AGE_SECS}"),
            ),
        ],
        Json(state.jwks.as_ref().clone()),
    )
        .into_response()
}

#[utoipa::path(
    post,
    path = "/api/auth/validate",
    tag = "auth",
    security((), ("bearer_auth" = [])),
    responses(
        (status = 200, description = "`{active: true, user_id, username, role, session_id}` for an access token that is valid and whose session is live, else `{active: false}` (RFC 7662 style)"),
    ),
)]
#[tracing::instrument(skip_all)]
pub(crate) async fn introspect(
    State(state): State<AppState>,
    parts: axum::http::request::Parts,
) -> Result<Json<serde_json::Value>, AuthError> {
    let identity = shop_common::extract::verified_identity(&state.verifier, &parts).await;
    let Ok(identity) = identity else {
        return Ok(Json(serde_json::json!({ "active": false })));
    };
    if !state.store.session_is_live(&identity.session_id).await? {
        return Ok(Json(serde_json::json!({ "active": false })));
    }
    Ok(Json(serde_json::json!({
        "active": true,
        "user_id": identity.user_id,
        "username": identity.username,
        "role": identity.role,
        "session_id": identity.session_id,
    })))
}
