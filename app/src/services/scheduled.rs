//! Every change waiting for a later day, across customers: SendGrid's scheduled plan changes
//! (`reseller.pending task=list`, API.md §2.6) and the offerings and state changes the console
//! holds (SendGrid cannot schedule those, API.md §5.7, §5.9).

use sendgrid::{Client, PendingKind, PendingQuery};
use sqlx::SqlitePool;

use super::offerings::{UPDATE_OFFERINGS, UPDATE_STATE};
use super::plan::pending_info;
use super::schedule;
use crate::domain::scheduled::{Holder, WaitingChange, WaitingFilter, WaitingKind};
use crate::domain::AuditAction;
use crate::domain::IsoDate;

/// The list, and what could not be read.
pub struct Waiting {
    pub changes: Vec<WaitingChange>,
    /// Set when SendGrid's list could not be read: the console's own changes are still shown.
    pub note: Option<String>,
}

/// The waiting changes `filter` admits, soonest first (those without a day last).
pub async fn list(
    pool: &SqlitePool,
    client: &Client,
    filter: &WaitingFilter,
) -> Result<Waiting, sqlx::Error> {
    let mut changes = Vec::new();
    let mut note = None;
    // SendGrid schedules plan changes only: a filter for offerings or state asks it nothing.
    let asks_sendgrid = !matches!(
        filter.kind,
        Some(WaitingKind::Offerings | WaitingKind::State)
    );
    if asks_sendgrid {
        let query = PendingQuery {
            username: None,
            kind: filter.kind.and_then(pending_kind),
        };
        match client.list_pending(&query).await {
            Ok(list) => changes.extend(list.iter().map(|change| {
                let info = pending_info(change);
                WaitingChange {
                    customer: change.username.clone(),
                    kind: WaitingKind::from_pending_type(&change.kind),
                    summary: info.summary(),
                    due: info.date,
                    holder: Holder::SendGrid,
                    job_id: None,
                    created_by: None,
                }
            })),
            Err(error) => {
                note = Some(format!(
                    "SendGrid's scheduled plan changes could not be read: {error}"
                ))
            }
        }
    }
    for job in schedule::pending(pool).await? {
        changes.push(WaitingChange {
            kind: match job.audit_action() {
                Some(UPDATE_OFFERINGS) => Some(WaitingKind::Offerings),
                Some(UPDATE_STATE) => Some(WaitingKind::State),
                // A plan change the console holds: `plan.immediate_<kind>`.
                other => other
                    .and_then(AuditAction::plan_change)
                    .map(|(action, _)| WaitingKind::of_plan(action)),
            },
            due: job
                .due_at
                .get(..10)
                .and_then(|day| IsoDate::parse(day).ok()),
            customer: job.customer,
            summary: job.summary,
            holder: Holder::Console,
            job_id: Some(job.id),
            created_by: Some(job.created_by),
        });
    }
    changes.retain(|change| filter.admits(change.kind, change.due));
    changes.sort_by(|a, b| {
        (a.due.is_none(), a.due, &a.customer).cmp(&(b.due.is_none(), b.due, &b.customer))
    });
    Ok(Waiting { changes, note })
}

fn pending_kind(kind: WaitingKind) -> Option<PendingKind> {
    match kind {
        WaitingKind::Upgrade => Some(PendingKind::Upgrade),
        WaitingKind::Downgrade => Some(PendingKind::Downgrade),
        WaitingKind::Close => Some(PendingKind::Close),
        WaitingKind::Offerings | WaitingKind::State => None,
    }
}
