//! Credit limits of a customer and its subusers (API.md §3): read one (`ReadCustomers`),
//! change one (`ChangeAccounts`: managers and admins), through the audit log.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::domain::change::ChangeDone;
use crate::domain::limits::{CurrentLimit, LimitError, LimitForm, RememberedRule};
use crate::domain::IsoDate;

/// Everything the Limits tab shows for one (sub)user, and a fresh key for its form.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LimitsView {
    /// The customer's v2 username (limits are a v2 matter).
    pub username: String,
    /// The customer first, then the subusers known to be its own.
    pub targets: Vec<String>,
    /// Whose limit is shown: the customer or one of its subusers.
    pub target: String,
    /// "User not found" when the typed name is unknown upstream.
    pub target_error: Option<String>,
    /// Whether the limit could be read (see `target_error` and `note` when not).
    pub limit_known: bool,
    /// The limit in force; `None` is "no limit" when `limit_known`.
    pub limit: Option<CurrentLimit>,
    /// The recurring rule this console set, which `retrieve` does not report.
    pub rule: Option<RememberedRule>,
    /// Today (UTC) on the server: start dates may not be earlier.
    pub today: IsoDate,
    /// Minted for the change form; carried through the review step.
    pub change_key: String,
    /// The operator may submit changes (the server checks again on submit).
    pub can_change: bool,
    pub note: Option<String>,
    /// The outcome already recorded for the key the page was given, if any.
    pub earlier: Option<Result<ChangeDone, LimitError>>,
}

#[server(endpoint = "get_limits")]
pub async fn get_limits(
    user: String,
    target: Option<String>,
    key: Option<String>,
) -> Result<LimitsView, LimitError> {
    use super::change::with_status;
    use crate::domain::Permission;
    use crate::services::audit::new_idempotency_key;
    use crate::services::{clock, limits};

    let me = super::require(Permission::ReadCustomers)?;
    let state = super::app_state()?;
    let username = username_of(&state, &user).await.map_err(with_status)?;
    let read = limits::read(&state.pool, &state.upstream, &username, target.as_deref())
        .await
        .map_err(with_status)?;
    let earlier = match key.as_deref() {
        Some(key) => limits::earlier(&state.pool, &username, key)
            .await
            .map_err(with_status)?,
        None => None,
    };
    Ok(LimitsView {
        username: username.into_string(),
        targets: read.targets,
        target: read.target,
        target_error: read.target_error,
        limit_known: read.limit.is_some(),
        limit: read.limit.flatten(),
        rule: read.rule,
        today: clock::today(),
        change_key: new_idempotency_key(),
        can_change: me.role.allows(Permission::ChangeAccounts),
        note: read.note,
        earlier,
    })
}

/// One of the five limit tasks for the customer or one of its subusers. The form is checked
/// again here against the limit SendGrid reports now.
#[server(endpoint = "set_credit_limit")]
pub async fn set_credit_limit(
    user: String,
    target: Option<String>,
    #[server(flatten)] form: LimitForm,
    idempotency_key: String,
    reverts: Option<i64>,
) -> Result<ChangeDone, LimitError> {
    use super::change::with_status;
    use crate::services::limits::{change, LimitRequest};

    let me = super::require_manager()?;
    let state = super::app_state()?;
    let username = username_of(&state, &user).await.map_err(with_status)?;
    let request = LimitRequest {
        target: target.unwrap_or_else(|| username.to_string()),
        username,
        form,
        idempotency_key,
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

/// The v2 username of the customer page `key` (see `customer_keys::v2_username`).
#[cfg(feature = "ssr")]
async fn username_of(
    state: &crate::services::AppState,
    key: &str,
) -> Result<crate::domain::Username, LimitError> {
    use crate::domain::change::ChangeError;

    crate::services::customer_keys::v2_username(&state.pool, key, || {
        ChangeError::Unsupported(
            "Credit limits are set with SendGrid's v2 reseller API, which names customers \
             and their subusers by username. This account exists only in v3 and has no \
             username."
                .to_string(),
        )
    })
    .await
}
