//! What the home page tells an operator needs them: each item with its count and the filtered
//! screen it links to, only the items their role can act on or read.

use serde::{Deserialize, Serialize};

use super::bulk::JobSummary;
use super::directory::SyncStatus;
use super::scheduled::WaitingChange;
use super::IsoDate;

/// Days ahead that "falls due this week" looks.
pub const DUE_WITHIN_DAYS: u64 = 7;
/// Days back a bulk job with failures stays on the home page.
pub const BULK_RECENT_DAYS: i64 = 7;

/// Everything read from the console's own database (and SendGrid's cached health), so the home
/// page answers at once; what needs SendGrid's lists comes separately ([`DueSoon`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WhatNeedsYou {
    /// Changes sent to SendGrid whose outcome is not known.
    pub unknown_outcomes: usize,
    /// Changes waiting for a second person's approval.
    pub approvals_waiting: i64,
    /// Bulk jobs running, or finished in the last week with customers failed or unknown; `None`
    /// for roles that do not run bulk changes.
    pub bulk: Option<Vec<JobSummary>>,
    pub directory: SyncStatus,
    /// Whether a cheap authenticated read of SendGrid worked in the last seconds.
    pub sendgrid_ok: bool,
}

/// Changes falling due in the next [`DUE_WITHIN_DAYS`] days, both kinds (SendGrid's and the
/// console's), soonest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueSoon {
    /// The last day counted, for the `/scheduled?due_by=` link.
    pub due_by: IsoDate,
    pub changes: Vec<WaitingChange>,
    /// Set when SendGrid's list could not be read (the console's own are still counted).
    pub note: Option<String>,
    /// When SendGrid's list was read (RFC 3339), which may be a few seconds before the page.
    pub sendgrid_read_at: Option<String>,
}
