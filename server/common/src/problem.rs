//! RFC 9457 problem details responses.

use api_types::{validate::Invalid, Problem};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Builds an `application/problem+json` response with the stable `code`; the title is the
/// status's reason phrase and `detail` a sentence for people.
pub fn problem(status: StatusCode, code: &str, detail: impl Into<Option<String>>) -> Response {
    problem_response(problem_body(status, code, detail))
}

/// The [`Problem`] that [`problem`] sends, for callers that add extension members.
pub fn problem_body(status: StatusCode, code: &str, detail: impl Into<Option<String>>) -> Problem {
    let title = status.canonical_reason().unwrap_or("Error");
    Problem::new(status.as_u16(), code, title, detail.into())
}

/// Sends `body` as `application/problem+json` with its `status`.
pub fn problem_response(body: Problem) -> Response {
    let status = StatusCode::from_u16(body.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, axum::Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(Problem::CONTENT_TYPE),
    );
    response
}

/// The errors every service shares. Each service's own error enum wraps this one with `#[from]`
/// and adds its domain errors.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 401 `unauthorized` with `WWW-Authenticate: Bearer` (RFC 6750 §3): no, or no valid,
    /// access token.
    #[error("missing or invalid access token")]
    Unauthorized,
    /// 403 `forbidden`: the token is valid but its role may not do this.
    #[error("forbidden")]
    Forbidden,
    /// 404 `not_found`; the text names what was not found.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 422 `validation_failed`: a field broke its rule.
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// A 4xx for a request the framework could not parse (bad JSON, bad query, wrong media
    /// type, body too large); the status, code and sentence come from the rejection.
    #[error("{detail}")]
    BadRequest {
        status: StatusCode,
        code: &'static str,
        detail: String,
    },
    /// 503 `keys_unavailable`: the auth service's public keys could not be fetched, so no
    /// access token can be checked; safe to retry.
    #[error("the keys that verify access tokens are unavailable")]
    KeysUnavailable,
    /// 503 `database_unavailable`: the database is busy or unreachable; safe to retry.
    #[error("database unavailable")]
    DatabaseUnavailable(#[source] crate::store::StoreError),
    /// 500 `internal`: logged with its cause, never sent.
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<crate::store::StoreError> for ApiError {
    /// 503 `database_unavailable` for [`crate::store::StoreError::Unavailable`], else 500.
    fn from(e: crate::store::StoreError) -> Self {
        match e {
            crate::store::StoreError::Unavailable(_) => ApiError::DatabaseUnavailable(e),
            crate::store::StoreError::Failed(_) => ApiError::Internal(e.into()),
        }
    }
}

impl From<sqlx::Error> for ApiError {
    fn from(e: sqlx::Error) -> Self {
        crate::store::StoreError::from(e).into()
    }
}

impl From<crate::token::TokenError> for ApiError {
    /// 503 when the keys could not be fetched; 401 for every reason a token is refused.
    fn from(e: crate::token::TokenError) -> Self {
        match e {
            crate::token::TokenError::KeysUnavailable => ApiError::KeysUnavailable,
            _ => ApiError::Unauthorized,
        }
    }
}

impl ApiError {
    /// A 4xx for input the framework rejected.
    pub fn bad_request(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        ApiError::BadRequest {
            status,
            code,
            detail: detail.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        match self {
            ApiError::Unauthorized => {
                let mut r = problem(
                    StatusCode::UNAUTHORIZED,
                    "unauthorized",
                    "A valid access token is required.".to_owned(),
                );
                r.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"shop\""),
                );
                r
            }
            ApiError::Forbidden => problem(
                StatusCode::FORBIDDEN,
                "forbidden",
                "Your account may not do this.".to_owned(),
            ),
            ApiError::NotFound(what) => problem(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("No such {what}."),
            ),
            ApiError::Invalid(invalid) => problem_response(Problem::invalid(&invalid)),
            ApiError::BadRequest {
                status,
                code,
                detail,
            } => problem(status, code, detail),
            ApiError::KeysUnavailable => {
                let mut r = problem(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "keys_unavailable",
                    "The keys that verify access tokens cannot be fetched from the auth service \
                     right now; try again shortly."
                        .to_owned(),
                );
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                r
            }
            ApiError::DatabaseUnavailable(e) => {
                tracing::warn!(error = %e, "database unavailable");
                let mut r = problem(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "database_unavailable",
                    "The service is busy; try again shortly.".to_owned(),
                );
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                r
            }
            ApiError::Internal(e) => {
                tracing::error!(error = ?e, "internal error");
                problem(StatusCode::INTERNAL_SERVER_ERROR, "internal", None)
            }
        }
    }
}

/// Fallback for unknown paths: 404 `not_found` as problem+json.
pub async fn not_found() -> Response {
    problem(
        StatusCode::NOT_FOUND,
        "not_found",
        "No such resource.".to_owned(),
    )
}

/// Fallback for a known path with another method: 405 `method_not_allowed`.
pub async fn method_not_allowed() -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This method is not allowed on this resource.".to_owned(),
    )
}
