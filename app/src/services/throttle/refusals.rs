//! Coalesced records of throttled sign-ins. A client that keeps posting after it is throttled
//! must not be able to write an audit row per request; one row per throttled key and window
//! says the same thing, with how many refusals it stands for.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Keys kept before those whose window is over are forgotten.
const PRUNE_AT: usize = 10_000;

#[derive(Debug, Default)]
pub struct Refusals {
    keys: HashMap<String, Tally>,
    /// Size at which the next pruning runs: twice what the last one left, so that a map of
    /// live keys is not scanned on every refusal.
    prune_at: usize,
}

#[derive(Debug)]
struct Tally {
    /// When the last row for this key was written.
    recorded_at: Instant,
    /// Refusals since that row that no row mentions yet.
    unrecorded: u64,
}

impl Refusals {
    /// Counts one refusal of `key`. `Some(n)` when it is the first of a window of length
    /// `window`: write one row standing for `n` refusals (this one and those the previous
    /// window held back). `None`: it is counted, and the next row will say so.
    pub fn count(&mut self, key: &str, now: Instant, window: Duration) -> Option<u64> {
        if self.keys.len() >= self.prune_at.max(PRUNE_AT) {
            self.keys
                .retain(|_, tally| now.duration_since(tally.recorded_at) < window);
            self.prune_at = self.keys.len() * 2;
        }
        match self.keys.get_mut(key) {
            Some(tally) if now.duration_since(tally.recorded_at) < window => {
                tally.unrecorded += 1;
                None
            }
            Some(tally) => {
                let count = tally.unrecorded + 1;
                *tally = Tally {
                    recorded_at: now,
                    unrecorded: 0,
                };
                Some(count)
            }
            None => {
                self.keys.insert(
                    key.to_string(),
                    Tally {
                        recorded_at: now,
                        unrecorded: 0,
                    },
                );
                Some(1)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_row_per_window_carries_the_refusals_held_back() {
        let window = Duration::from_secs(60);
        let mut refusals = Refusals::default();
        let start = Instant::now();
        assert_eq!(refusals.count("ip:10.0.0.1", start, window), Some(1));
        for n in 1..=29 {
            let at = start + Duration::from_secs(n);
            assert_eq!(refusals.count("ip:10.0.0.1", at, window), None);
        }
        // Another key has its own row.
        assert_eq!(refusals.count("ip:10.0.0.2", start, window), Some(1));
        // The next window's first refusal stands for itself and the 29 held back.
        let later = start + window;
        assert_eq!(refusals.count("ip:10.0.0.1", later, window), Some(30));
        assert_eq!(refusals.count("ip:10.0.0.1", later, window), None);
    }
}
