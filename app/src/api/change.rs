//! The error of the limit, offerings and state server functions crossing the wire, and the
//! HTTP status that goes with each kind.

use std::fmt::Debug;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::domain::change::ChangeError;

impl<F> FromServerFnError for ChangeError<F>
where
    F: Serialize + DeserializeOwned + Debug + 'static,
{
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ChangeError::Unavailable(value.to_string())
    }
}

/// The guard's refusal, or the console not being ready, on a change's path.
impl<F> From<super::ApiError> for ChangeError<F> {
    fn from(error: super::ApiError) -> ChangeError<F> {
        use super::ApiError;
        match error {
            ApiError::SignedOut(message) | ApiError::Forbidden(message) => {
                ChangeError::Denied(message)
            }
            ApiError::NotFound(message) => ChangeError::NotFound(message),
            ApiError::Conflict(message) => ChangeError::Conflict(message),
            ApiError::Invalid(message) | ApiError::Transport(message) => {
                ChangeError::Malformed(message)
            }
            other @ (ApiError::Upstream(_) | ApiError::Busy(_) | ApiError::Internal { .. }) => {
                ChangeError::Unavailable(other.to_string())
            }
        }
    }
}

/// Sets the error's status for API clients and tests; a plain form post is redirected back
/// to its page instead (see `status::set_status_unless_form`). The console failing on the way
/// (its database, a read of SendGrid) was logged under the request's id; the operator gets the
/// id too, to give an admin, as with every other server function's `ApiError::Internal`.
#[cfg(feature = "ssr")]
pub fn with_status<F: PartialEq + Clone>(error: ChangeError<F>) -> ChangeError<F> {
    if !matches!(error, ChangeError::Denied(_)) {
        super::status::set_status_unless_form(error.status());
    }
    match (error, super::error::request_id()) {
        (ChangeError::Unavailable(message), Some(id)) => ChangeError::Unavailable(format!(
            "{message} If it goes on, give an admin this reference: {id}."
        )),
        (error, _) => error,
    }
}
