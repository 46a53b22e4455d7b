//! Four-eyes approval: which kinds of change need a second person (the admins' policy), and
//! a request as the Approvals page and the customer page show it.

use serde::{Deserialize, Serialize};

use super::change::FieldError;

/// A kind of change the policy can hold for a second person.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ApprovalKind {
    /// Closing a v2 account (`plan.*_close`).
    Close,
    /// A downgrade of the v2 package (`plan.*_downgrade`).
    Downgrade,
    /// Deactivating a v3 account (`state.update` to deactivated).
    Deactivate,
    /// An offerings change that takes a package or add-on away (or lowers a quantity).
    OfferingsRemoval,
    /// A credit limit change of at least the policy's threshold; removing the limit (no
    /// limit at all) always counts.
    Credits,
    /// A bulk change for more customers than the policy's threshold.
    Bulk,
}

impl ApprovalKind {
    pub const ALL: [ApprovalKind; 6] = [
        ApprovalKind::Close,
        ApprovalKind::Downgrade,
        ApprovalKind::Deactivate,
        ApprovalKind::OfferingsRemoval,
        ApprovalKind::Credits,
        ApprovalKind::Bulk,
    ];

    /// The name stored with a request and used in forms.
    pub fn as_str(self) -> &'static str {
        match self {
            ApprovalKind::Close => "close",
            ApprovalKind::Downgrade => "downgrade",
            ApprovalKind::Deactivate => "deactivate",
            ApprovalKind::OfferingsRemoval => "offerings_removal",
            ApprovalKind::Credits => "credits",
            ApprovalKind::Bulk => "bulk",
        }
    }

    pub fn parse(name: &str) -> Option<ApprovalKind> {
        ApprovalKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// As the Approvals page names it.
    pub fn label(self) -> &'static str {
        match self {
            ApprovalKind::Close => "Close an account",
            ApprovalKind::Downgrade => "Downgrade a plan",
            ApprovalKind::Deactivate => "Deactivate an account",
            ApprovalKind::OfferingsRemoval => "Take offerings away",
            ApprovalKind::Credits => "Credit limit change over the threshold",
            ApprovalKind::Bulk => "Bulk change for more customers than the threshold",
        }
    }
}

/// Which changes a manager's hand alone does not make. Admins' own changes are never held:
/// they set the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalPolicy {
    pub close: bool,
    pub downgrade: bool,
    pub deactivate: bool,
    pub offerings_removal: bool,
    /// Credit limit changes of at least this many credits (or removing the limit) need a
    /// second person; `None` = never.
    pub credits_threshold: Option<u32>,
    /// Bulk changes for more customers than this need a second person; `None` = never.
    #[serde(default)]
    pub bulk_threshold: Option<u32>,
    /// How long a request waits for a decision before it expires and can no longer run.
    pub expiry_hours: u32,
}

impl Default for ApprovalPolicy {
    fn default() -> Self {
        ApprovalPolicy {
            close: false,
            downgrade: false,
            deactivate: false,
            offerings_removal: false,
            credits_threshold: None,
            bulk_threshold: None,
            expiry_hours: ApprovalPolicy::DEFAULT_EXPIRY_HOURS,
        }
    }
}

impl ApprovalPolicy {
    pub const DEFAULT_EXPIRY_HOURS: u32 = 24;
    /// A week: a request older than that describes an account that has moved on.
    pub const MAX_EXPIRY_HOURS: u32 = 168;

    /// Whether a change of `kind` needs a second person. `credits` is the amount a limit
    /// change sets or moves by (`None` for removing the limit, which is unlimited).
    /// `size`: the credits of a limit change (`None`: no limit at all), or the customers of a
    /// bulk change.
    pub fn requires(&self, kind: ApprovalKind, size: Option<u32>) -> bool {
        match kind {
            ApprovalKind::Close => self.close,
            ApprovalKind::Downgrade => self.downgrade,
            ApprovalKind::Deactivate => self.deactivate,
            ApprovalKind::OfferingsRemoval => self.offerings_removal,
            ApprovalKind::Credits => match (self.credits_threshold, size) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(threshold), Some(amount)) => amount >= threshold,
            },
            ApprovalKind::Bulk => match (self.bulk_threshold, size) {
                (Some(threshold), Some(customers)) => customers > threshold,
                _ => false,
            },
        }
    }

    /// Whether any kind is held at all.
    pub fn any(&self) -> bool {
        self.close
            || self.downgrade
            || self.deactivate
            || self.offerings_removal
            || self.credits_threshold.is_some()
            || self.bulk_threshold.is_some()
    }

    /// The policy from the admins' form: checked kinds, a threshold (blank = off) and the
    /// expiry; each refusal names its field.
    pub fn from_form(
        kinds: &[String],
        credits_threshold: &str,
        bulk_threshold: &str,
        expiry_hours: &str,
    ) -> Result<ApprovalPolicy, Vec<FieldError<PolicyField>>> {
        let mut errors = Vec::new();
        let has = |kind: ApprovalKind| kinds.iter().any(|k| k == kind.as_str());
        let credits_threshold = match credits_threshold.trim().replace(',', "") {
            blank if blank.is_empty() => None,
            text => match text.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.push(FieldError::new(
                        PolicyField::CreditsThreshold,
                        "Give a whole number of credits above 0, or leave it blank for never.",
                    ));
                    None
                }
            },
        };
        let bulk_threshold = match bulk_threshold.trim().replace(',', "") {
            blank if blank.is_empty() => None,
            text => match text.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    errors.push(FieldError::new(
                        PolicyField::BulkThreshold,
                        "Give a whole number of customers above 0, or leave it blank for never.",
                    ));
                    None
                }
            },
        };
        let expiry_hours = match expiry_hours.trim().parse::<u32>() {
            Ok(n) if (1..=ApprovalPolicy::MAX_EXPIRY_HOURS).contains(&n) => n,
            _ => {
                errors.push(FieldError::new(
                    PolicyField::ExpiryHours,
                    format!(
                        "Give a number of hours from 1 to {}.",
                        ApprovalPolicy::MAX_EXPIRY_HOURS
                    ),
                ));
                ApprovalPolicy::DEFAULT_EXPIRY_HOURS
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ApprovalPolicy {
            close: has(ApprovalKind::Close),
            downgrade: has(ApprovalKind::Downgrade),
            deactivate: has(ApprovalKind::Deactivate),
            offerings_removal: has(ApprovalKind::OfferingsRemoval),
            credits_threshold,
            bulk_threshold,
            expiry_hours,
        })
    }

    /// Whether the checkbox of `kind` is ticked (`Credits` by its threshold).
    pub fn holds(&self, kind: ApprovalKind) -> bool {
        match kind {
            ApprovalKind::Credits => self.credits_threshold.is_some(),
            ApprovalKind::Bulk => self.bulk_threshold.is_some(),
            other => self.requires(other, None),
        }
    }
}

/// The fields of the policy form, for errors next to them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum PolicyField {
    CreditsThreshold,
    BulkThreshold,
    ExpiryHours,
}

/// Where a request stands. `Expired` is a pending request past its time: it never runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApprovalStatus {
    Pending,
    Approved,
    Declined,
    Expired,
}

impl ApprovalStatus {
    pub fn label(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "Waiting",
            ApprovalStatus::Approved => "Approved",
            ApprovalStatus::Declined => "Declined",
            ApprovalStatus::Expired => "Expired",
        }
    }
}

/// One request for a second person's approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRequest {
    pub id: i64,
    pub kind: ApprovalKind,
    /// The customer page's key (a v2 username or a v3 account id).
    pub customer: String,
    /// What the change does, as the requester's review said it.
    pub summary: String,
    pub requested_by: String,
    /// RFC 3339, UTC.
    pub requested_at: String,
    pub expires_at: String,
    pub status: ApprovalStatus,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
    /// Why it was declined.
    pub reason: Option<String>,
    /// How the change ended once approved, in words.
    pub result: Option<String>,
    /// Whether SendGrid took it (or the console holds it for later); `None` until it ran.
    pub succeeded: Option<bool>,
    /// The audit log's attempt of the change made on approval.
    pub attempt_id: Option<i64>,
    /// The bulk change (or the console's held change) started on approval.
    #[serde(default)]
    pub job_id: Option<i64>,
}

impl ApprovalRequest {
    /// Where it stands in words: an approved request whose change SendGrid refused (or whose
    /// outcome is unknown) says so, rather than reading as done.
    pub fn standing(&self) -> &'static str {
        match (self.status, self.succeeded) {
            (ApprovalStatus::Approved, Some(false)) => "Approved, not made",
            (status, _) => status.label(),
        }
    }
}

/// A field of the account as SendGrid reported it when the request was made and now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateLine {
    pub field: String,
    pub then: Option<String>,
    pub now: Option<String>,
}

impl StateLine {
    pub fn changed(&self) -> bool {
        self.then != self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_read_back_as_themselves() {
        for kind in ApprovalKind::ALL {
            assert_eq!(ApprovalKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ApprovalKind::parse("upgrade"), None);
    }

    #[test]
    fn the_credit_threshold_counts_from_its_value_and_removing_the_limit_always_counts() {
        let policy = ApprovalPolicy {
            credits_threshold: Some(10_000),
            ..ApprovalPolicy::default()
        };
        assert!(!policy.requires(ApprovalKind::Credits, Some(9_999)));
        assert!(policy.requires(ApprovalKind::Credits, Some(10_000)));
        assert!(policy.requires(ApprovalKind::Credits, None));
        assert!(!ApprovalPolicy::default().requires(ApprovalKind::Credits, None));
        assert!(!policy.requires(ApprovalKind::Close, None));
    }

    #[test]
    fn an_approved_request_whose_change_was_not_made_says_so() {
        let request = ApprovalRequest {
            id: 1,
            kind: ApprovalKind::Close,
            customer: "acme".into(),
            summary: "Close acme's account now.".into(),
            requested_by: "a@example.com".into(),
            requested_at: "2026-12-07T00:00:00.000Z".into(),
            expires_at: "2026-12-08T00:00:00.000Z".into(),
            status: ApprovalStatus::Approved,
            decided_by: Some("b@example.com".into()),
            decided_at: None,
            reason: None,
            result: None,
            succeeded: Some(false),
            attempt_id: None,
            job_id: None,
        };
        assert_eq!(request.standing(), "Approved, not made");
        let made = ApprovalRequest {
            succeeded: Some(true),
            ..request.clone()
        };
        assert_eq!(made.standing(), "Approved");
        let waiting = ApprovalRequest {
            status: ApprovalStatus::Pending,
            succeeded: None,
            ..request
        };
        assert_eq!(waiting.standing(), "Waiting");
    }

    #[test]
    fn a_bulk_change_is_held_only_for_more_customers_than_the_threshold() {
        let policy = ApprovalPolicy {
            bulk_threshold: Some(100),
            ..ApprovalPolicy::default()
        };
        assert!(!policy.requires(ApprovalKind::Bulk, Some(100)));
        assert!(policy.requires(ApprovalKind::Bulk, Some(101)));
        assert!(!ApprovalPolicy::default().requires(ApprovalKind::Bulk, Some(1000)));
    }

    #[test]
    fn the_form_names_the_field_it_refuses() {
        let kinds = vec!["close".to_string(), "deactivate".to_string()];
        let policy = ApprovalPolicy::from_form(&kinds, "5,000", "100", "48").unwrap();
        assert!(policy.close && policy.deactivate && !policy.downgrade);
        assert_eq!(policy.credits_threshold, Some(5_000));
        assert_eq!(policy.bulk_threshold, Some(100));
        assert_eq!(policy.expiry_hours, 48);
        let errors = ApprovalPolicy::from_form(&kinds, "-3", "some", "0").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                PolicyField::CreditsThreshold,
                PolicyField::BulkThreshold,
                PolicyField::ExpiryHours
            ]
        );
        assert_eq!(
            ApprovalPolicy::from_form(&[], "", "", "24").unwrap(),
            ApprovalPolicy::default()
        );
    }
}
