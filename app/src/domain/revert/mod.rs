//! Honest revert: a change that succeeded, undone by the inverse change made through the
//! normal review, against the account as SendGrid reports it now. Never automatic, never a
//! replay of the old call: the revert is a new change of its own, linked to the one it undoes.

mod inverse;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::audit::FieldChange;
use super::limits::LimitTask;
use super::plan::{PlanAction, PlanTiming};
use super::AuditAction;

pub use inverse::{
    limits_inverse, offerings_inverse, plan_inverse, state_inverse, Inverse, LimitNow,
};

/// `/audit/:id/revert`: the change to undo and what would undo it now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevertView {
    /// The reverted change's attempt.
    pub event_id: i64,
    /// The customer the change is filed under (the customer page's key).
    pub customer: String,
    pub action: String,
    pub operator: Option<String>,
    pub occurred_at: String,
    /// What the change did, read before and after it.
    pub changes: Vec<FieldChange>,
    /// Later changes made to revert it.
    pub reverted_by: Vec<i64>,
    pub undo: Undo,
}

/// What would put the account back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Undo {
    /// The normal review of the inverse change, one link away.
    Review {
        /// "Downgrade acme back to Silver Package."
        statement: String,
        /// The tab's review step, prefilled, carrying `reverts=<event_id>`.
        href: String,
        /// What the revert does not give back, each with the API.md rule that says so.
        cannot_undo: Vec<String>,
        /// How the account moved on since the change, when it did.
        since: Option<String>,
    },
    /// Nothing to send: the account is already as it was, or the inverse cannot be made now.
    Nothing(String),
}

/// Why a change cannot be reverted from the console.
pub fn not_revertible(
    action: AuditAction,
    succeeded: bool,
    before: Option<&Value>,
) -> Option<String> {
    if !succeeded {
        return Some(
            "Only a change SendGrid accepted can be reverted: this one changed nothing, or its \
             outcome is not known (reconcile it first)."
                .to_string(),
        );
    }
    let Some(before) = before else {
        return Some("The state before this change was not recorded.".to_string());
    };
    match action {
        AuditAction::Plan(
            PlanAction::Upgrade | PlanAction::Downgrade | PlanAction::Close,
            PlanTiming::Now,
        ) if before.get("package").and_then(Value::as_str).is_some() => None,
        AuditAction::Plan(_, PlanTiming::EndOfCycle) => Some(
            "A change for the end of the cycle is undone by cancelling it on the Plan tab before \
             it runs; once it ran, its own result is the one to revert."
                .to_string(),
        ),
        AuditAction::Limits(LimitTask::Recurring) => Some(
            "A recurring reset is not reverted from here: SendGrid does not say how `total` meets \
             a running `recurring` rule (API.md §9 Q3). Set the limit on the Limits tab."
                .to_string(),
        ),
        AuditAction::Limits(_) if before.get("credits").is_some() => None,
        AuditAction::OfferingsUpdate if before.get("addons").is_some() => None,
        AuditAction::StateUpdate
            if matches!(
                before.get("state").and_then(Value::as_str),
                Some("activated" | "deactivated")
            ) =>
        {
            None
        }
        AuditAction::StateUpdate => Some(
            "The account was neither activated nor deactivated before: SendGrid sets the other \
             states, and only those two can be written (API.md §5.9)."
                .to_string(),
        ),
        _ => Some("This kind of change has no inverse the console can make.".to_string()),
    }
}

/// Whether `Revert…` is offered on an audit row: a change of a kind that can be inverted.
pub fn offers_revert(action: &str, succeeded: bool, before: Option<&Value>) -> bool {
    AuditAction::parse(action)
        .filter(|action| action.family().is_some())
        .is_some_and(|action| not_revertible(action, succeeded, before).is_none())
}

/// `/audit/<id>/revert`.
pub fn revert_href(event_id: i64) -> String {
    format!("/audit/{event_id}/revert")
}

#[cfg(test)]
mod tests;
