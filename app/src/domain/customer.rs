use serde::{Deserialize, Serialize};

use super::directory::CustomerRow;
use super::plan::{BillingCycle, PendingInfo};

/// The header of a customer's page: who they are (from the directory) and, read live, their
/// package, state, billing period and any scheduled change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerSummary {
    /// The directory's entry; its package and state are replaced by what SendGrid says now.
    pub customer: CustomerRow,
    pub cycle: Option<BillingCycle>,
    pub pending: Option<PendingInfo>,
    /// When the directory last saw this customer; `None` when found only upstream.
    pub synced_at: Option<String>,
    /// Why some live details are missing, when they are.
    pub live_note: Option<String>,
}

/// The badge colour of an account state: v3 states (API.md §5.8) or v2 `active`.
pub fn state_tone(state: &str) -> &'static str {
    match state {
        "activated" | "active" => "badge-ok",
        "deactivated" | "inactive" | "indeterminate" => "badge-warn",
        "suspended" | "banned" => "badge-danger",
        _ => "",
    }
}
