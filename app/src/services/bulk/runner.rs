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

use sendgrid::{Client, LimitHolder};
use serde_json::json;
use sqlx::SqlitePool;
use tokio::task::JoinSet;

use super::gate::RateGate;
use super::plan::{plan, Call, Plan};
use super::plan_change::PlanCall;
use super::store::{self, ItemRow, JobRow};
use crate::domain::audit::Outcome;
use crate::domain::bulk::{BulkOperation, ItemStatus, JobStatus};
use crate::domain::plan::{PlanError, SchedulingMode};
use crate::domain::AuditAction;
use crate::domain::Permission;
use crate::services::audit::snapshot::{offerings_state, read_state, ActionFamily};
use crate::services::audit::{append, run_mutation, Mutation, MutationOutcome, NewEvent};
use crate::services::background::Background;
use crate::services::offerings::{wire_offerings, wire_state};
use crate::services::operators::{self, Standing};
use crate::services::plan::to_upstream;

/// Waits for a rate limit's reset before a customer is reported failed.
const RATE_LIMIT_WAITS: u32 = 10;

pub struct BulkRunner {
    pool: SqlitePool,
    background: Background,
    client: Client,
    /// Who makes a plan change for the end of the cycle (`SCHEDULED_PLAN_CHANGES`).
    scheduling: SchedulingMode,
    /// Jobs running in this process, with their cancel flag.
    running: Mutex<HashMap<i64, Arc<AtomicBool>>>,
    /// Set when the console stops: jobs end as interrupted rather than cancelled.
    stopping: AtomicBool,
    /// Signalled each time a job's run ends, for [`BulkRunner::shutdown`].
    ended: tokio::sync::Notify,
}

/// What a failed call means for the customer's turn.
#[derive(Clone, Copy)]
enum Failure {
    /// Refused with 429 even after the transport's own wait: pause the job, then send again.
    RateLimited(Option<chrono::DateTime<chrono::Utc>>),
    /// Anything else, the transport's retries already spent: the customer's turn ends.
    Final,
}

fn classify(error: &sendgrid::Error) -> Failure {
    match error {
        sendgrid::Error::RateLimited { reset_at, .. } => Failure::RateLimited(*reset_at),
        _ => Failure::Final,
    }
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
            let Some(item) = store::claim_next(&self.pool, job_id).await? else {
                break;
            };
            let runner = self.clone();
            let (job, operation, gate) = (job.clone(), operation.clone(), gate.clone());
            workers.spawn(async move { runner.run_item(&job, &operation, &gate, item).await });
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

    /// One customer's turn, to its end; a database error leaves it running (and so listed
    /// as interrupted after a restart) rather than guessed.
    async fn run_item(
        &self,
        job: &JobRow,
        operation: &BulkOperation,
        gate: &RateGate,
        mut item: ItemRow,
    ) {
        let mut rate_waits = 0;
        let finished = loop {
            gate.wait().await;
            let planned = plan(
                &self.client,
                operation,
                item.username.as_deref(),
                item.account_id.as_deref(),
                self.scheduling,
            )
            .await;
            let (before, after, before_state, call) = match planned {
                Ok(Plan::Send {
                    before,
                    after,
                    before_state,
                    call,
                }) => (before, after, before_state, call),
                Ok(Plan::NoChange(now)) => {
                    break (
                        ItemStatus::Skipped,
                        format!("Already as asked: {now}."),
                        None,
                    )
                }
                Ok(Plan::NotApplicable(why)) => {
                    break (ItemStatus::Skipped, format!("{why}."), None)
                }
                Err(error) => match classify(&error) {
                    Failure::RateLimited(reset) if rate_waits < RATE_LIMIT_WAITS => {
                        rate_waits += 1;
                        gate.pause(reset);
                        continue;
                    }
                    _ => {
                        break (
                            ItemStatus::Failed,
                            format!(
                                "Its current state could not be read, so nothing was sent: {error}"
                            ),
                            None,
                        )
                    }
                },
            };
            if let Call::Plan(plan) = &call {
                if plan.held() {
                    break self.hold(job, &item, plan, None).await;
                }
            }
            let mutation = Mutation {
                operator: job.created_by.clone(),
                customer: item.customer.clone(),
                action: operation.action(),
                params: call.params(job.id),
                idempotency_key: item.key(),
                before: Some(before_state),
                client_ip: None,
                approving: None,
                reverts: None,
            };
            let seen = Mutex::new(None);
            let unknown_call = AtomicBool::new(false);
            let answered = Mutex::new(None);
            let recorded = run_mutation(
                &self.pool,
                mutation,
                || async {
                    match self.send(&call).await {
                        Ok(answer) => {
                            *answered.lock().unwrap_or_else(|e| e.into_inner()) = answer;
                            Ok(())
                        }
                        Err(error) => {
                            *seen.lock().unwrap_or_else(|e| e.into_inner()) =
                                Some(classify(&error));
                            unknown_call.store(error.is_unknown_call(), Ordering::Relaxed);
                            Err(error)
                        }
                    }
                },
                || async {
                    // An offerings PUT answered the state after; others are read back.
                    let answer = answered.lock().unwrap_or_else(|e| e.into_inner()).take();
                    match answer {
                        Some(offerings) => Some(offerings_state(&offerings)),
                        None => {
                            read_state(&self.client, family(&call), target(&call), target(&call))
                                .await
                                .ok()
                        }
                    }
                },
            )
            .await;
            let recorded = match recorded {
                Ok(recorded) => recorded,
                Err(error) => break (ItemStatus::Failed, error.to_string(), None),
            };
            let attempt = Some(recorded.attempt_id);
            let failure = seen.into_inner().unwrap_or_else(|e| e.into_inner());
            match recorded.outcome {
                MutationOutcome::Success => {
                    break (ItemStatus::Done, format!("{before} → {after}"), attempt)
                }
                MutationOutcome::Unknown { message } => {
                    break (ItemStatus::Unknown, message, attempt)
                }
                MutationOutcome::Failure { message, .. } => {
                    // SendGrid answered that scheduled tasks do not exist (API.md §2.6): in
                    // `auto`, the console holds the change, as the Plan tab does.
                    if let Call::Plan(plan) = &call {
                        let later = plan.maker.is_some();
                        if later
                            && self.scheduling == SchedulingMode::Auto
                            && unknown_call.load(Ordering::Relaxed)
                        {
                            break self.hold(job, &item, plan, Some(message)).await;
                        }
                    }
                    let again = match failure {
                        Some(Failure::RateLimited(reset)) if rate_waits < RATE_LIMIT_WAITS => {
                            rate_waits += 1;
                            gate.pause(reset);
                            true
                        }
                        _ => false,
                    };
                    if !again {
                        break (ItemStatus::Failed, message, attempt);
                    }
                    match store::next_try(&self.pool, &item).await {
                        Ok(next) => item = next,
                        Err(error) => {
                            tracing::error!(job = job.id, position = item.position, %error, "could not start another try");
                            return;
                        }
                    }
                }
            }
        };
        let (status, message, attempt) = finished;
        if let Err(error) = store::finish_item(&self.pool, &item, status, &message, attempt).await {
            tracing::error!(job = job.id, position = item.position, %error, "could not record a customer's outcome");
        }
    }

    /// Holds a plan change for the end of the customer's cycle, as the Plan tab does; the item
    /// is done once the console holds it (`schedule.create` is its audit row). `refused` is
    /// SendGrid's answer when it refused the scheduled task first.
    async fn hold(
        &self,
        job: &JobRow,
        item: &ItemRow,
        plan: &PlanCall,
        refused: Option<String>,
    ) -> (ItemStatus, String, Option<i64>) {
        let why = match refused {
            Some(message) => format!(
                "SendGrid answered that scheduled changes do not exist ({message}), so the \
                 console holds this one:"
            ),
            None => "The console holds this change:".to_string(),
        };
        let held = crate::services::plan::hold(
            &self.pool,
            &job.created_by,
            &plan.user,
            &plan.form,
            &plan.valid,
            &plan.state,
            &item.key(),
            None,
            why,
        )
        .await;
        match held {
            Ok(done) => (ItemStatus::Done, done.summary, None),
            Err(PlanError::Invalid(errors)) => (
                ItemStatus::Skipped,
                errors
                    .into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join(" "),
                None,
            ),
            Err(error) => (ItemStatus::Failed, error.to_string(), None),
        }
    }

    /// Sends the change; an offerings PUT also answers the resulting offerings (API.md §5.7).
    async fn send(&self, call: &Call) -> Result<Option<Vec<sendgrid::Offering>>, sendgrid::Error> {
        match call {
            Call::Offerings { account_id, set } => self
                .client
                .update_account_offerings(account_id, &wire_offerings(&set.lines()))
                .await
                .map(Some),
            Call::State { account_id, state } => self
                .client
                .update_account_state(account_id, wire_state(*state))
                .await
                .map(|()| None),
            Call::Limit { user, change } => {
                // Bulk limits are the customers' own (API.md §3, "Related limit APIs").
                self.client
                    .change_limit(LimitHolder::Customer(user), change)
                    .await
                    .map(|()| None)
            }
            Call::Plan(plan) => self
                .client
                .change_plan(&to_upstream(&plan.user, &plan.valid))
                .await
                .map(|()| None),
        }
    }
}

fn family(call: &Call) -> ActionFamily {
    match call {
        Call::Offerings { .. } => ActionFamily::Offerings,
        Call::State { .. } => ActionFamily::State,
        Call::Limit { .. } => ActionFamily::Limits,
        Call::Plan(_) => ActionFamily::Plan,
    }
}

fn target(call: &Call) -> &str {
    match call {
        Call::Offerings { account_id, .. } | Call::State { account_id, .. } => account_id,
        Call::Limit { user, .. } => user,
        Call::Plan(plan) => &plan.user,
    }
}
