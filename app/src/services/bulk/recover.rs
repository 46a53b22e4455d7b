//! After a stop: every job the console left running becomes "interrupted", and each customer
//! that was under way is settled from the audit log, so the page lists exactly who was done,
//! who failed, whose outcome is unknown and who was not started.

use sqlx::SqlitePool;

use super::store::{self, ItemRow};
use crate::domain::audit::Outcome;
use crate::domain::bulk::{ItemStatus, JobStatus};

/// Answers how many jobs were interrupted.
pub async fn recover(pool: &SqlitePool) -> Result<usize, sqlx::Error> {
    let jobs = store::active(pool).await?;
    for job in &jobs {
        let running: Vec<ItemRow> = sqlx::query_as(
            "SELECT * FROM bulk_items WHERE job_id = ? AND status = 'running' ORDER BY position",
        )
        .bind(job.id)
        .fetch_all(pool)
        .await?;
        for item in running {
            settle(pool, &item).await?;
        }
        let status = if job.status() == JobStatus::Cancelling {
            JobStatus::Cancelled
        } else {
            JobStatus::Interrupted
        };
        let mut conn = pool.acquire().await?;
        store::set_status(&mut conn, job.id, status).await?;
        tracing::warn!(
            job = job.id,
            status = status.as_str(),
            "a bulk change was stopped by a restart"
        );
    }
    Ok(jobs.len())
}

/// The customer's try as the audit log recorded it: no attempt means nothing was sent.
async fn settle(pool: &SqlitePool, item: &ItemRow) -> Result<(), sqlx::Error> {
    let attempt: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM audit_events WHERE idempotency_key = ? AND kind = 'attempt'",
    )
    .bind(item.key().into_string())
    .fetch_optional(pool)
    .await?;
    let Some(attempt) = attempt else {
        sqlx::query("UPDATE bulk_items SET status = 'pending', message = '' WHERE job_id = ? AND position = ?")
            .bind(item.job_id)
            .bind(item.position)
            .execute(pool)
            .await?;
        return Ok(());
    };
    let result: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT outcome, upstream_message FROM audit_events WHERE attempt_id = ? AND kind = 'result'",
    )
    .bind(attempt)
    .fetch_optional(pool)
    .await?;
    let (status, message) = match result {
        Some((outcome, message)) => match outcome.as_deref().and_then(Outcome::parse) {
            Some(Outcome::Success) => (
                ItemStatus::Done,
                "Done (recorded before the restart).".to_string(),
            ),
            Some(Outcome::Failure) | Some(Outcome::Refused) => {
                (ItemStatus::Failed, message.unwrap_or_default())
            }
            _ => (ItemStatus::Unknown, message.unwrap_or_default()),
        },
        None => (
            ItemStatus::Unknown,
            "Sent when the console stopped, with no answer recorded: reconcile it from the \
             customer's history before trying again."
                .to_string(),
        ),
    };
    store::finish_item(pool, item, status, &message, Some(attempt)).await
}
