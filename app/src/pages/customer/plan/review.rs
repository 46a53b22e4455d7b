//! The review step: exactly what will happen, the username typed for destructive changes, and
//! "Confirm change", which posts the form (with its idempotency key) to `change_plan`.

use super::super::revert::{keep_reverts, RevertField, RevertNotice};
use leptos::form::ActionForm;
use leptos::prelude::*;

use super::super::outcome::{history_href, ReviewNotice};
use super::edit_href;
use crate::api::plan::{ChangePlan, PlanView};
use crate::components::ConfirmActions;
use crate::components::TypedConfirmation;
use crate::domain::plan::{
    describe, estimate_formula, warnings, Placement, PlanError, PlanField, PlanForm, PlanTiming,
    ValidPlanChange,
};
use crate::domain::schedule::next_day;

#[component]
pub fn ReviewStep(
    view: PlanView,
    valid: ValidPlanChange,
    form: PlanForm,
    key: String,
    change: ServerAction<ChangePlan>,
    /// The refusal the audit log holds for this form's key, if it was submitted before.
    recorded: Option<PlanError>,
    page_key: String,
) -> impl IntoView {
    let user = view.state.username.clone();
    let statement = describe(&valid, &view.state, view.today);
    let warnings = warnings(&valid, &view.state);
    let formula = estimate_formula(&valid, &view.state, view.today);
    // Who makes a change for the end of the cycle: said before the operator confirms.
    let maker = (valid.timing == PlanTiming::EndOfCycle).then(|| {
        let applies_on = view
            .state
            .cycle
            .map(|c| c.process.unwrap_or_else(|| next_day(c.end)));
        view.scheduled_by.explain(applies_on)
    });
    let destructive = valid.action.is_destructive();
    let pending = change.pending();
    let recorded = StoredValue::new(recorded);
    let error = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| recorded.get_value())
    };
    let message_for = move |field: PlanField| error().and_then(|e| e.message_for(&field));
    // Once SendGrid has answered (or may have), this key is spent: offer a fresh form instead.
    let spent = move || error().is_some_and(|e| e.reached_upstream());
    let edit = keep_reverts(edit_href(&page_key, &form));
    let history = history_href(&page_key);
    let rows: Vec<(&'static str, String, Option<PlanField>)> = vec![
        (
            "Action",
            valid.action.label().to_string(),
            Some(PlanField::Action),
        ),
        (
            "Timing",
            valid.timing.label().to_string(),
            Some(PlanField::Timing),
        ),
        (
            "Target package",
            valid
                .target
                .as_ref()
                .map(|t| t.label())
                .unwrap_or_else(|| "Free (a close reverts to free)".to_string()),
            Some(PlanField::Package),
        ),
        (
            "IP addresses",
            match &valid.placement {
                Placement::Ips(ips) => ips.join(", "),
                _ => "Unchanged".to_string(),
            },
            Some(PlanField::Ip),
        ),
        (
            "IP groups",
            match &valid.placement {
                Placement::IpGroups(groups) => groups.join(", "),
                _ => "Unchanged".to_string(),
            },
            Some(PlanField::IpGroup),
        ),
    ];
    let confirm_error = move || message_for(PlanField::Confirm);

    view! {
        <div class="review" aria-labelledby="review-title">
            <h3 id="review-title">"Review the change"</h3>
            <RevertNotice />
            <p class="review-statement" data-testid="review-statement">{statement}</p>
            {maker.map(|text| view! { <p class="review-maker" data-testid="review-maker">{text}</p> })}
            {formula.map(|formula| view! {
                <details class="estimate-formula">
                    <summary>"How the estimate is made"</summary>
                    <p>{formula}</p>
                </details>
            })}
            {(!warnings.is_empty()).then(|| view! {
                <div class="notice notice-warn" role="status" data-testid="review-warnings">
                    <ul>{warnings.into_iter().map(|text| view! { <li>{text}</li> }).collect_view()}</ul>
                </div>
            })}
            <dl class="facts">
                {rows.into_iter().map(|(label, value, field)| view! {
                    <div>
                        <dt>{label}</dt>
                        <dd>
                            {value}
                            {move || field.and_then(message_for).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        </dd>
                    </div>
                }).collect_view()}
            </dl>
            {move || error().and_then(|e| e.general_message().map(|m| (e.is_unknown(), m))).map(|(unknown, message)| {
                view! { <ReviewNotice message unknown history=history.clone() /> }
            })}
            {move || {
                let (user, key, edit) = (user.clone(), key.clone(), edit.clone());
                let (package, ips, ip_groups) =
                    (form.package.trim().to_string(), form.ips(), form.ip_groups());
                if spent() {
                    return view! { <p><a class="button button-secondary" href=edit>"Edit the change"</a></p> }.into_any();
                }
                view! {
                    <ActionForm action=change attr:class="confirm-form">
                        <input type="hidden" name="user" value=user.clone() />
                        <input type="hidden" name="action" value=valid.action.as_str() />
                        <input type="hidden" name="timing" value=valid.timing.as_str() />
                        <input type="hidden" name="package" value=package />
                        {ips.into_iter().map(|ip| view! { <input type="hidden" name="ip[]" value=ip /> }).collect_view()}
                        {ip_groups.into_iter().map(|group| view! { <input type="hidden" name="ip_group[]" value=group /> }).collect_view()}
                        <input type="hidden" name="idempotency_key" value=key />
                        <RevertField />
                        {destructive.then(|| view! {
                            <TypedConfirmation id="plan-confirm" label="Type the username to confirm"
                                hint=format!("This cannot be undone from here. Type {user} to confirm.")
                                error=Signal::derive(confirm_error) />
                        })}
                        <ConfirmActions danger=destructive pending back=edit />
                    </ActionForm>
                }.into_any()
            }}
        </div>
    }
}
