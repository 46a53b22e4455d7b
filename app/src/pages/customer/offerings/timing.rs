//! "When": now, or at the end of the billing cycle. The v3 API cannot schedule, so a later
//! change is held by the console; without a v2 billing cycle the operator picks the day.

use leptos::prelude::*;

use super::super::outcome::{invalid, FieldMessage};
use crate::domain::schedule::ChangeTiming;
use crate::domain::IsoDate;

#[component]
pub fn TimingFields(
    /// Prefix of the element ids, one per form on the page.
    id: &'static str,
    /// The day a change at the end of the cycle runs, when the customer has a v2 cycle.
    end_of_cycle: Option<IsoDate>,
    default_apply_on: IsoDate,
    today: IsoDate,
    timing: ChangeTiming,
    apply_on: String,
    apply_on_error: Option<String>,
) -> impl IntoView {
    let later_label = match end_of_cycle {
        Some(day) => format!("At the end of the billing cycle (the console makes it on {day})"),
        None => "Later, on the day below (held by the console)".to_string(),
    };
    let apply_on = if apply_on.trim().is_empty() {
        default_apply_on.to_string()
    } else {
        apply_on
    };
    let date_id = format!("{id}-apply-on");
    view! {
        <fieldset class="field timing">
            <legend>"When"</legend>
            <label class="choice">
                <input type="radio" name="timing" value=ChangeTiming::Now.as_str()
                    checked=timing == ChangeTiming::Now />
                "Now"
            </label>
            <label class="choice">
                <input type="radio" name="timing" value=ChangeTiming::Later.as_str()
                    checked=timing == ChangeTiming::Later />
                {later_label}
            </label>
        </fieldset>
        {end_of_cycle.is_none().then(|| view! {
            <div class="field">
                <label for=date_id.clone()>"Apply on"</label>
                <input id=date_id.clone() name="apply_on" type="date" min=today.to_string() value=apply_on
                    aria-invalid=invalid(&apply_on_error) aria-describedby=format!("{date_id}-hint") />
                <p class="hint" id=format!("{date_id}-hint")>
                    "This customer has no v2 billing cycle to follow, so choose the day (00:00 UTC) \
                     the console makes a later change. Only used when the change is for later."
                </p>
                <FieldMessage id=format!("{date_id}-error") message=apply_on_error.clone() />
            </div>
        })}
    }
}
