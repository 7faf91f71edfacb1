//! Requests after which the gateway reads the feed of ended sessions at once (see
//! [`shop_common::revocations`]), so the very next request with a token of a session that
//! request ended is refused.

/// Whether forwarding `method path` with a success ended sessions (so the set is read again
/// before the answer goes back, and the very next request sees it).
pub(crate) fn ends_sessions(method: &axum::http::Method, path: &str) -> bool {
    use api_types::auth::paths;
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('/'))
    };
    [paths::LOGOUT, paths::LOGOUT_ALL, paths::PASSWORD].contains(&path)
        || (method == axum::http::Method::DELETE && under(paths::SESSIONS))
        || (matches!(
            *method,
            axum::http::Method::PATCH | axum::http::Method::DELETE
        ) && under(paths::USERS))
}
