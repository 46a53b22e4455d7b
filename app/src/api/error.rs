//! The error of every server function that is not a change (changes answer with
//! `ChangeError<F>`, which names the form's fields): a kind that carries its HTTP status and a
//! message for people. What went wrong inside the console is logged under the request's id and
//! never sent; the answer carries only that id, so an admin can find the log line.

use std::fmt;

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ApiError {
    /// Not signed in (or the session ended): 401.
    SignedOut(String),
    /// Signed in, but the role may not do this: 403.
    Forbidden(String),
    /// The input broke a rule; nothing was changed: 400.
    Invalid(String),
    /// No such thing: 404.
    NotFound(String),
    /// The thing moved on, or the request clashes with what exists: 409.
    Conflict(String),
    /// SendGrid refused or could not be reached; its words when it gave some: 502.
    Upstream(String),
    /// The console is busy or not ready; try again shortly: 503.
    Busy(String),
    /// The console failed. The detail is in its log under `request_id`: 500.
    Internal { request_id: Option<String> },
    /// The request or its answer could not be read (a network failure, a malformed call).
    Transport(String),
}

impl ApiError {
    /// The HTTP status that goes with the error.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::SignedOut(_) => 401,
            ApiError::Forbidden(_) => 403,
            ApiError::Invalid(_) | ApiError::Transport(_) => 400,
            ApiError::NotFound(_) => 404,
            ApiError::Conflict(_) => 409,
            ApiError::Upstream(_) => 502,
            ApiError::Busy(_) => 503,
            ApiError::Internal { .. } => 500,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::SignedOut(message)
            | ApiError::Forbidden(message)
            | ApiError::Invalid(message)
            | ApiError::NotFound(message)
            | ApiError::Conflict(message)
            | ApiError::Upstream(message)
            | ApiError::Busy(message)
            | ApiError::Transport(message) => f.write_str(message),
            ApiError::Internal {
                request_id: Some(id),
            } => write!(
                f,
                "The console failed; nothing was changed. Try again; if it goes on, give an \
                 admin this reference: {id}."
            ),
            ApiError::Internal { request_id: None } => {
                f.write_str("The console failed; nothing was changed. Try again.")
            }
        }
    }
}

impl std::error::Error for ApiError {}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    /// The framework's own failures: arguments that did not decode, an answer that could not
    /// be read, the network. Their words name no internals of the console.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::ApiError;

    /// Answers with `error`: its status is set on the response (a plain form post keeps the
    /// framework's redirect back to the form, see `status::set_status_unless_form`).
    pub fn fail(error: ApiError) -> ApiError {
        super::super::status::set_status_unless_form(error.status());
        error
    }

    /// The console failed at `what`: the detail goes to the log with the request's id, the
    /// operator gets the id and a sentence.
    pub fn internal(what: &str, detail: impl std::fmt::Display) -> ApiError {
        let request_id = request_id();
        tracing::error!(request_id = request_id.as_deref().unwrap_or("-"), %detail, "{what}");
        fail(ApiError::Internal { request_id })
    }

    /// The id the request-id layer gave this request (`x-request-id`).
    pub fn request_id() -> Option<String> {
        leptos::prelude::use_context::<http::request::Parts>().and_then(|parts| {
            parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(String::from)
        })
    }

    impl From<sqlx::Error> for ApiError {
        fn from(error: sqlx::Error) -> ApiError {
            internal("the console's database failed", error)
        }
    }

    // Each service's error as the wire's: its refusals keep their words; a database failure
    // becomes `internal` (logged, never sent).

    impl From<crate::services::directory::DirectoryError> for ApiError {
        fn from(error: crate::services::directory::DirectoryError) -> ApiError {
            use crate::services::directory::DirectoryError;
            match error {
                DirectoryError::NotFound(message) => fail(ApiError::NotFound(message)),
                DirectoryError::Conflict(message) => fail(ApiError::Conflict(message)),
                DirectoryError::Database(inner) => inner.into(),
                DirectoryError::SyncRunning | DirectoryError::Stopped => {
                    fail(ApiError::Busy(error.to_string()))
                }
                DirectoryError::Upstream(_) | DirectoryError::Paging(_) => {
                    fail(ApiError::Upstream(error.to_string()))
                }
            }
        }
    }

    impl From<crate::services::customers::CustomerError> for ApiError {
        fn from(error: crate::services::customers::CustomerError) -> ApiError {
            use crate::services::customers::CustomerError;
            match error {
                CustomerError::NotFound(_) => fail(ApiError::NotFound(error.to_string())),
                CustomerError::Database(inner) => inner.into(),
                CustomerError::Upstream(_) => fail(ApiError::Upstream(error.to_string())),
            }
        }
    }

    impl From<crate::services::offerings::catalog::CatalogError> for ApiError {
        fn from(error: crate::services::offerings::catalog::CatalogError) -> ApiError {
            use crate::services::offerings::catalog::CatalogError;
            match error {
                CatalogError::Upstream(_) => fail(ApiError::Upstream(error.to_string())),
                CatalogError::Database(inner) => inner.into(),
            }
        }
    }

    impl From<crate::services::operators::OperatorError> for ApiError {
        fn from(error: crate::services::operators::OperatorError) -> ApiError {
            use crate::services::operators::OperatorError;
            match error {
                OperatorError::Invalid(message) => fail(ApiError::Invalid(message)),
                OperatorError::NotFound(_) => fail(ApiError::NotFound(error.to_string())),
                OperatorError::EmailTaken(_)
                | OperatorError::SelfDisable
                | OperatorError::SelfDemotion
                | OperatorError::OwnPassword
                | OperatorError::Disabled(_) => fail(ApiError::Conflict(error.to_string())),
                OperatorError::Database(inner) => inner.into(),
            }
        }
    }

    impl From<crate::services::audit::ReconcileError> for ApiError {
        fn from(error: crate::services::audit::ReconcileError) -> ApiError {
            use crate::services::audit::ReconcileError;
            match error {
                ReconcileError::NotFound(_) => fail(ApiError::NotFound(error.to_string())),
                ReconcileError::AlreadyResolved { .. }
                | ReconcileError::KeyReuse
                | ReconcileError::NotReadable { .. } => fail(ApiError::Conflict(error.to_string())),
                ReconcileError::Upstream(_) => fail(ApiError::Upstream(error.to_string())),
                ReconcileError::Database(inner) => inner.into(),
            }
        }
    }

    impl From<crate::services::revert::RevertError> for ApiError {
        fn from(error: crate::services::revert::RevertError) -> ApiError {
            use crate::services::revert::RevertError;
            match error {
                RevertError::NotFound(_) => fail(ApiError::NotFound(error.to_string())),
                RevertError::Upstream(_) => fail(ApiError::Upstream(error.to_string())),
                RevertError::Database(inner) => inner.into(),
            }
        }
    }

    impl From<crate::services::home::HomeError> for ApiError {
        fn from(error: crate::services::home::HomeError) -> ApiError {
            fail(ApiError::Busy(error.to_string()))
        }
    }

    impl From<crate::domain::KeyError> for ApiError {
        fn from(error: crate::domain::KeyError) -> ApiError {
            fail(ApiError::Invalid(error.to_string()))
        }
    }
}
