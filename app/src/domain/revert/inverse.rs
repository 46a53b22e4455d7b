//! The inverse of each kind of change that has one, computed against the account as SendGrid
//! reports it now (not replayed from the old call), with what it cannot give back.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Undo;
use crate::domain::limits::LimitTask;
use crate::domain::offerings::{OfferingKind, OfferingLine, OfferingsForm};
use crate::domain::plan::{action_unavailable, against_price, targets, PlanAction, PlanState};
use crate::domain::query::tab_href;

/// The inverse change, as the tab's review step takes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inverse {
    /// The customer tab whose review makes it: `plan`, `limits` or `offerings`.
    pub tab: &'static str,
    /// The review step's fields (`review=1` and `reverts` are added by [`Inverse::undo`]).
    pub pairs: Vec<(String, String)>,
    pub statement: String,
    pub cannot_undo: Vec<String>,
    pub since: Option<String>,
}

impl Inverse {
    /// The review of this inverse on `customer`'s page, linked to the change `event_id`, under
    /// the form key `key` (so the review's answer is found again after it is submitted, and a
    /// second submission replays the first).
    pub fn undo(self, customer: &str, event_id: i64, key: &str) -> Undo {
        let mut pairs = self.pairs;
        // The state step is its own confirmation; the others open on their review.
        if !pairs.iter().any(|(name, _)| name == "state") {
            pairs.insert(0, ("review".to_string(), "1".to_string()));
        }
        pairs.push(("reverts".to_string(), event_id.to_string()));
        pairs.push(("key".to_string(), key.to_string()));
        Undo::Review {
            statement: self.statement,
            href: tab_href(customer, self.tab, &pairs),
            cannot_undo: self.cannot_undo,
            since: self.since,
        }
    }
}

fn text<'a>(state: Option<&'a Value>, field: &str) -> Option<&'a str> {
    state.and_then(|s| s.get(field)).and_then(Value::as_str)
}

/// A plan change (API.md §2.1-2.3) undone by the upgrade or downgrade back to the package the
/// customer was on before it.
pub fn plan_inverse(
    reverted: PlanAction,
    before: &Value,
    after: Option<&Value>,
    now: &PlanState,
) -> Result<Inverse, String> {
    let user = &now.username;
    let back = text(Some(before), "package").unwrap_or_default();
    if now.package == *back {
        return Err(format!(
            "{user} is already on {back}: there is nothing to revert."
        ));
    }
    // The way the prices go first: SendGrid lets either action take any package, but a
    // cheaper one is a downgrade to the reseller and the customer (against_price).
    let offers = |action: PlanAction, by_price: bool| {
        action_unavailable(now, action).is_none()
            && targets(now, action)
                .iter()
                .any(|p| p.name == *back && (!by_price || against_price(now, action, p).is_none()))
    };
    let action = [true, false]
        .into_iter()
        .flat_map(|by_price| {
            [PlanAction::Upgrade, PlanAction::Downgrade]
                .into_iter()
                .map(move |action| (action, by_price))
        })
        .find(|(action, by_price)| offers(*action, *by_price))
        .map(|(action, _)| action)
        .ok_or_else(|| {
            format!(
                "{back} cannot be chosen for {user} now: SendGrid offers it neither as an upgrade \
                 nor as a downgrade from {}.",
                now.package.as_str()
            )
        })?;
    let mut cannot_undo = vec![match reverted {
        PlanAction::Upgrade => {
            "The upgrade's invoice stays: SendGrid invoiced it when it was made, \
             with a prorated discount within the period (API.md §2.1). Going back is a downgrade, \
             invoiced again when it happens (§2.2)."
                .to_string()
        }
        PlanAction::Downgrade => "The downgrade's invoice stays (API.md §2.2). Going back is an \
             upgrade, invoiced again, with a prorated discount within the period (§2.1)."
            .to_string(),
        PlanAction::Close => {
            "The close's invoice stays, zero-amount without overages (API.md \
             §2.3). Going back from free is an upgrade invoiced at the package's full price (§2.1)."
                .to_string()
        }
    }];
    cannot_undo.push(
        "IP addresses and groups are not put back by themselves: the review asks for what the \
         package needs (API.md §2.1)."
            .to_string(),
    );
    let since = text(after, "package")
        .filter(|after| now.package != **after)
        .map(|after| {
            format!(
                "Since that change the plan moved on: {user} is on {} now, not {after}.",
                now.package.as_str()
            )
        });
    Ok(Inverse {
        tab: "plan",
        pairs: vec![
            ("action".into(), action.as_str().into()),
            ("timing".into(), "now".into()),
            ("package".into(), back.to_string()),
        ],
        statement: format!("{} {user} back to {back}, now.", action.label()),
        cannot_undo,
        since,
    })
}

/// What a (sub)user's limit is now, as `retrieve` reports it (API.md §3); `None` credits when
/// it has no limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LimitNow {
    pub credits: Option<i64>,
}

fn credits(state: Option<&Value>) -> Option<i64> {
    let value = state?.get("credits")?;
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
}

fn limit_words(credits: Option<i64>) -> String {
    match credits {
        None => "no limit".to_string(),
        Some(n) => format!("{} credits", crate::domain::change::group_thousands(n)),
    }
}

/// A limit change (API.md §3) undone by `total` back to the credits before it, or `none` when
/// there was no limit.
pub fn limits_inverse(
    customer: &str,
    target: &str,
    before: &Value,
    after: Option<&Value>,
    now: LimitNow,
) -> Result<Inverse, String> {
    let back = credits(Some(before));
    if now.credits == back {
        return Err(format!(
            "{target} already has {}: there is nothing to revert.",
            limit_words(back)
        ));
    }
    let mut pairs = Vec::new();
    if target != customer {
        pairs.push(("target".to_string(), target.to_string()));
    }
    let (statement, cannot_undo) = match back {
        None => {
            pairs.push(("task".into(), LimitTask::Remove.as_str().into()));
            (
                format!("Remove {target}'s credit limit again."),
                vec![format!(
                    "A recurring reset {target} had before is not known from SendGrid's answer \
                     (API.md §3: `retrieve` does not report it) and is not set again."
                )],
            )
        }
        Some(n) => {
            pairs.push(("task".into(), LimitTask::Total.as_str().into()));
            pairs.push(("credits".into(), n.to_string()));
            (
                format!("Set {target}'s credits back to {}.", limit_words(Some(n))),
                vec![format!(
                    "Credits sent since stay spent: `total` sets the credits to exactly {} (API.md \
                     §3); it does not give back what {target} used in between.",
                    crate::domain::change::group_thousands(n)
                )],
            )
        }
    };
    let after_credits = credits(after);
    let since = (after.is_some() && after_credits != now.credits).then(|| {
        format!(
            "Since that change the limit moved on: {target} has {} now, {} after it.",
            limit_words(now.credits),
            limit_words(after_credits)
        )
    });
    Ok(Inverse {
        tab: "limits",
        pairs,
        statement,
        cannot_undo,
        since,
    })
}

fn addons(state: Option<&Value>) -> Vec<(String, i64)> {
    state
        .and_then(|s| s.get("addons"))
        .and_then(Value::as_object)
        .map(|map| {
            map.iter()
                .map(|(name, q)| (name.clone(), q.as_i64().unwrap_or(1)))
                .collect()
        })
        .unwrap_or_default()
}

fn quantity(list: &[(String, i64)], name: &str) -> Option<i64> {
    list.iter().find(|(n, _)| n == name).map(|(_, q)| *q)
}

/// An offerings change (API.md §5.7) undone on what the account holds now: each add-on the
/// change removed, added or re-counted is put back as it was, and only those; the package
/// likewise. Whatever moved on since is left as it is now, and said.
pub fn offerings_inverse(
    customer: &str,
    before: &Value,
    after: Option<&Value>,
    now: &[OfferingLine],
) -> Result<Inverse, String> {
    let current = OfferingsForm::from_current(now);
    let mut form = current.clone();
    let mut undone = Vec::new();
    let mut moved = Vec::new();
    let (package_before, package_after) = (text(Some(before), "package"), text(after, "package"));
    if package_before != package_after {
        match package_before {
            Some(back) if current.package == package_after.unwrap_or_default() => {
                form.package = back.to_string();
                undone.push(format!("package back to {back}"));
            }
            _ => moved.push(format!("the package (now {})", current.package)),
        }
    }
    let (was, became) = (addons(Some(before)), addons(after));
    let names: BTreeSet<&String> = was.iter().chain(became.iter()).map(|(n, _)| n).collect();
    let held = |name: &str| {
        now.iter()
            .find(|line| line.kind == OfferingKind::Addon && line.name == name)
            .map(|line| line.quantity)
    };
    for name in names {
        let (b, a) = (quantity(&was, name), quantity(&became, name));
        if b == a {
            continue;
        }
        if held(name) != a {
            moved.push(name.clone());
            continue;
        }
        form.addons.retain(|n| n != name);
        form.quantities.retain(|(n, _)| n != name);
        match b {
            Some(q) => {
                form.addons.push(name.clone());
                form.quantities.push((name.clone(), q.to_string()));
                undone.push(match a {
                    None => format!("add {name} ×{q} back"),
                    Some(_) => format!("{name} back to ×{q}"),
                });
            }
            None => undone.push(format!("remove {name} again")),
        }
    }
    let since = (!moved.is_empty()).then(|| {
        format!(
            "Changed again since, so left as the account holds it now: {}.",
            moved.join(", ")
        )
    });
    if undone.is_empty() {
        return Err(match since {
            Some(since) => format!("Nothing this change did is still in place. {since}"),
            None => "The account already holds what it held before this change.".to_string(),
        });
    }
    let mut pairs = vec![("timing".to_string(), "now".to_string())];
    pairs.extend(form.query_pairs());
    Ok(Inverse {
        tab: "offerings",
        pairs,
        statement: format!("Change the offerings of {customer}: {}.", undone.join(", ")),
        cannot_undo: vec![
            "Offerings take effect as soon as SendGrid provisions them (API.md §5.7): what the \
             account used or was billed while it held this set stays as it is."
                .to_string(),
        ],
        since,
    })
}

/// An account state change (API.md §5.9) undone by writing the state before it.
pub fn state_inverse(customer: &str, before: &Value, now: &str) -> Result<Inverse, String> {
    let back = text(Some(before), "state").unwrap_or_default();
    if now == back {
        return Err(format!(
            "{customer} is already {back}: there is nothing to revert."
        ));
    }
    let (statement, cannot_undo) = match back {
        "activated" => (
            format!("Activate {customer} again."),
            "SendGrid deactivated the account's API keys with the account (API.md §5.8); \
             activating does not turn them back on, so the customer makes new ones. Mail not \
             sent while it was deactivated is not sent now."
                .to_string(),
        ),
        _ => (
            format!("Deactivate {customer} again."),
            "Deactivating turns off the account's API keys (API.md §5.8), and activating it \
             later does not turn them back on."
                .to_string(),
        ),
    };
    let since = (!matches!(now, "activated" | "deactivated"))
        .then(|| format!("The account is {now} now: SendGrid set that state (API.md §5.8)."));
    Ok(Inverse {
        tab: "offerings",
        pairs: vec![("state".to_string(), back.to_string())],
        statement,
        cannot_undo: vec![cannot_undo],
        since,
    })
}
