//! Four-eyes approval: the requests (everyone who reads customers sees them; managers and
//! admins decide, never on their own request) and the admins' policy.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::ApiError;
use crate::domain::approval::{ApprovalPolicy, ApprovalRequest, PolicyField, StateLine};
use crate::domain::change::ChangeError;

/// The Approvals page: requests waiting first, then the latest decided.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalsView {
    pub requests: Vec<ApprovalRequest>,
    pub policy: ApprovalPolicy,
    /// The operator may approve or decline (managers and admins).
    pub can_decide: bool,
    /// The operator may change the policy (admins).
    pub can_set_policy: bool,
    pub me: String,
}

/// One request, with the account then and now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ApprovalDetailView {
    pub request: ApprovalRequest,
    pub fields: Vec<(String, String)>,
    pub state: Vec<StateLine>,
    pub unread: Option<String>,
    pub can_decide: bool,
    pub me: String,
}

#[server(endpoint = "list_approvals")]
pub async fn list_approvals(customer: Option<String>) -> Result<ApprovalsView, ApiError> {
    use crate::domain::Permission;
    use crate::services::approvals;

    /// How many requests it answers at most.
    const LISTED: i64 = 200;

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let customer = customer.filter(|c| !c.trim().is_empty());
    let requests = approvals::list(&state.pool, customer.as_deref().map(str::trim), LISTED).await?;
    Ok(ApprovalsView {
        requests,
        policy: approvals::policy(&state.pool).await?,
        can_decide: me.role.allows(Permission::ChangeAccounts),
        can_set_policy: me.role.allows(Permission::ManageSettings),
        me: me.email,
    })
}

#[server(endpoint = "get_approval")]
pub async fn get_approval(id: i64) -> Result<ApprovalDetailView, ApiError> {
    use crate::domain::Permission;
    use crate::services::approvals;

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let detail = approvals::detail(&state.pool, &state.upstream, id)
        .await?
        .ok_or_else(|| {
            super::fail(ApiError::NotFound(format!(
                "There is no approval request #{id}."
            )))
        })?;
    Ok(ApprovalDetailView {
        request: detail.request,
        fields: detail.fields,
        state: detail.state,
        unread: detail.unread,
        can_decide: me.role.allows(Permission::ChangeAccounts),
        me: me.email,
    })
}

/// Approves request `id`: the change is made now, as the approver submits it, and the answer
/// says how it ended.
#[server(endpoint = "approve_request")]
pub async fn approve_request(id: i64) -> Result<ApprovalRequest, ApiError> {
    use crate::services::approvals;

    let me = super::require_manager()?;
    let state = super::app_state()?;
    approvals::approve(
        &state.pool,
        &state.upstream,
        &state.bulk,
        &me,
        id,
        state.plan_scheduling,
        super::client_ip(),
    )
    .await
    .map_err(decision_error)
}

/// Declines request `id` with `reason`; nothing is sent.
#[server(endpoint = "decline_request")]
pub async fn decline_request(id: i64, reason: String) -> Result<ApprovalRequest, ApiError> {
    use crate::services::approvals;

    let me = super::require_manager()?;
    let state = super::app_state()?;
    approvals::decline(&state.pool, &me, id, &reason, super::client_ip())
        .await
        .map_err(decision_error)
}

#[cfg(feature = "ssr")]
fn decision_error(error: crate::services::approvals::DecisionError) -> ApiError {
    use crate::services::approvals::DecisionError;
    let message = error.to_string();
    super::fail(match error {
        DecisionError::NotFound(_) => ApiError::NotFound(message),
        DecisionError::OwnRequest => ApiError::Forbidden(message),
        DecisionError::Expired(_) | DecisionError::AlreadyDecided { .. } => {
            ApiError::Conflict(message)
        }
        DecisionError::ReasonMissing => ApiError::Invalid(message),
        DecisionError::Database(error) => {
            return super::internal("an approval could not be decided", error)
        }
    })
}

/// Sets which kinds of change need a second person (admins). Each kind is a checkbox: present
/// means held. A refusal names the field it is about.
#[server(endpoint = "set_approval_policy")]
pub async fn set_approval_policy(
    close: Option<String>,
    downgrade: Option<String>,
    deactivate: Option<String>,
    offerings_removal: Option<String>,
    credits_threshold: String,
    /// Absent from clients that predate it: never.
    bulk_threshold: Option<String>,
    expiry_hours: String,
) -> Result<ApprovalPolicy, ChangeError<PolicyField>> {
    use super::change::with_status;
    use crate::domain::approval::ApprovalKind;
    use crate::services::{approvals, outcome};

    let me = super::require_admin()?;
    let state = super::app_state()?;
    let kinds: Vec<String> = [
        (close, ApprovalKind::Close),
        (downgrade, ApprovalKind::Downgrade),
        (deactivate, ApprovalKind::Deactivate),
        (offerings_removal, ApprovalKind::OfferingsRemoval),
    ]
    .into_iter()
    .filter(|(ticked, _)| ticked.is_some())
    .map(|(_, kind)| kind.as_str().to_string())
    .collect();
    let policy = ApprovalPolicy::from_form(
        &kinds,
        &credits_threshold,
        bulk_threshold.as_deref().unwrap_or_default(),
        &expiry_hours,
    )
    .map_err(|errors| with_status(ChangeError::Invalid(errors)))?;
    approvals::set_policy(&state.pool, &me, &policy, super::client_ip())
        .await
        .map_err(|error| with_status(outcome::unavailable(error)))?;
    Ok(policy)
}
