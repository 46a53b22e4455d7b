//! The audit log writer and verifier. Every row is chained to the one before it:
//! `hash = sha256(prev_hash || canonical row)`, computed inside the inserting transaction,
//! which starts with `BEGIN IMMEDIATE` so only one writer at a time reads the chain's tip.

use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use sqlx::{FromRow, SqlitePool};

/// `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Attempt,
    Result,
    Event,
    Reconcile,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Attempt => "attempt",
            Kind::Result => "result",
            Kind::Event => "event",
            Kind::Reconcile => "reconcile",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
    Unknown,
    Refused,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::Failure => "failure",
            Outcome::Unknown => "unknown",
            Outcome::Refused => "refused",
        }
    }
}

/// A row to append. Parameters pass through [`redact`] before they are stored.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub kind: Kind,
    pub attempt_id: Option<i64>,
    pub operator: Option<String>,
    pub customer: Option<String>,
    pub action: String,
    pub params: Value,
    pub outcome: Option<Outcome>,
    pub upstream_status: Option<i64>,
    pub upstream_message: Option<String>,
    pub duration_ms: Option<i64>,
    pub idempotency_key: Option<String>,
    pub before_state: Option<Value>,
    pub after_state: Option<Value>,
    pub client_ip: Option<String>,
}

impl NewEvent {
    /// A local event (sign-in, operator change...) with its outcome.
    pub fn event(
        action: &str,
        operator: Option<&str>,
        outcome: Outcome,
        params: Value,
    ) -> NewEvent {
        NewEvent {
            kind: Kind::Event,
            attempt_id: None,
            operator: operator.map(str::to_string),
            customer: None,
            action: action.to_string(),
            params,
            outcome: Some(outcome),
            upstream_status: None,
            upstream_message: None,
            duration_ms: None,
            idempotency_key: None,
            before_state: None,
            after_state: None,
            client_ip: None,
        }
    }

    pub fn with_client_ip(mut self, ip: Option<String>) -> NewEvent {
        self.client_ip = ip;
        self
    }
}

/// A stored row, as read back for review and verification.
#[derive(Clone, Debug, FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub occurred_at: String,
    pub kind: String,
    pub attempt_id: Option<i64>,
    pub operator: Option<String>,
    pub customer: Option<String>,
    pub action: String,
    pub params: String,
    pub outcome: Option<String>,
    pub upstream_status: Option<i64>,
    pub upstream_message: Option<String>,
    pub duration_ms: Option<i64>,
    pub idempotency_key: Option<String>,
    pub before_state: Option<String>,
    pub after_state: Option<String>,
    pub client_ip: Option<String>,
    pub prev_hash: String,
    pub hash: String,
}

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

impl StoredEvent {
    fn canonical(&self) -> Canonical<'_> {
        Canonical {
            occurred_at: &self.occurred_at,
            kind: &self.kind,
            attempt_id: self.attempt_id,
            operator: self.operator.as_deref(),
            customer: self.customer.as_deref(),
            action: &self.action,
            params: &self.params,
            outcome: self.outcome.as_deref(),
            upstream_status: self.upstream_status,
            upstream_message: self.upstream_message.as_deref(),
            duration_ms: self.duration_ms,
            idempotency_key: self.idempotency_key.as_deref(),
            before_state: self.before_state.as_deref(),
            after_state: self.after_state.as_deref(),
            client_ip: self.client_ip.as_deref(),
        }
    }
}

fn chain_hash(prev_hash: &str, row: &Canonical<'_>) -> String {
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(serde_json::to_vec(row).expect("canonical rows serialize"));
    hex::encode(hasher.finalize())
}

/// Removes anything that looks like a credential before parameters are stored.
pub fn redact(value: Value) -> Value {
    const SECRET_KEYS: [&str; 6] = [
        "password",
        "api_key",
        "apikey",
        "secret",
        "token",
        "authorization",
    ];
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, inner)| {
                    let lower = key.to_ascii_lowercase();
                    if SECRET_KEYS.iter().any(|secret| lower.contains(secret)) {
                        (key, Value::String("[redacted]".to_string()))
                    } else {
                        (key, redact(inner))
                    }
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact).collect()),
        other => other,
    }
}

/// Appends one row to the chain and returns its id.
pub async fn append(pool: &SqlitePool, event: NewEvent) -> Result<i64, sqlx::Error> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let prev_hash: String =
        sqlx::query_scalar("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *tx)
            .await?
            .unwrap_or_else(|| GENESIS.to_string());

    let row = StoredEvent {
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
    let hash = chain_hash(&row.prev_hash, &row.canonical());

    let id: i64 = sqlx::query_scalar(
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
    .bind(&hash)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
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
        let recomputed = chain_hash(&row.prev_hash, &row.canonical());
        if recomputed != row.hash {
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
