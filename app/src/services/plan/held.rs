//! Plan changes the console holds for the end of the billing cycle, because SendGrid no longer
//! takes `scheduled_*` tasks (API.md §2.6; see `domain::plan::scheduling`): stored as a job
//! with the reviewed form, and made as the immediate task when due, through the audit log, as
//! the operator who scheduled it.

use sendgrid::Client;
use serde_json::{json, Value};
use sqlx::SqlitePool;

use super::change::{params, to_upstream};
use super::read;
use crate::domain::change::ChangeDone;
use crate::domain::plan::{
    check, PlanAction, PlanError, PlanField, PlanFieldError, PlanForm, PlanState, PlanTiming,
    ValidPlanChange,
};
use crate::domain::schedule::{next_day, ScheduledJob};
use crate::domain::AuditAction;
use crate::domain::{IdempotencyKey, IsoDate};
use crate::services::audit::snapshot::{read_state, ActionFamily};
use crate::services::audit::{run_mutation, Mutation};
use crate::services::clock::start_of;
use crate::services::offerings::JobRun;
use crate::services::outcome;
use crate::services::schedule::{self, JobRow, NewJob};

/// The audit action (and job action) of the immediate task a held change is made with.
pub fn held_action(action: PlanAction) -> AuditAction {
    AuditAction::Plan(action, PlanTiming::Now)
}

/// The day a held change is made: the billing process date `task=overview` reports, else
/// the day after the cycle ends (API.md §2.7).
fn due_day(state: &PlanState) -> Option<IsoDate> {
    let cycle = state.cycle?;
    Some(cycle.process.unwrap_or_else(|| next_day(cycle.end)))
}

/// Holds `valid` for the end of the cycle. `why` says why the console holds it rather than
/// SendGrid (shown in the summary). The same form again answers the job stored the first time.
#[allow(clippy::too_many_arguments)]
pub async fn hold(
    pool: &SqlitePool,
    operator: &str,
    user: &str,
    form: &PlanForm,
    valid: &ValidPlanChange,
    state: &PlanState,
    key: &IdempotencyKey,
    client_ip: Option<String>,
    why: String,
) -> Result<ChangeDone, PlanError> {
    let Some(day) = due_day(state) else {
        return Err(PlanError::Invalid(vec![PlanFieldError::new(
            PlanField::Timing,
            "SendGrid reports no billing cycle for this customer, so the console cannot tell \
             when the cycle ends; make the change now instead.",
        )]));
    };
    let mut payload = params(form);
    payload["form"] = json!({
        "action": valid.action.as_str(),
        "package": form.package.trim(),
        "ip": form.ips(),
        "ip_group": form.ip_groups(),
    });
    payload["scheduled_for"] = Value::String(day.to_string());
    payload["held_because"] = Value::String(why);
    let target = valid
        .target
        .as_ref()
        .map(|t| format!(" to {}", t.name))
        .unwrap_or_default();
    let verb = match valid.action {
        PlanAction::Upgrade => "Upgrade",
        PlanAction::Downgrade => "Downgrade",
        PlanAction::Close => "Close",
    };
    let summary = format!("{verb} {user}{target} on {day}, made by the console.");
    let job = NewJob {
        due_at: start_of(day),
        customer: user.to_string(),
        action: held_action(valid.action),
        payload,
        summary: summary.clone(),
        idempotency_key: key.as_str().to_string(),
        created_by: operator.to_string(),
    };
    let (job, inserted) = schedule::schedule(pool, job, client_ip)
        .await
        .map_err(outcome::unavailable)?;
    Ok(ChangeDone {
        replayed: !inserted,
        ..done_of(&job)
    })
}

/// How holding `job` is told to the operator: why the console holds it, and what it will do.
pub fn done_of(job: &JobRow) -> ChangeDone {
    let why = job
        .payload_json()
        .get("held_because")
        .and_then(Value::as_str)
        .map(|why| format!("{why} "))
        .unwrap_or_default();
    ChangeDone {
        summary: format!("{why}{}", job.summary),
        attempt_id: None,
        job_id: Some(job.id),
        replayed: true,
        approval_id: None,
    }
}

/// The change held under this form's key, when the form was submitted before and the console
/// holds its change: answered again rather than sent.
pub async fn replay(
    pool: &SqlitePool,
    user: &str,
    key: &str,
) -> Result<Option<ChangeDone>, PlanError> {
    let job = schedule::by_key(pool, key)
        .await
        .map_err(outcome::unavailable)?;
    Ok(job
        .filter(|job| job.customer == user && job.is_plan_change())
        .map(|job| done_of(&job)))
}

/// The plan changes the console holds for `user`, waiting or finished lately.
pub async fn held_for(pool: &SqlitePool, user: &str) -> Vec<ScheduledJob> {
    match schedule::for_customer(pool, user).await {
        Ok(jobs) => jobs
            .iter()
            .filter(|job| job.is_plan_change())
            .map(JobRow::view)
            .collect(),
        Err(error) => {
            tracing::warn!(%error, "could not read the plan changes held for a customer");
            Vec::new()
        }
    }
}

/// Makes a due held change: the reviewed form, as the immediate task, checked again against
/// the account as SendGrid reports it now; a change no longer valid is not sent.
#[tracing::instrument(skip_all, fields(job = job.id, customer = %job.customer))]
pub async fn run_job(pool: &SqlitePool, client: &Client, job: &JobRow) -> JobRun {
    let failed = JobRun::failed;
    let payload = job.payload_json();
    let Some(form) = payload.get("form") else {
        return failed("The held change carries no form; nothing was sent.".to_string());
    };
    let mut form: PlanForm = match serde_json::from_value(form.clone()) {
        Ok(form) => form,
        Err(error) => {
            return failed(format!(
                "The held change is unreadable ({error}); nothing was sent."
            ))
        }
    };
    form.timing = PlanTiming::Now.as_str().to_string();
    let user = job.customer.as_str();
    let plan = match read(client, user).await {
        Ok(plan) => plan,
        Err(error) => {
            return failed(format!(
                "SendGrid could not be read, so nothing was sent: {error}"
            ))
        }
    };
    let valid = match check(&form, &plan.state) {
        Ok(valid) => valid,
        Err(errors) => {
            let why: Vec<String> = errors.into_iter().map(|e| e.message).collect();
            return failed(format!(
                "No longer valid, so nothing was sent: {}",
                why.join(" ")
            ));
        }
    };
    let mutation = Mutation {
        operator: job.created_by.clone(),
        customer: user.to_string(),
        action: held_action(valid.action),
        params: params(&form),
        // Its own key: the form's may already name the scheduled task SendGrid refused.
        idempotency_key: IdempotencyKey::held_job(job.id),
        before: Some(plan.before),
        client_ip: None,
        approving: None,
        reverts: None,
    };
    let upstream = to_upstream(user, &valid);
    let recorded = run_mutation(
        pool,
        mutation,
        || client.change_plan(&upstream),
        || async {
            read_state(client, ActionFamily::Plan, user, user)
                .await
                .ok()
        },
    )
    .await;
    JobRun::from_recorded(recorded)
}
