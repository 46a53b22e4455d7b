//! Server functions of the audit screens: the `/audit` table, chart and detail (ReadAudit),
//! a customer's history and the unknown-outcome list (ReadCustomers), and reconcile
//! (ChangeAccounts).

use leptos::prelude::*;

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
) -> Result<AuditPage, ServerFnError> {
    use crate::domain::Permission;
    use crate::services::audit::query::{self, Filter, PAGE_SIZE};

    super::require(Permission::ReadAudit)?;
    let state = super::app_state()?;
    let filter = query
        .filter()
        .map_err(|message| super::refuse(400, message))?;
    query::page(
        &state.pool,
        &Filter::from_audit(&filter),
        query.cursor(),
        PAGE_SIZE,
    )
    .await
    .map_err(unavailable)
}

/// One row with the change it belongs to.
#[server(endpoint = "get_audit_event")]
pub async fn get_audit_event(id: i64) -> Result<AuditDetail, ServerFnError> {
    use crate::domain::Permission;
    use crate::services::audit::detail;

    super::require(Permission::ReadAudit)?;
    let state = super::app_state()?;
    detail::detail(&state.pool, id)
        .await
        .map_err(unavailable)?
        .ok_or_else(|| super::refuse(404, format!("There is no audit event #{id}.")))
}

/// Rows with an outcome per UTC day, for the last [`CHART_DAYS`] days.
#[server(endpoint = "audit_daily_counts")]
pub async fn audit_daily_counts() -> Result<Vec<DayCount>, ServerFnError> {
    use crate::domain::Permission;
    use crate::services::audit::stats;

    super::require(Permission::ReadAudit)?;
    let state = super::app_state()?;
    stats::daily_outcomes(&state.pool, CHART_DAYS)
        .await
        .map_err(unavailable)
}

/// Changes listed at most on the dashboard; the audit log's "Outcome unknown" filter has all.
pub const UNRESOLVED_SHOWN: usize = 50;

/// The newest changes whose outcome is unknown: of all customers, or of one.
#[server(endpoint = "list_unresolved")]
pub async fn list_unresolved(customer: Option<String>) -> Result<UnresolvedList, ServerFnError> {
    use crate::domain::Permission;
    use crate::services::audit;

    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let customer = customer.filter(|c| !c.trim().is_empty());
    let (rows, total) =
        audit::unresolved_newest(&state.pool, customer.as_deref(), UNRESOLVED_SHOWN as u32)
            .await
            .map_err(unavailable)?;
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
) -> Result<HistoryPage, ServerFnError> {
    use crate::domain::Permission;
    use crate::services::audit::history;

    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let customer = customer.trim();
    if customer.is_empty() || customer.chars().count() > 200 {
        return Err(super::refuse(400, "Name a customer."));
    }
    history::customer_history(&state.pool, customer, before)
        .await
        .map_err(unavailable)
}

/// Reads the customer's current state at SendGrid for a change whose outcome is unknown, and
/// records what was found. The same form submitted again returns the first reconcile.
#[server(endpoint = "reconcile_attempt")]
pub async fn reconcile_attempt(
    attempt_id: i64,
    idempotency_key: Option<String>,
) -> Result<ReconcileReport, ServerFnError> {
    use crate::domain::{IdempotencyKey, Permission};
    use crate::services::audit::{self, ActionFamily, Reconcile, ReconcileError, ReconcileTarget};

    let me = super::require(Permission::ChangeAccounts)?;
    let state = super::app_state()?;
    let key = IdempotencyKey::from_form(idempotency_key.as_deref().unwrap_or_default())
        .map_err(|error| super::refuse(400, error.to_string()))?;
    let key = Some(key.into_string());
    let refused = |error: ReconcileError| match error {
        ReconcileError::NotFound(_) => super::refuse(404, error.to_string()),
        ReconcileError::AlreadyResolved { .. } | ReconcileError::KeyReuse => {
            super::refuse(409, error.to_string())
        }
        ReconcileError::Database(inner) => unavailable(inner),
    };
    let attempt = match audit::reconcile_target(&state.pool, attempt_id, key.as_deref()).await {
        Ok(ReconcileTarget::Open(attempt)) => attempt,
        Ok(ReconcileTarget::Replay(done)) => return Ok(audit::reconcile_report(&done)),
        Err(error) => return Err(refused(error)),
    };
    let (Some(family), Some(customer)) = (
        ActionFamily::of(&attempt.action),
        attempt.customer.as_deref(),
    ) else {
        return Err(super::refuse(
            409,
            format!(
                "Change #{attempt_id} ({}) is not one the console can read back from SendGrid.",
                attempt.action
            ),
        ));
    };
    let subject = audit::snapshot::reconcile_subject(family, customer, &attempt.params);
    let found = audit::read_state(&state.upstream, family, customer, &subject)
        .await
        .map_err(|error| {
            super::refuse(
                502,
                format!("Could not read the current state at SendGrid: {error}. Nothing was recorded; try again."),
            )
        })?;
    let reconcile = audit::record_reconcile_with(
        &state.pool,
        Reconcile {
            attempt_id,
            operator: me.email,
            found_state: found,
            note: format!("Read {} at SendGrid.", family.reads()),
            idempotency_key: key,
            client_ip: super::client_ip(),
        },
    )
    .await
    .map_err(refused)?;
    Ok(audit::reconcile_report(&reconcile))
}

/// A database failure: logged here, reported to the operator without detail.
#[cfg(feature = "ssr")]
fn unavailable(error: sqlx::Error) -> ServerFnError {
    tracing::error!(%error, "audit log query failed");
    ServerFnError::new("The audit log is unavailable; try again.")
}
