//! The auth service's store boundary: what it keeps, by aggregate ([`UserStore`],
//! [`SessionStore`] with the refresh tokens of each session, [`ThrottleStore`] for the sign-in
//! back-off), and one implementation per database engine ([`sqlite`], the embedded default, and
//! [`postgres`], for replicas). Handlers and the domain
//! call these traits and never see SQL, a connection or a transaction: each method that must
//! be atomic is one method (a rotation, a change that must keep an admin), and the engine
//! decides how to make it so.
//!
//! Times are Unix seconds (`i64`) unless a field says RFC 3339 text.

pub(crate) mod postgres;
pub(crate) mod sqlite;

use api_types::auth::{Role, User};
use async_trait::async_trait;
use shop_common::store::{DatabaseUrl, StoreError, StoreResult};
use std::sync::Arc;

/// Everything the auth service keeps, on one database.
#[async_trait]
pub(crate) trait AuthStore: UserStore + SessionStore + ThrottleStore {
    /// Whether the database answers a trivial query: the readiness check.
    async fn ping(&self) -> bool;
}

/// The store on `database`, migrated, with at most `max_connections` open.
///
/// # Errors
/// A database that cannot be opened, reached or migrated, or an engine this build lacks.
pub(crate) async fn open(
    database: &DatabaseUrl,
    max_connections: u32,
) -> anyhow::Result<Arc<dyn AuthStore>> {
    match database {
        DatabaseUrl::Sqlite(file) => Ok(Arc::new(
            sqlite::SqliteStore::open(file, max_connections).await?,
        )),
        DatabaseUrl::Postgres(url) => Ok(Arc::new(
            postgres::PostgresStore::open(url, max_connections).await?,
        )),
    }
}

/// The readiness check of a service whose only dependency is `store`.
pub(crate) fn ready_check(store: Arc<dyn AuthStore>) -> shop_common::health::ReadyCheck {
    Arc::new(move || {
        let store = store.clone();
        Box::pin(async move { store.ping().await })
    })
}

/// A user with their password hash, for sign-in.
pub(crate) struct Credentials {
    pub user: User,
    /// PHC string of the argon2id hash.
    pub password_hash: String,
    pub disabled: bool,
}

/// A new account, validated.
pub(crate) struct NewAccount<'a> {
    pub username: &'a str,
    pub email: Option<&'a str>,
    /// PHC string of the argon2id hash.
    pub password_hash: &'a str,
    pub role: Role,
    /// RFC 3339.
    pub created_at: &'a str,
}

/// An admin's change to a user; `None` keeps a field.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RoleChange {
    pub role: Option<Role>,
    pub disabled: Option<bool>,
}

impl RoleChange {
    /// Whether the change leaves `user` no longer an enabled admin (deleting counts as
    /// disabling): a change the last enabled admin may not have.
    pub(crate) fn removes_an_admin(&self, user: &User) -> bool {
        let is_admin_now = user.role == Role::Admin && !user.disabled;
        let admin_after = self.role.unwrap_or(user.role) == Role::Admin
            && !self.disabled.unwrap_or(user.disabled);
        is_admin_now && !admin_after
    }

    /// Whether a user changed from `before` to `after` is signed out everywhere at once: a
    /// disabled user, and a changed role (the role in their access tokens is stale).
    pub(crate) fn ends_sessions(before: &User, after: &User) -> bool {
        after.disabled || after.role != before.role
    }
}

/// Why an admin's change to a user was not made.
#[derive(Debug, thiserror::Error)]
pub(crate) enum UserChangeError {
    /// 404 `not_found`.
    #[error("no such user")]
    NotFound,
    /// 409 `last_admin`: the change would leave no enabled admin.
    #[error("the last enabled admin")]
    LastAdmin,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Users: accounts, password hashes, roles, and the enabled admins.
#[async_trait]
pub(crate) trait UserStore: Send + Sync {
    /// Creates the account; `None` when the username is taken (usernames are unique).
    async fn insert_user(&self, account: &NewAccount<'_>) -> StoreResult<Option<User>>;
    /// Whether an account has this username.
    async fn user_exists(&self, username: &str) -> StoreResult<bool>;
    /// The account of `username` with its password hash, disabled or not.
    async fn credentials(&self, username: &str) -> StoreResult<Option<Credentials>>;
    /// User `id` if enabled.
    async fn active_user(&self, id: i64) -> StoreResult<Option<User>>;
    /// User `id`, disabled or not.
    async fn user_by_id(&self, id: i64) -> StoreResult<Option<User>>;
    /// The password hash (PHC string) of enabled user `user_id`.
    async fn password_hash(&self, user_id: i64) -> StoreResult<Option<String>>;
    /// Replaces the password hash of `user_id`.
    async fn set_password_hash(&self, user_id: i64, hash: &str) -> StoreResult<()>;
    /// `limit` users by id from `offset`, and how many there are in all.
    async fn users_page(&self, limit: i64, offset: i64) -> StoreResult<(Vec<User>, u64)>;
    /// How many enabled admins there are.
    async fn enabled_admins(&self) -> StoreResult<i64>;
    /// Applies `change` to user `id` and returns the user as changed; when they are disabled
    /// or their role changes, their sessions end in the same transaction (at `now`). Atomic
    /// with the check that an enabled admin remains, so of two concurrent changes that would
    /// each remove one of the last two admins, one is refused.
    ///
    /// # Errors
    /// [`UserChangeError::NotFound`], [`UserChangeError::LastAdmin`].
    async fn change_user(
        &self,
        id: i64,
        change: RoleChange,
        now: i64,
    ) -> Result<User, UserChangeError>;
    /// Ends every session of user `id` (at `now`) and deletes them, atomically with the check
    /// that an enabled admin remains (as [`UserStore::change_user`]).
    ///
    /// # Errors
    /// [`UserChangeError::NotFound`], [`UserChangeError::LastAdmin`].
    async fn delete_user(&self, id: i64, now: i64) -> Result<(), UserChangeError>;
}

/// How long refresh tokens live: idle expiry from their issue, never past the session's
/// absolute end (RFC 9700 §4.14.2).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RefreshLifetime {
    /// Seconds a refresh token lives from its issue.
    pub idle_secs: i64,
    /// Seconds a session lives from its sign-in, however often it is refreshed.
    pub max_age_secs: i64,
}

impl RefreshLifetime {
    /// When a refresh token issued `now` in a session started at `started` expires.
    pub(crate) fn expires_at(&self, now: i64, started: i64) -> i64 {
        now.saturating_add(self.idle_secs)
            .min(started.saturating_add(self.max_age_secs))
    }
}

/// A session to start at sign-in, with its first refresh token.
pub(crate) struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: i64,
    /// SHA-256 (hex) of the first refresh token: tokens are never stored.
    pub token_hash: &'a str,
    pub now: i64,
    /// `now` as RFC 3339.
    pub now_text: &'a str,
    pub user_agent: Option<&'a str>,
}

/// A refresh to make: the presented token's hash and its successor's.
pub(crate) struct RefreshRequest<'a> {
    pub presented_hash: &'a str,
    pub next_hash: &'a str,
    pub now: i64,
    /// `now` as RFC 3339.
    pub now_text: &'a str,
    /// Seconds after a rotation during which the rotated token presented again counts as a
    /// concurrent refresh rather than a reuse.
    pub reuse_grace_secs: i64,
}

/// What became of a refresh (RFC 9700 §4.14.2).
pub(crate) enum Rotation {
    /// The presented token was live: it is used now and its successor (expiring at
    /// `expires_at`) is stored in the same session.
    Rotated {
        user: User,
        session_id: String,
        expires_at: i64,
    },
    /// The token was rotated within the grace period (two tabs, a retry): refused, the
    /// session is kept.
    Concurrent { session_id: String },
    /// A used token presented again: its session (token family) has ended.
    Reused { user_id: i64, session_id: String },
    /// Unknown, expired or revoked, or its user is disabled.
    Refused,
}

/// A live session.
pub(crate) struct SessionRow {
    pub id: String,
    /// RFC 3339.
    pub created_at: String,
    /// RFC 3339.
    pub last_used_at: String,
    pub user_agent: Option<String>,
}

/// An entry of the feed of ended sessions.
pub(crate) struct Revocation {
    /// Feed position, increasing.
    pub seq: i64,
    pub session_id: String,
    pub revoked_at: i64,
}

/// Sessions (one per sign-in), their refresh tokens (stored as SHA-256 hashes) and the feed of
/// ended sessions.
#[async_trait]
pub(crate) trait SessionStore: Send + Sync {
    /// Starts `session` with its first refresh token; returns when that token expires.
    async fn start_session(
        &self,
        session: &NewSession<'_>,
        lifetime: RefreshLifetime,
    ) -> StoreResult<i64>;
    /// Rotates the presented refresh token (see [`Rotation`]), atomically: of two refreshes
    /// with one token, exactly one rotates it.
    async fn rotate(
        &self,
        refresh: &RefreshRequest<'_>,
        lifetime: RefreshLifetime,
    ) -> StoreResult<Rotation>;
    /// Ends the session of the refresh token with hash `token_hash`; the user it belonged
    /// to, or `None` for an unknown token.
    async fn end_session_of_token(&self, token_hash: &str, now: i64) -> StoreResult<Option<i64>>;
    /// Ends a session: its refresh tokens are revoked and the feed gets an entry. Ending an
    /// ended session is a no-op.
    async fn end_session(&self, session_id: &str, now: i64) -> StoreResult<()>;
    /// Ends every session of `user_id` but `keep`; returns how many ended.
    async fn end_sessions_of(
        &self,
        user_id: i64,
        keep: Option<&str>,
        now: i64,
    ) -> StoreResult<usize>;
    /// Whether session `id` exists and has not ended.
    async fn session_is_live(&self, id: &str) -> StoreResult<bool>;
    /// The user's live sessions, most recently used first.
    async fn live_sessions(&self, user_id: i64) -> StoreResult<Vec<SessionRow>>;
    /// Feed entries after position `after` of sessions ended at `since` or later, oldest
    /// first, at most `limit`.
    async fn revocations(&self, after: i64, since: i64, limit: i64)
        -> StoreResult<Vec<Revocation>>;
}

/// Which counter of a subject a back-off applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThrottleRow {
    /// The subject's failures from one client address.
    Client,
    /// The subject's failures from every address together.
    AllClients,
}

/// The counters of a subject as one client sees them.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ThrottleState {
    /// Until when this client waits for this subject.
    pub client_blocked_until: Option<i64>,
    /// This client's failures for this subject.
    pub client_failures: i64,
    /// Until when clients that failed wait for this subject.
    pub all_blocked_until: Option<i64>,
}

/// The wait in seconds that the `failures`-th failure counted in `row` earns, if any.
pub(crate) type BackOff = fn(row: ThrottleRow, failures: i64) -> Option<i64>;

/// The counters of failed password checks (see [`crate::throttle`]).
#[async_trait]
pub(crate) trait ThrottleStore: Send + Sync {
    /// The counters of `subject` for `client`.
    async fn throttle_state(&self, subject: &str, client: &str) -> StoreResult<ThrottleState>;
    /// Counts a failure of `client` for `subject` in both rows, sets each row's wait from
    /// `back_off`, and forgets rows without a failure since `forget_before` that no longer
    /// wait; in one transaction.
    async fn record_failure(
        &self,
        subject: &str,
        client: &str,
        now: i64,
        forget_before: i64,
        back_off: BackOff,
    ) -> StoreResult<()>;
    /// Clears the counters of `subject` for `client` and over every address.
    async fn clear_failures(&self, subject: &str, client: &str) -> StoreResult<()>;
}
