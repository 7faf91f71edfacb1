use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use shop_common::problem::{problem, problem_body, problem_response};
use shop_common::ApiError;

/// Everything an orders request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum OrdersError {
    #[error(transparent)]
    Api(#[from] ApiError),
    /// 409 `out_of_stock`: fewer units left than asked for.
    #[error("out of stock")]
    OutOfStock { product_id: i64, available: i64 },
    /// 409 `unknown_product`: the product is not (or no longer) in the catalog: a well-formed
    /// request that conflicts with the catalog as it is now.
    #[error("unknown product")]
    UnknownProduct { product_id: i64 },
    /// 422 `empty_order`: an order body with no lines.
    #[error("empty order")]
    EmptyOrder,
    /// 409 `checkout_in_progress` with `Retry-After`: another checkout of this cart is paying
    /// now; its outcome decides (a second order of the same cart is never made).
    #[error("checkout in progress")]
    CheckoutInProgress,
    /// 409 `empty_cart`: checking out the cart while it is empty (a valid request in the
    /// wrong state).
    #[error("empty cart")]
    EmptyCart,
    /// 400 `idempotency_key_required`: `POST /api/orders` without a usable `Idempotency-Key`.
    #[error("idempotency key required")]
    IdempotencyKeyRequired,
    /// 422 `idempotency_key_reused`: the key was used for a different request.
    #[error("idempotency key reused")]
    IdempotencyKeyReused,
    /// 409 `idempotency_key_in_use`: the first request with this key is still running.
    #[error("idempotency key in use")]
    IdempotencyKeyInUse,
    /// 409 `invalid_transition`: the lifecycle does not allow this move (or not for this caller).
    #[error("invalid transition")]
    InvalidTransition {
        from: api_types::orders::OrderStatus,
        to: api_types::orders::OrderStatus,
    },
    /// 503 `payment_unavailable` with `Retry-After`: the payment provider is failing or its
    /// circuit breaker is open; no order was kept and no stock taken.
    #[error("payment unavailable")]
    PaymentUnavailable { retry_after_secs: u64 },
    /// 402 `payment_declined`: the order is kept with status `payment_failed`.
    #[error("payment declined")]
    PaymentDeclined { order_id: i64 },
}

impl From<shop_common::store::StoreError> for OrdersError {
    fn from(e: shop_common::store::StoreError) -> Self {
        OrdersError::Api(e.into())
    }
}

/// For the SQL stores' own code ([`crate::store::sqlite`]); handlers only see
/// [`shop_common::store::StoreError`].
impl From<sqlx::Error> for OrdersError {
    fn from(e: sqlx::Error) -> Self {
        OrdersError::Api(e.into())
    }
}

impl From<api_types::validate::Invalid> for OrdersError {
    fn from(e: api_types::validate::Invalid) -> Self {
        OrdersError::Api(e.into())
    }
}

impl IntoResponse for OrdersError {
    fn into_response(self) -> Response {
        match self {
            OrdersError::Api(e) => e.into_response(),
            OrdersError::OutOfStock {
                product_id,
                available,
            } => problem(
                StatusCode::CONFLICT,
                "out_of_stock",
                format!("Only {available} left of product {product_id}."),
            ),
            OrdersError::UnknownProduct { product_id } => problem(
                StatusCode::CONFLICT,
                "unknown_product",
                format!("Product {product_id} is not in the catalog."),
            ),
            OrdersError::EmptyOrder => problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "empty_order",
                "There is nothing to order: `items` is empty.".to_owned(),
            ),
            OrdersError::CheckoutInProgress => {
                let mut r = problem(
                    StatusCode::CONFLICT,
                    "checkout_in_progress",
                    "This cart is being paid for already; see your orders in a moment.".to_owned(),
                );
                r.headers_mut().insert(
                    axum::http::header::RETRY_AFTER,
                    axum::http::HeaderValue::from_static("1"),
                );
                r
            }
            OrdersError::EmptyCart => problem(
                StatusCode::CONFLICT,
                "empty_cart",
                "There is nothing to order: the cart is empty.".to_owned(),
            ),
            OrdersError::IdempotencyKeyRequired => problem(
                StatusCode::BAD_REQUEST,
                "idempotency_key_required",
                "Send an Idempotency-Key header (1 to 255 visible characters) with each checkout."
                    .to_owned(),
            ),
            OrdersError::IdempotencyKeyReused => problem(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency_key_reused",
                "This Idempotency-Key was already used for a different order.".to_owned(),
            ),
            OrdersError::IdempotencyKeyInUse => {
                let mut r = problem(
                    StatusCode::CONFLICT,
                    "idempotency_key_in_use",
                    "An order with this Idempotency-Key is still being processed.".to_owned(),
                );
                r.headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
                r
            }
            OrdersError::InvalidTransition { from, to } => problem(
                StatusCode::CONFLICT,
                "invalid_transition",
                format!(
                    "An order cannot go from {} to {} this way.",
                    from.as_str(),
                    to.as_str()
                ),
            ),
            OrdersError::PaymentUnavailable { retry_after_secs } => {
                let mut r = problem(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "payment_unavailable",
                    "Payments are unavailable right now. Nothing was charged and your cart is unchanged; try again shortly."
                        .to_owned(),
                );
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    r.headers_mut().insert(header::RETRY_AFTER, v);
                }
                r
            }
            OrdersError::PaymentDeclined { order_id } => {
                let mut body = problem_body(
                    StatusCode::PAYMENT_REQUIRED,
                    "payment_declined",
                    "The payment was declined. Nothing was charged; try another card.".to_owned(),
                );
                body.order_id = Some(order_id);
                problem_response(body)
            }
        }
    }
}
