//! What a full-set PUT (API.md §5.7) will change: each offering kept, added, removed or with
//! a new quantity. A pure function of the current and the desired set.

use serde::{Deserialize, Serialize};

use super::{OfferingKind, OfferingLine, OfferingSet};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiffChange {
    Kept,
    Added,
    Removed,
    QuantityChanged,
}

impl DiffChange {
    pub fn label(self) -> &'static str {
        match self {
            DiffChange::Kept => "Kept",
            DiffChange::Added => "Added",
            DiffChange::Removed => "Removed",
            DiffChange::QuantityChanged => "Quantity changed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiffLine {
    pub name: String,
    pub kind: OfferingKind,
    pub change: DiffChange,
    /// Quantity now; `None` when the account does not hold it.
    pub before: Option<i64>,
    /// Quantity after the change; `None` when it is removed.
    pub after: Option<i64>,
}

impl DiffLine {
    /// Removed outright, or fewer than before (a dedicated IP fewer is an IP gone).
    pub fn takes_away(&self) -> bool {
        match (self.before, self.after) {
            (Some(_), None) => true,
            (Some(before), Some(after)) => after < before,
            _ => false,
        }
    }
}

/// Lines for every offering in either set: packages first, then add-ons, each by name.
/// `current` is taken as SendGrid lists it (a missing quantity counts as 1, API.md §5.1).
pub fn diff(current: &[OfferingLine], desired: &OfferingSet) -> Vec<DiffLine> {
    let wanted = desired.lines();
    let quantity = |lines: &[OfferingLine], name: &str, kind: OfferingKind| {
        lines
            .iter()
            .find(|l| l.name == name && l.kind == kind)
            .map(|l| l.quantity)
    };
    let mut keys: Vec<(OfferingKind, String)> = current
        .iter()
        .chain(wanted.iter())
        .map(|l| (l.kind, l.name.clone()))
        .collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|(kind, name)| {
            let before = quantity(current, &name, kind);
            let after = quantity(&wanted, &name, kind);
            let change = match (before, after) {
                (None, _) => DiffChange::Added,
                (Some(_), None) => DiffChange::Removed,
                (Some(b), Some(a)) if a != b => DiffChange::QuantityChanged,
                _ => DiffChange::Kept,
            };
            DiffLine {
                name,
                kind,
                change,
                before,
                after,
            }
        })
        .collect()
}

/// Anything taken away needs the account's name or id typed to confirm.
pub fn needs_confirmation(lines: &[DiffLine]) -> bool {
    lines.iter().any(DiffLine::takes_away)
}
