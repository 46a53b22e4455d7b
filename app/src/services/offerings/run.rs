//! Sending an offerings or state change through the audit log, now or when a scheduled job
//! comes due. Both paths record the same action and parameters.

use sendgrid::{Client, Offering, OfferingKind as WireKind};
use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::offerings::{
    apply_delta, decode_lines, OfferingKind, OfferingLine, OfferingSet, WritableState,
};
use crate::domain::schedule::JobStatus;
use crate::domain::AuditAction;
use crate::domain::IdempotencyKey;
use crate::services::audit::snapshot::{offerings_state, read_state, ActionFamily};
use crate::services::audit::{run_mutation, AuditError, Mutation, MutationOutcome, Recorded};
use crate::services::schedule::JobRow;

pub const UPDATE_OFFERINGS: AuditAction = AuditAction::OfferingsUpdate;
pub const UPDATE_STATE: AuditAction = AuditAction::StateUpdate;

pub fn wire_offerings(lines: &[OfferingLine]) -> Vec<Offering> {
    lines
        .iter()
        .map(|l| match l.kind {
            OfferingKind::Package => Offering::package(l.name.clone()),
            OfferingKind::Addon => Offering {
                name: l.name.clone(),
                kind: WireKind::Addon,
                quantity: Some(l.quantity),
            },
        })
        .collect()
}

pub fn wire_state(state: WritableState) -> sendgrid::WritableState {
    match state {
        WritableState::Activated => sendgrid::WritableState::Activated,
        WritableState::Deactivated => sendgrid::WritableState::Deactivated,
    }
}

/// PUTs the whole set (API.md §5.7 overwrites) as `offerings.update`.
pub async fn apply_offerings(
    pool: &SqlitePool,
    client: &Client,
    mutation: Mutation,
    account_id: &str,
    set: &OfferingSet,
) -> Result<Recorded, AuditError> {
    let offerings = wire_offerings(&set.lines());
    let answered = std::sync::Mutex::new(None);
    run_mutation(
        pool,
        mutation,
        || async {
            let result = client
                .update_account_offerings(account_id, &offerings)
                .await?;
            *answered.lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
            Ok(())
        },
        || async {
            let answer = answered.lock().unwrap_or_else(|e| e.into_inner()).take();
            after_offerings(client, account_id, answer).await
        },
    )
    .await
}

/// The account's offerings after a PUT: the PUT answers the resulting list (API.md §5.7), so
/// another read (one more upstream round trip per change) is needed only when it did not.
async fn after_offerings(
    client: &Client,
    account_id: &str,
    answer: Option<Vec<Offering>>,
) -> Option<Value> {
    match answer {
        Some(list) => Some(offerings_state(&list)),
        None => read_state(client, ActionFamily::Offerings, account_id, account_id)
            .await
            .ok(),
    }
}

/// PUTs the state (API.md §5.9) as `state.update`.
pub async fn apply_state(
    pool: &SqlitePool,
    client: &Client,
    mutation: Mutation,
    account_id: &str,
    state: WritableState,
) -> Result<Recorded, AuditError> {
    run_mutation(
        pool,
        mutation,
        || client.update_account_state(account_id, wire_state(state)),
        || async {
            read_state(client, ActionFamily::State, account_id, account_id)
                .await
                .ok()
        },
    )
    .await
}

/// The set to PUT for a held change: the reviewed difference applied to what the account
/// holds now (`apply_delta`); the audit row records both the reviewed holdings (its
/// parameters) and the found ones (its before-state).
async fn reviewed_delta(
    client: &Client,
    account_id: &str,
    reviewed: &str,
    desired: &OfferingSet,
) -> Result<OfferingSet, String> {
    let reviewed = decode_lines(reviewed)
        .map_err(|_| "The reviewed offerings are unreadable; nothing was sent.".to_string())?;
    let found = client
        .get_account_offerings(account_id)
        .await
        .map_err(|error| {
            format!("The offerings could not be read, so nothing was sent: {error}")
        })?;
    let lines = apply_delta(&super::lines(&found), &reviewed, desired);
    OfferingSet::parse(&lines).map_err(|errors| {
        let why: Vec<String> = errors.into_iter().map(|e| e.message).collect();
        format!(
            "The reviewed change no longer fits what the account holds, so nothing was sent: {}",
            why.join(" ")
        )
    })
}

/// How a scheduled job ended.
pub struct JobRun {
    pub status: JobStatus,
    pub result: String,
    pub attempt_id: Option<i64>,
}

impl JobRun {
    /// How a job ended, from how its change was recorded.
    pub fn from_recorded(recorded: Result<Recorded, AuditError>) -> JobRun {
        let recorded = match recorded {
            Err(error) => return JobRun::failed(format!("{error} It was not retried.")),
            Ok(recorded) => recorded,
        };
        let (status, result) = match recorded.outcome {
            MutationOutcome::Success => {
                (JobStatus::Done, "SendGrid accepted the change.".to_string())
            }
            MutationOutcome::Failure { message, .. } => {
                (JobStatus::Failed, format!("SendGrid refused it: {message}"))
            }
            MutationOutcome::Unknown { message } => (
                JobStatus::Failed,
                format!("Outcome unknown: reconcile it in History before trying again. {message}"),
            ),
        };
        JobRun {
            status,
            result,
            attempt_id: Some(recorded.attempt_id),
        }
    }

    pub fn failed(result: impl Into<String>) -> JobRun {
        JobRun {
            status: JobStatus::Failed,
            result: result.into(),
            attempt_id: None,
        }
    }
}

/// Runs a due job as the operator who scheduled it, with the key of the form that created it:
/// a job interrupted and run again answers from the audit log instead of calling twice.
#[tracing::instrument(skip_all, fields(job = job.id, customer = %job.customer, action = %job.action))]
pub async fn run_job(pool: &SqlitePool, client: &Client, job: &JobRow) -> JobRun {
    let payload = job.payload_json();
    let text = |key: &str| payload.get(key).and_then(Value::as_str).map(str::to_string);
    let Some(account_id) = text("account_id") else {
        return JobRun::failed("The scheduled change names no account; nothing was sent.");
    };
    let (action, family) = match job.audit_action() {
        Some(UPDATE_OFFERINGS) => (UPDATE_OFFERINGS, ActionFamily::Offerings),
        Some(UPDATE_STATE) => (UPDATE_STATE, ActionFamily::State),
        _ => {
            return JobRun::failed(format!(
                "Unknown scheduled action {}; nothing was sent.",
                job.action
            ))
        }
    };
    // The key of the form that scheduled the job, checked when the job was held.
    let Ok(key) = IdempotencyKey::from_form(&job.idempotency_key) else {
        return JobRun::failed("The scheduled change carries no usable key; nothing was sent.");
    };
    let mutation = Mutation {
        operator: job.created_by.clone(),
        customer: job.customer.clone(),
        action,
        params: payload.clone(),
        idempotency_key: key,
        before: read_state(client, family, &account_id, &account_id)
            .await
            .ok(),
        client_ip: None,
        approving: None,
        reverts: None,
    };
    let recorded = match family {
        ActionFamily::Offerings => {
            let set = decode_lines(&text("offerings").unwrap_or_default())
                .ok()
                .and_then(|lines| OfferingSet::parse(&lines).ok());
            let Some(set) = set else {
                return JobRun::failed(
                    "The scheduled offerings are not a valid set; nothing was sent.",
                );
            };
            let set = match text("reviewed") {
                Some(reviewed) => {
                    match reviewed_delta(client, &account_id, &reviewed, &set).await {
                        Ok(set) => set,
                        Err(why) => return JobRun::failed(why),
                    }
                }
                // Held before the console kept what was reviewed: the whole set, as reviewed.
                None => set,
            };
            let mut mutation = mutation;
            mutation.params["sent"] = Value::String(set.encode());
            apply_offerings(pool, client, mutation, &account_id, &set).await
        }
        _ => {
            let Some(state) = text("state").as_deref().and_then(WritableState::parse) else {
                return JobRun::failed(
                    "The scheduled state is not one that can be set; nothing was sent.",
                );
            };
            apply_state(pool, client, mutation, &account_id, state).await
        }
    };
    JobRun::from_recorded(recorded)
}
