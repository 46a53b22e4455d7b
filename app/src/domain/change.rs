//! How a submitted change ends (plan, limits, offerings, account state, bulk), shared by the
//! tabs that make them.
//! `F` names the form's fields, so an error lands next to the field it is about.

use std::fmt;

use serde::{Deserialize, Serialize};

/// What is wrong with one field, in words for the operator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError<F> {
    pub field: F,
    pub message: String,
}

impl<F> FieldError<F> {
    pub fn new(field: F, message: impl Into<String>) -> FieldError<F> {
        FieldError {
            field,
            message: message.into(),
        }
    }
}

/// The message for `field` among `errors`, if there is one.
pub fn message_for<F: PartialEq>(errors: &[FieldError<F>], field: &F) -> Option<String> {
    errors
        .iter()
        .find(|e| &e.field == field)
        .map(|e| e.message.clone())
}

/// SendGrid accepted the change, or the console scheduled it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeDone {
    /// E.g. "Set acme-sub1's credits to 5,000."
    pub summary: String,
    /// The audit log's attempt row; `None` for a change scheduled for later.
    pub attempt_id: Option<i64>,
    /// The scheduled job holding a change for later.
    pub job_id: Option<i64>,
    /// The form had been submitted before: this is the first submission's result.
    pub replayed: bool,
    /// The change waits for a second person: the request on the Approvals page.
    #[serde(default)]
    pub approval_id: Option<i64>,
}

/// Every way a change can end other than success, each shown where the operator acts on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeError<F> {
    /// Not signed in, or the role may not change accounts.
    Denied(String),
    /// No such customer, subuser or account.
    NotFound(String),
    /// The account exists but cannot take this kind of change (a v3-only account has no v2
    /// plan, API.md §2); nothing was sent.
    Unsupported(String),
    /// The form broke a rule; nothing was sent to SendGrid.
    Invalid(Vec<FieldError<F>>),
    /// SendGrid refused the change or failed; nothing changed (recorded). `field` when its
    /// message names one.
    Failed {
        message: String,
        field: Option<F>,
        attempt_id: i64,
    },
    /// The change may or may not have been applied: reconcile before trying again.
    Unknown { message: String, attempt_id: i64 },
    /// The form's key was already used for a different change, or the thing to change moved
    /// on (a scheduled change already ran); nothing was sent.
    Conflict(String),
    /// SendGrid could not be read before the change, or the console failed; nothing was sent.
    Unavailable(String),
    /// The request itself was not one the console's forms send (a blank or foreign
    /// idempotency key); nothing was sent.
    Malformed(String),
}

impl<F> From<crate::domain::KeyError> for ChangeError<F> {
    fn from(error: crate::domain::KeyError) -> ChangeError<F> {
        ChangeError::Malformed(error.to_string())
    }
}

impl<F: PartialEq + Clone> ChangeError<F> {
    /// The message for `field`, if this error is about it.
    pub fn message_for(&self, field: &F) -> Option<String> {
        match self {
            ChangeError::Invalid(errors) => message_for(errors, field),
            ChangeError::Failed {
                message,
                field: Some(f),
                ..
            } if f == field => Some(message.clone()),
            _ => None,
        }
    }

    /// A message not tied to one field, if any.
    pub fn general_message(&self) -> Option<String>
    where
        Self: fmt::Display,
    {
        match self {
            ChangeError::Invalid(_) | ChangeError::Failed { field: Some(_), .. } => None,
            other => Some(other.to_string()),
        }
    }

    /// The call may or may not have been applied: it is reconciled in History.
    pub fn is_unknown(&self) -> bool {
        matches!(self, ChangeError::Unknown { .. })
    }

    /// SendGrid was asked (whatever it answered), so what the tab shows may have changed.
    pub fn reached_upstream(&self) -> bool {
        matches!(
            self,
            ChangeError::Failed { .. } | ChangeError::Unknown { .. }
        )
    }

    /// The HTTP status that goes with the error, for API clients and tests.
    pub fn status(&self) -> u16 {
        match self {
            ChangeError::Denied(_) => 403,
            ChangeError::NotFound(_) | ChangeError::Unsupported(_) => 404,
            ChangeError::Invalid(_) | ChangeError::Malformed(_) => 400,
            ChangeError::Conflict(_) => 409,
            ChangeError::Failed { .. } => 422,
            ChangeError::Unknown { .. } | ChangeError::Unavailable(_) => 502,
        }
    }
}

impl<F> fmt::Display for ChangeError<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChangeError::Denied(message)
            | ChangeError::NotFound(message)
            | ChangeError::Unsupported(message)
            | ChangeError::Conflict(message)
            | ChangeError::Unavailable(message)
            | ChangeError::Malformed(message) => f.write_str(message),
            ChangeError::Invalid(errors) => f.write_str(
                &errors
                    .iter()
                    .map(|e| e.message.as_str())
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            ChangeError::Failed { message, .. } => write!(f, "The change was not made: {message}"),
            ChangeError::Unknown { message, .. } => {
                write!(f, "Outcome unknown: check before retrying. {message}")
            }
        }
    }
}

impl<F: fmt::Debug> std::error::Error for ChangeError<F> {}

/// "5,000": credits and other counts as operators read them.
pub fn group_thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq)]
    enum Field {
        A,
        B,
    }

    #[test]
    fn errors_land_next_to_their_field() {
        let failed: ChangeError<Field> = ChangeError::Failed {
            message: "no".into(),
            field: Some(Field::A),
            attempt_id: 1,
        };
        assert_eq!(failed.message_for(&Field::A).as_deref(), Some("no"));
        assert!(failed.message_for(&Field::B).is_none());
        assert!(failed.general_message().is_none());
        assert!(failed.reached_upstream());
        let invalid = ChangeError::Invalid(vec![FieldError::new(Field::B, "bad")]);
        assert_eq!(invalid.message_for(&Field::B).as_deref(), Some("bad"));
        assert_eq!(invalid.status(), 400);
        let unknown: ChangeError<Field> = ChangeError::Unknown {
            message: "timed out".into(),
            attempt_id: 2,
        };
        assert!(unknown
            .general_message()
            .unwrap()
            .starts_with("Outcome unknown"));
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(5000), "5,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
        assert_eq!(group_thousands(-2500), "-2,500");
    }
}
