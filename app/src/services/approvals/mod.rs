//! Four-eyes approval. A manager's change of a kind the admins' policy holds is not sent: it
//! becomes a request (recorded, with an `approval.request` event in the same transaction).
//! A different manager or an admin approves it, and the change is then made as they submit
//! it, checked against SendGrid anew, through the audit log under the requester's form key,
//! naming both; or declines it with a reason. A request past its time never runs.

mod decide;
mod gate;
mod store;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::SqlitePool;

use crate::domain::approval::{ApprovalPolicy, ApprovalRequest, StateLine};
use crate::domain::audit::Outcome;
use crate::domain::bulk::BulkForm;
use crate::domain::limits::LimitForm;
use crate::domain::plan::PlanForm;
use crate::domain::{AccountId, ActionFamily, AuditAction, CustomerKey, Username};
use crate::services::audit::{append_in, NewEvent};
use crate::services::auth::Admin;
use crate::services::writer::begin_write;

pub use decide::{approve, decline, DecisionError};
pub use gate::{answer_for_key, gate, submitted, Held};

/// The submitted form a request holds, made again on approval.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "tab", rename_all = "snake_case")]
pub enum StoredChange {
    Plan {
        user: Username,
        form: PlanForm,
        confirm: String,
        /// The earlier change this one reverts (its attempt id), from "Revert…".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverts: Option<i64>,
    },
    Offerings {
        key: CustomerKey,
        account_id: AccountId,
        offerings: String,
        timing: String,
        apply_on: String,
        confirm: String,
        reviewed: Option<String>,
        /// The earlier change this one reverts (its attempt id), from "Revert…".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverts: Option<i64>,
    },
    State {
        key: CustomerKey,
        account_id: AccountId,
        state: String,
        timing: String,
        apply_on: String,
        /// The earlier change this one reverts (its attempt id), from "Revert…".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverts: Option<i64>,
    },
    Limits {
        username: Username,
        target: String,
        form: LimitForm,
        /// The earlier change this one reverts (its attempt id), from "Revert…".
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reverts: Option<i64>,
    },
    /// A bulk change, started as the approver's job when approved.
    Bulk { form: BulkForm, confirm: String },
}

impl StoredChange {
    /// The submitted form as the review named its fields, the empty ones left out (the typed
    /// confirmation too: it is the customer's name).
    fn fields(&self) -> Vec<(String, String)> {
        let lines: Vec<(&str, String)> = match self {
            StoredChange::Plan { form, .. } => vec![
                ("Action", form.action.clone()),
                ("Timing", form.timing.clone()),
                ("Target package", form.package.clone()),
                ("IP addresses", form.ips().join(", ")),
                ("IP groups", form.ip_groups().join(", ")),
            ],
            StoredChange::Offerings {
                offerings,
                timing,
                apply_on,
                ..
            } => vec![
                ("Offerings", offerings.replace(',', ", ")),
                ("Timing", timing.clone()),
                ("Apply on", apply_on.clone()),
            ],
            StoredChange::State {
                state,
                timing,
                apply_on,
                ..
            } => vec![
                ("State", state.clone()),
                ("Timing", timing.clone()),
                ("Apply on", apply_on.clone()),
            ],
            StoredChange::Limits { target, form, .. } => vec![
                ("Subuser", target.clone()),
                ("Task", form.task.clone()),
                ("Credits", form.credits.clone()),
                ("Period", form.period.clone()),
                ("Start date", form.start_date.clone()),
                ("End date", form.end_date.clone()),
                ("Initial credits", form.initial_credits.clone()),
            ],
            StoredChange::Bulk { form, .. } => {
                return form
                    .query_pairs()
                    .into_iter()
                    .filter(|(_, value)| !value.trim().is_empty())
                    .map(|(name, value)| (bulk_field_name(&name), value.trim().to_string()))
                    .collect()
            }
        };
        lines
            .into_iter()
            .filter(|(_, value)| !value.trim().is_empty())
            .map(|(name, value)| (name.to_string(), value.trim().to_string()))
            .collect()
    }

    /// What to read from SendGrid to show the account then and now: the family, the name
    /// the change is filed under and the one it changes. `None` for a bulk change, whose
    /// "then and now" is how many customers it chooses (the directory's, not SendGrid's).
    fn reads(&self) -> Option<(ActionFamily, &str, &str)> {
        Some(match self {
            StoredChange::Plan { user, .. } => (ActionFamily::Plan, user, user),
            StoredChange::Offerings {
                key, account_id, ..
            } => (ActionFamily::Offerings, key, account_id),
            StoredChange::State {
                key, account_id, ..
            } => (ActionFamily::State, key, account_id),
            StoredChange::Limits {
                username, target, ..
            } => (ActionFamily::Limits, username, target),
            StoredChange::Bulk { .. } => return None,
        })
    }
}

/// A bulk form's field as its review names it.
fn bulk_field_name(name: &str) -> String {
    match name {
        "by" => "Customers chosen by",
        "q" => "Search",
        "package" => "Package",
        "state" => "State",
        "pasted" => "Pasted",
        "op" => "Operation",
        "concurrency" => "At a time",
        "count" => "Customers counted",
        "credits" => "Credits",
        other => {
            let words = other.replace('_', " ");
            let mut chars = words.chars();
            return chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default();
        }
    }
    .to_string()
}

/// The admins' policy as it stands.
pub async fn policy(pool: &SqlitePool) -> Result<ApprovalPolicy, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    store::policy(&mut conn).await
}

/// Replaces the policy and records `approval.policy` with it, in one transaction.
pub async fn set_policy(
    pool: &SqlitePool,
    by: &Admin,
    policy: &ApprovalPolicy,
    client_ip: Option<String>,
) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    store::save_policy(&mut tx, policy, by.email(), Utc::now()).await?;
    let event = NewEvent::event(
        AuditAction::ApprovalPolicy,
        Some(by.email()),
        Outcome::Success,
        json!({ "policy": policy }),
    )
    .with_client_ip(client_ip);
    append_in(&mut tx, event).await?;
    tx.commit().await
}

/// Requests waiting first, then the latest decided; one customer's with `customer`.
pub async fn list(
    pool: &SqlitePool,
    customer: Option<&str>,
    limit: i64,
) -> Result<Vec<ApprovalRequest>, sqlx::Error> {
    let now = Utc::now();
    Ok(store::list(pool, customer, now, limit)
        .await?
        .iter()
        .map(|row| row.view(now))
        .collect())
}

/// How many requests wait for a decision.
pub async fn waiting(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    store::waiting(pool, Utc::now()).await
}

/// One request, with the account as SendGrid reported it when the request was made and as
/// it reports it now (read again here), field by field.
pub struct Detail {
    pub request: ApprovalRequest,
    /// The form's fields as submitted (the typed confirmation left out).
    pub fields: Vec<(String, String)>,
    pub state: Vec<StateLine>,
    /// Why the account could not be read now, if it could not.
    pub unread: Option<String>,
}

pub async fn detail(
    pool: &SqlitePool,
    client: &sendgrid::Client,
    id: i64,
) -> Result<Option<Detail>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let Some(row) = store::by_id(&mut conn, id).await? else {
        return Ok(None);
    };
    drop(conn);
    let now = Utc::now();
    let change: Option<StoredChange> = serde_json::from_str(&row.change).ok();
    let then: serde_json::Value = row
        .before_state
        .as_deref()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(serde_json::Value::Null);
    let (current, unread) = match &change {
        Some(StoredChange::Bulk { form, .. }) => {
            match crate::services::bulk::chosen_now(pool, form).await {
                Ok(state) => (state, None),
                Err(error) => (
                    serde_json::Value::Null,
                    Some(format!("The directory could not be read now: {error}")),
                ),
            }
        }
        Some(change) => match change.reads() {
            Some((family, customer, target)) => {
                match crate::services::audit::read_state(client, family, customer, target).await {
                    Ok(state) => (state, None),
                    Err(error) => (
                        serde_json::Value::Null,
                        Some(format!("SendGrid could not be read now: {error}")),
                    ),
                }
            }
            None => (serde_json::Value::Null, None),
        },
        None => (serde_json::Value::Null, None),
    };
    Ok(Some(Detail {
        request: row.view(now),
        fields: change
            .as_ref()
            .map(StoredChange::fields)
            .unwrap_or_default(),
        state: state_lines(&then, &current, unread.is_none()),
        unread,
    }))
}

/// Each field of the account then and now; `now_read` false leaves "now" empty.
fn state_lines(
    then: &serde_json::Value,
    now: &serde_json::Value,
    now_read: bool,
) -> Vec<StateLine> {
    let mut lines: Vec<StateLine> = crate::services::audit::flatten(then)
        .into_iter()
        .map(|(field, value)| StateLine {
            field,
            then: Some(value),
            now: None,
        })
        .collect();
    if now_read {
        for (field, value) in crate::services::audit::flatten(now) {
            match lines.iter_mut().find(|l| l.field == field) {
                Some(line) => line.now = Some(value),
                None => lines.push(StateLine {
                    field,
                    then: None,
                    now: Some(value),
                }),
            }
        }
    }
    lines
}

/// When a request made at `at` expires under `policy`.
fn expiry(at: DateTime<Utc>, policy: &ApprovalPolicy) -> DateTime<Utc> {
    at + chrono::Duration::hours(i64::from(policy.expiry_hours))
}
