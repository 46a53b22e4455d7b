//! `GET/PUT /v3/partners/accounts/{id}/state` (API.md §5.8-5.9): any state can be read, only
//! `activated` and `deactivated` written.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::errors::{self, ApiError, ErrorItem};
use super::json_object;
use crate::clock;
use crate::sim::Shared;
use crate::state::AccountState;

pub async fn read(
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let world = shared.world();
    let account = world.account(&id).ok_or_else(ApiError::no_such_account)?;
    Ok(Json(json!({"state": account.state})))
}

/// 204 on success; an unknown account is 404 although the spec lists none (API.md §8 item 14).
pub async fn update(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let mut world = shared.world();
    let now = clock::now(world.today);
    let account = world
        .account_mut(&id)
        .ok_or_else(ApiError::no_such_account)?;
    let body = json_object(&body)?;
    let state = match body.get("state") {
        None => Err(ErrorItem::new(
            "Field is required",
            "state",
            errors::REQUIRED,
        )),
        Some(Value::String(s)) if s == "activated" => Ok(AccountState::Activated),
        Some(Value::String(s)) if s == "deactivated" => Ok(AccountState::Deactivated),
        Some(_) => Err(ErrorItem::new(
            "Field must be one of activated, deactivated",
            "state",
            errors::STATE,
        )),
    };
    let state = state.map_err(|e| ApiError::bad_request(vec![e]))?;
    let changed = account.state != state;
    account.state = state;
    account.updated_at = now;
    if changed {
        world.count_change(&id);
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
