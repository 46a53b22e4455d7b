//! The Limits tab: whose limit (the customer or a subuser), that limit in words, and one form
//! for the five change tasks with a review step before anything is sent (API.md §3).
//!
//! Without JavaScript the steps are URLs, as on the Plan tab: `?target=` picks whose limit,
//! the form is a GET to `?review=1&...&key=`, the review posts to `set_credit_limit`, and the
//! redirect back shows the outcome the audit log recorded under the form's key.

mod form;
mod picker;
mod review;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::outcome::{history_href, tab_href, ChangeOutcome, Ended};
use super::CustomerContext;
use crate::api::limits::{get_limits, LimitsView, SetCreditLimit};
use crate::domain::change::ChangeError;
use crate::domain::directory::Linkage;
use crate::domain::limits::{check, describe_limit, LimitForm, LIMIT_FIGURES};

use form::ChangeLimitForm;
use picker::TargetPicker;
use review::LimitReview;

/// Whether the loaded customer exists only in v3, where limits do not exist.
fn v3_only(context: CustomerContext) -> bool {
    context
        .summary
        .get()
        .and_then(Result::ok)
        .flatten()
        .is_some_and(|summary| summary.customer.linkage == Linkage::V3Only)
}

#[component]
pub fn LimitsTab() -> impl IntoView {
    let context = CustomerContext::get();
    let query = use_query_map();
    // Created above the data it changes, so its result survives the reload below.
    let change = ServerAction::<SetCreditLimit>::new();
    // Anything SendGrid was asked to do (whatever it answered) may have changed the limit.
    Effect::new(move |_| {
        let asked = change
            .value()
            .get_untracked()
            .is_some_and(|result| match result {
                Ok(_) => true,
                Err(error) => error.reached_upstream(),
            });
        if change.version().get() > 0 && asked {
            context.bump();
        }
    });
    // A new step or a new target: the last submission's refusal no longer applies.
    Effect::new(move |previous: Option<()>| {
        query.track();
        if previous.is_some() {
            change.value().set(None);
        }
    });
    let limits = context.tab_data("limits", move || {
        let showing = CustomerContext::showing("limits");
        let query = use_query_map();
        let text = move |name: &'static str| {
            Memo::new(move |_| query.read().get(name).filter(|t| !t.trim().is_empty()))
        };
        let (target, key) = (text("target"), text("key"));
        Resource::new_blocking(
            move || {
                showing().then(|| {
                    (
                        context.key.get(),
                        target.get(),
                        key.get(),
                        context.changed.get(),
                    )
                })
            },
            |source| async move {
                match source {
                    Some((user, target, key, _)) => Some(get_limits(user, target, key).await),
                    None => None,
                }
            },
        )
    });

    view! {
        <section class="tab-panel" aria-labelledby="limits-title">
            <h2 id="limits-title">"Limits"</h2>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading the limit from SendGrid…"</p> }>
                {move || limits.get().flatten().map(|loaded| match loaded {
                    _ if v3_only(context) => view! {
                        <p class="empty-inline">
                            "Credit limits are set with SendGrid's v2 reseller API, which names customers \
                             and their subusers by username. This account exists only in v3 and has no \
                             username, so it has no limits to show."
                        </p>
                    }.into_any(),
                    Ok(view) => view! { <LimitsBody view change /> }.into_any(),
                    Err(ChangeError::NotFound(message) | ChangeError::Unsupported(message)) => view! {
                        <p class="empty-inline">{message}</p>
                    }.into_any(),
                    Err(error) => view! {
                        <div class="notice notice-error" role="alert">
                            <p>{error.to_string()}</p>
                            <p><a href=tab_href(&context.key.get(), "limits", &[])>"Try again"</a></p>
                        </div>
                    }.into_any(),
                })}
            </Transition>
        </section>
    }
}

/// The form's fields from the query string.
fn form_from_query(query: &leptos_router::params::ParamsMap) -> LimitForm {
    let text = |name: &str| query.get(name).unwrap_or_default();
    LimitForm {
        task: text("task"),
        credits: text("credits"),
        period: text("period"),
        start_date: text("start_date"),
        end_date: text("end_date"),
        initial_credits: text("initial_credits"),
    }
}

/// `target` plus the form's fields, for "Edit the change".
fn form_pairs(target: &str, form: &LimitForm) -> Vec<(String, String)> {
    let mut pairs = vec![("target".to_string(), target.to_string())];
    pairs.extend(
        form.query_pairs()
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    pairs
}

#[component]
fn LimitsBody(view: LimitsView, change: ServerAction<SetCreditLimit>) -> impl IntoView {
    let query = use_query_map();
    let context = CustomerContext::get();
    let stored = StoredValue::new(view.clone());
    let current = view.limit_known.then(|| {
        let limit = view.limit.clone();
        let has_limit = limit.is_some();
        let rule = limit.as_ref().and(view.rule.clone());
        view! {
            <section class="card limit-now" aria-labelledby="limit-now-title">
                <h3 id="limit-now-title">{format!("Limit of {}", view.target)}</h3>
                <p class="limit-words" data-testid="limit-words">{describe_limit(limit.as_ref())}</p>
                {rule.map(|rule| view! { <p class="hint" data-testid="limit-rule">{rule.describe()}</p> })}
                {has_limit.then(|| view! { <p class="hint">{LIMIT_FIGURES}</p> })}
            </section>
        }
    });
    let change_section = move || {
        let view = stored.get_value();
        let page_key = context.key.get();
        let (reviewing, form, key) = query.with(|q| {
            (
                q.get("review").as_deref() == Some("1"),
                form_from_query(q),
                q.get("key").unwrap_or_default(),
            )
        });
        if !view.limit_known {
            return ().into_any();
        }
        if !view.can_change {
            return view! {
                <p class="empty-inline">"Your role can read limits but not change them."</p>
            }
            .into_any();
        }
        if let Some(earlier) = view.earlier.clone() {
            let again = tab_href(
                &page_key,
                "limits",
                &[("target".into(), view.target.clone())],
            );
            let edit = tab_href(&page_key, "limits", &form_pairs(&view.target, &form));
            return view! {
                <ChangeOutcome ended=Ended::of(earlier) again edit history=history_href(&page_key)
                    test_id="limit-outcome" />
            }
            .into_any();
        }
        if reviewing {
            match check(&form, view.today) {
                Ok(valid) => {
                    let key = if key.trim().is_empty() {
                        view.change_key.clone()
                    } else {
                        key
                    };
                    return view! { <LimitReview view valid form key change page_key /> }
                        .into_any();
                }
                Err(errors) => {
                    return view! { <ChangeLimitForm view initial=form errors page_key /> }
                        .into_any()
                }
            }
        }
        view! { <ChangeLimitForm view initial=form errors=Vec::new() page_key /> }.into_any()
    };

    view! {
        {view.note.clone().map(|note| view! { <p class="notice notice-warn" role="status">{note}</p> })}
        <TargetPicker view=view.clone() />
        {current}
        {view.limit_known.then(move || view! {
            <section class="card limit-change" aria-labelledby="limit-change-title">
                <h3 id="limit-change-title">"Change the limit"</h3>
                {change_section}
            </section>
        })}
    }
}
