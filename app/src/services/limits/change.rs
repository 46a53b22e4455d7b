//! One limit change through the audit log: read the limit, check the form against it, send
//! the task (attempt, call, result), then keep the console's own record in step.

use chrono::NaiveDate;
use sendgrid::{Client, LimitChange, LimitHolder, LimitPeriod as WirePeriod, RecurringLimit};
use serde_json::{json, Map, Value};
use sqlx::SqlitePool;

use super::{current_limit, not_this_customers, ownership, store, Ownership, USER_NOT_FOUND};
use crate::domain::approval::ApprovalKind;
use crate::domain::change::{ChangeDone, ChangeError, FieldError};
use crate::domain::limits::{
    check, describe_change, done_summary, LimitError, LimitField, LimitForm, LimitPeriod,
    LimitTask, ValidLimitChange,
};
use crate::domain::Username;
use crate::domain::{IdempotencyKey, IsoDate};
use crate::services::approvals;
use crate::services::audit::snapshot::{limit_state, read_state, ActionFamily};
use crate::services::audit::{run_mutation, Mutation};
use crate::services::auth::Manager;
use crate::services::clock::today;
use crate::services::outcome::{earlier, from_recorded, replay_of, unavailable};

/// A submitted limits form.
pub struct LimitRequest {
    /// The customer, whose history the change is recorded under.
    pub username: Username,
    /// The customer itself or one of its subusers.
    pub target: String,
    pub form: LimitForm,
    /// Minted when the form was rendered.
    pub idempotency_key: String,
    /// The earlier change this one reverts (its attempt id), from "Revert…".
    pub reverts: Option<i64>,
}

/// The audit parameters: the target and the fields its task takes, a function of the form
/// alone, so a repeated submission matches its first attempt.
fn params(target: &str, form: &LimitForm) -> Value {
    let mut map = Map::new();
    map.insert("user".into(), json!(target));
    map.insert("task".into(), json!(form.task.trim()));
    if let Some(task) = LimitTask::parse(&form.task) {
        for (field, value) in [
            (LimitField::Credits, &form.credits),
            (LimitField::Period, &form.period),
            (LimitField::StartDate, &form.start_date),
            (LimitField::EndDate, &form.end_date),
            (LimitField::InitialCredits, &form.initial_credits),
        ] {
            if task.uses(field) && !value.trim().is_empty() {
                map.insert(field.as_str().into(), json!(value.trim()));
            }
        }
    }
    Value::Object(map)
}

/// What a recorded change did, from its audit parameters (for an answer from the log).
pub fn summary_of(params: &Value) -> String {
    let text = |key: &str| {
        params
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let form = LimitForm {
        task: text("task"),
        credits: text("credits"),
        period: text("period"),
        start_date: text("start_date"),
        end_date: text("end_date"),
        initial_credits: text("initial_credits"),
    };
    let target = text("user");
    // Checked against the earliest day: a start date valid then is valid now.
    let epoch = IsoDate::parse("1970-01-01").expect("a valid constant date");
    match check(&form, epoch) {
        Ok(change) => done_summary(&change, &target),
        Err(_) => format!("Changed the credit limit of {target}."),
    }
}

fn naive(date: Option<IsoDate>) -> Option<NaiveDate> {
    date.and_then(|d| NaiveDate::parse_from_str(&d.to_string(), "%Y-%m-%d").ok())
}

fn to_upstream(change: &ValidLimitChange) -> LimitChange {
    match change {
        ValidLimitChange::Remove => LimitChange::Remove,
        ValidLimitChange::Total(n) => LimitChange::Total(u64::from(n.get())),
        ValidLimitChange::Increment(n) => LimitChange::Increment(u64::from(n.get())),
        ValidLimitChange::Decrement(n) => LimitChange::Decrement(u64::from(n.get())),
        ValidLimitChange::Recurring(rule) => LimitChange::Recurring(RecurringLimit {
            credits: u64::from(rule.credits.get()),
            period: match rule.period {
                LimitPeriod::Daily => WirePeriod::Daily,
                LimitPeriod::Weekly => WirePeriod::Weekly,
                LimitPeriod::Monthly => WirePeriod::Monthly,
            },
            start_date: naive(rule.start),
            end_date: naive(rule.end),
            initial_credits: rule.initial.map(|c| u64::from(c.get())),
        }),
    }
}

/// Checks the form against the limit SendGrid reports now and, if it passes, sends the task.
/// A form submitted before answers with its first outcome (see `outcome::replay_of`).
#[tracing::instrument(skip(pool, client, request, client_ip), fields(customer = %request.username, target = %request.target))]
pub async fn change(
    pool: &SqlitePool,
    client: &Client,
    by: &Manager,
    request: LimitRequest,
    client_ip: Option<String>,
) -> Result<ChangeDone, LimitError> {
    let operator = by.email();
    let key = IdempotencyKey::from_form(&request.idempotency_key)?;
    let username = request.username.trim().to_string();
    let target = match request.target.trim() {
        "" => username.clone(),
        other => other.to_string(),
    };
    if username.is_empty() {
        return Err(ChangeError::NotFound("No customer was named.".to_string()));
    }
    if let Some(done) = approvals::submitted(pool, by, &username, &key).await? {
        return Ok(done);
    }
    let owned = ownership(pool, &username, &target)
        .await
        .map_err(unavailable)?;
    if let Ownership::Elsewhere(elsewhere) = &owned {
        // Filed under this customer, the change would sit in the wrong history, and a
        // manager of one customer could spend another's credits.
        return Err(ChangeError::Invalid(vec![FieldError::new(
            LimitField::Subuser,
            not_this_customers(&target, &username, elsewhere),
        )]));
    }
    if target != username {
        // A subuser's limit is recorded under its customer, so the customer must be real:
        // otherwise any name could carry the change into the log.
        match client
            .retrieve_limit(LimitHolder::Customer(&username))
            .await
        {
            Ok(_) => {}
            Err(sendgrid::Error::NotFound { .. }) => {
                return Err(ChangeError::NotFound(format!(
                    "SendGrid has no v2 customer named {username:?}; nothing was changed."
                )))
            }
            Err(error) => {
                return Err(ChangeError::Unavailable(format!(
                    "The customer could not be read, so nothing was changed: {error}"
                )))
            }
        }
    }
    let params = params(&target, &request.form);
    let holder = LimitHolder::of(&username, &target);
    let current = match client.retrieve_limit(holder).await {
        Ok(limit) => limit,
        Err(sendgrid::Error::NotFound { .. }) => {
            return Err(ChangeError::Invalid(vec![FieldError::new(
                LimitField::Subuser,
                USER_NOT_FOUND,
            )]))
        }
        Err(error) => {
            return Err(ChangeError::Unavailable(format!(
                "The limit could not be read, so nothing was changed: {error}"
            )))
        }
    };
    let valid = match check(&request.form, today()) {
        Ok(valid) => valid,
        Err(errors) => {
            let first = earlier(pool, &username, key.as_str())
                .await
                .map_err(unavailable)?;
            return match (first, LimitTask::parse(&request.form.task)) {
                (Some(first), Some(task)) => replay_of(
                    first,
                    task.action(),
                    &params,
                    summary_of(&params),
                    LimitField::from_upstream,
                ),
                _ => Err(ChangeError::Invalid(errors)),
            };
        }
    };
    if owned == Ownership::Unknown {
        // SendGrid knows the subuser: from now on it is this customer's.
        let owner = store::claim_subuser(pool, &username, &target, operator)
            .await
            .map_err(unavailable)?;
        if owner != username {
            return Err(ChangeError::Invalid(vec![FieldError::new(
                LimitField::Subuser,
                not_this_customers(&target, &username, &super::Elsewhere::SubuserOf(owner)),
            )]));
        }
    }
    let reverts =
        crate::services::revert::link(pool, request.reverts, ActionFamily::Limits, &username, true)
            .await?;
    let before = limit_state(current.as_ref());
    // The review's own sentence, against the limit read above.
    let asked = describe_change(
        &valid,
        &target,
        current.as_ref().map(current_limit).as_ref(),
    );
    let held = approvals::Held {
        kind: ApprovalKind::Credits,
        size: valid.credits(),
        customer: &username,
        summary: &asked,
        change: approvals::StoredChange::Limits {
            username: request.username.clone(),
            target: target.clone(),
            form: request.form.clone(),
            reverts,
        },
        key: &key,
        before: Some(before.clone()),
        client_ip: client_ip.clone(),
    };
    if let Some(done) = approvals::gate(pool, client, by, held).await? {
        return Ok(done);
    }
    let summary = done_summary(&valid, &target);
    let upstream = to_upstream(&valid);
    let mutation = Mutation {
        operator: operator.to_string(),
        customer: username.clone(),
        action: valid.task().action(),
        params,
        idempotency_key: key,
        before: Some(before),
        client_ip,
        approving: by.approving().cloned(),
        reverts,
    };
    let recorded = run_mutation(
        pool,
        mutation,
        || client.change_limit(holder, &upstream),
        || async {
            read_state(client, ActionFamily::Limits, &username, &target)
                .await
                .ok()
        },
    )
    .await;
    let done = from_recorded(recorded, summary, LimitField::from_upstream)?;
    if !done.replayed {
        remember(pool, operator, &username, &target, &valid).await;
    }
    Ok(done)
}

/// Keeps the console's record in step with a change SendGrid accepted. The change is made and
/// audited whatever happens here, so a failure is logged, not reported.
async fn remember(
    pool: &SqlitePool,
    operator: &str,
    username: &str,
    target: &str,
    change: &ValidLimitChange,
) {
    let saved = async {
        match change {
            ValidLimitChange::Recurring(rule) => {
                store::save_rule(pool, username, target, rule, operator, today()).await
            }
            ValidLimitChange::Remove => store::forget_rule(pool, target).await,
            _ => Ok(()),
        }
    };
    if let Err(error) = saved.await {
        tracing::error!(%error, target, "could not record the recurring rule locally");
    }
}
