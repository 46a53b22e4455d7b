//! What a plan change is called once made: the audit action read back as a task, and the
//! sentence the operator is shown.

use super::{PlanAction, PlanTiming};
use crate::domain::AuditAction;

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

/// What a change held for a second person will do, for its request.
pub fn request_summary(
    user: &str,
    action: PlanAction,
    timing: PlanTiming,
    target: Option<&str>,
) -> String {
    let to = target.map(|t| format!(" to {t}")).unwrap_or_default();
    let verb = match action {
        PlanAction::Upgrade => "Upgrade",
        PlanAction::Downgrade => "Downgrade",
        PlanAction::Close => "Close",
    };
    let when = match timing {
        PlanTiming::Now => "now",
        PlanTiming::EndOfCycle => "at the end of the billing cycle",
    };
    match action {
        PlanAction::Close => format!("{verb} {user}'s account {when}."),
        _ => format!("{verb} {user}{to} {when}."),
    }
}

/// The summary of a recorded plan action (`plan.<task>` or `pending.delete`) with the target
/// package its parameters named, for a submission answered again from the audit log.
pub fn recorded_summary(user: &str, action: &str, package: Option<&str>) -> String {
    match AuditAction::parse(action) {
        Some(AuditAction::PendingDelete) => format!("Cancelled the scheduled change of {user}."),
        Some(AuditAction::Plan(action, timing)) => {
            done_summary(user, action, timing, package.filter(|p| !p.is_empty()))
        }
        _ => format!("SendGrid accepted the change ({action})."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recorded_actions_read_back_as_summaries() {
        assert_eq!(
            recorded_summary("acme", "plan.immediate_upgrade", Some("Silver Package")),
            "Upgraded acme to Silver Package."
        );
        assert_eq!(
            recorded_summary("acme", "pending.delete", None),
            "Cancelled the scheduled change of acme."
        );
        assert_eq!(
            recorded_summary("acme", "plan.immediate_close", Some("")),
            "Closed acme's account; it is now free."
        );
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
