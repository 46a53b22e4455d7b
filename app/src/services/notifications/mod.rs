//! Notifications to an admin's webhook (migration 20261207000003). An audit event that needs a
//! person (an outcome unknown, a bulk job ended with failures, an approval waiting, a failed
//! verification of the log) puts a message in the outbox in the same transaction as the event
//! itself; the [`worker`] delivers it with retries, and records each try in the audit log. A
//! change never waits for a webhook.

mod message;
pub mod worker;

use chrono::{SecondsFormat, Utc};
use serde_json::json;
use sqlx::{SqliteConnection, SqlitePool};

use super::audit::{append_in, NewEvent, Outcome, StoredEvent};
use super::auth::Admin;
use crate::domain::notification::{mask, Delivery, DeliveryStatus, NotificationKind, WebhookUrl};
use crate::domain::AuditAction;
use crate::services::writer::begin_write;

pub use message::message_for;
pub use worker::Worker;

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The webhook notifications go to, if an admin set one; read from the pool or inside the
/// transaction of the audit row that raises a message.
pub async fn webhook<'c>(
    executor: impl sqlx::SqliteExecutor<'c>,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("SELECT webhook_url FROM notification_settings WHERE id = 1")
        .fetch_optional(executor)
        .await
        .map(Option::flatten)
}

/// Sets (or with `None` turns off) the webhook, recorded as `notification.settings` with the
/// address masked, in one transaction. Messages already queued keep the address they had.
pub async fn set_webhook(
    pool: &SqlitePool,
    by: &Admin,
    url: Option<&WebhookUrl>,
    client_ip: Option<String>,
) -> Result<(), sqlx::Error> {
    let at = now();
    let address = url.map(WebhookUrl::as_str);
    let email = by.email();
    let mut tx = begin_write(pool).await?;
    sqlx::query!(
        "UPDATE notification_settings SET webhook_url = ?, updated_by = ?, updated_at = ? WHERE id = 1",
        address,
        email,
        at
    )
    .execute(&mut *tx)
    .await?;
    let event = NewEvent::event(
        AuditAction::NotificationSettings,
        Some(by.email()),
        Outcome::Success,
        json!({ "webhook": url.map(WebhookUrl::masked) }),
    )
    .with_client_ip(client_ip);
    append_in(&mut tx, event).await?;
    tx.commit().await
}

/// Queues a test message, recorded as `notification.test` (whose row raises it).
pub async fn send_test(
    pool: &SqlitePool,
    by: &Admin,
    client_ip: Option<String>,
) -> Result<(), sqlx::Error> {
    let mut tx = begin_write(pool).await?;
    let event = NewEvent::event(
        AuditAction::NotificationTest,
        Some(by.email()),
        Outcome::Success,
        json!({}),
    )
    .with_client_ip(client_ip);
    append_in(&mut tx, event).await?;
    tx.commit().await
}

/// Called by the audit log for every row it appends, inside its transaction: a row that needs
/// a person queues its message for the webhook, if one is set.
pub(in crate::services) async fn raise_for(
    conn: &mut SqliteConnection,
    row: &StoredEvent,
    event_id: i64,
) -> Result<(), sqlx::Error> {
    let Some((kind, text)) = message_for(row, event_id) else {
        return Ok(());
    };
    let Some(url) = webhook(&mut *conn).await? else {
        return Ok(());
    };
    let at = now();
    let kind = kind.as_str();
    sqlx::query!(
        "INSERT INTO notification_outbox (kind, text, event_id, webhook_url, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?)",
        kind,
        text,
        event_id,
        url,
        at,
        at
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The latest messages, newest first, with where each delivery stands.
pub async fn recent(pool: &SqlitePool, limit: i64) -> Result<Vec<Delivery>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT id AS "id!", kind, text, created_at, attempts, next_attempt_at, delivered_at,
                  failed_at, last_error
           FROM notification_outbox ORDER BY id DESC LIMIT ?"#,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let status = match (row.delivered_at, row.failed_at) {
                (Some(at), _) => DeliveryStatus::Delivered { at },
                (None, Some(at)) => DeliveryStatus::GaveUp { at },
                (None, None) => DeliveryStatus::Pending {
                    next_attempt_at: row.next_attempt_at,
                },
            };
            Some(Delivery {
                id: row.id,
                kind: NotificationKind::parse(&row.kind)?,
                text: row.text,
                created_at: row.created_at,
                attempts: row.attempts,
                status,
                last_error: row.last_error,
            })
        })
        .collect())
}

/// The webhook as pages show it: scheme, host and the address's last characters.
pub async fn masked_webhook(pool: &SqlitePool) -> Result<Option<String>, sqlx::Error> {
    Ok(webhook(pool).await?.as_deref().map(mask))
}
