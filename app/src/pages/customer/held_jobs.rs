//! Changes held by the console for later (offerings and state, which SendGrid cannot
//! schedule, and plan changes once SendGrid no longer does), with their outcome once run, and
//! "Cancel scheduled change" while one is pending (an audit event).

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::offerings::CancelScheduledChange;
use crate::components::{ConfirmFirst, LocalTime};
use crate::domain::schedule::{JobStatus, ScheduledJob};

#[component]
pub fn ScheduledChanges(
    /// The customer page's key.
    key: String,
    jobs: Vec<ScheduledJob>,
    can_change: bool,
    cancel: ServerAction<CancelScheduledChange>,
) -> impl IntoView {
    let pending = cancel.pending();
    let result = move || {
        cancel.value().get().map(|result| match result {
            Ok(done) => {
                view! { <p class="notice notice-ok" role="status">{done.summary}</p> }.into_any()
            }
            Err(error) => {
                view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }
                    .into_any()
            }
        })
    };
    let items = jobs
        .iter()
        .map(|job| {
            let summary_id = format!("job-{}-summary", job.id);
            let can_cancel = can_change && job.status == JobStatus::Pending;
            let (user, job_id) = (key.clone(), job.id.to_string());
            view! {
                <li class="scheduled-job" data-testid="scheduled-job">
                    <p>
                        <span class=job.status.badge_class()>{job.status.label()}</span>
                        " "
                        <span id=summary_id.clone()>{job.summary.clone()}</span>
                    </p>
                    <p class="hint">
                        "Due " <LocalTime utc=job.due_at.clone() />
                        {format!(" · scheduled by {} · change #{}", job.created_by, job.id)}
                    </p>
                    {job.result.clone().map(|text| view! { <p class="hint">{text}</p> })}
                    {can_cancel.then(|| view! {
                        <ConfirmFirst opener="Cancel scheduled change…".to_string()
                            message=format!("Cancel this change: {}? It will not be made; it can be chosen again here.", job.summary.trim_end_matches('.'))>
                            <ActionForm action=cancel attr:class="inline-form">
                                <input type="hidden" name="user" value=user.clone() />
                                <input type="hidden" name="job_id" value=job_id.clone() />
                                <button type="submit" class="button button-danger" aria-describedby=summary_id.clone()
                                    disabled=move || pending.get()>
                                    "Yes, cancel it"
                                </button>
                            </ActionForm>
                        </ConfirmFirst>
                    })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card scheduled" aria-labelledby="scheduled-title">
            <h3 id="scheduled-title">"Scheduled changes"</h3>
            {result}
            {if jobs.is_empty() {
                view! { <p class="pending-none">"No change is held for later."</p> }.into_any()
            } else {
                view! { <ul class="scheduled-list">{items}</ul> }.into_any()
            }}
        </section>
    }
}
