//! Admin user management: `/api/users`. Admins only (403 otherwise). The last enabled admin
//! cannot be demoted, disabled or deleted (409 `last_admin`). Disabling or deleting a user ends
//! their sessions at once.

use crate::account::{create_user, parse_account, unix_now};
use crate::error::AuthError;
use crate::sessions::require_live;
use crate::store::RoleChange;
use crate::AppState;
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
    let (items, total) = state
        .store
        .users_page(paging.limit(), paging.offset())
        .await?;
    Ok(Json(UserPage {
        items,
        page: paging.page,
        per_page: paging.per_page,
        total,
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
    state
        .store
        .user_by_id(id)
        .await?
        .map(Json)
        .ok_or(AuthError::Api(ApiError::NotFound("user")))
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
    let change = RoleChange {
        role: body.role,
        disabled: body.disabled,
    };
    // Disabling or a new role ends the user's sessions in the same transaction.
    let changed = state.store.change_user(id, change, unix_now()).await?;
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
    // Their sessions end in the same transaction, so the revocation feed names them.
    state.store.delete_user(id, unix_now()).await?;
    tracing::info!(deleted = id, "user deleted by an admin");
    Ok(StatusCode::NO_CONTENT)
}
