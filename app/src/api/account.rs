use leptos::prelude::*;

use super::ApiError;

/// Changes the signed-in operator's own password, after checking the current one.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), ApiError> {
    use crate::domain::check_new_password;
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::operators;

    // Also, and above all, an operator who must replace a one-time password.
    let me = super::require_signed_in()?;
    let state = super::app_state()?;
    check_new_password(&new_password).map_err(|m| super::fail(ApiError::Invalid(m)))?;
    if new_password != confirm_password {
        return Err(super::fail(ApiError::Invalid(
            "The two new passwords differ.".into(),
        )));
    }
    let row = operators::find_by_id(&state.pool, me.id)
        .await?
        .ok_or_else(|| {
            super::fail(ApiError::SignedOut(
                "Your operator account no longer exists.".into(),
            ))
        })?;
    let checked = state
        .password_checks
        .verify(current_password.clone(), row.password_hash.clone())
        .await
        .map_err(|busy| {
            super::fail(ApiError::Busy(format!(
                "{busy}; try again in a few seconds."
            )))
        })?;
    if !checked {
        return Err(super::fail(ApiError::Invalid(
            "The current password is not right.".into(),
        )));
    }
    if current_password == new_password {
        return Err(super::fail(ApiError::Invalid(
            "Choose a password different from the current one.".into(),
        )));
    }
    // Read before the change, so a failure here leaves the password as it was.
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|error| super::internal("the session could not be read", error))?;
    let event = NewEvent::event(
        crate::domain::AuditAction::OperatorChangePassword,
        Some(&me.email),
        Outcome::Success,
        serde_json::json!({}),
    )
    .with_client_ip(super::client_ip());
    let version = operators::set_password(&state.pool, me.id, &new_password, false, event).await?;
    // Whoever else holds a session of this operator (a stolen cookie, a forgotten browser) is
    // out from their next request; this one goes on under a fresh id.
    crate::services::auth::carry_over_password_change(&session, version)
        .await
        .map_err(|error| {
            tracing::error!(%error, "the session could not be renewed after a password change");
            super::fail(ApiError::SignedOut(
                "Your password was changed, but this session could not be renewed; sign in \
                 again with the new password."
                    .into(),
            ))
        })?;
    if let Some(path) = &state.initial_password_file {
        crate::services::initial_password::forget_if_replaced(path, &current_password);
    }
    leptos_axum::redirect("/");
    Ok(())
}
