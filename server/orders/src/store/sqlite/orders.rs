//! The orders' SQL: an order with its lines and timeline, pages of orders, the idempotency
//! key lookup, status moves (recorded with their timeline) and restocking.

use crate::store::rows::{assemble, in_order_of, parse_status, EventRow, ItemRow, OrderRow};
use crate::store::OrderHeader;
use api_types::orders::{Order, OrderStatus};
use shop_common::paging::Paging;
use sqlx::{Row, SqliteConnection, SqlitePool};
use time::format_description::well_known::Rfc3339;

/// The user's order with this idempotency key, if any.
pub(crate) async fn find_by_key(
    db: &mut SqliteConnection,
    user_id: i64,
    key: &str,
) -> Result<Option<OrderHeader>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, status, request_hash FROM orders WHERE user_id = ? AND idempotency_key = ?",
    )
    .bind(user_id)
    .bind(key)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(OrderHeader {
            id: r.try_get("id")?,
            status: parse_status(&r.try_get::<String, _>("status")?)?,
            request_hash: r.try_get("request_hash")?,
        })
    })
    .transpose()
}

/// Loads one order with its lines and timeline (see [`load_orders`]).
pub(crate) async fn load_order(
    db: &mut SqliteConnection,
    id: i64,
) -> Result<Option<Order>, sqlx::Error> {
    Ok(load_orders(db, &[id]).await?.pop())
}

/// One page of orders, newest first: all of them or one user's, of one status or any; and how
/// many there are in all.
///
/// The count comes from the counters the migrations' triggers keep (`order_counts` per
/// customer and status, `order_status_counts` per status): at most seven rows, however many
/// orders there are. The page's `WHERE` names only the filters given, so SQLite walks the
/// index that serves them (`orders_user` for one user's history, `orders_status` for the admin
/// board by status, the primary key otherwise); a clause such as `(? IS NULL OR user_id = ?)`
/// would read every order instead. The page's lines and timelines then come in two queries
/// whatever its number of orders ([`complete`]).
pub(crate) async fn orders_page(
    db: &SqlitePool,
    user_id: Option<i64>,
    status: Option<OrderStatus>,
    paging: &Paging,
) -> Result<(Vec<Order>, u64), sqlx::Error> {
    let status = status.map(OrderStatus::as_str);
    let (count_sql, page_sql) = page_queries(user_id.is_some(), status.is_some());
    let mut conn = db.acquire().await?;
    let mut count = sqlx::query_scalar::<_, i64>(&count_sql);
    let mut page = sqlx::query_as::<_, OrderRow>(&page_sql);
    if let Some(user_id) = user_id {
        count = count.bind(user_id);
        page = page.bind(user_id);
    }
    if let Some(status) = status {
        count = count.bind(status);
        page = page.bind(status);
    }
    let total = count.fetch_one(&mut *conn).await?;
    let rows = page
        .bind(paging.limit())
        .bind(paging.offset())
        .fetch_all(&mut *conn)
        .await?;
    let items = complete(&mut conn, rows).await?;
    Ok((items, u64::try_from(total).unwrap_or(0)))
}

/// The count and page queries of [`orders_page`] for the filters given: binds the user id,
/// then the status (each only when filtered on), then (the page) `LIMIT` and `OFFSET`.
fn page_queries(by_user: bool, by_status: bool) -> (String, String) {
    let (filter, counted) = match (by_user, by_status) {
        (true, true) => (
            "WHERE user_id = ? AND status = ?",
            "order_counts WHERE user_id = ? AND status = ?",
        ),
        (true, false) => ("WHERE user_id = ?", "order_counts WHERE user_id = ?"),
        (false, true) => ("WHERE status = ?", "order_status_counts WHERE status = ?"),
        (false, false) => ("", "order_status_counts"),
    };
    (
        format!("SELECT COALESCE(SUM(orders), 0) FROM {counted}"),
        format!("SELECT {ORDER_COLUMNS} FROM orders {filter} ORDER BY id DESC LIMIT ? OFFSET ?"),
    )
}

/// The columns of an [`OrderRow`].
const ORDER_COLUMNS: &str = "id, user_id, customer, status, total_cents, currency, created_at";

/// The orders `ids`, in that order, with their lines and timelines: three queries whatever
/// the number of orders (no query per order).
pub(crate) async fn load_orders(
    conn: &mut SqliteConnection,
    ids: &[i64],
) -> Result<Vec<Order>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = vec!["?"; ids.len()].join(", ");
    let orders_sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id IN ({list})");
    let orders: Vec<OrderRow> = bind_ids(&orders_sql, ids).fetch_all(&mut *conn).await?;
    complete(conn, in_order_of(ids, orders)).await
}

/// The orders of `rows`, in that order, with their lines and timelines: two queries whatever
/// their number.
async fn complete(
    conn: &mut SqliteConnection,
    rows: Vec<OrderRow>,
) -> Result<Vec<Order>, sqlx::Error> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let list = vec!["?"; ids.len()].join(", ");
    let items_sql = format!(
        "SELECT order_id, product_id, name, unit_price_cents, quantity, line_total_cents
         FROM order_items WHERE order_id IN ({list}) ORDER BY rowid"
    );
    let events_sql = format!(
        "SELECT order_id, status, at FROM order_events WHERE order_id IN ({list}) ORDER BY id"
    );
    let items: Vec<ItemRow> = bind_ids(&items_sql, &ids).fetch_all(&mut *conn).await?;
    let events: Vec<EventRow> = bind_ids(&events_sql, &ids).fetch_all(&mut *conn).await?;
    assemble(rows, items, events)
}

/// `sql`, read as rows of `T`, with each of `ids` bound in turn (its `IN (?, …)` list).
fn bind_ids<'q, T>(
    sql: &'q str,
    ids: &[i64],
) -> sqlx::query::QueryAs<'q, sqlx::Sqlite, T, sqlx::sqlite::SqliteArguments<'q>>
where
    T: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
{
    ids.iter()
        .fold(sqlx::query_as(sql), |query, id| query.bind(*id))
}

/// The status of order `id` (`None`: no such order), read after a write so that the
/// transaction `tx` holds SQLite's write lock first: no other move can interleave.
pub(crate) async fn lock_status(
    tx: &mut SqliteConnection,
    id: i64,
) -> Result<Option<OrderStatus>, sqlx::Error> {
    sqlx::query("UPDATE orders SET status = status WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM orders WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
    status.as_deref().map(parse_status).transpose()
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
    crate::store::count_status_change(status);
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
    use super::page_queries;

    /// SQLite's plan for `sql`, one line per step.
    async fn plan(db: &sqlx::SqlitePool, sql: &str, binds: usize) -> String {
        let explain = format!("EXPLAIN QUERY PLAN {sql}");
        let query = (0..binds).fold(sqlx::query(&explain), |q, _| q.bind(1_i64));
        let rows = query.fetch_all(db).await.expect("a plan");
        rows.iter()
            .map(|r| sqlx::Row::get::<String, _>(r, "detail"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[tokio::test]
    async fn a_history_or_a_board_by_status_is_read_through_an_index_and_counted_from_counters() {
        let db = sqlx::SqlitePool::connect("sqlite::memory:")
            .await
            .expect("a database");
        super::super::MIGRATOR.run(&db).await.expect("migrations");
        for (by_user, by_status, indexes, counters) in [
            (true, false, &["orders_user"][..], "order_counts"),
            (
                true,
                true,
                &["orders_user", "orders_status"][..],
                "order_counts",
            ),
            (false, true, &["orders_status"][..], "order_status_counts"),
        ] {
            let (count, page) = page_queries(by_user, by_status);
            let filters = usize::from(by_user) + usize::from(by_status);
            let plan_of_page = plan(&db, &page, filters + 2).await;
            assert!(
                plan_of_page.contains("SEARCH orders USING")
                    && indexes.iter().any(|index| plan_of_page.contains(index)),
                "{page}: {plan_of_page}"
            );
            assert!(
                !plan_of_page.contains("SCAN orders"),
                "{page}: {plan_of_page}"
            );
            // The total never reads the orders themselves, only the counters' primary key.
            let plan_of_count = plan(&db, &count, filters).await;
            assert!(
                plan_of_count.contains(&format!("SEARCH {counters} USING PRIMARY KEY")),
                "{count}: {plan_of_count}"
            );
            assert!(
                !plan_of_count.contains("orders "),
                "{count}: {plan_of_count}"
            );
        }
    }

    /// The counters agree with `COUNT(*)` of the orders, per customer and status and per
    /// status, after inserts, status moves, a no-op move and deletes.
    #[tokio::test]
    async fn the_triggers_keep_the_counters_equal_to_the_orders() {
        let db = sqlx::SqlitePool::connect("sqlite::memory:")
            .await
            .expect("a database");
        super::super::MIGRATOR.run(&db).await.expect("migrations");
        let insert = "INSERT INTO orders (user_id, status, total_cents, currency, idempotency_key,
                      request_hash, created_at) VALUES (?, 'pending', 100, 'EUR', ?, '', '')";
        for (user, key) in [(1, "a"), (1, "b"), (1, "c"), (2, "d"), (2, "e")] {
            sqlx::query(insert)
                .bind(user)
                .bind(key)
                .execute(&db)
                .await
                .unwrap();
        }
        for (sql, key) in [
            (
                "UPDATE orders SET status = 'paid' WHERE idempotency_key = ?",
                "a",
            ),
            (
                "UPDATE orders SET status = 'paid' WHERE idempotency_key = ?",
                "b",
            ),
            (
                "UPDATE orders SET status = 'cancelled' WHERE idempotency_key = ?",
                "b",
            ),
            (
                "UPDATE orders SET status = status WHERE idempotency_key = ?",
                "c",
            ),
            (
                "UPDATE orders SET status = 'paid' WHERE idempotency_key = ?",
                "d",
            ),
            ("DELETE FROM orders WHERE idempotency_key = ?", "e"),
            ("DELETE FROM orders WHERE idempotency_key = ?", "c"),
        ] {
            sqlx::query(sql).bind(key).execute(&db).await.unwrap();
        }
        let counted: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT user_id, status, orders FROM order_counts WHERE orders > 0 ORDER BY 1, 2",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        let actual: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT user_id, status, COUNT(*) FROM orders GROUP BY 1, 2 ORDER BY 1, 2",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        assert_eq!(counted, actual);
        assert_eq!(
            actual,
            [
                (1, "cancelled".to_owned(), 1),
                (1, "paid".to_owned(), 1),
                (2, "paid".to_owned(), 1)
            ]
        );
        let by_status: Vec<(String, i64)> = sqlx::query_as(
            "SELECT status, orders FROM order_status_counts WHERE orders > 0 ORDER BY 1",
        )
        .fetch_all(&db)
        .await
        .unwrap();
        assert_eq!(
            by_status,
            [("cancelled".to_owned(), 1), ("paid".to_owned(), 2)]
        );
    }
}
