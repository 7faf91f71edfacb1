//! Orders after checkout: reading (owners see theirs, admins all), cancelling, moving through
//! the lifecycle, and a live feed of status changes (server-sent events).

use crate::error::OrdersError;
use crate::lifecycle::{self, Actor};
use crate::AppState;
use api_types::orders::{Order, OrderEvent, OrderItem, OrderPage, OrderStatus, StatusChange};
use axum::extract::State;
use serde::Deserialize;
use shop_common::extract::{Admin, Json, Path, Query};
use shop_common::paging::Paging;
use shop_common::token::Identity;
use shop_common::ApiError;
use sqlx::{Row, SqliteConnection, SqlitePool};

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

/// Loads one order with its lines and timeline.
pub(crate) async fn load_order(
    db: &mut SqliteConnection,
    id: i64,
) -> Result<Option<Order>, sqlx::Error> {
    let Some(row) = sqlx::query(
        "SELECT id, user_id, status, total_cents, currency, created_at FROM orders WHERE id = ?",
    )
    .bind(id)
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
    let timeline =
        sqlx::query("SELECT status, at FROM order_events WHERE order_id = ? ORDER BY id")
            .bind(id)
            .fetch_all(&mut *db)
            .await?
            .iter()
            .map(|r| {
                Ok(OrderEvent {
                    status: parse_status(&r.try_get::<String, _>("status")?)?,
                    at: r.try_get("at")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
    Ok(Some(Order {
        id: row.try_get("id")?,
        user_id: row.try_get("user_id")?,
        status: parse_status(&row.try_get::<String, _>("status")?)?,
        items,
        total_cents: row.try_get("total_cents")?,
        currency: row.try_get("currency")?,
        created_at: row.try_get("created_at")?,
        timeline,
    }))
}

/// The order if `identity` may see it (its owner, or an admin); 404 otherwise, so another
/// user's order ids are not revealed.
pub(crate) async fn visible_order(
    db: &SqlitePool,
    identity: &Identity,
    id: i64,
) -> Result<Order, OrdersError> {
    let mut conn = db.acquire().await?;
    match load_order(&mut conn, id).await? {
        Some(o) if o.user_id == identity.user_id || identity.is_admin() => Ok(o),
        _ => Err(ApiError::NotFound("order").into()),
    }
}

/// Query of the order lists.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrderQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 2147483647)]
    page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
    status: Option<OrderStatus>,
}

async fn page_of(
    db: &SqlitePool,
    user_id: Option<i64>,
    q: OrderQuery,
) -> Result<OrderPage, OrdersError> {
    let paging = Paging::new(q.page, q.per_page)?;
    let status = q.status.map(OrderStatus::as_str);
    let filter = "(?1 IS NULL OR user_id = ?1) AND (?2 IS NULL OR status = ?2)";
    let mut conn = db.acquire().await?;
    let total: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM orders WHERE {filter}"))
        .bind(user_id)
        .bind(status)
        .fetch_one(&mut *conn)
        .await?;
    let ids: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT id FROM orders WHERE {filter} ORDER BY id DESC LIMIT ?3 OFFSET ?4"
    ))
    .bind(user_id)
    .bind(status)
    .bind(paging.limit())
    .bind(paging.offset())
    .fetch_all(&mut *conn)
    .await?;
    let mut items = Vec::with_capacity(ids.len());
    for id in ids {
        items.extend(load_order(&mut conn, id).await?);
    }
    Ok(OrderPage {
        items,
        page: paging.page,
        per_page: paging.per_page,
        total: total.max(0) as u64,
    })
}

/// `GET /api/orders?page=&per_page=&status=`: my orders, newest first.
#[utoipa::path(
    get,
    path = "/api/orders",
    tag = "orders",
    params(OrderQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "My orders, newest first", body = api_types::orders::OrderPage),
        (status = 422, description = "`validation_failed`"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn list_orders(
    State(state): State<AppState>,
    identity: Identity,
    Query(q): Query<OrderQuery>,
) -> Result<Json<OrderPage>, OrdersError> {
    Ok(Json(page_of(&state.db, Some(identity.user_id), q).await?))
}

/// `GET /api/admin/orders?status=&page=&per_page=`: every order, newest first (admins).
#[utoipa::path(
    get,
    path = "/api/admin/orders",
    tag = "admin",
    params(OrderQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "Every order, newest first", body = api_types::orders::OrderPage),
        (status = 403, description = "`forbidden`: admins only"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn admin_list_orders(
    State(state): State<AppState>,
    Admin(identity): Admin,
    Query(q): Query<OrderQuery>,
) -> Result<Json<OrderPage>, OrdersError> {
    Ok(Json(page_of(&state.db, None, q).await?))
}

/// `GET /api/orders/{id}`: mine, or any for an admin; 404 otherwise.
#[utoipa::path(
    get,
    path = "/api/orders/{id}",
    tag = "orders",
    params(("id" = i64, Path, description = "Order id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The order with its timeline", body = api_types::orders::Order),
        (status = 404, description = "`not_found`: no such order of yours"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn get_order(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<i64>,
) -> Result<Json<Order>, OrdersError> {
    Ok(Json(visible_order(&state.db, &identity, id).await?))
}

/// Moves order `id` to `to` for `actor`, in one transaction with its timeline entry and, for a
/// cancellation, the stock going back; then tells the live feeds.
async fn change_status(
    state: &AppState,
    id: i64,
    to: OrderStatus,
    actor: Actor,
) -> Result<Order, OrdersError> {
    let mut tx = state.db.begin().await?;
    // A write first, so the transaction holds the write lock before it reads the status.
    sqlx::query("UPDATE orders SET status = status WHERE id = ?")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    let from: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = ?")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(ApiError::NotFound("order"))?;
    let from = parse_status(&from)?;
    if !lifecycle::allowed(from, to, actor) {
        return Err(OrdersError::InvalidTransition { from, to });
    }
    lifecycle::record(&mut tx, id, to).await?;
    if lifecycle::restocks(to) {
        lifecycle::restock(&mut tx, id).await?;
    }
    let order = load_order(&mut tx, id)
        .await?
        .ok_or(ApiError::NotFound("order"))?;
    tx.commit().await?;
    tracing::info!(
        order_id = id,
        from = from.as_str(),
        to = to.as_str(),
        ?actor,
        "order status changed"
    );
    let _ = state.events.send(id);
    Ok(order)
}

/// `POST /api/orders/{id}/cancel`: the owner cancels while the order is `paid` or
/// `preparing`; the stock goes back. 409 `invalid_transition` later on.
#[utoipa::path(
    post,
    path = "/api/orders/{id}/cancel",
    tag = "orders",
    params(("id" = i64, Path, description = "Order id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The cancelled order; its stock went back", body = api_types::orders::Order),
        (status = 409, description = "`invalid_transition`: only paid or preparing orders"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn cancel_order(
    State(state): State<AppState>,
    identity: Identity,
    Path(id): Path<i64>,
) -> Result<Json<Order>, OrdersError> {
    let order = visible_order(&state.db, &identity, id).await?;
    let actor = if order.user_id == identity.user_id {
        Actor::Owner
    } else {
        Actor::Admin
    };
    Ok(Json(
        change_status(&state, id, OrderStatus::Cancelled, actor).await?,
    ))
}

/// `PATCH /api/orders/{id}/status {status}` (admins): the kitchen and delivery steps.
#[utoipa::path(
    patch,
    path = "/api/orders/{id}/status",
    tag = "admin",
    request_body = api_types::orders::StatusChange,
    params(("id" = i64, Path, description = "Order id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The order in its new status", body = api_types::orders::Order),
        (status = 403, description = "`forbidden`: admins only"),
        (status = 409, description = "`invalid_transition`"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn patch_status(
    State(state): State<AppState>,
    Admin(identity): Admin,
    Path(id): Path<i64>,
    Json(body): Json<StatusChange>,
) -> Result<Json<Order>, OrdersError> {
    Ok(Json(
        change_status(&state, id, body.status, Actor::Admin).await?,
    ))
}
