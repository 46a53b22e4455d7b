//! Plan changes of one v2 customer (API.md §2): read what the rules need, check the form,
//! send the change through the audit log, and answer a repeated form from the log.

mod change;
mod held;

use sendgrid::{Client, IpQuery, Overview, Package, PendingChange, PendingQuery};
use serde_json::Value;

use crate::domain::change::ChangeDone;
use crate::domain::plan::{
    recorded_summary, v3_only, BillingCycle, PackageInfo, PackageName, PendingInfo, PlanError,
    PlanField, PlanState, Usage,
};
use crate::domain::{Cents, IsoDate};
use crate::services::audit::snapshot::plan_state;
use crate::services::outcome;

pub use change::{cancel_pending, change, ChangeRequest};
pub(crate) use change::{params, to_upstream};
pub(crate) use held::hold;
pub use held::{held_for, run_job};

/// A customer's plan as SendGrid reports it now, and the same as the audit log's `before`.
pub struct PlanRead {
    pub state: PlanState,
    pub usage: Usage,
    pub before: Value,
    /// Set when scheduled changes could not be read (that API was removed from the v2 docs in
    /// 2017, §2.6, so it may be missing upstream); everything else is still usable.
    pub note: Option<String>,
    /// Whether SendGrid answered the pending API as a call it knows: `Some(false)` when it
    /// said the call does not exist, `None` when it could not be asked.
    pub sendgrid_schedules: Option<bool>,
}

/// Reads overview, packages, free IPs and pending changes at once. All but the pending list
/// are needed; an unknown customer is [`PlanError::NotFound`].
#[tracing::instrument(skip(client))]
pub async fn read(client: &Client, user: &str) -> Result<PlanRead, PlanError> {
    read_upstream(client, user)
        .await
        .map_err(|error| read_error(user, error))
}

/// [`read`] with SendGrid's own error, for callers that act on its kind (a bulk job waits
/// out a rate limit rather than failing the customer).
pub async fn read_upstream(client: &Client, user: &str) -> Result<PlanRead, sendgrid::Error> {
    let pending_query = PendingQuery {
        username: Some(user.to_string()),
        kind: None,
    };
    let all_ips = IpQuery::default();
    let (overview, packages, free_ips, assigned_ips, pending) = tokio::join!(
        client.overview(user),
        client.list_packages(),
        client.list_free_ips(),
        client.list_ips(&all_ips),
        client.list_pending(&pending_query),
    );
    let (overview, packages, free_ips) = (overview?, packages?, free_ips?);
    let sendgrid_schedules = match &pending {
        Ok(_) => Some(true),
        Err(error) if error.is_unknown_call() => Some(false),
        Err(_) => None,
    };
    let (pending, note) = match pending {
        // Whether the `username` filter is exact is not documented (API.md §2.6): keep exact ones.
        Ok(list) => (
            list.into_iter()
                .filter(|change| change.username == user)
                .collect::<Vec<_>>(),
            None,
        ),
        // Gone upstream: nothing is scheduled there, and the review says who makes a change.
        Err(error) if error.is_unknown_call() => (Vec::new(), None),
        Err(error) => (
            Vec::new(),
            Some(format!("Scheduled changes could not be read: {error}")),
        ),
    };
    Ok(PlanRead {
        before: plan_state(&overview, &pending),
        usage: Usage {
            credits_allowed: overview.credits_allowed,
            credits_used: overview.credits_used,
            credits_remain: overview.credits_remain,
            credits_overage: overview.credits_overage,
            reputation: overview.reputation,
        },
        state: PlanState {
            username: user.to_string(),
            package: PackageName::new(&overview.package),
            cycle: cycle_of(&overview),
            pending: pending.first().map(pending_info),
            packages: packages.iter().map(package_info).collect(),
            free_ips,
            // Only a downgrade's extra choice: without the list, free IPs still serve.
            assigned_ips: assigned_ips.unwrap_or_default(),
        },
        note,
        sendgrid_schedules,
    })
}

/// The v2 username `key` names (see `customer_keys::v2_username`).
pub async fn username_for(
    pool: &sqlx::SqlitePool,
    key: &str,
) -> Result<crate::domain::Username, PlanError> {
    crate::services::customer_keys::v2_username(pool, key, v3_only).await
}

/// What became of the form submitted under `key` for `user`, if it was submitted before: the
/// change the console holds for it, else the audit log's record of the attempt. Lets a page
/// reloaded after a submission (or reached by the redirect of a form posted without
/// JavaScript) show the outcome instead of the same form again.
pub async fn earlier(
    pool: &sqlx::SqlitePool,
    user: &str,
    key: &str,
) -> Result<Option<Result<ChangeDone, PlanError>>, PlanError> {
    if let Some(answer) = crate::services::approvals::answer_for_key(pool, user, key)
        .await
        .map_err(outcome::unavailable)?
    {
        return Ok(Some(answer));
    }
    if let Some(done) = held::replay(pool, user, key).await? {
        return Ok(Some(Ok(done)));
    }
    Ok(recorded_attempt(pool, user, key)
        .await?
        .map(|(first, summary)| {
            outcome::shown(
                first.attempt_id,
                first.outcome,
                true,
                summary,
                PlanField::from_upstream,
            )
        }))
}

/// The audit log's attempt under `key` for `user`, with the summary of its plan action.
pub(super) async fn recorded_attempt(
    pool: &sqlx::SqlitePool,
    user: &str,
    key: &str,
) -> Result<Option<(outcome::Earlier, String)>, PlanError> {
    let first = outcome::earlier(pool, user, key)
        .await
        .map_err(outcome::unavailable)?;
    Ok(first.map(|first| {
        let package = first.params.get("package").and_then(Value::as_str);
        let summary = recorded_summary(user, &first.action, package);
        (first, summary)
    }))
}

fn read_error(user: &str, error: sendgrid::Error) -> PlanError {
    match error {
        sendgrid::Error::NotFound { .. } => {
            PlanError::NotFound(format!("SendGrid has no v2 customer named {user:?}."))
        }
        other => PlanError::Unavailable(format!(
            "The plan could not be read, so nothing was changed: {other}"
        )),
    }
}

pub fn package_info(package: &Package) -> PackageInfo {
    PackageInfo {
        name: PackageName::new(&package.name),
        price: Cents::from_dollars(package.price),
        credits: package.credits,
        has_ip: package.has_ip,
    }
}

fn iso(date: chrono::NaiveDate) -> Option<IsoDate> {
    IsoDate::parse(&date.format("%Y-%m-%d").to_string()).ok()
}

pub fn cycle_of(overview: &Overview) -> Option<BillingCycle> {
    Some(BillingCycle {
        start: iso(overview.billing_start_date?)?,
        end: iso(overview.billing_end_date?)?,
        process: overview.billing_process_date.and_then(iso),
    })
}

/// The day a scheduled change takes effect, as the console writes days.
pub fn pending_due(change: &PendingChange) -> Option<IsoDate> {
    change.date.and_then(iso)
}

pub fn pending_info(change: &PendingChange) -> PendingInfo {
    PendingInfo {
        kind: change.kind.clone(),
        current: change.current.clone(),
        update: change.update.clone(),
        date: pending_due(change),
        ips: change.ips.clone(),
        ip_groups: change.ip_groups.clone(),
    }
}

/// IP group names the console has seen: those named in plan changes it sent (their audit
/// parameters) and in the scheduled change SendGrid lists. No documented call lists IP groups
/// (API.md §4.6, §9 Q5), so these are offered as suggestions; any name may be typed.
pub async fn known_ip_groups(
    pool: &sqlx::SqlitePool,
    pending: Option<&PendingInfo>,
) -> Vec<String> {
    // Kept by a trigger on the log (migration `plan_ip_groups`).
    let mut groups: Vec<String> =
        sqlx::query_scalar!("SELECT name FROM plan_ip_groups ORDER BY name LIMIT 50")
            .fetch_all(pool)
            .await
            .unwrap_or_else(|error| {
                tracing::warn!(%error, "could not read the IP groups used before");
                Vec::new()
            });
    for group in pending.map(|p| p.ip_groups.as_slice()).unwrap_or_default() {
        if !groups.contains(group) {
            groups.push(group.clone());
        }
    }
    groups.sort();
    groups
}

/// Today in UTC, for estimates.
pub fn today() -> IsoDate {
    iso(chrono::Utc::now().date_naive())
        .unwrap_or_else(|| IsoDate::parse("1970-01-01").expect("a valid constant date"))
}
