//! A customer's plan: read it (`ReadCustomers`), change it or cancel a scheduled change
//! (`ChangeAccounts`: managers and admins). Changes go through the audit log.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use super::change::with_status;
use crate::domain::change::ChangeDone;
use crate::domain::plan::{PlanError, PlanForm, PlanState, ScheduledBy, Usage};
use crate::domain::schedule::ScheduledJob;
use crate::domain::IsoDate;

/// Everything the Plan tab shows, and fresh idempotency keys for its two forms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    pub state: PlanState,
    pub usage: Usage,
    /// Today (UTC) on the server, for the proration estimate.
    pub today: IsoDate,
    /// Minted for the change form; carried through the review step.
    pub change_key: String,
    /// Minted for the "Cancel pending change" form.
    pub cancel_key: String,
    /// The operator may submit changes (the server checks again on submit).
    pub can_change: bool,
    pub note: Option<String>,
    /// The outcome already recorded for the key the page was given, if any.
    pub earlier: Option<Result<ChangeDone, PlanError>>,
    /// Who would make a change chosen for the end of the cycle, said on the review step.
    pub scheduled_by: ScheduledBy,
    /// Plan changes the console holds for this customer (SendGrid no longer schedules).
    pub held: Vec<ScheduledJob>,
    /// IP group names seen before, offered as suggestions for `ip_group[]`.
    pub known_groups: Vec<String>,
}

#[server(endpoint = "get_plan")]
pub async fn get_plan(user: String, key: Option<String>) -> Result<PlanView, PlanError> {
    use crate::domain::Permission;
    use crate::services::audit::new_idempotency_key;
    use crate::services::plan;

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let user = plan::username_for(&state.pool, &user)
        .await
        .map_err(with_status)?;
    let read = plan::read(&state.upstream, &user)
        .await
        .map_err(with_status)?;
    let earlier = match key.as_deref() {
        Some(key) => plan::earlier(&state.pool, &user, key)
            .await
            .map_err(with_status)?,
        None => None,
    };
    let known_groups = plan::known_ip_groups(&state.pool, read.state.pending.as_ref()).await;
    Ok(PlanView {
        state: read.state,
        usage: read.usage,
        today: plan::today(),
        change_key: new_idempotency_key(),
        cancel_key: new_idempotency_key(),
        can_change: me.role.allows(Permission::ChangeAccounts),
        note: read.note,
        earlier,
        scheduled_by: state.plan_scheduling.maker(read.sendgrid_schedules),
        held: plan::held_for(&state.pool, &user).await,
        known_groups,
    })
}

/// Upgrade, downgrade or close, now or at the end of the cycle. The form's fields (`action`,
/// `timing`, `package`, `ip`, `ip_group`) arrive flat; its rules are checked again here against
/// SendGrid's current state, and destructive actions need `confirm` to be the username.
#[server(endpoint = "change_plan")]
pub async fn change_plan(
    user: String,
    #[server(flatten)] form: PlanForm,
    confirm: Option<String>,
    idempotency_key: String,
    reverts: Option<i64>,
) -> Result<ChangeDone, PlanError> {
    use crate::services::plan::{change, username_for, ChangeRequest};

    let me = super::require_manager()?;
    let state = super::app_state()?;
    let user = username_for(&state.pool, &user)
        .await
        .map_err(with_status)?;
    let request = ChangeRequest {
        user,
        form,
        confirm: confirm.unwrap_or_default(),
        idempotency_key,
        scheduling: state.plan_scheduling,
        reverts,
    };
    change(
        &state.pool,
        &state.upstream,
        &me,
        request,
        super::client_ip(),
    )
    .await
    .map_err(with_status)
}

#[server(endpoint = "cancel_pending_change")]
pub async fn cancel_pending_change(
    user: String,
    idempotency_key: String,
) -> Result<ChangeDone, PlanError> {
    use crate::services::plan::{cancel_pending, username_for};

    let me = super::require_manager()?;
    let state = super::app_state()?;
    let user = username_for(&state.pool, &user)
        .await
        .map_err(with_status)?;
    cancel_pending(
        &state.pool,
        &state.upstream,
        &me,
        &user,
        &idempotency_key,
        super::client_ip(),
    )
    .await
    .map_err(with_status)
}
