//! Limits in words: what is in force, what a change will do, and what it did.

use super::{CurrentLimit, RecurringRule, RememberedRule, ValidLimitChange};
use crate::domain::change::group_thousands;

fn credits(n: i64) -> String {
    let unit = if n == 1 { "credit" } else { "credits" };
    format!("{} {unit}", group_thousands(n))
}

/// "No limit" or "2,000 credits left; allowance 5,000; last reset 2026-11-01": what
/// `retrieve` reports, and nothing it does not. API.md §3 gives `credit_remain` as what is
/// left and `credit` as the configured allowance or reset value, and its own samples
/// (`credit 0, credit_remain 2000`) show the two need not relate, so they are never joined as
/// "X of Y".
pub fn describe_limit(limit: Option<&CurrentLimit>) -> String {
    let Some(limit) = limit else {
        return "No limit".to_string();
    };
    let reset = limit
        .last_reset
        .map(|day| format!("; last reset {day}"))
        .unwrap_or_default();
    format!(
        "{} left; allowance {}{reset}",
        credits(limit.remaining),
        group_thousands(limit.credit)
    )
}

/// What the two figures of [`describe_limit`] are, as the documents give them.
pub const LIMIT_FIGURES: &str = "Left is SendGrid's credit_remain, the credits the user can \
     still spend; allowance is its credit, the amount set or reset to. SendGrid's documents \
     leave the exact meaning of credit open (API.md §3), so both are shown as reported.";

/// "Resets to 500 every week from 2026-12-01 until 2027-06-30".
pub fn describe_rule(rule: &RecurringRule) -> String {
    let from = rule
        .start
        .map(|day| format!(" from {day}"))
        .unwrap_or_default();
    let until = rule
        .end
        .map(|day| format!(" until {day}"))
        .unwrap_or_default();
    format!(
        "Resets to {} {}{from}{until}",
        group_thousands(i64::from(rule.credits.get())),
        rule.period.every()
    )
}

impl RememberedRule {
    /// The rule, and that it is the console's own record (`retrieve` does not return it).
    pub fn describe(&self) -> String {
        format!(
            "{} (set from this console on {} by {})",
            describe_rule(&self.rule),
            self.set_on,
            self.set_by
        )
    }
}

/// What the change will do to `user`, for the review step.
pub fn describe_change(
    change: &ValidLimitChange,
    user: &str,
    current: Option<&CurrentLimit>,
) -> String {
    let left = current.map(|c| c.remaining);
    match change {
        ValidLimitChange::Remove => match current {
            Some(_) => {
                format!("Remove every credit limit from {user}: they can send without a cap.")
            }
            None => format!("{user} has no limit now; removing it again changes nothing."),
        },
        ValidLimitChange::Total(n) => format!(
            "Set {user}'s credits to exactly {}{}.",
            group_thousands(i64::from(n.get())),
            left.map(|l| format!(" (now {} left)", group_thousands(l)))
                .unwrap_or_default()
        ),
        ValidLimitChange::Increment(n) => format!(
            "Add {} to {user}'s balance{}.",
            credits(i64::from(n.get())),
            left.map(|l| format!(
                " ({} → {})",
                group_thousands(l),
                group_thousands(l + i64::from(n.get()))
            ))
            .unwrap_or_default()
        ),
        ValidLimitChange::Decrement(n) => {
            let amount = i64::from(n.get());
            let mut text = format!(
                "Take {} away from {user}'s balance{}.",
                credits(amount),
                left.map(|l| format!(
                    " ({} → {})",
                    group_thousands(l),
                    group_thousands(l - amount)
                ))
                .unwrap_or_default()
            );
            // API.md §3 does not say what a decrement below zero does: SendGrid decides.
            if left.is_some_and(|l| amount > l) {
                text.push_str(
                    " SendGrid may refuse this: it takes away more than is left, and its \
                     documents do not say what happens then.",
                );
            }
            text
        }
        ValidLimitChange::Recurring(rule) => {
            let initial = rule
                .initial
                .map(|i| format!(", starting with {}", credits(i64::from(i.get()))))
                .unwrap_or_default();
            format!("{user}: {}{initial}.", describe_rule(rule))
        }
    }
}

/// What was done, for the outcome and the audit summary.
pub fn done_summary(change: &ValidLimitChange, user: &str) -> String {
    match change {
        ValidLimitChange::Remove => format!("Removed the credit limit of {user}."),
        ValidLimitChange::Total(n) => format!(
            "Set {user}'s credits to {}.",
            group_thousands(i64::from(n.get()))
        ),
        ValidLimitChange::Increment(n) => {
            format!("Added {} to {user}.", credits(i64::from(n.get())))
        }
        ValidLimitChange::Decrement(n) => {
            format!("Took {} away from {user}.", credits(i64::from(n.get())))
        }
        ValidLimitChange::Recurring(rule) => format!(
            "{user} now has a recurring limit: {}.",
            describe_rule(rule).to_lowercase()
        ),
    }
}
