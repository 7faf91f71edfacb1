//! The orders' SQL: an order with its lines and timeline, pages of orders, the idempotency
//! key lookup, status moves (recorded with their timeline) and restocking.

use crate::store::rows::{orders_from_json, parse_status};
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

/// One page of orders, newest first: all of them or one user's, of one status or any; and how
/// many there are in all.
///
/// One query answers both ([`page_query`]): SQLite builds the page as one JSON array, lines
/// and timelines included, that serde reads into [`Order`]s (checking every status). sqlx's
/// SQLite driver hands every row from its connection's thread to the task that asked, so one
/// row instead of a row per order, line and timeline entry is what keeps a full page nearly as
/// cheap as an empty one.
///
/// # Errors
/// The database's; a page that is not the JSON of orders (a corrupt row) as `Decode`.
pub(crate) async fn orders_page(
    db: &SqlitePool,
    user_id: Option<i64>,
    status: Option<OrderStatus>,
    paging: &Paging,
) -> Result<(Vec<Order>, u64), sqlx::Error> {
    let status = status.map(OrderStatus::as_str);
    let sql = page_query(user_id.is_some(), status.is_some());
    let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
    for _ in 0..2 {
        if let Some(user_id) = user_id {
            query = query.bind(user_id);
        }
        if let Some(status) = status {
            query = query.bind(status);
        }
    }
    let (total, page) = query
        .bind(paging.limit())
        .bind(paging.offset())
        .fetch_one(db)
        .await?;
    Ok((orders_from_json(&page)?, u64::try_from(total).unwrap_or(0)))
}

/// The query of [`orders_page`] for the filters given: one row of the count and the page's
/// JSON. Binds the user id, then the status (each only when filtered on), twice (the count,
/// then the page), then `LIMIT` and `OFFSET`.
///
/// The count reads the counters the migrations' triggers keep (`order_counts` per customer
/// and status, `order_status_counts` per status): at most seven rows however many orders there
/// are. The page's `WHERE` names only the filters given, so SQLite walks the index that serves
/// them (`orders_user` for one user's history, `orders_status` for the admin board by status,
/// the primary key otherwise); a clause such as `(? IS NULL OR user_id = ?)` would read every
/// order instead.
fn page_query(by_user: bool, by_status: bool) -> String {
    let filter = match (by_user, by_status) {
        (true, true) => "WHERE user_id = ? AND status = ?",
        (true, false) => "WHERE user_id = ?",
        (false, true) => "WHERE status = ?",
        (false, false) => "",
    };
    // The counters take the same filter: `order_counts` has both columns, and
    // `order_status_counts`, used only when no user is asked for, has the status.
    let counters = if by_user {
        "order_counts"
    } else {
        "order_status_counts"
    };
    format!(
        "SELECT (SELECT COALESCE(SUM(orders), 0) FROM {counters} {filter}), {ORDERS_JSON}
         FROM (SELECT * FROM orders {filter} ORDER BY id DESC LIMIT ? OFFSET ?) o"
    )
}

/// The orders `o` as one JSON array in the shape of [`Order`], newest first, each with its
/// lines (in the order bought) and timeline (oldest first). `json()` keeps the nested arrays
/// JSON rather than strings.
const ORDERS_JSON: &str = "json_group_array(json_object(
    'id', o.id, 'user_id', o.user_id, 'customer', o.customer, 'status', o.status,
    'items', json((SELECT json_group_array(json_object(
        'product_id', i.product_id, 'name', i.name, 'unit_price_cents', i.unit_price_cents,
        'quantity', i.quantity, 'line_total_cents', i.line_total_cents) ORDER BY i.rowid)
        FROM order_items i WHERE i.order_id = o.id)),
    'total_cents', o.total_cents, 'currency', o.currency, 'created_at', o.created_at,
    'timeline', json((SELECT json_group_array(json_object('status', e.status, 'at', e.at)
        ORDER BY e.id) FROM order_events e WHERE e.order_id = o.id))
    ) ORDER BY o.id DESC)";

/// Order `id` with its lines and timeline, in one query.
pub(crate) async fn load_order(
    db: &mut SqliteConnection,
    id: i64,
) -> Result<Option<Order>, sqlx::Error> {
    let sql = format!("SELECT {ORDERS_JSON} FROM orders o WHERE o.id = ?");
    let json: String = sqlx::query_scalar(&sql).bind(id).fetch_one(db).await?;
    Ok(orders_from_json(&json)?.pop())
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
    use super::page_query;
    use api_types::orders::OrderStatus;
    use shop_common::paging::Paging;

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
    async fn a_history_or_a_board_by_status_is_read_through_indexes_and_counted_from_counters() {
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
            let sql = page_query(by_user, by_status);
            let filters = usize::from(by_user) + usize::from(by_status);
            let plan = plan(&db, &sql, 2 * filters + 2).await;
            assert!(
                plan.contains("SEARCH orders USING")
                    && indexes.iter().any(|index| plan.contains(index)),
                "{sql}: {plan}"
            );
            // The total reads only the counters' primary key, the lines and timelines their
            // order's entries.
            assert!(
                plan.contains(&format!("SEARCH {counters} USING PRIMARY KEY")),
                "{plan}"
            );
            assert!(plan.contains("SEARCH i USING"), "{plan}");
            assert!(plan.contains("SEARCH e USING"), "{plan}");
            assert!(!plan.contains("SCAN orders"), "{plan}");
        }
    }

    /// A page as the store reads it: lines in the order bought, timelines oldest first, no
    /// line or entry of another order, and an empty page as an empty list.
    #[tokio::test]
    async fn a_page_comes_whole_in_the_shape_of_orders() {
        let db = sqlx::SqlitePool::connect("sqlite::memory:")
            .await
            .expect("a database");
        super::super::MIGRATOR.run(&db).await.expect("migrations");
        let paging = Paging::new(None, None).unwrap();
        let (empty, total) = super::orders_page(&db, Some(1), None, &paging)
            .await
            .unwrap();
        assert_eq!((empty.len(), total), (0, 0));
        for key in ["a", "b"] {
            sqlx::query(
                "INSERT INTO orders (user_id, customer, status, total_cents, currency,
                 idempotency_key, request_hash, created_at) VALUES (1, 'ann', 'paid', 590, 'EUR', ?, '', 't0')",
            )
            .bind(key)
            .execute(&db)
            .await
            .unwrap();
        }
        for (order, product, name) in [(1, 9, "Nine"), (1, 2, "Two"), (2, 5, "Five")] {
            sqlx::query(
                "INSERT INTO order_items (order_id, product_id, name, unit_price_cents, quantity,
                 line_total_cents) VALUES (?, ?, ?, 295, 2, 590)",
            )
            .bind(order)
            .bind(product)
            .bind(name)
            .execute(&db)
            .await
            .unwrap();
        }
        for (order, status, at) in [(1, "pending", "t1"), (1, "paid", "t2"), (2, "paid", "t3")] {
            sqlx::query("INSERT INTO order_events (order_id, status, at) VALUES (?, ?, ?)")
                .bind(order)
                .bind(status)
                .bind(at)
                .execute(&db)
                .await
                .unwrap();
        }
        let (page, total) = super::orders_page(&db, Some(1), None, &paging)
            .await
            .unwrap();
        assert_eq!(total, 2);
        assert_eq!(page.iter().map(|o| o.id).collect::<Vec<_>>(), [2, 1]);
        let first = &page[1];
        assert_eq!(
            (
                first.customer.as_str(),
                first.status,
                first.total_cents,
                first.created_at.as_str()
            ),
            ("ann", OrderStatus::Paid, 590, "t0")
        );
        assert_eq!(
            first
                .items
                .iter()
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>(),
            ["Nine", "Two"]
        );
        assert_eq!(
            (
                first.items[0].product_id,
                first.items[0].quantity,
                first.items[0].line_total_cents
            ),
            (9, 2, 590)
        );
        assert_eq!(
            first
                .timeline
                .iter()
                .map(|e| (e.status, e.at.as_str()))
                .collect::<Vec<_>>(),
            [(OrderStatus::Pending, "t1"), (OrderStatus::Paid, "t2")]
        );
        assert_eq!(page[0].items.len(), 1);
        let mut conn = db.acquire().await.unwrap();
        let loaded = super::load_order(&mut conn, 1).await.unwrap();
        assert_eq!(loaded.as_ref(), Some(&page[1]));
        assert_eq!(super::load_order(&mut conn, 7).await.unwrap(), None);
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
