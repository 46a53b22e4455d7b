//! The console's own check of the audit log's hash chain, every few hours
//! (`AUDIT_VERIFY_HOURS`): the same check as `reseller-console audit verify`, recorded as
//! `audit.verify`; a failure also notifies the admins' webhook (see `services::notifications`).

use std::time::Duration;

use serde_json::json;
use sqlx::SqlitePool;

use super::{append, verify, NewEvent, Outcome, Verification};
use crate::domain::AuditAction;
use crate::services::background::Background;

/// Verifies the chain and records what was found.
pub async fn check_and_record(pool: &SqlitePool) -> Result<Verification, sqlx::Error> {
    let verification = verify(pool).await?;
    let (outcome, params) = match &verification {
        Verification::Ok { events } => (Outcome::Success, json!({ "events": events })),
        Verification::Broken { id, reason } => (
            Outcome::Failure,
            json!({ "problem": format!("event {id}: {reason}."), "event": id }),
        ),
        Verification::KeyMissing {
            id,
            key_id,
            key_file,
        } => (
            Outcome::Failure,
            json!({
                "problem": format!("event {id} is signed with audit key {key_id}, which is not in {key_file}."),
                "event": id,
            }),
        ),
    };
    if outcome == Outcome::Failure {
        tracing::error!(?verification, "the audit log's chain does not verify");
    }
    append(
        pool,
        NewEvent::event(AuditAction::AuditVerify, None, outcome, params),
    )
    .await?;
    Ok(verification)
}

/// Checks every `every`, the first time one period after start, until the console stops.
pub fn spawn_periodic(pool: SqlitePool, every: Duration, background: &Background) {
    let stop = background.clone();
    background.spawn(async move {
        while stop.sleep(every).await {
            if let Err(error) = check_and_record(&pool).await {
                tracing::error!(%error, "could not verify the audit log");
            }
        }
    });
}
