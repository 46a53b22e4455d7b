//! One customer's turn in a bulk job: read its state, send the change through the audit log,
//! and record how the turn ended.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use sendgrid::LimitHolder;

use super::gate::RateGate;
use super::plan::{plan, Call, Plan};
use super::plan_change::PlanCall;
use super::runner::BulkRunner;
use super::store::{self, ItemRow, JobRow};
use crate::domain::bulk::{BulkOperation, ItemStatus};
use crate::domain::plan::{PlanError, SchedulingMode};
use crate::services::audit::snapshot::{offerings_state, read_state, ActionFamily};
use crate::services::audit::{
    row_write, run_mutation_alongside, Alongside, Mutation, MutationOutcome,
};
use crate::services::offerings::{wire_offerings, wire_state};
use crate::services::plan::to_upstream;

/// Waits for a rate limit's reset before a customer is reported failed.
const RATE_LIMIT_WAITS: u32 = 10;

/// How a customer's turn ended.
struct Ending {
    status: ItemStatus,
    message: String,
    attempt: Option<i64>,
}

impl Ending {
    fn without_call(status: ItemStatus, message: String) -> Ending {
        Ending {
            status,
            message,
            attempt: None,
        }
    }
}

/// What follows a customer's recorded outcome.
enum Next<'a> {
    /// The turn ends so.
    End(ItemStatus, String),
    /// SendGrid answered that scheduled tasks do not exist (API.md §2.6): in `auto`, the
    /// console holds the plan change, as the Plan tab does. Carries SendGrid's answer.
    Hold(&'a PlanCall, String),
    /// Refused with 429: pause the job, then send again under a new try.
    Again(Option<chrono::DateTime<chrono::Utc>>),
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
    /// One customer's turn, to its end; a database error leaves it running (and so listed
    /// as interrupted after a restart) rather than guessed.
    ///
    /// A change sent costs two durable commits: the customer is marked running with its audit
    /// attempt and, when the outcome settles its turn, finished with the result.
    pub(super) async fn run_item(
        &self,
        job: &JobRow,
        operation: &BulkOperation,
        gate: &RateGate,
        cancel: &AtomicBool,
        mut item: ItemRow,
    ) {
        let mut rate_waits = 0;
        let ending = loop {
            gate.wait().await;
            let planned = plan(
                &self.client,
                operation,
                item.username.as_deref(),
                item.account_id.as_deref(),
                self.scheduling,
            )
            .await;
            // Cancelled (or the console stopping) while the state was read: nothing was sent,
            // so the customer stays not started, as the job's page shows it.
            if cancel.load(Ordering::SeqCst) {
                return;
            }
            let (before, after, before_state, call) = match planned {
                Ok(Plan::Send {
                    before,
                    after,
                    before_state,
                    call,
                }) => (before, after, before_state, call),
                Ok(Plan::NoChange(now)) => {
                    break Ending::without_call(
                        ItemStatus::Skipped,
                        format!("Already as asked: {now}."),
                    )
                }
                Ok(Plan::NotApplicable(why)) => {
                    break Ending::without_call(ItemStatus::Skipped, format!("{why}."))
                }
                Err(error) => match classify(&error) {
                    Failure::RateLimited(reset) if rate_waits < RATE_LIMIT_WAITS => {
                        rate_waits += 1;
                        gate.pause(reset);
                        continue;
                    }
                    _ => {
                        break Ending::without_call(
                            ItemStatus::Failed,
                            format!(
                                "Its current state could not be read, so nothing was sent: {error}"
                            ),
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
            let done = format!("{before} → {after}");
            let seen = Mutex::new(None);
            let unknown_call = AtomicBool::new(false);
            let answered = Mutex::new(None);
            let (job_id, position) = (item.job_id, item.position);
            let next_of = |outcome: &MutationOutcome| {
                let failure = *seen.lock().unwrap_or_else(|e| e.into_inner());
                let unknown = unknown_call.load(Ordering::Relaxed);
                self.next(&call, outcome, failure, unknown, rate_waits, &done)
            };
            let alongside = Alongside {
                attempt: Some(row_write(move |conn, _| {
                    Box::pin(store::mark_running(conn, job_id, position))
                })),
                result: Some(Box::new(|outcome: &MutationOutcome| {
                    let Next::End(status, message) = next_of(outcome) else {
                        return None;
                    };
                    Some(row_write(move |conn, attempt_id| {
                        let message = message.clone();
                        Box::pin(async move {
                            store::finish_in(
                                conn,
                                job_id,
                                position,
                                status,
                                &message,
                                Some(attempt_id),
                            )
                            .await
                        })
                    }))
                })),
            };
            let recorded = run_mutation_alongside(
                &self.pool,
                mutation,
                alongside,
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
                Err(error) => break Ending::without_call(ItemStatus::Failed, error.to_string()),
            };
            if recorded.settled_alongside {
                // Its end was written with the result.
                return;
            }
            match next_of(&recorded.outcome) {
                Next::End(status, message) => {
                    break Ending {
                        status,
                        message,
                        attempt: Some(recorded.attempt_id),
                    }
                }
                Next::Hold(plan, refused) => {
                    break self.hold(job, &item, plan, Some(refused)).await
                }
                Next::Again(reset) => {
                    rate_waits += 1;
                    gate.pause(reset);
                }
            }
            match store::next_try(&self.pool, &item).await {
                Ok(next) => item = next,
                Err(error) => {
                    tracing::error!(job = job.id, position = item.position, %error, "could not start another try");
                    return;
                }
            }
        };
        let finished = store::finish_item(
            &self.pool,
            &item,
            ending.status,
            &ending.message,
            ending.attempt,
        )
        .await;
        if let Err(error) = finished {
            tracing::error!(job = job.id, position = item.position, %error, "could not record a customer's outcome");
        }
    }

    /// What follows a recorded outcome. `failure` and `unknown_call` are what the call's
    /// error said; `done` the message of a success.
    fn next<'c>(
        &self,
        call: &'c Call,
        outcome: &MutationOutcome,
        failure: Option<Failure>,
        unknown_call: bool,
        rate_waits: u32,
        done: &str,
    ) -> Next<'c> {
        match outcome {
            MutationOutcome::Success => Next::End(ItemStatus::Done, done.to_string()),
            MutationOutcome::Unknown { message } => Next::End(ItemStatus::Unknown, message.clone()),
            MutationOutcome::Failure { message, .. } => {
                if let Call::Plan(plan) = call {
                    let later = plan.maker.is_some();
                    if later && self.scheduling == SchedulingMode::Auto && unknown_call {
                        return Next::Hold(plan, message.clone());
                    }
                }
                match failure {
                    Some(Failure::RateLimited(reset)) if rate_waits < RATE_LIMIT_WAITS => {
                        Next::Again(reset)
                    }
                    _ => Next::End(ItemStatus::Failed, message.clone()),
                }
            }
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
    ) -> Ending {
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
            Ok(done) => Ending::without_call(ItemStatus::Done, done.summary),
            Err(PlanError::Invalid(errors)) => Ending::without_call(
                ItemStatus::Skipped,
                errors
                    .into_iter()
                    .map(|e| e.message)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            Err(error) => Ending::without_call(ItemStatus::Failed, error.to_string()),
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
