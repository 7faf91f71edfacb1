//! Accounts: registering, the signed-in user, changing the password, and the accounts the
//! service creates at start (dev mode's demo accounts, the bootstrap admin). The admin's user
//! management ([`crate::admin`]) uses the same rules ([`parse_account`], [`create_user`]).

use crate::error::AuthError;
use crate::sessions::require_live;
use crate::throttle::{self, ClientAddress};
use crate::{password, store, AppState, AuthSettings, DEV_ADMIN_PASSWORD, DEV_DEMO_PASSWORD};
use api_types::auth::{RegisterRequest, Role, User};
use api_types::validate::{Email, NewPassword, Username};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use secrecy::{ExposeSecret, SecretString};
use shop_common::extract::Json;
use shop_common::token::Identity;
use shop_common::ApiError;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `POST /api/auth/register`, `GET /api/auth/me`, `POST /api/auth/password`.
pub(crate) fn router() -> Router<AppState> {
    use api_types::auth::paths;
    Router::new()
        .route(paths::REGISTER, post(register))
        .route("/api/auth/me", get(me))
        .route(paths::PASSWORD, post(change_password))
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
    state
        .store
        .insert_user(&store::NewAccount {
            username: username.as_str(),
            email: email.map(Email::as_str),
            password_hash: &hash,
            role,
            created_at: &now_rfc3339(),
        })
        .await?
        .ok_or(AuthError::UsernameTaken)
}

#[utoipa::path(
    post,
    path = "/api/auth/register",
    tag = "auth",
    request_body = api_types::auth::RegisterRequest,
    responses(
        (status = 201, description = "The new user", body = api_types::auth::User),
        (status = 409, description = "`username_taken`"),
    ),
)]
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
            code: api_types::validate::rule::COMMON_PASSWORD,
            reason: "is one of the most common passwords; choose another".to_owned(),
        }));
    }
    Ok(())
}

#[utoipa::path(
    post,
    path = "/api/auth/password",
    tag = "auth",
    request_body = api_types::auth::ChangePasswordRequest,
    security(("bearer_auth" = [])),
    responses(
        (status = 204, description = "Changed; every other session of the user has ended"),
        (status = 403, description = "`wrong_password`: the current password is wrong"),
        (status = 422, description = "`validation_failed`: the new password breaks a rule or is too common"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn change_password(
    State(state): State<AppState>,
    ClientAddress(client): ClientAddress,
    identity: Identity,
    Json(body): Json<api_types::auth::ChangePasswordRequest>,
) -> Result<StatusCode, AuthError> {
    // A refused new password names the body's field, `new_password`.
    let as_new = |e: api_types::validate::Invalid| {
        ApiError::Invalid(api_types::validate::Invalid {
            field: "new_password",
            ..e
        })
    };
    let new = NewPassword::parse(&body.new_password).map_err(as_new)?;
    not_common(&new).map_err(|e| match e {
        ApiError::Invalid(e) => as_new(e),
        other => other,
    })?;
    require_live(&state, &identity).await?;
    let Some(current) = state.store.password_hash(identity.user_id).await? else {
        return Err(AuthError::Api(ApiError::Unauthorized));
    };
    // Guessing the current password with a stolen access token backs off like sign-ins do.
    let subject = throttle::password_change_subject(identity.user_id);
    let now = unix_now();
    if let Some(until) = throttle::blocked_until(&*state.store, &subject, &client, now).await? {
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
        throttle::record_failure(&*state.store, &subject, &client, now).await?;
        return Err(AuthError::WrongPassword);
    }
    throttle::clear(&*state.store, &subject, &client).await?;
    let hash = state
        .passwords
        .hash(&SecretString::from(new.expose().to_owned()))
        .await?;
    state
        .store
        .set_password_hash(identity.user_id, &hash)
        .await?;
    let ended = state
        .store
        .end_sessions_of(identity.user_id, Some(&identity.session_id), unix_now())
        .await?;
    tracing::info!(other_sessions_ended = ended, "password changed");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    get,
    path = "/api/auth/me",
    tag = "auth",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = api_types::auth::User),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn me(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<Json<User>, AuthError> {
    require_live(&state, &identity).await?;
    state
        .store
        .active_user(identity.user_id)
        .await?
        .map(Json)
        .ok_or(AuthError::Api(ApiError::Unauthorized))
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
    if state.store.enabled_admins().await? > 0 {
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
        if state.store.user_exists(name).await? {
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
