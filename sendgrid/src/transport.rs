//! Sending one logical call: building the request, classifying network failures, and the retry
//! policy of DESIGN.md "Reliability".
//!
//! The transport retries only on what it can judge without reading the body: connection
//! failures, 429 and 5xx. Interpreting bodies is the job of the v2/v3 modules.

use crate::ExposeSecret;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use reqwest::header::{HeaderMap, ACCEPT, RETRY_AFTER};
use reqwest::{Method, Url};
use tracing::{debug, warn};

use crate::rate_limit::{Family, RateLimitLog};
use crate::redact::Redactor;
use crate::{Config, Error, Result, RetryConfig, Secret};

/// How a call may be repeated, and what a lost answer means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Policy {
    /// Changes nothing: retried; a lost answer is a plain `Timeout`.
    Read,
    /// Changes state, but repeating it is harmless (v3 PUT): retried; a lost answer after the
    /// last attempt is `OutcomeUnknown`.
    IdempotentWrite,
    /// Changes state and must not be repeated blindly (v2 tasks, v3 POST/DELETE): one attempt.
    Write,
}

impl Policy {
    fn retries(self) -> bool {
        self != Self::Write
    }

    pub(crate) fn mutating(self) -> bool {
        self != Self::Read
    }
}

pub(crate) enum Body {
    Empty,
    Form(Vec<(&'static str, String)>),
    Json(serde_json::Value),
}

pub(crate) struct Call {
    pub method: Method,
    /// Path segments under the base URL; each is percent-encoded on its own.
    pub segments: Vec<String>,
    pub query: Vec<(&'static str, String)>,
    pub headers: Vec<(&'static str, String)>,
    pub body: Body,
    /// Send `Authorization: Bearer` (v3). v2 authenticates inside the form body.
    pub bearer: bool,
    pub policy: Policy,
}

/// A complete HTTP answer, whatever its status.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

pub(crate) struct Transport {
    http: reqwest::Client,
    /// Legacy v1/v2 calls.
    v2_base: Url,
    /// v3 calls (the EU host serves only these, API.md §7).
    v3_base: Url,
    bearer: Secret,
    retry: RetryConfig,
    timeout: Duration,
    pub(crate) redactor: Redactor,
    pub(crate) rate_limits: RateLimitLog,
    /// Moves before and after every change this client sends, so a read that overlapped one
    /// can tell (see `v2::pending_recent`).
    pub(crate) changes: AtomicU64,
}

impl Transport {
    pub(crate) fn new(config: &Config) -> Result<Self> {
        let parse = |field: &str, url: &str| {
            let invalid = |message: String| Error::InvalidInput {
                field: Some(field.to_owned()),
                message,
            };
            let base = Url::parse(url).map_err(|e| invalid(e.to_string()))?;
            if !matches!(base.scheme(), "http" | "https") || base.cannot_be_a_base() {
                return Err(invalid(format!("not an http(s) base URL: {base}")));
            }
            Ok(base)
        };
        let v2_base = parse("v2_base_url", &config.v2_base_url)?;
        let v3_base = parse("v3_base_url", &config.v3_base_url)?;
        let invalid = |message: String| Error::InvalidInput {
            field: None,
            message,
        };
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .timeout(config.timeout)
            // SSO answers 303 with a one-time login link (API.md §5.10): it is for the
            // browser, and following it here would spend the code.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!(
                "reseller-console-sendgrid/",
                env!("CARGO_PKG_VERSION")
            ))
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        Ok(Self {
            http,
            v2_base,
            v3_base,
            bearer: config.bearer_key.clone(),
            retry: config.retry.clone(),
            timeout: config.timeout,
            redactor: Redactor::new(&[&config.api_key, &config.bearer_key]),
            rate_limits: RateLimitLog::default(),
            changes: AtomicU64::new(0),
        })
    }

    /// Sends `call`, retrying as its policy allows. Any HTTP answer is `Ok`, even 5xx after the
    /// last retry; network failures are `Err`. Records the attempt count on the current span.
    pub(crate) async fn send(&self, call: &Call) -> Result<Reply> {
        let mutating = call.policy.mutating();
        if mutating {
            self.changes.fetch_add(1, Ordering::SeqCst);
        }
        let outcome = self.send_attempts(call).await;
        // Counted again once the answer (or its absence) is in: a read that started while the
        // change was on its way may or may not have seen it.
        if mutating {
            self.changes.fetch_add(1, Ordering::SeqCst);
        }
        outcome
    }

    async fn send_attempts(&self, call: &Call) -> Result<Reply> {
        let url = self.url(call);
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let outcome = self.attempt(call, url.clone()).await;
            let may_retry = call.policy.retries() && attempt <= self.retry.max_retries;
            let delay = if may_retry {
                self.retry_delay(&outcome, attempt)
            } else {
                None
            };
            match delay {
                Some(delay) => {
                    warn!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        reason = %describe_outcome(&outcome),
                        "retrying SendGrid call"
                    );
                    tokio::time::sleep(delay).await;
                }
                None => {
                    tracing::Span::current().record("attempts", attempt);
                    return outcome;
                }
            }
        }
    }

    fn url(&self, call: &Call) -> Url {
        // Bearer authentication is what marks a v3 call; v2 authenticates in the form body.
        let mut url = if call.bearer {
            self.v3_base.clone()
        } else {
            self.v2_base.clone()
        };
        let segments = &call.segments;
        // `new` rejected cannot-be-a-base URLs, the only case where this is `Err`.
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url
    }

    async fn attempt(&self, call: &Call, url: Url) -> Result<Reply> {
        let mut request = self.http.request(call.method.clone(), url);
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if call.bearer {
            // v3 answers 406 without it (API.md §7).
            request = request
                .bearer_auth(self.bearer.expose_secret())
                .header(ACCEPT, "application/json");
        }
        for (name, value) in &call.headers {
            request = request.header(*name, value);
        }
        request = match &call.body {
            Body::Empty => request,
            Body::Form(pairs) => request.form(pairs),
            Body::Json(value) => request.json(value),
        };
        let response = request
            .send()
            .await
            .map_err(|e| self.network_error(e, call.policy))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let family = if call.bearer { Family::V3 } else { Family::V2 };
        self.rate_limits.record(family, &headers);
        let body = response
            .bytes()
            .await
            .map_err(|e| self.network_error(e, call.policy))?;
        debug!(status, bytes = body.len(), "SendGrid answered");
        Ok(Reply {
            status,
            headers,
            body: body.to_vec(),
        })
    }

    fn network_error(&self, error: reqwest::Error, policy: Policy) -> Error {
        let error = error.without_url();
        let detail = self.redactor.mask(&error_chain(&error));
        if error.is_builder() {
            return Error::InvalidInput {
                field: None,
                message: detail,
            };
        }
        // A connect failure (refused, DNS, connect timeout) happens before a byte of the
        // request is written, so nothing can have been applied.
        if error.is_connect() {
            return Error::Unreachable { message: detail };
        }
        let message = if error.is_timeout() {
            format!("no answer within {} s", self.timeout.as_secs_f32())
        } else {
            format!("connection lost before the answer was complete ({detail})")
        };
        if policy.mutating() {
            Error::OutcomeUnknown { message }
        } else {
            Error::Timeout { message }
        }
    }

    fn retry_delay(&self, outcome: &Result<Reply>, attempt: u32) -> Option<Duration> {
        match outcome {
            Err(Error::InvalidInput { .. }) => None,
            Err(_) => Some(self.backoff(attempt)),
            Ok(reply) if reply.status == 429 => match reset_at(&reply.headers) {
                Some(at) => {
                    let wait = (at - Utc::now()).to_std().unwrap_or_default();
                    // Past the cap the caller is better served by an immediate RateLimited.
                    (wait <= self.retry.max_rate_limit_wait).then(|| wait.max(self.backoff(1)))
                }
                None => Some(self.backoff(attempt)),
            },
            Ok(reply) if reply.status >= 500 => Some(self.backoff(attempt)),
            Ok(_) => None,
        }
    }

    /// Exponential backoff with "equal jitter": half of each step is fixed, half random, so
    /// concurrent callers spread out without ever retrying instantly.
    fn backoff(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(16);
        let step = self
            .retry
            .base_delay
            .saturating_mul(1 << exponent)
            .min(self.retry.max_delay);
        let half = step / 2;
        let jitter_us = rand::thread_rng().gen_range(0..=half.as_micros() as u64);
        half + Duration::from_micros(jitter_us)
    }
}

/// When a 429 lifts: `Retry-After` (seconds or HTTP date) if present, else
/// `X-RateLimit-Reset` (epoch seconds, API.md §7).
pub(crate) fn reset_at(headers: &HeaderMap) -> Option<DateTime<Utc>> {
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(value) = text(RETRY_AFTER.as_str()) {
        if let Ok(seconds) = value.parse::<i64>() {
            return Some(Utc::now() + chrono::Duration::seconds(seconds.clamp(0, 86_400)));
        }
        if let Ok(date) = DateTime::parse_from_rfc2822(value) {
            return Some(date.with_timezone(&Utc));
        }
    }
    let reset = text("x-ratelimit-reset")?.parse::<i64>().ok()?;
    // Documented as an epoch; a small number can only be a delay in seconds, which some
    // proxies send instead.
    if reset < 1_000_000_000 {
        return Some(Utc::now() + chrono::Duration::seconds(reset.clamp(0, 86_400)));
    }
    DateTime::from_timestamp(reset, 0)
}

fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

fn describe_outcome(outcome: &Result<Reply>) -> String {
    match outcome {
        Ok(reply) => format!("HTTP {}", reply.status),
        Err(error) => error.code().to_owned(),
    }
}
