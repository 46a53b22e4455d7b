//! Credit limits of customers and their subusers (API.md §3): the six tasks and the
//! recurring resets the clock drives.

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::state::{Limit, Period, Recurring, Rejection, World};

/// A parsed `method=limit` task; parameter rules are checked before one is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LimitTask {
    Retrieve,
    Remove,
    Recurring {
        credits: i64,
        period: Period,
        startdate: Option<NaiveDate>,
        enddate: Option<NaiveDate>,
        initial_credits: Option<i64>,
    },
    Total(i64),
    Increment(i64),
    Decrement(i64),
}

pub const NO_LIMIT: &str = "User has no credit limit";
pub const BELOW_ZERO: &str = "Cannot decrement credits below zero";
pub const END_BEFORE_START: &str = "enddate must not be before startdate";

/// Runs `task` for `user` (a customer or a subuser); answers the limit now in force.
pub fn run(world: &mut World, user: &str, task: LimitTask) -> Result<Option<Limit>, Rejection> {
    let today = world.today;
    let slot = world.limit_slot(user)?;
    match task {
        LimitTask::Retrieve => {}
        LimitTask::Remove => *slot = None,
        LimitTask::Recurring {
            credits,
            period,
            startdate,
            enddate,
            initial_credits,
        } => {
            let startdate = startdate.unwrap_or(today);
            if enddate.is_some_and(|end| end < startdate) {
                return Err(Rejection::invalid(END_BEFORE_START));
            }
            let next = next_after(startdate, period, today)
                .filter(|d| enddate.is_none_or(|end| *d <= end));
            *slot = Some(Limit {
                credit: credits,
                credit_remain: initial_credits.unwrap_or(credits),
                last_reset: today,
                recurring: Some(Recurring {
                    credits,
                    period,
                    startdate,
                    enddate,
                    next_reset: next,
                }),
            });
        }
        // `total` sets the balance and the allowance; a recurring rule stays and its next
        // reset overwrites the balance again (API.md §9 Q3 leaves this open).
        LimitTask::Total(credits) => match slot {
            Some(limit) => {
                limit.credit = credits;
                limit.credit_remain = credits;
            }
            None => {
                *slot = Some(Limit {
                    credit: credits,
                    credit_remain: credits,
                    last_reset: today,
                    recurring: None,
                });
            }
        },
        LimitTask::Increment(credits) => {
            let limit = slot.as_mut().ok_or_else(|| Rejection::invalid(NO_LIMIT))?;
            limit.credit_remain += credits;
        }
        LimitTask::Decrement(credits) => {
            let limit = slot.as_mut().ok_or_else(|| Rejection::invalid(NO_LIMIT))?;
            if limit.credit_remain < credits {
                return Err(Rejection::invalid(BELOW_ZERO));
            }
            limit.credit_remain -= credits;
        }
    }
    Ok(slot.clone())
}

/// Resets `limit` when `day` is its next reset day; answers whether it did.
pub fn reset_if_due(limit: &mut Limit, day: NaiveDate) -> bool {
    let Some(rule) = limit.recurring.as_mut() else {
        return false;
    };
    if rule.next_reset != Some(day) {
        return false;
    }
    limit.credit = rule.credits;
    limit.credit_remain = rule.credits;
    limit.last_reset = day;
    let end = rule.enddate;
    rule.next_reset =
        next_after(rule.startdate, rule.period, day).filter(|d| end.is_none_or(|end| *d <= end));
    true
}

/// The `k`-th reset day counted from `start` (k = 0 is `start` itself). Monthly resets keep
/// the day of month, clamped in short months.
pub fn occurrence(start: NaiveDate, period: Period, k: u32) -> Option<NaiveDate> {
    match period {
        Period::Daily => start.checked_add_days(Days::new(u64::from(k))),
        Period::Weekly => start.checked_add_days(Days::new(7 * u64::from(k))),
        Period::Monthly => start.checked_add_months(Months::new(k)),
    }
}

/// The first reset day strictly after `after` (`start` itself when that is later).
pub fn next_after(start: NaiveDate, period: Period, after: NaiveDate) -> Option<NaiveDate> {
    if start > after {
        return Some(start);
    }
    let elapsed = (after - start).num_days();
    let guess = match period {
        Period::Daily => elapsed,
        Period::Weekly => elapsed / 7,
        Period::Monthly => {
            i64::from(after.year() - start.year()) * 12 + i64::from(after.month())
                - i64::from(start.month())
        }
    };
    // The guess is at most one step short; walk forward until past `after`.
    let mut k = u32::try_from(guess.max(0)).ok()?;
    loop {
        let day = occurrence(start, period, k)?;
        if day > after {
            return Some(day);
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn next_after_walks_each_period() {
        let start = d("2024-01-31");
        assert_eq!(
            next_after(start, Period::Daily, d("2024-01-31")),
            Some(d("2024-02-01"))
        );
        assert_eq!(
            next_after(start, Period::Weekly, d("2024-02-06")),
            Some(d("2024-02-07"))
        );
        assert_eq!(
            next_after(start, Period::Monthly, d("2024-01-31")),
            Some(d("2024-02-29"))
        );
        assert_eq!(
            next_after(start, Period::Monthly, d("2024-03-30")),
            Some(d("2024-03-31"))
        );
        assert_eq!(
            next_after(start, Period::Monthly, d("2023-12-01")),
            Some(start)
        );
    }
}
