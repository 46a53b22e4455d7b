//! The simulator's "today" and what happens as it moves: billing cycles end (applying
//! scheduled changes, API.md §2.4-2.6) and recurring limits reset (API.md §3).

use chrono::{Days, NaiveDate};
use serde::Serialize;

use crate::{billing, limits, state::World};

/// Longest single advance; keeps one request from holding the world for long.
pub const MAX_DAYS: u32 = 3660;

/// What one advance did, for the control plane's answer.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Advanced {
    pub today: NaiveDate,
    pub cycles_ended: usize,
    pub scheduled_applied: usize,
    pub limits_reset: usize,
}

/// Moves the world forward one day at a time so every intermediate day's events happen in order.
pub fn advance(world: &mut World, days: u32) -> Advanced {
    let mut done = Advanced::default();
    for _ in 0..days {
        let Some(day) = world.today.checked_add_days(Days::new(1)) else {
            break;
        };
        world.today = day;
        let due: Vec<String> = world
            .customers
            .values()
            .filter(|c| c.billing_end_date < day)
            .map(|c| c.username.clone())
            .collect();
        for username in due {
            done.cycles_ended += 1;
            if billing::end_cycle(world, &username, day) {
                done.scheduled_applied += 1;
            }
        }
        for customer in world.customers.values_mut() {
            let own = customer.limit.iter_mut();
            let subs = customer
                .subusers
                .iter_mut()
                .filter_map(|s| s.limit.as_mut());
            for limit in own.chain(subs) {
                if limits::reset_if_due(limit, day) {
                    done.limits_reset += 1;
                }
            }
        }
    }
    done.today = world.today;
    done
}

/// The simulated instant: the simulated day at the real time of day, to whole seconds.
pub fn now(today: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    today.and_time(Utc::now().time()).and_utc().trunc_subsecs(0)
}
