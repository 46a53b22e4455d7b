//! How a submitted change ended, as the audit log recorded it under the form's key.

use leptos::prelude::*;

use super::{edit_href, plan_href};
use crate::domain::directory::encode_component;
use crate::domain::plan::{PlanDone, PlanError, PlanForm};

#[component]
pub fn Outcome(
    result: Result<PlanDone, PlanError>,
    page_key: String,
    form: PlanForm,
) -> impl IntoView {
    let again = plan_href(&page_key);
    match result {
        Ok(done) => view! {
            <div class="notice notice-ok" role="status" data-testid="plan-outcome">
                <p>{done.summary}</p>
                <p class="hint">{match (done.attempt_id, done.job_id) {
                    (_, Some(job)) => format!("Held by the console as scheduled change #{job}; it is listed under Scheduled changes until it is made."),
                    (Some(attempt), None) => format!("Recorded in the audit log as change #{attempt}."),
                    (None, None) => "Recorded in the audit log.".to_string(),
                }}</p>
                <p><a href=again>"Make another change"</a></p>
            </div>
        }
        .into_any(),
        Err(error @ PlanError::Unknown { .. }) => {
            let history = format!("/customers/{}/history", encode_component(&page_key));
            view! {
                <div class="notice notice-warn" role="alert" data-testid="plan-outcome">
                    <p>{error.to_string()}</p>
                    <p><a href=history>"Reconcile in History"</a></p>
                </div>
            }
            .into_any()
        }
        Err(error) => {
            let field = match &error {
                PlanError::Failed { field: Some(field), .. } => Some(format!("About the field “{}”.", field.as_str().replace('_', " "))),
                _ => None,
            };
            view! {
                <div class="notice notice-error" role="alert" data-testid="plan-outcome">
                    <p>{error.to_string()}</p>
                    {field.map(|text| view! { <p>{text}</p> })}
                    <p><a href=edit_href(&page_key, &form)>"Edit the change"</a></p>
                </div>
            }
            .into_any()
        }
    }
}
