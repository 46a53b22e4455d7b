//! Activating or deactivating an account (API.md §5.9), now or at the end of the billing cycle.

use sendgrid::Client;
use serde_json::{json, Value};
use sqlx::SqlitePool;

use super::change::{due_for, form_target, hold, FormTarget};
use super::run::{apply_state, UPDATE_STATE};
use crate::domain::approval::ApprovalKind;
use crate::domain::change::{ChangeDone, ChangeError, FieldError};
use crate::domain::offerings::{OfferingField, OfferingsError, WritableState};
use crate::domain::schedule::ChangeTiming;
use crate::domain::{CustomerKey, IdempotencyKey};
use crate::services::approvals;
use crate::services::audit::snapshot::account_state;
use crate::services::audit::Mutation;
use crate::services::auth::Manager;
use crate::services::clock::start_of;
use crate::services::outcome::{self, from_recorded, replay_of, unavailable};
use crate::services::schedule::NewJob;

/// A submitted state change, as the confirmation step posts it.
pub struct StateRequest {
    pub key: CustomerKey,
    /// `activated` or `deactivated`, the only states a reseller may set.
    pub state: String,
    pub timing: String,
    pub apply_on: String,
    pub idempotency_key: String,
    /// The earlier change this one reverts (its attempt id), from "Revert…".
    pub reverts: Option<i64>,
}

fn invalid(field: OfferingField, message: impl Into<String>) -> OfferingsError {
    ChangeError::Invalid(vec![FieldError::new(field, message)])
}

#[tracing::instrument(skip(pool, client, request, client_ip), fields(customer = %request.key, state = %request.state))]
pub async fn change_state(
    pool: &SqlitePool,
    client: &Client,
    by: &Manager,
    request: StateRequest,
    client_ip: Option<String>,
) -> Result<ChangeDone, OfferingsError> {
    let operator = by.email();
    let key = IdempotencyKey::from_form(&request.idempotency_key)?;
    let target = WritableState::parse(&request.state).ok_or_else(|| {
        invalid(
            OfferingField::State,
            "Only activated or deactivated can be set; SendGrid sets the others.",
        )
    })?;
    let (timing, keys, account_id) = match form_target(
        pool,
        client,
        by,
        &request.key,
        &request.timing,
        UPDATE_STATE,
        &key,
    )
    .await?
    {
        FormTarget::Replayed(done) => return Ok(done),
        FormTarget::Account(timing, keys, account_id) => (timing, keys, account_id),
    };
    let params = json!({ "account_id": account_id, "state": target.as_str() });
    let summary = target.done(&keys.key);
    // The form's rules first (already in that state, a day to apply it on), so only a change
    // that would be made waits for approval.
    let when = match timing {
        ChangeTiming::Now => {
            let current = client
                .get_account_state(&account_id)
                .await
                .map_err(|error| {
                    ChangeError::Unavailable(format!(
                        "The account state could not be read, so nothing was changed: {error}"
                    ))
                })?;
            if super::state_name(current) == target.name() {
                let first = outcome::earlier(pool, &keys.key, key.as_str())
                    .await
                    .map_err(unavailable)?;
                return match first {
                    Some(first) => replay_of(first, UPDATE_STATE, &params, summary, |_| None),
                    None => Err(invalid(
                        OfferingField::State,
                        format!("The account is already {}.", target.as_str()),
                    )),
                };
            }
            When::Now(current)
        }
        ChangeTiming::Later => When::On(due_for(client, &keys, &request.apply_on).await?),
    };
    let reverts = crate::services::revert::link(
        pool,
        request.reverts,
        crate::domain::ActionFamily::State,
        &keys.key,
        matches!(when, When::Now(_)),
    )
    .await?;
    if target == WritableState::Deactivated {
        let held = approvals::Held {
            kind: ApprovalKind::Deactivate,
            size: None,
            customer: &keys.key,
            summary: &format!("Deactivate {} {}", keys.key, when.words()),
            change: approvals::StoredChange::State {
                key: request.key.clone(),
                account_id: account_id.clone(),
                state: request.state.clone(),
                timing: request.timing.clone(),
                apply_on: request.apply_on.clone(),
                reverts,
            },
            key: &key,
            before: match when {
                When::Now(current) => Some(account_state(current)),
                When::On(_) => None,
            },
            client_ip: client_ip.clone(),
        };
        if let Some(done) = approvals::gate(pool, client, by, held).await? {
            return Ok(done);
        }
    }
    match when {
        When::Now(current) => {
            let mutation = Mutation {
                operator: operator.to_string(),
                customer: keys.key.to_string(),
                action: UPDATE_STATE,
                params,
                idempotency_key: key,
                before: Some(account_state(current)),
                client_ip,
                approving: by.approving().cloned(),
                reverts,
            };
            let recorded = apply_state(pool, client, mutation, &account_id, target).await;
            from_recorded(recorded, summary, |name| {
                (name == "state").then_some(OfferingField::State)
            })
        }
        When::On(due) => {
            let mut payload = params;
            payload["scheduled_for"] = Value::String(due.to_string());
            let job = NewJob {
                due_at: start_of(due),
                customer: keys.key.to_string(),
                action: UPDATE_STATE,
                payload,
                summary: format!("Set the state of {} to {}.", keys.key, target.as_str()),
                idempotency_key: key.into_string(),
                created_by: operator.to_string(),
            };
            hold(pool, job, client_ip).await
        }
    }
}

/// When a checked state change is made: now, from the state read to check it, or held for a day.
#[derive(Clone, Copy)]
enum When {
    Now(sendgrid::AccountState),
    On(crate::domain::IsoDate),
}

impl When {
    fn words(self) -> String {
        match self {
            When::Now(_) => "now.".to_string(),
            When::On(day) => format!("on {day}, at the end of the billing cycle."),
        }
    }
}
