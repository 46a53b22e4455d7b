//! What submitting a plan change (or cancelling a pending one) comes back with.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{FieldError, PlanAction, PlanField, PlanTiming};

/// SendGrid accepted the change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanDone {
    /// E.g. "Upgraded acme-co to Silver Package."
    pub summary: String,
    /// The audit log's attempt row; `None` for a change the console holds for later.
    pub attempt_id: Option<i64>,
    /// The console's job, for a change it holds for the end of the cycle.
    pub job_id: Option<i64>,
    /// The form had been submitted before: this is the first submission's result.
    pub replayed: bool,
}

/// Every way a change can end other than success, each shown where the operator acts on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PlanError {
    /// Not signed in, or the role may not change plans.
    Denied(String),
    /// No such customer.
    NotFound(String),
    /// A v3-only account: plans are a v2 matter, addressed by username (API.md §2).
    V3Only,
    /// The form broke a rule; nothing was sent to SendGrid.
    Invalid(Vec<FieldError>),
    /// SendGrid refused the change or failed; nothing changed (recorded). `field` when its
    /// message names one.
    Failed {
        message: String,
        field: Option<PlanField>,
        attempt_id: i64,
    },
    /// The change may or may not have been applied: reconcile before trying again.
    Unknown { message: String, attempt_id: i64 },
    /// The form's key was already used for a different change; nothing was sent.
    Conflict(String),
    /// SendGrid could not be read before the change, or the console failed; nothing was sent.
    Unavailable(String),
    /// The request itself was not one the console's forms send (a blank or foreign
    /// idempotency key); nothing was sent.
    Malformed(String),
}

impl From<crate::domain::KeyError> for PlanError {
    fn from(error: crate::domain::KeyError) -> PlanError {
        PlanError::Malformed(error.to_string())
    }
}

impl PlanError {
    /// The message for `field`, if this error is about it.
    pub fn message_for(&self, field: PlanField) -> Option<String> {
        match self {
            PlanError::Invalid(errors) => errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.message.clone()),
            PlanError::Failed {
                message,
                field: Some(f),
                ..
            } if *f == field => Some(message.clone()),
            _ => None,
        }
    }

    /// A message not tied to one field, if any.
    pub fn general_message(&self) -> Option<String> {
        match self {
            PlanError::Invalid(_) | PlanError::Failed { field: Some(_), .. } => None,
            other => Some(other.to_string()),
        }
    }
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Denied(message)
            | PlanError::NotFound(message)
            | PlanError::Conflict(message)
            | PlanError::Unavailable(message)
            | PlanError::Malformed(message) => f.write_str(message),
            PlanError::Invalid(errors) => f.write_str(
                &errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            PlanError::V3Only => f.write_str(
                "This account exists only in SendGrid's v3 API. Plans are changed with the v2 \
                 reseller API, which names customers by username, and this account has none.",
            ),
            PlanError::Failed { message, .. } => {
                write!(f, "The change was not made: {message}")
            }
            PlanError::Unknown { message, .. } => {
                write!(f, "Outcome unknown: check before retrying. {message}")
            }
        }
    }
}

impl std::error::Error for PlanError {}

/// The SendGrid task back from an audit action such as `plan.scheduled_close`.
pub fn parse_task(action: &str) -> Option<(PlanAction, PlanTiming)> {
    let task = action.strip_prefix("plan.").unwrap_or(action);
    let (timing, kind) = task.split_once('_')?;
    let timing = match timing {
        "immediate" => PlanTiming::Now,
        "scheduled" => PlanTiming::EndOfCycle,
        _ => return None,
    };
    Some((PlanAction::parse(kind)?, timing))
}

/// "Upgraded acme-co to Silver Package." / "Scheduled a close of acme-co for the end of the
/// billing cycle."
pub fn done_summary(
    user: &str,
    action: PlanAction,
    timing: PlanTiming,
    target: Option<&str>,
) -> String {
    let to = target.map(|t| format!(" to {t}")).unwrap_or_default();
    match (action, timing) {
        (PlanAction::Upgrade, PlanTiming::Now) => format!("Upgraded {user}{to}."),
        (PlanAction::Downgrade, PlanTiming::Now) => format!("Downgraded {user}{to}."),
        (PlanAction::Close, PlanTiming::Now) => format!("Closed {user}'s account; it is now free."),
        (action, PlanTiming::EndOfCycle) => format!(
            "Scheduled {} of {user}{to} for the end of the billing cycle.",
            match action {
                PlanAction::Upgrade => "an upgrade",
                PlanAction::Downgrade => "a downgrade",
                PlanAction::Close => "a close",
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_parse_back_from_audit_actions() {
        assert_eq!(
            parse_task("plan.immediate_upgrade"),
            Some((PlanAction::Upgrade, PlanTiming::Now))
        );
        assert_eq!(
            parse_task("scheduled_close"),
            Some((PlanAction::Close, PlanTiming::EndOfCycle))
        );
        assert_eq!(parse_task("pending.delete"), None);
    }

    #[test]
    fn errors_land_next_to_their_field() {
        let refused = PlanError::Failed {
            message: "IP group Nope does not exist".into(),
            field: Some(PlanField::IpGroup),
            attempt_id: 3,
        };
        assert!(refused.message_for(PlanField::IpGroup).is_some());
        assert!(refused.message_for(PlanField::Ip).is_none());
        assert!(refused.general_message().is_none());
        let unknown = PlanError::Unknown {
            message: "timed out".into(),
            attempt_id: 4,
        };
        assert!(unknown
            .general_message()
            .unwrap()
            .starts_with("Outcome unknown: check before retrying"));
    }

    #[test]
    fn summaries_say_what_happened() {
        assert_eq!(
            done_summary(
                "acme",
                PlanAction::Downgrade,
                PlanTiming::EndOfCycle,
                Some("Basic Package")
            ),
            "Scheduled a downgrade of acme to Basic Package for the end of the billing cycle."
        );
    }
}
