//! One directory sync: list every v2 customer (profile pages, API.md §4.1) and every v3
//! account (cursor pages, §5.3), read each one's package and state, merge, and store it all in
//! one transaction. Progress is published while it runs; a failure stores nothing but itself.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, Utc};
use sendgrid::{Client, ProfileQuery};
use sqlx::SqlitePool;
use tokio::sync::watch;

use super::merge::{merge, V2Entry, V3Entry};
use super::{store, DirectoryError};
use crate::domain::directory::{SyncPhase, SyncProgress};
use crate::services::background::Background;
use crate::services::writer::begin_write;

/// Rows asked for per page: the v3 maximum (§5.3); v2 documents none (§9 Q4).
const PAGE_SIZE: u32 = 100;
/// A walk longer than this is upstream looping, not a real customer list.
const MAX_PAGES: u32 = 10_000;

/// The one sync that may run at a time, and its progress for anyone watching.
pub struct DirectorySync {
    progress: watch::Sender<Option<SyncProgress>>,
}

impl Default for DirectorySync {
    fn default() -> Self {
        DirectorySync {
            progress: watch::channel(None).0,
        }
    }
}

/// What a finished sync stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub customers: usize,
    pub pages: u32,
    pub accounts: u32,
    pub notes: Option<String>,
}

impl DirectorySync {
    /// The running sync's progress; `None` when idle.
    pub fn progress(&self) -> Option<SyncProgress> {
        *self.progress.borrow()
    }

    /// Follows progress: the value changes at every page and detail read, and becomes `None`
    /// when the sync ends.
    pub fn subscribe(&self) -> watch::Receiver<Option<SyncProgress>> {
        self.progress.subscribe()
    }

    /// Starts a sync on `background` unless one is running. Returns whether it started.
    pub fn start(
        self: &Arc<Self>,
        pool: SqlitePool,
        client: Client,
        background: &Background,
    ) -> bool {
        let Some(guard) = self.claim() else {
            return false;
        };
        let handle = background.clone();
        background.spawn(async move {
            // The outcome is stored in `directory_sync`; the log says it too.
            let _ = guard.run_until_stopped(&pool, &client, &handle).await;
        });
        true
    }

    /// Runs a sync in this task; refuses if one is running.
    pub async fn run(
        self: &Arc<Self>,
        pool: &SqlitePool,
        client: &Client,
    ) -> Result<SyncReport, DirectoryError> {
        let guard = self.claim().ok_or(DirectoryError::SyncRunning)?;
        guard.run(pool, client).await
    }

    fn claim(self: &Arc<Self>) -> Option<Running> {
        let mut claimed = false;
        self.progress.send_if_modified(|progress| {
            if progress.is_none() {
                *progress = Some(SyncProgress::starting());
                claimed = true;
            }
            claimed
        });
        claimed.then(|| Running {
            sync: Arc::clone(self),
        })
    }
}

/// Holds the sync slot; releasing it (even by a panic) marks the directory idle.
pub(super) struct Running {
    sync: Arc<DirectorySync>,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.sync.progress.send_replace(None);
    }
}

impl Running {
    pub(super) fn update(&self, change: impl FnOnce(&mut SyncProgress)) {
        self.sync.progress.send_modify(|progress| {
            if let Some(progress) = progress {
                change(progress);
            }
        });
    }

    /// [`Running::run`], abandoned when the console stops: the sync's open transaction rolls
    /// back, the last good directory stays, and the stop is recorded as the sync's failure.
    async fn run_until_stopped(
        self,
        pool: &SqlitePool,
        client: &Client,
        background: &Background,
    ) -> Result<SyncReport, DirectoryError> {
        tokio::select! {
            result = self.run(pool, client) => result,
            () = background.stopping() => {
                let error = DirectoryError::Stopped;
                store::record_failure(pool, &now(), &error.to_string()).await?;
                Err(error)
            }
        }
    }

    #[tracing::instrument(name = "directory_sync", skip_all)]
    async fn run(self, pool: &SqlitePool, client: &Client) -> Result<SyncReport, DirectoryError> {
        store::record_start(pool, &now()).await?;
        match self.sync_all(pool, client).await {
            Ok(report) => {
                tracing::info!(
                    customers = report.customers,
                    pages = report.pages,
                    "directory synced"
                );
                Ok(report)
            }
            Err(error) => {
                tracing::warn!(%error, "directory sync failed; the last good directory is kept");
                store::record_failure(pool, &now(), &error.to_string()).await?;
                Err(error)
            }
        }
    }

    async fn sync_all(
        &self,
        pool: &SqlitePool,
        client: &Client,
    ) -> Result<SyncReport, DirectoryError> {
        let previous = {
            let mut conn = pool.acquire().await?;
            store::load_sources(&mut conn).await?
        };
        // The two lists are independent walks (§4.1 by offset, §5.3 by cursor): side by side,
        // listing takes as long as the longer of them.
        let (mut v2, mut v3) = tokio::try_join!(self.list_v2(client), self.list_v3(client))?;

        // Package and state cost one read per customer; joined accounts take their package
        // from v2, so only v3-only accounts need their offerings read.
        let merged = merge(&v2, &v3, &previous.decisions);
        let v3_only: HashSet<String> = merged
            .iter()
            .filter(|m| m.username.is_none())
            .filter_map(|m| m.account_id.clone())
            .collect();
        let old_v2: HashMap<&str, &V2Entry> = previous
            .v2
            .iter()
            .map(|c| (c.username.as_str(), c))
            .collect();
        let old_v3: HashMap<&str, &V3Entry> = previous
            .v3
            .iter()
            .map(|a| (a.account_id.as_str(), a))
            .collect();
        let missing = self
            .read_details(client, &mut v2, &mut v3, &v3_only, &old_v2, &old_v3)
            .await;

        self.update(|p| p.phase = SyncPhase::Saving);
        let (pages, accounts) = self
            .sync
            .progress()
            .map(|p| (p.pages, p.accounts))
            .unwrap_or_default();
        let notes = missing.note();
        let at = now();
        let mut tx = begin_write(pool).await?;
        let customers = store::replace_sources(&mut tx, &v2, &v3, &at).await?;
        store::record_success(&mut tx, &at, pages, accounts, notes.as_deref()).await?;
        tx.commit().await?;
        Ok(SyncReport {
            customers,
            pages,
            accounts,
            notes,
        })
    }

    async fn list_v2(&self, client: &Client) -> Result<Vec<V2Entry>, DirectoryError> {
        let mut entries: Vec<V2Entry> = Vec::new();
        let mut seen = HashSet::new();
        for page in 0..MAX_PAGES {
            let query = ProfileQuery {
                limit: Some(PAGE_SIZE),
                offset: Some(page * PAGE_SIZE),
                ..Default::default()
            };
            let profiles = client.list_profiles(&query).await?;
            let count = profiles.len() as u32;
            let mut new = 0;
            for profile in profiles {
                if seen.insert(profile.username.clone()) {
                    new += 1;
                    let name =
                        format!("{} {}", profile.first_name.trim(), profile.last_name.trim());
                    entries.push(V2Entry {
                        username: profile.username,
                        email: profile.email,
                        name: name.trim().to_string(),
                        company: profile.company,
                        active: profile.active,
                        package: None,
                    });
                }
            }
            self.update(|p| {
                p.pages += 1;
                p.accounts += new;
            });
            // A short page is the last (§9 Q4: no total is returned).
            if count < PAGE_SIZE {
                return Ok(entries);
            }
            if new == 0 {
                return Err(DirectoryError::Paging(
                    "v2 profile pages repeat themselves; offset is not advancing".to_string(),
                ));
            }
        }
        Err(DirectoryError::Paging(format!(
            "more than {MAX_PAGES} pages of v2 customers"
        )))
    }

    async fn list_v3(&self, client: &Client) -> Result<Vec<V3Entry>, DirectoryError> {
        let mut entries = Vec::new();
        let mut cursors = HashSet::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let page = client.list_accounts(cursor.as_deref(), PAGE_SIZE).await?;
            let full = page.accounts.len() >= PAGE_SIZE as usize;
            let count = page.accounts.len() as u32;
            entries.extend(page.accounts.into_iter().map(|account| {
                V3Entry {
                    account_id: account.id,
                    email: account.email.unwrap_or_default(),
                    created_at: account
                        .created_at
                        .to_rfc3339_opts(SecondsFormat::Secs, true),
                    state: None,
                    package: None,
                }
            }));
            self.update(|p| {
                p.pages += 1;
                p.accounts += count;
            });
            // The end of the list is undocumented (§9 Q6): a short page or no cursor ends it.
            match page.last {
                Some(last) if full => {
                    if !cursors.insert(last.clone()) {
                        return Err(DirectoryError::Paging(format!(
                            "v3 account cursor {last} came back twice"
                        )));
                    }
                    cursor = Some(last);
                }
                _ => return Ok(entries),
            }
        }
        Err(DirectoryError::Paging(format!(
            "more than {MAX_PAGES} pages of v3 accounts"
        )))
    }
}

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Syncs once at start-up and then every `every`, until the console stops.
pub fn spawn_periodic(
    sync: Arc<DirectorySync>,
    pool: SqlitePool,
    client: Client,
    every: Duration,
    background: &Background,
) {
    let handle = background.clone();
    background.spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = handle.stopping() => break,
                _ = ticks.tick() => {}
            }
            // A sync an operator started is as good as ours: skip this tick.
            if let Some(guard) = sync.claim() {
                let _ = guard.run_until_stopped(&pool, &client, &handle).await;
            }
        }
    });
}
