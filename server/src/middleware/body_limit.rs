//! Largest request body accepted, and a plain answer when a request is over it. Forms here
//! are small and uploads do not exist, so anything near the limit is a mistake or an attack.

use axum::{
    extract::Request,
    http::StatusCode,
    middleware::Next,
    response::{IntoResponse, Response},
};

pub const BODY_LIMIT: usize = 256 * 1024;

/// The message of every 413, whoever noticed the size (the limit layer from the
/// `Content-Length`, or a handler reading a chunked body past the limit).
pub fn too_large() -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        format!(
            "Refused: the request body is larger than the {} KiB the console accepts. \
             Nothing was done.",
            BODY_LIMIT / 1024
        ),
    )
        .into_response()
}

/// Replaces the terse body of a 413 with [`too_large`]'s message.
pub async fn explain_too_large(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
        too_large()
    } else {
        response
    }
}
