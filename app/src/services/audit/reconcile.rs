//! Changes whose outcome is unknown, and the `reconcile` rows that settle them with what an
//! operator found upstream (DESIGN.md "Reliability"). Unknown means: no result (the console
//! stopped mid-call, or the result could not be written) or a result saying "unknown" (the
//! call timed out after it was sent).

use serde_json::{json, Value};
use sqlx::SqlitePool;

use super::append::append_in;
use super::diff::{diff, flatten};
use super::mutation::new_idempotency_key;
use super::row::{select_events, NewEvent, StoredEvent};
use crate::domain::audit::{Kind, ReconcileReport, UnresolvedAttempt};
use crate::domain::AuditAction;
use crate::services::writer::begin_write;

#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    #[error("There is no change #{0} waiting to be reconciled.")]
    NotFound(i64),
    #[error("Change #{attempt_id} was already resolved ({how}); reload to see it.")]
    AlreadyResolved { attempt_id: i64, how: String },
    #[error("This reconcile form was already used for another change; reload the page.")]
    KeyReuse,
    #[error("Change #{attempt_id} ({action}) is not one the console can read back from SendGrid.")]
    NotReadable { attempt_id: i64, action: String },
    #[error("Could not read the current state at SendGrid: {0}. Nothing was recorded; try again.")]
    Upstream(sendgrid::Error),
    #[error("The audit log is unavailable; try again.")]
    Database(#[from] sqlx::Error),
}

/// What to record when closing an attempt.
#[derive(Clone, Debug)]
pub struct Reconcile {
    pub attempt_id: i64,
    pub operator: String,
    /// The state read upstream now, in the shape of the attempt's `before`.
    pub found_state: Value,
    pub note: String,
    /// From the reconcile form: the same key again returns the first reconcile.
    pub idempotency_key: Option<String>,
    pub client_ip: Option<String>,
}

/// Attempts with no reconcile and no result of known outcome, newest first; of one customer
/// or all.
pub async fn unresolved_attempts(
    pool: &SqlitePool,
    customer: Option<&str>,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    Ok(unresolved_newest(pool, customer, u32::MAX).await?.0)
}

/// The newest `limit` of [`unresolved_attempts`] and how many there are in all.
///
/// One statement for all customers and one for a customer, each with its own plan: the open
/// attempts' own table read backwards from its newest row (no sort), or the customer's
/// events through `audit_events_customer`. One statement serving both (`?1 IS NULL OR
/// e.customer = ?1`) made SQLite visit every open attempt's row of the log and sort them,
/// 60 ms a call at 13,000 open attempts in a 1,000,000-event log, on every customer tab and
/// the dashboard.
pub async fn unresolved_newest(
    pool: &SqlitePool,
    customer: Option<&str>,
    limit: u32,
) -> Result<(Vec<StoredEvent>, usize), sqlx::Error> {
    let (rows, total) = match customer {
        None => {
            let rows = select_events!(
                "JOIN audit_open_attempts o ON o.attempt_id = e.id
                 ORDER BY o.attempt_id DESC LIMIT ?1",
                limit,
            )
            .fetch_all(pool)
            .await?;
            (rows, unresolved_count(pool, None).await?)
        }
        Some(customer) => {
            let rows = select_events!(
                "JOIN audit_open_attempts o ON o.attempt_id = e.id
                 WHERE e.customer = ?1
                 ORDER BY e.id DESC LIMIT ?2",
                customer,
                limit,
            )
            .fetch_all(pool)
            .await?;
            (rows, unresolved_count(pool, Some(customer)).await?)
        }
    };
    Ok((rows, total))
}

/// How many changes have an unknown outcome, of one customer or all: what the dashboard
/// shows without listing them.
pub async fn unresolved_count(
    pool: &SqlitePool,
    customer: Option<&str>,
) -> Result<usize, sqlx::Error> {
    let total = match customer {
        None => {
            sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM audit_open_attempts"#)
                .fetch_one(pool)
                .await?
        }
        Some(customer) => {
            sqlx::query_scalar!(
                r#"SELECT COUNT(*) AS "n!: i64"
                   FROM audit_events e JOIN audit_open_attempts o ON o.attempt_id = e.id
                   WHERE e.customer = ?1"#,
                customer
            )
            .fetch_one(pool)
            .await?
        }
    };
    Ok(total.max(0) as usize)
}

/// Settles the open `attempt_id` the way the reconcile form asks: reads what the change
/// touched at SendGrid now and records it (DESIGN.md "Reliability"). The same form again
/// (`idempotency_key`) answers with the first reconcile and reads nothing.
pub async fn settle(
    pool: &SqlitePool,
    client: &sendgrid::Client,
    attempt_id: i64,
    by: &crate::services::auth::Manager,
    idempotency_key: Option<String>,
    client_ip: Option<String>,
) -> Result<StoredEvent, ReconcileError> {
    use super::snapshot::{read_state, reconcile_subject, ActionFamily};

    let attempt = match target(pool, attempt_id, idempotency_key.as_deref()).await? {
        Target::Open(attempt) => attempt,
        Target::Replay(done) => return Ok(done),
    };
    let (Some(family), Some(customer)) = (
        ActionFamily::of(&attempt.action),
        attempt.customer.as_deref(),
    ) else {
        return Err(ReconcileError::NotReadable {
            attempt_id,
            action: attempt.action,
        });
    };
    let subject = reconcile_subject(family, customer, &attempt.params);
    let found_state = read_state(client, family, customer, &subject)
        .await
        .map_err(ReconcileError::Upstream)?;
    record(
        pool,
        Reconcile {
            attempt_id,
            operator: by.email().to_string(),
            found_state,
            note: format!("Read {} at SendGrid.", family.reads()),
            idempotency_key,
            client_ip,
        },
    )
    .await
}

/// Records a `reconcile` row for `attempt_id` with what was found; returns the row.
pub async fn record_reconcile(
    pool: &SqlitePool,
    attempt_id: i64,
    operator: &str,
    found_state: Value,
    note: &str,
) -> Result<StoredEvent, ReconcileError> {
    record(
        pool,
        Reconcile {
            attempt_id,
            operator: operator.to_string(),
            found_state,
            note: note.to_string(),
            idempotency_key: None,
            client_ip: None,
        },
    )
    .await
}

/// What a reconcile form refers to, checked before anything is read upstream.
#[derive(Clone, Debug)]
pub enum Target {
    /// The attempt, still open.
    Open(StoredEvent),
    /// The form was already submitted: the reconcile it recorded.
    Replay(StoredEvent),
}

pub async fn target(
    pool: &SqlitePool,
    attempt_id: i64,
    key: Option<&str>,
) -> Result<Target, ReconcileError> {
    let mut conn = pool.acquire().await?;
    if let Some(done) = by_key(&mut conn, attempt_id, key).await? {
        return Ok(Target::Replay(done));
    }
    check_open(&mut conn, attempt_id).await.map(Target::Open)
}

/// Records the reconcile after checking, under the write lock, that the attempt is still open.
pub async fn record(
    pool: &SqlitePool,
    reconcile: Reconcile,
) -> Result<StoredEvent, ReconcileError> {
    let mut tx = begin_write(pool).await?;
    let key = reconcile.idempotency_key.as_deref();
    if let Some(done) = by_key(&mut tx, reconcile.attempt_id, key).await? {
        return Ok(done);
    }
    let attempt = check_open(&mut tx, reconcile.attempt_id).await?;
    // The reconcile row carries the attempt's action; the console writes only known ones.
    let action =
        AuditAction::parse(&attempt.action).ok_or_else(|| ReconcileError::NotReadable {
            attempt_id: attempt.id,
            action: attempt.action.clone(),
        })?;
    let id = append_in(
        &mut tx,
        NewEvent {
            attempt_id: Some(attempt.id),
            operator: Some(reconcile.operator),
            customer: attempt.customer.clone(),
            params: json!({ "note": reconcile.note }),
            idempotency_key: reconcile.idempotency_key,
            // The attempt's `before` beside what was found makes the diff answer "did it apply?".
            before_state: attempt.before_json(),
            after_state: Some(reconcile.found_state),
            client_ip: reconcile.client_ip,
            ..NewEvent::new(Kind::Reconcile, action)
        },
    )
    .await?;
    let row = fetch(&mut tx, id)
        .await?
        .ok_or(ReconcileError::NotFound(id))?;
    tx.commit().await?;
    Ok(row)
}

async fn fetch(
    conn: &mut sqlx::SqliteConnection,
    id: i64,
) -> Result<Option<StoredEvent>, sqlx::Error> {
    select_events!("WHERE e.id = ?", id)
        .fetch_optional(conn)
        .await
}

/// The reconcile already recorded with `key`, if it was for this attempt.
async fn by_key(
    conn: &mut sqlx::SqliteConnection,
    attempt_id: i64,
    key: Option<&str>,
) -> Result<Option<StoredEvent>, ReconcileError> {
    let Some(key) = key.filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let row = select_events!("WHERE e.idempotency_key = ?", key)
        .fetch_optional(conn)
        .await?;
    match row {
        None => Ok(None),
        Some(row) if row.kind() == Some(Kind::Reconcile) && row.attempt_id == Some(attempt_id) => {
            Ok(Some(row))
        }
        Some(_) => Err(ReconcileError::KeyReuse),
    }
}

async fn check_open(
    conn: &mut sqlx::SqliteConnection,
    attempt_id: i64,
) -> Result<StoredEvent, ReconcileError> {
    let attempt = fetch(&mut *conn, attempt_id)
        .await?
        .filter(|row| row.kind() == Some(Kind::Attempt))
        .ok_or(ReconcileError::NotFound(attempt_id))?;
    let open = sqlx::query_scalar!(
        "SELECT attempt_id FROM audit_open_attempts WHERE attempt_id = ?",
        attempt_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if open.is_some() {
        return Ok(attempt);
    }
    let closer = select_events!(
        "WHERE e.attempt_id = ? AND e.kind IN ('result', 'reconcile') ORDER BY e.id DESC LIMIT 1",
        attempt_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    let how = match closer {
        Some(row) if row.kind() == Some(Kind::Reconcile) => format!(
            "reconciled by {} at {}",
            row.operator.as_deref().unwrap_or("someone"),
            crate::domain::audit::utc_display(&row.occurred_at)
        ),
        Some(row) => format!(
            "its result was recorded: {}",
            row.outcome.as_deref().unwrap_or("no outcome")
        ),
        None => "no longer open".to_string(),
    };
    Err(ReconcileError::AlreadyResolved { attempt_id, how })
}

/// How an open attempt is listed, with a fresh key for its reconcile form.
pub fn unresolved_view(attempt: &StoredEvent) -> UnresolvedAttempt {
    UnresolvedAttempt {
        id: attempt.id,
        occurred_at: attempt.occurred_at.clone(),
        operator: attempt.operator.clone(),
        customer: attempt.customer.clone(),
        action: attempt.action.clone(),
        reconcile_key: new_idempotency_key(),
    }
}

/// What a reconcile row says: the state found, and how it differs from the state before the
/// change (a difference means the change, or something else, was applied).
pub fn report(reconcile: &StoredEvent) -> ReconcileReport {
    let found = reconcile.after_json();
    ReconcileReport {
        attempt_id: reconcile.attempt_id.unwrap_or_default(),
        reconcile_id: reconcile.id,
        customer: reconcile.customer.clone(),
        action: reconcile.action.clone(),
        found: found.as_ref().map(flatten).unwrap_or_default(),
        changes: match (reconcile.before_json(), found) {
            (Some(before), Some(found)) => diff(&before, &found),
            _ => Vec::new(),
        },
    }
}
