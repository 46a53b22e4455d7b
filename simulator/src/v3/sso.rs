//! `POST /v3/partners/accounts/{id}/sso` (API.md §5.10): a 303 to app.sendgrid.com carrying a
//! one-time code. Accounts whose state forbids logging in (API.md §5.8 table) get a 403.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use rand::Rng;

use super::errors::ApiError;
use crate::sim::Shared;
use crate::state::AccountState;

pub const LOGIN_ORIGIN: &str = "https://app.sendgrid.com";

pub async fn login(
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut world = shared.world();
    let state = world
        .account(&id)
        .ok_or_else(ApiError::no_such_account)?
        .state;
    if matches!(state, AccountState::Deactivated | AccountState::Banned) {
        return Err(ApiError::one(
            StatusCode::FORBIDDEN,
            "The account's state does not allow logging in",
            "",
            "10-40301",
        ));
    }
    let code: String = (0..16)
        .map(|_| format!("{:02x}", world.rng.gen::<u8>()))
        .collect();
    let location = format!("{LOGIN_ORIGIN}/sso/partner?code={code}");
    Ok((StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response())
}
