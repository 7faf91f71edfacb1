//! SQL of the auth service, one small function per query, by aggregate: [`users`] and
//! [`sessions`] (with their refresh tokens). Handlers call these and never write SQL.

mod sessions;
mod users;

pub(crate) use sessions::*;
pub(crate) use users::*;

use sqlx::SqliteConnection;

/// Takes the database's write lock inside `tx` (SQLite has one writer: a deferred transaction
/// whose first statement writes holds it until commit), so that what `tx` reads next, such as
/// the number of enabled admins, cannot change before `tx` commits.
pub(crate) async fn lock_for_write(tx: &mut SqliteConnection) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET role = role WHERE id = 0")
        .execute(&mut *tx)
        .await?;
    Ok(())
}
