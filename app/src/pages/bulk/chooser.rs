//! The bulk form: which customers (a counted filter, or pasted names), which change, how many
//! at a time. A GET form, so each step is a URL and works without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::bulk::count_bulk_matching;
use crate::components::adopt_controls;
use crate::domain::bulk::{BulkField, BulkForm, DEFAULT_CONCURRENCY, MAX_CUSTOMERS, OPERATIONS};
use crate::domain::change::{group_thousands, message_for, FieldError};
use crate::domain::plan::PlanTiming;
use crate::pages::customer::outcome::{invalid, FieldMessage};

/// Account states the directory filter offers.
const STATES: [&str; 5] = [
    "activated",
    "deactivated",
    "suspended",
    "banned",
    "indeterminate",
];

/// Which operation fields apply to `op`.
fn shows(op: &str, field: BulkField) -> bool {
    match field {
        BulkField::Name => matches!(op, "add_addon" | "remove_addon" | "set_package"),
        BulkField::Quantity => op == "add_addon",
        BulkField::Credits => matches!(op, "limit_total" | "limit_increment"),
        BulkField::State => op == "state",
        BulkField::PlanPackage => matches!(op, "plan_upgrade" | "plan_downgrade"),
        BulkField::Timing | BulkField::IpGroup => op.starts_with("plan_"),
        _ => true,
    }
}

#[component]
pub fn BulkChooser(form: BulkForm, errors: Vec<FieldError<BulkField>>) -> impl IntoView {
    let query = use_query_map();
    let error = |field: BulkField| message_for(&errors, &field);
    let op = RwSignal::new(form.operation.op.clone());
    // Without JavaScript every field shows; with it, only the chosen operation's, starting
    // from what the select shows when the code arrives (it may have been changed before).
    let scripted = RwSignal::new(false);
    let op_select = NodeRef::<leptos::html::Select>::new();
    adopt_controls(move || {
        op.set(op_select.get()?.value());
        scripted.set(true);
        Some(())
    });
    let hidden =
        move |field: BulkField| scripted.get() && !op.get().is_empty() && !shows(&op.get(), field);
    let by_paste = form.selection.by == "paste";
    let counting = query.with_untracked(|q| q.get("step").as_deref() == Some("count"))
        || (form.selection.by == "filter" && !form.selection.count.is_empty());
    let selection = form.selection.clone();
    let customers_error = error(BulkField::Customers);
    let (name_error, quantity_error, credits_error, state_error, concurrency_error, op_error) = (
        error(BulkField::Name),
        error(BulkField::Quantity),
        error(BulkField::Credits),
        error(BulkField::State),
        error(BulkField::Concurrency),
        error(BulkField::Operation),
    );
    let (plan_package_error, timing_error, ip_group_error) = (
        error(BulkField::PlanPackage),
        error(BulkField::Timing),
        error(BulkField::IpGroup),
    );
    let chosen_state = form.operation.state.clone();
    let chosen_timing = form.operation.timing.clone();
    let chosen_account_state = form.selection.account_state.clone();

    view! {
        <form class="card bulk-form" method="get" action="/bulk" aria-labelledby="bulk-form-title">
            <h2 id="bulk-form-title">"New bulk change"</h2>
            <fieldset class="bulk-step">
                <legend>"1. Customers"</legend>
                <FieldMessage id="bulk-customers-error".to_string() message=customers_error.clone() />
                <div class="bulk-choice">
                    <label class="choice">
                        <input type="radio" name="by" value="filter" checked=!by_paste />
                        "Everyone a directory filter matches"
                    </label>
                    <div class="filters">
                        <div class="field field-grow">
                            <label for="bulk-q">"Search"</label>
                            <input id="bulk-q" name="q" type="search" value=form.selection.q.clone()
                                placeholder="Name, company, email or username" autocomplete="off" />
                        </div>
                        <div class="field">
                            <label for="bulk-package">"Package"</label>
                            <input id="bulk-package" name="package" type="text" value=form.selection.package.clone()
                                placeholder="Any" autocomplete="off" />
                        </div>
                        <div class="field">
                            <label for="bulk-account-state">"Account state"</label>
                            <select id="bulk-account-state" name="account_state">
                                <option value="" selected=chosen_account_state.is_empty()>"Any"</option>
                                {STATES.into_iter().map(|s| view! {
                                    <option value=s selected=chosen_account_state == s>{s}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <div class="filters-actions">
                            <button class="button button-secondary" type="submit" name="step" value="count">"Count matching customers"</button>
                        </div>
                    </div>
                    {counting.then(|| view! { <MatchCount selection /> })}
                </div>
                <div class="bulk-choice">
                    <label class="choice">
                        <input type="radio" name="by" value="paste" checked=by_paste />
                        "These customers"
                    </label>
                    <div class="field">
                        <label for="bulk-pasted">"Usernames or account ids"</label>
                        <textarea id="bulk-pasted" name="pasted" rows="4" aria-describedby="bulk-pasted-hint"
                            aria-invalid=invalid(&customers_error.clone().filter(|_| by_paste))>
                            {form.selection.pasted.clone()}
                        </textarea>
                        <p class="hint" id="bulk-pasted-hint">{format!("One per line, or separated by commas or spaces; up to {MAX_CUSTOMERS}.")}</p>
                    </div>
                </div>
            </fieldset>

            <fieldset class="bulk-step">
                <legend>"2. Change"</legend>
                <div class="field">
                    <label for="bulk-op">"Operation"</label>
                    <select id="bulk-op" name="op" node_ref=op_select aria-invalid=invalid(&op_error)
                        on:change=move |ev| op.set(event_target_value(&ev))>
                        <option value="" selected=form.operation.op.is_empty()>"Choose…"</option>
                        {OPERATIONS.into_iter().map(|(value, label)| view! {
                            <option value=value selected=form.operation.op == value>{label}</option>
                        }).collect_view()}
                    </select>
                    <FieldMessage id="bulk-op-error".to_string() message=op_error />
                </div>
                <div class="field" class:is-hidden=move || hidden(BulkField::Name)>
                    <label for="bulk-name">"Offering name"</label>
                    <input id="bulk-name" name="name" type="text" value=form.operation.name.clone()
                        autocomplete="off" aria-invalid=invalid(&name_error) aria-describedby="bulk-name-hint" />
                    <p class="hint" id="bulk-name-hint">"The add-on or package as the catalog names it (Offerings tab of any v3 customer), e.g. ip_addon."</p>
                    <FieldMessage id="bulk-name-error".to_string() message=name_error />
                </div>
                <div class="field" class:is-hidden=move || hidden(BulkField::Quantity)>
                    <label for="bulk-quantity">"Quantity"</label>
                    <input id="bulk-quantity" name="quantity" type="number" min="1" max="1000"
                        value=form.operation.quantity.clone() placeholder="1" aria-invalid=invalid(&quantity_error) />
                    <FieldMessage id="bulk-quantity-error".to_string() message=quantity_error />
                </div>
                <div class="field" class:is-hidden=move || hidden(BulkField::Credits)>
                    <label for="bulk-credits">"Credits"</label>
                    <input id="bulk-credits" name="credits" type="text" inputmode="numeric"
                        value=form.operation.credits.clone() autocomplete="off" aria-invalid=invalid(&credits_error) />
                    <FieldMessage id="bulk-credits-error".to_string() message=credits_error />
                </div>
                <div class="field" class:is-hidden=move || hidden(BulkField::State)>
                    <label for="bulk-state">"New account state"</label>
                    <select id="bulk-state" name="state" aria-invalid=invalid(&state_error)>
                        <option value="" selected=chosen_state.is_empty()>"Choose…"</option>
                        <option value="activated" selected=chosen_state == "activated">"activated"</option>
                        <option value="deactivated" selected=chosen_state == "deactivated">"deactivated"</option>
                    </select>
                    <FieldMessage id="bulk-state-error".to_string() message=state_error />
                </div>
                <div class="field" class:is-hidden=move || hidden(BulkField::PlanPackage)>
                    <label for="bulk-plan-package">"Target package"</label>
                    <input id="bulk-plan-package" name="plan_package" type="text" value=form.operation.plan_package.clone()
                        autocomplete="off" aria-invalid=invalid(&plan_package_error) aria-describedby="bulk-plan-package-hint" />
                    <p class="hint" id="bulk-plan-package-hint">"The v2 package as SendGrid names it (Plan tab of any customer). Each customer is checked by the Plan tab's rules on the review step."</p>
                    <FieldMessage id="bulk-plan-package-error".to_string() message=plan_package_error />
                </div>
                <div class="field" class:is-hidden=move || hidden(BulkField::Timing)>
                    <label for="bulk-timing">"When"</label>
                    <select id="bulk-timing" name="timing" aria-invalid=invalid(&timing_error)>
                        <option value="" selected=chosen_timing.is_empty()>"Choose…"</option>
                        {PlanTiming::ALL.into_iter().map(|timing| view! {
                            <option value=timing.as_str() selected=chosen_timing == timing.as_str()>{timing.label()}</option>
                        }).collect_view()}
                    </select>
                    <FieldMessage id="bulk-timing-error".to_string() message=timing_error />
                </div>
                <div class="field" class:is-hidden=move || hidden(BulkField::IpGroup)>
                    <label for="bulk-ip-group">"IP groups"</label>
                    <textarea id="bulk-ip-group" name="ip_group" rows="2" aria-invalid=invalid(&ip_group_error)
                        aria-describedby="bulk-ip-group-hint">{form.operation.ip_group.clone()}</textarea>
                    <p class="hint" id="bulk-ip-group-hint">"One per line. For packages without a dedicated IP, where SendGrid places the customers' mail. A package with a dedicated IP needs a free IP per customer: change those from each customer's Plan tab."</p>
                    <FieldMessage id="bulk-ip-group-error".to_string() message=ip_group_error />
                </div>
            </fieldset>

            <fieldset class="bulk-step">
                <legend>"3. Pace"</legend>
                <div class="field">
                    <label for="bulk-concurrency">"Customers at a time"</label>
                    <input id="bulk-concurrency" name="concurrency" type="number" min="1" max="16"
                        value=form.concurrency.clone() placeholder=DEFAULT_CONCURRENCY.to_string()
                        aria-invalid=invalid(&concurrency_error) aria-describedby="bulk-concurrency-hint" />
                    <p class="hint" id="bulk-concurrency-hint">"1 to 16. SendGrid's rate limit is respected whatever you choose."</p>
                    <FieldMessage id="bulk-concurrency-error".to_string() message=concurrency_error />
                </div>
            </fieldset>
            <div class="form-actions">
                <button class="button" type="submit" name="step" value="review">"Review the change"</button>
                <a class="button button-ghost" href="/bulk">"Clear"</a>
            </div>
        </form>
    }
}

/// How many customers the filter matches, and the explicit "select all N" step.
#[component]
fn MatchCount(selection: crate::domain::bulk::SelectionForm) -> impl IntoView {
    let (q, package, state) = (
        selection.q.clone(),
        selection.package.clone(),
        selection.account_state.clone(),
    );
    let count = Resource::new_blocking(
        move || (q.clone(), package.clone(), state.clone()),
        |(q, package, state)| count_bulk_matching(q, package, state),
    );
    let selected = selection.by == "filter" && !selection.count.is_empty();
    let chosen = selection.count.clone();
    view! {
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Counting…"</p> }>
            {
                let chosen = chosen.clone();
                move || count.get().map(|answer| match answer {
                    Ok(0) => view! { <p class="notice notice-warn" role="status">"No customer matches this filter."</p> }.into_any(),
                    Ok(n) if n > MAX_CUSTOMERS as u64 => view! {
                        <p class="notice notice-warn" role="status">{format!(
                            "{} customers match: more than one bulk change takes ({MAX_CUSTOMERS}). Narrow the filter.",
                            group_thousands(n as i64)
                        )}</p>
                    }.into_any(),
                    Ok(n) if selected && chosen == n.to_string() => view! {
                        <p class="notice notice-ok bulk-selected" role="status">
                            <input type="hidden" name="count" value=n.to_string() />
                            {format!("All {} matching customers are selected.", group_thousands(n as i64))}
                        </p>
                    }.into_any(),
                    Ok(n) => view! {
                        <p class="bulk-count" role="status">
                            {format!("{} customers match. ", group_thousands(n as i64))}
                            <button class="button button-secondary" type="submit" name="count" value=n.to_string()>
                                {format!("Select all {} matching", group_thousands(n as i64))}
                            </button>
                        </p>
                    }.into_any(),
                    Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
                })
            }
        </Suspense>
    }
}
