//! A customer's timeline: each change (attempt with its result or reconcile) and each local
//! event about them, newest first, with what changed.

use sqlx::SqlitePool;

use super::diff::diff;
use super::mutation::new_idempotency_key;
use super::query::linked;
use super::reverts::{reverted_by, reverts_of};
use super::row::{change_status, select_events, StoredEvent};
use crate::domain::audit::{HistoryEntry, HistoryPage, Kind, Outcome, Status};
use crate::domain::revert::offers_revert;

/// Entries per page of a customer's history.
pub const HISTORY_PAGE: i64 = 20;

/// The page of `customer`'s timeline ending before entry `before` (newest when `None`).
pub async fn customer_history(
    pool: &SqlitePool,
    customer: &str,
    before: Option<i64>,
) -> Result<HistoryPage, sqlx::Error> {
    let limit = HISTORY_PAGE + 1;
    let mut rows = select_events!(
        "WHERE e.customer = ?1 AND e.kind IN ('attempt', 'event') AND (?2 IS NULL OR e.id < ?2)
         ORDER BY e.id DESC LIMIT ?3",
        customer,
        before,
        limit,
    )
    .fetch_all(pool)
    .await?;
    let older = if rows.len() as i64 > HISTORY_PAGE {
        rows.truncate(HISTORY_PAGE as usize);
        rows.last().map(|row| row.id)
    } else {
        None
    };
    let attempts: Vec<i64> = rows
        .iter()
        .filter(|row| row.kind() == Some(Kind::Attempt))
        .map(|row| row.id)
        .collect();
    let linked = linked(pool, &attempts).await?;
    let reverts = reverted_by(pool, customer, &attempts).await?;
    let entries = rows
        .iter()
        .map(|row| {
            let own: Vec<&StoredEvent> = linked
                .iter()
                .filter(|l| l.attempt_id == Some(row.id))
                .collect();
            let mut entry = entry(row, &own);
            entry.reverted_by = reverts
                .iter()
                .filter(|(reverted, _)| *reverted == row.id)
                .map(|(_, by)| *by)
                .collect();
            entry
        })
        .collect();
    Ok(HistoryPage { entries, older })
}

/// One timeline entry from a row and the rows linked to it (oldest first).
fn entry(row: &StoredEvent, linked: &[&StoredEvent]) -> HistoryEntry {
    let result = linked.iter().find(|l| l.kind() == Some(Kind::Result));
    let reconcile = linked
        .iter()
        .rev()
        .find(|l| l.kind() == Some(Kind::Reconcile));
    let status = match row.kind() {
        Some(Kind::Attempt) => change_status(result.copied(), reconcile.copied()),
        _ => row.status(false),
    };
    let after = result
        .and_then(|r| r.after_json())
        .or_else(|| reconcile.and_then(|r| r.after_json()))
        .or_else(|| row.after_json());
    let changes = match (row.before_json(), after) {
        (Some(before), Some(after)) => diff(&before, &after),
        _ => Vec::new(),
    };
    let answered = result.copied().unwrap_or(row);
    let message = (answered.outcome() != Some(Outcome::Success))
        .then(|| answered.upstream_message.clone())
        .flatten();
    HistoryEntry {
        id: row.id,
        occurred_at: row.occurred_at.clone(),
        operator: row.operator.clone(),
        action: row.action.clone(),
        status,
        duration_ms: result.and_then(|r| r.duration_ms),
        message,
        changes,
        reconciled_by: reconcile.and_then(|r| r.operator.clone()),
        reconcile_key: status.needs_reconcile().then(new_idempotency_key),
        reverts: reverts_of(&row.params_json()),
        reverted_by: Vec::new(),
        revertible: offers_revert(
            &row.action,
            status == Status::Done(Outcome::Success),
            row.before_json().as_ref(),
        ),
    }
}
