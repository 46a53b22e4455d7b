//! The reseller-wide list of changes waiting for a later day: SendGrid's own scheduled plan
//! changes (`reseller.pending`, API.md §2.6) and the changes the console holds for v3 accounts
//! (offerings and state, which SendGrid cannot schedule, API.md §5.7, §5.9).

use serde::{Deserialize, Serialize};

use super::plan::PlanAction;
use super::IsoDate;

/// What a waiting change does, for the list's filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum WaitingKind {
    Upgrade,
    Downgrade,
    Close,
    Offerings,
    State,
}

impl WaitingKind {
    pub const ALL: [WaitingKind; 5] = [
        WaitingKind::Upgrade,
        WaitingKind::Downgrade,
        WaitingKind::Close,
        WaitingKind::Offerings,
        WaitingKind::State,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            WaitingKind::Upgrade => "upgrade",
            WaitingKind::Downgrade => "downgrade",
            WaitingKind::Close => "close",
            WaitingKind::Offerings => "offerings",
            WaitingKind::State => "state",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            WaitingKind::Upgrade => "Upgrade",
            WaitingKind::Downgrade => "Downgrade",
            WaitingKind::Close => "Close",
            WaitingKind::Offerings => "Offerings",
            WaitingKind::State => "Account state",
        }
    }

    pub fn parse(value: &str) -> Option<WaitingKind> {
        WaitingKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == value.trim())
    }

    pub fn of_plan(action: PlanAction) -> WaitingKind {
        match action {
            PlanAction::Upgrade => WaitingKind::Upgrade,
            PlanAction::Downgrade => WaitingKind::Downgrade,
            PlanAction::Close => WaitingKind::Close,
        }
    }

    /// The kind of a `reseller.pending` entry, from its `type` as SendGrid words it
    /// ("Account Upgrade", API.md §2.6).
    pub fn from_pending_type(text: &str) -> Option<WaitingKind> {
        let text = text.to_ascii_lowercase();
        [
            WaitingKind::Upgrade,
            WaitingKind::Downgrade,
            WaitingKind::Close,
        ]
        .into_iter()
        .find(|kind| text.contains(kind.as_str()))
    }
}

/// Who holds a waiting change, and so where it is cancelled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Holder {
    /// SendGrid applies it at the cycle end; cancelled with `reseller.pending task=delete`.
    SendGrid,
    /// The console's worker runs it when due; cancelled in the console.
    Console,
}

/// One change waiting for its day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingChange {
    /// The key of the customer's page (a v2 username, or a v3-only account id).
    pub customer: String,
    pub kind: Option<WaitingKind>,
    /// What it will do, in words.
    pub summary: String,
    /// The day it applies, when known.
    pub due: Option<IsoDate>,
    pub holder: Holder,
    /// The console's job, for a change the console holds.
    pub job_id: Option<i64>,
    /// Who asked the console to hold it (SendGrid does not say who scheduled its changes).
    pub created_by: Option<String>,
}

/// The list's filter, as typed in its form.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingFilter {
    pub kind: Option<WaitingKind>,
    /// Only changes due on or before this day.
    pub due_by: Option<IsoDate>,
}

impl WaitingFilter {
    /// Reads the form: an empty field is no filter; anything else must be valid.
    pub fn parse(kind: &str, due_by: &str) -> Result<WaitingFilter, String> {
        let kind = match kind.trim() {
            "" => None,
            text => Some(WaitingKind::parse(text).ok_or_else(|| {
                "Choose a kind: upgrade, downgrade, close, offerings or state.".to_string()
            })?),
        };
        let due_by = match due_by.trim() {
            "" => None,
            text => Some(
                IsoDate::parse(text)
                    .map_err(|_| "Enter the day as YYYY-mm-dd, e.g. 2026-12-31.".to_string())?,
            ),
        };
        Ok(WaitingFilter { kind, due_by })
    }

    /// Whether a change of `kind` due on `due` passes; an unknown day passes a day filter
    /// (it may be due any time).
    pub fn admits(&self, kind: Option<WaitingKind>, due: Option<IsoDate>) -> bool {
        let kind_ok = match self.kind {
            None => true,
            Some(wanted) => kind == Some(wanted),
        };
        let due_ok = match (self.due_by, due) {
            (Some(by), Some(due)) => due <= by,
            _ => true,
        };
        kind_ok && due_ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_filter_reads_its_form_and_admits_what_it_names() {
        assert_eq!(
            WaitingFilter::parse("", " ").unwrap(),
            WaitingFilter::default()
        );
        assert!(WaitingFilter::parse("banana", "").is_err());
        assert!(WaitingFilter::parse("", "31/12/2026").is_err());
        let filter = WaitingFilter::parse("downgrade", "2026-12-31").unwrap();
        let day = |text| IsoDate::parse(text).ok();
        assert!(filter.admits(Some(WaitingKind::Downgrade), day("2026-12-01")));
        assert!(!filter.admits(Some(WaitingKind::Downgrade), day("2027-01-01")));
        assert!(!filter.admits(Some(WaitingKind::Close), day("2026-12-01")));
        assert!(filter.admits(Some(WaitingKind::Downgrade), None));
    }

    #[test]
    fn sendgrids_wording_names_the_kind() {
        assert_eq!(
            WaitingKind::from_pending_type("Account Downgrade"),
            Some(WaitingKind::Downgrade)
        );
        assert_eq!(
            WaitingKind::from_pending_type("Account Close"),
            Some(WaitingKind::Close)
        );
        assert_eq!(WaitingKind::from_pending_type("Something else"), None);
    }
}
