//! Approving or declining a request. The decision commits with its audit event before the
//! change is made; the change then goes through its own service as the approver submits it,
//! so it is checked against SendGrid's state of now, never replayed blind.

use chrono::Utc;
use serde_json::json;
use sqlx::SqlitePool;

use super::store::{self, RequestRow};
use super::StoredChange;
use crate::domain::approval::{ApprovalRequest, ApprovalStatus};
use crate::domain::audit::Outcome;
use crate::domain::change::{ChangeDone, ChangeError};
use crate::domain::plan::SchedulingMode;
use crate::domain::AuditAction;
use crate::services::audit::{append_in, NewEvent};
use crate::services::auth::Manager;
use crate::services::writer::begin_write;
use crate::services::{limits, offerings, plan};

/// The longest reason kept with a declined request.
pub const REASON_MAX: usize = 1000;

#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    #[error("There is no approval request #{0}.")]
    NotFound(i64),
    #[error(
        "You asked for this change yourself; a different manager or an admin must approve it."
    )]
    OwnRequest,
    #[error("Request #{0} expired without a decision; it can no longer run. The requester can submit the change again.")]
    Expired(i64),
    #[error("Request #{id} was already {status} by {by}.")]
    AlreadyDecided {
        id: i64,
        status: &'static str,
        by: String,
    },
    #[error("Say why the change is declined (at most 1,000 characters); the requester reads it.")]
    ReasonMissing,
    #[error("The console's database failed; nothing was decided. Try again.")]
    Database(#[from] sqlx::Error),
}

/// Where `row` stands for a decision by `by` now.
fn open_for_decision(row: &RequestRow) -> Result<(), DecisionError> {
    match row.status_at(Utc::now()) {
        ApprovalStatus::Pending => Ok(()),
        ApprovalStatus::Expired => Err(DecisionError::Expired(row.id)),
        status => Err(DecisionError::AlreadyDecided {
            id: row.id,
            status: if status == ApprovalStatus::Approved {
                "approved"
            } else {
                "declined"
            },
            by: row.decided_by.clone().unwrap_or_default(),
        }),
    }
}

/// Approves request `id` and makes its change; answers the request with how it ended.
#[tracing::instrument(skip(pool, client, runner, client_ip))]
pub async fn approve(
    pool: &SqlitePool,
    client: &sendgrid::Client,
    runner: &std::sync::Arc<crate::services::bulk::BulkRunner>,
    by: &Manager,
    id: i64,
    scheduling: SchedulingMode,
    client_ip: Option<String>,
) -> Result<ApprovalRequest, DecisionError> {
    let now = Utc::now();
    let mut tx = begin_write(pool).await?;
    let row = store::by_id(&mut tx, id)
        .await?
        .ok_or(DecisionError::NotFound(id))?;
    open_for_decision(&row)?;
    if row.requested_by.eq_ignore_ascii_case(by.email()) {
        return Err(DecisionError::OwnRequest);
    }
    if !store::decide(&mut tx, id, "approved", by.email(), None, now).await? {
        return Err(DecisionError::Expired(id));
    }
    let event = decision_event(AuditAction::ApprovalApprove, by, &row, None);
    append_in(&mut tx, event.with_client_ip(client_ip.clone())).await?;
    tx.commit().await?;

    let approver = by.on_approval(id, &row.requested_by);
    let made = match serde_json::from_str::<StoredChange>(&row.change) {
        Ok(change) => {
            make(
                pool,
                client,
                runner,
                &approver,
                change,
                row.idempotency_key.clone(),
                scheduling,
                client_ip,
            )
            .await
        }
        Err(error) => Made {
            result: format!("The stored change could not be read ({error}); nothing was sent."),
            succeeded: false,
            attempt_id: None,
            job_id: None,
        },
    };
    store::finish(
        pool,
        id,
        &made.result,
        made.succeeded,
        made.attempt_id,
        made.job_id,
    )
    .await?;
    let mut conn = pool.acquire().await?;
    let row = store::by_id(&mut conn, id)
        .await?
        .ok_or(DecisionError::NotFound(id))?;
    Ok(row.view(Utc::now()))
}

/// Declines request `id` with `reason`; nothing is sent. The requester may withdraw their own.
#[tracing::instrument(skip(pool, reason, client_ip))]
pub async fn decline(
    pool: &SqlitePool,
    by: &Manager,
    id: i64,
    reason: &str,
    client_ip: Option<String>,
) -> Result<ApprovalRequest, DecisionError> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REASON_MAX {
        return Err(DecisionError::ReasonMissing);
    }
    let now = Utc::now();
    let mut tx = begin_write(pool).await?;
    let row = store::by_id(&mut tx, id)
        .await?
        .ok_or(DecisionError::NotFound(id))?;
    open_for_decision(&row)?;
    if !store::decide(&mut tx, id, "declined", by.email(), Some(reason), now).await? {
        return Err(DecisionError::Expired(id));
    }
    let event = decision_event(AuditAction::ApprovalDecline, by, &row, Some(reason));
    append_in(&mut tx, event.with_client_ip(client_ip)).await?;
    let row = store::by_id(&mut tx, id)
        .await?
        .ok_or(DecisionError::NotFound(id))?;
    tx.commit().await?;
    Ok(row.view(now))
}

/// The audit event of a decision on `row`, filed under its customer.
fn decision_event(
    action: AuditAction,
    by: &Manager,
    row: &RequestRow,
    reason: Option<&str>,
) -> NewEvent {
    let mut params = json!({
        "request_id": row.id,
        "kind": row.kind,
        "requested_by": row.requested_by,
    });
    if let Some(reason) = reason {
        params["reason"] = json!(reason);
    }
    let mut event = NewEvent::event(action, Some(by.email()), Outcome::Success, params);
    event.customer = Some(row.customer.clone());
    event
}

/// How the change made on approval ended, as the request keeps it.
struct Made {
    result: String,
    succeeded: bool,
    attempt_id: Option<i64>,
    job_id: Option<i64>,
}

impl Made {
    fn of<F>(answer: Result<ChangeDone, ChangeError<F>>) -> Made {
        match answer {
            Ok(done) => Made {
                result: done.summary,
                succeeded: true,
                attempt_id: done.attempt_id,
                job_id: done.job_id,
            },
            Err(error) => {
                let attempt_id = match &error {
                    ChangeError::Failed { attempt_id, .. }
                    | ChangeError::Unknown { attempt_id, .. } => Some(*attempt_id),
                    _ => None,
                };
                Made {
                    result: error.to_string(),
                    succeeded: false,
                    attempt_id,
                    job_id: None,
                }
            }
        }
    }
}

/// Submits the stored form as `approver`, under the requester's form key.
#[allow(clippy::too_many_arguments)]
async fn make(
    pool: &SqlitePool,
    client: &sendgrid::Client,
    runner: &std::sync::Arc<crate::services::bulk::BulkRunner>,
    approver: &Manager,
    change: StoredChange,
    idempotency_key: String,
    scheduling: SchedulingMode,
    client_ip: Option<String>,
) -> Made {
    match change {
        StoredChange::Plan {
            user,
            form,
            confirm,
            reverts,
        } => {
            let request = plan::ChangeRequest {
                user,
                form,
                confirm,
                idempotency_key,
                scheduling,
                reverts,
            };
            Made::of(plan::change(pool, client, approver, request, client_ip).await)
        }
        StoredChange::Offerings {
            key,
            offerings: set,
            timing,
            apply_on,
            confirm,
            reviewed,
            reverts,
            ..
        } => {
            let request = offerings::OfferingsRequest {
                key,
                offerings: set,
                timing,
                apply_on,
                confirm,
                idempotency_key,
                reviewed,
                reverts,
            };
            Made::of(offerings::update(pool, client, approver, request, client_ip).await)
        }
        StoredChange::State {
            key,
            state,
            timing,
            apply_on,
            reverts,
            ..
        } => {
            let request = offerings::StateRequest {
                key,
                state,
                timing,
                apply_on,
                idempotency_key,
                reverts,
            };
            Made::of(offerings::change_state(pool, client, approver, request, client_ip).await)
        }
        StoredChange::Limits {
            username,
            target,
            form,
            reverts,
        } => {
            let request = limits::LimitRequest {
                username,
                target,
                form,
                idempotency_key,
                reverts,
            };
            Made::of(limits::change(pool, client, approver, request, client_ip).await)
        }
        StoredChange::Bulk { form, confirm } => {
            use crate::domain::bulk::BulkStarted;
            let started = crate::services::bulk::start(
                pool,
                client,
                runner,
                approver,
                &form,
                &confirm,
                &idempotency_key,
                client_ip,
            )
            .await;
            match started {
                Ok(BulkStarted::Job(id)) => Made {
                    result: format!("Bulk change #{id} started; its progress is on its page."),
                    succeeded: true,
                    attempt_id: None,
                    job_id: Some(id),
                },
                Ok(BulkStarted::Held { .. }) => Made {
                    result: "The bulk change was held again; nothing was sent.".to_string(),
                    succeeded: false,
                    attempt_id: None,
                    job_id: None,
                },
                Err(error) => Made {
                    result: error.to_string(),
                    succeeded: false,
                    attempt_id: None,
                    job_id: None,
                },
            }
        }
    }
}
