//! v3 offerings and account state of one customer (API.md §5.2, §5.6-§5.9): read them, change
//! them now or hold the change for later, always through the audit log.

pub mod catalog;
mod change;
mod run;
mod state;

use sendgrid::Client;
use serde_json::Value;
use sqlx::SqlitePool;

use crate::domain::change::{ChangeDone, ChangeError};
use crate::domain::offerings::{
    decode_lines, AccountStateName, OfferingField, OfferingLine, OfferingSet, OfferingsError,
};
use crate::domain::{AuditAction, IsoDate};
use crate::services::clock::iso;
use crate::services::customer_keys::{self, CustomerKeys};
use crate::services::outcome::{self, unavailable};
use crate::services::schedule::{self, JobRow};

pub use catalog::Catalog;
pub use change::{cancel, update, OfferingsRequest};
pub use run::{run_job, wire_offerings, wire_state, JobRun, UPDATE_OFFERINGS, UPDATE_STATE};
pub use state::{change_state, StateRequest};

/// What the Offerings tab shows.
pub struct OfferingsRead {
    pub keys: CustomerKeys,
    /// What the account holds, as SendGrid lists it (empty without a v3 account).
    pub current: Vec<OfferingLine>,
    pub state: Option<AccountStateName>,
    pub catalog: Option<Catalog>,
    /// The v2 billing cycle's last day and the day after it, when the customer has one.
    pub cycle_end: Option<IsoDate>,
    pub process_date: Option<IsoDate>,
    pub jobs: Vec<JobRow>,
    /// What could not be read, when something could not.
    pub notes: Vec<String>,
}

/// Reads catalog, offerings, state and the billing cycle at once.
#[tracing::instrument(skip(pool, client))]
pub async fn read(
    pool: &SqlitePool,
    client: &Client,
    key: &str,
) -> Result<OfferingsRead, OfferingsError> {
    let keys = customer_keys::resolve(pool, client, key)
        .await
        .map_err(customer_keys::unavailable)?;
    let mut read = OfferingsRead {
        keys: keys.clone(),
        current: Vec::new(),
        state: None,
        catalog: None,
        cycle_end: None,
        process_date: None,
        jobs: schedule::for_customer(pool, &keys.key)
            .await
            .map_err(unavailable)?,
        notes: Vec::new(),
    };
    let Some(account_id) = keys.account_id.as_deref() else {
        return Ok(read);
    };
    let overview = async {
        match keys.username.as_deref() {
            Some(user) => Some(client.overview(user).await),
            None => None,
        }
    };
    let (catalog, offerings, state, overview) = tokio::join!(
        catalog::cached(pool, client),
        client.get_account_offerings(account_id),
        client.get_account_state(account_id),
        overview,
    );
    match catalog {
        Ok(catalog) => read.catalog = Some(catalog),
        Err(error) => read.notes.push(error.to_string()),
    }
    match offerings {
        Ok(list) => read.current = lines(&list),
        Err(sendgrid::Error::NotFound { .. }) => {
            return Err(ChangeError::NotFound(format!(
                "SendGrid has no v3 account {account_id}."
            )))
        }
        Err(error) => read
            .notes
            .push(format!("The offerings could not be read: {error}")),
    }
    match state {
        Ok(state) => read.state = Some(state_name(state)),
        Err(error) => read
            .notes
            .push(format!("The account state could not be read: {error}")),
    }
    match overview {
        Some(Ok(overview)) => {
            read.cycle_end = overview.billing_end_date.and_then(iso);
            read.process_date = overview.billing_process_date.and_then(iso);
        }
        Some(Err(error)) => read
            .notes
            .push(format!("The billing cycle could not be read: {error}")),
        None => {}
    }
    Ok(read)
}

/// An account's offerings as lines; a missing quantity counts as 1 (API.md §5.1).
pub fn lines(offerings: &[sendgrid::Offering]) -> Vec<OfferingLine> {
    offerings
        .iter()
        .map(|o| OfferingLine {
            name: o.name.clone(),
            kind: catalog::kind(o.kind),
            quantity: o.quantity.unwrap_or(1),
        })
        .collect()
}

pub fn state_name(state: sendgrid::AccountState) -> AccountStateName {
    match state {
        sendgrid::AccountState::Activated => AccountStateName::Activated,
        sendgrid::AccountState::Deactivated => AccountStateName::Deactivated,
        sendgrid::AccountState::Suspended => AccountStateName::Suspended,
        sendgrid::AccountState::Banned => AccountStateName::Banned,
        sendgrid::AccountState::Indeterminate => AccountStateName::Indeterminate,
    }
}

/// "org.ei.pro100k.v1 with org.ip.dedicated.v1 ×2 and org.mc.basic.v1".
pub fn describe_set(set: &OfferingSet) -> String {
    let addons: Vec<String> = set
        .addons()
        .iter()
        .map(|(name, q)| {
            if *q == 1 {
                name.clone()
            } else {
                format!("{name} ×{q}")
            }
        })
        .collect();
    match addons.as_slice() {
        [] => format!("{} with no add-ons", set.package()),
        [one] => format!("{} with {one}", set.package()),
        [rest @ .., last] => format!("{} with {} and {last}", set.package(), rest.join(", ")),
    }
}

/// What a recorded offerings or state change did, from its audit parameters.
fn summary_of(who: &str, action: &str, params: &Value) -> String {
    let text = |key: &str| params.get(key).and_then(Value::as_str).unwrap_or_default();
    match AuditAction::parse(action) {
        Some(UPDATE_OFFERINGS) => match decode_lines(text("offerings"))
            .ok()
            .and_then(|lines| OfferingSet::parse(&lines).ok())
        {
            Some(set) => format!("Set the offerings of {who} to {}.", describe_set(&set)),
            None => format!("Changed the offerings of {who}."),
        },
        Some(UPDATE_STATE) => format!("Set the state of {who} to {}.", text("state")),
        _ => format!("SendGrid accepted the change ({action})."),
    }
}

/// "Scheduled for 2026-12-01: …" for a job created from a form.
fn scheduled(job: &JobRow, replayed: bool) -> ChangeDone {
    ChangeDone {
        summary: format!(
            "Scheduled for {}: {} The console makes the change then; it is listed below until it runs.",
            job.due_at.get(..10).unwrap_or(&job.due_at),
            job.summary
        ),
        attempt_id: job.attempt_id,
        job_id: Some(job.id),
        replayed,
        approval_id: None,
    }
}

/// The outcome recorded for a form's key on this customer's tab: a job it scheduled, or the
/// change it made.
pub async fn earlier(
    pool: &SqlitePool,
    customer: &str,
    key: &str,
) -> Result<Option<Result<ChangeDone, OfferingsError>>, OfferingsError> {
    if let Some(answer) = crate::services::approvals::answer_for_key(pool, customer, key)
        .await
        .map_err(unavailable)?
    {
        return Ok(Some(answer));
    }
    if let Some(job) = schedule::by_key(pool, key).await.map_err(unavailable)? {
        if job.customer == customer {
            return Ok(Some(Ok(scheduled(&job, true))));
        }
    }
    let Some(first) = outcome::earlier(pool, customer, key)
        .await
        .map_err(unavailable)?
    else {
        return Ok(None);
    };
    let summary = summary_of(customer, &first.action, &first.params);
    let sent = decode_lines(
        first
            .params
            .get("offerings")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    Ok(Some(outcome::shown(
        first.attempt_id,
        first.outcome,
        true,
        summary,
        |field| OfferingField::from_upstream(field, &sent),
    )))
}
