//! The admins' notification webhook: where it points (masked), setting it, a test message, and
//! the latest deliveries.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::change::ChangeError;
use crate::domain::notification::{Delivery, WebhookField};

/// How many deliveries the page lists.
pub const LISTED: i64 = 50;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsView {
    /// The webhook, masked (its path is usually its secret); `None` when notifications are off.
    pub webhook: Option<String>,
    /// The latest messages, newest first.
    pub deliveries: Vec<Delivery>,
}

#[server(endpoint = "get_notifications")]
pub async fn get_notifications() -> Result<NotificationsView, ApiError> {
    use crate::services::notifications;

    super::require_admin()?;
    let state = super::app_state()?;
    Ok(NotificationsView {
        webhook: notifications::masked_webhook(&state.pool).await?,
        deliveries: notifications::recent(&state.pool, LISTED).await?,
    })
}

/// Sets the webhook (blank turns notifications off); answers it masked.
#[server(endpoint = "set_webhook")]
pub async fn set_webhook(url: String) -> Result<Option<String>, ChangeError<WebhookField>> {
    use super::change::with_status;
    use crate::domain::notification::WebhookUrl;
    use crate::services::{notifications, outcome};

    let me = super::require_admin()?;
    let state = super::app_state()?;
    let url =
        WebhookUrl::parse(&url).map_err(|errors| with_status(ChangeError::Invalid(errors)))?;
    notifications::set_webhook(&state.pool, &me, url.as_ref(), super::client_ip())
        .await
        .map_err(|error| with_status(outcome::unavailable(error)))?;
    Ok(url.map(|url| url.masked()))
}

/// Queues a test message for the webhook; refused (409) while none is set.
#[server(endpoint = "send_test_notification")]
pub async fn send_test_notification() -> Result<(), ApiError> {
    use crate::services::notifications;

    let me = super::require_admin()?;
    let state = super::app_state()?;
    if notifications::webhook(&state.pool).await?.is_none() {
        return Err(super::fail(ApiError::Conflict(
            "Set a webhook first; there is nowhere to send a test message.".into(),
        )));
    }
    notifications::send_test(&state.pool, &me, super::client_ip()).await?;
    Ok(())
}
