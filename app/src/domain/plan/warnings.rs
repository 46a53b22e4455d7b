//! What the review step warns about: where the documents are silent, the console does not
//! refuse on a guess; it says what SendGrid may refuse, and SendGrid's answer decides.

use super::rules::against_price;
use super::{PlanAction, PlanState, ValidPlanChange};

/// What SendGrid may refuse, or do differently than the operator expects, where the
/// documents are silent. Shown on the review step; never a reason to refuse.
pub fn warnings(change: &ValidPlanChange, state: &PlanState) -> Vec<String> {
    let mut found = Vec::new();
    if let Some(pending) = &state.pending {
        // API.md §2.6 documents no rule about a second change while one waits.
        found.push(format!(
            "SendGrid may refuse this: {} is already scheduled, and the documents do not say \
             whether another change may be made while one waits. Cancel it first to be sure.",
            pending.summary()
        ));
    }
    let Some(current) = state.current() else {
        found.push(format!(
            "SendGrid does not list the current package ({}) among its packages, so the \
             console cannot compare prices or estimate the invoice.",
            state.package
        ));
        return found;
    };
    match (&change.target, change.action) {
        (Some(target), action) => {
            if let Some(words) = against_price(state, action, target) {
                found.push(format!(
                    "SendGrid may refuse this: {} is {words} than {}, and the documents do not \
                     say whether {} must go the other way.",
                    target.label(),
                    current.label(),
                    match action {
                        PlanAction::Upgrade => "an upgrade",
                        _ => "a downgrade",
                    }
                ));
            }
        }
        // A close "closes the account or reverts it to a free user" (API.md §2.3); which of
        // the two a free account gets is not documented.
        (None, PlanAction::Close) if current.is_free() => found.push(
            "SendGrid may refuse this, or close the account outright: it is already on the \
             free package, and the documents do not say what a close does to a free account."
                .to_string(),
        ),
        (None, _) => {}
    }
    found
}
