//! The shape of a row: what callers append ([`NewEvent`]) and what is read back
//! ([`StoredEvent`]).

use serde_json::Value;
use sqlx::FromRow;

use crate::domain::audit::{AuditRow, Kind, Outcome, Status};
use crate::domain::AuditAction;

/// A row to append. Parameters pass through [`super::redact`] before they are stored.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub kind: Kind,
    pub attempt_id: Option<i64>,
    pub operator: Option<String>,
    pub customer: Option<String>,
    pub action: AuditAction,
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
    /// A row of `kind` for `action` with every optional column empty.
    pub fn new(kind: Kind, action: AuditAction) -> NewEvent {
        NewEvent {
            kind,
            attempt_id: None,
            operator: None,
            customer: None,
            action,
            params: Value::Object(Default::default()),
            outcome: None,
            upstream_status: None,
            upstream_message: None,
            duration_ms: None,
            idempotency_key: None,
            before_state: None,
            after_state: None,
            client_ip: None,
        }
    }

    /// A local event (sign-in, operator change...) with its outcome.
    pub fn event(
        action: AuditAction,
        operator: Option<&str>,
        outcome: Outcome,
        params: Value,
    ) -> NewEvent {
        NewEvent {
            operator: operator.map(str::to_string),
            params,
            outcome: Some(outcome),
            ..NewEvent::new(Kind::Event, action)
        }
    }

    pub fn with_client_ip(mut self, ip: Option<String>) -> NewEvent {
        self.client_ip = ip;
        self
    }
}

/// Reads [`StoredEvent`]s, checked against the schema at build time: the columns are named
/// here once, and the rest of the statement follows `FROM audit_events e`.
macro_rules! select_events {
    ($rest:tt $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            $crate::services::audit::StoredEvent,
            r#"SELECT e.id AS "id!", e.occurred_at, e.kind, e.attempt_id, e.operator, e.customer,
                 e.action, e.params, e.outcome, e.upstream_status, e.upstream_message,
                 e.duration_ms, e.idempotency_key, e.before_state, e.after_state, e.client_ip,
                 e.prev_hash, e.hash, e.key_id
             FROM audit_events e "# + $rest
            $(, $arg)*
        )
    };
}

pub(crate) use select_events;

/// The same columns for the statements the audit filter builds at run time (export).
pub const EVENT_COLUMNS: &str = "SELECT e.id, e.occurred_at, e.kind, e.attempt_id, e.operator,
    e.customer, e.action, e.params, e.outcome, e.upstream_status, e.upstream_message,
    e.duration_ms, e.idempotency_key, e.before_state, e.after_state, e.client_ip, e.prev_hash,
    e.hash, e.key_id FROM audit_events e";

/// A stored row, as read back for review, export and verification.
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
    /// The key that signed the row (HMAC); `None` for a row from before the log was keyed.
    pub key_id: Option<String>,
}

impl StoredEvent {
    pub fn kind(&self) -> Option<Kind> {
        Kind::parse(&self.kind)
    }

    pub fn outcome(&self) -> Option<Outcome> {
        self.outcome.as_deref().and_then(Outcome::parse)
    }

    /// The badge of this row; `open` says whether an attempt still lacks a result and reconcile.
    pub fn status(&self, open: bool) -> Status {
        status_of(self.kind(), self.outcome(), open)
    }

    pub fn params_json(&self) -> Value {
        parse_json(&self.params)
    }

    pub fn before_json(&self) -> Option<Value> {
        self.before_state.as_deref().map(parse_json)
    }

    pub fn after_json(&self) -> Option<Value> {
        self.after_state.as_deref().map(parse_json)
    }

    pub fn row_view(&self, open: bool) -> AuditRow {
        AuditRow {
            id: self.id,
            occurred_at: self.occurred_at.clone(),
            kind: self.kind().unwrap_or(Kind::Event),
            attempt_id: self.attempt_id,
            operator: self.operator.clone(),
            customer: self.customer.clone(),
            action: self.action.clone(),
            status: self.status(open),
            upstream_status: self.upstream_status,
            duration_ms: self.duration_ms,
        }
    }
}

pub(super) fn status_of(kind: Option<Kind>, outcome: Option<Outcome>, open: bool) -> Status {
    match (kind, outcome) {
        (Some(Kind::Attempt), _) if open => Status::Open,
        (Some(Kind::Attempt), _) => Status::Sent,
        (Some(Kind::Reconcile), _) => Status::Reconciled,
        (_, Some(outcome)) => Status::Done(outcome),
        _ => Status::Recorded,
    }
}

/// Where a change stands given its result and latest reconcile: a result with a known outcome
/// settles it; otherwise a reconcile does; otherwise it is open (no result, or "unknown").
pub(super) fn change_status(
    result: Option<&StoredEvent>,
    reconcile: Option<&StoredEvent>,
) -> Status {
    match (result, reconcile) {
        (Some(result), _) if result.outcome() != Some(Outcome::Unknown) => result.status(false),
        (_, Some(_)) => Status::Reconciled,
        _ => Status::Open,
    }
}

/// Stored JSON read back; text that is not JSON (written by hand, or damaged) is kept as a
/// string rather than lost.
fn parse_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}
