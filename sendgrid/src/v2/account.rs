//! `reseller.account`: plan changes (API.md §2.1–2.6) and the customer overview (§2.7).

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use tracing::instrument;

use super::envelope::{decode_success, parse_with};
use super::{lenient, Params};
use crate::transport::Policy;
use crate::{Client, Result};

const MODULE: &str = "apiv2/reseller.account";

/// The six plan tasks. `scheduled_*` exist only in the frozen v1 pages and may be refused
/// upstream (API.md §2.6, §9 Q1); they are sent as documented and the answer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanTask {
    ImmediateUpgrade,
    ImmediateDowngrade,
    ImmediateClose,
    ScheduledUpgrade,
    ScheduledDowngrade,
    ScheduledClose,
}

impl PlanTask {
    /// The wire value of `task`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ImmediateUpgrade => "immediate_upgrade",
            Self::ImmediateDowngrade => "immediate_downgrade",
            Self::ImmediateClose => "immediate_close",
            Self::ScheduledUpgrade => "scheduled_upgrade",
            Self::ScheduledDowngrade => "scheduled_downgrade",
            Self::ScheduledClose => "scheduled_close",
        }
    }
}

/// Now, or at the end of the customer's billing cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timing {
    Immediate,
    Scheduled,
}

/// Where the customer's mail goes out after an upgrade or downgrade. Exactly one of `ip[]` and
/// `ip_group[]` is meaningful, depending on whether the package needs a dedicated IP
/// (`Package::has_ip`; API.md §2.1, §8.1), so the type offers one or the other.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum IpPlacement {
    /// Neither (allowed for downgrades; upgrades usually need one of the others).
    #[default]
    None,
    /// Free IPs from `reseller.ip task=free`, sent as repeated `ip[]`.
    Ips(Vec<String>),
    /// IP group names, sent as repeated `ip_group[]`.
    IpGroups(Vec<String>),
}

/// One plan change for one customer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanChange {
    Upgrade {
        timing: Timing,
        user: String,
        /// A package `name` from `reseller.packages`.
        package: String,
        placement: IpPlacement,
    },
    Downgrade {
        timing: Timing,
        user: String,
        package: String,
        placement: IpPlacement,
    },
    /// Close the account or revert it to free; `ip_groups` receive the user afterwards (§2.3).
    Close {
        timing: Timing,
        user: String,
        ip_groups: Vec<String>,
    },
}

impl PlanChange {
    pub fn task(&self) -> PlanTask {
        use PlanTask::*;
        match self {
            Self::Upgrade { timing, .. } => pick(*timing, ImmediateUpgrade, ScheduledUpgrade),
            Self::Downgrade { timing, .. } => pick(*timing, ImmediateDowngrade, ScheduledDowngrade),
            Self::Close { timing, .. } => pick(*timing, ImmediateClose, ScheduledClose),
        }
    }

    pub fn user(&self) -> &str {
        match self {
            Self::Upgrade { user, .. }
            | Self::Downgrade { user, .. }
            | Self::Close { user, .. } => user,
        }
    }

    fn params(&self) -> Params {
        let mut params: Params = vec![
            ("task", self.task().as_str().to_owned()),
            ("user", self.user().to_owned()),
        ];
        match self {
            Self::Upgrade {
                package, placement, ..
            }
            | Self::Downgrade {
                package, placement, ..
            } => {
                params.push(("package", package.clone()));
                match placement {
                    IpPlacement::None => {}
                    IpPlacement::Ips(ips) => {
                        params.extend(ips.iter().map(|ip| ("ip[]", ip.clone())))
                    }
                    IpPlacement::IpGroups(groups) => {
                        params.extend(groups.iter().map(|g| ("ip_group[]", g.clone())))
                    }
                }
            }
            Self::Close { ip_groups, .. } => {
                params.extend(ip_groups.iter().map(|g| ("ip_group[]", g.clone())))
            }
        }
        params
    }
}

fn pick(timing: Timing, immediate: PlanTask, scheduled: PlanTask) -> PlanTask {
    match timing {
        Timing::Immediate => immediate,
        Timing::Scheduled => scheduled,
    }
}

/// `task=overview`: package, credits and billing dates of one customer. Numbers arrive as
/// strings or numbers in the same object (API.md §2.7, §8.8).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Overview {
    #[serde(deserialize_with = "lenient::string")]
    pub package: String,
    #[serde(default, deserialize_with = "lenient::float")]
    pub reputation: f64,
    #[serde(default, deserialize_with = "lenient::int")]
    pub requests: i64,
    #[serde(default, deserialize_with = "lenient::int")]
    pub credits_allowed: i64,
    #[serde(default, deserialize_with = "lenient::int")]
    pub credits_used: i64,
    #[serde(default, deserialize_with = "lenient::int")]
    pub credits_remain: i64,
    #[serde(default, deserialize_with = "lenient::int")]
    pub credits_overage: i64,
    #[serde(default, deserialize_with = "lenient::opt_date")]
    pub billing_start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "lenient::opt_date")]
    pub billing_end_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "lenient::opt_date")]
    pub billing_process_date: Option<NaiveDate>,
}

fn decode_overview(value: Value) -> Option<Overview> {
    serde_json::from_value(lenient::unwrap(value, "overview")).ok()
}

/// Reads a `task=overview` answer (JSON or XML) as the client does.
pub fn parse_overview(status: u16, body: &[u8]) -> Result<Overview> {
    parse_with(status, body, false, decode_overview)
}

impl Client {
    /// Applies one of the six plan tasks. Never retried: a lost answer is `OutcomeUnknown`.
    #[instrument(skip_all, fields(user = %change.user(), task = change.task().as_str(), attempts))]
    pub async fn change_plan(&self, change: &PlanChange) -> Result<()> {
        self.v2_call(MODULE, change.params(), Policy::Write, decode_success)
            .await
    }

    /// `task=overview` for one customer.
    #[instrument(skip(self), fields(task = "overview", attempts))]
    pub async fn overview(&self, user: &str) -> Result<Overview> {
        let params = vec![("task", "overview".to_owned()), ("user", user.to_owned())];
        self.v2_call(MODULE, params, Policy::Read, decode_overview)
            .await
    }
}
