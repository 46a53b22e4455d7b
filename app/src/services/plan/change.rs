//! Submitting a plan change or cancelling a scheduled one, through the audit log.

use sendgrid::{Client, IpPlacement, PlanChange, Timing};
use serde_json::{json, Value};
use sqlx::SqlitePool;

use super::{held, read, recorded_attempt};
use crate::domain::approval::ApprovalKind;
use crate::domain::change::ChangeDone;
use crate::domain::plan::{
    check, check_confirmation, done_summary, request_summary, Placement, PlanAction, PlanError,
    PlanField, PlanForm, PlanTiming, ScheduledBy, SchedulingMode, ValidPlanChange,
};
use crate::domain::AuditAction;
use crate::domain::IdempotencyKey;
use crate::domain::Username;
use crate::services::approvals;
use crate::services::audit::snapshot::{read_state, ActionFamily};
use crate::services::audit::{run_mutation, Mutation, MutationOutcome, Recorded};
use crate::services::auth::Manager;
use crate::services::outcome;
use std::sync::atomic::{AtomicBool, Ordering};

/// A submitted plan form.
pub struct ChangeRequest {
    pub user: Username,
    pub form: PlanForm,
    /// The username as typed to confirm a downgrade or close.
    pub confirm: String,
    /// Minted when the form was rendered.
    pub idempotency_key: String,
    /// Who makes a change chosen for the end of the cycle (`SCHEDULED_PLAN_CHANGES`).
    pub scheduling: SchedulingMode,
    /// The earlier change this one reverts (its attempt id), from "Revert…".
    pub reverts: Option<i64>,
}

/// The audit parameters: a function of the form alone, so a repeated submission of the same
/// form matches its first attempt (and a different one with the same key is refused).
pub(crate) fn params(form: &PlanForm) -> Value {
    json!({
        "package": form.package.trim(),
        "ip": form.ips(),
        "ip_group": form.ip_groups(),
    })
}

pub(crate) fn to_upstream(user: &str, change: &ValidPlanChange) -> PlanChange {
    let timing = match change.timing {
        PlanTiming::Now => Timing::Immediate,
        PlanTiming::EndOfCycle => Timing::Scheduled,
    };
    let package = change
        .target
        .as_ref()
        .map(|t| t.name.to_string())
        .unwrap_or_default();
    let placement = match &change.placement {
        Placement::Unchanged => IpPlacement::None,
        Placement::Ips(ips) => IpPlacement::Ips(ips.clone()),
        Placement::IpGroups(groups) => IpPlacement::IpGroups(groups.clone()),
    };
    let user = user.to_string();
    match change.action {
        PlanAction::Upgrade => PlanChange::Upgrade {
            timing,
            user,
            package,
            placement,
        },
        PlanAction::Downgrade => PlanChange::Downgrade {
            timing,
            user,
            package,
            placement,
        },
        PlanAction::Close => PlanChange::Close {
            timing,
            user,
            ip_groups: match &change.placement {
                Placement::IpGroups(groups) => groups.clone(),
                _ => Vec::new(),
            },
        },
    }
}

/// Checks the form against SendGrid's current state and, if it passes, makes the change
/// (attempt, call, result). A form submitted before answers with its first outcome: through
/// `run_mutation` while the form still passes the rules, from the log once the change itself
/// has made it invalid (an upgrade to Silver cannot be checked again once on Silver).
#[tracing::instrument(skip(pool, client, request, client_ip), fields(customer = %request.user))]
pub async fn change(
    pool: &SqlitePool,
    client: &Client,
    by: &Manager,
    request: ChangeRequest,
    client_ip: Option<String>,
) -> Result<ChangeDone, PlanError> {
    let operator = by.email();
    let key = IdempotencyKey::from_form(&request.idempotency_key)?;
    let user = request.user.trim().to_string();
    if let Some(done) = approvals::submitted(pool, by, &user, &key).await? {
        return Ok(done);
    }
    if let Some(done) = held::replay(pool, &user, key.as_str()).await? {
        return Ok(done);
    }
    let plan = read(client, &user).await?;
    let valid = match check(&request.form, &plan.state) {
        Ok(valid) => valid,
        Err(errors) => {
            let action = PlanAction::parse(&request.form.action)
                .zip(PlanTiming::parse(&request.form.timing))
                .map(|(action, timing)| AuditAction::Plan(action, timing));
            let first = match action {
                Some(action) => {
                    earlier(pool, &user, key.as_str(), action, &params(&request.form)).await?
                }
                None => None,
            };
            return first.unwrap_or(Err(PlanError::Invalid(errors)));
        }
    };
    check_confirmation(valid.action, &user, &request.confirm)
        .map_err(|error| PlanError::Invalid(vec![error]))?;
    let now = valid.timing == PlanTiming::Now;
    let reverts =
        crate::services::revert::link(pool, request.reverts, ActionFamily::Plan, &user, now)
            .await?;
    let target = valid.target.as_ref().map(|t| t.name.clone());
    let kind = match valid.action {
        PlanAction::Upgrade => None,
        PlanAction::Downgrade => Some(ApprovalKind::Downgrade),
        PlanAction::Close => Some(ApprovalKind::Close),
    };
    if let Some(kind) = kind {
        let summary = request_summary(&user, valid.action, valid.timing, target.as_deref());
        let held = approvals::Held {
            kind,
            size: None,
            customer: &user,
            summary: &summary,
            change: approvals::StoredChange::Plan {
                user: request.user.clone(),
                form: request.form.clone(),
                confirm: request.confirm.clone(),
                reverts,
            },
            key: &key,
            before: Some(plan.before.clone()),
            client_ip: client_ip.clone(),
        };
        if let Some(done) = approvals::gate(pool, client, by, held).await? {
            return Ok(done);
        }
    }
    let mode = request.scheduling;
    let later = valid.timing == PlanTiming::EndOfCycle;
    // The console holds the reviewed change instead of sending it; `why` opens the answer.
    let hold = |why: String, client_ip| {
        held::hold(
            pool,
            operator,
            &user,
            &request.form,
            &valid,
            &plan.state,
            &key,
            client_ip,
            why,
        )
    };
    if later && mode.maker(plan.sendgrid_schedules) == ScheduledBy::Console {
        let why = match mode {
            SchedulingMode::Console => "The console holds changes for the end of the cycle:",
            _ => "SendGrid no longer takes scheduled changes, so the console holds this one:",
        };
        return hold(why.to_string(), client_ip).await;
    }
    let upstream = to_upstream(&user, &valid);
    let summary = done_summary(&user, valid.action, valid.timing, target.as_deref());
    let mutation = Mutation {
        operator: operator.to_string(),
        customer: user.clone(),
        action: AuditAction::Plan(valid.action, valid.timing),
        params: params(&request.form),
        idempotency_key: key.clone(),
        before: Some(plan.before),
        client_ip: client_ip.clone(),
        approving: by.approving().cloned(),
        reverts,
    };
    // Whether SendGrid answered that the scheduled task does not exist (API.md §2.6).
    let unknown_task = AtomicBool::new(false);
    let recorded = run_mutation(
        pool,
        mutation,
        || async {
            let answer = client.change_plan(&upstream).await;
            if answer.as_ref().is_err_and(sendgrid::Error::is_unknown_call) {
                unknown_task.store(true, Ordering::Relaxed);
            }
            answer
        },
        || async {
            read_state(client, ActionFamily::Plan, &user, &user)
                .await
                .ok()
        },
    )
    .await;
    let fall_back = later && mode == SchedulingMode::Auto && unknown_task.load(Ordering::Relaxed);
    if let (
        true,
        Ok(Recorded {
            outcome: MutationOutcome::Failure { message, .. },
            ..
        }),
    ) = (fall_back, &recorded)
    {
        let why = format!(
            "SendGrid answered that scheduled changes do not exist ({message}), so the console \
             holds this one:"
        );
        return hold(why, client_ip).await;
    }
    outcome::from_recorded(recorded, summary, PlanField::from_upstream)
}

/// The recorded outcome of an earlier submission of this form, if there was one. The same key
/// with another action or other values is refused, as `run_mutation` does.
async fn earlier(
    pool: &SqlitePool,
    user: &str,
    key: &str,
    action: AuditAction,
    params: &Value,
) -> Result<Option<Result<ChangeDone, PlanError>>, PlanError> {
    Ok(recorded_attempt(pool, user, key)
        .await?
        .map(|(first, summary)| {
            outcome::replay_of(first, action, params, summary, PlanField::from_upstream)
        }))
}

/// Cancels the customer's scheduled change (`reseller.pending task=delete`, §2.6).
#[tracing::instrument(skip(pool, client, idempotency_key, client_ip))]
pub async fn cancel_pending(
    pool: &SqlitePool,
    client: &Client,
    by: &Manager,
    user: &str,
    idempotency_key: &str,
    client_ip: Option<String>,
) -> Result<ChangeDone, PlanError> {
    let operator = by.email();
    const ACTION: AuditAction = AuditAction::PendingDelete;
    let key = IdempotencyKey::from_form(idempotency_key)?;
    let user = user.trim();
    let plan = read(client, user).await?;
    if plan.state.pending.is_none() {
        let first = earlier(pool, user, key.as_str(), ACTION, &json!({})).await?;
        return first.unwrap_or_else(|| {
            Err(PlanError::NotFound(format!(
                "No change is scheduled for {user}; there is nothing to cancel."
            )))
        });
    }
    let mutation = Mutation {
        operator: operator.to_string(),
        customer: user.to_string(),
        action: ACTION,
        params: json!({}),
        idempotency_key: key,
        before: Some(plan.before),
        client_ip,
        approving: by.approving().cloned(),
        reverts: None,
    };
    let recorded = run_mutation(
        pool,
        mutation,
        || client.delete_pending(user),
        || async {
            read_state(client, ActionFamily::Plan, user, user)
                .await
                .ok()
        },
    )
    .await;
    outcome::from_recorded(
        recorded,
        format!("Cancelled the scheduled change of {user}."),
        PlanField::from_upstream,
    )
}
