//! The review step: what a change will do, in one paragraph, before anything is sent.

use serde::{Deserialize, Serialize};

use super::{BillingCycle, Placement, PlanAction, PlanState, PlanTiming, ValidPlanChange};
use crate::domain::{Cents, IsoDate};

/// An estimate of the prorated invoice of an immediate upgrade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Estimate {
    pub amount: Cents,
    /// Days left in the cycle, today and the last day included.
    pub days_left: i64,
    pub days_in_cycle: i64,
}

/// `(new - old) * days_left / days_in_cycle`, rounded half up to the cent, where both day
/// counts include today and the cycle's last day. API.md §2.1 only says "a prorated discount
/// will be applied to the invoice" and gives no formula, so this is the console's estimate,
/// labelled as such with its formula beside it ([`estimate_formula`]); SendGrid's invoice
/// decides. `today` is clamped into the cycle.
pub fn prorated_estimate(old: Cents, new: Cents, cycle: BillingCycle, today: IsoDate) -> Estimate {
    let days_in_cycle = cycle.days().max(1);
    let today = today.clamp(cycle.start, cycle.end);
    let days_left = (today.days_until(cycle.end) + 1).clamp(1, days_in_cycle);
    let difference = (new.0 - old.0).max(0);
    let amount = (difference * days_left * 2 + days_in_cycle) / (2 * days_in_cycle);
    Estimate {
        amount: Cents(amount),
        days_left,
        days_in_cycle,
    }
}

/// Exactly what confirming `change` will do, e.g. "Upgrade acme-co from Basic Package ($9.95)
/// to Silver Package ($79.95) now. SendGrid will invoice a prorated amount, about $46.63 for
/// the 18 days left of this 30-day cycle (the console's estimate)."
pub fn describe(change: &ValidPlanChange, state: &PlanState, today: IsoDate) -> String {
    let user = &state.username;
    let current = state
        .current()
        .map(|c| c.label())
        .unwrap_or_else(|| state.package.to_string());
    let when = match change.timing {
        PlanTiming::Now => "now".to_string(),
        PlanTiming::EndOfCycle => match state.cycle {
            Some(cycle) => format!("at the end of the billing cycle on {}", cycle.end),
            None => "at the end of the billing cycle".to_string(),
        },
    };
    let head = match (&change.action, &change.target) {
        (PlanAction::Close, _) | (_, None) => {
            format!("Close {user}'s account {when}: it reverts to a free account")
        }
        (action, Some(target)) => format!(
            "{} {user} from {current} to {} {when}",
            if *action == PlanAction::Upgrade {
                "Upgrade"
            } else {
                "Downgrade"
            },
            target.label()
        ),
    };
    let placement = match &change.placement {
        Placement::Unchanged => String::new(),
        Placement::Ips(ips) => match ips.as_slice() {
            [one] => format!(", with the dedicated IP {one}"),
            several => format!(
                ", with the dedicated IPs {}",
                and_list(several, |ip| ip.to_string())
            ),
        },
        Placement::IpGroups(groups) => match groups.as_slice() {
            [one] => format!(", placed in the IP group {one:?}"),
            several => format!(
                ", placed in the IP groups {}",
                and_list(several, |g| format!("{g:?}"))
            ),
        },
    };
    format!("{head}{placement}. {}", invoice_note(change, state, today))
}

/// How the estimate in [`describe`] was made, for the operator who asks: `None` when the
/// change has no estimate (anything but an immediate upgrade from a paid package).
pub fn estimate_formula(
    change: &ValidPlanChange,
    state: &PlanState,
    today: IsoDate,
) -> Option<String> {
    if (change.action, change.timing) != (PlanAction::Upgrade, PlanTiming::Now) {
        return None;
    }
    let (current, target, cycle) = (state.current()?, change.target.as_ref()?, state.cycle?);
    if current.is_free() || target.price <= current.price {
        return None;
    }
    let estimate = prorated_estimate(current.price, target.price, cycle, today);
    Some(format!(
        "(new price − current price) × days left ÷ days in the cycle = ({} − {}) × {} ÷ {} = {}, \
         rounded to the cent; the days count today and {}, the cycle's last day. SendGrid's \
         documents say only that the upgrade gets a prorated discount (API.md §2.1), so its \
         invoice may differ.",
        target.price,
        current.price,
        estimate.days_left,
        estimate.days_in_cycle,
        estimate.amount,
        cycle.end
    ))
}

/// "a, b and c".
fn and_list(items: &[String], show: impl Fn(&str) -> String) -> String {
    let shown: Vec<String> = items.iter().map(|item| show(item)).collect();
    match shown.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => shown.join(""),
    }
}

/// What SendGrid will invoice, from the rules of §2.1–2.5.
fn invoice_note(change: &ValidPlanChange, state: &PlanState, today: IsoDate) -> String {
    let current = state.current();
    let new_price = change.target.as_ref().map(|t| t.price);
    match (change.action, change.timing) {
        (PlanAction::Upgrade, PlanTiming::Now) => {
            let (Some(current), Some(new)) = (current, new_price) else {
                return "SendGrid will invoice a prorated amount.".to_string();
            };
            if current.is_free() {
                // "Free → paid: the invoice is for the full price of the new package" (§2.1).
                return format!("SendGrid will invoice the full price of the new package, {new}.");
            }
            if new <= current.price {
                // §2.1 prorates a discount towards a dearer package; for one that costs no
                // more there is nothing to estimate from.
                return "SendGrid generates an invoice; the new package costs no more, so the \
                        console makes no estimate."
                    .to_string();
            }
            match state.cycle {
                Some(cycle) => {
                    let estimate = prorated_estimate(current.price, new, cycle, today);
                    format!(
                        "SendGrid will invoice a prorated amount, about {} for the {} day{} left \
                         of this {}-day cycle (the console's estimate).",
                        estimate.amount,
                        estimate.days_left,
                        if estimate.days_left == 1 { "" } else { "s" },
                        estimate.days_in_cycle
                    )
                }
                None => "SendGrid will invoice a prorated amount; without billing dates no \
                         estimate can be made."
                    .to_string(),
            }
        }
        (PlanAction::Downgrade, PlanTiming::Now) => {
            "SendGrid generates an invoice for the customer once the downgrade happens.".to_string()
        }
        (PlanAction::Close, PlanTiming::Now) => {
            "SendGrid generates an invoice at the new package price, a zero-amount one if there \
             are no overages."
                .to_string()
        }
        (_, PlanTiming::EndOfCycle) => {
            let applies = state
                .cycle
                .and_then(|c| c.process)
                .map(|date| format!(" It applies on {date}, and SendGrid then invoices"))
                .unwrap_or_else(|| " SendGrid then invoices".to_string());
            let price = match new_price {
                Some(price) => format!(" the new package price, {price}."),
                None => " at the free package price, zero if there are no overages.".to_string(),
            };
            format!("No proration.{applies}{price}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::plan::rules::tests::state_on;
    use crate::domain::plan::{check, PlanForm};

    fn date(text: &str) -> IsoDate {
        IsoDate::parse(text).unwrap()
    }

    fn change(
        state: &PlanState,
        action: &str,
        timing: &str,
        package: &str,
        ip: &str,
    ) -> ValidPlanChange {
        let form = PlanForm {
            action: action.into(),
            timing: timing.into(),
            package: package.into(),
            ip: vec![ip.into()],
            ip_group: Vec::new(),
        };
        check(&form, state).unwrap()
    }

    fn change_to_group(
        state: &PlanState,
        action: &str,
        timing: &str,
        package: &str,
        group: &str,
    ) -> ValidPlanChange {
        let form = PlanForm {
            action: action.into(),
            timing: timing.into(),
            package: package.into(),
            ip: Vec::new(),
            ip_group: vec![group.into()],
        };
        check(&form, state).unwrap()
    }

    #[test]
    fn estimates_count_today_and_the_last_day() {
        let cycle = state_on("Basic Package").cycle.unwrap();
        let estimate = prorated_estimate(Cents(995), Cents(7995), cycle, date("2026-11-13"));
        assert_eq!(estimate.days_left, 18);
        assert_eq!(estimate.days_in_cycle, 30);
        assert_eq!(estimate.amount, Cents(4200));
        let last_day = prorated_estimate(Cents(995), Cents(7995), cycle, date("2026-11-30"));
        assert_eq!((last_day.days_left, last_day.amount), (1, Cents(233)));
    }

    #[test]
    fn estimates_round_half_up_and_clamp_today_into_the_cycle() {
        let cycle = BillingCycle {
            start: date("2026-11-01"),
            end: date("2026-11-03"),
            process: None,
        };
        // 100 * 1 / 3 = 33.33 -> 33; 5 * 1 / 2 would be 2.5 -> 3.
        assert_eq!(
            prorated_estimate(Cents(0), Cents(100), cycle, date("2026-11-03")).amount,
            Cents(33)
        );
        let two_days = BillingCycle {
            end: date("2026-11-02"),
            ..cycle
        };
        assert_eq!(
            prorated_estimate(Cents(0), Cents(5), two_days, date("2026-11-02")).amount,
            Cents(3)
        );
        let before = prorated_estimate(Cents(0), Cents(300), cycle, date("2026-10-01"));
        assert_eq!(before.days_left, 3);
        let after = prorated_estimate(Cents(0), Cents(300), cycle, date("2027-01-01"));
        assert_eq!(after.days_left, 1);
    }

    #[test]
    fn an_immediate_upgrade_states_the_prorated_estimate() {
        let state = state_on("Basic Package");
        let text = describe(
            &change(&state, "upgrade", "now", "Silver Package", "198.51.100.200"),
            &state,
            date("2026-11-13"),
        );
        assert_eq!(
            text,
            "Upgrade acme-co from Basic Package ($9.95) to Silver Package ($79.95) now, with the \
             dedicated IP 198.51.100.200. SendGrid will invoice a prorated amount, about $42.00 \
             for the 18 days left of this 30-day cycle (the console's estimate)."
        );
        let upgrade = change(&state, "upgrade", "now", "Silver Package", "198.51.100.200");
        assert_eq!(
            estimate_formula(&upgrade, &state, date("2026-11-13")).unwrap(),
            "(new price − current price) × days left ÷ days in the cycle = ($79.95 − $9.95) × 18 \
             ÷ 30 = $42.00, rounded to the cent; the days count today and 2026-11-30, the cycle's \
             last day. SendGrid's documents say only that the upgrade gets a prorated discount \
             (API.md §2.1), so its invoice may differ."
        );
    }

    #[test]
    fn an_upgrade_to_a_package_that_costs_no_more_has_no_estimate() {
        let state = state_on("Gold Package");
        let valid = change(&state, "upgrade", "now", "Silver Package", "198.51.100.200");
        let text = describe(&valid, &state, date("2026-11-13"));
        assert!(
            text.ends_with("so the console makes no estimate."),
            "{text}"
        );
        assert_eq!(estimate_formula(&valid, &state, date("2026-11-13")), None);
    }

    #[test]
    fn an_upgrade_from_free_costs_the_full_price() {
        let state = state_on("Free Package");
        let mut valid = change(&state, "upgrade", "now", "Silver Package", "198.51.100.200");
        valid.placement = Placement::Unchanged;
        let text = describe(&valid, &state, date("2026-11-13"));
        assert!(
            text.ends_with("the full price of the new package, $79.95."),
            "{text}"
        );
    }

    #[test]
    fn scheduled_changes_name_the_cycle_end_and_no_proration() {
        let state = state_on("Gold Package");
        let text = describe(
            &change_to_group(
                &state,
                "downgrade",
                "end_of_cycle",
                "Basic Package",
                "Reseller Group",
            ),
            &state,
            date("2026-11-13"),
        );
        assert_eq!(
            text,
            "Downgrade acme-co from Gold Package ($199.95) to Basic Package ($9.95) at the end of \
             the billing cycle on 2026-11-30, placed in the IP group \"Reseller Group\". No proration. It applies on 2026-12-01, and SendGrid \
             then invoices the new package price, $9.95."
        );
        let close = describe(
            &change(&state, "close", "now", "", ""),
            &state,
            date("2026-11-13"),
        );
        assert!(close.starts_with("Close acme-co's account now: it reverts to a free account."));
    }
}
