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
    /// 401 `invalid_refresh_token`: unknown, expired, revoked or already used.
    #[error("invalid refresh token")]
    InvalidRefreshToken,
}

impl From<sqlx::Error> for AuthError {
    fn from(e: sqlx::Error) -> Self {
        AuthError::Api(e.into())
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
            AuthError::InvalidRefreshToken => problem(
                StatusCode::UNAUTHORIZED,
                "invalid_refresh_token",
                "The session has ended; sign in again.".to_owned(),
            ),
        }
    }
}
