//! Server functions of the audit screens: the `/audit` table, chart and detail (ReadAudit),
//! a customer's history and the unknown-outcome list (ReadCustomers), and reconcile
//! (ChangeAccounts).

use leptos::prelude::*;

use super::ApiError;
use crate::domain::audit::{
    AuditDetail, AuditPage, DayCount, HistoryPage, ReconcileReport, UnresolvedList,
};
use crate::domain::audit_filter::AuditQuery;

/// Days the chart on `/audit` covers.
pub const CHART_DAYS: u32 = 30;

/// One page of the filtered log, newest first.
///
/// `default`: the unfiltered first page encodes to an empty body (every field of the query is
/// `None`, and a URL-encoded form leaves `None` out), which must still decode.
#[server(endpoint = "list_audit_events")]
pub async fn list_audit_events(
    #[server(default)] query: AuditQuery,
) -> Result<AuditPage, ApiError> {
    use crate::domain::Permission;
    use crate::services::audit::query::{self, Filter, PAGE_SIZE};

    super::require(Permission::ReadAudit)?;
    let state = super::app_state()?;
    let filter = query
        .filter()
        .map_err(|message| super::fail(ApiError::Invalid(message)))?;
    query::page(
        &state.pool,
        &Filter::from_audit(&filter),
        query.cursor(),
        PAGE_SIZE,
    )
    .await
    .map_err(ApiError::from)
}

/// One row with the change it belongs to.
#[server(endpoint = "get_audit_event")]
pub async fn get_audit_event(id: i64) -> Result<AuditDetail, ApiError> {
    use crate::domain::Permission;
    use crate::services::audit::detail;

    super::require(Permission::ReadAudit)?;
    let state = super::app_state()?;
    detail::detail(&state.pool, id).await?.ok_or_else(|| {
        super::fail(ApiError::NotFound(format!(
            "There is no audit event #{id}."
        )))
    })
}

/// What would undo change `id` now: read from SendGrid, for the revert screen. Managers and
/// admins, who can make the revert.
#[server(endpoint = "get_revert")]
pub async fn get_revert(id: i64) -> Result<crate::domain::revert::RevertView, ApiError> {
    use crate::domain::Permission;
    use crate::services::revert;

    super::require(Permission::ChangeAccounts)?;
    let state = super::app_state()?;
    Ok(revert::view(&state.pool, &state.upstream, id).await?)
}

/// Rows with an outcome per UTC day, for the last [`CHART_DAYS`] days.
#[server(endpoint = "audit_daily_counts")]
pub async fn audit_daily_counts() -> Result<Vec<DayCount>, ApiError> {
    use crate::domain::Permission;
    use crate::services::audit::stats;

    super::require(Permission::ReadAudit)?;
    let state = super::app_state()?;
    stats::daily_outcomes(&state.pool, CHART_DAYS)
        .await
        .map_err(ApiError::from)
}

/// Changes listed at most on the dashboard; the audit log's "Outcome unknown" filter has all.
pub const UNRESOLVED_SHOWN: usize = 50;

/// The newest changes whose outcome is unknown: of all customers, or of one.
#[server(endpoint = "list_unresolved")]
pub async fn list_unresolved(customer: Option<String>) -> Result<UnresolvedList, ApiError> {
    use crate::domain::Permission;
    use crate::services::audit;

    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let customer = customer.filter(|c| !c.trim().is_empty());
    let (rows, total) =
        audit::unresolved_newest(&state.pool, customer.as_deref(), UNRESOLVED_SHOWN as u32).await?;
    Ok(UnresolvedList {
        total,
        attempts: rows.iter().map(audit::unresolved_view).collect(),
    })
}

/// A customer's timeline, newest first; `before` pages back.
#[server(endpoint = "customer_history")]
pub async fn customer_history(
    customer: String,
    before: Option<i64>,
) -> Result<HistoryPage, ApiError> {
    use crate::domain::Permission;
    use crate::services::audit::history;

    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let customer = customer.trim();
    if customer.is_empty() || customer.chars().count() > 200 {
        return Err(super::fail(ApiError::Invalid("Name a customer.".into())));
    }
    history::customer_history(&state.pool, customer, before)
        .await
        .map_err(ApiError::from)
}

/// Reads the customer's current state at SendGrid for a change whose outcome is unknown, and
/// records what was found. The same form submitted again returns the first reconcile.
#[server(endpoint = "reconcile_attempt")]
pub async fn reconcile_attempt(
    attempt_id: i64,
    idempotency_key: Option<String>,
) -> Result<ReconcileReport, ApiError> {
    use crate::domain::IdempotencyKey;
    use crate::services::audit;

    let me = super::require_manager()?;
    let state = super::app_state()?;
    let key = IdempotencyKey::from_form(idempotency_key.as_deref().unwrap_or_default())?;
    let reconcile = audit::settle(
        &state.pool,
        &state.upstream,
        attempt_id,
        &me,
        Some(key.into_string()),
        super::client_ip(),
    )
    .await?;
    Ok(audit::reconcile_report(&reconcile))
}
