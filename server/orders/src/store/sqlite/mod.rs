//! The orders store on SQLite (the embedded default): one file, WAL journal, migrations in
//! `migrations/sqlite` (which also seed the demo catalog).
//!
//! Concurrency: SQLite has one writer. A transaction whose first statement writes holds the
//! write lock until it commits, so every read-then-write method starts with a write: the stock
//! is taken by `UPDATE … WHERE stock >= quantity` (never oversold), the idempotency key is
//! unique per user (one order per key), and a status move reads the status only after taking
//! the lock (of two moves, the second sees the first's status).

mod cart;
mod catalog;
mod checkout;
mod orders;

use crate::error::OrdersError;
use crate::lifecycle::{self, Actor};
use crate::payment::PaymentOutcome;
use crate::store::{
    CartStore, CatalogStore, NewProduct, OrderHeader, OrderStore, OrdersStore, ProductChanges,
    ProductFilter, Reservation, Reserved,
};
use api_types::catalog::{Category, Product};
use api_types::orders::{Cart, Order, OrderStatus};
use async_trait::async_trait;
use shop_common::paging::Paging;
use shop_common::store::StoreResult;
use shop_common::ApiError;
use sqlx::SqlitePool;
use std::path::Path;

/// The migrations of the SQLite store.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The orders store in a SQLite file. Its live feed of status changes is a channel in the
/// process: one process owns the file.
#[derive(Clone)]
pub(crate) struct SqliteStore {
    pool: SqlitePool,
    changes: tokio::sync::broadcast::Sender<i64>,
}

impl SqliteStore {
    /// Opens (creating when missing) the database `file` with at most `max_connections`
    /// and runs the migrations.
    ///
    /// # Errors
    /// A file that cannot be created or opened, or a migration that fails.
    pub(crate) async fn open(file: &Path, max_connections: u32) -> anyhow::Result<Self> {
        Ok(Self {
            pool: shop_common::db::open_sqlite(file, &MIGRATOR, max_connections).await?,
            changes: tokio::sync::broadcast::channel(crate::store::CHANGES_BUFFER).0,
        })
    }
}

#[async_trait]
impl OrdersStore for SqliteStore {
    async fn ping(&self) -> bool {
        shop_common::db::ping(&self.pool).await
    }

    fn subscribe(&self) -> crate::store::OrderChanges {
        self.changes.subscribe()
    }
}

#[async_trait]
impl CatalogStore for SqliteStore {
    async fn product(&self, id: i64, include_hidden: bool) -> StoreResult<Option<Product>> {
        Ok(catalog::find_product(&self.pool, id, include_hidden).await?)
    }

    async fn search_products(
        &self,
        filter: &ProductFilter<'_>,
        paging: &Paging,
    ) -> StoreResult<(Vec<Product>, u64)> {
        Ok(catalog::search_products(&self.pool, filter, paging).await?)
    }

    async fn categories(&self) -> StoreResult<Vec<Category>> {
        Ok(catalog::categories(&self.pool).await?)
    }

    async fn category_exists(&self, id: &str) -> StoreResult<bool> {
        Ok(catalog::category_exists(&self.pool, id).await?)
    }

    async fn insert_product(&self, product: &NewProduct<'_>) -> StoreResult<i64> {
        Ok(catalog::insert_product(&self.pool, product).await?)
    }

    async fn update_product(&self, id: i64, changes: &ProductChanges<'_>) -> StoreResult<bool> {
        Ok(catalog::update_product(&self.pool, id, changes).await?)
    }

    async fn hide_product(&self, id: i64) -> StoreResult<bool> {
        Ok(catalog::hide_product(&self.pool, id).await?)
    }
}

#[async_trait]
impl CartStore for SqliteStore {
    async fn cart(&self, user_id: i64) -> StoreResult<Cart> {
        Ok(cart::load_cart(&self.pool, user_id).await?)
    }

    async fn set_cart_item(&self, user_id: i64, product_id: i64, quantity: i64) -> StoreResult<()> {
        Ok(cart::set_item(&self.pool, user_id, product_id, quantity).await?)
    }

    async fn remove_cart_item(&self, user_id: i64, product_id: i64) -> StoreResult<()> {
        Ok(cart::remove_item(&self.pool, user_id, product_id).await?)
    }
}

#[async_trait]
impl OrderStore for SqliteStore {
    async fn order_by_key(&self, user_id: i64, key: &str) -> StoreResult<Option<OrderHeader>> {
        let mut conn = self.pool.acquire().await?;
        Ok(orders::find_by_key(&mut conn, user_id, key).await?)
    }

    async fn order(&self, id: i64) -> StoreResult<Option<Order>> {
        let mut conn = self.pool.acquire().await?;
        Ok(orders::load_order(&mut conn, id).await?)
    }

    async fn orders_page(
        &self,
        user_id: Option<i64>,
        status: Option<OrderStatus>,
        paging: &Paging,
    ) -> StoreResult<(Vec<Order>, u64)> {
        Ok(orders::orders_page(&self.pool, user_id, status, paging).await?)
    }

    async fn reserve(&self, reservation: &Reservation<'_>) -> Result<Reserved, OrdersError> {
        checkout::reserve(&self.pool, reservation).await
    }

    async fn settle(
        &self,
        user_id: i64,
        order_id: i64,
        outcome: PaymentOutcome,
        from_cart: bool,
    ) -> StoreResult<()> {
        checkout::settle(&self.pool, user_id, order_id, outcome, from_cart).await?;
        let _ = self.changes.send(order_id);
        Ok(())
    }

    async fn abandon(&self, order_id: i64) -> StoreResult<()> {
        let mut conn = self.pool.acquire().await?;
        checkout::abandon(&mut conn, order_id).await?;
        Ok(())
    }

    async fn abandon_stale(&self, older_than: std::time::Duration) -> StoreResult<Vec<i64>> {
        Ok(checkout::abandon_stale(&self.pool, older_than).await?)
    }

    async fn move_order(
        &self,
        id: i64,
        to: OrderStatus,
        actor: Actor,
    ) -> Result<(OrderStatus, Order), OrdersError> {
        let mut tx = self.pool.begin().await?;
        let from = orders::lock_status(&mut tx, id)
            .await?
            .ok_or(ApiError::NotFound("order"))?;
        if !lifecycle::allowed(from, to, actor) {
            return Err(OrdersError::InvalidTransition { from, to });
        }
        orders::record(&mut tx, id, to).await?;
        if lifecycle::restocks(to) {
            orders::restock(&mut tx, id).await?;
        }
        let order = orders::load_order(&mut tx, id)
            .await?
            .ok_or(ApiError::NotFound("order"))?;
        tx.commit().await?;
        let _ = self.changes.send(id);
        Ok((from, order))
    }
}
