//! What an audit row records was done: one name per kind of change or event (DESIGN.md
//! "Data": `action`). Rows are written only with these; rows read back are matched through
//! [`AuditAction::parse`], never by taking the name apart.

use std::fmt;

use super::limits::LimitTask;
use super::plan::{PlanAction, PlanTiming};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuditAction {
    /// `plan.immediate_upgrade` ... `plan.scheduled_close` (API.md §2: the task sent).
    Plan(PlanAction, PlanTiming),
    /// `pending.delete`: a change SendGrid had scheduled, cancelled.
    PendingDelete,
    /// `limits.none` ... `limits.recurring` (API.md §3: the task sent).
    Limits(LimitTask),
    OfferingsUpdate,
    StateUpdate,
    /// A one-time sign-in into SendGrid's own interface (API.md §5.10).
    AccountSso,
    SignIn,
    SignOut,
    OperatorAdd,
    OperatorChangeRole,
    OperatorDisable,
    OperatorChangePassword,
    OperatorResetPassword,
    DirectoryLink,
    DirectoryUnlink,
    ScheduleCreate,
    ScheduleCancel,
    BulkStart,
    BulkCancel,
    BulkCancelled,
    BulkResume,
    BulkRetryFailed,
    BulkFinish,
    AuditExport,
    ApprovalRequest,
    ApprovalApprove,
    ApprovalDecline,
    ApprovalPolicy,
    ViewSave,
    ViewDelete,
    NotificationSettings,
    NotificationTest,
    NotificationSend,
    AuditVerify,
}

/// The part of SendGrid a change touched, which says what to read back to settle it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionFamily {
    /// `plan.*` and `pending.*`: the v2 overview plus scheduled changes; customer = username.
    Plan,
    /// `limits.*`: the v2 credit limit; customer = (sub)user name.
    Limits,
    /// `offerings.*`: v3 account offerings; customer = account id.
    Offerings,
    /// `state.*`: v3 account state; customer = account id.
    State,
}

impl ActionFamily {
    /// The family of the action a stored row names, if it is a change SendGrid can be asked
    /// about again.
    pub fn of(name: &str) -> Option<ActionFamily> {
        AuditAction::parse(name).and_then(AuditAction::family)
    }

    /// What is read back to settle a change of this family, for the note of a reconcile.
    pub fn reads(self) -> &'static str {
        match self {
            ActionFamily::Plan => "the plan overview and scheduled changes",
            ActionFamily::Limits => "the credit limit",
            ActionFamily::Offerings => "the account's offerings",
            ActionFamily::State => "the account state",
        }
    }
}

impl AuditAction {
    pub const ALL: [AuditAction; 43] = [
        AuditAction::Plan(PlanAction::Upgrade, PlanTiming::Now),
        AuditAction::Plan(PlanAction::Downgrade, PlanTiming::Now),
        AuditAction::Plan(PlanAction::Close, PlanTiming::Now),
        AuditAction::Plan(PlanAction::Upgrade, PlanTiming::EndOfCycle),
        AuditAction::Plan(PlanAction::Downgrade, PlanTiming::EndOfCycle),
        AuditAction::Plan(PlanAction::Close, PlanTiming::EndOfCycle),
        AuditAction::PendingDelete,
        AuditAction::Limits(LimitTask::Remove),
        AuditAction::Limits(LimitTask::Total),
        AuditAction::Limits(LimitTask::Increment),
        AuditAction::Limits(LimitTask::Decrement),
        AuditAction::Limits(LimitTask::Recurring),
        AuditAction::OfferingsUpdate,
        AuditAction::StateUpdate,
        AuditAction::AccountSso,
        AuditAction::SignIn,
        AuditAction::SignOut,
        AuditAction::OperatorAdd,
        AuditAction::OperatorChangeRole,
        AuditAction::OperatorDisable,
        AuditAction::OperatorChangePassword,
        AuditAction::OperatorResetPassword,
        AuditAction::DirectoryLink,
        AuditAction::DirectoryUnlink,
        AuditAction::ScheduleCreate,
        AuditAction::ScheduleCancel,
        AuditAction::BulkStart,
        AuditAction::BulkCancel,
        AuditAction::BulkCancelled,
        AuditAction::BulkResume,
        AuditAction::BulkRetryFailed,
        AuditAction::BulkFinish,
        AuditAction::AuditExport,
        AuditAction::ApprovalRequest,
        AuditAction::ApprovalApprove,
        AuditAction::ApprovalDecline,
        AuditAction::ApprovalPolicy,
        AuditAction::ViewSave,
        AuditAction::ViewDelete,
        AuditAction::NotificationSettings,
        AuditAction::NotificationTest,
        AuditAction::NotificationSend,
        AuditAction::AuditVerify,
    ];

    /// The name stored in the log.
    pub fn as_str(self) -> &'static str {
        use PlanAction::{Close, Downgrade, Upgrade};
        use PlanTiming::{EndOfCycle, Now};
        match self {
            AuditAction::Plan(Upgrade, Now) => "plan.immediate_upgrade",
            AuditAction::Plan(Downgrade, Now) => "plan.immediate_downgrade",
            AuditAction::Plan(Close, Now) => "plan.immediate_close",
            AuditAction::Plan(Upgrade, EndOfCycle) => "plan.scheduled_upgrade",
            AuditAction::Plan(Downgrade, EndOfCycle) => "plan.scheduled_downgrade",
            AuditAction::Plan(Close, EndOfCycle) => "plan.scheduled_close",
            AuditAction::PendingDelete => "pending.delete",
            AuditAction::Limits(LimitTask::Remove) => "limits.none",
            AuditAction::Limits(LimitTask::Total) => "limits.total",
            AuditAction::Limits(LimitTask::Increment) => "limits.increment",
            AuditAction::Limits(LimitTask::Decrement) => "limits.decrement",
            AuditAction::Limits(LimitTask::Recurring) => "limits.recurring",
            AuditAction::OfferingsUpdate => "offerings.update",
            AuditAction::StateUpdate => "state.update",
            AuditAction::AccountSso => "account.sso",
            AuditAction::SignIn => "auth.sign_in",
            AuditAction::SignOut => "auth.sign_out",
            AuditAction::OperatorAdd => "operator.add",
            AuditAction::OperatorChangeRole => "operator.change_role",
            AuditAction::OperatorDisable => "operator.disable",
            AuditAction::OperatorChangePassword => "operator.change_password",
            AuditAction::OperatorResetPassword => "operator.reset_password",
            AuditAction::DirectoryLink => "directory.link",
            AuditAction::DirectoryUnlink => "directory.unlink",
            AuditAction::ScheduleCreate => "schedule.create",
            AuditAction::ScheduleCancel => "schedule.cancel",
            AuditAction::BulkStart => "bulk.start",
            AuditAction::BulkCancel => "bulk.cancel",
            AuditAction::BulkCancelled => "bulk.cancelled",
            AuditAction::BulkResume => "bulk.resume",
            AuditAction::BulkRetryFailed => "bulk.retry_failed",
            AuditAction::BulkFinish => "bulk.finish",
            AuditAction::AuditExport => "audit.export",
            AuditAction::ApprovalRequest => "approval.request",
            AuditAction::ApprovalApprove => "approval.approve",
            AuditAction::ApprovalDecline => "approval.decline",
            AuditAction::ApprovalPolicy => "approval.policy",
            AuditAction::ViewSave => "view.save",
            AuditAction::ViewDelete => "view.delete",
            AuditAction::NotificationSettings => "notification.settings",
            AuditAction::NotificationTest => "notification.test",
            AuditAction::NotificationSend => "notification.send",
            AuditAction::AuditVerify => "audit.verify",
        }
    }

    /// The action a stored name stands for; `None` for a name the console does not write.
    pub fn parse(name: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The part of SendGrid the action changed, for the changes that can be read back.
    pub fn family(self) -> Option<ActionFamily> {
        match self {
            AuditAction::Plan(..) | AuditAction::PendingDelete => Some(ActionFamily::Plan),
            AuditAction::Limits(_) => Some(ActionFamily::Limits),
            AuditAction::OfferingsUpdate => Some(ActionFamily::Offerings),
            AuditAction::StateUpdate => Some(ActionFamily::State),
            _ => None,
        }
    }

    /// The plan change a `plan.*` action made.
    pub fn plan_change(self) -> Option<(PlanAction, PlanTiming)> {
        match self {
            AuditAction::Plan(action, timing) => Some((action, timing)),
            _ => None,
        }
    }
}

impl fmt::Display for AuditAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_its_own_name_and_reads_back_as_itself() {
        let mut names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
        assert_eq!(AuditAction::parse("plan"), None);
        assert_eq!(AuditAction::parse("plan.immediate_upgrade.x"), None);
    }

    #[test]
    fn plan_names_follow_the_task_sent_to_sendgrid() {
        for action in PlanAction::ALL {
            for timing in PlanTiming::ALL {
                let name = AuditAction::Plan(action, timing).as_str();
                assert_eq!(
                    name,
                    format!("plan.{}", crate::domain::plan::task_name(action, timing))
                );
            }
        }
    }

    #[test]
    fn changes_read_back_from_sendgrid_have_a_family() {
        assert_eq!(
            AuditAction::PendingDelete.family(),
            Some(ActionFamily::Plan)
        );
        assert_eq!(
            AuditAction::Limits(LimitTask::Total).family(),
            Some(ActionFamily::Limits)
        );
        assert_eq!(AuditAction::SignIn.family(), None);
    }
}
