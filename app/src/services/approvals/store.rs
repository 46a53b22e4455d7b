//! The `approval_policy` and `approval_requests` tables (migration 20261207000001).

use chrono::{DateTime, SecondsFormat, Utc};
use sqlx::{SqliteConnection, SqlitePool};

use crate::domain::approval::{ApprovalKind, ApprovalPolicy, ApprovalRequest, ApprovalStatus};

/// A request as stored.
#[derive(Clone, Debug)]
pub struct RequestRow {
    pub id: i64,
    pub kind: String,
    pub customer: String,
    pub summary: String,
    pub change: String,
    pub before_state: Option<String>,
    pub idempotency_key: String,
    pub requested_by: String,
    pub requested_at: String,
    pub expires_at: String,
    pub status: String,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    pub reason: Option<String>,
    pub result: Option<String>,
    pub succeeded: Option<i64>,
    pub attempt_id: Option<i64>,
    pub job_id: Option<i64>,
}

impl RequestRow {
    /// Where the request stands at `now`: a pending one past its time has expired.
    pub fn status_at(&self, now: DateTime<Utc>) -> ApprovalStatus {
        match self.status.as_str() {
            "approved" => ApprovalStatus::Approved,
            "declined" => ApprovalStatus::Declined,
            _ if self.expires_at.as_str() <= timestamp(now).as_str() => ApprovalStatus::Expired,
            _ => ApprovalStatus::Pending,
        }
    }

    pub fn view(&self, now: DateTime<Utc>) -> ApprovalRequest {
        ApprovalRequest {
            id: self.id,
            kind: ApprovalKind::parse(&self.kind).unwrap_or(ApprovalKind::Close),
            customer: self.customer.clone(),
            summary: self.summary.clone(),
            requested_by: self.requested_by.clone(),
            requested_at: self.requested_at.clone(),
            expires_at: self.expires_at.clone(),
            status: self.status_at(now),
            decided_by: self.decided_by.clone(),
            decided_at: self.decided_at.clone(),
            reason: self.reason.clone(),
            result: self.result.clone(),
            succeeded: self.succeeded.map(|n| n == 1),
            attempt_id: self.attempt_id,
            job_id: self.job_id,
        }
    }
}

/// Times as stored: RFC 3339 in UTC with milliseconds, so text order is time order.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub async fn policy(conn: &mut SqliteConnection) -> Result<ApprovalPolicy, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT close AS "close!: bool", downgrade AS "downgrade!: bool",
                  deactivate AS "deactivate!: bool", offerings_removal AS "offerings_removal!: bool",
                  credits_threshold, bulk_threshold, expiry_hours
           FROM approval_policy WHERE id = 1"#
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row
        .map(|row| ApprovalPolicy {
            close: row.close,
            downgrade: row.downgrade,
            deactivate: row.deactivate,
            offerings_removal: row.offerings_removal,
            credits_threshold: row.credits_threshold.and_then(|n| u32::try_from(n).ok()),
            bulk_threshold: row.bulk_threshold.and_then(|n| u32::try_from(n).ok()),
            expiry_hours: u32::try_from(row.expiry_hours)
                .unwrap_or(ApprovalPolicy::DEFAULT_EXPIRY_HOURS),
        })
        .unwrap_or_default())
}

pub async fn save_policy(
    conn: &mut SqliteConnection,
    policy: &ApprovalPolicy,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let at = timestamp(now);
    let threshold = policy.credits_threshold.map(i64::from);
    let bulk_threshold = policy.bulk_threshold.map(i64::from);
    let expiry = i64::from(policy.expiry_hours);
    sqlx::query!(
        "INSERT INTO approval_policy
             (id, close, downgrade, deactivate, offerings_removal, credits_threshold,
              bulk_threshold, expiry_hours, updated_by, updated_at)
         VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET
             close = excluded.close, downgrade = excluded.downgrade,
             deactivate = excluded.deactivate, offerings_removal = excluded.offerings_removal,
             credits_threshold = excluded.credits_threshold,
             bulk_threshold = excluded.bulk_threshold,
             expiry_hours = excluded.expiry_hours,
             updated_by = excluded.updated_by, updated_at = excluded.updated_at",
        policy.close,
        policy.downgrade,
        policy.deactivate,
        policy.offerings_removal,
        threshold,
        bulk_threshold,
        expiry,
        by,
        at
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What a new request stores.
pub struct NewRequest<'a> {
    pub kind: ApprovalKind,
    pub customer: &'a str,
    pub summary: &'a str,
    pub change: String,
    pub before_state: Option<String>,
    pub idempotency_key: &'a str,
    pub requested_by: &'a str,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(
    conn: &mut SqliteConnection,
    request: &NewRequest<'_>,
) -> Result<i64, sqlx::Error> {
    let kind = request.kind.as_str();
    let (requested_at, expires_at) = (
        timestamp(request.requested_at),
        timestamp(request.expires_at),
    );
    sqlx::query_scalar!(
        r#"INSERT INTO approval_requests
               (kind, customer, summary, change, before_state, idempotency_key, requested_by,
                requested_at, expires_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           RETURNING id AS "id!: i64""#,
        kind,
        request.customer,
        request.summary,
        request.change,
        request.before_state,
        request.idempotency_key,
        request.requested_by,
        requested_at,
        expires_at
    )
    .fetch_one(&mut *conn)
    .await
}

macro_rules! select_requests {
    ($tail:literal $(, $arg:expr)*) => {
        sqlx::query_as!(
            RequestRow,
            r#"SELECT id AS "id!: i64", kind, customer, summary, change, before_state,
                      idempotency_key, requested_by, requested_at, expires_at, status,
                      decided_by, decided_at, reason, result, succeeded, attempt_id, job_id
               FROM approval_requests "# + $tail
            $(, $arg)*
        )
    };
}

pub async fn by_id(
    conn: &mut SqliteConnection,
    id: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    select_requests!("WHERE id = ?", id)
        .fetch_optional(&mut *conn)
        .await
}

pub async fn by_key(
    conn: &mut SqliteConnection,
    key: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    select_requests!("WHERE idempotency_key = ?", key)
        .fetch_optional(&mut *conn)
        .await
}

/// Waiting requests first (oldest first: the next to expire), then the latest decided or
/// expired ones; `customer` narrows to one customer's.
pub async fn list(
    pool: &SqlitePool,
    customer: Option<&str>,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let now = timestamp(now);
    select_requests!(
        "WHERE (?1 IS NULL OR customer = ?1)
         ORDER BY (status = 'pending' AND expires_at > ?2) DESC,
                  CASE WHEN status = 'pending' AND expires_at > ?2 THEN id ELSE -id END
         LIMIT ?3",
        customer,
        now,
        limit
    )
    .fetch_all(pool)
    .await
}

/// How many wait for a decision now.
pub async fn waiting(pool: &SqlitePool, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    let now = timestamp(now);
    sqlx::query_scalar!(
        r#"SELECT COUNT(*) AS "n!: i64" FROM approval_requests
           WHERE status = 'pending' AND expires_at > ?"#,
        now
    )
    .fetch_one(pool)
    .await
}

/// Moves a request waiting at `now` to `status`; false when it was no longer waiting.
pub async fn decide(
    conn: &mut SqliteConnection,
    id: i64,
    status: &str,
    by: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let at = timestamp(now);
    let done = sqlx::query!(
        "UPDATE approval_requests SET status = ?, decided_by = ?, decided_at = ?, reason = ?
         WHERE id = ? AND status = 'pending' AND expires_at > ?",
        status,
        by,
        at,
        reason,
        id,
        at
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How the change made on approval ended.
pub async fn finish(
    pool: &SqlitePool,
    id: i64,
    result: &str,
    succeeded: bool,
    attempt_id: Option<i64>,
    job_id: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE approval_requests SET result = ?, succeeded = ?, attempt_id = ?, job_id = ?
         WHERE id = ?",
        result,
        succeeded,
        attempt_id,
        job_id,
        id
    )
    .execute(pool)
    .await?;
    Ok(())
}
