//! Sessions and their refresh tokens (stored as SHA-256 hashes), and the feed of ended
//! sessions.

use crate::store::SessionRow;
use sqlx::{Row, SqliteConnection, SqlitePool};

/// A stored refresh token, found by its hash.
pub(crate) struct StoredRefreshToken {
    pub session_id: String,
    pub user_id: i64,
    /// When it was rotated (Unix seconds), if it was.
    pub used_at: Option<i64>,
    pub revoked: bool,
}

/// A live refresh token just claimed for rotation.
pub(crate) struct ClaimedRefreshToken {
    pub session_id: String,
    pub user_id: i64,
}

pub(crate) async fn insert_refresh_token(
    db: &mut SqliteConnection,
    token_hash: &str,
    session_id: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, user_id, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(session_id)
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
        "SELECT session_id, user_id, used_at, revoked_at IS NOT NULL AS revoked
         FROM refresh_tokens WHERE token_hash = ?",
    )
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(StoredRefreshToken {
            session_id: r.try_get("session_id")?,
            user_id: r.try_get("user_id")?,
            used_at: r.try_get("used_at")?,
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
         RETURNING session_id, user_id",
    )
    .bind(now)
    .bind(token_hash)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(ClaimedRefreshToken {
            session_id: r.try_get("session_id")?,
            user_id: r.try_get("user_id")?,
        })
    })
    .transpose()
}

/// Ends a session: its refresh tokens are revoked, it is marked ended, and the revocation feed
/// gets an entry so the gateway refuses its access tokens too. Ending an ended session is a
/// no-op.
pub(crate) async fn end_session(
    db: &mut SqliteConnection,
    session_id: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    // Written first so the transaction, if any, holds the write lock from its first statement.
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = ? WHERE session_id = ? AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(session_id)
    .execute(&mut *db)
    .await?;
    let ended =
        sqlx::query("UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(session_id)
            .execute(&mut *db)
            .await?;
    if ended.rows_affected() > 0 {
        sqlx::query("INSERT INTO session_revocations (session_id, revoked_at) VALUES (?, ?)")
            .bind(session_id)
            .bind(now)
            .execute(&mut *db)
            .await?;
    }
    Ok(())
}

/// Starts a session for a sign-in.
pub(crate) async fn create_session(
    db: &mut SqliteConnection,
    id: &str,
    user_id: i64,
    now: &str,
    user_agent: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (id, user_id, created_at, last_used_at, user_agent) VALUES (?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(user_id)
    .bind(now)
    .bind(now)
    .bind(user_agent)
    .execute(db)
    .await?;
    Ok(())
}

/// Notes that a session was used (a refresh).
pub(crate) async fn touch_session(
    db: &mut SqliteConnection,
    id: &str,
    now: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE sessions SET last_used_at = ? WHERE id = ?")
        .bind(now)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Whether a session is live (exists and not ended).
pub(crate) async fn session_is_live(db: &SqlitePool, id: &str) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE id = ? AND revoked_at IS NULL")
            .bind(id)
            .fetch_one(db)
            .await?;
    Ok(n > 0)
}

/// The user's live sessions, most recently used first.
pub(crate) async fn live_sessions(
    db: &SqlitePool,
    user_id: i64,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, created_at, last_used_at, user_agent FROM sessions
         WHERE user_id = ? AND revoked_at IS NULL ORDER BY last_used_at DESC",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SessionRow {
                id: r.try_get("id")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
                user_agent: r.try_get("user_agent")?,
            })
        })
        .collect()
}

/// Revocations after `after` (a feed position) of sessions ended since `since` (Unix seconds),
/// oldest first, at most `limit`.
pub(crate) async fn revocations(
    db: &SqlitePool,
    after: i64,
    since: i64,
    limit: i64,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT seq, session_id, revoked_at FROM session_revocations
         WHERE seq > ? AND revoked_at >= ? ORDER BY seq LIMIT ?",
    )
    .bind(after)
    .bind(since)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// Ends every session of `user_id` except `keep` (the current one; `None`: all), in a
/// transaction of its own. Returns how many ended.
pub(crate) async fn end_sessions_of(
    db: &SqlitePool,
    user_id: i64,
    keep: Option<&str>,
    now: i64,
) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin().await?;
    let ended = end_sessions_in(&mut tx, user_id, keep, now).await?;
    tx.commit().await?;
    Ok(ended)
}

/// [`end_sessions_of`] inside the caller's transaction, so the sessions end together with the
/// change that ends them (an admin disabling or deleting the user).
pub(crate) async fn end_sessions_in(
    tx: &mut SqliteConnection,
    user_id: i64,
    keep: Option<&str>,
    now: i64,
) -> Result<usize, sqlx::Error> {
    // Take the write lock first (see end_session), then read the sessions.
    sqlx::query("UPDATE sessions SET revoked_at = revoked_at WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let sessions: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT session_id FROM refresh_tokens WHERE user_id = ? AND revoked_at IS NULL
         UNION SELECT id FROM sessions WHERE user_id = ? AND revoked_at IS NULL",
    )
    .bind(user_id)
    .bind(user_id)
    .fetch_all(&mut *tx)
    .await?;
    let mut ended = 0;
    for session in sessions.iter().filter(|s| Some(s.as_str()) != keep) {
        end_session(tx, session, now).await?;
        ended += 1;
    }
    Ok(ended)
}

/// When a session (a token family, RFC 9700 §4.14.2) began: its first refresh token's creation, Unix seconds.
pub(crate) async fn session_started(
    db: &mut SqliteConnection,
    session_id: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT MIN(created_at) FROM refresh_tokens WHERE session_id = ?")
        .bind(session_id)
        .fetch_one(db)
        .await
}
