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

/// Issues an access token and a new refresh token in `session_id`, storing the refresh
/// token's hash through `conn` (so a rotation stores its successor in its own transaction).
pub(crate) async fn issue_pair(
    state: &AppState,
    conn: &mut sqlx::SqliteConnection,
    user: &User,
    session_id: &str,
) -> Result<TokenResponse, AuthError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let refresh = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let now = unix_now();
    let secs = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4);
    // Idle expiry from now, but never past the session's absolute end.
    let started = store::session_started(&mut *conn, session_id)
        .await?
        .unwrap_or(now);
    let expires_at = now
        .saturating_add(secs(state.refresh_ttl))
        .min(started.saturating_add(secs(state.session_max_age)));
    let refresh_secs = u64::try_from(expires_at - now).unwrap_or(0);
    store::insert_refresh_token(
        conn,
        &token_hash(&refresh),
        session_id,
        user.id,
        now,
        expires_at,
    )
    .await?;
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
        refresh_expires_in: refresh_secs,
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
    if let Some(until) = throttle::blocked_until(&state.db, &key, &client, now).await? {
        return Err(AuthError::TooManyAttempts {
            retry_after_secs: until - now,
        });
    }
    let found = match &name {
        Some(n) => store::credentials(&state.db, n.as_str()).await?,
        None => None,
    };
    let phc = found.as_ref().map(|c| c.password_hash.clone());
    let password = SecretString::from(body.password);
    let checked = state.passwords.verify(&password, phc).await?;
    match found {
        Some(c) if checked.ok() && !c.disabled => {
            tracing::info!(user_id = c.user.id, "login");
            throttle::clear(&state.db, &key, &client).await?;
            if checked == password::Checked::YesUnnormalised
                || password::needs_rehash(&c.password_hash)
            {
                let upgraded = state.passwords.hash(&password).await?;
                store::set_password_hash(&state.db, c.user.id, &upgraded).await?;
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
            let mut tx = state.db.begin().await?;
            store::create_session(
                &mut tx,
                &session,
                c.user.id,
                &now_rfc3339(),
                user_agent.as_deref(),
            )
            .await?;
            let pair = issue_pair(&state, &mut tx, &c.user, &session).await?;
            tx.commit().await?;
            Ok(Json(pair))
        }
        _ => {
            throttle::record_failure(&state.db, &key, &client, now).await?;
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
    let now = unix_now();
    let hash = token_hash(&body.refresh_token);
    let mut tx = state.db.begin().await?;
    // The first statement writes, so the transaction holds SQLite's write lock from the start
    // and two refreshes with one token are serialised: exactly one claims it.
    if let Some(claimed) = store::claim_refresh_token(&mut tx, &hash, now).await? {
        let Some(user) = store::active_user(&mut *tx, claimed.user_id).await? else {
            return Err(AuthError::InvalidRefreshToken);
        };
        store::touch_session(&mut tx, &claimed.session_id, &now_rfc3339()).await?;
        let pair = issue_pair(&state, &mut tx, &user, &claimed.session_id).await?;
        tx.commit().await?;
        return Ok(Json(pair));
    }
    if let Some(stored) = store::find_refresh_token(&mut tx, &hash).await? {
        let rotated_just_now = stored
            .used_at
            .is_some_and(|at| now - at < state.reuse_grace_secs);
        if rotated_just_now && !stored.revoked {
            // Two refreshes with one token at the same moment (two tabs, a retry): the first won
            // and its successor stays live; this one is refused without ending the session.
            tracing::info!(session_id = %stored.session_id, "concurrent refresh refused");
        } else if stored.used_at.is_some() && !stored.revoked {
            store::end_session(&mut tx, &stored.session_id, now).await?;
            tx.commit().await?;
            tracing::warn!(
                security_event = "refresh_token_reuse",
                user_id = stored.user_id,
                session_id = %stored.session_id,
                "refresh token reused; session ended"
            );
        }
    }
    Err(AuthError::InvalidRefreshToken)
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
    let mut conn = state.db.acquire().await?;
    if let Some(stored) =
        store::find_refresh_token(&mut conn, &token_hash(&body.refresh_token)).await?
    {
        store::end_session(&mut conn, &stored.session_id, unix_now()).await?;
        tracing::info!(user_id = stored.user_id, "logout");
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
    if !store::session_is_live(&state.db, &identity.session_id).await? {
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
