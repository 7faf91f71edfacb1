//! The auth store on SQLite (the embedded default): one file, WAL journal, migrations in
//! `migrations/sqlite`.
//!
//! Concurrency: SQLite has one writer. A transaction whose first statement writes holds the
//! write lock until it commits, so every read-then-write method below starts with a write
//! (an `UPDATE` that changes nothing when there is nothing else to write first): what it reads
//! next cannot change before it commits. Two refreshes with one token, or two admins removing
//! the last two admins, are therefore serialised, and the second sees the first's change.

mod sessions;
mod throttle;
mod users;

use crate::store::{
    AuthStore, BackOff, Credentials, NewAccount, NewSession, RefreshLifetime, RefreshRequest,
    Revocation, RoleChange, Rotation, SessionRow, SessionStore, ThrottleState, ThrottleStore,
    UserChangeError, UserStore,
};
use api_types::auth::User;
use async_trait::async_trait;
use shop_common::store::{is_unique_violation, StoreResult};
use sqlx::{SqliteConnection, SqlitePool};
use std::path::Path;

/// The migrations of the SQLite store.
pub(crate) static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// The auth store in a SQLite file.
#[derive(Clone)]
pub(crate) struct SqliteStore {
    pub(crate) pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating when missing) the database `file` with at most `max_connections`
    /// and runs the migrations.
    ///
    /// # Errors
    /// A file that cannot be created or opened, or a migration that fails.
    pub(crate) async fn open(file: &Path, max_connections: u32) -> anyhow::Result<Self> {
        Ok(Self {
            pool: shop_common::db::open_sqlite(file, &MIGRATOR, max_connections).await?,
        })
    }
}

/// Takes the database's write lock inside `tx` (see the module's documentation), so that what
/// `tx` reads next, such as the number of enabled admins, cannot change before it commits.
async fn lock_for_write(tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET role = role WHERE id = 0")
        .execute(&mut *tx)
        .await?;
    Ok(())
}

#[async_trait]
impl AuthStore for SqliteStore {
    async fn ping(&self) -> bool {
        shop_common::db::ping(&self.pool).await
    }
}

/// User `id`, read inside `tx` after taking the write lock, when `change` leaves at least one
/// enabled admin.
async fn user_keeping_an_admin(
    tx: &mut SqliteConnection,
    id: i64,
    change: RoleChange,
) -> Result<User, UserChangeError> {
    lock_for_write(tx).await.map_err(store_error)?;
    let user = users::user_by_id(&mut *tx, id)
        .await
        .map_err(store_error)?
        .ok_or(UserChangeError::NotFound)?;
    if change.removes_an_admin(&user)
        && users::enabled_admins(&mut *tx).await.map_err(store_error)? <= 1
    {
        return Err(UserChangeError::LastAdmin);
    }
    Ok(user)
}

fn store_error(e: sqlx::Error) -> UserChangeError {
    UserChangeError::Store(e.into())
}

#[async_trait]
impl UserStore for SqliteStore {
    async fn insert_user(&self, a: &NewAccount<'_>) -> StoreResult<Option<User>> {
        match users::insert_user(
            &self.pool,
            a.username,
            a.email,
            a.password_hash,
            a.role,
            a.created_at,
        )
        .await
        {
            Ok(user) => Ok(Some(user)),
            Err(e) if is_unique_violation(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn user_exists(&self, username: &str) -> StoreResult<bool> {
        Ok(users::user_exists(&self.pool, username).await?)
    }

    async fn credentials(&self, username: &str) -> StoreResult<Option<Credentials>> {
        Ok(users::credentials(&self.pool, username).await?)
    }

    async fn active_user(&self, id: i64) -> StoreResult<Option<User>> {
        Ok(users::active_user(&self.pool, id).await?)
    }

    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>> {
        Ok(users::user_by_id(&self.pool, id).await?)
    }

    async fn password_hash(&self, user_id: i64) -> StoreResult<Option<String>> {
        Ok(users::password_hash(&self.pool, user_id).await?)
    }

    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()> {
        Ok(users::set_password_hash(&self.pool, user_id, hash).await?)
    }

    async fn users_page(&self, limit: i64, offset: i64) -> StoreResult<(Vec<User>, u64)> {
        let (users, total) = users::users_page(&self.pool, limit, offset).await?;
        Ok((users, u64::try_from(total).unwrap_or(0)))
    }

    async fn enabled_admins(&self) -> StoreResult<i64> {
        Ok(users::enabled_admins(&self.pool).await?)
    }

    async fn change_user(
        &self,
        id: i64,
        change: RoleChange,
        now: i64,
    ) -> Result<User, UserChangeError> {
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        let before = user_keeping_an_admin(&mut tx, id, change).await?;
        users::set_role_and_disabled(&mut tx, id, change.role, change.disabled)
            .await
            .map_err(store_error)?;
        let after = users::user_by_id(&mut *tx, id)
            .await
            .map_err(store_error)?
            .ok_or(UserChangeError::NotFound)?;
        if RoleChange::ends_sessions(&before, &after) {
            sessions::end_sessions_in(&mut tx, id, None, now)
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
        sessions::end_sessions_in(&mut tx, id, None, now)
            .await
            .map_err(store_error)?;
        users::delete_user(&mut tx, id).await.map_err(store_error)?;
        tx.commit().await.map_err(store_error)?;
        Ok(())
    }
}

/// Stores a refresh token in `session_id` (through `conn`, inside the caller's transaction);
/// returns when it expires (see [`RefreshLifetime`]).
async fn store_refresh_token(
    conn: &mut SqliteConnection,
    token_hash: &str,
    session_id: &str,
    user_id: i64,
    now: i64,
    lifetime: RefreshLifetime,
) -> Result<i64, sqlx::Error> {
    let started = sessions::session_started(&mut *conn, session_id)
        .await?
        .unwrap_or(now);
    let expires_at = lifetime.expires_at(now, started);
    sessions::insert_refresh_token(conn, token_hash, session_id, user_id, now, expires_at).await?;
    Ok(expires_at)
}

#[async_trait]
impl SessionStore for SqliteStore {
    async fn start_session(
        &self,
        s: &NewSession<'_>,
        lifetime: RefreshLifetime,
    ) -> StoreResult<i64> {
        let mut tx = self.pool.begin().await?;
        sessions::create_session(&mut tx, s.id, s.user_id, s.now_text, s.user_agent).await?;
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
        // The first statement writes, so the transaction holds SQLite's write lock from the
        // start and two refreshes with one token are serialised: exactly one claims it.
        if let Some(claimed) =
            sessions::claim_refresh_token(&mut tx, r.presented_hash, r.now).await?
        {
            let Some(user) = users::active_user(&mut *tx, claimed.user_id).await? else {
                // Rolled back: the token stays as it was, its user disabled.
                return Ok(Rotation::Refused);
            };
            sessions::touch_session(&mut tx, &claimed.session_id, r.now_text).await?;
            let expires_at = store_refresh_token(
                &mut tx,
                r.next_hash,
                &claimed.session_id,
                user.id,
                r.now,
                lifetime,
            )
            .await?;
            tx.commit().await?;
            return Ok(Rotation::Rotated {
                user,
                session_id: claimed.session_id,
                expires_at,
            });
        }
        let Some(stored) = sessions::find_refresh_token(&mut tx, r.presented_hash).await? else {
            return Ok(Rotation::Refused);
        };
        let rotated_just_now = stored
            .used_at
            .is_some_and(|at| r.now - at < r.reuse_grace_secs);
        if stored.revoked || stored.used_at.is_none() {
            // Revoked, or never used yet but expired.
            Ok(Rotation::Refused)
        } else if rotated_just_now {
            Ok(Rotation::Concurrent {
                session_id: stored.session_id,
            })
        } else {
            sessions::end_session(&mut tx, &stored.session_id, r.now).await?;
            tx.commit().await?;
            Ok(Rotation::Reused {
                user_id: stored.user_id,
                session_id: stored.session_id,
            })
        }
    }

    async fn end_session_of_token(&self, token_hash: &str, now: i64) -> StoreResult<Option<i64>> {
        let mut tx = self.pool.begin().await?;
        let Some(stored) = sessions::find_refresh_token(&mut tx, token_hash).await? else {
            return Ok(None);
        };
        sessions::end_session(&mut tx, &stored.session_id, now).await?;
        tx.commit().await?;
        Ok(Some(stored.user_id))
    }

    async fn end_session(&self, session_id: &str, now: i64) -> StoreResult<()> {
        let mut tx = self.pool.begin().await?;
        sessions::end_session(&mut tx, session_id, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn end_sessions_of(
        &self,
        user_id: i64,
        keep: Option<&str>,
        now: i64,
    ) -> StoreResult<usize> {
        Ok(sessions::end_sessions_of(&self.pool, user_id, keep, now).await?)
    }

    async fn session_is_live(&self, id: &str) -> StoreResult<bool> {
        Ok(sessions::session_is_live(&self.pool, id).await?)
    }

    async fn live_sessions(&self, user_id: i64) -> StoreResult<Vec<SessionRow>> {
        Ok(sessions::live_sessions(&self.pool, user_id).await?)
    }

    async fn revocations(
        &self,
        after: i64,
        since: i64,
        limit: i64,
    ) -> StoreResult<Vec<Revocation>> {
        let rows = sessions::revocations(&self.pool, after, since, limit).await?;
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
impl ThrottleStore for SqliteStore {
    async fn throttle_state(&self, subject: &str, client: &str) -> StoreResult<ThrottleState> {
        Ok(throttle::throttle_state(&self.pool, subject, client).await?)
    }

    async fn record_failure(
        &self,
        subject: &str,
        client: &str,
        now: i64,
        forget_before: i64,
        back_off: BackOff,
    ) -> StoreResult<()> {
        Ok(
            throttle::record_failure(&self.pool, subject, client, now, forget_before, back_off)
                .await?,
        )
    }

    async fn clear_failures(&self, subject: &str, client: &str) -> StoreResult<()> {
        Ok(throttle::clear(&self.pool, subject, client).await?)
    }
}
