use leptos::prelude::*;

use super::ApiError;
use serde::{Deserialize, Serialize};

use crate::domain::scheduled::WaitingChange;

/// What `/scheduled` shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingView {
    pub changes: Vec<WaitingChange>,
    /// Set when SendGrid's list could not be read.
    pub note: Option<String>,
    /// The operator may cancel (the server checks again).
    pub can_cancel: bool,
    /// One key per SendGrid change listed, for its cancel form (by position in `changes`).
    pub cancel_keys: Vec<String>,
}

/// Every change waiting for a later day, across customers, filtered by kind (`upgrade`,
/// `downgrade`, `close`, `offerings`, `state`) and by the last day it may be due.
#[server(endpoint = "list_waiting_changes")]
pub async fn list_waiting_changes(
    kind: Option<String>,
    due_by: Option<String>,
) -> Result<WaitingView, ApiError> {
    use crate::domain::scheduled::WaitingFilter;
    use crate::domain::Permission;
    use crate::services::audit::new_idempotency_key;
    use crate::services::scheduled;

    let me = super::require(Permission::ReadCustomers)?;
    let app = super::app_state()?;
    let filter = WaitingFilter::parse(
        kind.as_deref().unwrap_or_default(),
        due_by.as_deref().unwrap_or_default(),
    )
    .map_err(|message| super::fail(ApiError::Invalid(message)))?;
    let waiting = scheduled::list(
        &app.pool,
        &app.upstream,
        &filter,
        scheduled::Freshness::Live,
    )
    .await?;
    let cancel_keys = waiting
        .changes
        .iter()
        .map(|_| new_idempotency_key())
        .collect();
    Ok(WaitingView {
        changes: waiting.changes,
        note: waiting.note,
        can_cancel: me.role.allows(Permission::ChangeAccounts),
        cancel_keys,
    })
}
