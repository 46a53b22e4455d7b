//! The bulk tables: a job, its customers, and the status of each, changed one row at a time
//! so a stop at any moment leaves an exact record.

use chrono::Utc;
use sqlx::{SqliteConnection, SqlitePool};

use crate::domain::bulk::{BulkOperation, Counts, ItemStatus, ItemView, JobStatus};
use crate::domain::IdempotencyKey;
use crate::services::schedule::timestamp;

#[derive(Clone, Debug, sqlx::FromRow)]
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

#[derive(Clone, Debug, sqlx::FromRow)]
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

pub fn now() -> String {
    timestamp(Utc::now())
}

pub async fn by_key(conn: &mut SqliteConnection, key: &str) -> Result<Option<JobRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM bulk_jobs WHERE idempotency_key = ?")
        .bind(key)
        .fetch_optional(conn)
        .await
}

pub async fn job(pool: &SqlitePool, id: i64) -> Result<Option<JobRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM bulk_jobs WHERE id = ?")
        .bind(id)
        .fetch_optional(pool)
        .await
}

/// Inserts the job and its customers in the caller's transaction.
#[allow(clippy::too_many_arguments)]
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
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO bulk_jobs (created_by, created_at, operation, summary, concurrency, status,
             started_at, idempotency_key)
         VALUES (?, ?, ?, ?, ?, 'running', ?, ?) RETURNING id",
    )
    .bind(created_by)
    .bind(&now)
    .bind(operation_json)
    .bind(operation.summary())
    .bind(i64::from(concurrency))
    .bind(&now)
    .bind(key)
    .fetch_one(&mut *conn)
    .await?;
    for (position, item) in items.iter().enumerate() {
        let (status, message) = match &item.skipped {
            Some(reason) => ("skipped", reason.as_str()),
            None => ("pending", ""),
        };
        sqlx::query(
            "INSERT INTO bulk_items (job_id, position, customer, username, account_id, name, status,
                 message, seq)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(position as i64 + 1)
        .bind(&item.customer)
        .bind(&item.username)
        .bind(&item.account_id)
        .bind(&item.name)
        .bind(status)
        .bind(message)
        .bind(position as i64 + 1)
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Marks the next customer not started as running; `None` when there is none.
pub async fn claim_next(pool: &SqlitePool, job_id: i64) -> Result<Option<ItemRow>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE bulk_items SET status = 'running',
             seq = (SELECT MAX(seq) + 1 FROM bulk_items WHERE job_id = ?1)
         WHERE job_id = ?1 AND position =
             (SELECT position FROM bulk_items WHERE job_id = ?1 AND status = 'pending'
              ORDER BY position LIMIT 1)
         RETURNING *",
    )
    .bind(job_id)
    .fetch_optional(pool)
    .await
}

/// Records how one customer's turn ended.
pub async fn finish_item(
    pool: &SqlitePool,
    item: &ItemRow,
    status: ItemStatus,
    message: &str,
    attempt_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE bulk_items SET status = ?3, message = ?4, attempt_id = COALESCE(?5, attempt_id),
             seq = (SELECT MAX(seq) + 1 FROM bulk_items WHERE job_id = ?1)
         WHERE job_id = ?1 AND position = ?2",
    )
    .bind(item.job_id)
    .bind(item.position)
    .bind(status.as_str())
    .bind(message)
    .bind(attempt_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// A running customer goes back to "not started" under a new try (a rate limit's wait).
pub async fn next_try(pool: &SqlitePool, item: &ItemRow) -> Result<ItemRow, sqlx::Error> {
    sqlx::query_as(
        "UPDATE bulk_items SET try = try + 1, message = '',
             seq = (SELECT MAX(seq) + 1 FROM bulk_items WHERE job_id = ?1)
         WHERE job_id = ?1 AND position = ?2 RETURNING *",
    )
    .bind(item.job_id)
    .bind(item.position)
    .fetch_one(pool)
    .await
}

pub async fn set_status(
    conn: &mut SqliteConnection,
    id: i64,
    status: JobStatus,
) -> Result<(), sqlx::Error> {
    let finished = (!status.is_active() && status != JobStatus::Interrupted).then(now);
    sqlx::query(
        "UPDATE bulk_jobs SET status = ?, finished_at = COALESCE(?, finished_at) WHERE id = ?",
    )
    .bind(status.as_str())
    .bind(finished)
    .bind(id)
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
        requeued += sqlx::query(
            "UPDATE bulk_items SET status = 'pending', message = '',
                 try = try + CASE WHEN status = 'failed' THEN 1 ELSE 0 END,
                 seq = (SELECT MAX(seq) + 1 FROM bulk_items WHERE job_id = ?1)
             WHERE job_id = ?1 AND status = ?2",
        )
        .bind(id)
        .bind(status.as_str())
        .execute(&mut *conn)
        .await?
        .rows_affected();
    }
    sqlx::query(
        "UPDATE bulk_jobs SET status = 'running', started_at = ?2, finished_at = NULL,
             finished_before = (SELECT COUNT(*) FROM bulk_items
                                WHERE job_id = ?1 AND status NOT IN ('pending', 'running'))
         WHERE id = ?1",
    )
    .bind(id)
    .bind(now())
    .execute(&mut *conn)
    .await?;
    Ok(requeued)
}

pub async fn counts(pool: &SqlitePool, id: i64) -> Result<Counts, sqlx::Error> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT status, COUNT(*) FROM bulk_items WHERE job_id = ? GROUP BY status")
            .bind(id)
            .fetch_all(pool)
            .await?;
    let mut counts = Counts::default();
    for (status, n) in rows {
        if let Some(status) = ItemStatus::parse(&status) {
            counts.add(status, n as u32);
        }
    }
    Ok(counts)
}

/// The counts of the newest `limit` jobs at once, by job id (the /bulk list).
pub async fn counts_of_recent(
    pool: &SqlitePool,
    limit: i64,
) -> Result<std::collections::HashMap<i64, Counts>, sqlx::Error> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT job_id, status, COUNT(*) FROM bulk_items
         WHERE job_id IN (SELECT id FROM bulk_jobs ORDER BY id DESC LIMIT ?)
         GROUP BY job_id, status",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let mut counts: std::collections::HashMap<i64, Counts> = std::collections::HashMap::new();
    for (job, status, n) in rows {
        if let Some(status) = ItemStatus::parse(&status) {
            counts.entry(job).or_default().add(status, n as u32);
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
    sqlx::query_as("SELECT * FROM bulk_items WHERE job_id = ? AND seq > ? ORDER BY seq")
        .bind(id)
        .bind(seq)
        .fetch_all(pool)
        .await
}

pub async fn items(pool: &SqlitePool, id: i64) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM bulk_items WHERE job_id = ? ORDER BY position")
        .bind(id)
        .fetch_all(pool)
        .await
}

pub async fn recent(pool: &SqlitePool, limit: i64) -> Result<Vec<JobRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM bulk_jobs ORDER BY id DESC LIMIT ?")
        .bind(limit)
        .fetch_all(pool)
        .await
}

/// Jobs a stopped console left running or cancelling.
pub async fn active(pool: &SqlitePool) -> Result<Vec<JobRow>, sqlx::Error> {
    sqlx::query_as("SELECT * FROM bulk_jobs WHERE status IN ('running', 'cancelling') ORDER BY id")
        .fetch_all(pool)
        .await
}
