//! Delivers the outbox: each due message is POSTed to its webhook as Slack-compatible JSON
//! (`{"text": ...}`, plus `kind`); a 2xx answer delivers it, anything else is tried again
//! after a pause that doubles each time, [`MAX_ATTEMPTS`] tries in all. Every try is recorded
//! as `notification.send` with the row's new state, in one transaction. The queue lives in
//! SQLite, so a stop loses nothing: the next start goes on where it stood (zero2prod's issue
//! delivery worker, with the retry it leaves for later).

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use sqlx::SqlitePool;

use crate::domain::audit::Outcome;
use crate::domain::notification::{backoff, MAX_ATTEMPTS};
use crate::domain::AuditAction;
use crate::services::audit::{append_in, NewEvent};
use crate::services::background::Background;
use crate::services::writer::begin_write;

/// How long one POST may take before it counts as failed.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest the worker sleeps before looking at the outbox again.
const POLL: Duration = Duration::from_secs(2);
/// How much of a refusing webhook's answer is kept.
const ERROR_CHARS: usize = 300;

pub struct Worker {
    pool: SqlitePool,
    http: reqwest::Client,
    retry_base: Duration,
}

struct Due {
    id: i64,
    kind: String,
    text: String,
    webhook_url: String,
    attempts: i64,
}

impl Worker {
    /// `retry_base`: the pause after the first failed try (`NOTIFICATION_RETRY_SECONDS`).
    pub fn new(pool: SqlitePool, retry_base: Duration) -> Worker {
        let http = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            // A webhook answers where it is; a redirect is not followed with the message.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Worker {
            pool,
            http,
            retry_base: retry_base.max(Duration::from_millis(50)),
        }
    }

    /// Runs until the console stops; a stop lets the POST under way finish.
    pub fn spawn(self, background: &Background) {
        let background_ = background.clone();
        background.spawn(async move {
            loop {
                self.deliver_due(&background_).await;
                if !background_.sleep(POLL.min(self.retry_base)).await {
                    break;
                }
            }
        });
    }

    /// Tries every message due now, oldest first.
    async fn deliver_due(&self, background: &Background) {
        while !background.is_stopping() {
            let due = match self.next_due().await {
                Ok(Some(due)) => due,
                Ok(None) => break,
                Err(error) => {
                    tracing::error!(%error, "could not read the notification outbox");
                    break;
                }
            };
            let answer = self.post(&due).await;
            if let Err(error) = self.record(&due, answer).await {
                tracing::error!(notification = due.id, %error, "could not record a notification's delivery");
                break;
            }
        }
    }

    async fn next_due(&self) -> Result<Option<Due>, sqlx::Error> {
        let now = Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true);
        sqlx::query_as!(
            Due,
            r#"SELECT id AS "id!", kind, text, webhook_url, attempts FROM notification_outbox
               WHERE delivered_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?
               ORDER BY next_attempt_at, id LIMIT 1"#,
            now
        )
        .fetch_optional(&self.pool)
        .await
    }

    /// `Ok` when the webhook took it; otherwise what it met, never the address itself.
    async fn post(&self, due: &Due) -> Result<u16, String> {
        let body = json!({ "text": due.text, "kind": due.kind });
        match self.http.post(&due.webhook_url).json(&body).send().await {
            Ok(response) if response.status().is_success() => Ok(response.status().as_u16()),
            Ok(response) => {
                let status = response.status();
                let words: String = response
                    .text()
                    .await
                    .unwrap_or_default()
                    .chars()
                    .take(ERROR_CHARS)
                    .collect();
                Err(format!("The webhook answered {status}: {}", words.trim()))
            }
            Err(error) => Err(format!(
                "The webhook could not be reached: {}",
                error.without_url()
            )),
        }
    }

    async fn record(&self, due: &Due, answer: Result<u16, String>) -> Result<(), sqlx::Error> {
        let now: DateTime<Utc> = Utc::now();
        let at = now.to_rfc3339_opts(SecondsFormat::Millis, true);
        let attempts = due.attempts + 1;
        let mut tx = begin_write(&self.pool).await?;
        let (outcome, error) = match &answer {
            Ok(_) => {
                sqlx::query!(
                    "UPDATE notification_outbox SET attempts = ?, delivered_at = ?, last_error = NULL WHERE id = ?",
                    attempts,
                    at,
                    due.id
                )
                .execute(&mut *tx)
                .await?;
                (Outcome::Success, None)
            }
            Err(error) if attempts >= MAX_ATTEMPTS => {
                sqlx::query!(
                    "UPDATE notification_outbox SET attempts = ?, failed_at = ?, last_error = ? WHERE id = ?",
                    attempts,
                    at,
                    error,
                    due.id
                )
                .execute(&mut *tx)
                .await?;
                (Outcome::Failure, Some(error.clone()))
            }
            Err(error) => {
                let pause = chrono::Duration::from_std(backoff(self.retry_base, attempts))
                    .unwrap_or_else(|_| chrono::Duration::hours(1));
                let next = (now + pause).to_rfc3339_opts(SecondsFormat::Millis, true);
                sqlx::query!(
                    "UPDATE notification_outbox SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                    attempts,
                    next,
                    error,
                    due.id
                )
                .execute(&mut *tx)
                .await?;
                (Outcome::Failure, Some(error.clone()))
            }
        };
        let event = NewEvent::event(
            AuditAction::NotificationSend,
            None,
            outcome,
            json!({
                "notification": due.id,
                "kind": due.kind,
                "attempt": attempts,
                "status": answer.as_ref().ok(),
                "error": error,
                "gave_up": answer.is_err() && attempts >= MAX_ATTEMPTS,
            }),
        );
        append_in(&mut tx, event).await?;
        tx.commit().await
    }
}
