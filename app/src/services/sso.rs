//! "Open in SendGrid" (API.md §5.10): a one-time sign-in to a customer's v3 account as its
//! base Admin Teammate, for managers and admins. It changes nothing in the account, but it
//! hands someone full control of it, so every try is in the audit log with SendGrid's answer,
//! and a sign-in link the log could not record is never handed out.

use sendgrid::Client;
use serde_json::json;
use sqlx::SqlitePool;

use crate::domain::audit::Outcome;
use crate::domain::AuditAction;
use crate::services::audit::{append, NewEvent};
use crate::services::auth::Manager;
use crate::services::customer_keys;

/// The audit action of a sign-in.
pub const SIGN_IN: AuditAction = AuditAction::AccountSso;

#[derive(Debug, thiserror::Error)]
pub enum SsoError {
    #[error("{0} has no v3 account; SendGrid's single sign-on opens v3 accounts only.")]
    NoAccount(String),
    /// SendGrid refused or did not answer; the try is recorded under `event_id`.
    #[error("SendGrid did not open the account: {message}")]
    Refused { message: String, event_id: i64 },
    #[error(
        "The sign-in could not be recorded in the audit log, so it was not opened; try again."
    )]
    NotRecorded,
    #[error("SendGrid could not be asked which account this is, so nothing was sent: {0}")]
    Unavailable(String),
}

impl SsoError {
    /// A short word for the page the browser is sent back to (never SendGrid's text, which
    /// the page reads from the log instead).
    pub fn code(&self) -> &'static str {
        match self {
            SsoError::NoAccount(_) => "no-account",
            SsoError::Refused { .. } => "refused",
            SsoError::NotRecorded => "not-recorded",
            SsoError::Unavailable(_) => "unavailable",
        }
    }
}

/// Asks SendGrid for a one-time sign-in URL (valid once, for 60 seconds) for the customer the
/// console names `key`, records the try, and returns the URL for the browser to follow.
#[tracing::instrument(skip(pool, client, client_ip))]
pub async fn open(
    pool: &SqlitePool,
    client: &Client,
    by: &Manager,
    key: &str,
    client_ip: Option<String>,
) -> Result<String, SsoError> {
    let operator = by.email();
    let keys = customer_keys::resolve(pool, client, key)
        .await
        .map_err(|error| match error {
            customer_keys::ResolveError::Database(error) => {
                tracing::error!(%error, "could not resolve a customer for a SendGrid sign-in");
                SsoError::Unavailable("the console's database failed".into())
            }
            upstream => SsoError::Unavailable(upstream.to_string()),
        })?;
    let account_id = keys
        .account_id
        .clone()
        .ok_or_else(|| SsoError::NoAccount(keys.key.to_string()))?;
    let answer = client.sso(&account_id).await;
    let outcome = if answer.is_ok() {
        Outcome::Success
    } else {
        // Whatever happened upstream, the console holds no link: nothing to reconcile.
        Outcome::Failure
    };
    let mut event = NewEvent::event(
        SIGN_IN,
        Some(operator),
        outcome,
        json!({ "account_id": account_id }),
    )
    .with_client_ip(client_ip);
    event.customer = Some(keys.key.to_string());
    if let Err(error) = &answer {
        event.upstream_status = error.status().map(i64::from);
        event.upstream_message = Some(error.to_string());
    }
    let event_id = append(pool, event).await.map_err(|error| {
        tracing::error!(%error, "could not record a SendGrid sign-in");
        SsoError::NotRecorded
    })?;
    answer.map_err(|error| SsoError::Refused {
        message: error.to_string(),
        event_id,
    })
}
