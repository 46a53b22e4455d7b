//! The one error type of this crate, and the rules that turn an HTTP answer into it.

use chrono::{DateTime, Utc};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Every way an upstream call can fail, in the terms an operator acts on.
///
/// `Display` is a user-facing sentence; it never contains credentials (bodies are redacted, see
/// `redact.rs`). [`Error::outcome_known`] tells whether a change may have been applied anyway.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// SendGrid rejected a parameter. `field` is the parameter it named (v3) or our best guess
    /// from the message (v2, whose errors are bare strings, API.md §1.3).
    #[error("SendGrid rejected the request{}: {message}", field_note(.field))]
    InvalidInput {
        field: Option<String>,
        message: String,
    },
    /// The customer, account or subuser does not exist (v2 "User not found", v3 404).
    #[error("not found at SendGrid: {message}")]
    NotFound { message: String },
    /// The credentials were refused, or the key lacks the reseller permission.
    #[error("SendGrid refused the credentials: {message}")]
    Unauthorized { message: String },
    /// HTTP 403 from the v3 partner API: the key was accepted but may not do this. API.md §0
    /// and §5.1: these calls answer only a reseller with a formal partnership with SendGrid
    /// (after onboarding, any of its keys); a 403 can also mean the account's state forbids
    /// the call. SendGrid's own message says which.
    #[error(
        "SendGrid forbids this (HTTP 403): {message}. The v3 partner API answers only keys of a \
         reseller with a formal SendGrid reseller partnership; if yours has one, the account may \
         not allow this now"
    )]
    Forbidden { message: String },
    /// HTTP 429. `reset_at` comes from Retry-After or X-RateLimit-Reset (API.md §1.4, §7).
    #[error("SendGrid rate limit reached{}: {message}", reset_note(.reset_at))]
    RateLimited {
        reset_at: Option<DateTime<Utc>>,
        message: String,
    },
    /// SendGrid answered 5xx: nothing to fix on our side, try again later.
    #[error("SendGrid failed (HTTP {status}): {message}; try again later")]
    Upstream { status: u16, message: String },
    /// A read got no complete answer in time (or the connection broke mid-answer). Reads change
    /// nothing, so the outcome is known: nothing happened.
    #[error("SendGrid did not answer in time: {message}")]
    Timeout { message: String },
    /// A change was sent but no answer came back (timeout, dropped connection, gateway 502/504):
    /// SendGrid may or may not have applied it. Reconcile before trying again.
    #[error(
        "the change may or may not have been applied at SendGrid ({message}); \
         check the account before trying again"
    )]
    OutcomeUnknown { message: String },
    /// No connection could be opened: the request certainly did not reach SendGrid.
    #[error("could not reach SendGrid ({message}); nothing was sent")]
    Unreachable { message: String },
    /// An answer this client cannot read. `excerpt` is short and redacted.
    #[error("unexpected answer from SendGrid (HTTP {status}): {excerpt}")]
    Unexpected { status: u16, excerpt: String },
}

fn field_note(field: &Option<String>) -> String {
    field
        .as_ref()
        .map(|f| format!(" (field `{f}`)"))
        .unwrap_or_default()
}

fn reset_note(reset_at: &Option<DateTime<Utc>>) -> String {
    reset_at
        .map(|at| format!(" until {}", at.format("%Y-%m-%d %H:%M:%S UTC")))
        .unwrap_or_default()
}

impl Error {
    /// Whether trying the same call again later can succeed without changing anything.
    /// `OutcomeUnknown` is not: reconcile first, or a change may be applied twice.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. }
                | Self::Upstream { .. }
                | Self::Timeout { .. }
                | Self::Unreachable { .. }
        )
    }

    /// False when a change may have been applied although the call did not report success:
    /// the audit log records such a call as "outcome unknown" (DESIGN.md "Reliability").
    /// A 2xx answer that could not be read counts as unknown too: SendGrid accepted something.
    pub fn outcome_known(&self) -> bool {
        match self {
            Self::OutcomeUnknown { .. } => false,
            Self::Unexpected { status, .. } => !(200..300).contains(status),
            _ => true,
        }
    }

    /// Whether SendGrid answered that the call itself does not exist: an unknown task or API
    /// module, or a 404 without a recognisable body. API.md §2.6 says the scheduled tasks and
    /// `reseller.pending` were deleted in 2017 and §9 Q1 leaves open what SendGrid answers for
    /// them now, so this reads the wordings the legacy API uses for an unknown call; a missing
    /// user ("User not found") is not one.
    pub fn is_unknown_call(&self) -> bool {
        const WORDS: [&str; 6] = [
            "invalid task",
            "unknown task",
            "invalid module",
            "unknown module",
            "unknown api module",
            "no such endpoint",
        ];
        let names_the_call = |message: &str| {
            let message = message.to_ascii_lowercase();
            WORDS.iter().any(|w| message.contains(w))
        };
        match self {
            Self::InvalidInput { message, .. } | Self::NotFound { message } => {
                names_the_call(message)
            }
            Self::Unexpected { status, .. } => matches!(status, 404 | 405 | 410),
            _ => false,
        }
    }

    /// A stable machine-readable name of the variant, for audit rows and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidInput { .. } => "invalid_input",
            Self::NotFound { .. } => "not_found",
            Self::Unauthorized { .. } => "unauthorized",
            Self::Forbidden { .. } => "forbidden",
            Self::RateLimited { .. } => "rate_limited",
            Self::Upstream { .. } => "upstream",
            Self::Timeout { .. } => "timeout",
            Self::OutcomeUnknown { .. } => "outcome_unknown",
            Self::Unreachable { .. } => "unreachable",
            Self::Unexpected { .. } => "unexpected",
        }
    }

    /// The HTTP status behind the error, when one was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Upstream { status, .. } | Self::Unexpected { status, .. } => Some(*status),
            _ => None,
        }
    }
}

/// What an API-specific parser recognised in an error body.
pub(crate) struct Detail {
    pub message: String,
    pub field: Option<String>,
}

/// Maps a failed HTTP status to an error. `detail` is the recognised error body, if any;
/// `excerpt` the redacted body for when nothing was recognised. `mutating` marks calls that
/// change state: for those a gateway 502/504 means the backend may have done the work.
pub(crate) fn for_status(
    status: u16,
    detail: Option<Detail>,
    excerpt: String,
    reset_at: Option<DateTime<Utc>>,
    mutating: bool,
) -> Error {
    let recognised = detail.is_some();
    let (message, field) = match detail {
        Some(d) => (d.message, d.field),
        None => (excerpt.clone(), None),
    };
    match status {
        429 => Error::RateLimited {
            reset_at,
            message: if recognised {
                message
            } else {
                "too many requests".to_owned()
            },
        },
        401 | 403 => Error::Unauthorized { message },
        502 | 504 if mutating => Error::OutcomeUnknown {
            message: format!("HTTP {status}: {message}"),
        },
        500..=599 => Error::Upstream { status, message },
        404 if recognised => Error::NotFound { message },
        400 | 409 | 422 if recognised => Error::InvalidInput { field, message },
        _ => Error::Unexpected { status, excerpt },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(message: &str, field: Option<&str>) -> Option<Detail> {
        Some(Detail {
            message: message.to_owned(),
            field: field.map(str::to_owned),
        })
    }

    #[test]
    fn an_unknown_call_is_told_from_an_unknown_user() {
        let invalid = |message: &str| Error::InvalidInput {
            field: None,
            message: message.into(),
        };
        assert!(invalid("Invalid task").is_unknown_call());
        assert!(Error::NotFound {
            message: "Unknown API module".into()
        }
        .is_unknown_call());
        assert!(Error::Unexpected {
            status: 404,
            excerpt: "Not Found".into()
        }
        .is_unknown_call());
        assert!(!Error::NotFound {
            message: "User not found".into()
        }
        .is_unknown_call());
        assert!(!invalid("Package not found").is_unknown_call());
        assert!(!Error::Upstream {
            status: 503,
            message: "down".into()
        }
        .is_unknown_call());
    }

    #[test]
    fn statuses_map_to_variants() {
        let e = for_status(
            400,
            detail("bad", Some("email")),
            String::new(),
            None,
            false,
        );
        assert_eq!(
            e,
            Error::InvalidInput {
                field: Some("email".into()),
                message: "bad".into()
            }
        );
        assert!(matches!(
            for_status(404, detail("x", None), String::new(), None, false),
            Error::NotFound { .. }
        ));
        assert!(matches!(
            for_status(404, None, "<html>".into(), None, false),
            Error::Unexpected { status: 404, .. }
        ));
        assert!(matches!(
            for_status(403, None, String::new(), None, false),
            Error::Unauthorized { .. }
        ));
        assert!(matches!(
            for_status(503, None, "down".into(), None, true),
            Error::Upstream { status: 503, .. }
        ));
        assert!(matches!(
            for_status(504, None, "slow".into(), None, true),
            Error::OutcomeUnknown { .. }
        ));
        assert!(matches!(
            for_status(504, None, "slow".into(), None, false),
            Error::Upstream { status: 504, .. }
        ));
    }

    #[test]
    fn helpers_classify() {
        let unknown = Error::OutcomeUnknown {
            message: "timed out".into(),
        };
        assert!(!unknown.outcome_known() && !unknown.is_retryable());
        let unreachable = Error::Unreachable {
            message: "refused".into(),
        };
        assert!(unreachable.outcome_known() && unreachable.is_retryable());
        let garbled = Error::Unexpected {
            status: 200,
            excerpt: "??".into(),
        };
        assert!(!garbled.outcome_known());
        assert_eq!(garbled.code(), "unexpected");
        assert_eq!(garbled.status(), Some(200));
    }

    #[test]
    fn messages_read_well() {
        let e = Error::InvalidInput {
            field: Some("package".into()),
            message: "Package not found".into(),
        };
        assert_eq!(
            e.to_string(),
            "SendGrid rejected the request (field `package`): Package not found"
        );
        let at = DateTime::from_timestamp(1_392_815_263, 0);
        let e = Error::RateLimited {
            reset_at: at,
            message: "too many requests".into(),
        };
        assert_eq!(
            e.to_string(),
            "SendGrid rate limit reached until 2014-02-19 13:07:43 UTC: too many requests"
        );
    }
}
