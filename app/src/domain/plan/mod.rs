//! Plan changes (API.md §2): what a customer is on, what they may move to, and what a change
//! will do. The same rules run in the browser (to offer only valid choices) and on the
//! server (to refuse anything else before SendGrid is called).

mod package_name;
mod review;
mod rules;
mod scheduling;
mod summary;
mod warnings;

use serde::{Deserialize, Serialize};

use super::change::{ChangeError, FieldError};
use super::{Cents, IsoDate};

pub use package_name::PackageName;
pub use review::{describe, estimate_formula, prorated_estimate, Estimate};
pub use rules::{
    action_unavailable, against_price, check, check_confirmation, placement_rule,
    target_unavailable, targets, Need, Placement, PlacementKind, PlacementRule, ValidPlanChange,
    MAX_IP_GROUP_LEN, MAX_PLACEMENTS,
};
pub use scheduling::{ScheduledBy, SchedulingMode};
pub use summary::{done_summary, recorded_summary, request_summary};
pub use warnings::warnings;

/// One entry of `reseller.packages` (API.md §4.3), with the price in cents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageInfo {
    pub name: PackageName,
    pub price: Cents,
    pub credits: i64,
    /// The package needs a dedicated IP: changes to it take `ip[]`, not `ip_group[]` (§2.1).
    pub has_ip: bool,
}

impl PackageInfo {
    pub fn is_free(&self) -> bool {
        self.price.is_zero()
    }

    /// "Silver Package ($79.95)".
    pub fn label(&self) -> String {
        format!("{} ({})", self.name, self.price)
    }
}

/// The current billing cycle from `task=overview` (§2.7). `process` is the day after `end`,
/// when a scheduled change applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingCycle {
    pub start: IsoDate,
    pub end: IsoDate,
    pub process: Option<IsoDate>,
}

impl BillingCycle {
    /// Days in the cycle, counting both its first and last day.
    pub fn days(&self) -> i64 {
        self.start.days_until(self.end) + 1
    }
}

/// Credits and reputation from `task=overview` (§2.7), for display only.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    pub credits_allowed: i64,
    pub credits_used: i64,
    pub credits_remain: i64,
    pub credits_overage: i64,
    pub reputation: f64,
}

/// A scheduled change waiting for the end of the cycle (`reseller.pending`, §2.6).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInfo {
    /// As worded upstream, e.g. "Account Upgrade".
    pub kind: String,
    pub current: String,
    pub update: String,
    pub date: Option<IsoDate>,
    pub ips: Vec<String>,
    pub ip_groups: Vec<String>,
}

impl PendingInfo {
    pub fn summary(&self) -> String {
        let target = if self.update.is_empty() {
            String::new()
        } else {
            format!(" to {}", self.update)
        };
        let when = self
            .date
            .map(|date| format!(" on {date}"))
            .unwrap_or_default();
        format!("{}{target}{when}", self.kind)
    }
}

/// Everything the plan rules need to know about one customer, read from SendGrid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanState {
    pub username: String,
    /// The package name `task=overview` reports.
    pub package: PackageName,
    pub cycle: Option<BillingCycle>,
    pub pending: Option<PendingInfo>,
    pub packages: Vec<PackageInfo>,
    pub free_ips: Vec<String>,
    /// The reseller's own IPs (`reseller.ip task=all`, API.md §4.6): a downgrade may take one
    /// of these "from your assigned IPs" as well as a free one (§2.2).
    #[serde(default)]
    pub assigned_ips: Vec<String>,
}

impl PlanState {
    /// The IPs `action` may take: free ones, and for a downgrade also the reseller's own.
    pub fn ips_for(&self, action: PlanAction) -> Vec<&String> {
        let mut ips: Vec<&String> = self.free_ips.iter().collect();
        if action == PlanAction::Downgrade {
            ips.extend(
                self.assigned_ips
                    .iter()
                    .filter(|ip| !self.free_ips.contains(ip)),
            );
        }
        ips
    }
}

impl PlanState {
    /// The current package's entry in the package list, if SendGrid lists it.
    pub fn current(&self) -> Option<&PackageInfo> {
        self.packages.iter().find(|p| p.name == self.package)
    }

    pub fn package_named(&self, name: &str) -> Option<&PackageInfo> {
        self.packages.iter().find(|p| p.name == *name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlanAction {
    Upgrade,
    Downgrade,
    Close,
}

impl PlanAction {
    pub const ALL: [PlanAction; 3] = [
        PlanAction::Upgrade,
        PlanAction::Downgrade,
        PlanAction::Close,
    ];

    pub fn parse(value: &str) -> Option<PlanAction> {
        match value.trim() {
            "upgrade" => Some(PlanAction::Upgrade),
            "downgrade" => Some(PlanAction::Downgrade),
            "close" => Some(PlanAction::Close),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PlanAction::Upgrade => "upgrade",
            PlanAction::Downgrade => "downgrade",
            PlanAction::Close => "close",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanAction::Upgrade => "Upgrade",
            PlanAction::Downgrade => "Downgrade",
            PlanAction::Close => "Close (revert to free)",
        }
    }

    /// Close and downgrade take something away; the operator types the username to confirm.
    pub fn is_destructive(self) -> bool {
        matches!(self, PlanAction::Downgrade | PlanAction::Close)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlanTiming {
    Now,
    EndOfCycle,
}

impl PlanTiming {
    pub const ALL: [PlanTiming; 2] = [PlanTiming::Now, PlanTiming::EndOfCycle];

    pub fn parse(value: &str) -> Option<PlanTiming> {
        match value.trim() {
            "now" => Some(PlanTiming::Now),
            "end_of_cycle" => Some(PlanTiming::EndOfCycle),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PlanTiming::Now => "now",
            PlanTiming::EndOfCycle => "end_of_cycle",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanTiming::Now => "Now",
            PlanTiming::EndOfCycle => "At the end of the billing cycle",
        }
    }
}

/// The wire name of the SendGrid task (§2.1–2.5); the audit action is `plan.<task>`.
pub fn task_name(action: PlanAction, timing: PlanTiming) -> &'static str {
    match (action, timing) {
        (PlanAction::Upgrade, PlanTiming::Now) => "immediate_upgrade",
        (PlanAction::Downgrade, PlanTiming::Now) => "immediate_downgrade",
        (PlanAction::Close, PlanTiming::Now) => "immediate_close",
        (PlanAction::Upgrade, PlanTiming::EndOfCycle) => "scheduled_upgrade",
        (PlanAction::Downgrade, PlanTiming::EndOfCycle) => "scheduled_downgrade",
        (PlanAction::Close, PlanTiming::EndOfCycle) => "scheduled_close",
    }
}

/// A field of the plan form, named as the form and the server function name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PlanField {
    Action,
    Timing,
    Package,
    Ip,
    IpGroup,
    Confirm,
}

impl PlanField {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanField::Action => "action",
            PlanField::Timing => "timing",
            PlanField::Package => "package",
            PlanField::Ip => "ip",
            PlanField::IpGroup => "ip_group",
            PlanField::Confirm => "confirm",
        }
    }

    /// The form field SendGrid's error is about, from the field the client names
    /// (`ip`, `ip_group`, `package`, ...; see sendgrid's `Error::InvalidInput`).
    pub fn from_upstream(field: &str) -> Option<PlanField> {
        match field {
            "package" => Some(PlanField::Package),
            "ip" | "ip[]" => Some(PlanField::Ip),
            "ip_group" | "ip_group[]" => Some(PlanField::IpGroup),
            _ => None,
        }
    }
}

pub type PlanFieldError = FieldError<PlanField>;
/// How a plan change or a cancel ends other than success: the shared change outcome.
pub type PlanError = ChangeError<PlanField>;

/// A v3-only account: plans are a v2 matter, addressed by username (API.md §2).
pub fn v3_only() -> PlanError {
    ChangeError::Unsupported(
        "This account exists only in SendGrid's v3 API. Plans are changed with the v2 reseller \
         API, which names customers by username, and this account has none."
            .to_string(),
    )
}

/// The plan form as typed: every value a string, as it arrives from a query string or a
/// form post. [`check`] is the only way from here to a change SendGrid is asked to make.
/// `ip[]` and `ip_group[]` are repeated fields (API.md §2.1: "repeated string"): the form posts
/// them as `ip[]=…&ip[]=…`; a single `ip=…` is read as a list of one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    pub action: String,
    pub timing: String,
    pub package: String,
    #[serde(deserialize_with = "one_or_many")]
    pub ip: Vec<String>,
    #[serde(deserialize_with = "one_or_many")]
    pub ip_group: Vec<String>,
}

/// A field given once (`ip=…`) or repeated (`ip[]=…`, `ip[0]=…`, a JSON array).
fn one_or_many<'de, D: serde::Deserializer<'de>>(input: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(input)? {
        OneOrMany::One(value) => vec![value],
        OneOrMany::Many(values) => values,
    })
}

impl PlanForm {
    /// The form's fields as query pairs, for the review step's URL and "Edit the change":
    /// each IP and IP group its own `ip[]` / `ip_group[]` pair, empty values left out.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut pairs = vec![
            ("action", self.action.clone()),
            ("timing", self.timing.clone()),
            ("package", self.package.clone()),
        ];
        pairs.extend(self.ips().into_iter().map(|ip| ("ip[]", ip)));
        pairs.extend(
            self.ip_groups()
                .into_iter()
                .map(|group| ("ip_group[]", group)),
        );
        pairs.retain(|(_, value)| !value.trim().is_empty());
        pairs
    }

    /// The IPs given, trimmed, without blanks or repeats, in the order given.
    pub fn ips(&self) -> Vec<String> {
        cleaned(&self.ip)
    }

    /// The IP groups given, trimmed, without blanks or repeats, in the order given.
    pub fn ip_groups(&self) -> Vec<String> {
        cleaned(&self.ip_group)
    }
}

/// Values trimmed, blanks and repeats dropped; a value with several lines (the IP groups
/// box, one group per line) counts as one value per line.
fn cleaned(values: &[String]) -> Vec<String> {
    let mut seen = Vec::new();
    let lines = values.iter().flat_map(|v| v.lines());
    for value in lines.map(str::trim).filter(|v| !v.is_empty()) {
        if !seen.iter().any(|s: &String| s == value) {
            seen.push(value.to_string());
        }
    }
    seen
}
