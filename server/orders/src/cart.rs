//! Server-side carts, one per user, priced from the catalog at read time.

use crate::error::OrdersError;
use crate::AppState;
use api_types::orders::{Cart, SetQuantity};
use api_types::validate::Quantity;
use axum::extract::State;
use shop_common::extract::{Json, Path};
use shop_common::token::Identity;
use shop_common::ApiError;

#[utoipa::path(
    get,
    path = "/api/cart",
    tag = "cart",
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The cart, priced from the catalog", body = api_types::orders::Cart),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn get_cart(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<Json<Cart>, OrdersError> {
    Ok(Json(state.store.cart(identity.user_id).await?))
}

/// Sets the quantity of a product in the cart (adding the line if needed). 422 for a quantity
/// outside 1..=99, 404 for an unknown product, 409 `out_of_stock` beyond the stock.
#[utoipa::path(
    put,
    path = "/api/cart/items/{product_id}",
    tag = "cart",
    request_body = api_types::orders::SetQuantity,
    params(("product_id" = i64, Path, description = "Product id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The cart", body = api_types::orders::Cart),
        (status = 404, description = "`not_found`: no such product"),
        (status = 409, description = "`out_of_stock`"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn set_quantity(
    State(state): State<AppState>,
    identity: Identity,
    Path(product_id): Path<i64>,
    Json(body): Json<SetQuantity>,
) -> Result<Json<Cart>, OrdersError> {
    let quantity = Quantity::new(body.quantity)?;
    let product = state
        .store
        .product(product_id, false)
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    if quantity.get() > product.stock {
        return Err(OrdersError::OutOfStock {
            product_id,
            available: product.stock,
        });
    }
    state
        .store
        .set_cart_item(identity.user_id, product_id, quantity.get())
        .await?;
    Ok(Json(state.store.cart(identity.user_id).await?))
}

/// Removes a product from the cart; removing one that is not there is not an error.
#[utoipa::path(
    delete,
    path = "/api/cart/items/{product_id}",
    tag = "cart",
    params(("product_id" = i64, Path, description = "Product id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The cart", body = api_types::orders::Cart),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn remove_item(
    State(state): State<AppState>,
    identity: Identity,
    Path(product_id): Path<i64>,
) -> Result<Json<Cart>, OrdersError> {
    state
        .store
        .remove_cart_item(identity.user_id, product_id)
        .await?;
    Ok(Json(state.store.cart(identity.user_id).await?))
}
