//! The one check every server function makes before doing anything.

use leptos::prelude::*;

use super::ApiError;
use crate::domain::{OperatorView, Permission};
use crate::services::auth::{self, CurrentOperator};
use crate::services::AppState;

/// The request's operator, if they may do `permission`; otherwise a 401 or 403 is set on the
/// response and an error returned, so the function stops here.
pub fn require(permission: Permission) -> Result<OperatorView, ApiError> {
    refused_unless(auth::check(&current_operator(), permission))
}

/// The capability to change accounts, which every service that changes one takes.
pub fn require_manager() -> Result<auth::Manager, ApiError> {
    refused_unless(auth::Manager::of(&current_operator()))
}

/// The capability to manage operators and the directory's links, which their services take.
pub fn require_admin() -> Result<auth::Admin, ApiError> {
    refused_unless(auth::Admin::of(&current_operator()))
}

/// Any signed-in operator, even one who must still change a one-time password; only the
/// password change itself uses this.
pub fn require_signed_in() -> Result<OperatorView, ApiError> {
    refused_unless(auth::check_signed_in(&current_operator()))
}

fn current_operator() -> CurrentOperator {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentOperator>().cloned())
        .unwrap_or_default()
}

fn refused_unless<T>(checked: Result<T, auth::AuthError>) -> Result<T, ApiError> {
    checked.map_err(|error| {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(
                http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::FORBIDDEN),
            );
        }
        match error {
            auth::AuthError::Unauthenticated => ApiError::SignedOut(error.to_string()),
            _ => ApiError::Forbidden(error.to_string()),
        }
    })
}

pub fn app_state() -> Result<AppState, ApiError> {
    use_context::<AppState>().ok_or_else(|| {
        super::fail(ApiError::Busy(
            "The console is not ready; try again.".into(),
        ))
    })
}

/// The client's address as the `client_addr` middleware resolved it (trusted proxies' hops
/// skipped), for the audit log.
pub fn client_ip() -> Option<String> {
    use_context::<http::request::Parts>().and_then(|parts| {
        parts
            .extensions
            .get::<crate::services::client_addr::ClientAddr>()
            .map(ToString::to_string)
    })
}
