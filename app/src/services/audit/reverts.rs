//! The links between a change and the later changes made to revert it: the revert's attempt
//! names the reverted attempt in its parameters (`reverts`), so the link is hash-chained with
//! the change itself, and read back both ways from there.

use serde_json::Value;
use sqlx::SqlitePool;

use super::query::{event, linked};
use super::row::StoredEvent;
use crate::domain::audit::{Kind, Outcome};

/// A recorded change: its attempt and, once answered, its result.
#[derive(Clone, Debug)]
pub struct RecordedChange {
    pub attempt: StoredEvent,
    pub result: Option<StoredEvent>,
}

impl RecordedChange {
    /// SendGrid accepted it.
    pub fn succeeded(&self) -> bool {
        self.result
            .as_ref()
            .is_some_and(|r| r.outcome() == Some(Outcome::Success))
    }

    pub fn before(&self) -> Option<Value> {
        self.attempt.before_json()
    }

    pub fn after(&self) -> Option<Value> {
        self.result.as_ref().and_then(StoredEvent::after_json)
    }
}

/// The change row `id` belongs to (its attempt or any row linked to it); `None` for a row that
/// is not part of a change.
pub async fn change_of(pool: &SqlitePool, id: i64) -> Result<Option<RecordedChange>, sqlx::Error> {
    let Some(row) = event(pool, id).await? else {
        return Ok(None);
    };
    let attempt = match (row.kind(), row.attempt_id) {
        (Some(Kind::Attempt), _) => row,
        (_, Some(attempt_id)) => match event(pool, attempt_id).await? {
            Some(attempt) => attempt,
            None => return Ok(None),
        },
        _ => return Ok(None),
    };
    let result = linked(pool, &[attempt.id])
        .await?
        .into_iter()
        .find(|r| r.kind() == Some(Kind::Result));
    Ok(Some(RecordedChange { attempt, result }))
}

/// The attempt a revert's parameters name.
pub fn reverts_of(params: &Value) -> Option<i64> {
    params.get("reverts").and_then(Value::as_i64)
}

/// `(reverted, revert)` pairs for `customer`'s changes among `attempts`: which later attempts
/// name each as the change they revert. A revert is filed under the same customer, so the
/// customer's own rows are all that is read.
pub async fn reverted_by(
    pool: &SqlitePool,
    customer: &str,
    attempts: &[i64],
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    if attempts.is_empty() {
        return Ok(Vec::new());
    }
    let ids = serde_json::to_string(attempts).expect("a list of integers serializes");
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", json_extract(params, '$.reverts') AS "reverts!: i64"
           FROM audit_events
           WHERE customer = ?1 AND kind = 'attempt'
             AND json_extract(params, '$.reverts') IN (SELECT value FROM json_each(?2))
           ORDER BY id"#,
        customer,
        ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|row| (row.reverts, row.id)).collect())
}
