//! The audit checkpoints: a signed digest of the log appended to a file outside the database
//! every `AUDIT_CHECKPOINT_MINUTES` (when the log grew) and when the console stops, so that
//! `audit verify` notices a log cut short (see `app::services::audit::digest`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use app::services::audit::digest;
use app::services::background::Background;
use sqlx::SqlitePool;
use tokio::sync::Mutex;

#[derive(Clone)]
pub struct Checkpoints {
    pool: SqlitePool,
    path: PathBuf,
    /// The event count of the last checkpoint written by this process.
    last: Arc<Mutex<Option<i64>>>,
}

impl Checkpoints {
    pub fn new(pool: SqlitePool, path: PathBuf) -> Checkpoints {
        Checkpoints {
            pool,
            path,
            last: Arc::new(Mutex::new(None)),
        }
    }

    /// Writes a checkpoint unless the log has not grown since the last one.
    pub async fn write(&self) {
        let mut last = self.last.lock().await;
        let events = sqlx::query_scalar!(r#"SELECT COUNT(*) AS "n!: i64" FROM audit_events"#)
            .fetch_one(&self.pool)
            .await;
        if let (Ok(events), Some(before)) = (&events, *last) {
            if *events == before {
                return;
            }
        }
        match digest::write_checkpoint(&self.pool, &self.path).await {
            Ok(written) => *last = Some(written.events),
            Err(error) => tracing::error!(%error, "could not write an audit checkpoint"),
        }
    }

    /// Writes one every `every` until the console stops (whose stop writes the last one).
    pub fn spawn_periodic(&self, every: Duration, background: &Background) {
        let checkpoints = self.clone();
        let handle = background.clone();
        background.spawn(async move {
            let mut ticks = tokio::time::interval(every);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // The first tick is immediate: nothing was written yet at start-up.
            ticks.tick().await;
            loop {
                tokio::select! {
                    () = handle.stopping() => break,
                    _ = ticks.tick() => checkpoints.write().await,
                }
            }
        });
    }
}
