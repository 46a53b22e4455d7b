//! Turning what the audit log recorded for a change into what the operator is shown: the
//! answer of `run_mutation`, or an earlier submission found by the form's idempotency key (a
//! page reloaded after a submission, or reached by the redirect of a form posted without
//! JavaScript, shows the outcome instead of the same form again).

use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::change::{ChangeDone, ChangeError};
use crate::domain::AuditAction;
use crate::services::audit::{AuditError, MutationOutcome, Outcome, Recorded};

/// The attempt recorded under a key, and how it ended.
pub struct Earlier {
    pub attempt_id: i64,
    pub action: String,
    pub params: Value,
    pub outcome: MutationOutcome,
}

/// The attempt under `key` for `customer` with its result. Reads the columns of
/// `audit_events` (migration 3) and the `{"field": …}` a failed result carries.
pub async fn earlier(
    pool: &SqlitePool,
    customer: &str,
    key: &str,
) -> Result<Option<Earlier>, sqlx::Error> {
    let key = key.trim();
    if key.is_empty() {
        return Ok(None);
    }
    let Some(attempt) = sqlx::query!(
        r#"SELECT id AS "id!: i64", action, params FROM audit_events
           WHERE idempotency_key = ? AND kind = 'attempt' AND customer = ?"#,
        key,
        customer
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let (attempt_id, action, params) = (attempt.id, attempt.action, attempt.params);
    let result = sqlx::query!(
        "SELECT outcome, upstream_message, params FROM audit_events
         WHERE attempt_id = ? AND kind = 'result'",
        attempt_id
    )
    .fetch_optional(pool)
    .await?
    .map(|row| (row.outcome, row.upstream_message, row.params));
    let outcome = match result {
        None => MutationOutcome::Unknown {
            message: "This form was already submitted and its result is not recorded. Check \
                      the customer's history before trying again."
                .to_string(),
        },
        Some((outcome, message, result_params)) => {
            let message = message.unwrap_or_default();
            match outcome.as_deref().and_then(Outcome::parse) {
                Some(Outcome::Success) => MutationOutcome::Success,
                Some(Outcome::Failure | Outcome::Refused) => MutationOutcome::Failure {
                    message,
                    field: serde_json::from_str::<Value>(&result_params)
                        .ok()
                        .and_then(|p| p.get("field").and_then(Value::as_str).map(str::to_string)),
                },
                _ => MutationOutcome::Unknown { message },
            }
        }
    };
    Ok(Some(Earlier {
        attempt_id,
        action,
        params: serde_json::from_str(&params).unwrap_or(Value::Null),
        outcome,
    }))
}

/// The operator's view of a recorded outcome. `field` maps the parameter SendGrid named to
/// the form's field.
pub fn shown<F>(
    attempt_id: i64,
    outcome: MutationOutcome,
    replayed: bool,
    summary: String,
    field: impl Fn(&str) -> Option<F>,
) -> Result<ChangeDone, ChangeError<F>> {
    match outcome {
        MutationOutcome::Success => Ok(ChangeDone {
            summary,
            attempt_id: Some(attempt_id),
            job_id: None,
            replayed,
            approval_id: None,
        }),
        MutationOutcome::Failure {
            message,
            field: named,
        } => Err(ChangeError::Failed {
            message,
            field: named.as_deref().and_then(field),
            attempt_id,
        }),
        MutationOutcome::Unknown { message } => Err(ChangeError::Unknown {
            message,
            attempt_id,
        }),
    }
}

/// What `run_mutation` answered, as [`shown`]; an error there means nothing was sent.
pub fn from_recorded<F>(
    recorded: Result<Recorded, AuditError>,
    summary: String,
    field: impl Fn(&str) -> Option<F>,
) -> Result<ChangeDone, ChangeError<F>> {
    let recorded = recorded.map_err(|error| match error {
        AuditError::KeyReuse => ChangeError::Conflict(error.to_string()),
        AuditError::Database(inner) => {
            tracing::error!(error = %inner, "the audit log could not be written");
            ChangeError::Unavailable(AuditError::Database(inner).to_string())
        }
    })?;
    shown(
        recorded.attempt_id,
        recorded.outcome,
        recorded.replayed,
        summary,
        field,
    )
}

/// A form that no longer passes the rules may be one submitted before whose change made it
/// so (a decrement repeated once the balance is low): answer with its first outcome. The same
/// key with another action or other values is refused, as `run_mutation` does.
pub fn replay_of<F>(
    earlier: Earlier,
    action: AuditAction,
    params: &Value,
    summary: String,
    field: impl Fn(&str) -> Option<F>,
) -> Result<ChangeDone, ChangeError<F>> {
    if earlier.action != action.as_str() || &earlier.params != params {
        return Err(ChangeError::Conflict(AuditError::KeyReuse.to_string()));
    }
    shown(earlier.attempt_id, earlier.outcome, true, summary, field)
}

/// A database failure: logged here, reported without detail.
pub fn unavailable<F>(error: sqlx::Error) -> ChangeError<F> {
    tracing::error!(%error, "the console's database failed");
    ChangeError::Unavailable("The console's database failed; nothing was sent. Try again.".into())
}
