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

/// JSON body in and out. A request body must be a JSON object (RFC 8259 §4) sent as
/// `Content-Type: application/json` (or a `+json` type): serde would otherwise read a struct
/// from an array of its fields in order. Rejections: 415 `unsupported_media_type` (another or
/// no content type), 413 `payload_too_large`, 400 `malformed_json` (syntax), 422 `invalid_body`
/// (not an object, or wrong fields or types).
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

/// Whether `headers` declare a JSON body: `application/json` or `application/*+json`, with
/// any parameters (RFC 8259 §11, RFC 6839 §3.1).
pub fn is_json_content_type(headers: &axum::http::HeaderMap) -> bool {
    let Some(value) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || essence
            .strip_prefix("application/")
            .is_some_and(|sub| sub.ends_with("+json"))
}

/// Whether the first non-blank byte of `body` opens a JSON object (a quick check for bodies
/// read by hand; the [`Json`] extractor parses and checks the whole value).
pub fn is_json_object(body: &[u8]) -> bool {
    body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

impl<T, S> FromRequest<S> for Json<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, ApiError> {
        if !is_json_content_type(req.headers()) {
            return Err(ApiError::bad_request(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "Expected request with `Content-Type: application/json`.",
            ));
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|r| {
                let (status, code) = if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large")
                } else {
                    (StatusCode::BAD_REQUEST, "bad_request")
                };
                ApiError::bad_request(status, code, r.body_text())
            })?;
        // Syntax first (400), then shape (422): serde_json reports some shape errors (a number
        // where an enum's string belongs) as syntax errors when it reads straight into `T`.
        let value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::bad_request(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                format!("The body is not valid JSON: {e}"),
            )
        })?;
        if !value.is_object() {
            return Err(ApiError::bad_request(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                "The request body must be a JSON object.",
            ));
        }
        T::deserialize(value).map(Json).map_err(|e| {
            ApiError::bad_request(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                format!("Invalid body: {e}"),
            )
        })
    }
}

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

/// An admin caller: the [`Identity`] of a verified access token whose role is admin. Put it
/// before the query and body extractors: a caller who is not an admin gets 401 or 403 before
/// any input is read, so input validation tells them nothing.
#[derive(Debug, Clone)]
pub struct Admin(pub Identity);

impl<S> FromRequestParts<S> for Admin
where
    Arc<Verifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let identity = Identity::from_request_parts(parts, state).await?;
        identity.require_admin()?;
        Ok(Admin(identity))
    }
}
