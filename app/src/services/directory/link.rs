//! An admin's corrections to the email matching: join a v2 customer with a v3 account, or
//! keep a pair apart. Stored locally (nothing changes at SendGrid) and audited.

use chrono::{SecondsFormat, Utc};
use sqlx::SqlitePool;

use super::{store, DirectoryError};
use crate::domain::AuditAction;
use crate::services::audit::{self, NewEvent, Outcome};
use crate::services::auth::Admin;
use crate::services::writer::begin_write;

/// A v2 customer and a v3 account as an admin named them, to join or keep apart: named
/// fields, so the two names cannot be swapped.
#[derive(Clone, Copy, Debug)]
pub struct Pair<'a> {
    pub username: &'a str,
    pub account_id: &'a str,
}

/// An admin's correction of the email matching for a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Correction {
    /// Join them, replacing any link either had.
    Link,
    /// Separate a joined pair and keep it apart in later syncs, even if the emails match.
    Separate,
}

impl Correction {
    /// As `customer_links.decision` stores it.
    fn as_str(self) -> &'static str {
        match self {
            Correction::Link => "link",
            Correction::Separate => "separate",
        }
    }

    fn action(self) -> AuditAction {
        match self {
            Correction::Link => AuditAction::DirectoryLink,
            Correction::Separate => AuditAction::DirectoryUnlink,
        }
    }
}

/// Records the `correction` of the pair, rebuilds the directory and audits it, all in one
/// transaction.
#[tracing::instrument(skip(pool), fields(customer = %pair.username))]
pub async fn correct(
    pool: &SqlitePool,
    by: &Admin,
    pair: Pair<'_>,
    correction: Correction,
    client_ip: Option<String>,
) -> Result<(), DirectoryError> {
    let operator = by.email();
    let mut tx = begin_write(pool).await?;
    let (username, account_id) = match correction {
        Correction::Link => unlinked_pair(&mut tx, pair).await?,
        Correction::Separate => linked_pair(&mut tx, pair).await?,
    };
    let (decision, decided_at) = (
        correction.as_str(),
        Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true),
    );
    sqlx::query!(
        "INSERT INTO customer_links (username, account_id, decision, operator, decided_at)
         VALUES (?, ?, ?, ?, ?)",
        username,
        account_id,
        decision,
        operator,
        decided_at,
    )
    .execute(&mut *tx)
    .await?;
    store::rebuild(&mut tx).await?;
    let event = event(
        correction.action(),
        operator,
        &username,
        &account_id,
        client_ip,
    );
    audit::append_in(&mut tx, event).await?;
    tx.commit().await?;
    Ok(())
}

/// The pair as the directory spells it, freed of any link either had, ready to be joined.
async fn unlinked_pair(
    tx: &mut sqlx::SqliteConnection,
    pair: Pair<'_>,
) -> Result<(String, String), DirectoryError> {
    let username = known(tx, Typed::Username(pair.username)).await?;
    let account_id = known(tx, Typed::Account(pair.account_id)).await?;
    sqlx::query!(
        "DELETE FROM customer_links
         WHERE (decision = 'link' AND (username = ?1 OR account_id = ?2))
            OR (username = ?1 AND account_id = ?2)",
        username,
        account_id,
    )
    .execute(&mut *tx)
    .await?;
    Ok((username, account_id))
}

/// The joined pair as the directory spells it, its link removed, ready to be kept apart.
async fn linked_pair(
    tx: &mut sqlx::SqliteConnection,
    pair: Pair<'_>,
) -> Result<(String, String), DirectoryError> {
    let Pair {
        username,
        account_id,
    } = pair;
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
    Ok((username, account_id.to_string()))
}

/// A name an admin typed, to look up in the directory's sources.
enum Typed<'a> {
    Username(&'a str),
    Account(&'a str),
}

/// The name as the directory spells it (a username in any case, an account id exactly), or
/// the refusal naming what is not there.
async fn known(
    tx: &mut sqlx::SqliteConnection,
    typed: Typed<'_>,
) -> Result<String, DirectoryError> {
    let (found, name, what) = match typed {
        Typed::Username(username) => {
            let username = username.trim();
            let found = sqlx::query_scalar!(
                "SELECT username FROM directory_v2 WHERE username = ? COLLATE NOCASE",
                username
            )
            .fetch_optional(&mut *tx)
            .await?;
            (found, username, "v2 customer")
        }
        Typed::Account(account_id) => {
            let account_id = account_id.trim();
            let found = sqlx::query_scalar!(
                "SELECT account_id FROM directory_v3 WHERE account_id = ?",
                account_id
            )
            .fetch_optional(&mut *tx)
            .await?;
            (found, account_id, "v3 account")
        }
    };
    found.ok_or_else(|| DirectoryError::NotFound(format!("No {what} {name:?} in the directory.")))
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
