//! Sign-in throttling: at most [`MAX_FAILURES`] failed sign-ins per email and per client IP
//! in a sliding [`WINDOW`]. Kept in memory: a restart forgets failures, which only gives an
//! attacker one more batch of guesses per restart of the console.

mod refusals;

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use refusals::Refusals;

pub const MAX_FAILURES: usize = 5;
pub const WINDOW: Duration = Duration::from_secs(15 * 60);

#[derive(Debug, Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
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

impl LoginThrottle {
    /// `Some` when any of `keys` has used up its failures.
    pub fn blocked(&self, keys: &[String]) -> Option<Blocked> {
        let mut failures = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        let (wait, key) = keys
            .iter()
            .filter_map(|key| {
                let times = failures.get_mut(key)?;
                while times
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= WINDOW)
                {
                    times.pop_front();
                }
                let oldest = *times.front()?;
                (times.len() >= MAX_FAILURES)
                    .then(|| (WINDOW.saturating_sub(now.duration_since(oldest)), key))
            })
            .max()?;
        let record = self
            .refusals
            .lock()
            .expect("throttle lock")
            .count(key, now, WINDOW);
        Some(Blocked { wait, record })
    }

    pub fn record_failure(&self, keys: &[String]) {
        let mut failures = self.failures.lock().expect("throttle lock");
        let now = Instant::now();
        for key in keys {
            let times = failures.entry(key.clone()).or_default();
            times.push_back(now);
            while times.len() > MAX_FAILURES {
                times.pop_front();
            }
        }
    }

    pub fn clear(&self, keys: &[String]) {
        let mut failures = self.failures.lock().expect("throttle lock");
        for key in keys {
            failures.remove(key);
        }
    }
}

/// The throttle keys of one sign-in attempt.
pub fn keys(email: &str, client_ip: Option<&str>) -> Vec<String> {
    let mut keys = vec![format!("email:{}", email.trim().to_lowercase())];
    if let Some(ip) = client_ip {
        keys.push(format!("ip:{ip}"));
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_attempt_is_blocked_and_success_clears() {
        let throttle = LoginThrottle::default();
        let k = keys("a@example.com", Some("10.0.0.1"));
        for _ in 0..MAX_FAILURES {
            assert!(throttle.blocked(&k).is_none());
            throttle.record_failure(&k);
        }
        let wait = throttle.blocked(&k).expect("blocked").wait;
        assert!(wait <= WINDOW && wait > WINDOW - Duration::from_secs(5));
        throttle.clear(&k);
        assert!(throttle.blocked(&k).is_none());
    }

    #[test]
    fn an_ip_is_blocked_across_emails() {
        let throttle = LoginThrottle::default();
        for n in 0..MAX_FAILURES {
            throttle.record_failure(&keys(&format!("u{n}@example.com"), Some("10.0.0.2")));
        }
        assert!(throttle
            .blocked(&keys("fresh@example.com", Some("10.0.0.2")))
            .is_some());
        assert!(throttle
            .blocked(&keys("fresh@example.com", Some("10.0.0.3")))
            .is_none());
    }
}
