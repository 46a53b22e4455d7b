//! Bulk changes (issue 7): choose customers, review what would change for each, then run one
//! audited change per customer in the background, with progress kept in SQLite.

mod gate;
mod plan;
mod plan_change;
mod recover;
mod runner;
mod store;
mod turn;

use futures::{stream, StreamExt};
use serde_json::json;
use sqlx::SqlitePool;

use crate::domain::approval::ApprovalKind;
use crate::domain::audit::Outcome;
use crate::domain::bulk::BulkStarted;
use crate::domain::bulk::{
    BulkError, BulkField, BulkForm, BulkOperation, BulkReview, ItemStatus, JobStatus, JobSummary,
    JobView, Needs, PlanEffect, Progress, Selection, MAX_CUSTOMERS,
};
use crate::domain::change::{ChangeError, FieldError};
use crate::domain::directory::{CustomerRow, DirectoryQuery};
use crate::domain::AuditAction;
use crate::services::approvals;
use crate::services::audit::{append_in, new_idempotency_key, NewEvent};
use crate::services::auth::Manager;
use crate::services::directory;
use crate::services::writer::begin_write;

pub use recover::recover;
pub use runner::BulkRunner;
pub use store::ItemRow;

/// Customers read at once while building the review.
const REVIEW_READS: usize = 8;

fn database(error: sqlx::Error) -> BulkError {
    tracing::error!(%error, "bulk change: database error");
    ChangeError::Unavailable(
        "The console's database failed; nothing was changed. Try again.".into(),
    )
}

fn invalid(field: BulkField, message: impl Into<String>) -> BulkError {
    ChangeError::Invalid(vec![FieldError::new(field, message)])
}

/// The chosen customers as the directory knows them, and pasted entries it does not know.
async fn resolve(
    pool: &SqlitePool,
    selection: &Selection,
) -> Result<(Vec<CustomerRow>, Vec<String>), BulkError> {
    match selection {
        Selection::Filter {
            q,
            package,
            account_state,
            expected,
        } => {
            let query = DirectoryQuery {
                q: q.clone(),
                package: package.clone(),
                state: account_state.clone(),
                ..DirectoryQuery::default()
            };
            let (rows, total) = directory::all_matching(pool, &query, MAX_CUSTOMERS as u32)
                .await
                .map_err(database)?;
            if total != *expected {
                return Err(ChangeError::Conflict(format!(
                    "The filter now matches {total} customers, not the {expected} you selected: \
                     count and select them again."
                )));
            }
            Ok((rows, Vec::new()))
        }
        Selection::Pasted(entries) => {
            let mut rows: Vec<CustomerRow> = Vec::new();
            let mut unknown = Vec::new();
            for entry in entries {
                match directory::find(pool, entry).await.map_err(database)? {
                    Some((row, _)) if !rows.iter().any(|r| r.key == row.key) => rows.push(row),
                    Some(_) => {}
                    None => unknown.push(entry.clone()),
                }
            }
            Ok((rows, unknown))
        }
    }
}

/// How many customers a directory filter matches, for the "select all N" step.
pub async fn count_matching(pool: &SqlitePool, query: &DirectoryQuery) -> Result<u64, BulkError> {
    directory::all_matching(pool, query, 0)
        .await
        .map(|(_, total)| total)
        .map_err(database)
}

fn checked(form: &BulkForm) -> Result<(Selection, BulkOperation, u32), BulkError> {
    form.parse().map_err(ChangeError::Invalid)
}

/// Reads every chosen customer's state and shows what the operation would change for each.
/// Sends nothing.
pub async fn review(
    pool: &SqlitePool,
    client: &sendgrid::Client,
    scheduling: crate::domain::plan::SchedulingMode,
    form: &BulkForm,
) -> Result<BulkReview, BulkError> {
    let (selection, operation, concurrency) = checked(form)?;
    let (rows, unknown) = resolve(pool, &selection).await?;
    if rows.is_empty() {
        return Err(invalid(
            BulkField::Customers,
            "None of these customers is in the directory: check the names or refresh the directory.",
        ));
    }
    let items: Vec<_> = stream::iter(rows)
        .map(|row| {
            let (client, operation) = (client.clone(), operation.clone());
            async move {
                let planned = plan::plan(
                    &client,
                    &operation,
                    row.username.as_deref(),
                    row.account_id.as_deref(),
                    scheduling,
                )
                .await;
                match planned {
                    Ok(plan) => plan.planned(&row.key, row.display_name()),
                    Err(error) => crate::domain::bulk::PlannedItem {
                        customer: row.key.clone(),
                        name: row.display_name().to_string(),
                        before: format!("Could not be read: {error}"),
                        after: "Tried when the job runs".to_string(),
                        effect: PlanEffect::NotApplicable,
                    },
                }
            }
        })
        .buffered(REVIEW_READS)
        .collect()
        .await;
    let changes = items
        .iter()
        .filter(|i| i.effect == PlanEffect::Change)
        .count() as u32;
    Ok(BulkReview {
        summary: operation.summary(),
        items,
        unknown,
        changes,
        needs_confirmation: operation.removes(),
        concurrency,
        key: new_idempotency_key(),
    })
}

/// Stores the job and its customers (with `bulk.start` in the same transaction) and starts
/// it. The same start form posted again answers the job it started the first time.
///
/// A manager's change for more customers than the approval policy allows one person is held
/// instead (`BulkStarted::Held`): it starts, as the approver's, when a second person approves.
#[allow(clippy::too_many_arguments)]
pub async fn start(
    pool: &SqlitePool,
    client: &sendgrid::Client,
    runner: &std::sync::Arc<BulkRunner>,
    by: &Manager,
    form: &BulkForm,
    confirm: &str,
    key: &str,
    client_ip: Option<String>,
) -> Result<BulkStarted, BulkError> {
    let operator = by.email();
    let form_key = crate::domain::IdempotencyKey::from_form(key)?;
    let key = form_key.as_str();
    {
        let mut conn = pool.acquire().await.map_err(database)?;
        if let Some(job) = store::by_key(&mut conn, key).await.map_err(database)? {
            return Ok(BulkStarted::Job(job.id));
        }
    }
    let (selection, operation, concurrency) = checked(form)?;
    let (rows, unknown) = resolve(pool, &selection).await?;
    if rows.is_empty() {
        return Err(invalid(
            BulkField::Customers,
            "No customer of the directory is chosen.",
        ));
    }
    if operation.removes() && confirm.trim() != rows.len().to_string() {
        return Err(invalid(
            BulkField::Confirm,
            format!(
                "This takes something away from {} customers: type {} to confirm.",
                rows.len(),
                rows.len()
            ),
        ));
    }
    let summary = format!("{} for {} customers.", operation.summary(), rows.len());
    let held = approvals::Held {
        kind: ApprovalKind::Bulk,
        size: u32::try_from(rows.len()).ok(),
        // Filed under no customer: the request page shows the customers it chooses.
        customer: "",
        summary: &summary,
        change: approvals::StoredChange::Bulk {
            form: form.clone(),
            confirm: confirm.to_string(),
        },
        key: &form_key,
        before: Some(chosen_state(rows.len(), unknown.len())),
        client_ip: client_ip.clone(),
    };
    if let Some(request) = approvals::gate(pool, client, by, held).await? {
        return Ok(BulkStarted::Held {
            request_id: request.approval_id.unwrap_or_default(),
        });
    }
    let items: Vec<store::NewItem> = rows
        .iter()
        .map(|row| {
            let missing = match operation.needs() {
                Needs::Account if row.account_id.is_none() => {
                    Some("No v3 account: offerings and state need one.".to_string())
                }
                Needs::Username if row.username.is_none() => {
                    Some("No v2 username: credit limits and plan changes need one.".to_string())
                }
                _ => None,
            };
            store::NewItem {
                customer: row.key.clone(),
                username: row.username.clone(),
                account_id: row.account_id.clone(),
                name: row.display_name().to_string(),
                skipped: missing,
            }
        })
        .collect();
    let mut tx = begin_write(pool).await.map_err(database)?;
    if let Some(job) = store::by_key(&mut tx, key).await.map_err(database)? {
        return Ok(BulkStarted::Job(job.id));
    }
    let id = store::insert(&mut tx, operator, &operation, concurrency, key, &items)
        .await
        .map_err(database)?;
    let event = NewEvent::event(
        AuditAction::BulkStart,
        Some(operator),
        Outcome::Success,
        json!({
            "bulk_job": id,
            "operation": operation.summary(),
            "customers": items.len(),
            "not_in_directory": unknown,
            "concurrency": concurrency,
            "approval": by.approving().map(|approving| json!({
                "request_id": approving.request_id,
                "requested_by": approving.requested_by,
            })),
        }),
    )
    .with_client_ip(client_ip);
    append_in(&mut tx, event).await.map_err(database)?;
    tx.commit().await.map_err(database)?;
    runner.spawn(id);
    Ok(BulkStarted::Job(id))
}

/// How many customers a bulk change chose, as its approval request shows them then and now.
fn chosen_state(customers: usize, not_in_directory: usize) -> serde_json::Value {
    json!({ "Customers chosen": customers, "Not in the directory": not_in_directory })
}

/// The customers the form chooses now, for its approval request's "then and now".
pub async fn chosen_now(
    pool: &SqlitePool,
    form: &BulkForm,
) -> Result<serde_json::Value, BulkError> {
    let (selection, _, _) = checked(form)?;
    let (rows, unknown) = resolve(pool, &selection).await?;
    Ok(chosen_state(rows.len(), unknown.len()))
}

async fn job_or_404(pool: &SqlitePool, id: i64) -> Result<store::JobRow, BulkError> {
    store::job(pool, id)
        .await
        .map_err(database)?
        .ok_or_else(|| ChangeError::NotFound(format!("There is no bulk change #{id}.")))
}

async fn record(
    pool: &SqlitePool,
    action: AuditAction,
    operator: &str,
    id: i64,
    status: Option<JobStatus>,
    client_ip: Option<String>,
) -> Result<(), BulkError> {
    let mut tx = begin_write(pool).await.map_err(database)?;
    if let Some(status) = status {
        store::set_status(&mut tx, id, status)
            .await
            .map_err(database)?;
    }
    let event = NewEvent::event(
        action,
        Some(operator),
        Outcome::Success,
        json!({ "bulk_job": id }),
    )
    .with_client_ip(client_ip);
    append_in(&mut tx, event).await.map_err(database)?;
    tx.commit().await.map_err(database)
}

/// Stops starting customers; calls under way finish and are recorded.
pub async fn cancel(
    pool: &SqlitePool,
    runner: &BulkRunner,
    by: &Manager,
    id: i64,
    client_ip: Option<String>,
) -> Result<(), BulkError> {
    let operator = by.email();
    let job = job_or_404(pool, id).await?;
    match job.status() {
        JobStatus::Running => {}
        JobStatus::Cancelling => return Ok(()),
        other => {
            return Err(ChangeError::Conflict(format!(
                "Bulk change #{id} is {} and cannot be cancelled.",
                other.as_str()
            )))
        }
    }
    let running_here = runner.is_running(id);
    let status = if running_here {
        JobStatus::Cancelling
    } else {
        JobStatus::Cancelled
    };
    record(
        pool,
        AuditAction::BulkCancel,
        operator,
        id,
        Some(status),
        client_ip,
    )
    .await?;
    runner.cancel(id);
    Ok(())
}

/// Runs the failed customers again (each a new try with a new key), or, with `resume`, the
/// ones not started of an interrupted or cancelled job.
pub async fn run_again(
    pool: &SqlitePool,
    runner: &std::sync::Arc<BulkRunner>,
    by: &Manager,
    id: i64,
    resume: bool,
    client_ip: Option<String>,
) -> Result<(), BulkError> {
    let operator = by.email();
    let job = job_or_404(pool, id).await?;
    if job.status().is_active() || runner.is_running(id) {
        return Err(ChangeError::Conflict(format!(
            "Bulk change #{id} is still running."
        )));
    }
    let counts = store::counts(pool, id).await.map_err(database)?;
    let (from, wanted, nothing) = if resume {
        (vec![], counts.pending, "No customer is left to start.")
    } else {
        (
            vec![ItemStatus::Failed],
            counts.failed,
            "No customer failed: there is nothing to retry.",
        )
    };
    if wanted == 0 {
        return Err(ChangeError::Conflict(nothing.to_string()));
    }
    let mut tx = begin_write(pool).await.map_err(database)?;
    store::restart(&mut tx, id, &from).await.map_err(database)?;
    let action = if resume {
        AuditAction::BulkResume
    } else {
        AuditAction::BulkRetryFailed
    };
    let event = NewEvent::event(
        action,
        Some(operator),
        Outcome::Success,
        json!({ "bulk_job": id, "customers": wanted }),
    )
    .with_client_ip(client_ip);
    append_in(&mut tx, event).await.map_err(database)?;
    tx.commit().await.map_err(database)?;
    runner.spawn(id);
    Ok(())
}

/// The job's counts, rate, estimate and the customers changed after `since`.
pub async fn progress(pool: &SqlitePool, id: i64, since: i64) -> Result<Progress, BulkError> {
    let job = job_or_404(pool, id).await?;
    progress_of(pool, &job, since).await
}

async fn progress_of(
    pool: &SqlitePool,
    job: &store::JobRow,
    since: i64,
) -> Result<Progress, BulkError> {
    let counts = store::counts(pool, job.id).await.map_err(database)?;
    let items: Vec<_> = store::items_since(pool, job.id, since)
        .await
        .map_err(database)?
        .iter()
        .map(ItemRow::view)
        .collect();
    let seq = items.iter().map(|i| i.seq).max().unwrap_or(since);
    let end = job
        .finished_at
        .as_deref()
        .and_then(|at| chrono::DateTime::parse_from_rfc3339(at).ok())
        .map(|at| at.with_timezone(&chrono::Utc))
        .unwrap_or_else(chrono::Utc::now);
    let elapsed = chrono::DateTime::parse_from_rfc3339(&job.started_at)
        .map(|start| (end - start.with_timezone(&chrono::Utc)).num_milliseconds() as f64 / 1000.0)
        .unwrap_or(0.0);
    let this_run = counts.finished().saturating_sub(job.finished_before as u32);
    let (rate, eta_seconds) = Progress::estimate(&counts, this_run, elapsed);
    Ok(Progress {
        status: job.status(),
        counts,
        rate,
        eta_seconds: eta_seconds.filter(|_| job.status().is_active()),
        items,
        seq,
    })
}

pub async fn view(pool: &SqlitePool, id: i64, can_change: bool) -> Result<JobView, BulkError> {
    let job = job_or_404(pool, id).await?;
    let progress = progress_of(pool, &job, i64::MAX).await?;
    let all_items: Vec<_> = store::items(pool, id)
        .await
        .map_err(database)?
        .iter()
        .map(ItemRow::view)
        .collect();
    // The stream picks up after the newest change the page was rendered with.
    let seq = all_items.iter().map(|i| i.seq).max().unwrap_or(0);
    // The runner records why it stopped a job by itself on the job's `bulk.cancelled` event.
    let stopped_because = sqlx::query_scalar!(
        r#"SELECT json_extract(params, '$.stopped_because') AS "why?: String" FROM audit_events
           WHERE action = 'bulk.cancelled' AND json_extract(params, '$.bulk_job') = ?
           ORDER BY id DESC LIMIT 1"#,
        id
    )
    .fetch_optional(pool)
    .await
    .map_err(database)?
    .flatten();
    Ok(JobView {
        id,
        summary: job.summary.clone(),
        created_by: job.created_by.clone(),
        created_at: job.created_at.clone(),
        finished_at: job.finished_at.clone(),
        concurrency: job.concurrency as u32,
        progress: Progress { seq, ..progress },
        all_items,
        can_change,
        stopped_because,
    })
}

pub async fn recent(pool: &SqlitePool) -> Result<Vec<JobSummary>, BulkError> {
    let jobs = store::recent(pool, 50).await.map_err(database)?;
    let mut counts = store::counts_of_recent(pool, 50).await.map_err(database)?;
    let mut summaries = Vec::with_capacity(jobs.len());
    for job in jobs {
        summaries.push(JobSummary {
            id: job.id,
            counts: counts.remove(&job.id).unwrap_or_default(),
            status: job.status(),
            summary: job.summary,
            created_by: job.created_by,
            created_at: job.created_at,
        });
    }
    Ok(summaries)
}
