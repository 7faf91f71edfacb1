//! Checkout: `POST /api/orders`.
//!
//! 1. The `Idempotency-Key` header is required; a repeat of a finished request returns its
//!    result, the same key with another body is a 422, and a repeat while the first still runs
//!    is a 409.
//! 2. One transaction creates the order as `pending`, takes the stock (`stock >= quantity` is
//!    checked by the same `UPDATE`, so concurrent buyers never oversell) and copies names and
//!    prices from the catalog, never from the client.
//! 3. The simulated provider is charged outside any transaction and without holding a pooled
//!    connection, through its circuit breaker.
//! 4. A second transaction marks the order `paid` (and empties the cart for a cart checkout), or
//!    `payment_failed` and puts the stock back. When the provider could not answer (outage,
//!    timeout, breaker open) the order is removed and the stock put back, so nothing is left
//!    half-done and the same key can be retried later.

use crate::error::OrdersError;
use crate::payment::PaymentOutcome;
use crate::store::{OrderHeader, OrdersStore, Reservation};
use crate::AppState;
use api_types::orders::{CreateOrderRequest, Order, OrderStatus};
use api_types::validate::Quantity;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use shop_common::token::Identity;
use shop_common::ApiError;
use std::collections::BTreeMap;

/// Longest accepted `Idempotency-Key`, in bytes.
pub(crate) const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// The `Idempotency-Key` header: 1 to 255 visible ASCII characters.
fn idempotency_key(headers: &HeaderMap) -> Result<String, OrdersError> {
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or_default();
    let ok = !key.is_empty()
        && key.len() <= MAX_IDEMPOTENCY_KEY_LEN
        && key.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| key.to_owned())
        .ok_or(OrdersError::IdempotencyKeyRequired)
}

/// What the attributes cannot say about `POST /api/orders`: the body is optional (none, or no
/// `items`, checks out the cart; `null` is not allowed) and the `Idempotency-Key` is 1 to
/// [`MAX_IDEMPOTENCY_KEY_LEN`] visible ASCII characters.
pub(crate) fn document_checkout(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    let Some(op) = doc
        .paths
        .paths
        .get_mut("/api/orders")
        .and_then(|item| item.post.as_mut())
    else {
        return;
    };
    if let Some(body) = op.request_body.as_mut() {
        body.required = Some(utoipa::openapi::Required::False);
    }
    for p in op.parameters.iter_mut().flatten() {
        if p.name == "Idempotency-Key" {
            p.schema = Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(1))
                    .max_length(Some(MAX_IDEMPOTENCY_KEY_LEN))
                    .pattern(Some("^[\\x21-\\x7E]+$"))
                    .into(),
            );
        }
    }
}

/// The requested lines, merged per product: `None` for an empty body (check out the cart).
fn parse_body(body: &[u8]) -> Result<Option<BTreeMap<i64, Quantity>>, OrdersError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    if !shop_common::extract::is_json_object(body) {
        return Err(ApiError::bad_request(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_body",
            "The order body must be a JSON object (or empty, to check out the cart).",
        )
        .into());
    }
    let request: CreateOrderRequest = serde_json::from_slice(body).map_err(|e| {
        let (status, code) = if e.is_data() {
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
        } else {
            (StatusCode::BAD_REQUEST, "malformed_json")
        };
        ApiError::bad_request(status, code, format!("Invalid order body: {e}"))
    })?;
    let Some(items) = request.items else {
        return Ok(None);
    };
    let mut lines = BTreeMap::new();
    for item in items {
        let q = Quantity::new(item.quantity)?;
        let merged = lines
            .get(&item.product_id)
            .map_or(0, |m: &Quantity| m.get())
            + q.get();
        lines.insert(item.product_id, Quantity::new(merged)?);
    }
    if lines.is_empty() {
        return Err(OrdersError::EmptyOrder);
    }
    Ok(Some(lines))
}

/// Hex SHA-256 over the request's lines (`cart` for a cart checkout), to tell a replay from a
/// different request reusing a key.
pub(crate) fn request_hash(lines: Option<&BTreeMap<i64, Quantity>>) -> String {
    let canonical = match lines {
        None => "cart".to_owned(),
        Some(l) => l
            .iter()
            .map(|(p, q)| format!("{p}x{}", q.get()))
            .collect::<Vec<_>>()
            .join(","),
    };
    hex::encode(Sha256::digest(canonical.as_bytes()))
}

#[utoipa::path(
    post,
    path = "/api/orders",
    tag = "orders",
    request_body = api_types::orders::CreateOrderRequest,
    params(("Idempotency-Key" = String, Header, description = "1 to 255 visible characters, one per checkout attempt")),
    security(("bearer_auth" = [])),
    responses(
        (status = 201, description = "The paid order (also for a replay of the same key, with `Idempotent-Replayed: true`)", body = api_types::orders::Order, headers(("Idempotent-Replayed" = String, description = "`true` when this answers a repeat of an earlier request with the same key"))),
        (status = 400, description = "`idempotency_key_required` or `malformed_json`"),
        (status = 413, description = "`payload_too_large`"),
        (status = 415, description = "`unsupported_media_type`: a body without `Content-Type: application/json`"),
        (status = 402, description = "`payment_declined`, with `order_id`; the order is kept as `payment_failed`"),
        (status = 409, description = "`out_of_stock`, `unknown_product`, `empty_cart`, `checkout_in_progress` (the cart is being paid for by another request) or `idempotency_key_in_use`"),
        (status = 422, description = "`invalid_body`, `validation_failed`, `empty_order` or `idempotency_key_reused`"),
        (status = 503, description = "`payment_unavailable` (no order kept, nothing taken) or `service_unavailable`, with `Retry-After`"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn create_order(
    State(state): State<AppState>,
    identity: Identity,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, OrdersError> {
    let key = idempotency_key(&headers)?;
    let body = body.map_err(|r| {
        ApiError::bad_request(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            r.body_text(),
        )
    })?;
    if !body.iter().all(u8::is_ascii_whitespace)
        && !shop_common::extract::is_json_content_type(&headers)
    {
        return Err(ApiError::bad_request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "An order body must be sent as `Content-Type: application/json`.",
        )
        .into());
    }
    let requested = parse_body(&body)?;
    let hash = request_hash(requested.as_ref());
    let user_id = identity.user_id;

    let store = &*state.store;
    if let Some(existing) = store.order_by_key(user_id, &key).await? {
        return replay(store, existing, &hash).await;
    }
    if !state.payments.is_available() {
        return Err(OrdersError::PaymentUnavailable {
            retry_after_secs: state.payments.retry_after_secs(),
        });
    }
    let from_cart = requested.is_none();
    let lines: BTreeMap<i64, Quantity> = match requested {
        Some(lines) => lines,
        None => store
            .cart(user_id)
            .await?
            .items
            .into_iter()
            .map(|i| Ok((i.product_id, Quantity::new(i.quantity)?)))
            .collect::<Result<_, OrdersError>>()?,
    };
    if lines.is_empty() {
        // Only a cart checkout gets here empty (`parse_body` refuses empty `items`).
        return Err(OrdersError::EmptyCart);
    }

    let reservation = Reservation {
        user_id,
        customer: &identity.username,
        key: &key,
        request_hash: &hash,
        lines: &lines,
        from_cart,
    };
    let reserved = match store.reserve(&reservation).await {
        Err(OrdersError::IdempotencyKeyInUse) => {
            // A concurrent request with the same key created the order first.
            let existing = store
                .order_by_key(user_id, &key)
                .await?
                .ok_or(OrdersError::IdempotencyKeyInUse)?;
            return replay(store, existing, &hash).await;
        }
        other => other?,
    };
    let (order_id, total) = (reserved.order_id, reserved.total_cents);
    // No connection is held while the provider answers (hundreds of milliseconds, up to the
    // payment timeout): every store method returns its connection before it returns.
    let charged = state.payments.charge(total).await;
    let outcome = match charged {
        Ok(outcome) => outcome,
        Err(e) => {
            store.abandon(order_id).await?;
            tracing::warn!(order_id, error = %e, "payment unavailable; order abandoned");
            return Err(OrdersError::PaymentUnavailable {
                retry_after_secs: state.payments.retry_after_secs(),
            });
        }
    };
    store.settle(user_id, order_id, outcome, from_cart).await?;
    tracing::info!(order_id, total_cents = total, ?outcome, "checkout");
    match outcome {
        PaymentOutcome::Approved => {
            let order = store
                .order(order_id)
                .await?
                .ok_or(ApiError::NotFound("order"))?;
            Ok(created(order, false))
        }
        PaymentOutcome::Declined => Err(OrdersError::PaymentDeclined { order_id }),
    }
}

/// Abandons the `pending` orders created more than `older_than` ago (see
/// [`crate::store::OrderStore::abandon_stale`]): at start and every few seconds after.
/// Returns how many were abandoned.
///
/// # Errors
/// The store's.
pub(crate) async fn abandon_stale(
    store: &dyn OrdersStore,
    older_than: std::time::Duration,
) -> Result<usize, OrdersError> {
    let abandoned = store.abandon_stale(older_than).await?;
    for order_id in &abandoned {
        tracing::warn!(order_id, "stale pending order abandoned; stock restored");
    }
    Ok(abandoned.len())
}

fn created(order: Order, replayed: bool) -> Response {
    let mut r = (StatusCode::CREATED, axum::Json(order)).into_response();
    if replayed {
        r.headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    r
}

/// Answers a request whose key already names an order.
async fn replay(
    store: &dyn OrdersStore,
    existing: OrderHeader,
    hash: &str,
) -> Result<Response, OrdersError> {
    if existing.request_hash != hash {
        return Err(OrdersError::IdempotencyKeyReused);
    }
    match existing.status {
        OrderStatus::Pending => Err(OrdersError::IdempotencyKeyInUse),
        OrderStatus::PaymentFailed => Err(OrdersError::PaymentDeclined {
            order_id: existing.id,
        }),
        _ => {
            let order = store
                .order(existing.id)
                .await?
                .ok_or(ApiError::NotFound("order"))?;
            Ok(created(order, true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_body_checks_out_the_cart() {
        assert!(parse_body(b"").unwrap().is_none());
        assert!(parse_body(b"  \n").unwrap().is_none());
        assert!(parse_body(b"{}").unwrap().is_none());
    }

    #[test]
    fn lines_of_one_product_are_merged_and_bounded() {
        let lines = parse_body(
            br#"{"items":[{"product_id":1,"quantity":2},{"product_id":1,"quantity":3}]}"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(lines[&1].get(), 5);
        assert!(parse_body(
            br#"{"items":[{"product_id":1,"quantity":60},{"product_id":1,"quantity":60}]}"#
        )
        .is_err());
    }

    #[test]
    fn bad_bodies_are_client_errors() {
        for body in [
            &b"{"[..],
            b"[]",
            br#"{"items":[]}"#,
            br#"{"items":[{"product_id":1,"quantity":0}]}"#,
            br#"{"items":[{"product_id":1,"quantity":1.5}]}"#,
            br#"{"items":[{"product_id":"x","quantity":1}]}"#,
        ] {
            assert!(
                parse_body(body).is_err(),
                "{:?} accepted",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn the_request_hash_ignores_line_order() {
        let a = parse_body(
            br#"{"items":[{"product_id":1,"quantity":1},{"product_id":2,"quantity":1}]}"#,
        )
        .unwrap();
        let b = parse_body(
            br#"{"items":[{"product_id":2,"quantity":1},{"product_id":1,"quantity":1}]}"#,
        )
        .unwrap();
        assert_eq!(request_hash(a.as_ref()), request_hash(b.as_ref()));
        assert_ne!(request_hash(a.as_ref()), request_hash(None));
    }

    #[test]
    fn idempotency_keys_must_be_visible_ascii() {
        let mut h = HeaderMap::new();
        assert!(idempotency_key(&h).is_err());
        h.insert("idempotency-key", HeaderValue::from_static("abc-123"));
        assert_eq!(idempotency_key(&h).unwrap(), "abc-123");
        h.insert(
            "idempotency-key",
            HeaderValue::from_str(&"k".repeat(256)).unwrap(),
        );
        assert!(idempotency_key(&h).is_err());
    }
}
