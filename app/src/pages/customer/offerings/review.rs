//! The review step: the diff of what the PUT will change (kept, added, removed, quantity
//! changed; removals in red), the account's name or id typed when anything is taken away, and
//! "Confirm change", which posts the whole set with the form's idempotency key.

use super::super::revert::{keep_reverts, RevertField, RevertNotice};
use leptos::form::ActionForm;
use leptos::prelude::*;

use super::super::outcome::{history_href, tab_href, ReviewNotice};
use crate::api::offerings::{OfferingsView, UpdateOfferings};
use crate::components::ConfirmActions;
use crate::components::TypedConfirmation;
use crate::domain::offerings::{
    encode_lines, needs_confirmation, DiffChange, DiffLine, OfferingField, OfferingSet,
    OfferingsForm,
};
use crate::domain::schedule::ChangeTiming;
use crate::domain::IsoDate;

fn quantity(value: Option<i64>) -> String {
    value
        .map(|q| q.to_string())
        .unwrap_or_else(|| "—".to_string())
}

fn row_class(line: &DiffLine) -> &'static str {
    match line.change {
        DiffChange::Kept => "diff-kept",
        DiffChange::Added => "diff-added",
        DiffChange::Removed => "diff-removed",
        DiffChange::QuantityChanged if line.takes_away() => "diff-changed diff-reduced",
        DiffChange::QuantityChanged => "diff-changed",
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
pub fn OfferingsReview(
    view: OfferingsView,
    set: OfferingSet,
    lines: Vec<DiffLine>,
    form: OfferingsForm,
    timing: ChangeTiming,
    /// The day a later change runs (`None` for now).
    due: Option<IsoDate>,
    key: String,
    update: ServerAction<UpdateOfferings>,
) -> impl IntoView {
    let confirm_needed = needs_confirmation(&lines);
    let pending = update.pending();
    let error = move || update.value().get().and_then(Result::err);
    let message_for = move |field: OfferingField| error().and_then(|e| e.message_for(&field));
    let spent = move || error().is_some_and(|e| e.reached_upstream());
    let mut pairs = form.query_pairs();
    pairs.push(("timing".into(), timing.as_str().into()));
    pairs.push((
        "apply_on".into(),
        due.map(|d| d.to_string()).unwrap_or_default(),
    ));
    let edit = keep_reverts(tab_href(&view.key, "offerings", &pairs));
    let history = history_href(&view.key);
    let names: Vec<String> = [view.username.clone(), view.account_id.clone()]
        .into_iter()
        .flatten()
        .collect();
    let when = match due {
        None => "Now.".to_string(),
        Some(day) => format!("On {day} at 00:00 UTC, held and made by the console."),
    };
    let rows = lines
        .iter()
        .map(|line| {
            view! {
                <tr class=row_class(line)>
                    <th scope="row">{line.name.clone()}</th>
                    <td>{line.kind.label()}</td>
                    <td>{line.change.label()}</td>
                    <td class="num">{quantity(line.before)}</td>
                    <td class="num">{quantity(line.after)}</td>
                </tr>
            }
        })
        .collect_view();
    let encoded = set.encode();
    // What the diff above is against: the server sends nothing if SendGrid holds otherwise.
    let reviewed = encode_lines(&view.current);
    let (user, apply_on) = (
        view.key.clone(),
        due.map(|d| d.to_string()).unwrap_or_default(),
    );

    view! {
        <div class="review" aria-labelledby="offerings-review-title">
            <h4 id="offerings-review-title">"Review the change"</h4>
            <RevertNotice />
            <p class="review-statement">{format!("When: {when}")}</p>
            <div class="table-wrap">
                <table class="offerings-diff" data-testid="offerings-diff">
                    <caption class="visually-hidden">"Offerings before and after the change"</caption>
                    <thead>
                        <tr><th scope="col">"Offering"</th><th scope="col">"Type"</th><th scope="col">"Change"</th>
                            <th scope="col">"Now"</th><th scope="col">"After"</th></tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            {move || message_for(OfferingField::Offerings)
                .or_else(|| message_for(OfferingField::Package))
                .or_else(|| message_for(OfferingField::ApplyOn))
                .map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            {move || error().and_then(|e| e.general_message().map(|m| (e.is_unknown(), m))).map(|(unknown, message)| {
                view! { <ReviewNotice message unknown history=history.clone() /> }
            })}
            {move || {
                let (user, encoded, apply_on, key, edit, reviewed) = (
                    user.clone(),
                    encoded.clone(),
                    apply_on.clone(),
                    key.clone(),
                    edit.clone(),
                    reviewed.clone(),
                );
                if spent() {
                    return view! { <p><a class="button button-secondary" href=edit>"Edit the change"</a></p> }.into_any();
                }
                let confirm_error = message_for(OfferingField::Confirm);
                let confirm_hint = format!("Something is taken away. Type {} to confirm.", names.join(" or "));
                view! {
                    <ActionForm action=update attr:class="confirm-form">
                        <input type="hidden" name="user" value=user />
                        <input type="hidden" name="offerings" value=encoded />
                        <input type="hidden" name="timing" value=timing.as_str() />
                        <input type="hidden" name="apply_on" value=apply_on />
                        <input type="hidden" name="idempotency_key" value=key />
                        <input type="hidden" name="reviewed" value=reviewed />
                        <RevertField />
                        {confirm_needed.then(|| view! {
                            <TypedConfirmation id="offerings-confirm"
                                label="Type the username or account ID to confirm"
                                hint=confirm_hint error=Signal::stored(confirm_error) />
                        })}
                        <ConfirmActions danger=confirm_needed pending back=edit />
                    </ActionForm>
                }.into_any()
            }}
        </div>
    }
}
