//! The rate-limit headers SendGrid sent last, per API family: `X-RateLimit-Limit`,
//! `-Remaining` and `-Reset` (API.md §7; §1.4 reads the v2 ones as the same headers). Kept so
//! a connection check can show the reseller what SendGrid allows and what is left.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use reqwest::header::HeaderMap;

use crate::transport::reset_at;

/// The two API families, which may live at different base URLs (API.md §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// The legacy `/apiv2/*` reseller calls.
    V2,
    /// The `/v3/*` partner calls.
    V3,
}

impl Family {
    fn index(self) -> usize {
        match self {
            Family::V2 => 0,
            Family::V3 => 1,
        }
    }
}

/// What one answer's rate-limit headers said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateLimitSeen {
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub reset_at: Option<DateTime<Utc>>,
    /// When the answer carrying them arrived.
    pub seen_at: DateTime<Utc>,
}

impl RateLimitSeen {
    /// `None` when the answer carried none of the three headers.
    pub(crate) fn from_headers(headers: &HeaderMap) -> Option<RateLimitSeen> {
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let limit = number("x-ratelimit-limit");
        let remaining = number("x-ratelimit-remaining");
        let reset_at = headers
            .contains_key("x-ratelimit-reset")
            .then(|| reset_at(headers))
            .flatten();
        if limit.is_none() && remaining.is_none() && reset_at.is_none() {
            return None;
        }
        Some(RateLimitSeen {
            limit,
            remaining,
            reset_at,
            seen_at: Utc::now(),
        })
    }
}

/// The last headers seen per family.
#[derive(Debug, Default)]
pub(crate) struct RateLimitLog {
    last: Mutex<[Option<RateLimitSeen>; 2]>,
}

impl RateLimitLog {
    pub(crate) fn record(&self, family: Family, headers: &HeaderMap) {
        if let Some(seen) = RateLimitSeen::from_headers(headers) {
            self.last.lock().unwrap_or_else(|e| e.into_inner())[family.index()] = Some(seen);
        }
    }

    pub(crate) fn last(&self, family: Family) -> Option<RateLimitSeen> {
        self.last.lock().unwrap_or_else(|e| e.into_inner())[family.index()].clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_headers_are_read_and_an_answer_without_them_changes_nothing() {
        let log = RateLimitLog::default();
        log.record(Family::V3, &HeaderMap::new());
        assert_eq!(log.last(Family::V3), None);
        let mut headers = HeaderMap::new();
        headers.insert("x-ratelimit-limit", "600".parse().unwrap());
        headers.insert("x-ratelimit-remaining", "598".parse().unwrap());
        headers.insert("x-ratelimit-reset", "1392815263".parse().unwrap());
        log.record(Family::V3, &headers);
        let seen = log.last(Family::V3).expect("recorded");
        assert_eq!((seen.limit, seen.remaining), (Some(600), Some(598)));
        assert_eq!(seen.reset_at.map(|at| at.timestamp()), Some(1_392_815_263));
        assert_eq!(log.last(Family::V2), None, "each family its own");
        log.record(Family::V3, &HeaderMap::new());
        assert!(
            log.last(Family::V3).is_some(),
            "kept until new headers come"
        );
    }
}
