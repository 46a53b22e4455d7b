//! The home page's "what needs you", for any signed-in operator (each item by role).

use leptos::prelude::*;

use super::ApiError;

use crate::domain::home::{DueSoon, WhatNeedsYou};

/// Counts from the console's own records and SendGrid's cached health; answers at once.
#[server(endpoint = "home_summary")]
pub async fn home_summary() -> Result<WhatNeedsYou, ApiError> {
    use crate::domain::Permission;
    use crate::services::home::{self, Sources};

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let sources = Sources {
        pool: &state.pool,
        client: &state.upstream,
        directory: &state.directory,
        health: &state.upstream_health,
    };
    home::summary(sources, me.role)
        .await
        .map_err(ApiError::from)
}

/// Changes falling due this week, SendGrid's and the console's: it asks SendGrid's pending
/// list, so the home page shows it in its own box as it arrives.
#[server(endpoint = "home_due_soon")]
pub async fn home_due_soon() -> Result<DueSoon, ApiError> {
    use crate::domain::Permission;

    super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    crate::services::home::due_soon(&state.pool, &state.upstream)
        .await
        .map_err(ApiError::from)
}

/// Results of changes per day and outcome over the last 30 days, for the home page's chart.
#[server(endpoint = "home_daily_changes")]
pub async fn home_daily_changes() -> Result<Vec<crate::domain::audit::DayCount>, ApiError> {
    use crate::domain::Permission;

    super::require(Permission::ReadAudit)?;
    let state = super::app_state()?;
    crate::services::audit::stats::daily_changes(&state.pool, super::audit::CHART_DAYS)
        .await
        .map_err(ApiError::from)
}
