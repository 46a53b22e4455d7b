use leptos::prelude::*;

/// Changes the signed-in operator's own password, after checking the current one.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
    confirm_password: String,
) -> Result<(), ServerFnError> {
    use crate::domain::check_new_password;
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::operators;

    // Also, and above all, an operator who must replace a one-time password.
    let me = super::require_signed_in()?;
    let state = super::app_state()?;
    check_new_password(&new_password).map_err(|m| super::refuse(400, m))?;
    if new_password != confirm_password {
        return Err(super::refuse(400, "The two new passwords differ."));
    }
    let row = operators::find_by_id(&state.pool, me.id)
        .await?
        .ok_or_else(|| ServerFnError::new("Your operator account no longer exists."))?;
    let checked = state
        .password_checks
        .verify(current_password.clone(), row.password_hash.clone())
        .await
        .map_err(|busy| super::refuse(503, format!("{busy}; try again in a few seconds.")))?;
    if !checked {
        return Err(super::refuse(400, "The current password is not right."));
    }
    if current_password == new_password {
        return Err(super::refuse(
            400,
            "Choose a password different from the current one.",
        ));
    }
    let event = NewEvent::event(
        "operator.change_password",
        Some(&me.email),
        Outcome::Success,
        serde_json::json!({}),
    )
    .with_client_ip(super::client_ip());
    let version = operators::set_password(&state.pool, me.id, &new_password, false, event).await?;
    // Whoever else holds a session of this operator (a stolen cookie, a forgotten browser) is
    // out from their next request; this one goes on under a fresh id.
    let session = leptos_axum::extract::<tower_sessions::Session>()
        .await
        .map_err(|_| ServerFnError::new("Your session could not be read; sign in again."))?;
    crate::services::auth::carry_over_password_change(&session, version)
        .await
        .map_err(|_| ServerFnError::new("Your session could not be renewed; sign in again."))?;
    if let Some(path) = &state.initial_password_file {
        crate::services::initial_password::forget_if_replaced(path, &current_password);
    }
    leptos_axum::redirect("/");
    Ok(())
}
