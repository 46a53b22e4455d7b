//! The customer state an audited change is about, read from upstream in one shape per kind of
//! change. Mutations store it as `before`/`after`; a reconcile stores what it finds the same
//! way, so the diff between them reads "package Basic -> Silver", "credits 500 -> 800".

use sendgrid::{
    AccountState, Limit, LimitHolder, Offering, OfferingKind, Overview, PendingChange, PendingQuery,
};
use serde_json::{json, Map, Value};

pub use crate::domain::ActionFamily;

/// Reads the current state of `target` for actions of `family`: `customer` is the name the
/// change is filed under, `target` the one it changed (a subuser, for a subuser's limit; the
/// same name otherwise). Reads only, so retried by the client and safe to repeat.
pub async fn read_state(
    client: &sendgrid::Client,
    family: ActionFamily,
    customer: &str,
    target: &str,
) -> Result<Value, sendgrid::Error> {
    Ok(match family {
        ActionFamily::Plan => {
            // Both at once: after a change, each sequential read is one more upstream
            // round trip before the operator sees the result.
            let customer = target;
            let query = PendingQuery {
                username: Some(customer.to_string()),
                kind: None,
            };
            let (overview, pending) =
                tokio::join!(client.overview(customer), client.list_pending(&query));
            let (overview, pending) = (overview?, pending?);
            let own: Vec<PendingChange> = pending
                .into_iter()
                .filter(|change| change.username == customer)
                .collect();
            plan_state(&overview, &own)
        }
        ActionFamily::Limits => {
            // The customer's own limit and a subuser's are different calls (API.md §3).
            let holder = LimitHolder::of(customer, target);
            limit_state(client.retrieve_limit(holder).await?.as_ref())
        }
        ActionFamily::Offerings => offerings_state(&client.get_account_offerings(target).await?),
        ActionFamily::State => account_state(client.get_account_state(target).await?),
    })
}

/// Package, allowance, billing end and any scheduled change of a v2 customer.
pub fn plan_state(overview: &Overview, pending: &[PendingChange]) -> Value {
    let scheduled: Vec<String> = pending
        .iter()
        .map(|change| {
            let mut text = change.kind.clone();
            if !change.update.is_empty() {
                text.push_str(&format!(" to {}", change.update));
            }
            if let Some(date) = change.date {
                text.push_str(&format!(" on {}", date.format("%Y-%m-%d")));
            }
            text
        })
        .collect();
    json!({
        "package": overview.package,
        "credits_allowed": overview.credits_allowed,
        "billing_end_date": overview.billing_end_date.map(|d| d.format("%Y-%m-%d").to_string()),
        "scheduled_change": if scheduled.is_empty() { Value::Null } else { Value::String(scheduled.join("; ")) },
    })
}

/// A (sub)user's credit limit; `credits: null` when there is none.
pub fn limit_state(limit: Option<&Limit>) -> Value {
    match limit {
        None => json!({ "credits": null }),
        Some(limit) => json!({
            "credits": limit.credit,
            "credits_remaining": limit.credit_remain,
            "last_reset": limit.last_reset.map(|d| d.format("%Y-%m-%d").to_string()),
        }),
    }
}

/// The account's package and its add-ons with their quantities.
pub fn offerings_state(offerings: &[Offering]) -> Value {
    let package = offerings
        .iter()
        .find(|o| o.kind == OfferingKind::Package)
        .map(|o| Value::String(o.name.clone()))
        .unwrap_or(Value::Null);
    let addons: Map<String, Value> = offerings
        .iter()
        .filter(|o| o.kind == OfferingKind::Addon)
        .map(|o| (o.name.clone(), json!(o.quantity.unwrap_or(1))))
        .collect();
    json!({ "package": package, "addons": addons })
}

pub fn account_state(state: AccountState) -> Value {
    let name = match state {
        AccountState::Activated => "activated",
        AccountState::Deactivated => "deactivated",
        AccountState::Suspended => "suspended",
        AccountState::Banned => "banned",
        AccountState::Indeterminate => "indeterminate",
    };
    json!({ "state": name })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_follow_the_action_prefix() {
        assert_eq!(
            ActionFamily::of("plan.immediate_upgrade"),
            Some(ActionFamily::Plan)
        );
        assert_eq!(ActionFamily::of("pending.delete"), Some(ActionFamily::Plan));
        assert_eq!(ActionFamily::of("limits.total"), Some(ActionFamily::Limits));
        assert_eq!(
            ActionFamily::of("offerings.update"),
            Some(ActionFamily::Offerings)
        );
        assert_eq!(ActionFamily::of("state.update"), Some(ActionFamily::State));
        assert_eq!(ActionFamily::of("auth.sign_in"), None);
    }

    #[test]
    fn offerings_split_package_and_add_ons() {
        let state = offerings_state(&[
            Offering::package("org.ei.pro100k.v1"),
            Offering::addon("org.ip.dedicated.v1", 2),
        ]);
        assert_eq!(
            state,
            json!({"package": "org.ei.pro100k.v1", "addons": {"org.ip.dedicated.v1": 2}})
        );
    }

    #[test]
    fn no_limit_is_null_credits() {
        assert_eq!(limit_state(None), json!({"credits": null}));
    }
}

/// Whom to read back when reconciling: the change's own target from its parameters (a
/// subuser for limits, the v3 account id for offerings and state), falling back to the
/// customer key the attempt is filed under (a username for a linked customer).
pub fn reconcile_subject(family: ActionFamily, customer: &str, params: &str) -> String {
    let key = match family {
        ActionFamily::Limits => "user",
        ActionFamily::Offerings | ActionFamily::State => "account_id",
        ActionFamily::Plan => return customer.to_string(),
    };
    serde_json::from_str::<serde_json::Value>(params)
        .ok()
        .and_then(|value| value.get(key).and_then(|v| v.as_str()).map(str::to_string))
        .filter(|target| !target.is_empty())
        .unwrap_or_else(|| customer.to_string())
}

#[cfg(test)]
mod reconcile_subject_tests {
    use super::*;

    #[test]
    fn the_change_target_wins_over_the_filing_key() {
        let subuser = r#"{"user":"acme-sub1","task":"total"}"#;
        assert_eq!(
            reconcile_subject(ActionFamily::Limits, "acme", subuser),
            "acme-sub1"
        );
        let linked = r#"{"account_id":"sg123","state":"deactivated"}"#;
        assert_eq!(
            reconcile_subject(ActionFamily::State, "acme", linked),
            "sg123"
        );
        assert_eq!(
            reconcile_subject(ActionFamily::Offerings, "acme", linked),
            "sg123"
        );
        assert_eq!(
            reconcile_subject(ActionFamily::Plan, "acme", linked),
            "acme"
        );
        assert_eq!(
            reconcile_subject(ActionFamily::Limits, "acme", "{}"),
            "acme"
        );
    }
}
