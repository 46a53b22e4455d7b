//! Every change waiting for a later day, across customers: SendGrid's scheduled plan changes
//! (`reseller.pending task=list`, API.md §2.6) and the offerings and state changes the console
//! holds (SendGrid cannot schedule those, API.md §5.7, §5.9).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sendgrid::{Client, PendingKind, PendingList, PendingQuery};
use sqlx::SqlitePool;

use super::offerings::{UPDATE_OFFERINGS, UPDATE_STATE};
use super::plan::{pending_due, pending_info};
use super::schedule;
use crate::domain::scheduled::{Holder, WaitingChange, WaitingFilter, WaitingKind};
use crate::domain::AuditAction;
use crate::domain::IsoDate;

/// The list, and what could not be read.
pub struct Waiting {
    pub changes: Vec<WaitingChange>,
    /// Set when SendGrid's list could not be read: the console's own changes are still shown.
    pub note: Option<String>,
    /// When SendGrid's part was read, if it was asked.
    pub sendgrid_read_at: Option<DateTime<Utc>>,
}

/// How old SendGrid's part of the list may be.
#[derive(Clone, Copy, Debug)]
pub enum Freshness {
    /// Asked now: the Scheduled screen, where an operator acts on what it lists.
    Live,
    /// Read at most this long ago and not before any change the console sent since
    /// (`sendgrid::Client::list_pending_recent`): overviews shown on every visit.
    Within(Duration),
}

/// The waiting changes `filter` admits, soonest first (those without a day last).
pub async fn list(
    pool: &SqlitePool,
    client: &Client,
    filter: &WaitingFilter,
    freshness: Freshness,
) -> Result<Waiting, sqlx::Error> {
    let mut changes = Vec::new();
    let mut note = None;
    let mut sendgrid_read_at = None;
    // SendGrid schedules plan changes only: a filter for offerings or state asks it nothing.
    let asks_sendgrid = !matches!(
        filter.kind,
        Some(WaitingKind::Offerings | WaitingKind::State)
    );
    if asks_sendgrid {
        let read = match freshness {
            Freshness::Live => {
                let query = PendingQuery {
                    username: None,
                    kind: filter.kind.and_then(pending_kind),
                };
                client.list_pending(&query).await.map(|list| PendingList {
                    changes: list.into(),
                    read_at: Utc::now(),
                })
            }
            // The whole list, narrowed to the filter below.
            Freshness::Within(max_age) => client.list_pending_recent(max_age).await,
        };
        match read {
            Ok(list) => {
                sendgrid_read_at = Some(list.read_at);
                // Each list is narrowed to the filter as it is read, so only the entries
                // admitted are worded (the dashboard's week is a few of the whole list).
                changes.extend(list.changes.iter().filter_map(|change| {
                    let kind = WaitingKind::from_pending_type(&change.kind);
                    let due = pending_due(change);
                    filter.admits(kind, due).then(|| WaitingChange {
                        customer: change.username.clone(),
                        kind,
                        summary: pending_info(change).summary(),
                        due,
                        holder: Holder::SendGrid,
                        job_id: None,
                        created_by: None,
                    })
                }))
            }
            Err(error) => {
                note = Some(format!(
                    "SendGrid's scheduled plan changes could not be read: {error}"
                ))
            }
        }
    }
    for job in schedule::pending(pool).await? {
        let kind = match job.audit_action() {
            Some(UPDATE_OFFERINGS) => Some(WaitingKind::Offerings),
            Some(UPDATE_STATE) => Some(WaitingKind::State),
            // A plan change the console holds: `plan.immediate_<kind>`.
            other => other
                .and_then(AuditAction::plan_change)
                .map(|(action, _)| WaitingKind::of_plan(action)),
        };
        let due = job
            .due_at
            .get(..10)
            .and_then(|day| IsoDate::parse(day).ok());
        if filter.admits(kind, due) {
            changes.push(WaitingChange {
                kind,
                due,
                customer: job.customer,
                summary: job.summary,
                holder: Holder::Console,
                job_id: Some(job.id),
                created_by: Some(job.created_by),
            });
        }
    }
    changes.sort_by(|a, b| {
        (a.due.is_none(), a.due, &a.customer).cmp(&(b.due.is_none(), b.due, &b.customer))
    });
    Ok(Waiting {
        changes,
        note,
        sendgrid_read_at,
    })
}

fn pending_kind(kind: WaitingKind) -> Option<PendingKind> {
    match kind {
        WaitingKind::Upgrade => Some(PendingKind::Upgrade),
        WaitingKind::Downgrade => Some(PendingKind::Downgrade),
        WaitingKind::Close => Some(PendingKind::Close),
        WaitingKind::Offerings | WaitingKind::State => None,
    }
}
