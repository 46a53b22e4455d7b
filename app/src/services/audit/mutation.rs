//! The one way an upstream change is made: [`run_mutation`] commits an `attempt` row, makes the
//! call, and records a `result` row linked to it (DESIGN.md "Reliability"). A form's
//! idempotency key makes a second submission replay the first outcome instead of calling
//! upstream again (zero2prod's idempotency, with Stripe's rule that a reused key with other
//! parameters is an error).

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use futures::future::BoxFuture;
use serde_json::{json, Value};
use sqlx::{SqliteConnection, SqlitePool};

use super::append::{append_in, append_new_key_in};
use super::redact::redact;
use super::row::{select_events, NewEvent, StoredEvent};
use crate::domain::audit::{Kind, Outcome};
use crate::domain::AuditAction;
use crate::domain::IdempotencyKey;
use crate::services::auth::Approving;
use crate::services::writer::write_shared;

/// One change an operator asked for.
#[derive(Clone, Debug)]
pub struct Mutation {
    /// The operator's email.
    pub operator: String,
    /// A v2 username or a v3 account id.
    pub customer: String,
    /// E.g. `plan.immediate_upgrade`, `limits.total`, `offerings.update`, `state.update`.
    pub action: AuditAction,
    /// Redacted before it is stored.
    pub params: Value,
    /// The form's key, or the console's own for a bulk item: a second submission with it
    /// replays the first outcome.
    pub idempotency_key: IdempotencyKey,
    /// The customer's relevant state read just before the call (see [`super::read_state`]).
    pub before: Option<Value>,
    pub client_ip: Option<String>,
    /// The request a second person approved, when the change is made on their approval: the
    /// attempt names its requester beside the approver (`operator`).
    pub approving: Option<Approving>,
    /// The earlier change (its attempt) this one reverts, named in the attempt's parameters
    /// so the link is chained with the change (see [`super::reverted_by`]).
    pub reverts: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MutationOutcome {
    Success,
    /// Upstream refused; nothing changed. `field` is the parameter it named, if any.
    Failure {
        message: String,
        field: Option<String>,
    },
    /// The change may or may not have been applied: reconcile before trying again.
    Unknown {
        message: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub attempt_id: i64,
    pub outcome: MutationOutcome,
    /// True when this was a repeated submission answered from the log, without calling upstream.
    pub replayed: bool,
    /// True when the caller's write beside the result ([`Alongside::result`]) was committed
    /// with it.
    pub settled_alongside: bool,
}

/// A caller's own write, made inside the audit row's transaction; given the attempt's id. It
/// may run twice (see [`write_shared`]), so it must do the same each time.
pub type RowWrite = Arc<
    dyn for<'c> Fn(&'c mut SqliteConnection, i64) -> BoxFuture<'c, Result<(), sqlx::Error>>
        + Send
        + Sync,
>;

/// A [`RowWrite`] from a closure (the bound lets the compiler see the closure's signature).
pub fn row_write<F>(write: F) -> RowWrite
where
    F: for<'c> Fn(&'c mut SqliteConnection, i64) -> BoxFuture<'c, Result<(), sqlx::Error>>
        + Send
        + Sync
        + 'static,
{
    Arc::new(write)
}

/// Writes of the caller's that change with the audit log: a record of its own (a bulk
/// customer's status) is then exactly as durable as the attempt and the result, at no commit
/// of its own.
#[derive(Default)]
pub struct Alongside<'a> {
    /// Made with the attempt.
    pub attempt: Option<RowWrite>,
    /// Asked once the outcome is known; its write, if any, is made with the result.
    #[allow(clippy::type_complexity)]
    pub result: Option<Box<dyn FnOnce(&MutationOutcome) -> Option<RowWrite> + Send + 'a>>,
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("The audit log could not be written, so nothing was sent to SendGrid; try again.")]
    Database(#[from] sqlx::Error),
    #[error(
        "This form was already used for a different change; reload the page and try again. \
         Nothing was sent."
    )]
    KeyReuse,
}

/// What writing an attempt under its idempotency key came to.
enum Attempt {
    Written(i64),
    /// The key was used already, by this row: the submission is answered from it.
    KeyUsedBy(Box<StoredEvent>),
}

const STILL_RUNNING: &str = "This form was already submitted; that change is still running or \
     was interrupted. Check the customer's history before trying again.";

/// Writes the attempt (committed), runs `call`, then reads `after` (only on success) and
/// writes the result.
///
/// The same idempotency key again (same operator, action, customer and parameters) returns the
/// first attempt's recorded outcome with `replayed = true` without calling upstream; if the
/// first has no result yet, the outcome is Unknown. The same key with different values is
/// [`AuditError::KeyReuse`]. An error is returned only when nothing was sent.
pub async fn run_mutation<F, Fut, A, AFut>(
    pool: &SqlitePool,
    mutation: Mutation,
    call: F,
    after: A,
) -> Result<Recorded, AuditError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), sendgrid::Error>>,
    A: FnOnce() -> AFut,
    AFut: Future<Output = Option<Value>>,
{
    run_mutation_alongside(pool, mutation, Alongside::default(), call, after).await
}

/// [`run_mutation`], with the caller's writes made in the attempt's and the result's
/// transactions. A replayed submission makes neither.
#[tracing::instrument(skip_all, fields(customer = %mutation.customer, action = %mutation.action))]
pub async fn run_mutation_alongside<F, Fut, A, AFut>(
    pool: &SqlitePool,
    mutation: Mutation,
    alongside: Alongside<'_>,
    call: F,
    after: A,
) -> Result<Recorded, AuditError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<(), sendgrid::Error>>,
    A: FnOnce() -> AFut,
    AFut: Future<Output = Option<Value>>,
{
    let mut params = redact(mutation.params.clone());
    if let (Some(approving), Value::Object(map)) = (&mutation.approving, &mut params) {
        map.insert(
            "approval".to_string(),
            json!({
                "request_id": approving.request_id,
                "requested_by": approving.requested_by,
            }),
        );
    }
    if let (Some(reverts), Value::Object(map)) = (mutation.reverts, &mut params) {
        map.insert("reverts".to_string(), json!(reverts));
    }
    let key = mutation.idempotency_key.as_str().to_string();

    let attempt = NewEvent {
        operator: Some(mutation.operator.clone()),
        customer: Some(mutation.customer.clone()),
        params: params.clone(),
        idempotency_key: Some(key.clone()),
        before_state: mutation.before.clone(),
        client_ip: mutation.client_ip.clone(),
        ..NewEvent::new(Kind::Attempt, mutation.action)
    };
    // The key's first use and this attempt are one transaction, so of two submissions at once
    // one is written and the other replays it. Committed before the call: a crash from here
    // on leaves an attempt without a result, which the dashboard lists as "outcome unknown"
    // until someone reconciles it.
    let with_attempt = alongside.attempt;
    let written = write_shared(pool, move |conn| {
        let (key, attempt, with_attempt) = (key.clone(), attempt.clone(), with_attempt.clone());
        Box::pin(async move {
            let Some(attempt_id) = append_new_key_in(&mut *conn, attempt).await? else {
                let first = select_events!("WHERE e.idempotency_key = ?", key)
                    .fetch_one(&mut *conn)
                    .await?;
                return Ok(Attempt::KeyUsedBy(Box::new(first)));
            };
            if let Some(write) = with_attempt {
                write(conn, attempt_id).await?;
            }
            Ok(Attempt::Written(attempt_id))
        })
    })
    .await?;
    let attempt_id = match written {
        Attempt::Written(attempt_id) => attempt_id,
        Attempt::KeyUsedBy(first) => return replay(pool, &mutation, &params, *first).await,
    };

    let started = Instant::now();
    let answer = call().await;
    let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);

    let mut result = NewEvent {
        attempt_id: Some(attempt_id),
        operator: Some(mutation.operator.clone()),
        customer: Some(mutation.customer.clone()),
        duration_ms: Some(duration_ms),
        client_ip: mutation.client_ip.clone(),
        ..NewEvent::new(Kind::Result, mutation.action)
    };
    let outcome = match answer {
        Ok(()) => {
            result.outcome = Some(Outcome::Success);
            result.after_state = after().await;
            MutationOutcome::Success
        }
        Err(error) => {
            let message = error.to_string();
            let field = match &error {
                sendgrid::Error::InvalidInput { field, .. } => field.clone(),
                _ => None,
            };
            result.upstream_status = error.status().map(i64::from);
            result.upstream_message = Some(message.clone());
            result.params = json!({ "error": error.code(), "field": field });
            if error.outcome_known() {
                result.outcome = Some(Outcome::Failure);
                MutationOutcome::Failure { message, field }
            } else {
                result.outcome = Some(Outcome::Unknown);
                MutationOutcome::Unknown { message }
            }
        }
    };
    let with_result = alongside.result.and_then(|settle| settle(&outcome));
    let settling = with_result.is_some();
    let written = write_shared(pool, move |conn| {
        let (result, with_result) = (result.clone(), with_result.clone());
        Box::pin(async move {
            append_in(&mut *conn, result).await?;
            match with_result {
                Some(write) => write(conn, attempt_id).await,
                None => Ok(()),
            }
        })
    })
    .await;
    // The call has happened: a failure to record it must not hide its outcome from the
    // operator. The attempt then stays open and is listed for reconciling.
    if let Err(error) = &written {
        tracing::error!(attempt_id, %error, "could not write the result of an upstream change");
    }
    Ok(Recorded {
        attempt_id,
        outcome,
        replayed: false,
        settled_alongside: settling && written.is_ok(),
    })
}

/// Answers a repeated submission from the log.
async fn replay(
    pool: &SqlitePool,
    mutation: &Mutation,
    params: &Value,
    first: StoredEvent,
) -> Result<Recorded, AuditError> {
    let same = first.kind() == Some(Kind::Attempt)
        && first.operator.as_deref() == Some(mutation.operator.as_str())
        && first.customer.as_deref() == Some(mutation.customer.as_str())
        && first.action == mutation.action.as_str()
        && &first.params_json() == params;
    if !same {
        return Err(AuditError::KeyReuse);
    }
    let result = select_events!("WHERE e.attempt_id = ? AND e.kind = 'result'", first.id)
        .fetch_optional(pool)
        .await?;
    let outcome = match result {
        None => MutationOutcome::Unknown {
            message: STILL_RUNNING.to_string(),
        },
        Some(result) => stored_outcome(&result),
    };
    Ok(Recorded {
        attempt_id: first.id,
        outcome,
        replayed: true,
        settled_alongside: false,
    })
}

fn stored_outcome(result: &StoredEvent) -> MutationOutcome {
    let message = result.upstream_message.clone().unwrap_or_default();
    match result.outcome() {
        Some(Outcome::Success) => MutationOutcome::Success,
        Some(Outcome::Failure) | Some(Outcome::Refused) => MutationOutcome::Failure {
            message,
            field: result
                .params_json()
                .get("field")
                .and_then(Value::as_str)
                .map(str::to_string),
        },
        Some(Outcome::Unknown) | None => MutationOutcome::Unknown { message },
    }
}

/// A fresh key for a form that changes something: 128 random bits, hex.
pub fn new_idempotency_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}
