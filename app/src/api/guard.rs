//! The one check every server function makes before doing anything.

use leptos::prelude::*;

use crate::domain::{OperatorView, Permission};
use crate::services::auth::{self, CurrentOperator};
use crate::services::AppState;

/// The request's operator, if they may do `permission`; otherwise a 401 or 403 is set on the
/// response and an error returned, so the function stops here.
pub fn require(permission: Permission) -> Result<OperatorView, ServerFnError> {
    refused_unless(auth::check(&current_operator(), permission))
}

/// Any signed-in operator, even one who must still change a one-time password; only the
/// password change itself uses this.
pub fn require_signed_in() -> Result<OperatorView, ServerFnError> {
    refused_unless(auth::check_signed_in(&current_operator()))
}

fn current_operator() -> CurrentOperator {
    use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<CurrentOperator>().cloned())
        .unwrap_or_default()
}

fn refused_unless(
    checked: Result<OperatorView, auth::AuthError>,
) -> Result<OperatorView, ServerFnError> {
    checked.map_err(|error| {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(
                http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::FORBIDDEN),
            );
        }
        ServerFnError::new(error.to_string())
    })
}

pub fn app_state() -> Result<AppState, ServerFnError> {
    use_context::<AppState>()
        .ok_or_else(|| ServerFnError::new("The console is not ready; try again."))
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

/// A refusal with its HTTP status (400 bad input, 404 unknown, 409 conflict...), so the
/// browser and API clients see a 4xx with a clear message rather than a 500.
pub fn refuse(status: u16, message: impl Into<String>) -> ServerFnError {
    // A form posted without JavaScript is answered with a redirect back to it; a 4xx there
    // would replace the redirect and strand the browser, so that case keeps the redirect.
    super::status::set_status_unless_form(status);
    ServerFnError::new(message.into())
}
