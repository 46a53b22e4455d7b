//! Failures (and attempts under way) per throttle key, in time order, with bounded memory:
//! each key keeps only as many entries as any limit needs, and keys whose entries have all
//! left the window are dropped once the map grows.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// Entries a key keeps: more than any limit or the longest email delay needs.
const PER_KEY: usize = 16;
/// Keys held before those with nothing in the window are forgotten.
const PRUNE_AT: usize = 10_000;
/// Keys held at most; past it the least recently failing half is forgotten (an attacker
/// needs this many addresses inside one window to make the console forget one of them).
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Default)]
pub struct Counters {
    keys: HashMap<String, VecDeque<(u64, Instant)>>,
    next_id: u64,
    /// Size at which the next pruning runs: twice what the last one left, so that a map of
    /// live keys is not scanned on every sign-in.
    prune_at: usize,
}

impl Counters {
    /// Entries of `key` inside the window, and the oldest of them.
    pub fn count(&mut self, key: &str, now: Instant, window: Duration) -> (usize, Option<Instant>) {
        let Some(entries) = self.keys.get_mut(key) else {
            return (0, None);
        };
        while entries
            .front()
            .is_some_and(|(_, at)| now.duration_since(*at) >= window)
        {
            entries.pop_front();
        }
        (entries.len(), entries.front().map(|(_, at)| *at))
    }

    /// Adds one entry under each of `keys`; returns its id, for removing it again.
    pub fn add(&mut self, keys: &[&String], now: Instant) -> u64 {
        self.next_id += 1;
        for key in keys {
            let entries = self.keys.entry((*key).clone()).or_default();
            entries.push_back((self.next_id, now));
            while entries.len() > PER_KEY {
                entries.pop_front();
            }
        }
        self.next_id
    }

    pub fn remove_entry(&mut self, key: &str, id: u64) {
        if let Some(entries) = self.keys.get_mut(key) {
            entries.retain(|(entry, _)| *entry != id);
            if entries.is_empty() {
                self.keys.remove(key);
            }
        }
    }

    pub fn remove_key(&mut self, key: &str) {
        self.keys.remove(key);
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Bounds memory: drops keys with nothing left in the window, and past [`MAX_KEYS`]
    /// the half whose latest entry is oldest.
    pub fn forget_old(&mut self, now: Instant, window: Duration) {
        if self.keys.len() < self.prune_at.max(PRUNE_AT) {
            return;
        }
        self.keys.retain(|_, entries| {
            entries
                .back()
                .is_some_and(|(_, at)| now.duration_since(*at) < window)
        });
        if self.keys.len() >= MAX_KEYS {
            let mut latest: Vec<Instant> = self
                .keys
                .values()
                .filter_map(|entries| entries.back().map(|(_, at)| *at))
                .collect();
            let middle = latest.len() / 2;
            let (_, cut, _) = latest.select_nth_unstable(middle);
            let cut = *cut;
            self.keys
                .retain(|_, entries| entries.back().is_some_and(|(_, at)| *at > cut));
        }
        self.prune_at = self.keys.len() * 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WINDOW: Duration = Duration::from_secs(60);

    fn filled(keys: usize, at: Instant) -> Counters {
        let mut counters = Counters::default();
        for n in 0..keys {
            counters.add(&[&format!("ip:{n}")], at);
        }
        counters
    }

    #[test]
    fn keys_whose_entries_left_the_window_are_forgotten() {
        let start = Instant::now();
        let mut live = filled(PRUNE_AT * 2, start);
        live.forget_old(start + WINDOW / 2, WINDOW);
        assert_eq!(live.len(), PRUNE_AT * 2, "live keys stay");
        let mut stale = filled(PRUNE_AT * 2, start);
        stale.forget_old(start + WINDOW, WINDOW);
        assert_eq!(stale.len(), 0);
    }

    #[test]
    fn past_the_cap_the_least_recent_half_is_forgotten() {
        let start = Instant::now();
        let mut counters = Counters::default();
        for n in 0..MAX_KEYS {
            let at = start + Duration::from_micros(n as u64);
            counters.add(&[&format!("ip:{n}")], at);
        }
        counters.forget_old(start + Duration::from_secs(1), WINDOW);
        assert!(counters.len() < MAX_KEYS / 2 + 1, "{}", counters.len());
        assert!(counters.keys.contains_key(&format!("ip:{}", MAX_KEYS - 1)));
        assert!(!counters.keys.contains_key("ip:0"));
    }

    #[test]
    fn a_key_keeps_a_bounded_number_of_entries() {
        let start = Instant::now();
        let mut counters = Counters::default();
        let key = "email:a@example.com".to_string();
        for _ in 0..1000 {
            counters.add(&[&key], start);
        }
        assert_eq!(counters.count(&key, start, WINDOW).0, PER_KEY);
    }
}
