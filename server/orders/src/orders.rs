//! Orders after checkout: reading (owners see theirs, admins all), cancelling, moving through
//! the lifecycle, and a live feed of status changes (server-sent events).

use crate::error::OrdersError;
use crate::lifecycle::Actor;
use crate::store::OrdersStore;
use crate::AppState;
use api_types::orders::{Order, OrderPage, OrderStatus, StatusChange};
use axum::extract::State;
use serde::Deserialize;
use shop_common::extract::{Admin, Json, Path, Query};
use shop_common::paging::Paging;
use shop_common::token::Identity;
use shop_common::ApiError;

/// The order if `identity` may see it (its owner, or an admin); 404 otherwise, so another
/// user's order ids are not revealed.
pub(crate) async fn visible_order(
    store: &dyn OrdersStore,
    identity: &Identity,
    id: i64,
) -> Result<Order, OrdersError> {
    match store.order(id).await? {
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
    store: &dyn OrdersStore,
    user_id: Option<i64>,
    q: OrderQuery,
) -> Result<OrderPage, OrdersError> {
    let paging = Paging::new(q.page, q.per_page)?;
    let (items, total) = store.orders_page(user_id, q.status, &paging).await?;
    Ok(OrderPage {
        items,
        page: paging.page,
        per_page: paging.per_page,
        total,
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
    Ok(Json(
        page_of(&*state.store, Some(identity.user_id), q).await?,
    ))
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
    Ok(Json(page_of(&*state.store, None, q).await?))
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
    Ok(Json(visible_order(&*state.store, &identity, id).await?))
}

/// Moves order `id` to `to` for `actor`, in one transaction with its timeline entry and, for a
/// cancellation, the stock going back (the store tells the live feeds).
async fn change_status(
    state: &AppState,
    id: i64,
    to: OrderStatus,
    actor: Actor,
) -> Result<Order, OrdersError> {
    let (from, order) = state.store.move_order(id, to, actor).await?;
    tracing::info!(
        order_id = id,
        from = from.as_str(),
        to = to.as_str(),
        ?actor,
        "order status changed"
    );
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
    let order = visible_order(&*state.store, &identity, id).await?;
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
