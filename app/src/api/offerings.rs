//! v3 offerings and account state of one customer (API.md §5): read them and the catalog
//! (`ReadCustomers`), change them now or at the end of the billing cycle, cancel a change
//! held for later (`ChangeAccounts`). Changes go through the audit log.

// `update_offerings` takes the review step's form fields one by one, as its plain form posts
// them; the client function the macro writes for it cannot carry an attribute of its own.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::change::ChangeDone;
use crate::domain::offerings::{AccountStateName, CatalogItem, OfferingLine, OfferingsError};
use crate::domain::schedule::ScheduledJob;
use crate::domain::IsoDate;

/// Everything the Offerings tab shows, and fresh keys for its forms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OfferingsView {
    /// The customer page's key.
    pub key: String,
    pub username: Option<String>,
    /// `None`: a v2-only customer, with no offerings or state.
    pub account_id: Option<String>,
    pub current: Vec<OfferingLine>,
    pub state: Option<AccountStateName>,
    pub catalog: Vec<CatalogItem>,
    /// When the cached catalog was fetched (RFC 3339); empty when it could not be.
    pub catalog_fetched_at: String,
    /// The day a change "at the end of the billing cycle" runs, when the customer has a v2
    /// cycle; otherwise the operator picks one.
    pub end_of_cycle: Option<IsoDate>,
    /// The day offered when the operator picks one: the first of next month.
    pub default_apply_on: IsoDate,
    pub today: IsoDate,
    /// Minted for the offerings form; carried through the review step.
    pub change_key: String,
    /// Minted for the state form; carried through the confirmation step.
    pub state_key: String,
    pub can_change: bool,
    pub jobs: Vec<ScheduledJob>,
    pub notes: Vec<String>,
    /// The outcome already recorded for the key the page was given, if any.
    pub earlier: Option<Result<ChangeDone, OfferingsError>>,
}

#[server(endpoint = "get_offerings")]
pub async fn get_offerings(
    user: String,
    key: Option<String>,
) -> Result<OfferingsView, OfferingsError> {
    use super::change::with_status;
    use crate::domain::schedule::first_of_next_month;
    use crate::domain::Permission;
    use crate::services::audit::new_idempotency_key;
    use crate::services::{clock, offerings};

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let read = offerings::read(&state.pool, &state.upstream, &user)
        .await
        .map_err(with_status)?;
    let earlier = match key.as_deref() {
        Some(key) => offerings::earlier(&state.pool, &read.keys.key, key)
            .await
            .map_err(with_status)?,
        None => None,
    };
    let today = clock::today();
    let (catalog, catalog_fetched_at) = read
        .catalog
        .map(|c| (c.items, c.fetched_at))
        .unwrap_or_default();
    Ok(OfferingsView {
        key: read.keys.key.into_string(),
        username: read.keys.username.map(String::from),
        account_id: read.keys.account_id.map(String::from),
        current: read.current,
        state: read.state,
        catalog,
        catalog_fetched_at,
        end_of_cycle: read
            .process_date
            .or(read.cycle_end.map(crate::domain::schedule::next_day)),
        default_apply_on: first_of_next_month(today),
        today,
        change_key: new_idempotency_key(),
        state_key: new_idempotency_key(),
        can_change: me.role.allows(Permission::ChangeAccounts),
        jobs: read.jobs.iter().map(|job| job.view()).collect(),
        notes: read.notes,
        earlier,
    })
}

/// Fetches the catalog again (it changes nothing upstream); answers when it was fetched.
#[server(endpoint = "refresh_catalog")]
pub async fn refresh_catalog() -> Result<String, ApiError> {
    use crate::domain::Permission;
    use crate::services::offerings::catalog;

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    tracing::info!(operator = %me.email, "offerings catalog refresh requested");
    catalog::refresh(&state.pool, &state.upstream)
        .await
        .map(|catalog| catalog.fetched_at)
        .map_err(ApiError::from)
}

/// Replaces the account's offerings with the whole set in `offerings`
/// (`package:NAME:1,addon:NAME:2`), now or at the end of the billing cycle. Anything taken
/// away needs `confirm` to be the username or the account id.
#[server(endpoint = "update_offerings")]
pub async fn update_offerings(
    user: String,
    offerings: String,
    timing: Option<String>,
    apply_on: Option<String>,
    confirm: Option<String>,
    idempotency_key: String,
    reviewed: Option<String>,
    reverts: Option<i64>,
) -> Result<ChangeDone, OfferingsError> {
    use super::change::with_status;
    use crate::services::offerings::{update, OfferingsRequest};

    let me = super::require_manager()?;
    let state = super::app_state()?;
    let request = OfferingsRequest {
        key: crate::domain::CustomerKey::new(user),
        offerings,
        timing: timing.unwrap_or_default(),
        apply_on: apply_on.unwrap_or_default(),
        confirm: confirm.unwrap_or_default(),
        idempotency_key,
        reviewed,
        reverts,
    };
    update(
        &state.pool,
        &state.upstream,
        &me,
        request,
        super::client_ip(),
    )
    .await
    .map_err(with_status)
}

/// Activates or deactivates the account, now or at the end of the billing cycle.
#[server(endpoint = "change_account_state")]
pub async fn change_account_state(
    user: String,
    state: String,
    timing: Option<String>,
    apply_on: Option<String>,
    idempotency_key: String,
    reverts: Option<i64>,
) -> Result<ChangeDone, OfferingsError> {
    use super::change::with_status;
    use crate::services::offerings::{change_state, StateRequest};

    let me = super::require_manager()?;
    let app = super::app_state()?;
    let request = StateRequest {
        key: crate::domain::CustomerKey::new(user),
        state,
        timing: timing.unwrap_or_default(),
        apply_on: apply_on.unwrap_or_default(),
        idempotency_key,
        reverts,
    };
    change_state(&app.pool, &app.upstream, &me, request, super::client_ip())
        .await
        .map_err(with_status)
}

#[server(endpoint = "cancel_scheduled_change")]
pub async fn cancel_scheduled_change(
    user: String,
    job_id: i64,
) -> Result<ChangeDone, OfferingsError> {
    use super::change::with_status;
    use crate::services::offerings::cancel;

    let me = super::require_manager()?;
    let state = super::app_state()?;
    cancel(
        &state.pool,
        &state.upstream,
        &me,
        &user,
        job_id,
        super::client_ip(),
    )
    .await
    .map_err(with_status)
}
