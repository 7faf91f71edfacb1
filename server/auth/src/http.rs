//! The auth service's HTTP handlers.

use crate::error::AuthError;
use crate::throttle::{self, ClientAddress};
use crate::{password, store, AppState, AuthSettings, DEV_ADMIN_PASSWORD, DEV_DEMO_PASSWORD};
use api_types::auth::{LoginRequest, RefreshRequest, RegisterRequest, Role, TokenResponse, User};
use api_types::validate::{Email, NewPassword, Username};
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use shop_common::extract::Json;
use shop_common::token::Identity;
use shop_common::ApiError;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// Largest accepted request body, in bytes: enough for any valid request, small enough that a
/// huge password is refused before it is hashed.
const BODY_LIMIT_BYTES: usize = 16 * 1024;

pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/auth/register", post(register))
        .route("/api/auth/login", post(login))
        .route("/api/auth/refresh", post(refresh))
        .route("/api/auth/logout", post(logout))
        .route("/api/auth/me", get(me))
        .route("/api/auth/password", post(change_password))
        .route("/api/auth/sessions", get(list_sessions))
        .route(
            "/api/auth/sessions/{id}",
            axum::routing::delete(delete_session),
        )
        .route("/api/auth/logout-all", post(logout_all))
        .route("/api/auth/validate", post(validate))
        .route("/api/auth/jwks", get(jwks))
        .route(
            "/api/users",
            get(crate::admin::list_users).post(crate::admin::create),
        )
        .route(
            "/api/users/{id}",
            get(crate::admin::get_user)
                .patch(crate::admin::patch_user)
                .delete(crate::admin::delete_user),
        )
        .route(
            "/internal/revocations",
            get(revocation_feed).layer(axum::middleware::from_fn_with_state(
                state.internal_token.clone(),
                shop_common::internal::require,
            )),
        )
        .merge(shop_common::health::router(
            shop_common::health::sqlite_ready(state.db.clone()),
        ))
        .fallback(shop_common::problem::not_found)
        .method_not_allowed_fallback(shop_common::problem::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .with_state(state)
}

pub(crate) fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

pub(crate) fn unix_now() -> i64 {
    OffsetDateTime::now_utc().unix_timestamp()
}

/// Creates a user with a hashed password. A taken username is [`AuthError::UsernameTaken`].
pub(crate) async fn create_user(
    state: &AppState,
    username: &Username,
    email: Option<&Email>,
    password: &NewPassword,
    role: Role,
) -> Result<User, AuthError> {
    let hash = state
        .passwords
        .hash(&SecretString::from(password.expose().to_owned()))
        .await?;
    store::insert_user(
        &state.db,
        username.as_str(),
        email.map(Email::as_str),
        &hash,
        role,
        &now_rfc3339(),
    )
    .await
    .map_err(|e| match e {
        sqlx::Error::Database(ref d) if d.is_unique_violation() => AuthError::UsernameTaken,
        other => other.into(),
    })
}

#[utoipa::path(post, path = "/api/auth/register", tag = "auth", request_body = api_types::auth::RegisterRequest, responses((status = 201, description = "The new user", body = api_types::auth::User), (status = 400, description = "`malformed_json`", body = api_types::Problem, content_type = "application/problem+json"), (status = 415, description = "`unsupported_media_type`", body = api_types::Problem, content_type = "application/problem+json"), (status = 422, description = "`invalid_body` or `validation_failed`", body = api_types::Problem, content_type = "application/problem+json"), (status = 409, description = "`username_taken`", body = api_types::Problem, content_type = "application/problem+json"), (status = 429, description = "`rate_limited`, with `Retry-After`", body = api_types::Problem, content_type = "application/problem+json"), (status = 503, description = "`service_unavailable`: the service cannot be reached, with `Retry-After`", body = api_types::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
pub(crate) async fn register(
    State(state): State<AppState>,
    Json(body): Json<RegisterRequest>,
) -> Result<impl IntoResponse, AuthError> {
    let (username, password, email) =
        parse_account(&body.username, &body.password, body.email.as_deref())?;
    let user = create_user(&state, &username, email.as_ref(), &password, Role::Customer).await?;
    tracing::info!(user_id = user.id, "user registered");
    Ok((StatusCode::CREATED, Json(user)))
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = api_types::auth::LoginRequest, responses((status = 200, description = "An access token and a refresh token (in an HttpOnly cookie instead when the request carries `X-Refresh-Token-Transport: cookie`)", body = api_types::auth::TokenResponse), (status = 401, description = "`invalid_credentials`: the same for an unknown user, a wrong password and a disabled account", body = api_types::Problem, content_type = "application/problem+json"), (status = 400, description = "`malformed_json`", body = api_types::Problem, content_type = "application/problem+json"), (status = 415, description = "`unsupported_media_type`", body = api_types::Problem, content_type = "application/problem+json"), (status = 422, description = "`invalid_body` or `validation_failed`", body = api_types::Problem, content_type = "application/problem+json"), (status = 429, description = "`too_many_attempts` (failed sign-ins as this username; the wait starts at 5 s and doubles each time, at most 15 min) or `rate_limited`, with `Retry-After`", body = api_types::Problem, content_type = "application/problem+json"), (status = 503, description = "`service_unavailable`: the service cannot be reached, with `Retry-After`", body = api_types::Problem, content_type = "application/problem+json")))]
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
            let family = uuid::Uuid::new_v4().to_string();
            let mut tx = state.db.begin().await?;
            store::create_session(
                &mut tx,
                &family,
                c.user.id,
                &now_rfc3339(),
                user_agent.as_deref(),
            )
            .await?;
            let pair = issue_pair(&state, &mut tx, &c.user, &family).await?;
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

/// The validated fields of a new account: a valid username, a password that keeps the rules
/// and is not common, and an e-mail address if one was given (blank counts as none).
///
/// # Errors
/// [`ApiError::Invalid`] naming the first field that breaks its rule.
pub(crate) fn parse_account(
    username: &str,
    password: &str,
    email: Option<&str>,
) -> Result<(Username, NewPassword, Option<Email>), ApiError> {
    let username = Username::parse(username)?;
    let password = NewPassword::parse(password)?;
    not_common(&password)?;
    let email = match email.map(|e| e.trim_matches(|c: char| c.is_ascii_whitespace())) {
        None | Some("") => None,
        Some(raw) => Some(Email::parse(raw)?),
    };
    Ok((username, password, email))
}

/// Refuses a password from the list of common ones.
fn not_common(password: &NewPassword) -> Result<(), ApiError> {
    if password::is_common(password.expose()) {
        return Err(ApiError::Invalid(api_types::validate::Invalid {
            field: "password",
            reason: "is one of the most common passwords; choose another".to_owned(),
        }));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/auth/password", tag = "auth", request_body = api_types::auth::ChangePasswordRequest, security(("bearer_auth" = [])), responses(
    (status = 204, description = "Changed; every other session of the user has ended"),
    (status = 401, description = "`unauthorized`", body = api_types::Problem, content_type = "application/problem+json"),
    (status = 403, description = "`wrong_password`: the current password is wrong", body = api_types::Problem, content_type = "application/problem+json"),
    (status = 422, description = "`validation_failed`: the new password breaks a rule or is too common", body = api_types::Problem, content_type = "application/problem+json"),
))]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    identity: Identity,
    Json(body): Json<api_types::auth::ChangePasswordRequest>,
) -> Result<StatusCode, AuthError> {
    let new = NewPassword::parse(&body.new_password).map_err(ApiError::from)?;
    not_common(&new)?;
    require_live(&state, &identity).await?;
    let Some(current) = store::password_hash(&state.db, identity.user_id).await? else {
        return Err(AuthError::Api(ApiError::Unauthorized));
    };
    // Guessing the current password with a stolen access token backs off like sign-ins do.
    let subject = throttle::password_change_subject(identity.user_id);
    let now = unix_now();
    if let Some(until) = throttle::blocked_until(&state.db, &subject, &client, now).await? {
        return Err(AuthError::TooManyAttempts {
            retry_after_secs: until - now,
        });
    }
    let current_password = SecretString::from(body.current_password);
    if !state
        .passwords
        .verify(&current_password, Some(current))
        .await?
        .ok()
    {
        throttle::record_failure(&state.db, &subject, &client, now).await?;
        return Err(AuthError::WrongPassword);
    }
    throttle::clear(&state.db, &subject, &client).await?;
    let hash = state
        .passwords
        .hash(&SecretString::from(new.expose().to_owned()))
        .await?;
    store::set_password_hash(&state.db, identity.user_id, &hash).await?;
    let ended = store::end_sessions_of(
        &state.db,
        identity.user_id,
        Some(&identity.session_id),
        unix_now(),
    )
    .await?;
    tracing::info!(other_sessions_ended = ended, "password changed");
    Ok(StatusCode::NO_CONTENT)
}

/// Hex SHA-256 of a refresh token: what the database stores instead of the token.
fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues an access token and a new refresh token in `family_id`, storing the refresh
/// token's hash through `conn` (so a rotation stores its successor in its own transaction).
async fn issue_pair(
    state: &AppState,
    conn: &mut sqlx::SqliteConnection,
    user: &User,
    family_id: &str,
) -> Result<TokenResponse, AuthError> {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let refresh = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let now = unix_now();
    let secs = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 4);
    // Idle expiry from now, but never past the session's absolute end.
    let started = store::family_started(&mut *conn, family_id)
        .await?
        .unwrap_or(now);
    let expires_at = now
        .saturating_add(secs(state.refresh_ttl))
        .min(started.saturating_add(secs(state.session_max_age)));
    let refresh_secs = u64::try_from(expires_at - now).unwrap_or(0);
    store::insert_refresh_token(
        conn,
        &token_hash(&refresh),
        family_id,
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
            family_id,
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

/// Rotates a refresh token (RFC 9700 §4.14.2): the presented token is marked used and a
/// successor in the same family is returned. A used token presented again revokes its family.
#[utoipa::path(post, path = "/api/auth/refresh", tag = "auth", request_body = api_types::auth::RefreshRequest, responses((status = 200, description = "A new pair; the presented refresh token stops working", body = api_types::auth::TokenResponse), (status = 401, description = "`invalid_refresh_token`: unknown, expired, revoked or reused (which revokes its token family)", body = api_types::Problem, content_type = "application/problem+json"), (status = 400, description = "`malformed_json`", body = api_types::Problem, content_type = "application/problem+json"), (status = 415, description = "`unsupported_media_type`", body = api_types::Problem, content_type = "application/problem+json"), (status = 422, description = "`invalid_body` or `validation_failed`", body = api_types::Problem, content_type = "application/problem+json"), (status = 429, description = "`rate_limited`, with `Retry-After`", body = api_types::Problem, content_type = "application/problem+json"), (status = 503, description = "`service_unavailable`: the service cannot be reached, with `Retry-After`", body = api_types::Problem, content_type = "application/problem+json")))]
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
        store::touch_session(&mut tx, &claimed.family_id, &now_rfc3339()).await?;
        let pair = issue_pair(&state, &mut tx, &user, &claimed.family_id).await?;
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
            tracing::info!(family_id = %stored.family_id, "concurrent refresh refused");
        } else if stored.used_at.is_some() && !stored.revoked {
            store::end_session(&mut tx, &stored.family_id, now).await?;
            tx.commit().await?;
            tracing::warn!(
                security_event = "refresh_token_reuse",
                user_id = stored.user_id,
                family_id = %stored.family_id,
                "refresh token reused; token family revoked"
            );
        }
    }
    Err(AuthError::InvalidRefreshToken)
}

/// Ends the session of a refresh token (its whole family). Unknown tokens are ignored, as in
/// RFC 7009 §2.2, so logout is idempotent.
#[utoipa::path(post, path = "/api/auth/logout", tag = "auth", request_body = api_types::auth::RefreshRequest, responses((status = 204, description = "The session of this refresh token has ended (also for unknown tokens)"), (status = 400, description = "`malformed_json`", body = api_types::Problem, content_type = "application/problem+json"), (status = 415, description = "`unsupported_media_type`", body = api_types::Problem, content_type = "application/problem+json"), (status = 422, description = "`invalid_body` or `validation_failed`", body = api_types::Problem, content_type = "application/problem+json"), (status = 503, description = "`service_unavailable`: the service cannot be reached, with `Retry-After`", body = api_types::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all)]
pub(crate) async fn logout(
    State(state): State<AppState>,
    Json(body): Json<RefreshRequest>,
) -> Result<StatusCode, AuthError> {
    let mut conn = state.db.acquire().await?;
    if let Some(stored) =
        store::find_refresh_token(&mut conn, &token_hash(&body.refresh_token)).await?
    {
        store::end_session(&mut conn, &stored.family_id, unix_now()).await?;
        tracing::info!(user_id = stored.user_id, "logout");
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/auth/me", tag = "auth", security(("bearer_auth" = [])), responses((status = 200, description = "The signed-in user", body = api_types::auth::User), (status = 401, description = "`unauthorized`: no valid access token", body = api_types::Problem, content_type = "application/problem+json"), (status = 429, description = "`rate_limited`, with `Retry-After`", body = api_types::Problem, content_type = "application/problem+json"), (status = 503, description = "`service_unavailable`: the service cannot be reached, with `Retry-After`", body = api_types::Problem, content_type = "application/problem+json")))]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn me(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<Json<User>, AuthError> {
    require_live(&state, &identity).await?;
    store::active_user(&state.db, identity.user_id)
        .await?
        .map(Json)
        .ok_or(AuthError::Api(ApiError::Unauthorized))
}

/// Refuses an access token whose session has ended (logout, logout-all, password change,
/// revoked by the user): the auth service knows at once; the gateway within its poll interval.
/// 401 unless the token's session is live (not ended by logout, a password change or an admin).
pub(crate) async fn require_live(state: &AppState, identity: &Identity) -> Result<(), AuthError> {
    if store::session_is_live(&state.db, &identity.session_id).await? {
        Ok(())
    } else {
        Err(AuthError::Api(ApiError::Unauthorized))
    }
}

#[utoipa::path(get, path = "/api/auth/sessions", tag = "auth", security(("bearer_auth" = [])), responses(
    (status = 200, description = "My live sessions, most recently used first", body = Vec<api_types::auth::Session>),
    (status = 401, description = "`unauthorized`: no valid access token, or its session has ended", body = api_types::Problem, content_type = "application/problem+json"),
))]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn list_sessions(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<Json<Vec<api_types::auth::Session>>, AuthError> {
    require_live(&state, &identity).await?;
    let sessions = store::live_sessions(&state.db, identity.user_id)
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

#[utoipa::path(delete, path = "/api/auth/sessions/{id}", tag = "auth", security(("bearer_auth" = [])), params(("id" = String, Path, description = "Session id")), responses(
    (status = 204, description = "The session has ended: its refresh token and access tokens stop working"),
    (status = 401, description = "`unauthorized`: no valid access token, or its session has ended", body = api_types::Problem, content_type = "application/problem+json"),
    (status = 404, description = "`not_found`: no such live session of mine", body = api_types::Problem, content_type = "application/problem+json"),
))]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn delete_session(
    State(state): State<AppState>,
    identity: Identity,
    shop_common::extract::Path(id): shop_common::extract::Path<String>,
) -> Result<StatusCode, AuthError> {
    require_live(&state, &identity).await?;
    let mine = store::live_sessions(&state.db, identity.user_id)
        .await?
        .into_iter()
        .any(|s| s.id == id);
    if !mine {
        return Err(AuthError::Api(ApiError::NotFound("session")));
    }
    let mut conn = state.db.acquire().await?;
    store::end_session(&mut conn, &id, unix_now()).await?;
    tracing::info!("session ended by its user");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/auth/logout-all", tag = "auth", security(("bearer_auth" = [])), responses(
    (status = 204, description = "Every session of mine has ended, this one included"),
    (status = 401, description = "`unauthorized`: no valid access token, or its session has ended", body = api_types::Problem, content_type = "application/problem+json"),
))]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn logout_all(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<StatusCode, AuthError> {
    require_live(&state, &identity).await?;
    let ended = store::end_sessions_of(&state.db, identity.user_id, None, unix_now()).await?;
    tracing::info!(ended, "signed out everywhere");
    Ok(StatusCode::NO_CONTENT)
}

/// How long clients may cache the JWKS, in seconds. A rotation publishes the next key before
/// it signs, and verifiers fetch again on an unknown `kid`, so caching never refuses a new key.
const JWKS_MAX_AGE_SECS: u32 = 300;

#[utoipa::path(get, path = "/api/auth/jwks", tag = "auth", responses(
    (status = 200, description = "The public keys that verify access tokens: a JWK Set (RFC 7517 §5) of Ed25519 keys (RFC 8037), each with `kid` its RFC 7638 thumbprint. The signing key comes first; during a rotation the set also holds the previous and/or next key.", body = api_types::auth::JwkSet, content_type = "application/jwk-set+json"),
))]
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

#[utoipa::path(post, path = "/api/auth/validate", tag = "auth", security((), ("bearer_auth" = [])), responses(
    (status = 200, description = "`{active: true, user_id, username, role, session_id}` for an access token that is valid and whose session is live, else `{active: false}` (RFC 7662 style)"),
))]
#[tracing::instrument(skip_all)]
pub(crate) async fn validate(
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
    let rows = store::revocations(&state.db, q.after, since, 1000).await?;
    let items: Vec<serde_json::Value> = rows
        .into_iter()
        .map(|(seq, session_id, revoked_at)| serde_json::json!({"seq": seq, "session_id": session_id, "revoked_at": revoked_at}))
        .collect();
    Ok(Json(
        serde_json::json!({ "revocations": items, "keep_secs": keep_secs }),
    ))
}

/// Creates the admin `name` when the shop has no enabled admin (see `SHOP_BOOTSTRAP_ADMIN`).
///
/// # Errors
/// A missing, invalid or common password, or an invalid username: the service does not start.
pub(crate) async fn bootstrap_admin(
    state: &AppState,
    name: &str,
    password: Option<&SecretString>,
) -> anyhow::Result<()> {
    if store::enabled_admins(&state.db).await? > 0 {
        return Ok(());
    }
    let password = password.ok_or_else(|| {
        anyhow::anyhow!("SHOP_BOOTSTRAP_ADMIN needs SHOP_BOOTSTRAP_ADMIN_PASSWORD")
    })?;
    let (username, password, _) = parse_account(name, password.expose_secret(), None)
        .map_err(|e| anyhow::anyhow!("SHOP_BOOTSTRAP_ADMIN / _PASSWORD: {e}"))?;
    match create_user(state, &username, None, &password, Role::Admin).await {
        Ok(user) => tracing::info!(user_id = user.id, "bootstrap admin created"),
        Err(AuthError::UsernameTaken) => {
            anyhow::bail!("SHOP_BOOTSTRAP_ADMIN {name} exists and is not an enabled admin")
        }
        Err(e) => anyhow::bail!("cannot create the bootstrap admin: {e}"),
    }
    Ok(())
}

/// Dev mode: creates `demo` (customer) and `admin` unless they exist.
pub(crate) async fn seed_dev_accounts(
    state: &AppState,
    settings: &AuthSettings,
) -> anyhow::Result<()> {
    let accounts = [
        (
            "demo",
            Role::Customer,
            &settings.demo_password,
            DEV_DEMO_PASSWORD,
        ),
        (
            "admin",
            Role::Admin,
            &settings.admin_password,
            DEV_ADMIN_PASSWORD,
        ),
    ];
    for (name, role, configured, default) in accounts {
        if store::user_exists(&state.db, name).await? {
            continue;
        }
        let raw = configured.as_ref().map_or(default, |s| s.expose_secret());
        let password = NewPassword::parse(raw)?;
        let username = Username::parse(name)?;
        match create_user(state, &username, None, &password, role).await {
            Ok(_) | Err(AuthError::UsernameTaken) => {
                tracing::info!(user = name, "seeded dev account")
            }
            Err(e) => anyhow::bail!("cannot seed {name}: {e}"),
        }
    }
    Ok(())
}
