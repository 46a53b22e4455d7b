//! The hash chain: every row carries `hash = sha256(prev_hash || canonical row)`, computed
//! inside the inserting transaction. Writers start with `BEGIN IMMEDIATE`, so one writer at a
//! time reads the chain's tip, and `prev_hash` is UNIQUE so the chain cannot fork anyway.

use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use sqlx::{SqliteConnection, SqlitePool};

use super::redact::redact;
use super::row::{NewEvent, StoredEvent};

/// `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields that are hashed, in a fixed order. Changing this breaks every existing chain.
#[derive(Serialize)]
struct Canonical<'a> {
    occurred_at: &'a str,
    kind: &'a str,
    attempt_id: Option<i64>,
    operator: Option<&'a str>,
    customer: Option<&'a str>,
    action: &'a str,
    params: &'a str,
    outcome: Option<&'a str>,
    upstream_status: Option<i64>,
    upstream_message: Option<&'a str>,
    duration_ms: Option<i64>,
    idempotency_key: Option<&'a str>,
    before_state: Option<&'a str>,
    after_state: Option<&'a str>,
    client_ip: Option<&'a str>,
}

fn canonical(row: &StoredEvent) -> Canonical<'_> {
    Canonical {
        occurred_at: &row.occurred_at,
        kind: &row.kind,
        attempt_id: row.attempt_id,
        operator: row.operator.as_deref(),
        customer: row.customer.as_deref(),
        action: &row.action,
        params: &row.params,
        outcome: row.outcome.as_deref(),
        upstream_status: row.upstream_status,
        upstream_message: row.upstream_message.as_deref(),
        duration_ms: row.duration_ms,
        idempotency_key: row.idempotency_key.as_deref(),
        before_state: row.before_state.as_deref(),
        after_state: row.after_state.as_deref(),
        client_ip: row.client_ip.as_deref(),
    }
}

fn chain_hash(row: &StoredEvent) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(row.prev_hash.as_bytes());
    hasher.update(serde_json::to_vec(&canonical(row)).expect("canonical rows serialize"));
    hex::encode(hasher.finalize())
}

/// Appends one row to the chain and returns its id.
pub async fn append(pool: &SqlitePool, event: NewEvent) -> Result<i64, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let id = append_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(id)
}

/// Appends one row inside the caller's transaction, which must have been opened with
/// `BEGIN IMMEDIATE` (it holds the write lock, so the tip read here stays the tip).
pub async fn append_in(conn: &mut SqliteConnection, event: NewEvent) -> Result<i64, sqlx::Error> {
    let prev_hash: String =
        sqlx::query_scalar("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or_else(|| GENESIS.to_string());

    let mut row = StoredEvent {
        id: 0,
        occurred_at: Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
        kind: event.kind.as_str().to_string(),
        attempt_id: event.attempt_id,
        operator: event.operator,
        customer: event.customer,
        action: event.action,
        params: redact(event.params).to_string(),
        outcome: event.outcome.map(|o| o.as_str().to_string()),
        upstream_status: event.upstream_status,
        upstream_message: event.upstream_message,
        duration_ms: event.duration_ms,
        idempotency_key: event.idempotency_key,
        before_state: event.before_state.map(|v| v.to_string()),
        after_state: event.after_state.map(|v| v.to_string()),
        client_ip: event.client_ip,
        hash: String::new(),
        prev_hash,
    };
    row.hash = chain_hash(&row);

    sqlx::query_scalar(
        "INSERT INTO audit_events (occurred_at, kind, attempt_id, operator, customer, action, params,
            outcome, upstream_status, upstream_message, duration_ms, idempotency_key, before_state,
            after_state, client_ip, prev_hash, hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&row.occurred_at)
    .bind(&row.kind)
    .bind(row.attempt_id)
    .bind(&row.operator)
    .bind(&row.customer)
    .bind(&row.action)
    .bind(&row.params)
    .bind(&row.outcome)
    .bind(row.upstream_status)
    .bind(&row.upstream_message)
    .bind(row.duration_ms)
    .bind(&row.idempotency_key)
    .bind(&row.before_state)
    .bind(&row.after_state)
    .bind(&row.client_ip)
    .bind(&row.prev_hash)
    .bind(&row.hash)
    .fetch_one(&mut *conn)
    .await
}

/// Records a local event, logging (not failing) if the write itself fails: a sign-in must
/// not be refused because the log is momentarily busy past its timeout.
pub async fn record(pool: &SqlitePool, event: NewEvent) {
    let action = event.action.clone();
    if let Err(error) = append(pool, event).await {
        tracing::error!(%action, %error, "could not write an audit event");
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum Verification {
    Ok { events: u64 },
    Broken { id: i64, reason: String },
}

/// Walks the whole chain in id order, in constant memory.
pub async fn verify(pool: &SqlitePool) -> Result<Verification, sqlx::Error> {
    use futures::TryStreamExt;
    let mut rows =
        sqlx::query_as::<_, StoredEvent>("SELECT * FROM audit_events ORDER BY id").fetch(pool);
    let mut expected_prev = GENESIS.to_string();
    let mut events = 0u64;
    while let Some(row) = rows.try_next().await? {
        if row.prev_hash != expected_prev {
            return Ok(Verification::Broken {
                id: row.id,
                reason: "its prev_hash does not match the hash of the event before it".to_string(),
            });
        }
        if chain_hash(&row) != row.hash {
            return Ok(Verification::Broken {
                id: row.id,
                reason: "its contents do not match its hash (the row was changed)".to_string(),
            });
        }
        expected_prev = row.hash;
        events += 1;
    }
    Ok(Verification::Ok { events })
}
