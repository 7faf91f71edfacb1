//! The order lifecycle as the orders service applies it: the table of which status may follow
//! which, and who may make the move, is `api_types::orders::TRANSITIONS` (the app reads the same
//! one); this module records moves, their timeline and restocking.

pub(crate) use api_types::orders::Actor;
use api_types::orders::OrderStatus::{self, *};
use sqlx::SqliteConnection;
use time::format_description::well_known::Rfc3339;

/// Whether `actor` may move an order from `from` to `to` (the table is
/// [`api_types::orders::TRANSITIONS`], shared with the app).
pub(crate) fn allowed(from: OrderStatus, to: OrderStatus, actor: Actor) -> bool {
    from.may_move_to(to, actor)
}

/// Whether a move puts the order's stock back.
pub(crate) fn restocks(to: OrderStatus) -> bool {
    matches!(to, Cancelled | PaymentFailed)
}

/// Records that order `order_id` reached `status` now (its timeline).
pub(crate) async fn record(
    conn: &mut SqliteConnection,
    order_id: i64,
    status: OrderStatus,
) -> Result<(), sqlx::Error> {
    let now = time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default();
    sqlx::query("UPDATE orders SET status = ? WHERE id = ?")
        .bind(status.as_str())
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    metrics::counter!("order_status_changes_total", "status" => status.as_str()).increment(1);
    sqlx::query("INSERT INTO order_events (order_id, status, at) VALUES (?, ?, ?)")
        .bind(order_id)
        .bind(status.as_str())
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Puts the stock of every line of order `order_id` back.
pub(crate) async fn restock(conn: &mut SqliteConnection, order_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE products SET stock = stock + (
             SELECT quantity FROM order_items WHERE order_id = ?1 AND product_id = products.id)
         WHERE id IN (SELECT product_id FROM order_items WHERE order_id = ?1)",
    )
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_may_only_cancel_before_shipping() {
        assert!(allowed(Paid, Cancelled, Actor::Owner));
        assert!(allowed(Preparing, Cancelled, Actor::Owner));
        assert!(!allowed(Shipped, Cancelled, Actor::Owner));
        assert!(!allowed(Paid, Preparing, Actor::Owner));
    }

    #[test]
    fn admins_move_orders_forward_one_step_at_a_time() {
        assert!(allowed(Paid, Preparing, Actor::Admin));
        assert!(allowed(Preparing, Shipped, Actor::Admin));
        assert!(allowed(Shipped, Delivered, Actor::Admin));
        assert!(!allowed(Paid, Shipped, Actor::Admin));
        assert!(!allowed(Delivered, Shipped, Actor::Admin));
        assert!(!allowed(Pending, Paid, Actor::Admin));
    }

    #[test]
    fn finished_orders_never_move() {
        for to in OrderStatus::ALL {
            for actor in [Actor::System, Actor::Owner, Actor::Admin] {
                for from in [PaymentFailed, Delivered, Cancelled] {
                    assert!(!allowed(from, to, actor), "{from:?} -> {to:?}");
                }
            }
        }
    }
}
