//! Per-endpoint fixed-window rate limiting with the `X-RateLimit-*` headers every v3 response
//! carries (API.md §7).

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::http::HeaderValue;
use axum::response::Response;

const WINDOW: Duration = Duration::from_secs(60);

pub struct RateLimiter {
    per_minute: Option<u32>,
    windows: HashMap<String, Window>,
}

struct Window {
    opened: Instant,
    /// Unix seconds when the window closes: `X-RateLimit-Reset`.
    reset: u64,
    used: u32,
}

/// What the headers report for one request.
#[derive(Debug, Clone, Copy)]
pub struct Quota {
    pub limit: u32,
    pub remaining: u32,
    pub reset: u64,
    pub exceeded: bool,
}

impl RateLimiter {
    pub fn new(per_minute: Option<u32>) -> Self {
        Self {
            per_minute,
            windows: HashMap::new(),
        }
    }

    pub fn per_minute(&self) -> Option<u32> {
        self.per_minute
    }

    /// A new limit starts fresh windows.
    pub fn set_per_minute(&mut self, per_minute: Option<u32>) {
        self.per_minute = per_minute;
        self.windows.clear();
    }

    /// Counts a request to `endpoint` when `consume` is set. With no limit configured the
    /// headers report `u32::MAX` as the limit and nothing is ever refused.
    pub fn check(&mut self, endpoint: &str, consume: bool) -> Quota {
        let limit = self.per_minute.unwrap_or(u32::MAX);
        let now = Instant::now();
        let window = self
            .windows
            .entry(endpoint.to_owned())
            .or_insert_with(|| Window::open(now));
        if now.duration_since(window.opened) >= WINDOW {
            *window = Window::open(now);
        }
        let exceeded = consume && window.used >= limit;
        if consume && !exceeded {
            window.used += 1;
        }
        Quota {
            limit,
            remaining: limit.saturating_sub(window.used),
            reset: window.reset,
            exceeded,
        }
    }
}

impl Window {
    fn open(now: Instant) -> Self {
        let epoch = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        Self {
            opened: now,
            reset: (epoch + WINDOW).as_secs(),
            used: 0,
        }
    }
}

impl Quota {
    pub fn stamp(&self, response: &mut Response) {
        let headers = response.headers_mut();
        headers.insert("x-ratelimit-limit", HeaderValue::from(self.limit));
        headers.insert("x-ratelimit-remaining", HeaderValue::from(self.remaining));
        headers.insert("x-ratelimit-reset", HeaderValue::from(self.reset));
    }
}
