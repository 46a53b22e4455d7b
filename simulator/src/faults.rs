//! Injected failures for tests and demos (`/_sim/faults`): a matching request waits
//! `latency_ms`, then either gets the canned status instead of the real handler or, for a
//! latency-only fault, goes on to the real handler.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::calls::Call;
use crate::legacy::envelope::{Format, Reply};
use crate::sim::Shared;
use crate::v3::errors::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    pub path_prefix: String,
    /// Omitted: only delay the real handler.
    pub status: Option<u16>,
    #[serde(default)]
    pub latency_ms: u64,
    /// How many more requests it applies to; omitted: forever.
    pub times: Option<u32>,
    /// Raw body to answer with, e.g. an HTML error page or truncated JSON.
    pub body: Option<String>,
    pub content_type: Option<String>,
    /// Only requests with this HTTP method (e.g. `PUT`).
    pub method: Option<String>,
    /// Only legacy requests with this `task` (e.g. `immediate_upgrade`, `total`).
    pub task: Option<String>,
    /// Extra headers on the canned answer, e.g. `{"Retry-After": "1"}` with a 429.
    pub headers: Option<std::collections::BTreeMap<String, String>>,
    /// Only every Nth matching request (20: 5% of them); omitted: every one.
    pub every: Option<u32>,
    /// Matching requests seen so far, for `every`.
    #[serde(default, skip_deserializing)]
    pub seen: u32,
}

impl Fault {
    /// Refuses what could not be answered: a status outside 100-599.
    pub fn check(&self) -> Result<(), String> {
        match self.status {
            Some(status)
                if StatusCode::from_u16(status).is_err() || !(100..600).contains(&status) =>
            {
                Err(format!("status {status} is not an HTTP status"))
            }
            _ if self.every == Some(0) => Err("every must be at least 1".to_string()),
            _ => Ok(()),
        }
    }
}

impl Fault {
    fn matches(&self, path: &str, call: Option<&Call>) -> bool {
        let method_ok = self
            .method
            .as_deref()
            .is_none_or(|m| call.is_some_and(|c| c.method.eq_ignore_ascii_case(m)));
        let task_ok = self
            .task
            .as_deref()
            .is_none_or(|t| call.and_then(|c| c.task.as_deref()) == Some(t));
        path.starts_with(&self.path_prefix) && method_ok && task_ok
    }
}

/// The first fault that matches the request, counting one use of it.
fn take(shared: &Shared, path: &str, call: Option<&Call>) -> Option<Fault> {
    let mut faults = shared.faults();
    let index = faults.iter_mut().position(|f| {
        if !f.matches(path, call) {
            return false;
        }
        f.seen = f.seen.wrapping_add(1);
        f.every.is_none_or(|n| n > 0 && f.seen % n == 0)
    })?;
    let fault = faults[index].clone();
    match &mut faults[index].times {
        Some(1) => {
            faults.remove(index);
        }
        Some(n) => *n -= 1,
        None => {}
    }
    Some(fault)
}

pub async fn inject(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let call = request.extensions().get::<Call>().cloned();
    let Some(fault) = take(&shared, &path, call.as_ref()) else {
        return next.run(request).await;
    };
    if fault.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.latency_ms)).await;
    }
    match fault.status.and_then(|s| StatusCode::from_u16(s).ok()) {
        Some(status) => canned(&path, status, fault),
        None => next.run(request).await,
    }
}

/// The fault's own body, or the error body the family would send for that status, with the
/// fault's extra headers.
fn canned(path: &str, status: StatusCode, mut fault: Fault) -> Response {
    let headers = fault.headers.take().unwrap_or_default();
    let mut response = canned_body(path, status, fault);
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            header::HeaderValue::from_str(&value),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn canned_body(path: &str, status: StatusCode, fault: Fault) -> Response {
    if let Some(body) = fault.body {
        let content_type = fault
            .content_type
            .unwrap_or_else(|| "text/plain; charset=utf-8".to_owned());
        return (
            status,
            [(header::CONTENT_TYPE, content_type)],
            Body::from(body),
        )
            .into_response();
    }
    let mut response = if path.starts_with("/v3/") {
        ApiError::for_status(status).into_response()
    } else {
        let format = if path.ends_with(".xml") {
            Format::Xml
        } else {
            Format::Json
        };
        let reason = status.canonical_reason().unwrap_or("Injected fault");
        Reply::error(reason).render(format)
    };
    *response.status_mut() = status;
    if let Some(content_type) = fault.content_type.and_then(|c| c.parse().ok()) {
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, content_type);
    }
    response
}
