//! Client configuration: where SendGrid is, how to authenticate, and how patient to be.

use std::time::Duration;

use crate::Secret;

/// Global host for all three API families (API.md §0).
pub const GLOBAL_BASE_URL: &str = "https://api.sendgrid.com";
/// EU host, for EU regional subusers; documented for v3 only (API.md §7).
pub const EU_BASE_URL: &str = "https://api.eu.sendgrid.com";

/// Which of the two documented families carries the limit calls (API.md §3, §8.10): the
/// subuser calls and, beside them, the customer's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LimitsEndpoint {
    /// `apiv2/reseller.subuserManage.{json|xml}`, the current v2 path.
    #[default]
    V2SubuserManage,
    /// `api/distributor.manageSubuser.{json|xml}`, the deprecated v1 path.
    V1DistributorManageSubuser,
}

impl LimitsEndpoint {
    /// A customer's subuser: `reseller.subuserManage` (v2), `distributor.manageSubuser` (v1).
    pub(crate) fn subuser_stem(self) -> &'static str {
        match self {
            Self::V2SubuserManage => "apiv2/reseller.subuserManage",
            Self::V1DistributorManageSubuser => "api/distributor.manageSubuser",
        }
    }

    /// The customer itself: `reseller.manage` (v2), `distributor.manage` (v1), "Related limit
    /// APIs" in §3.
    pub(crate) fn customer_stem(self) -> &'static str {
        match self {
            Self::V2SubuserManage => "apiv2/reseller.manage",
            Self::V1DistributorManageSubuser => "api/distributor.manage",
        }
    }
}

/// Response format requested from the legacy API through the URL suffix (API.md §1.1).
/// The parsers read either format whatever was asked for: the body decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    #[default]
    Json,
    Xml,
}

impl Format {
    pub(crate) fn suffix(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Xml => "xml",
        }
    }
}

/// Automatic retries of idempotent calls (DESIGN.md "Reliability").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryConfig {
    /// Retries after the first attempt; DESIGN.md says "up to 3 times".
    pub max_retries: u32,
    /// First backoff step; doubled per retry, with jitter. Tests set this to a few milliseconds.
    pub base_delay: Duration,
    /// Upper bound of one backoff step.
    pub max_delay: Duration,
    /// Longest wait this client accepts for a 429's Retry-After / X-RateLimit-Reset. A longer
    /// wait is not slept through (a person is waiting): the call fails as `RateLimited`.
    pub max_rate_limit_wait: Duration,
}

impl Default for RetryConfig {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            max_rate_limit_wait: Duration::from_secs(10),
        }
    }
}

impl RetryConfig {
    /// No automatic retries at all.
    pub fn disabled() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }
}

/// Everything the client needs. Secrets are [`Secret`]s, so `{:?}` on this is safe to log.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where the legacy v1/v2 calls go: scheme and host (optionally a path prefix), e.g.
    /// `https://api.sendgrid.com` or `http://127.0.0.1:4010`. The legacy APIs are documented
    /// only on the global host (API.md §7 "Regions").
    pub v2_base_url: String,
    /// Where the v3 calls go; the EU host serves v3 for EU regional accounts (API.md §7).
    pub v3_base_url: String,
    /// v2 `api_user`: the literal `apikey` since SendGrid moved to API keys (API.md §1.2, §8.17).
    pub api_user: String,
    /// v2 `api_key`.
    pub api_key: Secret,
    /// v3 `Authorization: Bearer` key.
    pub bearer_key: Secret,
    pub limits_endpoint: LimitsEndpoint,
    pub format: Format,
    /// Time allowed to open a connection (DESIGN.md: 5 s).
    pub connect_timeout: Duration,
    /// Time allowed for one whole attempt, body included (DESIGN.md: 15 s).
    pub timeout: Duration,
    pub retry: RetryConfig,
}

impl Config {
    /// A configuration with the documented defaults, both families at `base_url`. Both usually
    /// share one Full Access API key, but they are kept apart so either can be rotated alone.
    pub fn new(base_url: impl Into<String>, api_key: Secret, bearer_key: Secret) -> Self {
        let base_url = base_url.into();
        Self {
            v2_base_url: base_url.clone(),
            v3_base_url: base_url,
            api_user: "apikey".to_owned(),
            api_key,
            bearer_key,
            limits_endpoint: LimitsEndpoint::default(),
            format: Format::default(),
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(15),
            retry: RetryConfig::default(),
        }
    }

    /// The global host with one key for both families.
    pub fn global(key: Secret) -> Self {
        Self::new(GLOBAL_BASE_URL, key.clone(), key)
    }

    /// v3 on the EU host, for EU regional accounts, with one key for both families; the
    /// legacy v2 calls stay on the global host, the only one that documents them.
    pub fn eu(key: Secret) -> Self {
        Self {
            v3_base_url: EU_BASE_URL.to_owned(),
            ..Self::global(key)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_follow_the_design() {
        let config = Config::global(Secret::from("SG.key"));
        assert_eq!(config.v2_base_url, GLOBAL_BASE_URL);
        assert_eq!(config.v3_base_url, GLOBAL_BASE_URL);
        assert_eq!(config.api_user, "apikey");
        assert_eq!(config.connect_timeout, Duration::from_secs(5));
        assert_eq!(config.timeout, Duration::from_secs(15));
        assert_eq!(config.retry.max_retries, 3);
        assert_eq!(config.limits_endpoint, LimitsEndpoint::V2SubuserManage);
        let eu = Config::eu(Secret::from("k"));
        assert_eq!(
            (eu.v2_base_url.as_str(), eu.v3_base_url.as_str()),
            (GLOBAL_BASE_URL, EU_BASE_URL)
        );
    }

    #[test]
    fn debug_never_shows_keys() {
        let config = Config::new(
            "http://127.0.0.1:1",
            Secret::from("v2-key"),
            Secret::from("v3-key"),
        );
        let printed = format!("{config:?}");
        assert!(
            !printed.contains("v2-key") && !printed.contains("v3-key"),
            "{printed}"
        );
        assert!(printed.contains("REDACTED"), "{printed}");
    }
}
