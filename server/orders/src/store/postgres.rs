//! The orders store on PostgreSQL (for several orders replicas on one database), migrations in
//! `migrations/postgres` (which also seed the demo catalog).
//!
//! Concurrency, at PostgreSQL's default READ COMMITTED isolation:
//! - No oversell: the stock is taken by `UPDATE products SET stock = stock - q WHERE id = p AND
//!   stock >= q`. A concurrent buyer waits for the row lock and the condition is checked again
//!   on the committed row, so the stock never goes below zero. Lines are taken in product id
//!   order, so two orders of the same products cannot deadlock.
//! - One order per idempotency key: `UNIQUE (user_id, idempotency_key)`; the second insert
//!   waits for the first transaction and then fails as a unique violation.
//! - One checkout of a cart at a time: a cart checkout takes a transaction-scoped advisory lock
//!   on its user before it looks for a pending one.
//! - Status moves (and so "cancel restocks once"): `SELECT status … FOR UPDATE` locks the order
//!   row; a second move waits and then reads the status the first committed.
//! - Abandoning a pending order locks it the same way and only if it is still `pending`, so a
//!   sweep on another replica never abandons an order that was settled meanwhile.
//!
//! Live order events cross replicas with `LISTEN`/`NOTIFY`: a status change notifies channel
//! [`CHANGES_CHANNEL`] with the order id in its own transaction (delivered when it commits),
//! and every replica listens on one connection of its own and passes the ids on to its
//! streams; after that connection was lost and made again, it passes on
//! [`crate::store::ANY_ORDER`], since notifications in between are lost.

use crate::error::OrdersError;
use crate::lifecycle::{self, Actor};
use crate::payment::PaymentOutcome;
use crate::store::rows::{orders_from_json, parse_status};
use crate::store::{
    CartStore, CatalogStore, NewProduct, OrderHeader, OrderStore, OrdersStore, ProductChanges,
    ProductFilter, Reservation, Reserved, CURRENCY,
};
use api_types::catalog::{Category, Product, ProductSort};
use api_types::orders::{Cart, CartItem, Order, OrderStatus};
use async_trait::async_trait;
use shop_common::paging::Paging;
use shop_common::store::{is_unique_violation, StoreError, StoreResult};
use shop_common::ApiError;
use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::Row;
use time::format_description::well_known::Rfc3339;

/// The migrations of the PostgreSQL store.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

const PRODUCT_COLUMNS: &str =
    "id, name, description, price_cents, currency, category_id, stock, image_url, active";

/// The channel of order status changes (`NOTIFY shop_order_changes, '<order id>'`).
pub(crate) const CHANGES_CHANNEL: &str = "shop_order_changes";

/// The orders store on a PostgreSQL database.
#[derive(Clone)]
pub(crate) struct PostgresStore {
    pool: PgPool,
    changes: tokio::sync::broadcast::Sender<i64>,
}

impl PostgresStore {
    /// Connects to `url` with at most `max_connections` and runs the migrations.
    ///
    /// # Errors
    /// A server that cannot be reached or refuses the credentials, or a migration that fails.
    pub(crate) async fn open(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        let pool = shop_common::db::open_postgres(url, &MIGRATOR, max_connections).await?;
        let changes = tokio::sync::broadcast::channel(crate::store::CHANGES_BUFFER).0;
        let mut listener = sqlx::postgres::PgListener::connect_with(&pool).await?;
        listener.listen(CHANGES_CHANNEL).await?;
        tokio::spawn(pass_changes_on(listener, changes.downgrade()));
        Ok(Self { pool, changes })
    }
}

/// Passes the ids notified on [`CHANGES_CHANNEL`] on to `changes` until the store is gone.
async fn pass_changes_on(
    mut listener: sqlx::postgres::PgListener,
    changes: tokio::sync::broadcast::WeakSender<i64>,
) {
    let mut check = tokio::time::interval(std::time::Duration::from_secs(1));
    loop {
        tokio::select! {
            notified = listener.try_recv() => {
                let Some(changes) = changes.upgrade() else { break };
                let id = match notified {
                    Ok(Some(n)) => n.payload().parse().unwrap_or(crate::store::ANY_ORDER),
                    // The connection was lost; the listener connects again on the next call.
                    Ok(None) | Err(_) => {
                        tracing::warn!("order change notifications interrupted; streams reload");
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        crate::store::ANY_ORDER
                    }
                };
                let _ = changes.send(id);
            }
            _ = check.tick() => {
                if changes.upgrade().is_none() {
                    break;
                }
            }
        }
    }
}

/// Notifies [`CHANGES_CHANNEL`] of order `id` inside `tx` (delivered when it commits).
async fn notify_change(tx: &mut PgConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANGES_CHANNEL)
        .bind(id.to_string())
        .execute(tx)
        .await?;
    Ok(())
}

fn now_text() -> String {
    time::OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

fn product_from_row(row: &PgRow) -> Result<Product, sqlx::Error> {
    Ok(Product {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        description: row.try_get("description")?,
        price_cents: row.try_get("price_cents")?,
        currency: row.try_get("currency")?,
        category: row.try_get("category_id")?,
        stock: row.try_get("stock")?,
        image_url: row.try_get("image_url")?,
        active: row.try_get("active")?,
    })
}

fn order_by(sort: ProductSort) -> &'static str {
    match sort {
        ProductSort::Featured => "id",
        ProductSort::NameAsc => "lower(name), id",
        ProductSort::NameDesc => "lower(name) DESC, id",
        ProductSort::PriceAsc => "price_cents, id",
        ProductSort::PriceDesc => "price_cents DESC, id",
    }
}

/// The orders `o` as one JSON array in the shape of [`Order`], newest first, each with its
/// lines (by product) and timeline (oldest first); `[]` for none.
const ORDERS_JSON: &str = "COALESCE(json_agg(json_build_object(
    'id', o.id, 'user_id', o.user_id, 'customer', o.customer, 'status', o.status,
    'items', (SELECT COALESCE(json_agg(json_build_object(
        'product_id', i.product_id, 'name', i.name, 'unit_price_cents', i.unit_price_cents,
        'quantity', i.quantity, 'line_total_cents', i.line_total_cents) ORDER BY i.product_id),
        '[]') FROM order_items i WHERE i.order_id = o.id),
    'total_cents', o.total_cents, 'currency', o.currency, 'created_at', o.created_at,
    'timeline', (SELECT COALESCE(json_agg(json_build_object('status', e.status, 'at', e.at)
        ORDER BY e.id), '[]') FROM order_events e WHERE e.order_id = o.id)
    ) ORDER BY o.id DESC), '[]')::TEXT";

/// Order `id` with its lines and timeline, in one query.
async fn load_order(conn: &mut PgConnection, id: i64) -> Result<Option<Order>, sqlx::Error> {
    let sql = format!("SELECT {ORDERS_JSON} FROM orders o WHERE o.id = $1");
    let json: String = sqlx::query_scalar(&sql).bind(id).fetch_one(conn).await?;
    Ok(orders_from_json(&json)?.pop())
}

/// Records that order `order_id` reached `status` now (and its timeline entry).
async fn record(
    conn: &mut PgConnection,
    order_id: i64,
    status: OrderStatus,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE orders SET status = $1 WHERE id = $2")
        .bind(status.as_str())
        .bind(order_id)
        .execute(&mut *conn)
        .await?;
    crate::store::count_status_change(status);
    sqlx::query("INSERT INTO order_events (order_id, status, at) VALUES ($1, $2, $3)")
        .bind(order_id)
        .bind(status.as_str())
        .bind(now_text())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Puts the stock of every line of order `order_id` back.
async fn restock(conn: &mut PgConnection, order_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE products p SET stock = p.stock + i.quantity
         FROM order_items i WHERE i.order_id = $1 AND i.product_id = p.id",
    )
    .bind(order_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Abandons order `order_id` if it is still `pending`: the stock back, the order gone.
async fn abandon(pool: &PgPool, order_id: i64) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let pending: Option<i64> =
        sqlx::query_scalar("SELECT id FROM orders WHERE id = $1 AND status = 'pending' FOR UPDATE")
            .bind(order_id)
            .fetch_optional(&mut *tx)
            .await?;
    if pending.is_none() {
        return Ok(false);
    }
    restock(&mut tx, order_id).await?;
    sqlx::query("DELETE FROM orders WHERE id = $1")
        .bind(order_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

#[async_trait]
impl OrdersStore for PostgresStore {
    async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    fn subscribe(&self) -> crate::store::OrderChanges {
        self.changes.subscribe()
    }
}

#[async_trait]
impl CatalogStore for PostgresStore {
    async fn product(&self, id: i64, include_hidden: bool) -> StoreResult<Option<Product>> {
        let row = sqlx::query(&format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE id = $1 AND (active OR $2)"
        ))
        .bind(id)
        .bind(include_hidden)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.as_ref().map(product_from_row).transpose()?)
    }

    async fn search_products(
        &self,
        filter: &ProductFilter<'_>,
        paging: &Paging,
    ) -> StoreResult<(Vec<Product>, u64)> {
        let pattern = filter.text.map(crate::store::like_pattern);
        let condition = "(active OR $1) AND ($2::text IS NULL OR category_id = $2)
             AND ($3::text IS NULL OR name ILIKE $3 ESCAPE '\\' OR description ILIKE $3 ESCAPE '\\')";
        let total: i64 =
            sqlx::query_scalar(&format!("SELECT COUNT(*) FROM products WHERE {condition}"))
                .bind(filter.include_hidden)
                .bind(filter.category)
                .bind(&pattern)
                .fetch_one(&self.pool)
                .await?;
        let sql = format!(
            "SELECT {PRODUCT_COLUMNS} FROM products WHERE {condition} ORDER BY {} LIMIT $4 OFFSET $5",
            order_by(filter.sort)
        );
        let rows = sqlx::query(&sql)
            .bind(filter.include_hidden)
            .bind(filter.category)
            .bind(&pattern)
            .bind(paging.limit())
            .bind(paging.offset())
            .fetch_all(&self.pool)
            .await?;
        let items = rows
            .iter()
            .map(product_from_row)
            .collect::<Result<_, _>>()?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }

    async fn categories(&self) -> StoreResult<Vec<Category>> {
        let rows = sqlx::query(
            "SELECT c.id, c.name, COUNT(p.id) AS product_count
             FROM categories c LEFT JOIN products p ON p.category_id = c.id AND p.active
             GROUP BY c.id, c.name ORDER BY c.name",
        )
        .fetch_all(&self.pool)
        .await?;
        let categories = rows
            .iter()
            .map(|r| {
                Ok(Category {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    product_count: u64::try_from(r.try_get::<i64, _>("product_count")?)
                        .unwrap_or(0),
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(categories)
    }

    async fn category_exists(&self, id: &str) -> StoreResult<bool> {
        Ok(
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM categories WHERE id = $1)")
                .bind(id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn insert_product(&self, p: &NewProduct<'_>) -> StoreResult<i64> {
        Ok(sqlx::query_scalar(
            "INSERT INTO products (name, description, price_cents, category_id, stock, image_url)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(p.name)
        .bind(p.description)
        .bind(p.price_cents)
        .bind(p.category)
        .bind(p.stock)
        .bind(p.image_url)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn update_product(&self, id: i64, c: &ProductChanges<'_>) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE products SET name = COALESCE($1, name), description = COALESCE($2, description),
                 price_cents = COALESCE($3, price_cents), stock = COALESCE($4, stock),
                 active = COALESCE($5, active)
             WHERE id = $6",
        )
        .bind(c.name)
        .bind(c.description)
        .bind(c.price_cents)
        .bind(c.stock)
        .bind(c.active)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    async fn hide_product(&self, id: i64) -> StoreResult<bool> {
        let done = sqlx::query("UPDATE products SET active = FALSE WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() > 0)
    }
}

async fn load_cart(conn: &mut PgConnection, user_id: i64) -> Result<Cart, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT c.product_id, p.name, p.price_cents, c.quantity
         FROM cart_items c JOIN products p ON p.id = c.product_id AND p.active
         WHERE c.user_id = $1 ORDER BY c.added_at, c.product_id",
    )
    .bind(user_id)
    .fetch_all(conn)
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
    Ok(Cart {
        total_cents: items.iter().map(|i| i.line_total_cents).sum(),
        items,
        currency: CURRENCY.to_owned(),
    })
}

#[async_trait]
impl CartStore for PostgresStore {
    async fn cart(&self, user_id: i64) -> StoreResult<Cart> {
        let mut conn = self.pool.acquire().await?;
        Ok(load_cart(&mut conn, user_id).await?)
    }

    async fn set_cart_item(&self, user_id: i64, product_id: i64, quantity: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO cart_items (user_id, product_id, quantity, added_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = EXCLUDED.quantity",
        )
        .bind(user_id)
        .bind(product_id)
        .bind(quantity)
        .bind(now_text())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn remove_cart_item(&self, user_id: i64, product_id: i64) -> StoreResult<()> {
        sqlx::query("DELETE FROM cart_items WHERE user_id = $1 AND product_id = $2")
            .bind(user_id)
            .bind(product_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The query of [`OrderStore::orders_page`] for the filters given: one row of the count and
/// the page's JSON ([`ORDERS_JSON`]). Binds the user id, then the status (each only when
/// filtered on), then `LIMIT` and `OFFSET`. The count reads the counters the migrations'
/// trigger keeps (at most seven rows); the page's `WHERE` names only the filters given, so the
/// matching index serves it.
fn page_query(by_user: bool, by_status: bool) -> String {
    let mut conditions = Vec::new();
    if by_user {
        conditions.push(format!("user_id = ${}", conditions.len() + 1));
    }
    if by_status {
        conditions.push(format!("status = ${}", conditions.len() + 1));
    }
    let filter = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let counters = if by_user {
        "order_counts"
    } else {
        "order_status_counts"
    };
    let n = conditions.len();
    format!(
        "SELECT (SELECT COALESCE(SUM(orders), 0)::BIGINT FROM {counters} {filter}), {ORDERS_JSON}
         FROM (SELECT * FROM orders {filter} ORDER BY id DESC LIMIT ${} OFFSET ${}) o",
        n + 1,
        n + 2
    )
}

#[async_trait]
impl OrderStore for PostgresStore {
    async fn order_by_key(&self, user_id: i64, key: &str) -> StoreResult<Option<OrderHeader>> {
        let row = sqlx::query(
            "SELECT id, status, request_hash FROM orders WHERE user_id = $1 AND idempotency_key = $2",
        )
        .bind(user_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let header = row.map(|r| -> Result<OrderHeader, sqlx::Error> {
            Ok(OrderHeader {
                id: r.try_get("id")?,
                status: parse_status(&r.try_get::<String, _>("status")?)?,
                request_hash: r.try_get("request_hash")?,
            })
        });
        Ok(header.transpose()?)
    }

    async fn order(&self, id: i64) -> StoreResult<Option<Order>> {
        let mut conn = self.pool.acquire().await?;
        Ok(load_order(&mut conn, id).await?)
    }

    async fn orders_page(
        &self,
        user_id: Option<i64>,
        status: Option<OrderStatus>,
        paging: &Paging,
    ) -> StoreResult<(Vec<Order>, u64)> {
        let status = status.map(OrderStatus::as_str);
        let sql = page_query(user_id.is_some(), status.is_some());
        let mut query = sqlx::query_as::<_, (i64, String)>(&sql);
        if let Some(user_id) = user_id {
            query = query.bind(user_id);
        }
        if let Some(status) = status {
            query = query.bind(status);
        }
        let (total, page) = query
            .bind(paging.limit())
            .bind(paging.offset())
            .fetch_one(&self.pool)
            .await?;
        let items = orders_from_json(&page)?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }

    async fn reserve(&self, r: &Reservation<'_>) -> Result<Reserved, OrdersError> {
        let mut tx = self.pool.begin().await?;
        if r.from_cart {
            // One checkout of a user's cart at a time (see the module's documentation).
            sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('shop.orders.cart', $1))")
                .bind(r.user_id)
                .execute(&mut *tx)
                .await?;
        }
        let order_id: i64 = sqlx::query_scalar(
            "INSERT INTO orders (user_id, customer, status, total_cents, currency, idempotency_key, request_hash, created_at)
             VALUES ($1, $6, 'pending', 0, $2, $3, $4, $5) RETURNING id",
        )
        .bind(r.user_id)
        .bind(CURRENCY)
        .bind(r.key)
        .bind(r.request_hash)
        .bind(now_text())
        .bind(r.customer)
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| match e {
            e if is_unique_violation(&e) => OrdersError::IdempotencyKeyInUse,
            other => StoreError::from(other).into(),
        })?;
        if r.from_cart {
            let paying: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM orders
                 WHERE user_id = $1 AND status = 'pending' AND request_hash = $2 AND id <> $3",
            )
            .bind(r.user_id)
            .bind(r.request_hash)
            .bind(order_id)
            .fetch_one(&mut *tx)
            .await?;
            if paying > 0 {
                return Err(OrdersError::CheckoutInProgress);
            }
        }
        record(&mut tx, order_id, OrderStatus::Pending).await?;
        let mut total: i64 = 0;
        for (&product_id, quantity) in r.lines {
            let q = quantity.get();
            let taken = sqlx::query(
                "UPDATE products SET stock = stock - $1 WHERE id = $2 AND active AND stock >= $1
                 RETURNING name, price_cents",
            )
            .bind(q)
            .bind(product_id)
            .fetch_optional(&mut *tx)
            .await?;
            let Some(row) = taken else {
                let stock: Option<i64> =
                    sqlx::query_scalar("SELECT stock FROM products WHERE id = $1 AND active")
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
                 VALUES ($1, $2, $3, $4, $5, $6)",
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
        sqlx::query("UPDATE orders SET total_cents = $1 WHERE id = $2")
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

    async fn settle(
        &self,
        user_id: i64,
        order_id: i64,
        outcome: PaymentOutcome,
        from_cart: bool,
    ) -> StoreResult<()> {
        let status = match outcome {
            PaymentOutcome::Approved => OrderStatus::Paid,
            PaymentOutcome::Declined => OrderStatus::PaymentFailed,
        };
        let mut tx = self.pool.begin().await?;
        record(&mut tx, order_id, status).await?;
        if lifecycle::restocks(status) {
            restock(&mut tx, order_id).await?;
        } else if from_cart {
            sqlx::query("DELETE FROM cart_items WHERE user_id = $1")
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        }
        notify_change(&mut tx, order_id).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn abandon(&self, order_id: i64) -> StoreResult<()> {
        abandon(&self.pool, order_id).await?;
        Ok(())
    }

    async fn abandon_stale(&self, older_than: std::time::Duration) -> StoreResult<Vec<i64>> {
        let pending: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, created_at FROM orders WHERE status = 'pending'")
                .fetch_all(&self.pool)
                .await?;
        let mut abandoned = Vec::new();
        for id in crate::store::stale(pending, older_than) {
            if abandon(&self.pool, id).await? {
                abandoned.push(id);
            }
        }
        Ok(abandoned)
    }

    async fn move_order(
        &self,
        id: i64,
        to: OrderStatus,
        actor: Actor,
    ) -> Result<(OrderStatus, Order), OrdersError> {
        let mut tx = self.pool.begin().await?;
        let from: Option<String> =
            sqlx::query_scalar("SELECT status FROM orders WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let from = parse_status(&from.ok_or(ApiError::NotFound("order"))?)?;
        if !lifecycle::allowed(from, to, actor) {
            return Err(OrdersError::InvalidTransition { from, to });
        }
        record(&mut tx, id, to).await?;
        if lifecycle::restocks(to) {
            restock(&mut tx, id).await?;
        }
        let order = load_order(&mut tx, id)
            .await?
            .ok_or(ApiError::NotFound("order"))?;
        notify_change(&mut tx, id).await?;
        tx.commit().await?;
        Ok((from, order))
    }
}

#[cfg(test)]
mod tests {
    use super::page_query;

    #[test]
    fn page_queries_number_only_the_filters_given() {
        let both = page_query(true, true);
        assert!(
            both.starts_with(
                "SELECT (SELECT COALESCE(SUM(orders), 0)::BIGINT FROM order_counts \
                 WHERE user_id = $1 AND status = $2), "
            ),
            "{both}"
        );
        assert!(
            both.ends_with(
                "FROM (SELECT * FROM orders WHERE user_id = $1 AND status = $2 \
                 ORDER BY id DESC LIMIT $3 OFFSET $4) o"
            ),
            "{both}"
        );
        let board = page_query(false, true);
        assert!(
            board.contains("FROM order_status_counts WHERE status = $1)"),
            "{board}"
        );
        let all = page_query(false, false);
        assert!(all.contains("FROM order_status_counts ), "), "{all}");
        assert!(
            all.ends_with("FROM (SELECT * FROM orders  ORDER BY id DESC LIMIT $1 OFFSET $2) o"),
            "{all}"
        );
    }
}
