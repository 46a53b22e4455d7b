//! Runs bulk jobs: at most `concurrency` customers at a time, each through the audit log with
//! its own idempotency key, a shared pause on 429, and cancel that starts nothing new while
//! letting calls under way finish.
//!
//! Retries of faults live in one layer, the SendGrid client's transport (DESIGN.md
//! "Reliability": reads and v3 PUTs up to 3 more times; v2 POST tasks never): the runner adds
//! none, so a customer's call goes out at most as often as the transport sends it. What the
//! runner does repeat is a call SendGrid refused with 429 past the transport's wait (API.md
//! §7: refused, so nothing was done), after the pause it shares with every worker of the job.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use sendgrid::Client;
use serde_json::json;
use sqlx::SqlitePool;
use tokio::task::JoinSet;

use super::gate::RateGate;
use super::store;
use crate::domain::audit::Outcome;
use crate::domain::bulk::JobStatus;
use crate::domain::plan::SchedulingMode;
use crate::domain::AuditAction;
use crate::domain::Permission;
use crate::services::audit::{append, NewEvent};
use crate::services::background::Background;
use crate::services::operators::{self, Standing};

pub struct BulkRunner {
    pub(super) pool: SqlitePool,
    background: Background,
    pub(super) client: Client,
    /// Who makes a plan change for the end of the cycle (`SCHEDULED_PLAN_CHANGES`).
    pub(super) scheduling: SchedulingMode,
    /// Jobs running in this process, with their cancel flag.
    running: Mutex<HashMap<i64, Arc<AtomicBool>>>,
    /// Set when the console stops: jobs end as interrupted rather than cancelled.
    stopping: AtomicBool,
    /// Signalled each time a job's run ends, for [`BulkRunner::shutdown`].
    ended: tokio::sync::Notify,
}

impl BulkRunner {
    pub fn new(
        pool: SqlitePool,
        client: Client,
        scheduling: SchedulingMode,
        background: Background,
    ) -> Arc<BulkRunner> {
        Arc::new(BulkRunner {
            pool,
            background,
            client,
            scheduling,
            running: Mutex::new(HashMap::new()),
            stopping: AtomicBool::new(false),
            ended: tokio::sync::Notify::new(),
        })
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<AtomicBool>>> {
        self.running.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn is_running(&self, job_id: i64) -> bool {
        self.running().contains_key(&job_id)
    }

    /// Starts the job's run in the background, unless it already runs here.
    pub fn spawn(self: &Arc<Self>, job_id: i64) {
        if self.stopping.load(Ordering::SeqCst) {
            return;
        }
        let cancel = Arc::new(AtomicBool::new(false));
        {
            let mut running = self.running();
            if running.contains_key(&job_id) {
                return;
            }
            running.insert(job_id, cancel.clone());
        }
        let runner = self.clone();
        self.background.spawn(async move {
            if let Err(error) = runner.run(job_id, cancel).await {
                tracing::error!(job = job_id, %error, "a bulk change stopped on a database error");
            }
            runner.running().remove(&job_id);
            runner.ended.notify_waiters();
        });
    }

    /// For a graceful stop: starts no customer any more, lets calls under way finish and be
    /// recorded, and leaves each job interrupted, to be resumed after the restart.
    pub async fn shutdown(&self) {
        self.stopping.store(true, Ordering::SeqCst);
        loop {
            let ended = self.ended.notified();
            {
                let running = self.running();
                if running.is_empty() {
                    return;
                }
                for flag in running.values() {
                    flag.store(true, Ordering::SeqCst);
                }
            }
            ended.await;
        }
    }

    /// Asks the job to start nothing new; answers whether it was running here.
    pub fn cancel(&self, job_id: i64) -> bool {
        match self.running().get(&job_id) {
            Some(flag) => {
                flag.store(true, Ordering::SeqCst);
                true
            }
            None => false,
        }
    }

    async fn run(
        self: &Arc<Self>,
        job_id: i64,
        cancel: Arc<AtomicBool>,
    ) -> Result<(), sqlx::Error> {
        let Some(job) = store::job(&self.pool, job_id).await? else {
            return Ok(());
        };
        let operation = match job.operation() {
            Ok(operation) => operation,
            Err(error) => {
                tracing::error!(job = job_id, %error, "a bulk job's operation cannot be read");
                let mut conn = self.pool.acquire().await?;
                store::set_status(&mut conn, job_id, JobStatus::Interrupted).await?;
                return Ok(());
            }
        };
        let job = Arc::new(job);
        let operation = Arc::new(operation);
        let gate = Arc::new(RateGate::default());
        let concurrency = job.concurrency.clamp(1, 16) as usize;
        let mut workers = JoinSet::new();
        let mut revoked = None;
        // The runner is its queue's one reader: it goes through the customers not started in
        // order, and each is marked running with its audit attempt.
        let mut position = 0;
        loop {
            while workers.len() >= concurrency {
                workers.join_next().await;
            }
            gate.wait().await;
            if cancel.load(Ordering::SeqCst) {
                break;
            }
            // Each customer's turn runs under the authority of whoever started the job: it
            // stops once they are disabled or no longer may change accounts.
            let standing =
                operators::standing(&self.pool, &job.created_by, Permission::ChangeAccounts)
                    .await?;
            if let Standing::Revoked(why) = standing {
                revoked = Some(why);
                break;
            }
            let Some(item) = store::next_pending(&self.pool, job_id, position).await? else {
                break;
            };
            position = item.position;
            let runner = self.clone();
            let (job, operation, gate) = (job.clone(), operation.clone(), gate.clone());
            let cancel = cancel.clone();
            workers.spawn(async move {
                runner
                    .run_item(&job, &operation, &gate, &cancel, item)
                    .await
            });
        }
        while workers.join_next().await.is_some() {}

        let status = if self.stopping.load(Ordering::SeqCst) {
            JobStatus::Interrupted
        } else if cancel.load(Ordering::SeqCst) || revoked.is_some() {
            JobStatus::Cancelled
        } else {
            JobStatus::Finished
        };
        let mut conn = self.pool.acquire().await?;
        store::set_status(&mut conn, job_id, status).await?;
        drop(conn);
        let counts = store::counts(&self.pool, job_id).await?;
        let mut event = NewEvent::event(
            if status == JobStatus::Cancelled {
                AuditAction::BulkCancelled
            } else {
                AuditAction::BulkFinish
            },
            Some(&job.created_by),
            if revoked.is_some() {
                Outcome::Refused
            } else {
                Outcome::Success
            },
            json!({
                "bulk_job": job_id,
                "operation": job.summary,
                "done": counts.done,
                "skipped": counts.skipped,
                "failed": counts.failed,
                "unknown": counts.unknown,
                "not_started": counts.pending,
            }),
        );
        if let Some(why) = &revoked {
            event.params["stopped_because"] = json!(why);
            tracing::warn!(job = job_id, reason = %why, "bulk change stopped");
        }
        append(&self.pool, event).await?;
        tracing::info!(
            job = job_id,
            status = status.as_str(),
            done = counts.done,
            failed = counts.failed,
            "bulk change ended"
        );
        Ok(())
    }
}
