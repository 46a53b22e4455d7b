//! The `scheduled_jobs` table (migration 30): changes held until due, claimed one at a time
//! by the worker.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::Value;
use sqlx::{SqliteConnection, SqlitePool};

use crate::domain::schedule::{JobStatus, ScheduledJob};
use crate::domain::AuditAction;

/// A job as stored.
#[derive(Clone, Debug)]
pub struct JobRow {
    pub id: i64,
    pub due_at: String,
    pub customer: String,
    pub action: String,
    pub payload: String,
    pub summary: String,
    pub idempotency_key: String,
    pub created_by: String,
    pub created_at: String,
    pub status: String,
    pub result: Option<String>,
    pub attempt_id: Option<i64>,
    pub finished_at: Option<String>,
}

impl JobRow {
    /// The change the job makes; `None` only for a row the console did not write.
    pub fn audit_action(&self) -> Option<AuditAction> {
        AuditAction::parse(&self.action)
    }

    /// A plan change the console holds because SendGrid no longer schedules it.
    pub fn is_plan_change(&self) -> bool {
        self.audit_action()
            .and_then(AuditAction::plan_change)
            .is_some()
    }

    pub fn payload_json(&self) -> Value {
        serde_json::from_str(&self.payload).unwrap_or(Value::Null)
    }

    pub fn status(&self) -> JobStatus {
        JobStatus::parse(&self.status).unwrap_or(JobStatus::Failed)
    }

    pub fn view(&self) -> ScheduledJob {
        ScheduledJob {
            id: self.id,
            due_at: self.due_at.clone(),
            action: self.action.clone(),
            summary: self.summary.clone(),
            created_by: self.created_by.clone(),
            created_at: self.created_at.clone(),
            status: self.status(),
            result: self.result.clone(),
            attempt_id: self.attempt_id,
        }
    }
}

/// A change to hold until `due_at`.
pub struct NewJob {
    /// RFC 3339, UTC.
    pub due_at: String,
    pub customer: String,
    pub action: AuditAction,
    /// The audit parameters the run will record.
    pub payload: Value,
    pub summary: String,
    pub idempotency_key: String,
    pub created_by: String,
}

/// Reads [`JobRow`]s: the columns are named once, the rest of the statement is the argument.
macro_rules! select_jobs {
    ($rest:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            JobRow,
            r#"SELECT id AS "id!", due_at, customer, action, payload, summary, idempotency_key, created_by,
                 created_at, status, result, attempt_id, finished_at
             FROM scheduled_jobs "# + $rest
            $(, $arg)*
        )
    };
}

pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Inserts the job unless one exists under its key (the same form submitted twice); answers
/// the stored job and whether it was inserted now. Runs in the caller's transaction.
pub async fn insert(
    conn: &mut SqliteConnection,
    job: &NewJob,
) -> Result<(JobRow, bool), sqlx::Error> {
    let action = job.action.as_str();
    let payload = job.payload.to_string();
    let created_at = timestamp(Utc::now());
    let inserted = sqlx::query!(
        "INSERT INTO scheduled_jobs
            (due_at, customer, action, payload, summary, idempotency_key, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (idempotency_key) DO NOTHING",
        job.due_at,
        job.customer,
        action,
        payload,
        job.summary,
        job.idempotency_key,
        job.created_by,
        created_at,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    let row = select_jobs!("WHERE idempotency_key = ?", job.idempotency_key)
        .fetch_one(&mut *conn)
        .await?;
    Ok((row, inserted))
}

pub async fn by_key(pool: &SqlitePool, key: &str) -> Result<Option<JobRow>, sqlx::Error> {
    let key = key.trim();
    select_jobs!("WHERE idempotency_key = ?", key)
        .fetch_optional(pool)
        .await
}

pub async fn by_id(conn: &mut SqliteConnection, id: i64) -> Result<Option<JobRow>, sqlx::Error> {
    select_jobs!("WHERE id = ?", id)
        .fetch_optional(&mut *conn)
        .await
}

/// The customer's jobs: pending and running first (soonest due first), then the latest
/// finished ones.
pub async fn for_customer(pool: &SqlitePool, customer: &str) -> Result<Vec<JobRow>, sqlx::Error> {
    select_jobs!(
        "WHERE customer = ?
         ORDER BY status IN ('pending', 'running') DESC,
                  CASE WHEN status IN ('pending', 'running') THEN due_at END ASC,
                  id DESC
         LIMIT 20",
        customer
    )
    .fetch_all(pool)
    .await
}

/// Every job still waiting, soonest due first (the reseller-wide list, `/scheduled`).
pub async fn pending(pool: &SqlitePool) -> Result<Vec<JobRow>, sqlx::Error> {
    select_jobs!("WHERE status = 'pending' ORDER BY due_at, id LIMIT 1000")
        .fetch_all(pool)
        .await
}

/// Marks a pending job cancelled; false when it is no longer pending.
pub async fn cancel(conn: &mut SqliteConnection, id: i64) -> Result<bool, sqlx::Error> {
    let finished_at = timestamp(Utc::now());
    sqlx::query!(
        "UPDATE scheduled_jobs SET status = 'cancelled', finished_at = ?
         WHERE id = ? AND status = 'pending'",
        finished_at,
        id,
    )
    .execute(&mut *conn)
    .await
    .map(|done| done.rows_affected() == 1)
}

/// Takes the next job due at `now` for running, so no other worker runs it too.
pub async fn claim_due(
    pool: &SqlitePool,
    now: DateTime<Utc>,
) -> Result<Option<JobRow>, sqlx::Error> {
    let now = timestamp(now);
    sqlx::query_as!(
        JobRow,
        r#"UPDATE scheduled_jobs SET status = 'running'
         WHERE id = (SELECT id FROM scheduled_jobs WHERE status = 'pending' AND due_at <= ?
                     ORDER BY due_at, id LIMIT 1)
           AND status = 'pending'
         RETURNING id AS "id!", due_at, customer, action, payload, summary, idempotency_key, created_by,
                 created_at, status, result, attempt_id, finished_at"#,
        now
    )
    .fetch_optional(pool)
    .await
}

pub async fn finish(
    pool: &SqlitePool,
    id: i64,
    status: JobStatus,
    result: &str,
    attempt_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    let status = status.as_str();
    let finished_at = timestamp(Utc::now());
    sqlx::query!(
        "UPDATE scheduled_jobs SET status = ?, result = ?, attempt_id = ?, finished_at = ?
         WHERE id = ?",
        status,
        result,
        attempt_id,
        finished_at,
        id,
    )
    .execute(pool)
    .await
    .map(drop)
}

/// When the next pending job is due, if any.
pub async fn next_due(pool: &SqlitePool) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    let next = sqlx::query_scalar!(
        r#"SELECT MIN(due_at) AS "due_at?: String" FROM scheduled_jobs WHERE status = 'pending'"#
    )
    .fetch_one(pool)
    .await?;
    Ok(next
        .and_then(|at| DateTime::parse_from_rfc3339(&at).ok())
        .map(|at| at.with_timezone(&Utc)))
}

/// Jobs left running by a stopped console go back to pending. Running one again is safe: it
/// reuses its idempotency key, so an attempt already recorded is answered from the log.
pub async fn requeue_interrupted(pool: &SqlitePool) -> Result<u64, sqlx::Error> {
    sqlx::query!("UPDATE scheduled_jobs SET status = 'pending' WHERE status = 'running'")
        .execute(pool)
        .await
        .map(|done| done.rows_affected())
}
