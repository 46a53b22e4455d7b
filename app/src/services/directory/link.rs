//! An admin's corrections to the email matching: join a v2 customer with a v3 account, or
//! keep a pair apart. Stored locally (nothing changes at SendGrid) and audited.

use chrono::{SecondsFormat, Utc};
use sqlx::SqlitePool;

use super::{store, DirectoryError};
use crate::domain::AuditAction;
use crate::services::audit::{self, NewEvent, Outcome};
use crate::services::auth::Admin;

/// Joins `username` and `account_id`, replacing any link either had.
#[tracing::instrument(skip(pool), fields(customer = %username))]
pub async fn link(
    pool: &SqlitePool,
    by: &Admin,
    username: &str,
    account_id: &str,
    client_ip: Option<String>,
) -> Result<(), DirectoryError> {
    let operator = by.email();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let username = known_username(&mut tx, username).await?;
    let account_id = known_account(&mut tx, account_id).await?;
    sqlx::query!(
        "DELETE FROM customer_links
         WHERE (decision = 'link' AND (username = ?1 OR account_id = ?2))
            OR (username = ?1 AND account_id = ?2)",
        username,
        account_id,
    )
    .execute(&mut *tx)
    .await?;
    decide(&mut tx, &username, &account_id, "link", operator).await?;
    store::rebuild(&mut tx).await?;
    let event = event(
        AuditAction::DirectoryLink,
        operator,
        &username,
        &account_id,
        client_ip,
    );
    audit::append_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// Separates a joined pair and keeps it apart in later syncs, even if the emails match.
#[tracing::instrument(skip(pool), fields(customer = %username))]
pub async fn unlink(
    pool: &SqlitePool,
    by: &Admin,
    username: &str,
    account_id: &str,
    client_ip: Option<String>,
) -> Result<(), DirectoryError> {
    let operator = by.email();
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let joined = sqlx::query_scalar!(
        "SELECT username FROM customers WHERE username = ? COLLATE NOCASE AND account_id = ?",
        username,
        account_id,
    )
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    let Some(username) = joined else {
        return Err(DirectoryError::Conflict(format!(
            "{username} and {account_id} are not linked in the directory."
        )));
    };
    sqlx::query!(
        "DELETE FROM customer_links WHERE username = ? AND account_id = ?",
        username,
        account_id,
    )
    .execute(&mut *tx)
    .await?;
    decide(&mut tx, &username, account_id, "separate", operator).await?;
    store::rebuild(&mut tx).await?;
    let event = event(
        AuditAction::DirectoryUnlink,
        operator,
        &username,
        account_id,
        client_ip,
    );
    audit::append_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(())
}

async fn known_username(
    tx: &mut sqlx::SqliteConnection,
    username: &str,
) -> Result<String, DirectoryError> {
    let username = username.trim();
    let found = sqlx::query_scalar!(
        "SELECT username FROM directory_v2 WHERE username = ? COLLATE NOCASE",
        username
    )
    .fetch_optional(tx)
    .await?;
    known(found, username, "v2 customer")
}

async fn known_account(
    tx: &mut sqlx::SqliteConnection,
    account_id: &str,
) -> Result<String, DirectoryError> {
    let account_id = account_id.trim();
    let found = sqlx::query_scalar!(
        "SELECT account_id FROM directory_v3 WHERE account_id = ?",
        account_id
    )
    .fetch_optional(tx)
    .await?;
    known(found, account_id, "v3 account")
}

/// The name as the directory spells it, if it was `found`; `what` names it in the refusal.
fn known(found: Option<String>, name: &str, what: &str) -> Result<String, DirectoryError> {
    found.ok_or_else(|| DirectoryError::NotFound(format!("No {what} {name:?} in the directory.")))
}

async fn decide(
    tx: &mut sqlx::SqliteConnection,
    username: &str,
    account_id: &str,
    decision: &str,
    operator: &str,
) -> Result<(), sqlx::Error> {
    let decided_at = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
    sqlx::query!(
        "INSERT INTO customer_links (username, account_id, decision, operator, decided_at)
         VALUES (?, ?, ?, ?, ?)",
        username,
        account_id,
        decision,
        operator,
        decided_at,
    )
    .execute(tx)
    .await?;
    Ok(())
}

/// The audit row of a link decision, written in the decision's own transaction: the change
/// and its record commit together or not at all.
fn event(
    action: AuditAction,
    operator: &str,
    username: &str,
    account_id: &str,
    client_ip: Option<String>,
) -> NewEvent {
    let mut event = NewEvent::event(
        action,
        Some(operator),
        Outcome::Success,
        serde_json::json!({"username": username, "account_id": account_id}),
    )
    .with_client_ip(client_ip);
    event.customer = Some(username.to_string());
    event
}
