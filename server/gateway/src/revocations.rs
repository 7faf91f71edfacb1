//! Requests after which the gateway reads the feed of ended sessions at once (see
//! [`shop_common::revocations`]), so the very next request with a token of a session that
//! request ended is refused.

/// Whether forwarding `method path` with a success ended sessions (so the set is read again
/// before the answer goes back, and the very next request sees it).
pub(crate) fn ends_sessions(method: &axum::http::Method, path: &str) -> bool {
    matches!(
        path,
        "/api/auth/logout" | "/api/auth/logout-all" | "/api/auth/password"
    ) || (method == axum::http::Method::DELETE && path.starts_with("/api/auth/sessions/"))
        || (matches!(
            *method,
            axum::http::Method::PATCH | axum::http::Method::DELETE
        ) && path.starts_with("/api/users/"))
}
