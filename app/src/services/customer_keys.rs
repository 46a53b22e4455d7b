//! Which upstream names a customer page's key stands for: the v2 username (limits, plan) and
//! the v3 account id (offerings, state). The directory knows both once it has synced.

use sendgrid::Client;
use sqlx::SqlitePool;

use super::directory;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CustomerKeys {
    /// What the page's URL and the audit log name the customer by.
    pub key: String,
    pub username: Option<String>,
    pub account_id: Option<String>,
}

/// From the directory; a key it has not seen is taken as a v3 account id when SendGrid
/// knows one by that id, else as a v2 username (whose existence the caller's read checks).
pub async fn resolve(
    pool: &SqlitePool,
    client: &Client,
    key: &str,
) -> Result<CustomerKeys, sqlx::Error> {
    let key = key.trim();
    if let Some(keys) = from_directory(pool, key).await? {
        return Ok(keys);
    }
    let is_account = client.get_account_state(key).await.is_ok();
    Ok(CustomerKeys {
        key: key.to_string(),
        username: (!is_account).then(|| key.to_string()),
        account_id: is_account.then(|| key.to_string()),
    })
}

/// The directory's entry for `key`, if it has one; asks nothing upstream.
pub async fn from_directory(
    pool: &SqlitePool,
    key: &str,
) -> Result<Option<CustomerKeys>, sqlx::Error> {
    Ok(directory::find(pool, key.trim())
        .await?
        .map(|(row, _)| CustomerKeys {
            key: row.key,
            username: row.username,
            account_id: row.account_id,
        }))
}
