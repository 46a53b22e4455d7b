//! Security headers on every response. HTML pages set their own CSP with a per-request
//! nonce for the hydration script (see `app::shell`); everything else gets this default.

use axum::{extract::Request, http::HeaderValue, middleware::Next, response::Response};

/// No script at all: for JSON, CSV, files and errors.
pub const DEFAULT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers
        .entry("content-security-policy")
        .or_insert(HeaderValue::from_static(DEFAULT_CSP));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    headers.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    response
}
