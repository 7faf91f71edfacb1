//! The back-off counters: one row per (subject, client address) and one per subject over
//! every address (client `*`).

use crate::store::{BackOff, ThrottleRow, ThrottleState};
use sqlx::SqlitePool;

/// The client of the row counting every address of a subject.
const ALL_CLIENTS: &str = "*";

pub(super) async fn throttle_state(
    db: &SqlitePool,
    subject: &str,
    client: &str,
) -> Result<ThrottleState, sqlx::Error> {
    let (client_blocked_until, client_failures, all_blocked_until): (
        Option<i64>,
        Option<i64>,
        Option<i64>,
    ) = sqlx::query_as(
        "SELECT
           (SELECT blocked_until FROM login_throttle WHERE subject = ?1 AND client = ?2),
           (SELECT failures FROM login_throttle WHERE subject = ?1 AND client = ?2),
           (SELECT blocked_until FROM login_throttle WHERE subject = ?1 AND client = ?3)",
    )
    .bind(subject)
    .bind(client)
    .bind(ALL_CLIENTS)
    .fetch_one(db)
    .await?;
    Ok(ThrottleState {
        client_blocked_until,
        client_failures: client_failures.unwrap_or(0),
        all_blocked_until,
    })
}

pub(super) async fn record_failure(
    db: &SqlitePool,
    subject: &str,
    client: &str,
    now: i64,
    forget_before: i64,
    back_off: BackOff,
) -> Result<(), sqlx::Error> {
    let mut tx = db.begin().await?;
    for (row_client, row) in [
        (client, ThrottleRow::Client),
        (ALL_CLIENTS, ThrottleRow::AllClients),
    ] {
        let failures: i64 = sqlx::query_scalar(
            "INSERT INTO login_throttle (subject, client, failures, last_failure) VALUES (?, ?, 1, ?)
             ON CONFLICT (subject, client)
             DO UPDATE SET failures = failures + 1, last_failure = excluded.last_failure
             RETURNING failures",
        )
        .bind(subject)
        .bind(row_client)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        if let Some(block) = back_off(row, failures) {
            sqlx::query(
                "UPDATE login_throttle SET blocked_until = ? WHERE subject = ? AND client = ?",
            )
            .bind(now + block)
            .bind(subject)
            .bind(row_client)
            .execute(&mut *tx)
            .await?;
        }
    }
    sqlx::query("DELETE FROM login_throttle WHERE last_failure < ? AND blocked_until < ?")
        .bind(forget_before)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await
}

pub(super) async fn clear(db: &SqlitePool, subject: &str, client: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM login_throttle WHERE subject = ? AND client IN (?, ?)")
        .bind(subject)
        .bind(client)
        .bind(ALL_CLIENTS)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_table_forgets_idle_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = super::super::SqliteStore::open(&dir.path().join("auth.db"), 2)
            .await
            .unwrap();
        let db = &store.pool;
        let back_off: BackOff = |_, _| None;
        for i in 0..50 {
            record_failure(db, &format!("user{i}"), "192.0.2.1", 1_000, 0, back_off)
                .await
                .unwrap();
        }
        let rows = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM login_throttle")
                .fetch_one(db)
                .await
                .unwrap()
        };
        assert_eq!(rows().await, 100);
        // An hour later one more failure sweeps the idle rows away.
        record_failure(db, "late", "192.0.2.1", 4_601, 1_001, back_off)
            .await
            .unwrap();
        assert_eq!(rows().await, 2);
    }
}
