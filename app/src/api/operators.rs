use leptos::prelude::*;

use crate::domain::OperatorView;

/// Every operator, enabled first. Admins only.
#[server(endpoint = "list_operators")]
pub async fn list_operators() -> Result<Vec<OperatorView>, ServerFnError> {
    use crate::domain::Permission;
    super::require(Permission::ManageOperators)?;
    let state = super::app_state()?;
    let rows = crate::services::operators::list(&state.pool).await?;
    Ok(rows.iter().map(|row| row.view()).collect())
}

/// A new operator and their one-time password, shown once to the admin who created them.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct NewOperator {
    pub email: String,
    pub one_time_password: String,
}

#[server(endpoint = "add_operator")]
pub async fn add_operator(
    email: String,
    display_name: String,
    role: String,
) -> Result<NewOperator, ServerFnError> {
    use crate::domain::{OperatorEmail, Permission, Role};
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::operators;
    use crate::services::passwords;

    let me = super::require(Permission::ManageOperators)?;
    let state = super::app_state()?;
    let email = OperatorEmail::parse(&email).map_err(|m| super::refuse(400, m))?;
    let role = Role::parse(&role)
        .ok_or_else(|| super::refuse(400, "Choose a role: admin, manager, support or auditor."))?;
    let password = passwords::generate();
    let event = NewEvent::event(
        "operator.add",
        Some(&me.email),
        Outcome::Success,
        serde_json::json!({"email": email.as_str(), "role": role.as_str()}),
    )
    .with_client_ip(super::client_ip());
    operators::create(
        &state.pool,
        &email,
        &display_name,
        role,
        &password,
        true,
        event,
    )
    .await
    .map_err(operator_error)?;
    Ok(NewOperator {
        email: email.as_str().to_string(),
        one_time_password: password,
    })
}

#[server(endpoint = "change_operator_role")]
pub async fn change_operator_role(email: String, role: String) -> Result<(), ServerFnError> {
    use crate::domain::{Permission, Role};
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::operators;

    let me = super::require(Permission::ManageOperators)?;
    let state = super::app_state()?;
    let role = Role::parse(&role)
        .ok_or_else(|| super::refuse(400, "Choose a role: admin, manager, support or auditor."))?;
    let event = NewEvent::event(
        "operator.change_role",
        Some(&me.email),
        Outcome::Success,
        serde_json::json!({"email": email.trim(), "role": role.as_str()}),
    )
    .with_client_ip(super::client_ip());
    operators::set_role(&state.pool, email.trim(), role, event)
        .await
        .map_err(operator_error)?;
    Ok(())
}

#[server(endpoint = "disable_operator")]
pub async fn disable_operator(email: String) -> Result<(), ServerFnError> {
    use crate::domain::Permission;
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::operators;

    let me = super::require(Permission::ManageOperators)?;
    let state = super::app_state()?;
    let event = NewEvent::event(
        "operator.disable",
        Some(&me.email),
        Outcome::Success,
        serde_json::json!({"email": email.trim()}),
    )
    .with_client_ip(super::client_ip());
    operators::disable(&state.pool, email.trim(), event)
        .await
        .map_err(operator_error)?;
    Ok(())
}

/// A fresh one-time password for another operator: the way back for someone who forgot
/// theirs or let a one-time password expire. Every session of theirs ends; shown once.
#[server(endpoint = "reset_operator_password")]
pub async fn reset_operator_password(email: String) -> Result<NewOperator, ServerFnError> {
    use crate::domain::Permission;
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::{operators, passwords};

    let me = super::require(Permission::ManageOperators)?;
    let state = super::app_state()?;
    let email = email.trim();
    if email.eq_ignore_ascii_case(&me.email) {
        return Err(super::refuse(
            409,
            "Change your own password under Change password.",
        ));
    }
    let Some(target) = operators::find_by_email(&state.pool, email).await? else {
        return Err(super::refuse(
            404,
            format!("No operator has the email {email}."),
        ));
    };
    if target.disabled_at.is_some() {
        return Err(super::refuse(
            409,
            format!("{} is disabled and cannot sign in.", target.email),
        ));
    }
    let password = passwords::generate();
    let event = NewEvent::event(
        "operator.reset_password",
        Some(&me.email),
        Outcome::Success,
        serde_json::json!({"email": target.email}),
    )
    .with_client_ip(super::client_ip());
    operators::set_password(&state.pool, target.id, &password, true, event).await?;
    Ok(NewOperator {
        email: target.email,
        one_time_password: password,
    })
}

/// The service's refusal with its status; a database failure is logged, not shown.
#[cfg(feature = "ssr")]
fn operator_error(error: crate::services::operators::OperatorError) -> ServerFnError {
    use crate::services::operators::OperatorError;
    match error {
        OperatorError::Invalid(_) => super::refuse(400, error.to_string()),
        OperatorError::NotFound(_) => super::refuse(404, error.to_string()),
        OperatorError::EmailTaken(_) | OperatorError::SelfDisable | OperatorError::SelfDemotion => {
            super::refuse(409, error.to_string())
        }
        OperatorError::Database(inner) => {
            tracing::error!(error = %inner, "the console's database failed");
            ServerFnError::new("The console's database failed; nothing was changed. Try again.")
        }
    }
}
