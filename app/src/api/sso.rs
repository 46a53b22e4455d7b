use leptos::prelude::*;

use super::ApiError;

/// "Open in SendGrid": posted by a plain form into a new tab, which this sends on to SendGrid's
/// one-time sign-in URL (API.md §5.10: "hand the Location to the browser at once"), or, when
/// that fails, back to the customer's page with a word saying what happened. A script (not a
/// plain form) gets the failure as a 4xx/5xx with its message instead.
#[server(endpoint = "open_in_sendgrid")]
pub async fn open_in_sendgrid(user: String) -> Result<(), ApiError> {
    use crate::domain::encode_component;
    use crate::services::sso::{self, SsoError};

    let me = super::require_manager()?;
    let app = super::app_state()?;
    let target = match sso::open(&app.pool, &app.upstream, &me, &user, super::client_ip()).await {
        Ok(url) => url,
        Err(error) if super::status::is_plain_form() => format!(
            "/customers/{}?sendgrid={}",
            encode_component(user.trim()),
            error.code()
        ),
        Err(error) => {
            let message = error.to_string();
            return Err(super::fail(match error {
                SsoError::NoAccount(_) => ApiError::NotFound(message),
                SsoError::Refused { .. } => ApiError::Upstream(message),
                SsoError::NotRecorded | SsoError::Unavailable(_) => ApiError::Busy(message),
            }));
        }
    };
    leptos_axum::redirect(&target);
    Ok(())
}
