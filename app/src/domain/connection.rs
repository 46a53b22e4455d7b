//! What a connection check found for each SendGrid API family: where the console sends its
//! calls, which credential it uses (never the secret), whether a harmless read works, and the
//! rate-limit headers SendGrid sent (API.md §7).

use serde::{Deserialize, Serialize};

use super::change::group_thousands;

/// Where the console's SendGrid settings came from, given by the process at start-up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpstreamSettings {
    pub v2_base_url: String,
    pub v3_base_url: String,
    /// "API key from the file /run/secrets/sendgrid", never the key itself.
    pub v2_credential: String,
    pub v3_credential: String,
    /// Set when the console talks to its embedded simulator (`make run`).
    pub embedded: bool,
}

/// What the harmless read of one family answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckOutcome {
    /// It answered; what was read, e.g. "5 packages listed".
    Works(String),
    /// SendGrid answered and refused: the HTTP status, SendGrid's words, what it usually means.
    Refused {
        status: u16,
        words: String,
        meaning: String,
    },
    /// No usable answer: not reachable, too slow, failing, or an answer that cannot be read.
    Failed(String),
}

impl CheckOutcome {
    pub fn works(&self) -> bool {
        matches!(self, CheckOutcome::Works(_))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateLimitView {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    /// RFC 3339, UTC.
    pub reset_at: Option<String>,
}

impl RateLimitView {
    /// "598 of 600 requests left, resets 2026-12-03 10:00:00 UTC".
    pub fn describe(&self) -> String {
        let n = |value: u64| group_thousands(i64::try_from(value).unwrap_or(i64::MAX));
        let left = match (self.remaining, self.limit) {
            (Some(left), Some(limit)) => format!("{} of {} requests left", n(left), n(limit)),
            (Some(left), None) => format!("{} requests left", n(left)),
            (None, Some(limit)) => format!("a limit of {} requests", n(limit)),
            (None, None) => "no counts".to_string(),
        };
        match &self.reset_at {
            Some(at) => format!("{left}, resets {at}"),
            None => left,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyCheck {
    /// "v2 (legacy reseller API)" or "v3 (partner API)".
    pub family: String,
    /// What was read: "apiv2/reseller.package (list packages)".
    pub probe: String,
    pub base_url: String,
    pub credential: String,
    pub outcome: CheckOutcome,
    /// The rate-limit headers of the family's last answer, if SendGrid sent any.
    pub rate_limit: Option<RateLimitView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionReport {
    pub families: Vec<FamilyCheck>,
    pub embedded: bool,
    /// RFC 3339, UTC.
    pub checked_at: String,
}

impl ConnectionReport {
    pub fn all_work(&self) -> bool {
        self.families.iter().all(|f| f.outcome.works())
    }

    /// The lines `reseller-console check-upstream` prints, one per family.
    pub fn lines(&self) -> Vec<String> {
        self.families
            .iter()
            .map(|f| {
                let outcome = match &f.outcome {
                    CheckOutcome::Works(what) => format!("ok: {what}"),
                    CheckOutcome::Refused {
                        status,
                        words,
                        meaning,
                    } => format!("refused (HTTP {status}): {words}. {meaning}"),
                    CheckOutcome::Failed(why) => format!("failed: {why}"),
                };
                let limit = f
                    .rate_limit
                    .as_ref()
                    .map(|r| format!(" [rate limit: {}]", r.describe()))
                    .unwrap_or_default();
                format!(
                    "{} at {} with {}: {}{}",
                    f.family, f.base_url, f.credential, outcome, limit
                )
            })
            .collect()
    }
}
