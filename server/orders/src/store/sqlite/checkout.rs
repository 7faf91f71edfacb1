//! The checkout's database work (see [`crate::checkout`] for the whole flow): transaction 1
//! reserves (the `pending` order, its lines at catalog prices, the stock taken with
//! `stock >= quantity` in the same `UPDATE`); transaction 2 settles the payment's outcome; an
//! order the provider never answered for is abandoned, and so are pending orders a crash left.
//! No transaction is open while the provider is called.

use super::cart::clear_cart;
use super::orders;
use crate::error::OrdersError;
use crate::lifecycle;
use crate::payment::PaymentOutcome;
use crate::store::{Reservation, Reserved, CURRENCY};
use api_types::orders::OrderStatus;
use shop_common::store::{is_unique_violation, StoreError};
use sqlx::{Row, SqliteConnection, SqlitePool};
use time::format_description::well_known::Rfc3339;

/// Transaction 1: the `pending` order, its lines at catalog prices, and the stock taken.
pub(crate) async fn reserve(
    db: &SqlitePool,
    reservation: &Reservation<'_>,
) -> Result<Reserved, OrdersError> {
    let Reservation {
        user_id,
        customer,
        key,
        request_hash: hash,
        lines,
        from_cart,
    } = *reservation;
    let mut tx = db.begin().await?;
    let now = time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    // The first statement writes, so the transaction holds SQLite's write lock from the start.
    let order_id: i64 = sqlx::query_scalar(
        "INSERT INTO orders (user_id, customer, status, total_cents, currency, idempotency_key, request_hash, created_at)
         VALUES (?, ?, 'pending', 0, ?, ?, ?, ?) RETURNING id",
    )
    .bind(user_id)
    .bind(customer)
    .bind(CURRENCY)
    .bind(key)
    .bind(hash)
    .bind(&now)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match e {
        e if is_unique_violation(&e) => OrdersError::IdempotencyKeyInUse,
        other => StoreError::from(other).into(),
    })?;
    // One checkout of a cart at a time, whatever its key: any number of submissions of one cart
    // (three clicks, two tabs, a reload) make one order. (A cart checkout's request hash is
    // that of the cart; the write lock is held, so two cannot both pass.)
    if from_cart {
        let paying: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM orders
             WHERE user_id = ? AND status = 'pending' AND request_hash = ? AND id != ?",
        )
        .bind(user_id)
        .bind(hash)
        .bind(order_id)
        .fetch_one(&mut *tx)
        .await?;
        if paying > 0 {
            return Err(OrdersError::CheckoutInProgress);
        }
    }
    orders::record(&mut tx, order_id, OrderStatus::Pending).await?;
    let mut total: i64 = 0;
    for (&product_id, quantity) in lines {
        let q = quantity.get();
        let taken = sqlx::query(
            "UPDATE products SET stock = stock - ?1 WHERE id = ?2 AND active = 1 AND stock >= ?1
             RETURNING name, price_cents",
        )
        .bind(q)
        .bind(product_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = taken else {
            let stock: Option<i64> =
                sqlx::query_scalar("SELECT stock FROM products WHERE id = ? AND active = 1")
                    .bind(product_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            return Err(crate::store::shortfall(product_id, stock));
        };
        let name: String = row.try_get("name")?;
        let unit: i64 = row.try_get("price_cents")?;
        total += unit * q;
        sqlx::query(
            "INSERT INTO order_items (order_id, product_id, name, unit_price_cents, quantity, line_total_cents)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(order_id)
        .bind(product_id)
        .bind(name)
        .bind(unit)
        .bind(q)
        .bind(unit * q)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("UPDATE orders SET total_cents = ? WHERE id = ?")
        .bind(total)
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Reserved {
        order_id,
        total_cents: total,
    })
}

/// Transaction 2: the payment's outcome.
pub(crate) async fn settle(
    db: &SqlitePool,
    user_id: i64,
    order_id: i64,
    outcome: PaymentOutcome,
    from_cart: bool,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    let status = match outcome {
        PaymentOutcome::Approved => OrderStatus::Paid,
        PaymentOutcome::Declined => OrderStatus::PaymentFailed,
    };
    orders::record(&mut tx, order_id, status).await?;
    if lifecycle::restocks(status) {
        orders::restock(&mut tx, order_id).await?;
    } else if from_cart {
        clear_cart(&mut *tx, user_id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The ids of `pending` orders created before `older_than` ago, abandoned (see
/// [`crate::store::OrderStore::abandon_stale`]). A running checkout settles its order within
/// the payment timeout, so an older pending order was left by a crash (`kill -9` between
/// taking the stock and recording the payment's outcome), and nothing was charged for it:
/// only a running checkout calls the provider. Safe with several orders processes on one
/// database: each order is abandoned once, by whichever deletes it.
pub(crate) async fn abandon_stale(
    db: &SqlitePool,
    older_than: std::time::Duration,
) -> Result<Vec<i64>, sqlx::Error> {
    let pending: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, created_at FROM orders WHERE status = 'pending'")
            .fetch_all(db)
            .await?;
    let mut conn = db.acquire().await?;
    let mut abandoned = Vec::new();
    for id in crate::store::stale(pending, older_than) {
        if abandon(&mut conn, id).await? {
            abandoned.push(id);
        }
    }
    Ok(abandoned)
}

/// The provider never answered: the `pending` order goes, its stock comes back; `false` when
/// it was not pending (any more).
pub(crate) async fn abandon(
    conn: &mut SqliteConnection,
    order_id: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    // The first statement writes, so the transaction holds SQLite's write lock: the order
    // cannot be settled or abandoned by another process in between.
    let still_pending =
        sqlx::query("UPDATE orders SET status = status WHERE id = ? AND status = 'pending'")
            .bind(order_id)
            .execute(&mut *tx)
            .await?;
    if still_pending.rows_affected() == 0 {
        return Ok(false);
    }
    orders::restock(&mut tx, order_id).await?;
    sqlx::query("DELETE FROM orders WHERE id = ?")
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}
