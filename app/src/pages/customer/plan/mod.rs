//! The Plan tab: the customer's plan as SendGrid reports it, a scheduled change with its
//! cancel button, and one form for upgrade / downgrade / close, now or at the cycle's end,
//! with a review step before anything is sent.
//!
//! Without JavaScript the steps are URLs: the form is a GET to `?review=1&...&key=`, the review
//! page posts to `change_plan`, and the redirect back shows the outcome the audit log recorded
//! under the form's key.

mod facts;
mod form;
mod pending;
mod review;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::CustomerContext;
use crate::api::offerings::CancelScheduledChange;
use crate::api::plan::{get_plan, CancelPendingChange, ChangePlan, PlanView};
use crate::domain::change::{ChangeDone, ChangeError};
use crate::domain::encode_component;
use crate::domain::plan::{check, PlanError, PlanForm};

use super::held_jobs::ScheduledChanges;
use super::outcome::{history_href, ChangeOutcome, Ended};
use facts::PlanFacts;

/// Free IP addresses listed one by one on the tab and as checkboxes on the form; a reseller
/// with more (SendGrid lists every free IP of the account, API.md §4.6) types the others.
/// Thousands of checkboxes made a page of megabytes that no one could scan.
const IPS_LISTED: usize = 48;
use form::ChangeForm;
use pending::PendingSection;
use review::ReviewStep;

#[component]
pub fn PlanTab() -> impl IntoView {
    let context = CustomerContext::get();
    let query = use_query_map();
    // Created here, above the data they change, so their results survive the reload below.
    let change = ServerAction::<ChangePlan>::new();
    let cancel = ServerAction::<CancelPendingChange>::new();
    let cancel_held = ServerAction::<CancelScheduledChange>::new();
    let recorded = |result: Option<Result<ChangeDone, PlanError>>| match result {
        Some(Ok(_)) => true,
        Some(Err(error)) => error.reached_upstream(),
        None => false,
    };
    // Anything SendGrid was asked to do (whatever it answered) may have changed the plan.
    Effect::new(move |_| {
        if change.version().get() > 0 && recorded(change.value().get_untracked()) {
            context.bump();
        }
    });
    Effect::new(move |_| {
        if cancel.version().get() > 0 && recorded(cancel.value().get_untracked()) {
            context.bump();
        }
    });
    Effect::new(move |_| {
        if cancel_held.version().get() > 0 {
            context.bump();
        }
    });
    // A new step or a new form: the last submission's refusal no longer applies.
    Effect::new(move |previous: Option<()>| {
        query.track();
        if previous.is_some() {
            change.value().set(None);
            cancel.value().set(None);
        }
    });
    let plan = context.tab_data("plan", move || {
        Resource::new_blocking(context.tab_source("plan"), |source| async move {
            match source {
                Some((user, key, _)) => Some(get_plan(user, key).await),
                None => None,
            }
        })
    });

    let panel = |body: AnyView| {
        view! {
            <section class="tab-panel" aria-labelledby="plan-title">
                <h2 id="plan-title" class="visually-hidden">"Plan"</h2>
                {body}
            </section>
        }
        .into_any()
    };
    view! {
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading the plan from SendGrid…"</p> }>
            {move || plan.get().flatten().map(|loaded| match loaded {
                Ok(view) => panel(view! { <PlanBody view change cancel cancel_held /> }.into_any()),
                Err(ChangeError::Unsupported(message)) => panel(view! {
                    <p class="empty-inline">{message}</p>
                }.into_any()),
                // The header already says the customer does not exist.
                Err(ChangeError::NotFound(_)) => ().into_any(),
                Err(error) => panel(view! {
                    <div class="notice notice-error" role="alert">
                        <p>{error.to_string()}</p>
                        <p><a href=plan_href(&context.key.get())>"Try again"</a></p>
                    </div>
                }.into_any()),
            })}
        </Transition>
    }
}

/// `/customers/<key>/plan`.
pub fn plan_href(key: &str) -> String {
    format!("/customers/{}/plan", encode_component(key))
}

/// The plan tab with the form's fields in the query, for "Edit the change".
pub fn edit_href(key: &str, form: &PlanForm) -> String {
    let query = form
        .query_pairs()
        .iter()
        .map(|(name, value)| format!("{}={}", encode_component(name), encode_component(value)))
        .collect::<Vec<_>>()
        .join("&");
    if query.is_empty() {
        plan_href(key)
    } else {
        format!("{}?{query}", plan_href(key))
    }
}

/// How the change submitted with `form` ended, with the next step.
fn outcome(result: Result<ChangeDone, PlanError>, page_key: &str, form: &PlanForm) -> AnyView {
    view! {
        <ChangeOutcome ended=Ended::of(result) again=plan_href(page_key)
            edit=edit_href(page_key, form) history=history_href(page_key) test_id="plan-outcome" />
    }
    .into_any()
}

#[component]
fn PlanBody(
    view: PlanView,
    change: ServerAction<ChangePlan>,
    cancel: ServerAction<CancelPendingChange>,
    cancel_held: ServerAction<CancelScheduledChange>,
) -> impl IntoView {
    let query = use_query_map();
    let context = CustomerContext::get();
    let stored = StoredValue::new(view.clone());
    let change_section = move || {
        let view = stored.get_value();
        let (reviewing, form, key) = query.with(|q| {
            let text = |name: &str| q.get(name).unwrap_or_default();
            // `ip[]=…` repeated, as the form sends it; a plain `ip=…` is one more.
            let list = |name: &str| {
                [format!("{name}[]"), name.to_string()]
                    .iter()
                    .flat_map(|key| q.get_all(key).unwrap_or_default())
                    .collect::<Vec<_>>()
            };
            let form = PlanForm {
                action: text("action"),
                timing: text("timing"),
                package: text("package"),
                ip: list("ip"),
                ip_group: list("ip_group"),
            };
            (text("review") == "1", form, text("key"))
        });
        let page_key = context.key.get();
        if !view.can_change {
            return view! {
                <p class="empty-inline">"Your role can read this plan but not change it."</p>
            }
            .into_any();
        }
        // What the log recorded for this form wins: a success is shown as done; a refusal is
        // shown on the review it answered, next to its field, while that review still applies.
        let recorded = match view.earlier.clone() {
            Some(Ok(done)) => return outcome(Ok(done), &page_key, &form),
            Some(Err(error)) if !reviewing => return outcome(Err(error), &page_key, &form),
            Some(Err(error)) => Some(error),
            None => None,
        };
        if reviewing {
            let key = if key.trim().is_empty() {
                view.change_key.clone()
            } else {
                key
            };
            return match (check(&form, &view.state), recorded) {
                (Ok(valid), recorded) => {
                    view! { <ReviewStep view valid form key change recorded page_key /> }.into_any()
                }
                (Err(_), Some(error)) => outcome(Err(error), &page_key, &form),
                (Err(errors), None) => {
                    view! { <ChangeForm view initial=form errors page_key /> }.into_any()
                }
            };
        }
        view! { <ChangeForm view initial=form errors=Vec::new() page_key /> }.into_any()
    };

    view! {
        {view.note.clone().map(|note| view! { <p class="notice notice-warn" role="status">{note}</p> })}
        <PlanFacts view=view.clone() />
        <PendingSection view=view.clone() cancel />
        {(!view.held.is_empty()).then(|| view! {
            <ScheduledChanges key=context.key.get_untracked() jobs=view.held.clone() can_change=view.can_change cancel=cancel_held />
        })}
        <section class="card plan-change" aria-labelledby="change-title">
            <h2 id="change-title">"Change the plan"</h2>
            {change_section}
        </section>
    }
}
