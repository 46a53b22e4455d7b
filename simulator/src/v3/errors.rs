//! The v3 Account Provisioning error body (API.md §5.1, §6):
//! `{"errors":[{"message","field","error_id"}]}`, with `field` "" when no field is at fault.
//! Ids the spec documents are used as is; the others follow its `10-<status><nn>` pattern.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorItem {
    pub message: String,
    pub field: String,
    pub error_id: String,
}

impl ErrorItem {
    pub fn new(message: impl Into<String>, field: impl Into<String>, error_id: &str) -> Self {
        Self {
            message: message.into(),
            field: field.into(),
            error_id: error_id.to_owned(),
        }
    }
}

pub const BAD_JSON: &str = "10-40000";
pub const REQUIRED: &str = "10-40001";
pub const EMAIL: &str = "10-40002";
pub const LIMIT: &str = "10-40003";
pub const OFFSET: &str = "10-40004";
pub const PACKAGE_COUNT: &str = "10-40005";
pub const QUANTITY: &str = "10-40006";
pub const UNKNOWN_OFFERING: &str = "10-40007";
pub const URL: &str = "10-40008";
pub const OFFERING_TYPE: &str = "10-40009";
pub const PHONE: &str = "10-40010";
pub const DUPLICATE_OFFERING: &str = "10-40011";
pub const STATE: &str = "10-40012";

pub const EMAIL_MESSAGE: &str = "Field must be a valid email";
pub const URL_MESSAGE: &str = "Field must be a valid URL";
pub const PHONE_MESSAGE: &str = "Field must be formatted using the E.164 standard consisting of [+] [country code] [subscriber number including area code] and can have a maximum of fifteen digits.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<ErrorItem>,
}

impl ApiError {
    pub fn one(status: StatusCode, message: &str, field: &str, error_id: &str) -> Self {
        Self {
            status,
            errors: vec![ErrorItem::new(message, field, error_id)],
        }
    }

    pub fn bad_request(errors: Vec<ErrorItem>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            errors,
        }
    }

    pub fn unauthorized() -> Self {
        Self::one(
            StatusCode::UNAUTHORIZED,
            "Failed to authenticate user",
            "",
            "10-40100",
        )
    }

    pub fn no_such_account() -> Self {
        Self::one(StatusCode::NOT_FOUND, "No such account", "", "10-40401")
    }

    pub fn no_such_endpoint() -> Self {
        Self::one(StatusCode::NOT_FOUND, "No such endpoint", "", "10-40400")
    }

    /// The spec's example body for each documented status; other statuses get their reason.
    pub fn for_status(status: StatusCode) -> Self {
        let message = match status.as_u16() {
            400 => "Bad Request",
            401 => "Failed to authenticate user",
            403 => "The authenticated user is not authorized to perfrom this request",
            404 => "No such endpoint",
            500 => "Something went wrong",
            502 => "Bad Gateway",
            503 => "Service Unavailable",
            504 => "Endpoint request timed out",
            _ => status.canonical_reason().unwrap_or("Error"),
        };
        Self::one(status, message, "", &format!("10-{}00", status.as_u16()))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            return too_many_requests();
        }
        (self.status, Json(json!({"errors": self.errors}))).into_response()
    }
}

/// The generic v3 429 body, which has a null `field` and no `error_id` (API.md §7).
pub fn too_many_requests() -> Response {
    let body = json!({"errors": [{"field": null, "message": "too many requests"}]});
    (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response()
}
