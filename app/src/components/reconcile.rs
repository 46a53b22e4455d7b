use leptos::form::ActionForm;
use leptos::prelude::*;

use super::field_diff::{FieldDiff, StateList};
use crate::api::audit::ReconcileAttempt;
use crate::domain::audit::ReconcileReport;

/// "Reconcile": reads the customer's state at SendGrid and records it against the change.
/// A plain form POST without JavaScript.
#[component]
pub fn ReconcileButton(
    action: ServerAction<ReconcileAttempt>,
    attempt_id: i64,
    key: String,
) -> impl IntoView {
    let pending = action.pending();
    view! {
        <ActionForm action attr:class="inline-form">
            <input type="hidden" name="attempt_id" value=attempt_id.to_string() />
            <input type="hidden" name="idempotency_key" value=key />
            <button
                type="submit"
                class="button button-secondary"
                aria-label=format!("Reconcile change {attempt_id}")
                disabled=move || pending.get()
            >
                "Reconcile"
            </button>
        </ActionForm>
    }
}

/// What the last reconcile found, or why it failed.
#[component]
pub fn ReconcileResult(action: ServerAction<ReconcileAttempt>) -> impl IntoView {
    move || {
        action.value().get().map(|result| match result {
            Ok(report) => view! { <ReconcileFound report /> }.into_any(),
            Err(error) => {
                view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }
                    .into_any()
            }
        })
    }
}

#[component]
fn ReconcileFound(report: ReconcileReport) -> impl IntoView {
    let ReconcileReport {
        attempt_id,
        reconcile_id,
        customer,
        action,
        found,
        changes,
    } = report;
    let compared = if changes.is_empty() {
        view! {
            <p>"Nothing differs from the state read before the change: it was most likely not applied."</p>
        }
        .into_any()
    } else {
        view! {
            <p>"Compared with the state read before the change:"</p>
            <FieldDiff changes />
        }
        .into_any()
    };
    view! {
        <div class="notice notice-ok reconcile-found" role="status">
            <p>
                <strong>{format!("Change {attempt_id} reconciled")}</strong>
                {format!(
                    " ({action} for {}). SendGrid now shows:",
                    customer.unwrap_or_else(|| "an unnamed customer".to_string())
                )}
            </p>
            <StateList fields=found />
            {compared}
            <p class="hint">{format!("Recorded as audit event {reconcile_id}.")}</p>
        </div>
    }
}
