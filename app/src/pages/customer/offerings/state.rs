//! Account state (API.md §5.8, §5.9): the state with what it means, the docs' table of all of
//! them, and activate / deactivate with a confirmation step (`?state=…&key=…`) that posts to
//! `change_account_state`, now or at the end of the billing cycle.

use super::super::revert::{RevertField, RevertNotice};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::components::Form;

use super::super::outcome::{history_href, tab_href, ChangeOutcome, Ended, ReviewNotice};
use super::timing::TimingFields;
use crate::api::offerings::{ChangeAccountState, OfferingsView};
use crate::components::ConfirmActions;
use crate::domain::offerings::{AccountStateName, OfferingField, WritableState, STATE_TABLE};
use crate::domain::schedule::ChangeTiming;
use crate::domain::state_tone;

fn cell(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "Yes",
        Some(false) => "No",
        None => "Ask SendGrid support",
    }
}

#[component]
fn StateTable(current: Option<AccountStateName>) -> impl IntoView {
    let rows = STATE_TABLE
        .iter()
        .map(|row| {
            let here = Some(row.state) == current;
            view! {
                <tr class:is-current=here aria-current=here.then_some("true")>
                    <th scope="row">{row.state.as_str()}</th>
                    <td>{cell(row.can_log_in)}</td>
                    <td>{cell(row.can_send)}</td>
                    <td>{cell(row.subusers_removed)}</td>
                    <td>{cell(row.ips_removed)}</td>
                    <td>{cell(row.keys_deactivated)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="state-meanings">
            <summary>"What each state means"</summary>
            <div class="table-wrap">
                <table class="state-table">
                    <thead>
                        <tr>
                            <th scope="col">"State"</th><th scope="col">"Can log in"</th><th scope="col">"Can send mail"</th>
                            <th scope="col">"Subusers removed"</th><th scope="col">"Dedicated IPs removed"</th>
                            <th scope="col">"API keys deactivated"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <p class="hint">"Only activated and deactivated can be set here; SendGrid sets the others."</p>
        </details>
    }
}

#[component]
pub fn StateSection(
    view: OfferingsView,
    /// The state named by `?state=` (the confirmation step), if any.
    step: Option<WritableState>,
    /// The key the step carries (`?key=`).
    key: String,
    change: ServerAction<ChangeAccountState>,
) -> impl IntoView {
    let current = view.state;
    let badge = current.map(|state| {
        let class = format!("badge {}", state_tone(state.as_str()));
        view! {
            <p class="account-state-now">
                <span class=class data-testid="account-state">{state.as_str()}</span>
                " "
                {state.meaning().sentence()}
            </p>
        }
    });
    let body = match (view.can_change, step, view.earlier.clone()) {
        (false, _, _) => view! {
            <p class="empty-inline">"Your role can read the account state but not change it."</p>
        }
        .into_any(),
        (true, Some(_), Some(earlier)) => {
            let again = tab_href(&view.key, "offerings", &[]);
            view! {
                <ChangeOutcome ended=Ended::of(earlier) again=again.clone() edit=again
                    history=history_href(&view.key) test_id="state-outcome" />
            }
            .into_any()
        }
        (true, Some(target), None) if Some(target.name()) != current => {
            let key = if key.trim().is_empty() {
                view.state_key.clone()
            } else {
                key
            };
            view! { <ConfirmState view target key change /> }.into_any()
        }
        (true, _, _) => {
            let action = tab_href(&view.key, "offerings", &[]);
            let buttons = WritableState::ALL
                .into_iter()
                .filter(|state| Some(state.name()) != current)
                .map(|state| {
                    let key = view.state_key.clone();
                    view! {
                        <Form method="get" action=action.clone() attr:class="inline-form">
                            <input type="hidden" name="state" value=state.as_str() />
                            <input type="hidden" name="key" value=key />
                            <button type="submit"
                                class=if state == WritableState::Deactivated { "button button-danger" } else { "button button-secondary" }>
                                {state.button()}
                            </button>
                        </Form>
                    }
                })
                .collect_view();
            view! { <div class="form-actions">{buttons}</div> }.into_any()
        }
    };
    view! {
        <section class="card account-state" aria-labelledby="account-state-title">
            <h3 id="account-state-title">"Account state"</h3>
            {badge}
            {body}
            <StateTable current />
        </section>
    }
}

/// What the new state means, when to set it, and "Confirm change".
#[component]
fn ConfirmState(
    view: OfferingsView,
    target: WritableState,
    key: String,
    change: ServerAction<ChangeAccountState>,
) -> impl IntoView {
    let pending = change.pending();
    let error = move || change.value().get().and_then(Result::err);
    let spent = move || error().is_some_and(|e| e.reached_upstream());
    let back = tab_href(&view.key, "offerings", &[]);
    let history = history_href(&view.key);
    let who = view.key.clone();
    let statement = format!(
        "{} {who}: {}",
        match target {
            WritableState::Activated => "Activate",
            WritableState::Deactivated => "Deactivate",
        },
        target.name().meaning().sentence()
    );
    view! {
        <div class="review" aria-labelledby="state-review-title">
            <h4 id="state-review-title">"Confirm the state change"</h4>
            <RevertNotice />
            <p class="review-statement" data-testid="state-review-statement">{statement}</p>
            {move || error().map(|e| {
                let message = e.general_message().unwrap_or_else(|| e.to_string());
                view! { <ReviewNotice message unknown=e.is_unknown() history=history.clone() /> }
            })}
            {move || {
                let (who, key, back) = (who.clone(), key.clone(), back.clone());
                if spent() {
                    return view! { <p><a class="button button-secondary" href=back>"Back to the account"</a></p> }.into_any();
                }
                let apply_on_error = error().and_then(|e| e.message_for(&OfferingField::ApplyOn));
                view! {
                    <ActionForm action=change attr:class="confirm-form">
                        <input type="hidden" name="user" value=who />
                        <input type="hidden" name="state" value=target.as_str() />
                        <input type="hidden" name="idempotency_key" value=key />
                        <RevertField />
                        <TimingFields id="state" end_of_cycle=view.end_of_cycle default_apply_on=view.default_apply_on
                            today=view.today timing=ChangeTiming::Now apply_on=String::new()
                            apply_on_error />
                        <ConfirmActions danger={target == WritableState::Deactivated} pending back
                            back_label="Keep the current state" />
                    </ActionForm>
                }.into_any()
            }}
        </div>
    }
}
