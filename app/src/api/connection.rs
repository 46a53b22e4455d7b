//! The SendGrid connection check (admins): where each API family's calls go, with which
//! credential (never the secret), and whether a harmless read works there.

use leptos::prelude::*;

use super::ApiError;

use crate::domain::connection::ConnectionReport;

/// Reads once from each family and reports what SendGrid answered. Changes nothing.
#[server(endpoint = "check_connection")]
pub async fn check_connection() -> Result<ConnectionReport, ApiError> {
    use crate::domain::Permission;

    super::require(Permission::ManageSettings)?;
    let state = super::app_state()?;
    Ok(crate::services::connection::check(&state.upstream, &state.upstream_settings).await)
}
