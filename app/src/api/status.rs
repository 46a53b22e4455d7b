//! HTTP statuses for refusals that still let a form posted without JavaScript work.

use leptos::prelude::*;

/// Sets `status` on the response, except for a plain form post (`Accept: text/html`): that
/// one is answered with a redirect back to the form (the error travels in its URL), and a 4xx
/// status would replace the redirect's 302 so the browser would never follow it.
pub fn set_status_unless_form(status: u16) {
    if is_plain_form() {
        return;
    }
    if let (Some(response), Ok(code)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(code);
    }
}

/// The request is an HTML form posted without JavaScript (`Accept: text/html`).
pub fn is_plain_form() -> bool {
    use_context::<http::request::Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/html"))
    })
}
