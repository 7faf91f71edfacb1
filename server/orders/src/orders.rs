//! Reading orders: the signed-in user's own, newest first.

use crate::error::OrdersError;
use crate::AppState;
use api_types::orders::{Order, OrderItem, OrderList, OrderStatus};
use axum::extract::State;
use shop_common::extract::{Json, Path};
use shop_common::token::Identity;
use shop_common::ApiError;
use sqlx::{Row, SqliteConnection};

/// An order's stored header: what a repeated checkout compares against.
pub(crate) struct OrderHeader {
    pub id: i64,
    pub status: OrderStatus,
    pub request_hash: String,
}

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

fn parse_status(s: &str) -> Result<OrderStatus, sqlx::Error> {
    OrderStatus::parse(s).ok_or_else(|| sqlx::Error::Decode(format!("unknown status {s}").into()))
}

/// Loads one order of `user_id` with its lines; `None` if it does not exist or is another's.
pub(crate) async fn load_order(
    db: &mut SqliteConnection,
    user_id: i64,
    id: i64,
) -> Result<Option<Order>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT id, status, total_cents, currency, created_at FROM orders WHERE id = ? AND user_id = ?",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(&mut *db)
    .await?
    else {
        return Ok(None);
    };
    let items = sqlx::query(
        "SELECT product_id, name, unit_price_cents, quantity, line_total_cents
         FROM order_items WHERE order_id = ? ORDER BY rowid",
    )
    .bind(id)
    .fetch_all(&mut *db)
    .await?
    .iter()
    .map(|r| {
        Ok(OrderItem {
            product_id: r.try_get("product_id")?,
            name: r.try_get("name")?,
            unit_price_cents: r.try_get("unit_price_cents")?,
            quantity: r.try_get("quantity")?,
            line_total_cents: r.try_get("line_total_cents")?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(Order {
        id: row.try_get("id")?,
        status: parse_status(&row.try_get::<String, _>("status")?)?,
        items,
        total_cents: row.try_get("total_cents")?,
        currency: row.try_get("currency")?,
        created_at: row.try_get("created_at")?,
    }))
}

/// Most orders `GET /api/orders` returns.
const LIST_LIMIT: i64 = 100;

#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn list_orders(
    State(state): State<AppState>,
    identity: Identity,
) -> Result<Json<OrderList>, OrdersError> {
    let mut conn = state.db.acquire().await?;
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM orders WHERE user_id = ? ORDER BY id DESC LIMIT ?")
            .bind(identity.user_id)
            .bind(LIST_LIMIT)
            .fetch_all(&mut *conn)
            .await?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(order) = load_order(&mut conn, identity.user_id, id).await? {
            items.push(order);
        }
    }
    Ok(Json(OrderList { items }))
}

#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn get_order(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<i64>,
) -> Result<Json<Order>, OrdersError> {
    let mut conn = state.db.acquire().await?;
    load_order(&mut conn, identity.user_id, id)
        .await?
        .map(Json)
        .ok_or(ApiError::NotFound("order").into())
}
