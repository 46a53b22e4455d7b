//! The background worker: wakes every `poll` (or at the next due time, if sooner), claims
//! each due job and runs it through the audit log as the operator who scheduled it.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::store;
use crate::domain::audit::Outcome;
use crate::domain::schedule::JobStatus;
use crate::domain::Permission;
use crate::services::audit::{self, NewEvent};
use crate::services::background::Background;
use crate::services::offerings::{self, JobRun};
use crate::services::operators::{self, Standing};
use crate::services::plan;

/// What time it is for the worker; tests move it forward instead of waiting.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

#[derive(Clone)]
pub struct Worker {
    pool: SqlitePool,
    client: sendgrid::Client,
    poll: Duration,
    clock: Clock,
    /// Whose stop ends the worker between jobs; a worker never spawned is never stopped.
    background: Background,
}

impl Worker {
    pub fn new(pool: SqlitePool, client: sendgrid::Client, poll: Duration) -> Worker {
        Worker {
            pool,
            client,
            poll: poll.max(Duration::from_millis(100)),
            clock: Arc::new(Utc::now),
            background: Background::default(),
        }
    }

    pub fn with_clock(mut self, clock: Clock) -> Worker {
        self.clock = clock;
        self
    }

    /// Runs until the console stops, on `background`: a stop lets the job under way finish
    /// and claims no other. Jobs a stopped console left running are queued again first:
    /// their idempotency key makes a second run answer from the audit log.
    pub fn spawn(mut self, background: &Background) {
        self.background = background.clone();
        background.spawn(async move {
            match store::requeue_interrupted(&self.pool).await {
                Ok(0) => {}
                Ok(n) => tracing::warn!(
                    jobs = n,
                    "re-queued scheduled changes interrupted by a stop"
                ),
                Err(error) => {
                    tracing::error!(%error, "could not re-queue interrupted scheduled changes")
                }
            }
            loop {
                self.run_due().await;
                let pause = self.pause().await;
                if !self.background.sleep(pause).await {
                    break;
                }
            }
        });
    }

    /// Runs every job due now, one after another; answers how many ran.
    pub async fn run_due(&self) -> usize {
        let mut ran = 0;
        loop {
            if self.background.is_stopping() {
                return ran;
            }
            let job = match store::claim_due(&self.pool, (self.clock)()).await {
                Ok(Some(job)) => job,
                Ok(None) => return ran,
                Err(error) => {
                    tracing::error!(%error, "could not read the scheduled changes");
                    return ran;
                }
            };
            let run = match self.standing_of(&job).await {
                Some(why) => refused(&self.pool, &job, &why).await,
                // Plan changes the console holds because SendGrid no longer schedules them.
                None if job.is_plan_change() => plan::run_job(&self.pool, &self.client, &job).await,
                None => offerings::run_job(&self.pool, &self.client, &job).await,
            };
            tracing::info!(job = job.id, action = %job.action, status = run.status.as_str(), "scheduled change ran");
            if let Err(error) =
                store::finish(&self.pool, job.id, run.status, &run.result, run.attempt_id).await
            {
                tracing::error!(job = job.id, %error, "could not record how a scheduled change ended");
            }
            ran += 1;
        }
    }

    /// Why the job's operator may no longer run it, if so. An unreadable operator table stops
    /// the job too: authority that cannot be checked is not assumed.
    async fn standing_of(&self, job: &store::JobRow) -> Option<String> {
        match operators::standing(&self.pool, &job.created_by, Permission::ChangeAccounts).await {
            Ok(Standing::Allowed) => None,
            Ok(Standing::Revoked(why)) => Some(why),
            Err(error) => Some(format!("the operator could not be checked ({error})")),
        }
    }

    /// Until the next due job or the next poll, whichever is sooner.
    async fn pause(&self) -> Duration {
        let next = store::next_due(&self.pool).await.ok().flatten();
        let until_next = next
            .map(|at| (at - (self.clock)()).to_std().unwrap_or(Duration::ZERO))
            .unwrap_or(self.poll);
        until_next.clamp(Duration::from_millis(100), self.poll)
    }
}

/// A due job its operator may no longer run: nothing is sent, and the refusal is recorded.
async fn refused(pool: &SqlitePool, job: &store::JobRow, why: &str) -> JobRun {
    // Jobs are written by the console with its own actions; one it cannot name is recorded
    // nowhere but the job itself.
    let attempt_id = match job.audit_action() {
        Some(action) => {
            let mut event = NewEvent::event(
                action,
                Some(&job.created_by),
                Outcome::Refused,
                serde_json::json!({"scheduled_job": job.id, "reason": why}),
            );
            event.customer = Some(job.customer.clone());
            audit::append(pool, event).await.ok()
        }
        None => None,
    };
    tracing::warn!(job = job.id, reason = why, "scheduled change not run");
    JobRun {
        status: JobStatus::Failed,
        result: format!("Not run: {why}. Nothing was sent."),
        attempt_id,
    }
}
