//! Notifications: what the console posts to an admin's webhook (Slack-compatible JSON, a
//! `text` field) when something needs a person, and how their delivery stands.

use serde::{Deserialize, Serialize};

use super::change::FieldError;

/// Deliveries tried at most this many times before the console gives up on one.
pub const MAX_ATTEMPTS: i64 = 8;
/// The longest pause between two tries of one delivery.
pub const MAX_BACKOFF_SECONDS: u64 = 3600;

/// What a notification is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotificationKind {
    /// A change was sent to SendGrid and its outcome is not known.
    OutcomeUnknown,
    /// A bulk job finished with customers failed or of unknown outcome.
    BulkFailures,
    /// A change waits for a second person's approval.
    ApprovalWaiting,
    /// The console's check of the audit log's hash chain failed.
    AuditVerification,
    /// An admin's "Send a test message".
    Test,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 5] = [
        NotificationKind::OutcomeUnknown,
        NotificationKind::BulkFailures,
        NotificationKind::ApprovalWaiting,
        NotificationKind::AuditVerification,
        NotificationKind::Test,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::OutcomeUnknown => "outcome_unknown",
            NotificationKind::BulkFailures => "bulk_failures",
            NotificationKind::ApprovalWaiting => "approval_waiting",
            NotificationKind::AuditVerification => "audit_verification",
            NotificationKind::Test => "test",
        }
    }

    pub fn parse(value: &str) -> Option<NotificationKind> {
        NotificationKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value)
    }

    pub fn label(self) -> &'static str {
        match self {
            NotificationKind::OutcomeUnknown => "Outcome unknown",
            NotificationKind::BulkFailures => "Bulk change with failures",
            NotificationKind::ApprovalWaiting => "Approval waiting",
            NotificationKind::AuditVerification => "Audit log verification failed",
            NotificationKind::Test => "Test message",
        }
    }
}

/// The webhook's address: `http` or `https`, nothing else. It usually holds a secret (a Slack
/// webhook's path is its credential), so pages and the audit log show [`WebhookUrl::masked`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookUrl(String);

/// The field of the settings form a refusal names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WebhookField {
    Url,
}

impl WebhookUrl {
    /// Blank turns notifications off (`None`).
    pub fn parse(value: &str) -> Result<Option<WebhookUrl>, Vec<FieldError<WebhookField>>> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(None);
        }
        let refuse = |message: &str| Err(vec![FieldError::new(WebhookField::Url, message)]);
        if value.len() > 2000 {
            return refuse("Keep the address under 2,000 characters.");
        }
        let Some((scheme, rest)) = value.split_once("://") else {
            return refuse("Enter the whole address, starting with https://");
        };
        if !matches!(scheme.to_ascii_lowercase().as_str(), "http" | "https") {
            return refuse("The address starts with https:// (or http:// on a private network).");
        }
        let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let host = host.rsplit('@').next().unwrap_or_default();
        if host.is_empty() || value.chars().any(char::is_whitespace) {
            return refuse("Enter the whole address, starting with https://, without spaces.");
        }
        Ok(Some(WebhookUrl(value.to_string())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Scheme and host, then `…` and the address's last four characters: enough to tell which
    /// webhook it is, never its secret.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// [`WebhookUrl::masked`] for a stored address.
pub fn mask(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let path: Vec<char> = rest[authority.len()..].chars().collect();
    match path.len() > 8 {
        true => {
            let tail: String = path[path.len() - 4..].iter().collect();
            format!("{scheme}://{host}/…{tail}")
        }
        false => format!("{scheme}://{host}/…"),
    }
}

/// How long to wait before try number `attempts + 1` of a delivery (`attempts` tries made):
/// `base`, doubled for each try made after the first, at most [`MAX_BACKOFF_SECONDS`].
pub fn backoff(base: std::time::Duration, attempts: i64) -> std::time::Duration {
    let doublings = attempts.saturating_sub(1).clamp(0, 20) as u32;
    base.saturating_mul(2u32.saturating_pow(doublings))
        .min(std::time::Duration::from_secs(MAX_BACKOFF_SECONDS))
}

/// Where one notification's delivery stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliveryStatus {
    /// Not delivered yet; the next try at this time (RFC 3339).
    Pending {
        next_attempt_at: String,
    },
    Delivered {
        at: String,
    },
    /// Tried [`MAX_ATTEMPTS`] times; no further try.
    GaveUp {
        at: String,
    },
}

/// One notification in the outbox, as the notifications page lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: i64,
    pub kind: NotificationKind,
    pub text: String,
    pub created_at: String,
    pub attempts: i64,
    pub status: DeliveryStatus,
    /// What the last failed try met (the webhook's status and words, or the network error).
    pub last_error: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn only_whole_http_addresses_are_webhooks() {
        assert_eq!(WebhookUrl::parse("  "), Ok(None));
        assert!(
            WebhookUrl::parse("https://hooks.example.com/services/T0/B0/secret")
                .unwrap()
                .is_some()
        );
        for refused in [
            "hooks.example.com/x",
            "ftp://example.com/x",
            "https:///x",
            "https://a b/c",
        ] {
            assert!(WebhookUrl::parse(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn the_secret_part_of_an_address_is_never_shown() {
        let url = WebhookUrl::parse("https://hooks.example.com/services/T0/B0/abcdefSECRET1234")
            .unwrap()
            .unwrap();
        assert_eq!(url.masked(), "https://hooks.example.com/…1234");
        assert!(!url.masked().contains("SECRET"));
        assert_eq!(
            mask("http://user:pw@10.0.0.5:8080/"),
            "http://10.0.0.5:8080/…"
        );
    }

    #[test]
    fn tries_back_off_doubling_up_to_an_hour() {
        let base = Duration::from_secs(30);
        assert_eq!(backoff(base, 1), Duration::from_secs(30));
        assert_eq!(backoff(base, 2), Duration::from_secs(60));
        assert_eq!(backoff(base, 4), Duration::from_secs(240));
        assert_eq!(backoff(base, 12), Duration::from_secs(MAX_BACKOFF_SECONDS));
    }
}
