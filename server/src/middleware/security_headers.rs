//! Security headers on every response. HTML pages set their own CSP with a per-request
//! nonce for the hydration script (see `app::shell`); everything else gets this default.
//! When cookies are Secure the console is reached over HTTPS, and HSTS tells browsers never to
//! try it over plain HTTP (where a session cookie could not travel anyway).

use axum::{
    extract::{Request, State},
    http::HeaderValue,
    middleware::Next,
    response::Response,
};

/// No script at all: for JSON, CSV, files and errors.
pub const DEFAULT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// One year, as browsers' preload lists ask; without `includeSubDomains`, which would bind
/// other sites of the same domain to HTTPS as well.
pub const HSTS: &str = "max-age=31536000";

/// Whether the console is served over HTTPS (its cookies are Secure).
#[derive(Clone, Copy, Debug)]
pub struct Https(pub bool);

pub async fn security_headers(
    State(https): State<Https>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    if https.0 {
        headers.insert("strict-transport-security", HeaderValue::from_static(HSTS));
    }
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
