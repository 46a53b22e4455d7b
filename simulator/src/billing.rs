//! Plan changes and invoices (API.md §2.1-2.5): immediate tasks apply now with a prorated
//! invoice, scheduled tasks wait for the end of the billing cycle, when `end_cycle` applies them.

use chrono::{Days, Months, NaiveDate};

use crate::catalog::{self, Package, PACKAGES};
use crate::state::{ChangeKind, Customer, Invoice, Rejection, ScheduledChange, World};

/// What an account-change task asks for, after parameter parsing.
#[derive(Debug, Clone, Default)]
pub struct PlanRequest {
    pub user: String,
    /// Required for upgrades and downgrades; a close always goes to the free package.
    pub package: Option<String>,
    pub ips: Vec<String>,
    pub ip_groups: Vec<String>,
}

pub const PENDING_EXISTS: &str = "User already has a pending account change";

/// The package a customer is on; names always come from the catalogue.
pub fn package_of(customer: &Customer) -> &'static Package {
    catalog::package(customer.package).unwrap_or(&PACKAGES[0])
}

/// Last day of the cycle that starts on `start`: monthly cycles.
pub fn cycle_end(start: NaiveDate) -> NaiveDate {
    let next = start.checked_add_months(Months::new(1)).unwrap_or(start);
    next.pred_opt().unwrap_or(next)
}

/// `task=immediate_*`: validate, apply, invoice.
pub fn change_now(world: &mut World, kind: ChangeKind, req: &PlanRequest) -> Result<(), Rejection> {
    let target = validate(world, kind, req)?;
    let today = world.today;
    let customer = world.customer(&req.user)?;
    let current = package_of(customer);
    let (amount_cents, description) = match kind {
        ChangeKind::Upgrade if current.price_cents == 0 => (
            target.price_cents,
            format!(
                "Upgrade from {} to {} (full price)",
                current.name, target.name
            ),
        ),
        ChangeKind::Upgrade => {
            let (left, total) = days_left(customer, today);
            let diff = target.price_cents - current.price_cents;
            (
                prorate(diff, left, total),
                format!(
                    "Prorated upgrade from {} to {} ({left} of {total} days)",
                    current.name, target.name
                ),
            )
        }
        ChangeKind::Downgrade | ChangeKind::Close => (
            overage_cents(customer),
            format!(
                "Change from {} to {}: overages of the current cycle",
                current.name, target.name
            ),
        ),
    };
    let invoice_kind = format!("immediate_{}", task_word(kind));
    apply(world, &req.user, target, &req.ips, &req.ip_groups);
    let customer = world.customer_mut(&req.user)?;
    if kind != ChangeKind::Upgrade {
        // The overages were billed on this invoice, so the usage counter starts again.
        customer.credits_used = 0;
    }
    customer.invoices.push(Invoice {
        date: today,
        kind: invoice_kind,
        package: target.name,
        amount_cents,
        description,
    });
    Ok(())
}

/// `task=scheduled_*`: validate now, queue the change for the day after the cycle ends.
pub fn schedule(world: &mut World, kind: ChangeKind, req: &PlanRequest) -> Result<(), Rejection> {
    let target = validate(world, kind, req)?;
    let today = world.today;
    let customer = world.customer_mut(&req.user)?;
    customer.scheduled_change = Some(ScheduledChange {
        kind,
        package: target.name,
        ips: req.ips.clone(),
        ip_groups: req.ip_groups.clone(),
        requested_on: today,
        effective_on: customer.billing_end_date + Days::new(1),
    });
    Ok(())
}

/// Called by the clock on the first day after a customer's cycle: applies a scheduled change
/// at the new price with no proration, or renews, then opens the next cycle (API.md §2.4).
pub fn end_cycle(world: &mut World, username: &str, day: NaiveDate) -> bool {
    let Ok(customer) = world.customer_mut(username) else {
        return false;
    };
    let overage = overage_cents(customer);
    let old = package_of(customer).name;
    let change = customer.scheduled_change.take();
    let applied = change.is_some();
    let (kind, target) = match change {
        Some(change) => {
            let target = catalog::package(change.package).unwrap_or(&PACKAGES[0]);
            apply(world, username, target, &change.ips, &change.ip_groups);
            (format!("scheduled_{}", task_word(change.kind)), target)
        }
        None => (
            "renewal".to_owned(),
            catalog::package(old).unwrap_or(&PACKAGES[0]),
        ),
    };
    if let Ok(customer) = world.customer_mut(username) {
        customer.invoices.push(Invoice {
            date: day,
            kind,
            package: target.name,
            amount_cents: target.price_cents + overage,
            description: format!(
                "{} for the cycle starting {day} (previous package {old})",
                target.name
            ),
        });
        customer.credits_used = 0;
        customer.billing_start_date = day;
        customer.billing_end_date = cycle_end(day);
    }
    applied
}

fn task_word(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Upgrade => "upgrade",
        ChangeKind::Downgrade => "downgrade",
        ChangeKind::Close => "close",
    }
}

/// The rules of API.md §2.1-2.5 and §8 item 1, shared by immediate and scheduled tasks.
fn validate(
    world: &World,
    kind: ChangeKind,
    req: &PlanRequest,
) -> Result<&'static Package, Rejection> {
    let customer = world.customer(&req.user)?;
    if customer.scheduled_change.is_some() {
        return Err(Rejection::invalid(PENDING_EXISTS));
    }
    let current = package_of(customer);
    let target = match kind {
        ChangeKind::Close if current.price_cents == 0 => {
            return Err(Rejection::invalid("User is already on the free package"));
        }
        ChangeKind::Close => &PACKAGES[0],
        ChangeKind::Upgrade | ChangeKind::Downgrade => {
            let name = req.package.as_deref().unwrap_or_default();
            let target =
                catalog::package(name).ok_or_else(|| Rejection::invalid("Package not found"))?;
            if kind == ChangeKind::Downgrade && current.price_cents == 0 {
                return Err(Rejection::invalid("Free customers cannot be downgraded"));
            }
            if kind == ChangeKind::Downgrade && target.price_cents >= current.price_cents {
                return Err(Rejection::invalid(
                    "Downgrade must be to a less expensive package",
                ));
            }
            if kind == ChangeKind::Upgrade && target.price_cents <= current.price_cents {
                return Err(Rejection::invalid(
                    "Upgrade must be to a more expensive package",
                ));
            }
            target
        }
    };
    if let Some(group) = req.ip_groups.iter().find(|g| !world.ip_group_exists(g)) {
        return Err(Rejection::invalid(format!(
            "IP group {group} does not exist"
        )));
    }
    if !req.ips.is_empty() && !target.has_ip {
        return Err(Rejection::invalid(format!(
            "{} does not include a dedicated IP",
            target.name
        )));
    }
    if let Some(ip) = req.ips.iter().find(|ip| !world.ip_is_free(ip)) {
        return Err(Rejection::invalid(format!("IP {ip} is not a free IP")));
    }
    if kind == ChangeKind::Upgrade {
        if target.has_ip && req.ips.is_empty() && customer.ips.is_empty() {
            return Err(Rejection::invalid(format!(
                "ip[] is required: {} needs a free IP",
                target.name
            )));
        }
        if !target.has_ip && req.ip_groups.is_empty() {
            return Err(Rejection::invalid(format!(
                "ip_group[] is required: {} has no dedicated IP",
                target.name
            )));
        }
    }
    Ok(target)
}

/// Moves the customer onto `target`: a package without a dedicated IP gives its IPs back.
fn apply(
    world: &mut World,
    username: &str,
    target: &'static Package,
    ips: &[String],
    groups: &[String],
) {
    world.assign_ips(username, ips, !target.has_ip);
    if let Ok(customer) = world.customer_mut(username) {
        customer.package = target.name;
        if !groups.is_empty() {
            customer.ip_groups = groups.to_vec();
        }
    }
}

/// Days left in the cycle counting today, and days in the whole cycle.
fn days_left(customer: &Customer, today: NaiveDate) -> (i64, i64) {
    let total = (customer.billing_end_date - customer.billing_start_date).num_days() + 1;
    let left = (customer.billing_end_date - today).num_days() + 1;
    (left.clamp(0, total), total.max(1))
}

/// `diff * left / total`, rounded half up to whole cents.
pub fn prorate(diff_cents: i64, left: i64, total: i64) -> i64 {
    (2 * diff_cents * left + total) / (2 * total)
}

/// What the emails sent over the allowance this cycle cost.
pub fn overage_cents(customer: &Customer) -> i64 {
    let package = package_of(customer);
    let over = (customer.credits_used - package.credits).max(0);
    (over as f64 * package.overage * 100.0).round() as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proration_rounds_half_up_to_cents() {
        assert_eq!(prorate(19_000, 15, 30), 9_500);
        assert_eq!(prorate(1, 1, 2), 1);
        assert_eq!(prorate(7_000, 1, 31), 226);
        assert_eq!(prorate(7_000, 31, 31), 7_000);
    }

    #[test]
    fn cycles_end_the_day_before_the_same_day_next_month() {
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(cycle_end(day("2024-01-15")), day("2024-02-14"));
        assert_eq!(cycle_end(day("2024-01-31")), day("2024-02-28"));
    }
}
