//! Sign-in throttling (DESIGN.md "Security"), counted over a sliding [`WINDOW`]:
//!
//! * per client address and email: [`PAIR_LIMIT`] failures, then refused until the window
//!   moves on;
//! * per client address, whatever the email: [`ADDRESS_LIMIT`] failures, then refused;
//! * per email, from every address: past [`EMAIL_FREE_FAILURES`] a growing delay before the
//!   password is checked, never a refusal. A stranger who fails on purpose must not be able to
//!   lock an operator out; they can only slow down guesses at that email from everywhere.
//!
//! An attempt is counted before its password is checked (a [`Reservation`]), so a parallel
//! burst gets no more guesses than the limits allow; a success gives its place back and forgets
//! that address's failures for that email, never the address's failures for other emails.
//!
//! Kept in memory and bounded: keys whose failures have left the window are forgotten. A
//! restart forgets failures, which only gives an attacker one more batch of guesses per restart.

mod counters;
mod refusals;

use std::sync::Mutex;
use std::time::{Duration, Instant};

use counters::Counters;
use refusals::Refusals;

pub const PAIR_LIMIT: usize = 5;
pub const ADDRESS_LIMIT: usize = 10;
pub const EMAIL_FREE_FAILURES: usize = 5;
/// The longest an email's delay grows: slow for a guesser, bearable for its operator.
pub const MAX_EMAIL_DELAY: Duration = Duration::from_secs(8);
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Default)]
pub struct LoginThrottle {
    counters: Mutex<Counters>,
    refusals: Mutex<Refusals>,
}

/// A sign-in refused by the throttle.
#[derive(Debug, PartialEq, Eq)]
pub struct Blocked {
    /// Until the oldest failure that counts leaves the window.
    pub wait: Duration,
    /// `Some(n)`: write one audit row standing for `n` refusals of this key; `None`: this
    /// refusal is counted in the key's next row (one row per key and window).
    pub record: Option<u64>,
}

/// An attempt counted as a failure until [`LoginThrottle::succeeded`] or
/// [`LoginThrottle::release`] says otherwise.
#[derive(Debug)]
#[must_use = "a reservation is a failure unless released"]
pub struct Reservation {
    id: u64,
    keys: Keys,
    /// Wait this long before checking the password (the email's growing delay).
    pub delay: Duration,
}

#[derive(Debug, Clone)]
struct Keys {
    pair: String,
    address: String,
    email: String,
}

impl Keys {
    fn of(email: &str, address: &str) -> Keys {
        let email = email.trim().to_lowercase();
        Keys {
            pair: format!("pair:{address} {email}"),
            address: format!("ip:{address}"),
            email: format!("email:{email}"),
        }
    }
}

impl LoginThrottle {
    /// Counts one attempt by `email` from `address` before its password is checked, or says
    /// why it may not be made.
    pub fn reserve(&self, email: &str, address: &str) -> Result<Reservation, Blocked> {
        self.reserve_at(email, address, Instant::now())
    }

    fn reserve_at(&self, email: &str, address: &str, now: Instant) -> Result<Reservation, Blocked> {
        let keys = Keys::of(email, address);
        let mut counters = self.counters.lock().expect("throttle lock");
        counters.forget_old(now, WINDOW);
        let full = [(&keys.pair, PAIR_LIMIT), (&keys.address, ADDRESS_LIMIT)]
            .into_iter()
            .filter_map(|(key, limit)| {
                let (count, oldest) = counters.count(key, now, WINDOW);
                let oldest = oldest.filter(|_| count >= limit)?;
                Some((WINDOW.saturating_sub(now - oldest), key))
            })
            .max();
        if let Some((wait, key)) = full {
            let record = self
                .refusals
                .lock()
                .expect("throttle lock")
                .count(key, now, WINDOW);
            return Err(Blocked { wait, record });
        }
        let (email_failures, _) = counters.count(&keys.email, now, WINDOW);
        let id = counters.add(&[&keys.pair, &keys.address, &keys.email], now);
        Ok(Reservation {
            id,
            keys,
            delay: email_delay(email_failures),
        })
    }

    /// The password was right: the attempt does not count, and this address's failures for
    /// this email are forgotten (its failures for other emails are not).
    pub fn succeeded(&self, reservation: Reservation) {
        let mut counters = self.counters.lock().expect("throttle lock");
        counters.remove_entry(&reservation.keys.address, reservation.id);
        counters.remove_entry(&reservation.keys.email, reservation.id);
        counters.remove_key(&reservation.keys.pair);
    }

    /// The password was never checked (the console was busy): the attempt does not count.
    pub fn release(&self, reservation: Reservation) {
        let mut counters = self.counters.lock().expect("throttle lock");
        for key in [
            &reservation.keys.pair,
            &reservation.keys.address,
            &reservation.keys.email,
        ] {
            counters.remove_entry(key, reservation.id);
        }
    }

    /// The password was wrong: the reservation stays counted as a failure.
    pub fn failed(&self, reservation: Reservation) {
        drop(reservation);
    }
}

/// 0 up to [`EMAIL_FREE_FAILURES`], then 1 s doubling per failure up to [`MAX_EMAIL_DELAY`].
fn email_delay(failures: usize) -> Duration {
    let Some(past) = failures.checked_sub(EMAIL_FREE_FAILURES) else {
        return Duration::ZERO;
    };
    let doubled = Duration::from_secs(1).saturating_mul(1 << past.min(16));
    doubled.min(MAX_EMAIL_DELAY)
}

#[cfg(test)]
mod tests;
