//! A service's part of the OpenAPI document, served at [`PATH`]: the gateway reads it to learn
//! the service's routes (their methods and which need an access token) and merges the parts
//! into the document it serves at the same path.

use axum::http::header;
use axum::routing::MethodRouter;
use std::sync::Arc;

/// Where every process serves its OpenAPI 3.1 document.
pub const PATH: &str = "/api/openapi.json";

/// `GET` answering the serialized document `json` (`application/json`).
pub fn route<S: Clone + Send + Sync + 'static>(json: String) -> MethodRouter<S> {
    let json: Arc<str> = json.into();
    axum::routing::get(move || {
        let json = json.clone();
        async move {
            (
                [(header::CONTENT_TYPE, "application/json")],
                json.to_string(),
            )
        }
    })
}
