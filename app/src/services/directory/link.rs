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
    sqlx::query(
        "DELETE FROM customer_links
         WHERE (decision = 'link' AND (username = ? OR account_id = ?))
            OR (username = ? AND account_id = ?)",
    )
    .bind(&username)
    .bind(&account_id)
    .bind(&username)
    .bind(&account_id)
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
    let joined: Option<String> = sqlx::query_scalar(
        "SELECT username FROM customers WHERE username = ? COLLATE NOCASE AND account_id = ?",
    )
    .bind(username)
    .bind(account_id)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(username) = joined else {
        return Err(DirectoryError::Conflict(format!(
            "{username} and {account_id} are not linked in the directory."
        )));
    };
    sqlx::query("DELETE FROM customer_links WHERE username = ? AND account_id = ?")
        .bind(&username)
        .bind(account_id)
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
    known(
        tx,
        "SELECT username FROM directory_v2 WHERE username = ? COLLATE NOCASE",
        username,
        "v2 customer",
    )
    .await
}

async fn known_account(
    tx: &mut sqlx::SqliteConnection,
    account_id: &str,
) -> Result<String, DirectoryError> {
    known(
        tx,
        "SELECT account_id FROM directory_v3 WHERE account_id = ?",
        account_id,
        "v3 account",
    )
    .await
}

/// The name as the directory spells it, found by `query`; `what` names it in the refusal.
async fn known(
    tx: &mut sqlx::SqliteConnection,
    query: &'static str,
    name: &str,
    what: &str,
) -> Result<String, DirectoryError> {
    sqlx::query_scalar(query)
        .bind(name.trim())
        .fetch_optional(tx)
        .await?
        .ok_or_else(|| {
            DirectoryError::NotFound(format!("No {what} {:?} in the directory.", name.trim()))
        })
}

async fn decide(
    tx: &mut sqlx::SqliteConnection,
    username: &str,
    account_id: &str,
    decision: &str,
    operator: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO customer_links (username, account_id, decision, operator, decided_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(username)
    .bind(account_id)
    .bind(decision)
    .bind(operator)
    .bind(Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true))
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
