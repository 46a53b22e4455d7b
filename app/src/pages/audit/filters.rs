use leptos::prelude::*;

use crate::domain::audit::Outcome;
use crate::domain::audit_filter::AuditQuery;
use crate::domain::AuditAction;

/// The filters as a plain GET form: submitting it loads `/audit?customer=...`, with or
/// without JavaScript, and the URL can be bookmarked or shared.
#[component]
pub fn FilterForm(current: Memo<AuditQuery>) -> impl IntoView {
    let value = move |name: &'static str| move || current.get().value(name).unwrap_or_default();
    let outcome = move || current.get().value("outcome").unwrap_or_default();
    view! {
        <form method="get" action="/audit" class="filters" role="search" aria-label="Filter the audit log">
            <div class="field">
                <label for="filter-operator">"Operator"</label>
                <input id="filter-operator" name="operator" type="text" inputmode="email" autocomplete="off" placeholder="name@example.com" value=value("operator") />
            </div>
            <div class="field">
                <label for="filter-customer">"Customer"</label>
                <input id="filter-customer" name="customer" type="text" autocomplete="off" placeholder="username or account id" value=value("customer") />
            </div>
            <div class="field">
                <label for="filter-action">"Action"</label>
                <input id="filter-action" name="action" type="text" list="known-actions" autocomplete="off" placeholder="plan.immediate_upgrade" value=value("action") />
                <datalist id="known-actions">
                    {AuditAction::ALL.iter().map(|action| view! { <option value=action.as_str()></option> }).collect_view()}
                </datalist>
            </div>
            <div class="field">
                <label for="filter-outcome">"Outcome"</label>
                <select id="filter-outcome" name="outcome">
                    <option value="" selected=move || outcome().is_empty()>"Any outcome"</option>
                    {Outcome::ALL.into_iter().map(|o| view! {
                        <option value=o.as_str() selected=move || outcome() == o.as_str()>{o.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-from">"From"</label>
                <input id="filter-from" name="from" type="date" value=value("from") aria-describedby="filter-dates-hint" />
            </div>
            <div class="field">
                <label for="filter-to">"To"</label>
                <input id="filter-to" name="to" type="date" value=value("to") aria-describedby="filter-dates-hint" />
            </div>
            <div class="filters-actions">
                <button type="submit" class="button">"Filter"</button>
                <a href="/audit" class="button button-ghost">"Clear"</a>
            </div>
            <p class="hint filters-hint" id="filter-dates-hint">"Dates are whole UTC days, both included. Other filters match exactly."</p>
        </form>
    }
}
