//! Typed async client for the SendGrid APIs a reseller console uses:
//!
//! * the legacy Web API v1/v2 reseller calls (plan changes, overview, subuser limits,
//!   profiles, packages, IPs, pending changes), JSON or XML ([`v2`]);
//! * the v3 Account Provisioning API (offerings, accounts, state, SSO) ([`v3`]).
//!
//! Every upstream operation is one `async` method on [`Client`]. Failures are one [`Error`]
//! enum that tells an operator what happened, whether to retry, and whether a change may have
//! been applied anyway. The wire rules followed are those of `shared/upstream/API.md`; the
//! retry and timeout policy is DESIGN.md "Reliability" (see the README).

mod config;
mod error;
mod rate_limit;
mod redact;
mod secret;
mod transport;
pub mod v2;
pub mod v3;

use std::fmt;
use std::sync::Arc;

pub use config::{Config, Format, LimitsEndpoint, RetryConfig, EU_BASE_URL, GLOBAL_BASE_URL};
pub use error::{Error, Result};
pub use rate_limit::{Family, RateLimitSeen};
pub use secret::{ExposeSecret, Secret};
pub use v2::{
    CustomerProfile, IpPlacement, IpQuery, Limit, LimitChange, LimitHolder, LimitPeriod, Overview,
    Package, PendingChange, PendingKind, PendingList, PendingQuery, PlanChange, PlanTask,
    ProfileQuery, RecurringLimit, Timing,
};
pub use v3::{
    Account, AccountPage, AccountProfile, AccountState, CatalogEntry, Entitlements, NewAccount,
    Offering, OfferingKind, WritableState,
};

use transport::Transport;

// Compiles the README's examples as doctests, so they cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeExamples;

/// The SendGrid client. Cheap to clone; clones share one connection pool.
#[derive(Clone)]
pub struct Client {
    config: Arc<Config>,
    transport: Arc<Transport>,
    pending_memo: Arc<v2::PendingMemo>,
}

impl Client {
    /// Builds a client. Fails only on an unusable base URL.
    pub fn new(config: Config) -> Result<Self> {
        let transport = Transport::new(&config)?;
        Ok(Self {
            config: Arc::new(config),
            transport: Arc::new(transport),
            pending_memo: Arc::default(),
        })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rate-limit headers of the last answer from `family` that carried any (API.md §7).
    pub fn rate_limit_seen(&self, family: Family) -> Option<RateLimitSeen> {
        self.transport.rate_limits.last(family)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("v2_base_url", &self.config.v2_base_url)
            .field("v3_base_url", &self.config.v3_base_url)
            .finish_non_exhaustive()
    }
}
