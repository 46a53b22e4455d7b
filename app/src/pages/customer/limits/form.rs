//! The limits form: one select for the task and every field any task takes. Without
//! JavaScript all fields show, each saying which tasks use it; with it, only the chosen
//! task's fields show. "Review change" is a GET to the review step, carrying the idempotency
//! key minted when this form was rendered.

use leptos::prelude::*;

use super::super::revert::{RevertField, RevertNotice};
use leptos_router::components::Form;

use super::super::outcome::{invalid, tab_href, FieldMessage};
use crate::api::limits::LimitsView;
use crate::components::adopt_controls;
use crate::domain::change::message_for;
use crate::domain::limits::{LimitField, LimitFieldError, LimitForm, LimitPeriod, LimitTask};

/// "Used by: Set the credits to a total, Add credits."
fn used_by(field: LimitField) -> String {
    let tasks: Vec<&str> = LimitTask::ALL
        .into_iter()
        .filter(|task| task.uses(field))
        .map(LimitTask::label)
        .collect();
    format!("Used by: {}.", tasks.join(", "))
}

/// The ids of a field's hint and error, for `aria-describedby`.
fn described(id: &str, error: &Option<String>) -> String {
    match error {
        Some(_) => format!("{id}-hint {id}-error"),
        None => format!("{id}-hint"),
    }
}

#[component]
pub fn ChangeLimitForm(
    view: LimitsView,
    initial: LimitForm,
    errors: Vec<LimitFieldError>,
    page_key: String,
) -> impl IntoView {
    let task = RwSignal::new(LimitTask::parse(&initial.task).unwrap_or(LimitTask::Total));
    // Fields are hidden only where a script can show them again, and only once the task
    // follows what the select shows (it may have been changed before the code arrived).
    let scripted = RwSignal::new(false);
    let task_select = NodeRef::<leptos::html::Select>::new();
    adopt_controls(move || {
        if let Some(shown) = LimitTask::parse(&task_select.get()?.value()) {
            task.set(shown);
        }
        scripted.set(true);
        Some(())
    });
    let hidden = move |field: LimitField| scripted.get() && !task.get().uses(field);
    let error = |field| message_for(&errors, &field);
    let task_error = error(LimitField::Task);
    let period_error = error(LimitField::Period);
    let (credits_error, start_error, end_error, initial_error) = (
        error(LimitField::Credits),
        error(LimitField::StartDate),
        error(LimitField::EndDate),
        error(LimitField::InitialCredits),
    );
    let period = LimitPeriod::parse(&initial.period);
    let today = view.today.to_string();

    // A credits count or a date: the same field with its hint and error, another input.
    let field = move |field: LimitField,
                      id: &'static str,
                      label: &'static str,
                      value: String,
                      hint: String,
                      message: Option<String>| {
        let date = matches!(field, LimitField::StartDate | LimitField::EndDate);
        view! {
            <div class="field" class:is-hidden=move || hidden(field)>
                <label for=id>{label}</label>
                <input id=id name=field.as_str() type=if date { "date" } else { "text" }
                    inputmode=(!date).then_some("numeric") min=date.then(|| today.clone())
                    autocomplete="off" value=value aria-invalid=invalid(&message)
                    aria-describedby=described(id, &message) />
                <p class="hint" id=format!("{id}-hint")>{hint}</p>
                <FieldMessage id=format!("{id}-error") message />
            </div>
        }
    };

    view! {
        <Form method="get" action=tab_href(&page_key, "limits", &[]) attr:class="limit-form" attr:novalidate=true>
            <input type="hidden" name="target" value=view.target.clone() />
            <input type="hidden" name="review" value="1" />
            <input type="hidden" name="key" value=view.change_key.clone() />
            <RevertField />
            <RevertNotice />
            <div class="form-grid">
                <div class="field">
                    <label for="limit-task">"Task"</label>
                    <select id="limit-task" name="task" node_ref=task_select aria-invalid=invalid(&task_error)
                        on:change=move |ev| {
                            if let Some(chosen) = LimitTask::parse(&event_target_value(&ev)) {
                                task.set(chosen);
                            }
                        }>
                        {LimitTask::ALL.into_iter().map(|choice| view! {
                            <option value=choice.as_str() selected=move || task.get() == choice>{choice.label()}</option>
                        }).collect_view()}
                    </select>
                    <FieldMessage id="limit-task-error".to_string() message=task_error.clone() />
                </div>
                {field(LimitField::Credits, "limit-credits", "Credits", initial.credits.clone(),
                    format!("A whole number above 0. {}", used_by(LimitField::Credits)), credits_error)}
                <div class="field" class:is-hidden=move || hidden(LimitField::Period)>
                    <label for="limit-period">"Period"</label>
                    <select id="limit-period" name="period" aria-invalid=invalid(&period_error)
                        aria-describedby=described("limit-period", &period_error)>
                        {LimitPeriod::ALL.into_iter().map(|choice| view! {
                            <option value=choice.as_str() selected=period == Some(choice)>{choice.label()}</option>
                        }).collect_view()}
                    </select>
                    <p class="hint" id="limit-period-hint">
                        {format!("How often the credits go back to the amount above. {}", used_by(LimitField::Period))}
                    </p>
                    <FieldMessage id="limit-period-error".to_string() message=period_error.clone() />
                </div>
                {field(LimitField::StartDate, "limit-start", "Start date", initial.start_date.clone(),
                    format!("Optional: the first reset, today or later. {}", used_by(LimitField::StartDate)), start_error)}
                {field(LimitField::EndDate, "limit-end", "End date", initial.end_date.clone(),
                    format!("Optional: resets stop after this day; what is left can still be used. {}", used_by(LimitField::EndDate)), end_error)}
                {field(LimitField::InitialCredits, "limit-initial", "Initial credits", initial.initial_credits.clone(),
                    format!("Optional: the balance to start with, for a subuser who already used part; SendGrid uses the credits above when empty. {}", used_by(LimitField::InitialCredits)), initial_error)}
            </div>
            <button type="submit" class="button">"Review change"</button>
        </Form>
    }
}
