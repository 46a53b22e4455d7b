//! Per-operator rate limit on server functions (`/api/*`) and on the pages that ask SendGrid
//! as they render (a customer's pages, the bulk screens): a runaway script, a stuck browser tab
//! or someone holding F5 must not flood SendGrid, spend the reseller's quota, or flood the
//! audit log with one operator's session. Anonymous callers are counted by client
//! address (see `client_addr`).
//!
//! The limiter is a GCRA (generic cell rate algorithm): one "theoretical arrival time" per
//! key, so a key costs one `Instant` of memory whatever its rate.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::services::auth::CurrentOperator;
use app::services::client_addr::ClientAddr;
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// Keys kept before idle ones (whose allowance is full again) are forgotten.
const PRUNE_AT: usize = 10_000;

#[derive(Debug)]
pub struct RateLimiter {
    /// Spacing between calls at the steady rate.
    interval: Duration,
    /// How far ahead of now a key's arrival time may run: the burst allowance.
    tolerance: Duration,
    per_minute: u32,
    arrivals: Mutex<HashMap<String, Instant>>,
}

impl RateLimiter {
    /// `per_minute` calls a minute on average, up to `burst` at once; `None` when
    /// `per_minute` is 0 (limit off).
    pub fn new(per_minute: u32, burst: u32) -> Option<Arc<Self>> {
        if per_minute == 0 {
            return None;
        }
        let interval = Duration::from_secs(60) / per_minute;
        Some(Arc::new(Self {
            interval,
            tolerance: interval * burst.max(1).saturating_sub(1),
            per_minute,
            arrivals: Mutex::default(),
        }))
    }

    /// Counts one call by `key`: `Ok` when allowed, else how long until the next one is.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), Duration> {
        let mut arrivals = self.arrivals.lock().unwrap_or_else(|e| e.into_inner());
        if arrivals.len() >= PRUNE_AT {
            arrivals.retain(|_, tat| *tat > now);
        }
        let tat = arrivals.get(key).copied().unwrap_or(now).max(now);
        let ahead = tat - now;
        if ahead > self.tolerance {
            return Err(ahead - self.tolerance);
        }
        arrivals.insert(key.to_string(), tat + self.interval);
        Ok(())
    }
}

pub async fn rate_limit(
    State(limiter): State<Option<Arc<RateLimiter>>>,
    request: Request,
    next: Next,
) -> Response {
    let Some(limiter) = limiter else {
        return next.run(request).await;
    };
    if !counted(request.uri().path()) {
        return next.run(request).await;
    }
    let key = key_of(&request);
    match limiter.check(&key, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            tracing::warn!(%key, seconds, "rate limit reached");
            let message = format!(
                "Too many requests: at most {} a minute per operator. Nothing was done; \
                 try again in {seconds} second(s).",
                limiter.per_minute
            );
            let mut response = (StatusCode::TOO_MANY_REQUESTS, message).into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
            response
        }
    }
}

/// Server functions, and the pages whose rendering calls SendGrid: `/customers/:user/...`
/// reads the account (plan, limits, offerings), `/bulk` reviews read every chosen customer.
/// The directory, the audit log and static files read only SQLite or disk.
fn counted(path: &str) -> bool {
    path.starts_with("/api/")
        || path.starts_with("/customers/")
        || path == "/bulk"
        || path.starts_with("/bulk/")
}

/// The signed-in operator's email (set by `authenticate`), else the client's IP.
fn key_of(request: &Request) -> String {
    let operator = request
        .extensions()
        .get::<CurrentOperator>()
        .and_then(|current| current.0.as_ref());
    if let Some(operator) = operator {
        return format!("operator:{}", operator.email);
    }
    let ip = request
        .extensions()
        .get::<ClientAddr>()
        .map(ToString::to_string)
        .unwrap_or_default();
    format!("ip:{ip}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_the_steady_rate_applies() {
        let limiter = RateLimiter::new(60, 3).unwrap();
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(limiter.check("a", start), Ok(()));
        }
        let wait = limiter.check("a", start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(1));
        // Another key has its own allowance.
        assert_eq!(limiter.check("b", start), Ok(()));
        // One interval later exactly one more call fits.
        let later = start + Duration::from_secs(1);
        assert_eq!(limiter.check("a", later), Ok(()));
        assert!(limiter.check("a", later).is_err());
    }

    #[test]
    fn pages_that_ask_sendgrid_are_counted_and_static_files_are_not() {
        for path in [
            "/api/get_me",
            "/customers/acme",
            "/customers/acme/limits",
            "/bulk",
            "/bulk/3",
        ] {
            assert!(counted(path), "{path}");
        }
        for path in [
            "/",
            "/customers",
            "/audit",
            "/pkg/app.wasm",
            "/healthz",
            "/login",
            "/bulkier",
        ] {
            assert!(!counted(path), "{path}");
        }
    }

    #[test]
    fn zero_turns_the_limit_off() {
        assert!(RateLimiter::new(0, 10).is_none());
    }
}
