//! Which upstream names a customer page's key stands for: the v2 username (limits, plan) and
//! the v3 account id (offerings, state). The directory knows both once it has synced.

use sendgrid::Client;
use sqlx::SqlitePool;

use super::{directory, outcome};
use crate::domain::change::ChangeError;
use crate::domain::{AccountId, CustomerKey, Username};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerKeys {
    /// What the page's URL and the audit log name the customer by.
    pub key: CustomerKey,
    pub username: Option<Username>,
    pub account_id: Option<AccountId>,
}

/// Why a customer's upstream names could not be worked out.
#[derive(Debug, thiserror::Error)]
pub enum ResolveError {
    #[error("the console's database failed: {0}")]
    Database(#[from] sqlx::Error),
    /// SendGrid could not say whether the key is a v3 account (down, slow, refusing us): taking
    /// it for a v2 username then would turn an outage into "no such customer".
    #[error("SendGrid could not be asked whether this customer has an account: {0}")]
    Upstream(sendgrid::Error),
}

/// From the directory; a key it has not seen is taken as a v3 account id when SendGrid
/// knows one by that id, as a v2 username when SendGrid says it has no such account (whose
/// existence the caller's read checks), and as unknowable when SendGrid cannot answer.
pub async fn resolve(
    pool: &SqlitePool,
    client: &Client,
    key: &str,
) -> Result<CustomerKeys, ResolveError> {
    let key = key.trim();
    if let Some(keys) = from_directory(pool, key).await? {
        return Ok(keys);
    }
    let is_account = match client.get_account_state(key).await {
        Ok(_) => true,
        // "No account by that id", or an id SendGrid finds malformed: not a v3 account.
        Err(sendgrid::Error::NotFound { .. } | sendgrid::Error::InvalidInput { .. }) => false,
        Err(error) => return Err(ResolveError::Upstream(error)),
    };
    Ok(CustomerKeys {
        key: CustomerKey::new(key),
        username: (!is_account).then(|| Username::new(key)),
        account_id: is_account.then(|| AccountId::new(key)),
    })
}

/// The v2 username a customer page's `key` names, for the v2 reseller API (plan, limits): as
/// the directory spells it, or `key` itself when the directory has not seen it (the caller's
/// read then tells whether SendGrid has it). A v3-only account has none: `v3_only` says what
/// it cannot take. Asks nothing upstream.
pub async fn v2_username<F>(
    pool: &SqlitePool,
    key: &str,
    v3_only: impl FnOnce() -> ChangeError<F>,
) -> Result<Username, ChangeError<F>> {
    let key = key.trim();
    if key.is_empty() {
        // Sent on, a blank name is SendGrid's "missing parameter", which reads as an outage.
        return Err(ChangeError::NotFound("No customer was named.".to_string()));
    }
    match from_directory(pool, key)
        .await
        .map_err(outcome::unavailable)?
    {
        None => Ok(Username::new(key)),
        Some(keys) => keys.username.ok_or_else(v3_only),
    }
}

/// The refusal a change or read gets when its customer cannot be resolved; nothing was sent.
pub fn unavailable<F>(error: ResolveError) -> ChangeError<F> {
    match error {
        ResolveError::Database(error) => outcome::unavailable(error),
        ResolveError::Upstream(error) => ChangeError::Unavailable(format!(
            "SendGrid could not be asked whether this customer has a v3 account, so nothing \
             was sent: {error}"
        )),
    }
}

/// The directory's entry for `key`, if it has one; asks nothing upstream.
pub async fn from_directory(
    pool: &SqlitePool,
    key: &str,
) -> Result<Option<CustomerKeys>, sqlx::Error> {
    Ok(directory::find(pool, key.trim())
        .await?
        .map(|(row, _)| CustomerKeys {
            key: CustomerKey::new(row.key),
            username: row.username.map(Username::new),
            account_id: row.account_id.map(AccountId::new),
        }))
}
