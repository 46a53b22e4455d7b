//! Honest revert: what would undo a change SendGrid accepted, read against the account as it is
//! now (never a replay of the old call), and the check that a submitted revert names such a
//! change of the same customer.

use sendgrid::{Client, LimitHolder};
use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::audit::FieldChange;
use crate::domain::change::ChangeError;
use crate::domain::revert::{
    limits_inverse, not_revertible, offerings_inverse, plan_inverse, state_inverse, Inverse,
    LimitNow, RevertView, Undo,
};
use crate::domain::{ActionFamily, AuditAction};
use crate::services::audit::snapshot::reconcile_subject;
use crate::services::audit::{
    self, change_of, diff, new_idempotency_key, reverted_by, RecordedChange,
};
use crate::services::offerings::lines;

#[derive(Debug, thiserror::Error)]
pub enum RevertError {
    #[error("There is no change #{0} in the audit log.")]
    NotFound(i64),
    #[error("SendGrid could not be read, so the revert cannot be prepared: {0}")]
    Upstream(#[from] sendgrid::Error),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// `/audit/:id/revert`: the change `id` belongs to, and the review that would undo it now.
pub async fn view(pool: &SqlitePool, client: &Client, id: i64) -> Result<RevertView, RevertError> {
    let no_change = || {
        Undo::Nothing(format!(
            "Event #{id} is not a change of a customer's account, so it has no revert."
        ))
    };
    let Some(change) = change_of(pool, id).await? else {
        // A sign-in, an operator change, a setting: shown as such, not as a missing page.
        let row = audit::query::event(pool, id)
            .await?
            .ok_or(RevertError::NotFound(id))?;
        return Ok(RevertView {
            event_id: row.id,
            customer: row.customer.unwrap_or_default(),
            action: row.action,
            operator: row.operator,
            occurred_at: row.occurred_at,
            changes: Vec::new(),
            reverted_by: Vec::new(),
            undo: no_change(),
        });
    };
    let attempt = &change.attempt;
    let action = AuditAction::parse(&attempt.action).filter(|action| action.family().is_some());
    let customer = attempt.customer.clone().unwrap_or_default();
    let (before, after) = (change.before(), change.after());
    let changes: Vec<FieldChange> = match (&before, &after) {
        (Some(before), Some(after)) => diff(before, after),
        _ => Vec::new(),
    };
    let reverted_by = reverted_by(pool, &customer, &[attempt.id])
        .await?
        .into_iter()
        .map(|(_, by)| by)
        .collect();
    let undo = match action {
        None => no_change(),
        Some(action) => match not_revertible(action, change.succeeded(), before.as_ref()) {
            Some(why) => Undo::Nothing(why),
            None => match inverse(client, action, &change, &customer).await? {
                Ok(inverse) => inverse.undo(&customer, attempt.id, &new_idempotency_key()),
                Err(nothing) => Undo::Nothing(nothing),
            },
        },
    };
    Ok(RevertView {
        event_id: attempt.id,
        customer,
        action: attempt.action.clone(),
        operator: attempt.operator.clone(),
        occurred_at: attempt.occurred_at.clone(),
        changes,
        reverted_by,
        undo,
    })
}

/// The inverse of a revertible change, against what SendGrid reports now.
async fn inverse(
    client: &Client,
    action: AuditAction,
    change: &RecordedChange,
    customer: &str,
) -> Result<Result<Inverse, String>, RevertError> {
    let before = change.before().unwrap_or(Value::Null);
    let after = change.after();
    let family = action.family().expect("checked by the caller");
    let target = reconcile_subject(family, customer, &change.attempt.params);
    Ok(match (action, family) {
        (AuditAction::Plan(reverted, _), _) => {
            let now = crate::services::plan::read_upstream(client, customer).await?;
            plan_inverse(reverted, &before, after.as_ref(), &now.state)
        }
        (_, ActionFamily::Limits) => {
            let limit = client
                .retrieve_limit(LimitHolder::of(customer, &target))
                .await?;
            let now = LimitNow {
                credits: limit.map(|l| l.credit),
            };
            limits_inverse(customer, &target, &before, after.as_ref(), now)
        }
        (_, ActionFamily::Offerings) => {
            let now = lines(&client.get_account_offerings(&target).await?);
            offerings_inverse(customer, &before, after.as_ref(), &now)
        }
        (_, ActionFamily::State) => {
            let now = audit::snapshot::account_state(client.get_account_state(&target).await?);
            let now = now.get("state").and_then(Value::as_str).unwrap_or_default();
            state_inverse(customer, &before, now)
        }
        (_, ActionFamily::Plan) => Err("This kind of change has no inverse.".to_string()),
    })
}

/// The change a submitted revert names, checked: an accepted change of `family` filed under
/// `customer`, undone now. `None` when the form reverts nothing.
pub async fn link<F>(
    pool: &SqlitePool,
    reverts: Option<i64>,
    family: ActionFamily,
    customer: &str,
    now: bool,
) -> Result<Option<i64>, ChangeError<F>> {
    let Some(id) = reverts else {
        return Ok(None);
    };
    let refused = |why: &str| {
        Err(ChangeError::Conflict(format!(
            "This form reverts change #{id}, but {why} Nothing was sent."
        )))
    };
    if !now {
        return refused("a revert is made now, not later: choose Now.");
    }
    let change = change_of(pool, id)
        .await
        .map_err(crate::services::outcome::unavailable)?;
    let Some(change) = change.filter(|c| c.attempt.id == id) else {
        return refused("there is no such change in the audit log.");
    };
    let attempt = &change.attempt;
    if attempt.customer.as_deref() != Some(customer)
        || ActionFamily::of(&attempt.action) != Some(family)
    {
        return refused("that change was made to another customer or another part of the account.");
    }
    if !change.succeeded() {
        return refused("SendGrid did not accept that change, so there is nothing to revert.");
    }
    Ok(Some(id))
}
