//! The log of API calls (`GET /_sim/calls`), so tests can count what reached "upstream",
//! including calls a fault answered.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::sim::Shared;

/// Larger bodies are refused; no real call comes near this.
const MAX_BODY: usize = 1 << 20;

#[derive(Debug, Clone, Serialize)]
pub struct Call {
    pub method: String,
    pub path: String,
    /// Legacy `task` parameter.
    pub task: Option<String>,
    /// Legacy `method` parameter (`profile`, `limit`).
    pub api_method: Option<String>,
    /// Legacy `user` (or `username`) parameter.
    pub user: Option<String>,
    /// v3 account id from the path.
    pub account_id: Option<String>,
    /// The answer's status; 0 while unanswered, or when the client left before the answer.
    pub status: u16,
}

pub async fn record(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return (
            axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            "request body too large",
        )
            .into_response();
    };
    let path = parts.uri.path().to_owned();
    let mut params: Vec<(String, String)> =
        serde_urlencoded::from_str(parts.uri.query().unwrap_or("")).unwrap_or_default();
    if !path.starts_with("/v3/") {
        params.extend(
            serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes).unwrap_or_default(),
        );
    }
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.clone())
    };
    let mut call = Call {
        method: parts.method.to_string(),
        task: param("task"),
        api_method: param("method"),
        user: param("user").or_else(|| param("username")),
        account_id: path
            .strip_prefix("/v3/partners/accounts/")
            .and_then(|rest| rest.split('/').next())
            .map(str::to_owned),
        path,
        status: 0,
    };
    // Faults may match on the method and the legacy task.
    let mut parts = parts;
    parts.extensions.insert(call.clone());
    // Logged on arrival with status 0, so a call whose client gave up before the answer (the
    // server then drops the handler) still counts as having reached the API.
    let index = {
        let mut calls = shared.calls();
        calls.push(call.clone());
        calls.len() - 1
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    call.status = response.status().as_u16();
    tracing::debug!(method = %call.method, path = %call.path, status = call.status, "simulated API call");
    // The log may have been cleared meanwhile; only this call's own entry is updated.
    if let Some(logged) = shared.calls().get_mut(index) {
        if logged.status == 0 && logged.path == call.path && logged.method == call.method {
            logged.status = call.status;
        }
    }
    response
}
