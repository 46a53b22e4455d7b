use leptos::prelude::*;

use super::ApiError;
use crate::domain::OperatorView;

/// Every operator, enabled first. Admins only.
#[server(endpoint = "list_operators")]
pub async fn list_operators() -> Result<Vec<OperatorView>, ApiError> {
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
) -> Result<NewOperator, ApiError> {
    use crate::domain::OperatorEmail;
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::operators;
    use crate::services::passwords;

    let me = super::require_admin()?;
    let state = super::app_state()?;
    let email = OperatorEmail::parse(&email).map_err(|m| super::fail(ApiError::Invalid(m)))?;
    let role = parse_role(&role)?;
    let password = passwords::generate();
    let event = NewEvent::event(
        crate::domain::AuditAction::OperatorAdd,
        None,
        Outcome::Success,
        serde_json::json!({"email": email.as_str(), "role": role.as_str()}),
    )
    .with_client_ip(super::client_ip());
    operators::create(
        &state.pool,
        &me,
        &email,
        &display_name,
        role,
        operators::FirstPassword::OneTime(&password),
        event,
    )
    .await?;
    Ok(NewOperator {
        email: email.as_str().to_string(),
        one_time_password: password,
    })
}

#[server(endpoint = "change_operator_role")]
pub async fn change_operator_role(email: String, role: String) -> Result<(), ApiError> {
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::operators;

    let me = super::require_admin()?;
    let state = super::app_state()?;
    let role = parse_role(&role)?;
    let event = NewEvent::event(
        crate::domain::AuditAction::OperatorChangeRole,
        None,
        Outcome::Success,
        serde_json::json!({"email": email.trim(), "role": role.as_str()}),
    )
    .with_client_ip(super::client_ip());
    operators::set_role(&state.pool, &me, email.trim(), role, event).await?;
    Ok(())
}

#[server(endpoint = "disable_operator")]
pub async fn disable_operator(email: String) -> Result<(), ApiError> {
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::operators;

    let me = super::require_admin()?;
    let state = super::app_state()?;
    let event = NewEvent::event(
        crate::domain::AuditAction::OperatorDisable,
        None,
        Outcome::Success,
        serde_json::json!({"email": email.trim()}),
    )
    .with_client_ip(super::client_ip());
    operators::disable(&state.pool, &me, email.trim(), event).await?;
    Ok(())
}

/// A fresh one-time password for another operator: the way back for someone who forgot
/// theirs or let a one-time password expire. Every session of theirs ends; shown once.
#[server(endpoint = "reset_operator_password")]
pub async fn reset_operator_password(email: String) -> Result<NewOperator, ApiError> {
    use crate::services::audit::{NewEvent, Outcome};
    use crate::services::{operators, passwords};

    let me = super::require_admin()?;
    let state = super::app_state()?;
    let password = passwords::generate();
    let event = NewEvent::event(
        crate::domain::AuditAction::OperatorResetPassword,
        None,
        Outcome::Success,
        serde_json::json!({"email": email.trim()}),
    )
    .with_client_ip(super::client_ip());
    let email = operators::reset_password(&state.pool, &me, email.trim(), &password, event).await?;
    Ok(NewOperator {
        email,
        one_time_password: password,
    })
}

#[cfg(feature = "ssr")]
fn parse_role(role: &str) -> Result<crate::domain::Role, ApiError> {
    crate::domain::Role::parse(role).ok_or_else(|| {
        super::fail(ApiError::Invalid(
            "Choose a role: admin, manager, support or auditor.".into(),
        ))
    })
}
