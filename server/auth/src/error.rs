use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use shop_common::problem::problem;
use shop_common::ApiError;

/// Everything an auth request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// 409 `username_taken`.
    #[error("username taken")]
    UsernameTaken,
    /// 401 `invalid_credentials`: the same answer for an unknown user, a wrong password and a
    /// disabled account, so the response does not tell which usernames exist.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// 429 `too_many_attempts` with `Retry-After`: too many failed sign-ins as this username;
    /// the wait doubles with each further failure (OWASP Authentication Cheat Sheet).
    #[error("too many attempts")]
    TooManyAttempts { retry_after_secs: i64 },
    /// 403 `wrong_password`: the current password given to change it is wrong.
    #[error("wrong password")]
    WrongPassword,
    /// 409 `last_admin`: the change would leave no enabled admin.
    #[error("last admin")]
    LastAdmin,
    /// 401 `invalid_refresh_token`: unknown, expired, revoked or already used.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// 503 `busy` with `Retry-After`: too many passwords are being checked at once and none
    /// came free within the allowed wait; safe to retry.
    #[error("busy")]
    Busy,
}

impl From<crate::password::HashError> for AuthError {
    fn from(e: crate::password::HashError) -> Self {
        match e {
            crate::password::HashError::Busy => AuthError::Busy,
            crate::password::HashError::Failed(e) => AuthError::Api(ApiError::Internal(e)),
        }
    }
}

impl From<shop_common::store::StoreError> for AuthError {
    fn from(e: shop_common::store::StoreError) -> Self {
        AuthError::Api(e.into())
    }
}

impl From<crate::store::UserChangeError> for AuthError {
    fn from(e: crate::store::UserChangeError) -> Self {
        match e {
            crate::store::UserChangeError::NotFound => AuthError::Api(ApiError::NotFound("user")),
            crate::store::UserChangeError::LastAdmin => AuthError::LastAdmin,
            crate::store::UserChangeError::Store(e) => e.into(),
        }
    }
}

impl From<anyhow::Error> for AuthError {
    fn from(e: anyhow::Error) -> Self {
        AuthError::Api(ApiError::Internal(e))
    }
}

impl IntoResponse for AuthError {
    fn into_response(self) -> Response {
        match self {
            AuthError::Api(e) => e.into_response(),
            AuthError::UsernameTaken => problem(
                StatusCode::CONFLICT,
                "username_taken",
                "This username is already taken.".to_owned(),
            ),
            AuthError::InvalidCredentials => problem(
                StatusCode::UNAUTHORIZED,
                "invalid_credentials",
                "Wrong username or password.".to_owned(),
            ),
            AuthError::TooManyAttempts { retry_after_secs } => {
                let secs = retry_after_secs.max(1);
                let mut r = problem(
                    StatusCode::TOO_MANY_REQUESTS,
                    "too_many_attempts",
                    format!("Too many failed sign-ins; try again in {secs} s."),
                );
                if let Ok(v) = axum::http::HeaderValue::from_str(&secs.to_string()) {
                    r.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
                }
                r
            }
            AuthError::LastAdmin => problem(
                StatusCode::CONFLICT,
                "last_admin",
                "The last admin cannot be demoted, disabled or deleted.".to_owned(),
            ),
            AuthError::WrongPassword => problem(
                StatusCode::FORBIDDEN,
                "wrong_password",
                "The current password is wrong.".to_owned(),
            ),
            AuthError::Busy => {
                tracing::warn!("password hashing busy; request refused");
                let mut r = problem(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "busy",
                    "Too many sign-ins at once; try again in a moment.".to_owned(),
                );
                r.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("1"),
                );
                r
            }
            AuthError::InvalidRefreshToken => problem(
                StatusCode::UNAUTHORIZED,
                "invalid_refresh_token",
                "The session has ended; sign in again.".to_owned(),
            ),
        }
    }
}
