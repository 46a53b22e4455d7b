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

/// The guard's refusal (its 401/403 status is already set).
#[cfg(feature = "ssr")]
pub fn denied<F>(error: leptos::prelude::ServerFnError) -> ChangeError<F> {
    ChangeError::Denied(super::status::message_of(&error))
}

#[cfg(feature = "ssr")]
pub fn unavailable<F>(error: leptos::prelude::ServerFnError) -> ChangeError<F> {
    ChangeError::Unavailable(super::status::message_of(&error))
}

/// Sets the error's status for API clients and tests; a plain form post is redirected back
/// to its page instead (see `status::set_status_unless_form`).
#[cfg(feature = "ssr")]
pub fn with_status<F: PartialEq + Clone>(error: ChangeError<F>) -> ChangeError<F> {
    if !matches!(error, ChangeError::Denied(_)) {
        super::status::set_status_unless_form(error.status());
    }
    error
}
