//! Changing an account's offerings, now or at the end of the billing cycle, and cancelling a
//! change held for later.

use sendgrid::Client;
use serde_json::{json, Value};
use sqlx::SqlitePool;

use super::run::{apply_offerings, UPDATE_OFFERINGS};
use super::{catalog, describe_set, lines, scheduled};
use crate::domain::approval::ApprovalKind;
use crate::domain::change::{ChangeDone, ChangeError, FieldError};
use crate::domain::offerings::{
    check_catalog, decode_lines, diff, encode_lines, needs_confirmation, same_holdings, DiffChange,
    OfferingField, OfferingSet, OfferingsError,
};
use crate::domain::schedule::{due_date, ChangeTiming};
use crate::domain::AuditAction;
use crate::domain::{AccountId, CustomerKey};
use crate::domain::{IdempotencyKey, IsoDate};
use crate::services::approvals;
use crate::services::audit::snapshot::offerings_state;
use crate::services::audit::Mutation;
use crate::services::auth::Manager;
use crate::services::clock::{iso, start_of, today};
use crate::services::customer_keys::{self, CustomerKeys};
use crate::services::outcome::{self, from_recorded, replay_of, unavailable};
use crate::services::schedule::{self, CancelError, NewJob};

/// A submitted offerings form, as the review step posts it.
pub struct OfferingsRequest {
    /// The customer page's key.
    pub key: CustomerKey,
    /// The whole desired set, `package:NAME:1,addon:NAME:2` (see `OfferingSet::encode`).
    pub offerings: String,
    /// `now` or `end_of_cycle`.
    pub timing: String,
    /// The day to apply a later change when the customer has no v2 billing cycle.
    pub apply_on: String,
    /// The username or account id, typed when something is taken away.
    pub confirm: String,
    pub idempotency_key: String,
    /// What the account held when the operator reviewed the change (`OfferingSet::encode`'s
    /// form). The PUT replaces the whole set (API.md §5.7), so a change reviewed against other
    /// holdings than SendGrid reports at submit is not sent: it is reviewed again. `None` from
    /// a caller that did not review (a script); the review step always sends it.
    pub reviewed: Option<String>,
    /// The earlier change this one reverts (its attempt id), from "Revert…".
    pub reverts: Option<i64>,
}

fn invalid(field: OfferingField, message: impl Into<String>) -> OfferingsError {
    ChangeError::Invalid(vec![FieldError::new(field, message)])
}

/// The customer's v3 account id; v2-only customers have no offerings (API.md §5).
pub(super) fn account_of(keys: &CustomerKeys) -> Result<AccountId, OfferingsError> {
    keys.account_id.clone().ok_or_else(|| {
        ChangeError::NotFound(format!(
            "{} has no v3 account, so it has no offerings or account state to change.",
            keys.key
        ))
    })
}

/// What a v3 change form is about: when it runs and on which account; or, when the form was
/// submitted before and its change waits for approval or is held for later, that answer.
pub(super) enum FormTarget {
    Account(ChangeTiming, CustomerKeys, AccountId),
    Replayed(ChangeDone),
}

pub(super) async fn form_target(
    pool: &SqlitePool,
    client: &Client,
    by: &Manager,
    customer: &str,
    timing: &str,
    action: AuditAction,
    key: &IdempotencyKey,
) -> Result<FormTarget, OfferingsError> {
    let timing = ChangeTiming::parse(timing).ok_or_else(|| {
        invalid(
            OfferingField::Timing,
            "Choose now or the end of the billing cycle.",
        )
    })?;
    let keys = customer_keys::resolve(pool, client, customer)
        .await
        .map_err(customer_keys::unavailable)?;
    let account_id = account_of(&keys)?;
    if let Some(done) = approvals::submitted(pool, by, &keys.key, key).await? {
        return Ok(FormTarget::Replayed(done));
    }
    Ok(match job_replay(pool, &keys, action, key.as_str()).await? {
        Some(done) => FormTarget::Replayed(done),
        None => FormTarget::Account(timing, keys, account_id),
    })
}

/// The job already stored under this form's key: the same form submitted again.
pub(super) async fn job_replay(
    pool: &SqlitePool,
    keys: &CustomerKeys,
    action: AuditAction,
    key: &str,
) -> Result<Option<ChangeDone>, OfferingsError> {
    match schedule::by_key(pool, key).await.map_err(unavailable)? {
        None => Ok(None),
        Some(job) if keys.key == job.customer.as_str() && job.action == action.as_str() => {
            Ok(Some(scheduled(&job, true)))
        }
        Some(_) => Err(ChangeError::Conflict(
            "This form was already used for another change; reload the page and try again."
                .to_string(),
        )),
    }
}

/// When a change held for later runs (see `domain::schedule::due_date`).
pub(super) async fn due_for(
    client: &Client,
    keys: &CustomerKeys,
    asked: &str,
) -> Result<IsoDate, OfferingsError> {
    let (end, process) = match keys.username.as_deref() {
        Some(user) => {
            let overview = client.overview(user).await.map_err(|error| {
                ChangeError::Unavailable(format!(
                    "The billing cycle could not be read, so nothing was scheduled: {error}"
                ))
            })?;
            (
                overview.billing_end_date.and_then(iso),
                overview.billing_process_date.and_then(iso),
            )
        }
        None => (None, None),
    };
    due_date(end, process, asked, today())
        .map_err(|message| invalid(OfferingField::ApplyOn, message))
}

/// Holds a change for later. A key that already made a change now cannot also schedule one.
pub(super) async fn hold(
    pool: &SqlitePool,
    job: NewJob,
    client_ip: Option<String>,
) -> Result<ChangeDone, OfferingsError> {
    if outcome::earlier(pool, &job.customer, &job.idempotency_key)
        .await
        .map_err(unavailable)?
        .is_some()
    {
        return Err(ChangeError::Conflict(
            "This form was already used to make a change now; reload the page to schedule one."
                .to_string(),
        ));
    }
    let (job, inserted) = schedule::schedule(pool, job, client_ip)
        .await
        .map_err(unavailable)?;
    Ok(scheduled(&job, !inserted))
}

fn confirmed(confirm: &str, keys: &CustomerKeys) -> bool {
    let typed = confirm.trim();
    !typed.is_empty()
        && (keys.username.as_deref() == Some(typed) || keys.account_id.as_deref() == Some(typed))
}

/// Checks the whole desired set (one package of quantity 1, add-ons of at least 1, all in the
/// catalog) before SendGrid sees it, then makes the change or holds it for later.
#[tracing::instrument(skip(pool, client, request, client_ip), fields(customer = %request.key))]
pub async fn update(
    pool: &SqlitePool,
    client: &Client,
    by: &Manager,
    request: OfferingsRequest,
    client_ip: Option<String>,
) -> Result<ChangeDone, OfferingsError> {
    let operator = by.email();
    let key = IdempotencyKey::from_form(&request.idempotency_key)?;
    let sent = decode_lines(&request.offerings).map_err(ChangeError::Invalid)?;
    let set = OfferingSet::parse(&sent).map_err(ChangeError::Invalid)?;
    let (timing, keys, account_id) = match form_target(
        pool,
        client,
        by,
        &request.key,
        &request.timing,
        UPDATE_OFFERINGS,
        &key,
    )
    .await?
    {
        FormTarget::Replayed(done) => return Ok(done),
        FormTarget::Account(timing, keys, account_id) => (timing, keys, account_id),
    };
    let catalog = catalog::cached(pool, client)
        .await
        .map_err(|error| ChangeError::Unavailable(format!("{error}; nothing was sent.")))?;
    check_catalog(&set.lines(), &catalog.items).map_err(ChangeError::Invalid)?;
    let current = client
        .get_account_offerings(&account_id)
        .await
        .map_err(|error| {
            ChangeError::Unavailable(format!(
                "The offerings could not be read, so nothing was changed: {error}"
            ))
        })?;
    let held = lines(&current);
    if let Some(reviewed) = &request.reviewed {
        let reviewed = decode_lines(reviewed).map_err(|_| {
            ChangeError::Malformed(
                "The reviewed offerings were not in the form the review step sends.".to_string(),
            )
        })?;
        if !same_holdings(&reviewed, &held) {
            return Err(ChangeError::Conflict(format!(
                "The account's offerings changed since this review: it now holds {}. Nothing was \
                 sent; the review below is against what it holds now.",
                describe_lines(&held)
            )));
        }
    }
    let changes = diff(&held, &set);
    let params = json!({ "account_id": account_id, "offerings": set.encode() });
    let field = |name: &str| OfferingField::from_upstream(name, &set.lines());
    let summary = format!(
        "Set the offerings of {} to {}.",
        keys.key,
        describe_set(&set)
    );
    if changes.iter().all(|line| line.change == DiffChange::Kept) {
        let first = outcome::earlier(pool, &keys.key, key.as_str())
            .await
            .map_err(unavailable)?;
        return match first {
            Some(first) => replay_of(first, UPDATE_OFFERINGS, &params, summary, field),
            None => Err(invalid(
                OfferingField::Offerings,
                "Nothing would change: the account already holds exactly these offerings.",
            )),
        };
    }
    let removes = needs_confirmation(&changes);
    if removes && !confirmed(&request.confirm, &keys) {
        return Err(invalid(
            OfferingField::Confirm,
            format!(
                "Something is removed: type {} to confirm.",
                [keys.username.as_deref(), keys.account_id.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        ));
    }
    // A later change's day is one of its rules: checked before it can wait for approval.
    let due = match timing {
        ChangeTiming::Now => None,
        ChangeTiming::Later => Some(due_for(client, &keys, &request.apply_on).await?),
    };
    let reverts = crate::services::revert::link(
        pool,
        request.reverts,
        crate::domain::ActionFamily::Offerings,
        &keys.key,
        due.is_none(),
    )
    .await?;
    if removes {
        let asked = format!(
            "{} {}",
            summary.trim_end_matches('.'),
            match due {
                None => "now.".to_string(),
                Some(day) => format!("on {day}, at the end of the billing cycle."),
            }
        );
        let held = approvals::Held {
            kind: ApprovalKind::OfferingsRemoval,
            size: None,
            customer: &keys.key,
            summary: &asked,
            change: approvals::StoredChange::Offerings {
                key: request.key.clone(),
                account_id: account_id.clone(),
                offerings: request.offerings.clone(),
                timing: request.timing.clone(),
                apply_on: request.apply_on.clone(),
                confirm: request.confirm.clone(),
                reviewed: request.reviewed.clone(),
                reverts,
            },
            key: &key,
            before: Some(offerings_state(&current)),
            client_ip: client_ip.clone(),
        };
        if let Some(done) = approvals::gate(pool, client, by, held).await? {
            return Ok(done);
        }
    }
    match due {
        None => {
            let mutation = Mutation {
                operator: operator.to_string(),
                customer: keys.key.to_string(),
                action: UPDATE_OFFERINGS,
                params,
                idempotency_key: key,
                before: Some(offerings_state(&current)),
                client_ip,
                approving: by.approving().cloned(),
                reverts,
            };
            let recorded = apply_offerings(pool, client, mutation, &account_id, &set).await;
            from_recorded(recorded, summary, field)
        }
        Some(due) => {
            let mut payload = params;
            payload["scheduled_for"] = Value::String(due.to_string());
            // What the account holds now: when due, the reviewed difference is applied to
            // what it holds then (see `apply_delta`).
            payload["reviewed"] = Value::String(encode_lines(&held));
            let job = NewJob {
                due_at: start_of(due),
                customer: keys.key.to_string(),
                action: UPDATE_OFFERINGS,
                payload,
                summary,
                idempotency_key: key.into_string(),
                created_by: operator.to_string(),
            };
            hold(pool, job, client_ip).await
        }
    }
}

/// "org.ei.pro100k.v1, org.ip.dedicated.v1 ×2", or "nothing".
fn describe_lines(held: &[crate::domain::offerings::OfferingLine]) -> String {
    if held.is_empty() {
        return "nothing".to_string();
    }
    held.iter()
        .map(|l| match l.quantity {
            1 => l.name.clone(),
            n => format!("{} ×{n}", l.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Cancels a change held for later (an audit event). Cancelling it twice answers the same.
#[tracing::instrument(skip(pool, client, client_ip))]
pub async fn cancel(
    pool: &SqlitePool,
    client: &Client,
    by: &Manager,
    key: &str,
    job_id: i64,
    client_ip: Option<String>,
) -> Result<ChangeDone, OfferingsError> {
    let operator = by.email();
    let keys = customer_keys::resolve(pool, client, key)
        .await
        .map_err(customer_keys::unavailable)?;
    match schedule::cancel(pool, operator, &keys.key, job_id, client_ip).await {
        Ok((job, now)) => Ok(ChangeDone {
            summary: format!("Cancelled the scheduled change: {}", job.summary),
            attempt_id: None,
            job_id: Some(job.id),
            replayed: !now,
            approval_id: None,
        }),
        Err(error @ CancelError::NotFound(_)) => Err(ChangeError::NotFound(error.to_string())),
        Err(error @ CancelError::NotPending { .. }) => {
            Err(ChangeError::Conflict(error.to_string()))
        }
        Err(CancelError::Database(error)) => Err(unavailable(error)),
    }
}
