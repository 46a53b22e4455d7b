//! What the audit log holds for a form's idempotency key: lets a page reloaded after a
//! submission (or reached by the redirect of a form posted without JavaScript) show the
//! outcome instead of the same form again.

use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::plan::{done_summary, parse_task, PlanDone, PlanError, PlanField};

/// An earlier submission: its audit action and parameters, and how it ended.
pub struct Earlier {
    pub action: String,
    pub params: Value,
    pub outcome: Result<PlanDone, PlanError>,
}

/// The attempt recorded under `key` for `user`, with its result. Reads the columns of
/// `audit_events` (migration 3) and the `{"field": …}` a failed result carries.
pub async fn recorded(pool: &SqlitePool, user: &str, key: &str) -> Option<Earlier> {
    let key = key.trim();
    if key.is_empty() {
        return None;
    }
    if let Ok(Some(job)) = crate::services::schedule::by_key(pool, key).await {
        if job.customer == user && job.action.starts_with("plan.") {
            return Some(Earlier {
                action: job.action.clone(),
                params: job.payload_json(),
                outcome: Ok(super::held::done_of(&job)),
            });
        }
    }
    match lookup(pool, user, key).await {
        Ok(found) => found,
        Err(error) => {
            tracing::warn!(%error, "could not read an earlier submission from the audit log");
            None
        }
    }
}

async fn lookup(pool: &SqlitePool, user: &str, key: &str) -> Result<Option<Earlier>, sqlx::Error> {
    let Some((attempt_id, action, params)) = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT id, action, params FROM audit_events
         WHERE idempotency_key = ? AND kind = 'attempt' AND customer = ?",
    )
    .bind(key)
    .bind(user)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let result = sqlx::query_as::<_, (Option<String>, Option<String>, String)>(
        "SELECT outcome, upstream_message, params FROM audit_events
         WHERE attempt_id = ? AND kind = 'result'",
    )
    .bind(attempt_id)
    .fetch_optional(pool)
    .await?;
    let params: Value = serde_json::from_str(&params).unwrap_or(Value::Null);
    let outcome = match result {
        None => Err(PlanError::Unknown {
            message: "This form was already submitted and its result is not recorded. Check the \
                      customer's history before trying again."
                .to_string(),
            attempt_id,
        }),
        Some((outcome, message, result_params)) => {
            let message = message.unwrap_or_default();
            match outcome.as_deref() {
                Some("success") => Ok(PlanDone {
                    summary: summary(user, &action, &params),
                    attempt_id: Some(attempt_id),
                    job_id: None,
                    replayed: true,
                }),
                Some("failure") | Some("refused") => Err(PlanError::Failed {
                    field: serde_json::from_str::<Value>(&result_params)
                        .ok()
                        .and_then(|p| p.get("field").and_then(Value::as_str).map(str::to_string))
                        .as_deref()
                        .and_then(PlanField::from_upstream),
                    message,
                    attempt_id,
                }),
                _ => Err(PlanError::Unknown {
                    message,
                    attempt_id,
                }),
            }
        }
    };
    Ok(Some(Earlier {
        action,
        params,
        outcome,
    }))
}

fn summary(user: &str, action: &str, params: &Value) -> String {
    if action == "pending.delete" {
        return format!("Cancelled the scheduled change of {user}.");
    }
    let target = params
        .get("package")
        .and_then(Value::as_str)
        .filter(|p| !p.is_empty());
    match parse_task(action) {
        Some((action, timing)) => done_summary(user, action, timing, target),
        None => format!("SendGrid accepted the change ({action})."),
    }
}
