//! The auth service's routes: each concern's router merged, with health, the fallbacks and the
//! body limit.

use crate::AppState;
use axum::extract::DefaultBodyLimit;
use axum::Router;

/// Largest accepted request body, in bytes: enough for any valid request, small enough that a
/// huge password is refused before it is hashed.
const BODY_LIMIT_BYTES: usize = 16 * 1024;

/// Every route of the service.
pub(crate) fn router(state: AppState) -> Router {
    Router::new()
        .merge(crate::account::router())
        .merge(crate::tokens::router())
        .merge(crate::sessions::router())
        .merge(crate::admin::router())
        .merge(crate::feed::router(state.internal_token.clone()))
        .merge(shop_common::health::router(crate::store::ready_check(
            state.store.clone(),
        )))
        .fallback(shop_common::problem::not_found)
        .method_not_allowed_fallback(shop_common::problem::method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .with_state(state)
}
