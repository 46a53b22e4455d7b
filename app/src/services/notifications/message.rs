//! Which audit rows need a person, and the message each sends: one sentence saying what
//! happened and where in the console to look.

use serde_json::Value;

use crate::domain::audit::{Kind, Outcome};
use crate::domain::notification::NotificationKind;
use crate::domain::AuditAction;
use crate::services::audit::StoredEvent;

/// The notification a just-appended row raises, if it raises one. Every append asks, so the
/// row's parameters are parsed only for the few rows that do raise one.
pub fn message_for(row: &StoredEvent, event_id: i64) -> Option<(NotificationKind, String)> {
    let action = AuditAction::parse(&row.action)?;
    let parsed = std::cell::OnceCell::new();
    let params = || parsed.get_or_init(|| row.params_json());
    let text = |key: &str| {
        params()
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let number = |key: &str| {
        params()
            .get(key)
            .and_then(Value::as_i64)
            .unwrap_or_default()
    };
    let operator = row.operator.as_deref().unwrap_or("the console");
    let customer = row.customer.as_deref().unwrap_or_default();
    match (row.kind(), action, row.outcome()) {
        (Some(Kind::Result), _, Some(Outcome::Unknown)) => Some((
            NotificationKind::OutcomeUnknown,
            format!(
                "Outcome unknown: {} for {customer} by {operator}. SendGrid gave no answer; \
                 reconcile it from the customer's History before trying again (/audit/{}).",
                action.as_str(),
                row.attempt_id.unwrap_or(event_id)
            ),
        )),
        (_, AuditAction::ApprovalRequest, _) => Some((
            NotificationKind::ApprovalWaiting,
            format!(
                "Approval waiting: {} Requested by {operator}; a different manager or an admin \
                 decides (/approvals/{}).",
                text("summary"),
                number("request_id")
            ),
        )),
        (_, AuditAction::BulkFinish, _) if number("failed") > 0 || number("unknown") > 0 => Some((
            NotificationKind::BulkFailures,
            format!(
                "Bulk change finished with failures: {}: {} failed, {} of unknown outcome \
                 (/bulk/{}).",
                text("operation"),
                number("failed"),
                number("unknown"),
                number("bulk_job")
            ),
        )),
        (_, AuditAction::AuditVerify, Some(Outcome::Failure)) => Some((
            NotificationKind::AuditVerification,
            format!(
                "Audit log verification failed: {} Run `reseller-console audit verify` and see \
                 README \"Audit log integrity\".",
                text("problem")
            ),
        )),
        (_, AuditAction::NotificationTest, _) => Some((
            NotificationKind::Test,
            format!("Test message from the Reseller Console, sent by {operator}."),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(kind: &str, action: &str, outcome: Option<&str>, params: Value) -> StoredEvent {
        StoredEvent {
            id: 9,
            occurred_at: "2026-12-07T10:00:00.000Z".into(),
            kind: kind.into(),
            attempt_id: None,
            operator: Some("ann@example.com".into()),
            customer: None,
            action: action.into(),
            params: params.to_string(),
            outcome: outcome.map(str::to_string),
            upstream_status: None,
            upstream_message: None,
            duration_ms: None,
            idempotency_key: None,
            before_state: None,
            after_state: None,
            client_ip: None,
            hash: String::new(),
            prev_hash: String::new(),
            key_id: None,
        }
    }

    #[test]
    fn a_bulk_job_is_notified_only_when_it_ended_with_failures() {
        let finished = |failed: i64, unknown: i64| {
            row(
                "event",
                "bulk.finish",
                Some("success"),
                serde_json::json!({ "bulk_job": 4, "operation": "Add org.mc.basic.v1", "failed": failed, "unknown": unknown }),
            )
        };
        assert_eq!(message_for(&finished(0, 0), 9), None);
        let (kind, text) = message_for(&finished(2, 1), 9).unwrap();
        assert_eq!(kind, NotificationKind::BulkFailures);
        assert_eq!(
            text,
            "Bulk change finished with failures: Add org.mc.basic.v1: 2 failed, 1 of unknown outcome (/bulk/4)."
        );
    }

    #[test]
    fn only_rows_that_need_a_person_raise_one() {
        let quiet = [
            row(
                "result",
                "limits.total",
                Some("success"),
                serde_json::json!({}),
            ),
            row(
                "result",
                "limits.total",
                Some("failure"),
                serde_json::json!({}),
            ),
            row(
                "event",
                "audit.verify",
                Some("success"),
                serde_json::json!({ "events": 3 }),
            ),
            row(
                "event",
                "notification.send",
                Some("failure"),
                serde_json::json!({}),
            ),
        ];
        for row in quiet {
            assert_eq!(message_for(&row, 9), None, "{}", row.action);
        }
        let unknown = row(
            "result",
            "limits.total",
            Some("unknown"),
            serde_json::json!({}),
        );
        assert_eq!(
            message_for(&unknown, 9).unwrap().0,
            NotificationKind::OutcomeUnknown
        );
    }
}
