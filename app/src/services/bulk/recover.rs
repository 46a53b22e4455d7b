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
        let running = store::bulk_items!(
            select "WHERE job_id = ? AND status = 'running' ORDER BY position",
            job.id
        )
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
    let key = item.key().into_string();
    let attempt = sqlx::query_scalar!(
        r#"SELECT id AS "id!" FROM audit_events WHERE idempotency_key = ? AND kind = 'attempt'"#,
        key
    )
    .fetch_optional(pool)
    .await?;
    let Some(attempt) = attempt else {
        sqlx::query!(
            "UPDATE bulk_items SET status = 'pending', message = '' WHERE job_id = ? AND position = ?",
            item.job_id,
            item.position,
        )
        .execute(pool)
        .await?;
        return Ok(());
    };
    let result = sqlx::query!(
        "SELECT outcome, upstream_message FROM audit_events WHERE attempt_id = ? AND kind = 'result'",
        attempt
    )
    .fetch_optional(pool)
    .await?
    .map(|row| (row.outcome, row.upstream_message));
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
