//! The whole pending list (API.md §2.6) as read a short while ago: for overviews that show
//! it on every view (the console's dashboard), where asking SendGrid for every entry each time
//! costs a call and its decoding per page.
//!
//! A list is kept only while this client has sent no change: every change it sends (whatever
//! SendGrid answered) makes the next read go upstream, so the console's own plan changes and
//! cancellations show at once. Changes made elsewhere (SendGrid's own site, another tool), and
//! changes taking effect on their day, show once the kept list is older than the caller allows.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tokio::sync::Mutex;

use super::{PendingChange, PendingQuery};
use crate::{Client, Error, Result};

/// The whole pending list and when it was read.
#[derive(Debug, Clone)]
pub struct PendingList {
    pub changes: Arc<[PendingChange]>,
    pub read_at: DateTime<Utc>,
}

/// The last whole list read, with the change count it was read under, and the last read that
/// failed.
#[derive(Default)]
pub(crate) struct PendingMemo {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    kept: Option<Kept>,
    failed: Option<Failed>,
}

struct Failed {
    ended: Instant,
    error: Error,
}

struct Kept {
    list: PendingList,
    read: Instant,
    /// `Transport::changes` before the read started.
    changes: u64,
}

impl Client {
    /// Every pending change, as read at most `max_age` ago and not before any change this
    /// client sent. Callers that arrive while a read is under way wait for it rather than
    /// sending their own, and share its error if it fails: while SendGrid does not answer,
    /// they do not each wait for a read of their own in turn. A failed read is not kept for
    /// callers that come after it.
    pub async fn list_pending_recent(&self, max_age: Duration) -> Result<PendingList> {
        let arrived = Instant::now();
        let mut state = self.pending_memo.state.lock().await;
        if let Some(failed) = state.failed.as_ref().filter(|f| f.ended >= arrived) {
            return Err(failed.error.clone());
        }
        let changes = self.transport.changes.load(Ordering::SeqCst);
        if let Some(kept) = state
            .kept
            .as_ref()
            .filter(|k| k.changes == changes && k.read.elapsed() <= max_age)
        {
            return Ok(kept.list.clone());
        }
        let read = Instant::now();
        match self.list_pending(&PendingQuery::default()).await {
            Ok(list) => {
                let list = PendingList {
                    changes: list.into(),
                    read_at: Utc::now(),
                };
                state.kept = Some(Kept {
                    list: list.clone(),
                    read,
                    changes,
                });
                Ok(list)
            }
            Err(error) => {
                state.failed = Some(Failed {
                    ended: Instant::now(),
                    error: error.clone(),
                });
                Err(error)
            }
        }
    }
}
