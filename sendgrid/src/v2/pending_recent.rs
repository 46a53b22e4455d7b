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
use crate::{Client, Result};

/// The whole pending list and when it was read.
#[derive(Debug, Clone)]
pub struct PendingList {
    pub changes: Arc<[PendingChange]>,
    pub read_at: DateTime<Utc>,
}

/// The last whole list read, with the change count it was read under.
#[derive(Default)]
pub(crate) struct PendingMemo {
    kept: Mutex<Option<Kept>>,
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
    /// sending their own; a failed read is not kept.
    pub async fn list_pending_recent(&self, max_age: Duration) -> Result<PendingList> {
        let mut kept = self.pending_memo.kept.lock().await;
        let changes = self.transport.changes.load(Ordering::SeqCst);
        if let Some(k) = kept
            .as_ref()
            .filter(|k| k.changes == changes && k.read.elapsed() <= max_age)
        {
            return Ok(k.list.clone());
        }
        let read = Instant::now();
        let list = PendingList {
            changes: self.list_pending(&PendingQuery::default()).await?.into(),
            read_at: Utc::now(),
        };
        *kept = Some(Kept {
            list: list.clone(),
            read,
            changes,
        });
        Ok(list)
    }
}
