//! A scheduled change (`reseller.pending`, API.md §2.6) and its cancel button.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::plan::{CancelPendingChange, PlanView};
use crate::components::ConfirmFirst;

#[component]
pub fn PendingSection(view: PlanView, cancel: ServerAction<CancelPendingChange>) -> impl IntoView {
    let pending_flag = cancel.pending();
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
    let Some(pending) = view.state.pending.clone() else {
        return view! {
            {result}
            <p class="pending-none">"No change is scheduled."</p>
        }
        .into_any();
    };
    let placement = match (pending.ips.is_empty(), pending.ip_groups.is_empty()) {
        (false, _) => Some(format!("IP {}", pending.ips.join(", "))),
        (true, false) => Some(format!("IP group {}", pending.ip_groups.join(", "))),
        (true, true) => None,
    };
    view! {
        <section class="card pending" aria-labelledby="pending-title">
            <h2 id="pending-title">"Scheduled change"</h2>
            {result}
            <dl class="facts">
                <div><dt>"Change"</dt><dd>{pending.kind.clone()}</dd></div>
                <div><dt>"From"</dt><dd>{pending.current.clone()}</dd></div>
                <div><dt>"To"</dt><dd>{if pending.update.is_empty() { "—".to_string() } else { pending.update.clone() }}</dd></div>
                <div><dt>"Applies on"</dt><dd>{pending.date.map(|d| d.to_string()).unwrap_or_else(|| "the end of the billing cycle".to_string())}</dd></div>
                {placement.map(|text| view! { <div><dt>"Placement"</dt><dd>{text}</dd></div> })}
            </dl>
            {view.can_change.then(|| view! {
                // API.md §2.6: the scheduled tasks are documented as removed in 2017.
                <ConfirmFirst opener="Cancel pending change…".to_string()
                    message=format!("Cancel the scheduled change of {}? SendGrid documents its scheduled changes as removed since 2017, so it may not take this change again once it is cancelled.", view.state.username)>
                    <ActionForm action=cancel attr:class="inline-form">
                        <input type="hidden" name="user" value=view.state.username.clone() />
                        <input type="hidden" name="idempotency_key" value=view.cancel_key.clone() />
                        <button type="submit" class="button button-danger" disabled=move || pending_flag.get()>
                            "Yes, cancel it"
                        </button>
                    </ActionForm>
                </ConfirmFirst>
            })}
        </section>
    }
    .into_any()
}
