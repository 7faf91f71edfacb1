//! The rows both SQL engines read orders from (`sqlx::FromRow`, so one definition serves
//! SQLite and PostgreSQL alike), and how a page of orders is put together from them.

use api_types::orders::{Order, OrderEvent, OrderItem, OrderStatus};
use std::collections::HashMap;

/// `orders` without its lines and timeline.
#[derive(sqlx::FromRow)]
pub(crate) struct OrderRow {
    pub id: i64,
    pub user_id: i64,
    pub customer: String,
    pub status: String,
    pub total_cents: i64,
    pub currency: String,
    pub created_at: String,
}

/// One line of `order_items`.
#[derive(sqlx::FromRow)]
pub(crate) struct ItemRow {
    pub order_id: i64,
    pub product_id: i64,
    pub name: String,
    pub unit_price_cents: i64,
    pub quantity: i64,
    pub line_total_cents: i64,
}

/// One entry of `order_events`.
#[derive(sqlx::FromRow)]
pub(crate) struct EventRow {
    pub order_id: i64,
    pub status: String,
    pub at: String,
}

/// A stored status.
///
/// # Errors
/// A status the service does not know (a corrupt row).
pub(crate) fn parse_status(s: &str) -> Result<OrderStatus, sqlx::Error> {
    OrderStatus::parse(s).ok_or_else(|| sqlx::Error::Decode(format!("unknown status {s}").into()))
}

/// The orders of `orders` (in that order) with their lines and timeline entries (each list in
/// the order it is to be shown).
///
/// # Errors
/// A status the service does not know.
pub(crate) fn assemble(
    orders: Vec<OrderRow>,
    items: Vec<ItemRow>,
    events: Vec<EventRow>,
) -> Result<Vec<Order>, sqlx::Error> {
    let mut lines: HashMap<i64, Vec<OrderItem>> = HashMap::new();
    for r in items {
        lines.entry(r.order_id).or_default().push(OrderItem {
            product_id: r.product_id,
            name: r.name,
            unit_price_cents: r.unit_price_cents,
            quantity: r.quantity,
            line_total_cents: r.line_total_cents,
        });
    }
    let mut timelines: HashMap<i64, Vec<OrderEvent>> = HashMap::new();
    for r in events {
        timelines.entry(r.order_id).or_default().push(OrderEvent {
            status: parse_status(&r.status)?,
            at: r.at,
        });
    }
    orders
        .into_iter()
        .map(|row| {
            Ok(Order {
                id: row.id,
                user_id: row.user_id,
                customer: row.customer,
                status: parse_status(&row.status)?,
                items: lines.remove(&row.id).unwrap_or_default(),
                total_cents: row.total_cents,
                currency: row.currency,
                created_at: row.created_at,
                timeline: timelines.remove(&row.id).unwrap_or_default(),
            })
        })
        .collect()
}

/// `rows` in the order of `ids`; ids without a row are left out.
pub(crate) fn in_order_of(ids: &[i64], rows: Vec<OrderRow>) -> Vec<OrderRow> {
    let mut by_id: HashMap<i64, OrderRow> = rows.into_iter().map(|row| (row.id, row)).collect();
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}
