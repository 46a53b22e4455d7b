//! The home page's "what needs you": counts and lists read from the console's own database
//! (open attempts, bulk jobs, the directory's last sync) with SendGrid's cached health, and,
//! separately because it asks SendGrid, the changes falling due this week.

use std::time::Duration;

use chrono::{DateTime, Days, SecondsFormat, Utc};
use sqlx::SqlitePool;

use super::audit::unresolved_count;
use super::directory::{self, DirectorySync};
use super::scheduled::{self, Freshness};
use super::upstream_health::UpstreamHealth;
use crate::domain::home::{DueSoon, WhatNeedsYou, BULK_RECENT_DAYS, DUE_WITHIN_DAYS};
use crate::domain::scheduled::WaitingFilter;
use crate::domain::{IsoDate, Permission, Role};

/// What the home summary reads from.
pub struct Sources<'a> {
    pub pool: &'a SqlitePool,
    pub client: &'a sendgrid::Client,
    pub directory: &'a DirectorySync,
    pub health: &'a UpstreamHealth,
}

/// Why the summary could not be read, in words for the page (details are logged).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct HomeError(String);

impl From<sqlx::Error> for HomeError {
    fn from(error: sqlx::Error) -> HomeError {
        tracing::error!(%error, "home summary: database error");
        HomeError("The console's database could not be read; try again.".to_string())
    }
}

/// The summary for an operator of `role`: only what the role may act on or read.
pub async fn summary(sources: Sources<'_>, role: Role) -> Result<WhatNeedsYou, HomeError> {
    let unknown_outcomes = unresolved_count(sources.pool, None).await?;
    let bulk = match role.allows(Permission::ChangeAccounts) {
        true => Some(bulk_needing_a_look(sources.pool, Utc::now()).await?),
        false => None,
    };
    let approvals_waiting = super::approvals::waiting(sources.pool).await?;
    let directory = directory::status(sources.pool, sources.directory).await?;
    let sendgrid_ok = sources.health.is_ok(sources.client).await;
    Ok(WhatNeedsYou {
        unknown_outcomes,
        approvals_waiting,
        bulk,
        directory,
        sendgrid_ok,
    })
}

/// Jobs under way, or from the last [`BULK_RECENT_DAYS`] days that ended with customers failed
/// or of unknown outcome, newest first.
async fn bulk_needing_a_look(
    pool: &SqlitePool,
    now: DateTime<Utc>,
) -> Result<Vec<crate::domain::bulk::JobSummary>, HomeError> {
    use crate::domain::bulk::JobStatus;
    let since = now - chrono::Duration::days(BULK_RECENT_DAYS);
    let recent = super::bulk::recent(pool)
        .await
        .map_err(|error| HomeError(error.to_string()))?;
    Ok(recent
        .into_iter()
        .filter(|job| job.needs_a_look())
        .filter(|job| {
            job.status == JobStatus::Running
                || DateTime::parse_from_rfc3339(&job.created_at)
                    .map(|at| at.with_timezone(&Utc) >= since)
                    .unwrap_or(true)
        })
        .collect())
}

/// How old SendGrid's pending list on the dashboard may be. The console's own changes show at
/// once (any change it sends makes the next view ask again); one made on SendGrid's site, or a
/// change taking effect, shows within this long. The Scheduled screen always asks.
pub const DUE_SOON_MAX_AGE: Duration = Duration::from_secs(30);

/// Changes due from today to [`DUE_WITHIN_DAYS`] days ahead, SendGrid's and the console's.
pub async fn due_soon(pool: &SqlitePool, client: &sendgrid::Client) -> Result<DueSoon, HomeError> {
    let last = Utc::now().date_naive() + Days::new(DUE_WITHIN_DAYS);
    let due_by = IsoDate::parse(&last.format("%Y-%m-%d").to_string()).map_err(HomeError)?;
    let filter = WaitingFilter {
        kind: None,
        due_by: Some(due_by),
    };
    let freshness = Freshness::Within(DUE_SOON_MAX_AGE);
    let waiting = scheduled::list(pool, client, &filter, freshness).await?;
    Ok(DueSoon {
        due_by,
        changes: waiting.changes,
        note: waiting.note,
        // As the audit log writes times: `LocalTime` shows this form as `… UTC` until the
        // page's code has arrived.
        sendgrid_read_at: waiting
            .sendgrid_read_at
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true)),
    })
}
