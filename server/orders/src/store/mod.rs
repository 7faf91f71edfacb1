//! The orders service's store boundary: what it keeps, by aggregate ([`CatalogStore`],
//! [`CartStore`], [`OrderStore`] with the checkout's transactions), and one implementation per
//! database engine ([`sqlite`]). Handlers and the domain call these traits and never see SQL,
//! a connection or a transaction: whatever must be atomic (taking the stock for an order,
//! settling a payment, a status move with its restock) is one method, and the engine decides
//! how to make it so.

pub(crate) mod postgres;
mod rows;
pub(crate) mod sqlite;

use crate::error::OrdersError;
use crate::lifecycle::Actor;
use crate::payment::PaymentOutcome;
use api_types::catalog::{Category, Product, ProductSort};
use api_types::orders::{Cart, Order, OrderStatus};
use api_types::validate::Quantity;
use async_trait::async_trait;
use shop_common::paging::Paging;
use shop_common::store::{DatabaseUrl, StoreResult};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The currency of every price in the catalog.
pub(crate) const CURRENCY: &str = "EUR";

/// Everything the orders service keeps, on one database.
#[async_trait]
pub(crate) trait OrdersStore: CatalogStore + CartStore + OrderStore {
    /// Whether the database answers a trivial query: the readiness check.
    async fn ping(&self) -> bool;
    /// The ids of orders whose status changes from now on, made through this store or, on an
    /// engine shared by several replicas, through any of them ([`ANY_ORDER`] when some may
    /// have been missed): for the live feeds.
    fn subscribe(&self) -> OrderChanges;
}

/// A live feed of order ids whose status changed (see [`OrdersStore::subscribe`]); a receiver
/// that lags behind gets an error instead of the ids it missed.
pub(crate) type OrderChanges = tokio::sync::broadcast::Receiver<i64>;

/// The id in [`OrderChanges`] that stands for every order: changes may have been missed.
pub(crate) const ANY_ORDER: i64 = 0;

/// How many changes an [`OrderChanges`] receiver may lag behind before it misses some.
pub(crate) const CHANGES_BUFFER: usize = 256;

/// The store on `database`, migrated (the migrations seed the demo catalog), with at most
/// `max_connections` open.
///
/// # Errors
/// A database that cannot be opened, reached or migrated, or an engine this build lacks.
pub(crate) async fn open(
    database: &DatabaseUrl,
    max_connections: u32,
) -> anyhow::Result<Arc<dyn OrdersStore>> {
    match database {
        DatabaseUrl::Sqlite(file) => Ok(Arc::new(
            sqlite::SqliteStore::open(file, max_connections).await?,
        )),
        DatabaseUrl::Postgres(url) => Ok(Arc::new(
            postgres::PostgresStore::open(url, max_connections).await?,
        )),
    }
}

/// The readiness check of a service whose only dependency is `store`.
pub(crate) fn ready_check(store: Arc<dyn OrdersStore>) -> shop_common::health::ReadyCheck {
    Arc::new(move || {
        let store = store.clone();
        Box::pin(async move { store.ping().await })
    })
}

/// `%text%` for `LIKE … ESCAPE '\'`, with the text's own wildcards escaped.
pub(crate) fn like_pattern(q: &str) -> String {
    let escaped = q
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// Counts a status an order reached (`order_status_changes_total{status}`); every engine calls
/// it where it records one.
pub(crate) fn count_status_change(status: OrderStatus) {
    metrics::counter!("order_status_changes_total", "status" => status.as_str()).increment(1);
}

/// The ids of the `pending` orders (id, RFC 3339 creation time) created more than
/// `older_than` ago; one whose time cannot be read counts as stale.
pub(crate) fn stale(
    pending: Vec<(i64, String)>,
    older_than: std::time::Duration,
) -> impl Iterator<Item = i64> {
    use time::format_description::well_known::Rfc3339;
    let cutoff = time::OffsetDateTime::now_utc() - older_than;
    pending.into_iter().filter_map(move |(id, created)| {
        time::OffsetDateTime::parse(&created, &Rfc3339)
            .map_or(true, |t| t < cutoff)
            .then_some(id)
    })
}

/// What a catalog search asks for.
pub(crate) struct ProductFilter<'a> {
    /// Also hidden products (admins).
    pub(crate) include_hidden: bool,
    /// Only this category.
    pub(crate) category: Option<&'a str>,
    /// Text searched in names and descriptions, case-insensitively (its wildcards are taken
    /// literally).
    pub(crate) text: Option<&'a str>,
    pub(crate) sort: ProductSort,
}

/// A validated new product.
pub(crate) struct NewProduct<'a> {
    pub(crate) name: &'a str,
    pub(crate) description: &'a str,
    pub(crate) price_cents: i64,
    /// An existing category's id.
    pub(crate) category: &'a str,
    pub(crate) stock: i64,
    /// A path on the site.
    pub(crate) image_url: &'a str,
}

/// Validated changes to a product; `None` keeps a field.
pub(crate) struct ProductChanges<'a> {
    pub(crate) name: Option<&'a str>,
    pub(crate) description: Option<&'a str>,
    pub(crate) price_cents: Option<i64>,
    pub(crate) stock: Option<i64>,
    pub(crate) active: Option<bool>,
}

/// The catalog: products (searched, sorted, paged; hidden ones only for admins) and
/// categories.
#[async_trait]
pub(crate) trait CatalogStore: Send + Sync {
    /// Product `id`; a hidden one only with `include_hidden`.
    async fn product(&self, id: i64, include_hidden: bool) -> StoreResult<Option<Product>>;
    /// One page of the products `filter` selects, and how many it selects in all.
    async fn search_products(
        &self,
        filter: &ProductFilter<'_>,
        paging: &Paging,
    ) -> StoreResult<(Vec<Product>, u64)>;
    /// Every category with its number of visible products, by name.
    async fn categories(&self) -> StoreResult<Vec<Category>>;
    /// Whether category `id` exists.
    async fn category_exists(&self, id: &str) -> StoreResult<bool>;
    /// Adds `product` (visible); returns its id.
    async fn insert_product(&self, product: &NewProduct<'_>) -> StoreResult<i64>;
    /// Applies `changes` to product `id`; `false` when there is no such product.
    async fn update_product(&self, id: i64, changes: &ProductChanges<'_>) -> StoreResult<bool>;
    /// Hides product `id` from the catalog and carts (past orders keep it); `false` when there
    /// is none.
    async fn hide_product(&self, id: i64) -> StoreResult<bool>;
}

/// Carts: one per user, priced from the catalog when read.
#[async_trait]
pub(crate) trait CartStore: Send + Sync {
    /// The user's cart, in the order lines were added (hidden products drop out).
    async fn cart(&self, user_id: i64) -> StoreResult<Cart>;
    /// Sets the quantity of `product_id` in the user's cart, adding the line if needed.
    async fn set_cart_item(&self, user_id: i64, product_id: i64, quantity: i64) -> StoreResult<()>;
    /// Removes `product_id` from the user's cart (nothing when it is not there).
    async fn remove_cart_item(&self, user_id: i64, product_id: i64) -> StoreResult<()>;
}

/// An order's stored header: what a repeated checkout compares against.
pub(crate) struct OrderHeader {
    pub id: i64,
    pub status: OrderStatus,
    /// Hex SHA-256 of the request's lines (see [`crate::checkout::request_hash`]).
    pub request_hash: String,
}

/// The first step of a checkout: what to reserve.
pub(crate) struct Reservation<'a> {
    pub user_id: i64,
    /// The buyer's username when ordering (from the access token), kept with the order for the
    /// admin board.
    pub customer: &'a str,
    /// The `Idempotency-Key`, unique per user.
    pub key: &'a str,
    pub request_hash: &'a str,
    /// Quantity per product id.
    pub lines: &'a BTreeMap<i64, Quantity>,
    /// A checkout of the user's cart: refused while another checkout of it is pending.
    pub from_cart: bool,
}

/// Why a line could not be reserved, given the product's stock if it is in the catalog and
/// active: 409 `out_of_stock` with what is left, else 409 `unknown_product`.
pub(crate) fn shortfall(product_id: i64, stock: Option<i64>) -> OrdersError {
    match stock {
        Some(available) => OrdersError::OutOfStock {
            product_id,
            available,
        },
        None => OrdersError::UnknownProduct { product_id },
    }
}

/// A reserved order.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reserved {
    pub order_id: i64,
    /// In cents, from the catalog's prices.
    pub total_cents: i64,
}

/// Orders: checkout's reservation and settlement, reading, pages, and status moves with their
/// timeline.
#[async_trait]
pub(crate) trait OrderStore: Send + Sync {
    /// The user's order with this idempotency key, if any.
    async fn order_by_key(&self, user_id: i64, key: &str) -> StoreResult<Option<OrderHeader>>;
    /// Order `id` with its lines and timeline.
    async fn order(&self, id: i64) -> StoreResult<Option<Order>>;
    /// One page of orders, newest first: all or one user's, of one status or any; and how many
    /// there are in all. A fixed number of queries whatever the page's size.
    async fn orders_page(
        &self,
        user_id: Option<i64>,
        status: Option<OrderStatus>,
        paging: &Paging,
    ) -> StoreResult<(Vec<Order>, u64)>;
    /// Creates the `pending` order with its lines at catalog prices and takes the stock, in
    /// one transaction: all lines or none, and never more than the stock, however many buyers
    /// race.
    ///
    /// # Errors
    /// [`OrdersError::IdempotencyKeyInUse`] when the user has an order with this key,
    /// [`OrdersError::CheckoutInProgress`] for a cart checkout while another is pending,
    /// [`OrdersError::OutOfStock`], [`OrdersError::UnknownProduct`].
    async fn reserve(&self, reservation: &Reservation<'_>) -> Result<Reserved, OrdersError>;
    /// Records the payment's outcome: `paid` (and the cart emptied for a cart checkout), or
    /// `payment_failed` with the stock back; in one transaction.
    async fn settle(
        &self,
        user_id: i64,
        order_id: i64,
        outcome: PaymentOutcome,
        from_cart: bool,
    ) -> StoreResult<()>;
    /// The provider never answered: the order goes and its stock comes back (its key can be
    /// used again).
    async fn abandon(&self, order_id: i64) -> StoreResult<()>;
    /// Abandons every `pending` order created more than `older_than` ago; returns their ids.
    async fn abandon_stale(&self, older_than: std::time::Duration) -> StoreResult<Vec<i64>>;
    /// Moves order `id` to `to` for `actor` when the lifecycle allows it, with its timeline
    /// entry and, for a cancellation, the stock going back; in one transaction, so of two
    /// concurrent moves the second sees the first's status. Returns the status it came from
    /// and the order as moved.
    ///
    /// # Errors
    /// 404 `not_found`; [`OrdersError::InvalidTransition`].
    async fn move_order(
        &self,
        id: i64,
        to: OrderStatus,
        actor: Actor,
    ) -> Result<(OrderStatus, Order), OrdersError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_cannot_inject_wildcards() {
        assert_eq!(like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }

    #[test]
    fn only_pending_orders_older_than_the_threshold_are_stale() {
        let now = time::OffsetDateTime::now_utc();
        let at = |secs_ago: i64| {
            (now - time::Duration::seconds(secs_ago))
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap()
        };
        let pending = vec![(1, at(100)), (2, at(5)), (3, "garbled".to_owned())];
        let stale: Vec<i64> = stale(pending, std::time::Duration::from_secs(60)).collect();
        assert_eq!(stale, [1, 3]);
    }
}
