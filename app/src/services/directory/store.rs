//! The directory's tables: reading the sources back, writing a sync's result in one
//! transaction, and the sync bookkeeping row.

use sqlx::{SqliteConnection, SqlitePool};

use super::merge::{merge, Decision, Merged, V2Entry, V3Entry};
use crate::domain::directory::SyncStatus;

/// What the last good sync stored, and the admins' decisions.
pub struct Sources {
    pub v2: Vec<V2Entry>,
    pub v3: Vec<V3Entry>,
    pub decisions: Vec<Decision>,
}

pub async fn load_sources(conn: &mut sqlx::SqliteConnection) -> Result<Sources, sqlx::Error> {
    let v2 = sqlx::query_as!(
        V2Entry,
        r#"SELECT username, email, name, company, active AS "active: bool", package
           FROM directory_v2 ORDER BY username"#
    )
    .fetch_all(&mut *conn)
    .await?;
    let v3 = sqlx::query_as!(
        V3Entry,
        "SELECT account_id, email, created_at, state, package FROM directory_v3
         ORDER BY created_at, account_id"
    )
    .fetch_all(&mut *conn)
    .await?;
    let decisions = load_decisions(conn).await?;
    Ok(Sources { v2, v3, decisions })
}

async fn load_decisions(conn: &mut sqlx::SqliteConnection) -> Result<Vec<Decision>, sqlx::Error> {
    sqlx::query_as!(
        Decision,
        r#"SELECT username, account_id, decision = 'link' AS "link!: bool"
           FROM customer_links ORDER BY username, account_id"#
    )
    .fetch_all(&mut *conn)
    .await
}

/// Replaces both source tables with what a sync read, then rebuilds the directory.
pub async fn replace_sources(
    tx: &mut SqliteConnection,
    v2: &[V2Entry],
    v3: &[V3Entry],
    synced_at: &str,
) -> Result<usize, sqlx::Error> {
    sqlx::query!("DELETE FROM directory_v2")
        .execute(&mut *tx)
        .await?;
    sqlx::query!("DELETE FROM directory_v3")
        .execute(&mut *tx)
        .await?;
    for c in v2 {
        sqlx::query!(
            "INSERT INTO directory_v2 (username, email, name, company, active, package, synced_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            c.username,
            c.email,
            c.name,
            c.company,
            c.active,
            c.package,
            synced_at,
        )
        .execute(&mut *tx)
        .await?;
    }
    for a in v3 {
        sqlx::query!(
            "INSERT INTO directory_v3 (account_id, email, created_at, state, package, synced_at)
             VALUES (?, ?, ?, ?, ?, ?)",
            a.account_id,
            a.email,
            a.created_at,
            a.state,
            a.package,
            synced_at,
        )
        .execute(&mut *tx)
        .await?;
    }
    rebuild(tx).await
}

/// Recomputes `customers` (and its search index) from the source tables and the admins'
/// decisions. Returns the number of directory entries.
pub async fn rebuild(tx: &mut SqliteConnection) -> Result<usize, sqlx::Error> {
    let sources = load_sources(tx).await?;
    let merged = merge(&sources.v2, &sources.v3, &sources.decisions);
    let synced: std::collections::HashMap<String, String> = sqlx::query!(
        r#"SELECT username AS "key!", synced_at AS "synced_at!" FROM directory_v2
           UNION ALL SELECT account_id, synced_at FROM directory_v3"#
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|row| (row.key, row.synced_at))
    .collect();
    sqlx::query!("DELETE FROM customers")
        .execute(&mut *tx)
        .await?;
    for entry in &merged {
        let synced_at = synced
            .get(&entry.key)
            .map(String::as_str)
            .unwrap_or_default();
        insert_customer(tx, entry, synced_at).await?;
    }
    // External-content FTS5 table: 'rebuild' re-reads `customers` in full (fast at 10,000).
    sqlx::query!("INSERT INTO customers_search (customers_search) VALUES ('rebuild')")
        .execute(&mut *tx)
        .await?;
    Ok(merged.len())
}

async fn insert_customer(
    tx: &mut SqliteConnection,
    entry: &Merged,
    synced_at: &str,
) -> Result<(), sqlx::Error> {
    let linkage = entry.linkage.as_str();
    sqlx::query!(
        "INSERT INTO customers (key, username, account_id, linkage, name, company, email, package,
            state, synced_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entry.key,
        entry.username,
        entry.account_id,
        linkage,
        entry.name,
        entry.company,
        entry.email,
        entry.package,
        entry.state,
        synced_at,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn record_start(pool: &SqlitePool, at: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE directory_sync SET last_started_at = ? WHERE id = 1",
        at
    )
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn record_success(
    tx: &mut SqliteConnection,
    at: &str,
    pages: u32,
    accounts: u32,
    notes: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE directory_sync SET last_success_at = ?, last_notes = ?, pages = ?, accounts = ?
         WHERE id = 1",
        at,
        notes,
        pages,
        accounts,
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

pub async fn record_failure(pool: &SqlitePool, at: &str, message: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE directory_sync SET last_failure_at = ?, last_failure = ? WHERE id = 1",
        at,
        message,
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The stored part of the status; the caller adds the running sync's progress.
pub async fn status(pool: &SqlitePool) -> Result<SyncStatus, sqlx::Error> {
    // One statement: each is a hand-off to the database's thread, on every directory page.
    let row = sqlx::query!(
        r#"SELECT last_success_at, last_failure_at, last_failure, last_notes,
                  (SELECT COUNT(*) FROM customers) AS "customers!: i64"
           FROM directory_sync WHERE id = 1"#
    )
    .fetch_optional(pool)
    .await?;
    // The row is the migration's; without it nothing was ever synced.
    Ok(row
        .map(|row| SyncStatus {
            last_success_at: row.last_success_at,
            last_failure_at: row.last_failure_at,
            last_failure: row.last_failure,
            last_notes: row.last_notes,
            customers: row.customers.max(0) as u64,
            running: None,
        })
        .unwrap_or_default())
}
