//! The bulk tables: a job, its customers, and the status of each, changed one row at a time
//! so a stop at any moment leaves an exact record.

use chrono::Utc;
use sqlx::{SqliteConnection, SqlitePool};

use crate::domain::bulk::{BulkOperation, Counts, ItemStatus, ItemView, JobStatus};
use crate::domain::IdempotencyKey;
use crate::services::schedule::timestamp;
use crate::services::writer::begin_write;

#[derive(Clone, Debug)]
pub struct JobRow {
    pub id: i64,
    pub created_by: String,
    pub created_at: String,
    pub operation: String,
    pub summary: String,
    pub concurrency: i64,
    pub status: String,
    pub started_at: String,
    pub finished_before: i64,
    pub finished_at: Option<String>,
}

impl JobRow {
    pub fn status(&self) -> JobStatus {
        JobStatus::parse(&self.status).unwrap_or(JobStatus::Interrupted)
    }

    pub fn operation(&self) -> Result<BulkOperation, serde_json::Error> {
        serde_json::from_str(&self.operation)
    }
}

#[derive(Clone, Debug)]
pub struct ItemRow {
    pub job_id: i64,
    pub position: i64,
    pub customer: String,
    pub username: Option<String>,
    pub account_id: Option<String>,
    pub name: String,
    pub status: String,
    pub message: String,
    pub r#try: i64,
    pub attempt_id: Option<i64>,
    pub seq: i64,
}

impl ItemRow {
    pub fn status(&self) -> ItemStatus {
        ItemStatus::parse(&self.status).unwrap_or(ItemStatus::Unknown)
    }

    /// The try's idempotency key: the same try run again answers from the audit log.
    pub fn key(&self) -> IdempotencyKey {
        IdempotencyKey::bulk_item(self.job_id, self.position, self.r#try)
    }

    pub fn view(&self) -> ItemView {
        ItemView {
            position: self.position as u32,
            customer: self.customer.clone(),
            name: self.name.clone(),
            status: self.status(),
            message: self.message.clone(),
            attempt_id: self.attempt_id,
            seq: self.seq,
        }
    }
}

/// One chosen customer, as the directory knows it.
#[derive(Clone, Debug)]
pub struct NewItem {
    pub customer: String,
    pub username: Option<String>,
    pub account_id: Option<String>,
    pub name: String,
    /// Known at the start: it cannot apply (no v3 account, say).
    pub skipped: Option<String>,
}

/// Reads [`JobRow`]s: the columns are named once, the rest of the statement is the argument.
macro_rules! select_jobs {
    ($rest:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            JobRow,
            r#"SELECT id AS "id!", created_by, created_at, operation, summary, concurrency, status,
                 started_at, finished_before, finished_at
             FROM bulk_jobs "# + $rest
            $(, $arg)*
        )
    };
}

/// Reads [`ItemRow`]s, from a `SELECT` or a statement's `RETURNING`.
macro_rules! bulk_items {
    (select $rest:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            ItemRow,
            "SELECT job_id, position, customer, username, account_id, name, status, message, try,
                 attempt_id, seq
             FROM bulk_items " + $rest
            $(, $arg)*
        )
    };
    (returning $statement:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            ItemRow,
            $statement + " RETURNING job_id, position, customer, username, account_id, name,
                 status, message, try, attempt_id, seq"
            $(, $arg)*
        )
    };
}

pub(crate) use bulk_items;

pub fn now() -> String {
    timestamp(Utc::now())
}

pub async fn by_key(conn: &mut SqliteConnection, key: &str) -> Result<Option<JobRow>, sqlx::Error> {
    select_jobs!("WHERE idempotency_key = ?", key)
        .fetch_optional(conn)
        .await
}

pub async fn job(pool: &SqlitePool, id: i64) -> Result<Option<JobRow>, sqlx::Error> {
    select_jobs!("WHERE id = ?", id).fetch_optional(pool).await
}

/// Inserts the job and its customers in the caller's transaction.
pub async fn insert(
    conn: &mut SqliteConnection,
    created_by: &str,
    operation: &BulkOperation,
    concurrency: u32,
    key: &str,
    items: &[NewItem],
) -> Result<i64, sqlx::Error> {
    let now = now();
    let operation_json = serde_json::to_string(operation).unwrap_or_default();
    let summary = operation.summary();
    let concurrency = i64::from(concurrency);
    let id = sqlx::query_scalar!(
        "INSERT INTO bulk_jobs (created_by, created_at, operation, summary, concurrency, status,
             started_at, idempotency_key)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?) RETURNING id",
        created_by,
        now,
        operation_json,
        summary,
        concurrency,
        now,
        key,
    )
    .fetch_one(&mut *conn)
    .await?;
    for (position, item) in items.iter().enumerate() {
        let (status, message) = match &item.skipped {
            Some(reason) => ("skipped", reason.as_str()),
            None => ("pending", ""),
        };
        let position = position as i64 + 1;
        sqlx::query!(
            "INSERT INTO bulk_items (job_id, position, customer, username, account_id, name, status,
                 message, seq)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            id,
            position,
            item.customer,
            item.username,
            item.account_id,
            item.name,
            status,
            message,
            position,
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// The first customer not started after `position`; `None` when there is none.
///
/// Only a read: the job's runner is the one reader of its queue, and it marks a customer
/// running in the transaction of the customer's audit attempt ([`mark_running`]), so a
/// customer is "running" exactly when a change may have been sent for it.
pub async fn next_pending(
    pool: &SqlitePool,
    job_id: i64,
    position: i64,
) -> Result<Option<ItemRow>, sqlx::Error> {
    bulk_items!(
        select "WHERE job_id = ? AND status = 'pending' AND position > ? ORDER BY position LIMIT 1",
        job_id,
        position
    )
    .fetch_optional(pool)
    .await
}

/// Marks the customer running, in the caller's write transaction (its audit attempt's).
///
/// Every write of one customer's turn is made in the file's write turn ([`begin_write`]),
/// queued with the audit rows of the same changes rather than meeting them in SQLite's busy
/// handler, which sleeps between tries.
pub async fn mark_running(
    conn: &mut SqliteConnection,
    job_id: i64,
    position: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE bulk_items SET status = 'running',
             seq = (SELECT MAX(seq) + 1 FROM bulk_items WHERE job_id = ?1)
         WHERE job_id = ?1 AND position = ?2",
        job_id,
        position,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Records how one customer's turn ended, in its own write transaction.
pub async fn finish_item(
    pool: &SqlitePool,
    item: &ItemRow,
    status: ItemStatus,
    message: &str,
    attempt_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    finish_in(
        &mut tx,
        item.job_id,
        item.position,
        status,
        message,
        attempt_id,
    )
    .await?;
    tx.commit().await
}

/// Records how one customer's turn ended, in the caller's write transaction (its audit
/// result's, when the outcome settles it).
pub async fn finish_in(
    conn: &mut SqliteConnection,
    job_id: i64,
    position: i64,
    status: ItemStatus,
    message: &str,
    attempt_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let status = status.as_str();
    sqlx::query!(
        "UPDATE bulk_items SET status = ?3, message = ?4, attempt_id = COALESCE(?5, attempt_id),
             seq = (SELECT MAX(seq) + 1 FROM bulk_items WHERE job_id = ?1)
         WHERE job_id = ?1 AND position = ?2",
        job_id,
        position,
        status,
        message,
        attempt_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A running customer goes back to "not started" under a new try (a rate limit's wait: SendGrid
/// refused the call, so nothing was done, API.md §7); its next attempt marks it running again.
pub async fn next_try(pool: &SqlitePool, item: &ItemRow) -> Result<ItemRow, sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let item = bulk_items!(
        returning "UPDATE bulk_items SET status = 'pending', try = try + 1, message = '',
             seq = (SELECT MAX(seq) + 1 FROM bulk_items WHERE job_id = ?1)
         WHERE job_id = ?1 AND position = ?2",
        item.job_id,
        item.position,
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(item)
}

pub async fn set_status(
    conn: &mut SqliteConnection,
    id: i64,
    status: JobStatus,
) -> Result<(), sqlx::Error> {
    let finished = (!status.is_active() && status != JobStatus::Interrupted).then(now);
    let status = status.as_str();
    sqlx::query!(
        "UPDATE bulk_jobs SET status = ?, finished_at = COALESCE(?, finished_at) WHERE id = ?",
        status,
        finished,
        id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Starts a new run of the job (retry or resume): the items given go back to "not started"
/// with a new try each, and the rate counts from now.
pub async fn restart(
    conn: &mut SqliteConnection,
    id: i64,
    from: &[ItemStatus],
) -> Result<u64, sqlx::Error> {
    let mut requeued = 0;
    for status in from {
        let status = status.as_str();
        requeued += sqlx::query!(
            "UPDATE bulk_items SET status = 'pending', message = '',
                 try = try + CASE WHEN status = 'failed' THEN 1 ELSE 0 END,
                 seq = (SELECT MAX(seq) + 1 FROM bulk_items WHERE job_id = ?1)
             WHERE job_id = ?1 AND status = ?2",
            id,
            status,
        )
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    let started_at = now();
    sqlx::query!(
        "UPDATE bulk_jobs SET status = 'running', started_at = ?2, finished_at = NULL,
             finished_before = (SELECT COUNT(*) FROM bulk_items
                                WHERE job_id = ?1 AND status NOT IN ('pending', 'running'))
         WHERE id = ?1",
        id,
        started_at,
    )
    .execute(&mut *conn)
    .await?;
    Ok(requeued)
}

pub async fn counts(pool: &SqlitePool, id: i64) -> Result<Counts, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT status, COUNT(*) AS "n!: i64" FROM bulk_items WHERE job_id = ? GROUP BY status"#,
        id
    )
    .fetch_all(pool)
    .await?;
    let mut counts = Counts::default();
    for row in rows {
        if let Some(status) = ItemStatus::parse(&row.status) {
            counts.add(status, row.n as u32);
        }
    }
    Ok(counts)
}

/// The counts of the newest `limit` jobs at once, by job id (the /bulk list).
pub async fn counts_of_recent(
    pool: &SqlitePool,
    limit: i64,
) -> Result<std::collections::HashMap<i64, Counts>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT job_id, status, COUNT(*) AS "n!: i64" FROM bulk_items
         WHERE job_id IN (SELECT id FROM bulk_jobs ORDER BY id DESC LIMIT ?)
         GROUP BY job_id, status"#,
        limit
    )
    .fetch_all(pool)
    .await?;
    let mut counts: std::collections::HashMap<i64, Counts> = std::collections::HashMap::new();
    for row in rows {
        if let Some(status) = ItemStatus::parse(&row.status) {
            counts
                .entry(row.job_id)
                .or_default()
                .add(status, row.n as u32);
        }
    }
    Ok(counts)
}

/// The items changed after `seq`, in the order they changed.
pub async fn items_since(
    pool: &SqlitePool,
    id: i64,
    seq: i64,
) -> Result<Vec<ItemRow>, sqlx::Error> {
    bulk_items!(select "WHERE job_id = ? AND seq > ? ORDER BY seq", id, seq)
        .fetch_all(pool)
        .await
}

pub async fn items(pool: &SqlitePool, id: i64) -> Result<Vec<ItemRow>, sqlx::Error> {
    bulk_items!(select "WHERE job_id = ? ORDER BY position", id)
        .fetch_all(pool)
        .await
}

pub async fn recent(pool: &SqlitePool, limit: i64) -> Result<Vec<JobRow>, sqlx::Error> {
    select_jobs!("ORDER BY id DESC LIMIT ?", limit)
        .fetch_all(pool)
        .await
}

/// Jobs a stopped console left running or cancelling.
pub async fn active(pool: &SqlitePool) -> Result<Vec<JobRow>, sqlx::Error> {
    select_jobs!("WHERE status IN ('running', 'cancelling') ORDER BY id")
        .fetch_all(pool)
        .await
}
