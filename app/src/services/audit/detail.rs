//! `/audit/:id`: one row with the change it belongs to (attempt, result, reconciles), its
//! redacted parameters, upstream's answer and the before -> after diff.

use serde_json::Value;
use sqlx::SqlitePool;

use super::diff::{diff, flatten};
use super::mutation::new_idempotency_key;
use super::query::{event, linked};
use super::reverts::{reverted_by, reverts_of};
use super::row::{change_status, StoredEvent};
use crate::domain::audit::{AuditDetail, Kind, Outcome, Status};
use crate::domain::revert::offers_revert;

pub async fn detail(pool: &SqlitePool, id: i64) -> Result<Option<AuditDetail>, sqlx::Error> {
    let Some(row) = event(pool, id).await? else {
        return Ok(None);
    };
    let attempt = match (row.kind(), row.attempt_id) {
        (Some(Kind::Attempt), _) => Some(row.clone()),
        (_, Some(attempt_id)) => event(pool, attempt_id).await?,
        _ => None,
    };
    let mut related: Vec<StoredEvent> = match &attempt {
        Some(attempt) => {
            let mut rows = vec![attempt.clone()];
            rows.extend(linked(pool, &[attempt.id]).await?);
            rows
        }
        None => vec![row.clone()],
    };
    related.sort_by_key(|r| r.id);
    let result = related.iter().find(|r| r.kind() == Some(Kind::Result));
    let reconcile = related
        .iter()
        .rev()
        .find(|r| r.kind() == Some(Kind::Reconcile));
    let status = match &attempt {
        Some(_) => change_status(result, reconcile),
        None => row.status(false),
    };
    let open = status == Status::Open;

    // The request is the attempt's parameters; a result's own parameters only name its error.
    let request = attempt.as_ref().unwrap_or(&row);
    let before = request.before_json().or_else(|| row.before_json());
    let after = match row.kind() {
        Some(Kind::Reconcile) => row.after_json(),
        _ => result
            .and_then(|r| r.after_json())
            .or_else(|| reconcile.and_then(|r| r.after_json()))
            .or_else(|| row.after_json()),
    };
    let answer = result.unwrap_or(&row);
    let reverted_by = match &attempt {
        Some(attempt) => reverted_by(
            pool,
            attempt.customer.as_deref().unwrap_or_default(),
            &[attempt.id],
        )
        .await?
        .into_iter()
        .map(|(_, by)| by)
        .collect(),
        None => Vec::new(),
    };
    let revertible = attempt.is_some()
        && offers_revert(
            &request.action,
            status == Status::Done(Outcome::Success),
            before.as_ref(),
        );
    Ok(Some(AuditDetail {
        row: row.row_view(open),
        change_status: status,
        params: pretty(&request.params_json()),
        upstream_status: answer.upstream_status,
        upstream_message: answer.upstream_message.clone(),
        duration_ms: answer.duration_ms,
        idempotency_key: row.idempotency_key.clone(),
        client_ip: row.client_ip.clone(),
        prev_hash: row.prev_hash.clone(),
        hash: row.hash.clone(),
        changes: match (&before, &after) {
            (Some(before), Some(after)) => diff(before, after),
            _ => Vec::new(),
        },
        before: before.as_ref().map(flatten).unwrap_or_default(),
        after: after.as_ref().map(flatten).unwrap_or_default(),
        related: related
            .iter()
            .map(|r| r.row_view(open && r.kind() == Some(Kind::Attempt)))
            .collect(),
        reconcile_key: open.then(new_idempotency_key),
        reverts: reverts_of(&request.params_json()),
        reverted_by,
        revertible,
    }))
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
}
