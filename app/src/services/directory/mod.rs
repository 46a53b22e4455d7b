//! The customer directory: v2 customers and v3 accounts merged by email into one local,
//! searchable list (DESIGN.md "Data": an optional cache, always labelled with its sync time).

mod details;
mod link;
mod merge;
mod search;
mod store;
mod sync;

use sqlx::SqlitePool;

use crate::domain::directory::SyncStatus;

pub use details::{state_name, DETAIL_CONCURRENCY};
pub use link::{correct, Correction, Pair};
pub use merge::{email_key, merge, Decision, Merged, V2Entry, V3Entry};
pub use search::{all_matching, count, facets, find, jump, match_expression, search};
pub use sync::{spawn_periodic, DirectorySync, SyncReport};

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("A directory sync is already running")]
    SyncRunning,
    #[error("SendGrid could not be read: {0}")]
    Upstream(#[from] sendgrid::Error),
    #[error("SendGrid's list did not end properly: {0}")]
    Paging(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Conflict(String),
    #[error("The console's database failed: {0}")]
    Database(#[from] sqlx::Error),
    #[error("The console stopped before the sync finished; the last good directory is kept")]
    Stopped,
}

/// The stored sync status plus the progress of a sync running now.
pub async fn status(pool: &SqlitePool, sync: &DirectorySync) -> Result<SyncStatus, sqlx::Error> {
    let mut status = store::status(pool).await?;
    status.running = sync.progress();
    Ok(status)
}
