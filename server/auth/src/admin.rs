//! Admin user management: `/api/users`. Admins only (403 otherwise). The last enabled admin
//! cannot be demoted, disabled or deleted (409 `last_admin`). Disabling or deleting a user ends
//! their sessions at once.

use crate::account::{create_user, parse_account, unix_now};
use crate::error::AuthError;
use crate::sessions::require_live;
use crate::{store, AppState};
use api_types::auth::{NewUser, Role, User, UserPage, UserPatch};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use shop_common::extract::{Admin, Json, Path, Query};
use shop_common::ApiError;

/// `GET`/`POST /api/users`, `GET`/`PATCH`/`DELETE /api/users/{id}`: admins only.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/api/users", get(list_users).post(create))
        .route(
            "/api/users/{id}",
            get(get_user).patch(patch_user).delete(delete_user),
        )
}

/// Query of `GET /api/users`.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(crate) struct UserQuery {
    /// Page number, from 1.
    #[param(minimum = 1, maximum = 2147483647)]
    page: Option<u32>,
    /// Items per page, 1 to 100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    per_page: Option<u32>,
}

#[utoipa::path(
    get,
    path = "/api/users",
    tag = "admin",
    params(UserQuery),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "Users by id", body = UserPage),
        (status = 403, description = "`forbidden`: admins only"),
        (status = 422, description = "`validation_failed`"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn list_users(
    State(state): State<AppState>,
    Admin(identity): Admin,
    Query(q): Query<UserQuery>,
) -> Result<Json<UserPage>, AuthError> {
    // The session must be live: a demoted or disabled admin's token stops here at once.
    require_live(&state, &identity).await?;
    let paging = shop_common::paging::Paging::new(q.page, q.per_page).map_err(ApiError::from)?;
    let (items, total) = store::users_page(&state.db, paging.limit(), paging.offset()).await?;
    Ok(Json(UserPage {
        items,
        page: paging.page,
        per_page: paging.per_page,
        total: total.max(0) as u64,
    }))
}

#[utoipa::path(
    post,
    path = "/api/users",
    tag = "admin",
    request_body = NewUser,
    security(("bearer_auth" = [])),
    responses(
        (status = 201, description = "The new user", body = User),
        (status = 403, description = "`forbidden`: admins only"),
        (status = 409, description = "`username_taken`"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn create(
    State(state): State<AppState>,
    Admin(identity): Admin,
    Json(body): Json<NewUser>,
) -> Result<(StatusCode, Json<User>), AuthError> {
    // The session must be live: a demoted or disabled admin's token stops here at once.
    require_live(&state, &identity).await?;
    let (username, password, email) =
        parse_account(&body.username, &body.password, body.email.as_deref())?;
    let role = body.role.unwrap_or(Role::Customer);
    let user = create_user(&state, &username, email.as_ref(), &password, role).await?;
    tracing::info!(
        created = user.id,
        role = role.as_str(),
        "user created by an admin"
    );
    Ok((StatusCode::CREATED, Json(user)))
}

#[utoipa::path(
    get,
    path = "/api/users/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "User id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The user", body = User),
        (status = 403, description = "`forbidden`: admins only"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn get_user(
    State(state): State<AppState>,
    Admin(identity): Admin,
    Path(id): Path<i64>,
) -> Result<Json<User>, AuthError> {
    // The session must be live: a demoted or disabled admin's token stops here at once.
    require_live(&state, &identity).await?;
    store::user_by_id(&state.db, id)
        .await?
        .map(Json)
        .ok_or(AuthError::Api(ApiError::NotFound("user")))
}

/// User `id`, read inside `tx` after taking the write lock, when setting `role` and `disabled`
/// (`None`: unchanged; deleting counts as disabling) leaves at least one enabled admin.
///
/// The count and the change happen in one transaction that holds SQLite's only write lock from
/// its first statement, so of two racing requests that would each remove one of the last two
/// admins (any mix of DELETE and PATCH), the second sees the first's change and is refused.
///
/// # Errors
/// 404 `not_found`; 409 `last_admin`.
async fn user_keeping_an_admin(
    tx: &mut sqlx::SqliteConnection,
    id: i64,
    role: Option<Role>,
    disabled: Option<bool>,
) -> Result<User, AuthError> {
    store::lock_for_write(tx).await?;
    let user = store::user_by_id(&mut *tx, id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    if stops_being_admin(&user, role, disabled) && store::enabled_admins(&mut *tx).await? <= 1 {
        return Err(AuthError::LastAdmin);
    }
    Ok(user)
}

/// Whether a change leaves `user` no longer an enabled admin.
fn stops_being_admin(user: &User, role: Option<Role>, disabled: Option<bool>) -> bool {
    let is_admin_now = user.role == Role::Admin && !user.disabled;
    let admin_after =
        role.unwrap_or(user.role) == Role::Admin && !disabled.unwrap_or(user.disabled);
    is_admin_now && !admin_after
}

#[utoipa::path(
    patch,
    path = "/api/users/{id}",
    tag = "admin",
    request_body = UserPatch,
    params(("id" = i64, Path, description = "User id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 200, description = "The changed user; disabling ends their sessions at once", body = User),
        (status = 403, description = "`forbidden`: admins only"),
        (status = 409, description = "`last_admin`: the last enabled admin cannot be demoted or disabled"),
        (status = 422, description = "`invalid_body`"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn patch_user(
    State(state): State<AppState>,
    Admin(identity): Admin,
    Path(id): Path<i64>,
    Json(body): Json<UserPatch>,
) -> Result<Json<User>, AuthError> {
    // The session must be live: a demoted or disabled admin's token stops here at once.
    require_live(&state, &identity).await?;
    let mut tx = state.db.begin().await?;
    let user = user_keeping_an_admin(&mut tx, id, body.role, body.disabled).await?;
    store::set_role_and_disabled(&mut tx, id, body.role, body.disabled).await?;
    let changed = store::user_by_id(&mut *tx, id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    if changed.disabled || changed.role != user.role {
        // A disabled user is signed out everywhere; a changed role takes effect at once too.
        store::end_sessions_in(&mut tx, id, None, unix_now()).await?;
    }
    tx.commit().await?;
    tracing::info!(
        changed = id,
        role = changed.role.as_str(),
        disabled = changed.disabled,
        "user changed by an admin"
    );
    Ok(Json(changed))
}

#[utoipa::path(
    delete,
    path = "/api/users/{id}",
    tag = "admin",
    params(("id" = i64, Path, description = "User id")),
    security(("bearer_auth" = [])),
    responses(
        (status = 204, description = "Deleted; their sessions ended at once"),
        (status = 403, description = "`forbidden`: admins only"),
        (status = 409, description = "`last_admin`: the last enabled admin cannot be deleted"),
    ),
)]
#[tracing::instrument(skip_all, fields(user_id = identity.user_id))]
pub(crate) async fn delete_user(
    State(state): State<AppState>,
    Admin(identity): Admin,
    Path(id): Path<i64>,
) -> Result<StatusCode, AuthError> {
    // The session must be live: a demoted or disabled admin's token stops here at once.
    require_live(&state, &identity).await?;
    let mut tx = state.db.begin().await?;
    user_keeping_an_admin(&mut tx, id, None, Some(true)).await?;
    // The sessions end in the same transaction, so the revocation feed names them.
    store::end_sessions_in(&mut tx, id, None, unix_now()).await?;
    store::delete_user(&mut tx, id).await?;
    tx.commit().await?;
    tracing::info!(deleted = id, "user deleted by an admin");
    Ok(StatusCode::NO_CONTENT)
}
