//! Changes the console holds for later (the v3 API cannot schedule, API.md §5.7, §5.9):
//! creating and cancelling them (each an audit event, in the same transaction as the job
//! row), and the [`Worker`] that runs them through the audit log when due.

mod store;
mod worker;

use serde_json::json;
use sqlx::SqlitePool;

use crate::domain::audit::Outcome;
use crate::domain::schedule::JobStatus;
use crate::domain::AuditAction;
use crate::services::audit::{append_in, NewEvent};
use crate::services::writer::begin_write;

pub use store::{by_key, for_customer, pending, timestamp, JobRow, NewJob};
pub use worker::{Clock, Worker};

#[derive(Debug, thiserror::Error)]
pub enum CancelError {
    #[error("There is no scheduled change #{0} for this customer.")]
    NotFound(i64),
    #[error("Scheduled change #{id} is {status} and can no longer be cancelled.")]
    NotPending { id: i64, status: &'static str },
    #[error("The console's database failed: {0}")]
    Database(#[from] sqlx::Error),
}

/// Stores `job` and records `schedule.create`. The same form again (same key) answers the
/// job stored the first time, with `false`.
#[tracing::instrument(skip_all, fields(customer = %job.customer, action = %job.action))]
pub async fn schedule(
    pool: &SqlitePool,
    job: NewJob,
    client_ip: Option<String>,
) -> Result<(JobRow, bool), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let (row, inserted) = store::insert(&mut tx, &job).await?;
    if inserted {
        let mut event = NewEvent::event(
            AuditAction::ScheduleCreate,
            Some(&job.created_by),
            Outcome::Success,
            json!({
                "job_id": row.id,
                "action": row.action,
                "due_at": row.due_at,
                "change": job.payload,
            }),
        )
        .with_client_ip(client_ip);
        event.customer = Some(job.customer.clone());
        append_in(&mut tx, event).await?;
    }
    tx.commit().await?;
    Ok((row, inserted))
}

/// Cancels a pending job of `customer` and records `schedule.cancel`. Cancelling one already
/// cancelled answers it again with `false`.
#[tracing::instrument(skip(pool, client_ip))]
pub async fn cancel(
    pool: &SqlitePool,
    operator: &str,
    customer: &str,
    id: i64,
    client_ip: Option<String>,
) -> Result<(JobRow, bool), CancelError> {
    let mut tx = begin_write(pool).await?;
    let row = store::by_id(&mut tx, id)
        .await?
        .filter(|row| row.customer == customer)
        .ok_or(CancelError::NotFound(id))?;
    match row.status() {
        JobStatus::Pending => {}
        JobStatus::Cancelled => return Ok((row, false)),
        other => {
            return Err(CancelError::NotPending {
                id,
                status: other.as_str(),
            })
        }
    }
    store::cancel(&mut tx, id).await?;
    let mut event = NewEvent::event(
        AuditAction::ScheduleCancel,
        Some(operator),
        Outcome::Success,
        json!({
            "job_id": id,
            "action": row.action,
            "due_at": row.due_at,
            "summary": row.summary,
        }),
    )
    .with_client_ip(client_ip);
    event.customer = Some(customer.to_string());
    append_in(&mut tx, event).await?;
    let row = store::by_id(&mut tx, id).await?.unwrap_or(row);
    tx.commit().await?;
    Ok((row, true))
}
