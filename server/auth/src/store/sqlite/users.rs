//! Users: accounts, password hashes, roles, and the admin count.

use crate::store::Credentials;
use api_types::auth::{Role, User};
use sqlx::{Row, SqliteConnection, SqlitePool};

fn user_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<User, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad role {role}").into()))?,
        created_at: row.try_get("created_at")?,
        disabled: row
            .try_get::<Option<i64>, _>("disabled")
            .ok()
            .flatten()
            .unwrap_or(0)
            != 0,
    })
}

/// Inserts a user; a taken username is a unique violation.
pub(crate) async fn insert_user(
    db: &SqlitePool,
    username: &str,
    email: Option<&str>,
    password_hash: &str,
    role: Role,
    created_at: &str,
) -> Result<User, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO users (username, email, password_hash, role, created_at)
         VALUES (?, ?, ?, ?, ?)
         RETURNING id, username, email, role, created_at",
    )
    .bind(username)
    .bind(email)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(created_at)
    .fetch_one(db)
    .await?;
    user_from_row(&row)
}

pub(crate) async fn user_exists(db: &SqlitePool, username: &str) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = ?")
        .bind(username)
        .fetch_one(db)
        .await?;
    Ok(n > 0)
}

pub(crate) async fn credentials(
    db: &SqlitePool,
    username: &str,
) -> Result<Option<Credentials>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, username, email, role, created_at, password_hash, disabled
         FROM users WHERE username = ?",
    )
    .bind(username)
    .fetch_optional(db)
    .await?;
    row.map(|row| {
        Ok(Credentials {
            user: user_from_row(&row)?,
            password_hash: row.try_get("password_hash")?,
            disabled: row.try_get::<i64, _>("disabled")? != 0,
        })
    })
    .transpose()
}

/// An enabled user by id.
pub(crate) async fn active_user(
    db: impl sqlx::SqliteExecutor<'_>,
    id: i64,
) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, username, email, role, created_at FROM users WHERE id = ? AND disabled = 0",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// The password hash of an enabled user.
pub(crate) async fn password_hash(
    db: &SqlitePool,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ? AND disabled = 0")
        .bind(user_id)
        .fetch_optional(db)
        .await
}

pub(crate) async fn set_password_hash(
    db: &SqlitePool,
    user_id: i64,
    hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(hash)
        .bind(user_id)
        .execute(db)
        .await?;
    Ok(())
}

const USER_COLUMNS: &str = "id, username, email, role, created_at, disabled";

/// A user by id, disabled or not.
pub(crate) async fn user_by_id(
    db: impl sqlx::SqliteExecutor<'_>,
    id: i64,
) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

/// A page of users by id, and the total.
pub(crate) async fn users_page(
    db: &SqlitePool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<User>, i64), sqlx::Error> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db)
        .await?;
    let rows = sqlx::query(&format!(
        "SELECT {USER_COLUMNS} FROM users ORDER BY id LIMIT ? OFFSET ?"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(db)
    .await?;
    Ok((
        rows.iter().map(user_from_row).collect::<Result<_, _>>()?,
        total,
    ))
}

/// Enabled admins.
pub(crate) async fn enabled_admins(db: impl sqlx::SqliteExecutor<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0")
        .fetch_one(db)
        .await
}

/// Changes the role and the disabled flag of user `id`; `None` keeps a field.
pub(crate) async fn set_role_and_disabled(
    tx: &mut SqliteConnection,
    id: i64,
    role: Option<Role>,
    disabled: Option<bool>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET role = COALESCE(?, role), disabled = COALESCE(?, disabled) WHERE id = ?",
    )
    .bind(role.map(Role::as_str))
    .bind(disabled.map(i64::from))
    .bind(id)
    .execute(tx)
    .await?;
    Ok(())
}

/// Deletes user `id` (end their sessions first, in the same transaction).
pub(crate) async fn delete_user(tx: &mut SqliteConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM users WHERE id = ?")
        .bind(id)
        .execute(tx)
        .await?;
    Ok(())
}
