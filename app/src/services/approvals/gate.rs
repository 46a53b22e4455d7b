//! Where a change meets the policy: the services call [`gate`] once the form has passed its
//! rules against SendGrid's current state, before anything is recorded or sent.

use chrono::Utc;
use serde_json::{json, Value};
use sqlx::SqlitePool;

use super::store::{self, NewRequest, RequestRow};
use super::{expiry, StoredChange};
use crate::domain::approval::{ApprovalKind, ApprovalStatus};
use crate::domain::audit::Outcome;
use crate::domain::change::{ChangeDone, ChangeError};
use crate::domain::{AuditAction, IdempotencyKey};
use crate::services::audit::{append_in, read_state, NewEvent};
use crate::services::auth::Manager;
use crate::services::outcome::unavailable;
use crate::services::writer::begin_write;

/// A change that passed its rules, as the policy sees it.
pub struct Held<'a> {
    pub kind: ApprovalKind,
    /// What the policy's threshold is about: the credits a limit change sets or moves by
    /// (`None`: no limit at all), the customers of a bulk change.
    pub size: Option<u32>,
    /// The customer page's key the change is filed under.
    pub customer: &'a str,
    /// What the change does, in the words of its review.
    pub summary: &'a str,
    pub change: StoredChange,
    pub key: &'a IdempotencyKey,
    /// SendGrid's state as the service read it to check the form (what the approver compares
    /// with now); `None` when it read none, and the gate reads it.
    pub before: Option<Value>,
    pub client_ip: Option<String>,
}

/// Holds the change for a second person when the policy asks for one: answers the request
/// made (or the one this form made before). `None`: make the change now. Admins' own changes
/// and changes being made on approval pass.
pub async fn gate<F>(
    pool: &SqlitePool,
    client: &sendgrid::Client,
    by: &Manager,
    held: Held<'_>,
) -> Result<Option<ChangeDone>, ChangeError<F>> {
    if by.approving().is_some() || by.is_admin() {
        return Ok(None);
    }
    let policy = super::policy(pool).await.map_err(unavailable)?;
    if !policy.requires(held.kind, held.size) {
        return Ok(None);
    }
    request(pool, client, by, held, &policy)
        .await
        .map(Some)
        .map_err(unavailable)
}

async fn request(
    pool: &SqlitePool,
    client: &sendgrid::Client,
    by: &Manager,
    held: Held<'_>,
    policy: &crate::domain::approval::ApprovalPolicy,
) -> Result<ChangeDone, sqlx::Error> {
    let before = match (held.before, held.change.reads()) {
        (Some(before), _) => Some(before),
        (None, Some((family, customer, target))) => {
            read_state(client, family, customer, target).await.ok()
        }
        (None, None) => None,
    };
    let change = serde_json::to_string(&held.change).map_err(|e| sqlx::Error::Encode(e.into()))?;
    let now = Utc::now();
    let mut tx = begin_write(pool).await?;
    if let Some(first) = store::by_key(&mut tx, held.key.as_str()).await? {
        tx.rollback().await?;
        return Ok(waiting(&first, true));
    }
    let id = store::insert(
        &mut tx,
        &NewRequest {
            kind: held.kind,
            customer: held.customer,
            summary: held.summary,
            change,
            before_state: before.as_ref().map(ToString::to_string),
            idempotency_key: held.key.as_str(),
            requested_by: by.email(),
            requested_at: now,
            expires_at: expiry(now, policy),
        },
    )
    .await?;
    let mut event = NewEvent::event(
        AuditAction::ApprovalRequest,
        Some(by.email()),
        Outcome::Success,
        json!({
            "request_id": id,
            "kind": held.kind.as_str(),
            "summary": held.summary,
            "change": held.change,
        }),
    )
    .with_client_ip(held.client_ip);
    event.customer = Some(held.customer.to_string());
    event.before_state = before;
    append_in(&mut tx, event).await?;
    let row = store::by_id(&mut tx, id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    tx.commit().await?;
    Ok(waiting(&row, false))
}

fn waiting(row: &RequestRow, replayed: bool) -> ChangeDone {
    ChangeDone {
        summary: format!(
            "Waiting for a second person: {} Nothing is sent until a different manager or an \
             admin approves request #{} (by {}).",
            row.summary,
            row.id,
            row.expires_at
                .get(..16)
                .unwrap_or(&row.expires_at)
                .replace('T', " ")
                + " UTC"
        ),
        attempt_id: None,
        job_id: None,
        replayed,
        approval_id: Some(row.id),
    }
}

/// For a submitted form: the answer of the request it made before, if it made one (waiting,
/// or the outcome of the change made on approval; declined and expired are errors). Never
/// asked while the change is being made on approval: that run is the request's own.
pub async fn submitted<F>(
    pool: &SqlitePool,
    by: &Manager,
    customer: &str,
    key: &IdempotencyKey,
) -> Result<Option<ChangeDone>, ChangeError<F>> {
    if by.approving().is_some() {
        return Ok(None);
    }
    answer_for_key(pool, customer, key.as_str())
        .await
        .map_err(unavailable)?
        .transpose()
}

/// What became of the request this form made, if it made one: waiting, declined, expired, or
/// the outcome of the change made on approval. A page reached again with the form's key
/// shows this instead of the form.
pub async fn answer_for_key<F>(
    pool: &SqlitePool,
    customer: &str,
    key: &str,
) -> Result<Option<Result<ChangeDone, ChangeError<F>>>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let Some(row) = store::by_key(&mut conn, key.trim()).await? else {
        return Ok(None);
    };
    if row.customer != customer {
        return Ok(Some(Err(ChangeError::Conflict(
            "This form was already used for another change; reload the page and try again."
                .to_string(),
        ))));
    }
    let by = row.decided_by.clone().unwrap_or_default();
    Ok(Some(match row.status_at(Utc::now()) {
        ApprovalStatus::Pending => Ok(waiting(&row, true)),
        ApprovalStatus::Expired => Err(ChangeError::Conflict(format!(
            "Request #{} expired without a decision, so nothing was sent. Submit the change \
             again to ask anew.",
            row.id
        ))),
        ApprovalStatus::Declined => Err(ChangeError::Conflict(format!(
            "Request #{} was declined by {by}: {} Nothing was sent.",
            row.id,
            row.reason.as_deref().unwrap_or_default()
        ))),
        ApprovalStatus::Approved => match (row.succeeded, row.result.as_deref()) {
            (Some(1), Some(result)) => Ok(ChangeDone {
                summary: format!("Approved by {by}. {result}"),
                attempt_id: row.attempt_id,
                job_id: row.job_id,
                replayed: true,
                approval_id: Some(row.id),
            }),
            (Some(_), Some(result)) => Err(ChangeError::Conflict(format!(
                "Request #{} was approved by {by}, but the change was not made: {result}",
                row.id
            ))),
            _ => Err(ChangeError::Conflict(format!(
                "Request #{} was approved by {by}; its change is being made or was \
                 interrupted. Check the customer's history before trying again.",
                row.id
            ))),
        },
    }))
}
