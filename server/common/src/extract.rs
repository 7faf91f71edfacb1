//! Extractors whose rejections are problem details, so bad input never gets axum's plain-text
//! errors: use these instead of `axum::Json`, `axum::extract::Query` and `axum::extract::Path`.

use crate::problem::ApiError;
use crate::token::{Identity, Verifier};
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRef, FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// JSON body in and out. Rejections: 400 `malformed_json` (syntax), 422 `invalid_body` (wrong
/// shape or types), 415 `unsupported_media_type` (no `Content-Type: application/json`), 413
/// `payload_too_large`.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> Self {
        let (status, code) = match &r {
            JsonRejection::JsonSyntaxError(_) => (StatusCode::BAD_REQUEST, "malformed_json"),
            JsonRejection::JsonDataError(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body"),
            JsonRejection::MissingJsonContentType(_) => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
            }
            _ => (StatusCode::BAD_REQUEST, "bad_request"),
        };
        ApiError::bad_request(status, code, r.body_text())
    }
}

/// Query string. Rejection: 400 `invalid_query`.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> Self {
        ApiError::bad_request(StatusCode::BAD_REQUEST, "invalid_query", r.body_text())
    }
}

/// Path parameters. A parameter of the wrong type (`/api/products/abc`) names nothing that
/// exists, so the rejection is 404 `not_found`.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::NotFound("resource")
    }
}

/// The bearer token of `Authorization: Bearer <token>` (RFC 6750 §2.1), unverified.
///
/// # Errors
/// [`ApiError::Unauthorized`] when the header is missing or not a bearer token.
pub fn bearer_token(parts: &Parts) -> Result<&str, ApiError> {
    let value = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or(ApiError::Unauthorized)?;
    let (scheme, token) = value.split_once(' ').ok_or(ApiError::Unauthorized)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(ApiError::Unauthorized);
    }
    Ok(token.trim())
}

/// The caller, from the request's bearer token verified by `verifier`.
///
/// # Errors
/// [`ApiError::Unauthorized`] for a missing or refused token; [`ApiError::KeysUnavailable`]
/// when the keys to check it cannot be fetched.
pub async fn verified_identity(verifier: &Verifier, parts: &Parts) -> Result<Identity, ApiError> {
    Ok(verifier.verify(bearer_token(parts)?).await?)
}

/// The caller, from a verified access token: the only source of identity a service trusts.
impl<S> FromRequestParts<S> for Identity
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        verified_identity(&Arc::<Verifier>::from_ref(state), parts).await
    }
}
