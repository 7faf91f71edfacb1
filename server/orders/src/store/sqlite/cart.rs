//! The carts' SQL: one cart per user, priced from the catalog at read time.

use crate::store::CURRENCY;
use api_types::orders::{Cart, CartItem};
use sqlx::{Row, SqliteExecutor, SqlitePool};
use time::format_description::well_known::Rfc3339;

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

/// Sets the quantity of `product_id` in the user's cart (adding the line if needed).
pub(crate) async fn set_item(
    db: &SqlitePool,
    user_id: i64,
    product_id: i64,
    quantity: i64,
) -> Result<(), sqlx::Error> {
    let now = time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    sqlx::query(
        "INSERT INTO cart_items (user_id, product_id, quantity, added_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = excluded.quantity",
    )
    .bind(user_id)
    .bind(product_id)
    .bind(quantity)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Removes `product_id` from the user's cart (nothing when it is not there).
pub(crate) async fn remove_item(
    db: &SqlitePool,
    user_id: i64,
    product_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM cart_items WHERE user_id = ? AND product_id = ?")
        .bind(user_id)
        .bind(product_id)
        .execute(db)
        .await?;
    Ok(())
}
