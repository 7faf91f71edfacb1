//! Database set-up shared by the services: SQLite (one file per service in the data directory,
//! WAL journal, foreign keys on) or PostgreSQL (a pool on a server), migrations embedded in
//! each service and run at start.

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::time::Duration;

/// How long a statement waits for another writer's lock before failing, in seconds.
pub const BUSY_TIMEOUT_SECS: u64 = 10;

/// Opens (creating if needed) the SQLite database `file` with a pool of at most
/// `max_connections` (at least 1) and runs `migrator`.
///
/// WAL mode with `synchronous = NORMAL`: a committed transaction survives the process being
/// killed (`kill -9`); only an operating-system crash may lose the last commits.
///
/// # Errors
/// When the directory cannot be created, the file cannot be opened or a migration fails.
pub async fn open_sqlite(
    file: &Path,
    migrator: &Migrator,
    max_connections: u32,
) -> anyhow::Result<SqlitePool> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create data directory {}: {e}", dir.display()))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(BUSY_TIMEOUT_SECS));
    let pool = SqlitePoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(BUSY_TIMEOUT_SECS))
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open database {}: {e}", file.display()))?;
    migrator.run(&pool).await?;
    Ok(pool)
}

/// Whether the database answers a trivial query: the readiness check.
pub async fn ping(pool: &SqlitePool) -> bool {
    sqlx::query("SELECT 1").execute(pool).await.is_ok()
}

/// Longest wait for a PostgreSQL connection (at start: for the server to answer), in seconds.
pub const POSTGRES_CONNECT_TIMEOUT_SECS: u64 = 10;

/// Connects a pool of at most `max_connections` (at least 1) to the PostgreSQL server of `url`
/// and runs `migrator` (PostgreSQL's own advisory lock keeps replicas starting together from
/// migrating twice).
///
/// # Errors
/// A server that cannot be reached within [`POSTGRES_CONNECT_TIMEOUT_SECS`], refused
/// credentials, a missing database or a failed migration; the message names the URL without
/// its password.
pub async fn open_postgres(
    url: &str,
    migrator: &Migrator,
    max_connections: u32,
) -> anyhow::Result<sqlx::PgPool> {
    use sqlx::ConnectOptions;
    let shown = crate::store::redacted(url);
    let options: sqlx::postgres::PgConnectOptions =
        url.parse().map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
    // One connection first, so a refused connection, a wrong password or a missing database
    // is reported as itself (a pool reports only that it timed out).
    let first = tokio::time::timeout(
        Duration::from_secs(POSTGRES_CONNECT_TIMEOUT_SECS),
        options.connect(),
    )
    .await
    .map_err(|_| {
        anyhow::anyhow!(
            "cannot connect to {shown}: no answer within {POSTGRES_CONNECT_TIMEOUT_SECS} s"
        )
    })?
    .map_err(|e| anyhow::anyhow!("cannot connect to {shown}: {e}"))?;
    let _ = sqlx::Connection::close(first).await;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(max_connections.max(1))
        .acquire_timeout(Duration::from_secs(POSTGRES_CONNECT_TIMEOUT_SECS))
        .connect_with(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to {shown}: {e}"))?;
    migrator
        .run(&pool)
        .await
        .map_err(|e| anyhow::anyhow!("cannot migrate {shown}: {e}"))?;
    Ok(pool)
}
