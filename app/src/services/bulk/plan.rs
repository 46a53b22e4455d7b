//! What the operation would do to one customer, read from SendGrid: the review step shows it,
//! and the runner reads it again just before sending, so each change starts from the
//! customer's state at that moment.

use sendgrid::{Client, LimitChange, LimitHolder};
use serde_json::{json, Value};

use super::plan_change::{plan_change, PlanCall};
use crate::domain::bulk::{BulkOperation, Needs, PlanEffect, PlannedItem};
use crate::domain::change::group_thousands;
use crate::domain::offerings::{OfferingKind, OfferingLine, OfferingSet, WritableState};
use crate::domain::plan::SchedulingMode;
use crate::services::audit::snapshot::{account_state, limit_state, offerings_state};
use crate::services::offerings::{lines, state_name};

/// The change to send for one customer.
#[derive(Clone, Debug)]
pub enum Call {
    Offerings {
        account_id: String,
        set: OfferingSet,
    },
    State {
        account_id: String,
        state: WritableState,
    },
    Limit {
        user: String,
        change: LimitChange,
    },
    Plan(Box<PlanCall>),
}

impl Call {
    /// The audit parameters, with the same target names a single change records.
    pub fn params(&self, job_id: i64) -> Value {
        match self {
            Call::Offerings { account_id, set } => {
                json!({ "account_id": account_id, "offerings": set.encode(), "bulk_job": job_id })
            }
            Call::State { account_id, state } => {
                json!({ "account_id": account_id, "state": state.as_str(), "bulk_job": job_id })
            }
            Call::Limit { user, change } => {
                let mut params = json!({ "user": user, "task": change.task(), "bulk_job": job_id });
                if let LimitChange::Total(n) | LimitChange::Increment(n) = change {
                    params["credits"] = json!(n.to_string());
                }
                params
            }
            Call::Plan(plan) => {
                let mut params = crate::services::plan::params(&plan.form);
                params["bulk_job"] = json!(job_id);
                params
            }
        }
    }
}

#[derive(Clone, Debug)]
pub enum Plan {
    Send {
        before: String,
        after: String,
        /// The state recorded as the audit attempt's "before".
        before_state: Value,
        call: Call,
    },
    NoChange(String),
    NotApplicable(String),
}

impl Plan {
    pub fn planned(&self, customer: &str, name: &str) -> PlannedItem {
        let (before, after, effect) = match self {
            Plan::Send { before, after, .. } => (before.clone(), after.clone(), PlanEffect::Change),
            Plan::NoChange(now) => (now.clone(), "No change".to_string(), PlanEffect::NoChange),
            Plan::NotApplicable(why) => (
                why.clone(),
                "Skipped".to_string(),
                PlanEffect::NotApplicable,
            ),
        };
        PlannedItem {
            customer: customer.to_string(),
            name: name.to_string(),
            before,
            after,
            effect,
        }
    }
}

/// "essentials_40k + ip_addon ×1".
fn describe_offerings(lines: &[OfferingLine]) -> String {
    let package = lines
        .iter()
        .find(|l| l.kind == OfferingKind::Package)
        .map(|l| l.name.clone())
        .unwrap_or_else(|| "no package".to_string());
    let addons: Vec<String> = lines
        .iter()
        .filter(|l| l.kind == OfferingKind::Addon)
        .map(|l| format!("{} ×{}", l.name, l.quantity))
        .collect();
    if addons.is_empty() {
        package
    } else {
        format!("{package} + {}", addons.join(" + "))
    }
}

fn describe_limit(limit: Option<&sendgrid::Limit>) -> String {
    match limit {
        None => "No limit".to_string(),
        // `credit_remain` and `credit` are not "X of Y" (API.md §3; see domain::limits).
        Some(limit) => format!(
            "{} left; allowance {}",
            group_thousands(limit.credit_remain),
            group_thousands(limit.credit)
        ),
    }
}

/// Reads what the customer holds now and decides what to send. `scheduling` says who makes
/// a plan change for the end of the cycle.
pub async fn plan(
    client: &Client,
    operation: &BulkOperation,
    username: Option<&str>,
    account_id: Option<&str>,
    scheduling: SchedulingMode,
) -> Result<Plan, sendgrid::Error> {
    let (Some(target), needs) = (
        match operation.needs() {
            Needs::Account => account_id,
            Needs::Username => username,
        },
        operation.needs(),
    ) else {
        return Ok(Plan::NotApplicable(match operation.needs() {
            Needs::Account => "No v3 account: offerings and state need one".to_string(),
            Needs::Username => {
                "No v2 username: credit limits and plan changes need one".to_string()
            }
        }));
    };
    let target = target.to_string();
    if let Some(form) = operation.plan_form() {
        return plan_change(client, form, &target, scheduling).await;
    }
    match (operation, needs) {
        (BulkOperation::State { state }, _) => {
            let now = client.get_account_state(&target).await?;
            let now_name = state_name(now);
            if now_name == state.name() {
                return Ok(Plan::NoChange(format!("Already {}", state.as_str())));
            }
            Ok(Plan::Send {
                before: now_name.as_str().to_string(),
                after: state.as_str().to_string(),
                before_state: account_state(now),
                call: Call::State {
                    account_id: target,
                    state: *state,
                },
            })
        }
        (_, Needs::Account) => {
            let wire = client.get_account_offerings(&target).await?;
            let current = lines(&wire);
            match operation.offerings_after(&current) {
                Ok(None) => Ok(Plan::NoChange(describe_offerings(&current))),
                Ok(Some(set)) => Ok(Plan::Send {
                    before: describe_offerings(&current),
                    after: describe_offerings(&set.lines()),
                    before_state: offerings_state(&wire),
                    call: Call::Offerings {
                        account_id: target,
                        set,
                    },
                }),
                Err(why) => Ok(Plan::NotApplicable(format!(
                    "{}: {why}",
                    describe_offerings(&current)
                ))),
            }
        }
        (_, Needs::Username) => {
            let limit = client
                .retrieve_limit(LimitHolder::Customer(&target))
                .await?;
            let before = describe_limit(limit.as_ref());
            let change = match operation {
                BulkOperation::LimitTotal { credits } => LimitChange::Total(*credits),
                BulkOperation::LimitIncrement { credits } => LimitChange::Increment(*credits),
                _ if limit.is_none() => return Ok(Plan::NoChange(before)),
                _ => LimitChange::Remove,
            };
            let after = match (&change, limit.as_ref()) {
                (LimitChange::Total(n), _) => format!(
                    "{} left; allowance {}",
                    group_thousands(*n as i64),
                    group_thousands(*n as i64)
                ),
                (LimitChange::Increment(n), Some(l)) => format!(
                    "{} left; allowance {}",
                    group_thousands(l.credit_remain + *n as i64),
                    group_thousands(l.credit)
                ),
                // API.md §3 does not say what an increment does without a limit: SendGrid
                // decides, and its answer is this customer's result.
                (LimitChange::Increment(n), None) => format!(
                    "{} more credits; SendGrid may refuse this, there is no limit to add to",
                    group_thousands(*n as i64)
                ),
                _ => "No limit".to_string(),
            };
            Ok(Plan::Send {
                before,
                after,
                before_state: limit_state(limit.as_ref()),
                call: Call::Limit {
                    user: target,
                    change,
                },
            })
        }
    }
}
