//! A change held for later is applied as the change the operator reviewed, not as the whole
//! set: the PUT replaces everything (API.md §5.7), and by the day it is due the account may
//! hold more or less than at review. So the reviewed difference (this package instead of that,
//! these add-ons added or set to a quantity, those removed) is applied to what SendGrid
//! reports then, and everything else the account gained meanwhile is kept.

use super::{OfferingKind, OfferingLine, OfferingSet};

/// What to PUT when a held change comes due: `found` (the account now) with the change from
/// `reviewed` (the account at review) to `desired` applied. Add-ons the change did not touch
/// keep what `found` has; the package is the desired one when the change named another.
pub fn apply_delta(
    found: &[OfferingLine],
    reviewed: &[OfferingLine],
    desired: &OfferingSet,
) -> Vec<OfferingLine> {
    let key = |l: &OfferingLine| (l.kind, l.name.trim().to_string());
    let wanted = desired.lines();
    let held_before = |k: &(OfferingKind, String)| reviewed.iter().find(|l| &key(l) == k);
    let wanted_now = |k: &(OfferingKind, String)| wanted.iter().find(|l| &key(l) == k);
    let package_changed = reviewed
        .iter()
        .filter(|l| l.kind == OfferingKind::Package)
        .map(key)
        .ne(wanted
            .iter()
            .filter(|l| l.kind == OfferingKind::Package)
            .map(key));

    let mut result: Vec<OfferingLine> = Vec::new();
    for line in found {
        let k = key(line);
        let touched = held_before(&k).map(|l| l.quantity) != wanted_now(&k).map(|l| l.quantity);
        match (line.kind, touched, wanted_now(&k)) {
            // Another package replaces this one when the change named a new package.
            (OfferingKind::Package, _, None) if package_changed => {}
            // Removed by the change.
            (_, true, None) => {}
            // Set by the change to its reviewed quantity.
            (_, true, Some(wanted)) => result.push(wanted.clone()),
            // Not part of the change: as the account holds it now.
            _ => result.push(line.clone()),
        }
    }
    for line in &wanted {
        let k = key(line);
        let added = held_before(&k).map(|l| l.quantity) != Some(line.quantity);
        let present = result.iter().any(|l| key(l) == k);
        if added && !present {
            result.push(line.clone());
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::offerings::decode_lines;

    fn lines(text: &str) -> Vec<OfferingLine> {
        decode_lines(text).unwrap()
    }

    fn set(text: &str) -> OfferingSet {
        OfferingSet::parse(&lines(text)).unwrap()
    }

    fn sorted(mut lines: Vec<OfferingLine>) -> Vec<(String, i64)> {
        lines.sort_by(|a, b| a.name.cmp(&b.name));
        lines.into_iter().map(|l| (l.name, l.quantity)).collect()
    }

    #[test]
    fn what_the_account_gained_since_the_review_is_kept() {
        let reviewed = lines("package:pro:1,addon:mc:1");
        let desired = set("package:pro:1,addon:mc:1,addon:ease:1");
        // Meanwhile someone added two IPs in SendGrid's own console.
        let found = lines("package:pro:1,addon:mc:1,addon:ip:2");
        assert_eq!(
            sorted(apply_delta(&found, &reviewed, &desired)),
            [
                ("ease".into(), 1),
                ("ip".into(), 2),
                ("mc".into(), 1),
                ("pro".into(), 1)
            ]
        );
    }

    #[test]
    fn removals_and_quantities_apply_and_a_new_package_replaces_the_old() {
        let reviewed = lines("package:free:1,addon:mc:1,addon:ip:1");
        let desired = set("package:pro:1,addon:ip:3");
        let found = lines("package:free:1,addon:mc:1,addon:ip:1,addon:ease:1");
        assert_eq!(
            sorted(apply_delta(&found, &reviewed, &desired)),
            [("ease".into(), 1), ("ip".into(), 3), ("pro".into(), 1)]
        );
    }

    #[test]
    fn an_account_unchanged_since_the_review_gets_exactly_the_desired_set() {
        let reviewed = lines("package:free:1,addon:mc:1");
        let desired = set("package:pro:1,addon:ease:2");
        assert_eq!(
            sorted(apply_delta(&reviewed, &reviewed, &desired)),
            sorted(desired.lines())
        );
    }
}
