//! Server-side carts, one per user, priced from the catalog at read time.

use crate::catalog::find_product;
use crate::error::OrdersError;
use crate::AppState;
use api_types::orders::{Cart, CartItem, SetQuantity};
use api_types::validate::Quantity;
use axum::extract::State;
use shop_common::extract::{Json, Path};
use shop_common::token::Identity;
use shop_common::ApiError;
use sqlx::{Row, SqliteExecutor};
use time::format_description::well_known::Rfc3339;

/// The currency of every price in the demo catalog.
pub(crate) const CURRENCY: &str = "EUR";

/// The user's cart lines (products hidden from the catalog drop out).
pub(crate) async fn load_cart(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
) -> Result<Cart, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.product_id, p.name, p.price_cents, c.quantity
         FROM cart_items c JOIN products p ON p.id = c.product_id AND p.active = 1
         WHERE c.user_id = ? ORDER BY c.added_at, c.product_id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    let items: Vec<CartItem> = rows
        .iter()
        .map(|r| {
            let unit: i64 = r.try_get("price_cents")?;
            let quantity: i64 = r.try_get("quantity")?;
            Ok(CartItem {
                product_id: r.try_get("product_id")?,
                name: r.try_get("name")?,
                unit_price_cents: unit,
                quantity,
                line_total_cents: unit * quantity,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let total_cents = items.iter().map(|i| i.line_total_cents).sum();
    Ok(Cart {
        items,
        total_cents,
        currency: CURRENCY.to_owned(),
    })
}

/// Empties the user's cart.
pub(crate) async fn clear_cart(
    db: impl SqliteExecutor<'_>,
    user_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM cart_items WHERE user_id = ?")
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

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
    Ok(Json(load_cart(&state.db, identity.user_id).await?))
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
    let product = find_product(&state.db, product_id, false)
        .await?
        .ok_or(ApiError::NotFound("product"))?;
    if quantity.get() > product.stock {
        return Err(OrdersError::OutOfStock {
            product_id,
            available: product.stock,
        });
    }
    let now = time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    sqlx::query(
        "INSERT INTO cart_items (user_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(identity.user_id)
    .bind(product_id)
    .bind(quantity.get())
    .bind(now)
    .execute(&state.db)
    .await?;
    Ok(Json(load_cart(&state.db, identity.user_id).await?))
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
    sqlx::query("DELETE FROM cart_items WHERE user_id = ? AND product_id = ?")
        .bind(identity.user_id)
        .bind(product_id)
        .execute(&state.db)
        .await?;
    Ok(Json(load_cart(&state.db, identity.user_id).await?))
}
