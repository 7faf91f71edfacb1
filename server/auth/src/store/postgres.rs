//! The auth store on PostgreSQL (for several auth replicas on one database), migrations in
//! `migrations/postgres`.
//!
//! Concurrency, at PostgreSQL's default READ COMMITTED isolation:
//! - Refresh rotation: the claim is one conditional `UPDATE … WHERE used_at IS NULL AND
//!   revoked_at IS NULL AND expires_at > now RETURNING`. A second refresh with the same token
//!   waits for the first's row lock, then re-checks the condition on the committed row and
//!   claims nothing: exactly one rotates.
//! - The last admin: every change that could remove an admin takes one transaction-scoped
//!   advisory lock ([`ADMINS_LOCK`]) before it counts the admins, so such changes run one at
//!   a time and each counts what the one before committed (READ COMMITTED reads anew at each
//!   statement).
//! - The feed of ended sessions: entries are inserted under another advisory lock
//!   ([`FEED_LOCK`]) held to commit, so their `seq` order is their commit order and a reader
//!   polling `seq > n` never skips one. Ending a session is a conditional `UPDATE … WHERE
//!   revoked_at IS NULL`, so two ends of one session write one entry.
//! - Sign-in back-off: `INSERT … ON CONFLICT DO UPDATE SET failures = failures + 1`, atomic.

use crate::store::{
    AuthStore, BackOff, Credentials, NewAccount, NewSession, RefreshLifetime, RefreshRequest,
    Revocation, RoleChange, Rotation, SessionRow, SessionStore, ThrottleRow, ThrottleState,
    ThrottleStore, UserChangeError, UserStore,
};
use api_types::auth::{Role, User};
use async_trait::async_trait;
use shop_common::store::{is_unique_violation, StoreResult};
use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::Row;

/// The migrations of the PostgreSQL store.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory lock of changes that could leave no enabled admin (a key of its own:
/// `hashtextextended` of a fixed name).
const ADMINS_LOCK: &str = "SELECT pg_advisory_xact_lock(hashtextextended('shop.auth.admins', 0))";
/// The advisory lock held while a revocation is written, to commit feed entries in `seq`
/// order.
const FEED_LOCK: &str = "SELECT pg_advisory_xact_lock(hashtextextended('shop.auth.feed', 0))";

/// The client of the throttle row counting every address of a subject.
const ALL_CLIENTS: &str = "*";

const USER_COLUMNS: &str = "id, username, email, role, created_at, disabled";

/// The auth store on a PostgreSQL database.
#[derive(Clone)]
pub(crate) struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects to `url` with at most `max_connections` and runs the migrations.
    ///
    /// # Errors
    /// A server that cannot be reached or refuses the credentials, or a migration that fails.
    pub(crate) async fn open(url: &str, max_connections: u32) -> anyhow::Result<Self> {
        let pool = shop_common::db::open_postgres(url, &MIGRATOR, max_connections).await?;
        Ok(Self { pool })
    }
}

fn user_from_row(row: &PgRow) -> Result<User, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        email: row.try_get("email")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad role {role}").into()))?,
        created_at: row.try_get("created_at")?,
        disabled: row.try_get("disabled")?,
    })
}

async fn user_by_id(conn: &mut PgConnection, id: i64) -> Result<Option<User>, sqlx::Error> {
    let row = sqlx::query(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(user_from_row).transpose()
}

async fn enabled_admins(conn: &mut PgConnection) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = 'admin' AND NOT disabled")
        .fetch_one(conn)
        .await
}

/// User `id`, under the admins' lock, when `change` leaves at least one enabled admin.
async fn user_keeping_an_admin(
    tx: &mut PgConnection,
    id: i64,
    change: RoleChange,
) -> Result<User, UserChangeError> {
    sqlx::query(ADMINS_LOCK)
        .execute(&mut *tx)
        .await
        .map_err(store_error)?;
    let user = user_by_id(tx, id)
        .await
        .map_err(store_error)?
        .ok_or(UserChangeError::NotFound)?;
    if change.removes_an_admin(&user) && enabled_admins(tx).await.map_err(store_error)? <= 1 {
        return Err(UserChangeError::LastAdmin);
    }
    Ok(user)
}

fn store_error(e: sqlx::Error) -> UserChangeError {
    UserChangeError::Store(e.into())
}

/// Ends a session inside `tx` (see [`SessionStore::end_session`]).
async fn end_session(tx: &mut PgConnection, session_id: &str, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(FEED_LOCK).execute(&mut *tx).await?;
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = $1 WHERE session_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(session_id)
    .execute(&mut *tx)
    .await?;
    let ended =
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(session_id)
            .execute(&mut *tx)
            .await?;
    if ended.rows_affected() > 0 {
        sqlx::query("INSERT INTO session_revocations (session_id, revoked_at) VALUES ($1, $2)")
            .bind(session_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Ends every session of `user_id` but `keep` inside `tx`; how many ended.
async fn end_sessions_in(
    tx: &mut PgConnection,
    user_id: i64,
    keep: Option<&str>,
    now: i64,
) -> Result<usize, sqlx::Error> {
    let sessions: Vec<String> = sqlx::query_scalar(
        "SELECT session_id FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL
         UNION SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL",
    )
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

/// Stores a refresh token in `session_id` inside `tx`; returns when it expires.
async fn store_refresh_token(
    tx: &mut PgConnection,
    token_hash: &str,
    session_id: &str,
    user_id: i64,
    now: i64,
    lifetime: RefreshLifetime,
) -> Result<i64, sqlx::Error> {
    let started: Option<i64> =
        sqlx::query_scalar("SELECT MIN(created_at) FROM refresh_tokens WHERE session_id = $1")
            .bind(session_id)
            .fetch_one(&mut *tx)
            .await?;
    let expires_at = lifetime.expires_at(now, started.unwrap_or(now));
    sqlx::query(
        "INSERT INTO refresh_tokens (token_hash, session_id, user_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(session_id)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    Ok(expires_at)
}

#[async_trait]
impl AuthStore for PostgresStore {
    async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }
}

#[async_trait]
impl UserStore for PostgresStore {
    async fn insert_user(&self, a: &NewAccount<'_>) -> StoreResult<Option<User>> {
        let inserted = sqlx::query(&format!(
            "INSERT INTO users (username, email, password_hash, role, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING {USER_COLUMNS}"
        ))
        .bind(a.username)
        .bind(a.email)
        .bind(a.password_hash)
        .bind(a.role.as_str())
        .bind(a.created_at)
        .fetch_one(&self.pool)
        .await;
        match inserted {
            Ok(row) => Ok(Some(user_from_row(&row)?)),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn user_exists(&self, username: &str) -> StoreResult<bool> {
        Ok(
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE username = $1)")
                .bind(username)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    async fn credentials(&self, username: &str) -> StoreResult<Option<Credentials>> {
        let row = sqlx::query(&format!(
            "SELECT {USER_COLUMNS}, password_hash FROM users WHERE username = $1"
        ))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        let credentials = row.map(|row| -> Result<Credentials, sqlx::Error> {
            let user = user_from_row(&row)?;
            Ok(Credentials {
                disabled: user.disabled,
                user,
                password_hash: row.try_get("password_hash")?,
            })
        });
        Ok(credentials.transpose()?)
    }

    async fn active_user(&self, id: i64) -> StoreResult<Option<User>> {
        let mut conn = self.pool.acquire().await?;
        Ok(user_by_id(&mut conn, id).await?.filter(|u| !u.disabled))
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        let mut conn = self.pool.acquire().await?;
        Ok(user_by_id(&mut conn, id).await?)
    }

    async fn password_hash(&self, user_id: i64) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT password_hash FROM users WHERE id = $1 AND NOT disabled")
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()> {
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn users_page(&self, limit: i64, offset: i64) -> StoreResult<(Vec<User>, u64)> {
        let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await?;
        let rows = sqlx::query(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY id LIMIT $1 OFFSET $2"
        ))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        let users = rows.iter().map(user_from_row).collect::<Result<_, _>>()?;
        Ok((users, u64::try_from(total).unwrap_or(0)))
    }

    async fn enabled_admins(&self) -> StoreResult<i64> {
        let mut conn = self.pool.acquire().await?;
        Ok(enabled_admins(&mut conn).await?)
    }

    async fn change_user(
        &self,
        id: i64,
        change: RoleChange,
        now: i64,
    ) -> Result<User, UserChangeError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let before = user_keeping_an_admin(&mut tx, id, change).await?;
        let after = sqlx::query(&format!(
            "UPDATE users SET role = COALESCE($1, role), disabled = COALESCE($2, disabled)
             WHERE id = $3 RETURNING {USER_COLUMNS}"
        ))
        .bind(change.role.map(Role::as_str))
        .bind(change.disabled)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(store_error)?
        .ok_or(UserChangeError::NotFound)?;
        let after = user_from_row(&after).map_err(store_error)?;
        if RoleChange::ends_sessions(&before, &after) {
            end_sessions_in(&mut tx, id, None, now)
                .await
                .map_err(store_error)?;
        }
        tx.commit().await.map_err(store_error)?;
        Ok(after)
    }

    async fn delete_user(&self, id: i64, now: i64) -> Result<(), UserChangeError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let deleting = RoleChange {
            role: None,
            disabled: Some(true),
        };
        user_keeping_an_admin(&mut tx, id, deleting).await?;
        // The sessions end in the same transaction, so the revocation feed names them.
        end_sessions_in(&mut tx, id, None, now)
            .await
            .map_err(store_error)?;
        sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(())
    }
}

#[async_trait]
impl SessionStore for PostgresStore {
    async fn start_session(
        &self,
        s: &NewSession<'_>,
        lifetime: RefreshLifetime,
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, last_used_at, user_agent)
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(s.id)
        .bind(s.user_id)
        .bind(s.now_text)
        .bind(s.user_agent)
        .execute(&mut *tx)
        .await?;
        let expires_at =
            store_refresh_token(&mut tx, s.token_hash, s.id, s.user_id, s.now, lifetime).await?;
        tx.commit().await?;
        Ok(expires_at)
    }

    async fn rotate(
        &self,
        r: &RefreshRequest<'_>,
        lifetime: RefreshLifetime,
    ) -> StoreResult<Rotation> {
        let mut tx = self.pool.begin().await?;
        let claimed = sqlx::query(
            "UPDATE refresh_tokens SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > $1
             RETURNING session_id, user_id",
        )
        .bind(r.now)
        .bind(r.presented_hash)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(claimed) = claimed {
            let session_id: String = claimed.try_get("session_id")?;
            let user_id: i64 = claimed.try_get("user_id")?;
            let Some(user) = user_by_id(&mut tx, user_id).await?.filter(|u| !u.disabled) else {
                // Rolled back: the token stays as it was, its user disabled.
                return Ok(Rotation::Refused);
            };
            sqlx::query("UPDATE sessions SET last_used_at = $1 WHERE id = $2")
                .bind(r.now_text)
                .bind(&session_id)
                .execute(&mut *tx)
                .await?;
            let expires_at =
                store_refresh_token(&mut tx, r.next_hash, &session_id, user.id, r.now, lifetime)
                    .await?;
            tx.commit().await?;
            return Ok(Rotation::Rotated {
                user,
                session_id,
                expires_at,
            });
        }
        let stored = sqlx::query(
            "SELECT session_id, user_id, used_at, revoked_at IS NOT NULL AS revoked
             FROM refresh_tokens WHERE token_hash = $1",
        )
        .bind(r.presented_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(stored) = stored else {
            return Ok(Rotation::Refused);
        };
        let session_id: String = stored.try_get("session_id")?;
        let used_at: Option<i64> = stored.try_get("used_at")?;
        let revoked: bool = stored.try_get("revoked")?;
        match used_at {
            None => Ok(Rotation::Refused),
            Some(_) if revoked => Ok(Rotation::Refused),
            Some(at) if r.now - at < r.reuse_grace_secs => Ok(Rotation::Concurrent { session_id }),
            Some(_) => {
                end_session(&mut tx, &session_id, r.now).await?;
                tx.commit().await?;
                Ok(Rotation::Reused {
                    user_id: stored.try_get("user_id")?,
                    session_id,
                })
            }
        }
    }

    async fn end_session_of_token(&self, token_hash: &str, now: i64) -> StoreResult<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        let found =
            sqlx::query("SELECT session_id, user_id FROM refresh_tokens WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(found) = found else {
            return Ok(None);
        };
        let session_id: String = found.try_get("session_id")?;
        end_session(&mut tx, &session_id, now).await?;
        tx.commit().await?;
        Ok(Some(found.try_get("user_id")?))
    }

    async fn end_session(&self, session_id: &str, now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        end_session(&mut tx, session_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_sessions_of(
        &self,
        user_id: i64,
        keep: Option<&str>,
        now: i64,
    ) -> StoreResult<usize> {
        let mut tx = self.pool.begin().await?;
        let ended = end_sessions_in(&mut tx, user_id, keep, now).await?;
        tx.commit().await?;
        Ok(ended)
    }

    async fn session_is_live(&self, id: &str) -> StoreResult<bool> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE id = $1 AND revoked_at IS NULL)",
        )
        .bind(id)
        .fetch_one(&self.pool)
        .await?)
    }

    async fn live_sessions(&self, user_id: i64) -> StoreResult<Vec<SessionRow>> {
        let rows = sqlx::query(
            "SELECT id, created_at, last_used_at, user_agent FROM sessions
             WHERE user_id = $1 AND revoked_at IS NULL ORDER BY last_used_at DESC",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        let sessions = rows
            .iter()
            .map(|r| {
                Ok(SessionRow {
                    id: r.try_get("id")?,
                    created_at: r.try_get("created_at")?,
                    last_used_at: r.try_get("last_used_at")?,
                    user_agent: r.try_get("user_agent")?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        Ok(sessions)
    }

    async fn revocations(
        &self,
        after: i64,
        since: i64,
        limit: i64,
    ) -> StoreResult<Vec<Revocation>> {
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT seq, session_id, revoked_at FROM session_revocations
             WHERE seq > $1 AND revoked_at >= $2 ORDER BY seq LIMIT $3",
        )
        .bind(after)
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|(seq, session_id, revoked_at)| Revocation {
                seq,
                session_id,
                revoked_at,
            })
            .collect())
    }
}

#[async_trait]
impl ThrottleStore for PostgresStore {
    async fn throttle_state(&self, subject: &str, client: &str) -> StoreResult<ThrottleState> {
        let (client_blocked_until, client_failures, all_blocked_until): (
            Option<i64>,
            Option<i64>,
            Option<i64>,
        ) = sqlx::query_as(
            "SELECT
               (SELECT blocked_until FROM login_throttle WHERE subject = $1 AND client = $2),
               (SELECT failures FROM login_throttle WHERE subject = $1 AND client = $2),
               (SELECT blocked_until FROM login_throttle WHERE subject = $1 AND client = $3)",
        )
        .bind(subject)
        .bind(client)
        .bind(ALL_CLIENTS)
        .fetch_one(&self.pool)
        .await?;
        Ok(ThrottleState {
            client_blocked_until,
            client_failures: client_failures.unwrap_or(0),
            all_blocked_until,
        })
    }

    async fn record_failure(
        &self,
        subject: &str,
        client: &str,
        now: i64,
        forget_before: i64,
        back_off: BackOff,
    ) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        for (row_client, row) in [
            (client, ThrottleRow::Client),
            (ALL_CLIENTS, ThrottleRow::AllClients),
        ] {
            let failures: i64 = sqlx::query_scalar(
                "INSERT INTO login_throttle (subject, client, failures, last_failure)
                 VALUES ($1, $2, 1, $3)
                 ON CONFLICT (subject, client) DO UPDATE
                 SET failures = login_throttle.failures + 1, last_failure = EXCLUDED.last_failure
                 RETURNING failures",
            )
            .bind(subject)
            .bind(row_client)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            if let Some(block) = back_off(row, failures) {
                sqlx::query(
                    "UPDATE login_throttle SET blocked_until = $1 WHERE subject = $2 AND client = $3",
                )
                .bind(now + block)
                .bind(subject)
                .bind(row_client)
                .execute(&mut *tx)
                .await?;
            }
        }
        sqlx::query("DELETE FROM login_throttle WHERE last_failure < $1 AND blocked_until < $2")
            .bind(forget_before)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn clear_failures(&self, subject: &str, client: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_throttle WHERE subject = $1 AND client IN ($2, $3)")
            .bind(subject)
            .bind(client)
            .bind(ALL_CLIENTS)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
