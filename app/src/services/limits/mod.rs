//! Credit limits of a customer and its subusers (API.md §3): read one, change one through the
//! audit log. No upstream call lists a customer's subusers or names a subuser's customer, so
//! the console records which customer each subuser was first changed from ([`store`]) and
//! refuses it from any other customer's page.

mod change;
mod store;

use sendgrid::{Client, LimitHolder};
use sqlx::SqlitePool;

use crate::domain::change::{ChangeDone, ChangeError};
use crate::domain::limits::{CurrentLimit, LimitError, RememberedRule};
use crate::services::clock::iso;
use crate::services::outcome::unavailable;

pub use change::{change, summary_of, LimitRequest};
pub use store::{own_subusers, ownership, Elsewhere, Ownership};

/// The answer SendGrid gives for a (sub)user that does not exist, shown next to the field.
pub const USER_NOT_FOUND: &str = "User not found";

/// The longest (sub)user name accepted in the field.
const MAX_NAME: usize = 255;

pub fn current_limit(limit: &sendgrid::Limit) -> CurrentLimit {
    CurrentLimit {
        credit: limit.credit,
        remaining: limit.credit_remain,
        last_reset: limit.last_reset.and_then(iso),
    }
}

/// What the Limits tab shows for one (sub)user of a customer.
pub struct LimitsRead {
    /// The customer first, then the subusers known to be its own.
    pub targets: Vec<String>,
    pub target: String,
    /// `Some(None)`: no limit; `None`: not read (see `target_error` and `note`).
    pub limit: Option<Option<CurrentLimit>>,
    /// "User not found" when a typed name is unknown upstream.
    pub target_error: Option<String>,
    /// The recurring rule the console set, while a limit is in force.
    pub rule: Option<RememberedRule>,
    /// Why the limit could not be read, when SendGrid failed.
    pub note: Option<String>,
}

/// Reads the limit of `target` (the customer itself when blank) with `task=retrieve`. A name
/// known to be another customer's, or another customer, is not read from this page. Reading
/// claims nothing: a subuser becomes this customer's with the first change made to it here.
#[tracing::instrument(skip(pool, client))]
pub async fn read(
    pool: &SqlitePool,
    client: &Client,
    username: &str,
    target: Option<&str>,
) -> Result<LimitsRead, LimitError> {
    let target = target
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .unwrap_or(username)
        .to_string();
    let mut read = LimitsRead {
        targets: Vec::new(),
        target: target.clone(),
        limit: None,
        target_error: None,
        rule: None,
        note: None,
    };
    let elsewhere = match ownership(pool, username, &target)
        .await
        .map_err(unavailable)?
    {
        Ownership::Elsewhere(elsewhere) => Some(elsewhere),
        _ => None,
    };
    if target.len() > MAX_NAME || target.chars().any(char::is_control) {
        read.target_error = Some(USER_NOT_FOUND.to_string());
    } else if let Some(elsewhere) = elsewhere {
        read.target_error = Some(not_this_customers(&target, username, &elsewhere));
    } else {
        let holder = LimitHolder::of(username, &target);
        match client.retrieve_limit(holder).await {
            Ok(limit) => {
                if limit.is_some() {
                    read.rule = store::rule(pool, &target).await.map_err(unavailable)?;
                }
                read.limit = Some(limit.as_ref().map(current_limit));
            }
            Err(sendgrid::Error::NotFound { .. }) if target == username => {
                return Err(ChangeError::NotFound(format!(
                    "SendGrid has no v2 customer named {username:?}."
                )));
            }
            Err(sendgrid::Error::NotFound { .. }) => {
                read.target_error = Some(USER_NOT_FOUND.to_string());
            }
            Err(error) => {
                read.note = Some(format!(
                    "The limit of {target} could not be read from SendGrid: {error}"
                ));
            }
        }
    }
    read.targets.push(username.to_string());
    read.targets.extend(
        own_subusers(pool, username)
            .await
            .map_err(unavailable)?
            .into_iter()
            .filter(|name| name != username),
    );
    Ok(read)
}

/// Why `target` is not changed from `customer`'s page, next to the Subuser field.
pub fn not_this_customers(target: &str, customer: &str, elsewhere: &Elsewhere) -> String {
    match elsewhere {
        Elsewhere::SubuserOf(owner) => format!(
            "{target} is a subuser of {owner}, not of {customer}: its limit is on {owner}'s page."
        ),
        Elsewhere::Customer => format!(
            "{target} is a customer, not a subuser of {customer}: its limit is on its own page."
        ),
    }
}

/// The outcome recorded for a form's key on this customer's Limits tab: its approval request,
/// or the change it made.
pub async fn earlier(
    pool: &sqlx::SqlitePool,
    username: &str,
    key: &str,
) -> Result<Option<Result<ChangeDone, LimitError>>, LimitError> {
    use crate::services::outcome;
    if let Some(answer) = crate::services::approvals::answer_for_key(pool, username, key)
        .await
        .map_err(outcome::unavailable)?
    {
        return Ok(Some(answer));
    }
    Ok(outcome::earlier(pool, username, key)
        .await
        .map_err(outcome::unavailable)?
        .map(|first| {
            let summary = summary_of(&first.params);
            outcome::shown(
                first.attempt_id,
                first.outcome,
                true,
                summary,
                crate::domain::limits::LimitField::from_upstream,
            )
        }))
}
