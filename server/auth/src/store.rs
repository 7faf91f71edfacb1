//! SQL of the auth service: one small function per query.

use api_types::auth::{Role, User};
use sqlx::{Row, SqliteConnection, SqlitePool};

/// A user row with its password hash, for login.
pub(crate) struct Credentials {
    pub user: User,
    pub password_hash: String,
    pub disabled: bool,
}

fn user_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<User, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad role {role}").into()))?,
        created_at: row.try_get("created_at")?,
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

/// A stored refresh token, found by its hash.
pub(crate) struct StoredRefreshToken {
    pub family_id: String,
    pub user_id: i64,
    pub used: bool,
    pub revoked: bool,
}

/// A live refresh token just claimed for rotation.
pub(crate) struct ClaimedRefreshToken {
    pub family_id: String,
    pub user_id: i64,
}

pub(crate) async fn insert_refresh_token(
    db: &mut SqliteConnection,
    token_hash: &str,
    family_id: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(family_id)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn find_refresh_token(
    db: &mut SqliteConnection,
    token_hash: &str,
) -> Result<Option<StoredRefreshToken>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT family_id, user_id, used_at IS NOT NULL AS used, revoked_at IS NOT NULL AS revoked
         FROM refresh_tokens WHERE token_hash = ?",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(StoredRefreshToken {
            family_id: r.try_get("family_id")?,
            user_id: r.try_get("user_id")?,
            used: r.try_get("used")?,
            revoked: r.try_get("revoked")?,
        })
    })
    .transpose()
}

/// Marks a live (unused, unrevoked, unexpired) token used and returns it; `None` otherwise.
pub(crate) async fn claim_refresh_token(
    db: &mut SqliteConnection,
    token_hash: &str,
    now: i64,
) -> Result<Option<ClaimedRefreshToken>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE refresh_tokens SET used_at = ?1
         WHERE token_hash = ?2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?1
         RETURNING family_id, user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(ClaimedRefreshToken {
            family_id: r.try_get("family_id")?,
            user_id: r.try_get("user_id")?,
        })
    })
    .transpose()
}

/// Revokes every token of a family (a logout, or a detected reuse).
pub(crate) async fn revoke_family(
    db: impl sqlx::SqliteExecutor<'_>,
    family_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(family_id)
    .execute(db)
    .await?;
    Ok(())
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

/// Revokes every token family of `user_id` except `keep` (the current session).
pub(crate) async fn revoke_other_families(
    db: &SqlitePool,
    user_id: i64,
    keep: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND family_id <> ? AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(keep)
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

/// Until when (Unix seconds) sign-ins as `username` are refused, if they are now.
pub(crate) async fn blocked_until(
    db: &SqlitePool,
    username: &str,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let until: Option<i64> =
        sqlx::query_scalar("SELECT blocked_until FROM login_throttle WHERE username = ?")
            .bind(username)
            .fetch_optional(db)
            .await?;
    Ok(until.filter(|u| *u > now))
}

/// Counts a failed sign-in as `username`; from the `free`-th failure on, each one blocks the
/// next attempt for twice as long as the one before (1 s, 2 s, 4 s …), at most `max_secs`.
pub(crate) async fn record_failure(
    db: &SqlitePool,
    username: &str,
    now: i64,
    free: i64,
    max_secs: i64,
) -> Result<(), sqlx::Error> {
    let failures: i64 = sqlx::query_scalar(
        "INSERT INTO login_throttle (username, failures) VALUES (?, 1)
         ON CONFLICT (username) DO UPDATE SET failures = failures + 1
         RETURNING failures",
    )
    .bind(username)
    .fetch_one(db)
    .await?;
    if failures >= free {
        let exponent = u32::try_from(failures - free).unwrap_or(u32::MAX).min(20);
        let block = 2_i64.pow(exponent).min(max_secs);
        sqlx::query("UPDATE login_throttle SET blocked_until = ? WHERE username = ?")
            .bind(now + block)
            .bind(username)
            .execute(db)
            .await?;
    }
    Ok(())
}

pub(crate) async fn clear_failures(db: &SqlitePool, username: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE username = ?")
        .bind(username)
        .execute(db)
        .await?;
    Ok(())
}
