//! A pause shared by every worker of a job: when SendGrid answers 429, no customer is sent
//! until its `X-RateLimit-Reset`, instead of each worker hitting the limit in turn.

use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::time::Instant;

/// Waited when a 429 names no reset time.
const DEFAULT_PAUSE: Duration = Duration::from_secs(1);
/// A reset further away than this is not waited for by a bulk job.
const LONGEST_PAUSE: Duration = Duration::from_secs(120);

#[derive(Default)]
pub struct RateGate {
    until: Mutex<Option<Instant>>,
}

impl RateGate {
    /// Holds every worker until `reset_at` (or a second, when SendGrid gave none).
    pub fn pause(&self, reset_at: Option<DateTime<Utc>>) {
        let wait = reset_at
            .and_then(|at| (at - Utc::now()).to_std().ok())
            .unwrap_or(DEFAULT_PAUSE)
            .min(LONGEST_PAUSE);
        let until = Instant::now() + wait;
        let mut current = self.until.lock().unwrap_or_else(|e| e.into_inner());
        if current.is_none_or(|at| at < until) {
            *current = Some(until);
        }
    }

    /// Returns once no pause is in force.
    pub async fn wait(&self) {
        loop {
            let until = *self.until.lock().unwrap_or_else(|e| e.into_inner());
            match until {
                Some(at) if at > Instant::now() => tokio::time::sleep_until(at).await,
                _ => return,
            }
        }
    }
}
