//! The review step: what the task will do in words, the values it sends, and "Confirm change",
//! which posts them (with the form's idempotency key) to `set_credit_limit`.

use super::super::revert::{keep_reverts, RevertField, RevertNotice};
use leptos::form::ActionForm;
use leptos::prelude::*;

use super::super::outcome::{history_href, tab_href, ReviewNotice};
use super::form_pairs;
use crate::api::limits::{LimitsView, SetCreditLimit};
use crate::components::ConfirmActions;
use crate::domain::limits::{describe_change, LimitField, LimitForm, LimitTask, ValidLimitChange};

#[component]
pub fn LimitReview(
    view: LimitsView,
    valid: ValidLimitChange,
    form: LimitForm,
    key: String,
    change: ServerAction<SetCreditLimit>,
    page_key: String,
) -> impl IntoView {
    let current = view.limit.clone();
    let statement = describe_change(&valid, &view.target, current.as_ref());
    let task = valid.task();
    let pending = change.pending();
    let error = move || change.value().get().and_then(Result::err);
    let message_for = move |field: LimitField| error().and_then(|e| e.message_for(&field));
    // Once SendGrid has answered (or may have), this key is spent: offer a fresh form instead.
    let spent = move || error().is_some_and(|e| e.reached_upstream());
    let edit = keep_reverts(tab_href(
        &page_key,
        "limits",
        &form_pairs(&view.target, &form),
    ));
    let history = history_href(&page_key);
    let fields: Vec<(LimitField, &'static str, String)> = [
        (
            LimitField::Credits,
            "Credits",
            form.credits.trim().to_string(),
        ),
        (LimitField::Period, "Period", form.period.trim().to_string()),
        (
            LimitField::StartDate,
            "Start date",
            form.start_date.trim().to_string(),
        ),
        (
            LimitField::EndDate,
            "End date",
            form.end_date.trim().to_string(),
        ),
        (
            LimitField::InitialCredits,
            "Initial credits",
            form.initial_credits.trim().to_string(),
        ),
    ]
    .into_iter()
    .filter(|(field, _, value)| task.uses(*field) && !value.is_empty())
    .collect();
    let rows = fields.clone();
    let (user, target) = (view.username.clone(), view.target.clone());

    view! {
        <div class="review" aria-labelledby="limit-review-title">
            <h4 id="limit-review-title">"Review the change"</h4>
            <RevertNotice />
            <p class="review-statement" data-testid="limit-review-statement">{statement}</p>
            <dl class="facts">
                <div><dt>"User"</dt><dd>{view.target.clone()}</dd></div>
                <div><dt>"Task"</dt><dd>{task.label()}</dd></div>
                {rows.into_iter().map(|(field, label, value)| view! {
                    <div>
                        <dt>{label}</dt>
                        <dd>
                            {value}
                            {move || message_for(field).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        </dd>
                    </div>
                }).collect_view()}
            </dl>
            {move || message_for(LimitField::Subuser).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            {move || error().and_then(|e| e.general_message().map(|m| (e.is_unknown(), m))).map(|(unknown, message)| {
                view! { <ReviewNotice message unknown history=history.clone() /> }
            })}
            {move || {
                let (user, target, key, edit) = (user.clone(), target.clone(), key.clone(), edit.clone());
                if spent() {
                    return view! { <p><a class="button button-secondary" href=edit>"Edit the change"</a></p> }.into_any();
                }
                let hidden = fields.iter().map(|(field, _, value)| view! {
                    <input type="hidden" name=field.as_str() value=value.clone() />
                }).collect_view();
                view! {
                    <ActionForm action=change attr:class="confirm-form">
                        <input type="hidden" name="user" value=user />
                        <input type="hidden" name="target" value=target />
                        <input type="hidden" name="task" value=task.as_str() />
                        {hidden}
                        <input type="hidden" name="idempotency_key" value=key />
                        <RevertField />
                        <ConfirmActions danger={task == LimitTask::Remove} pending back=edit />
                    </ActionForm>
                }.into_any()
            }}
        </div>
    }
}
