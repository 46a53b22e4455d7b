use leptos::prelude::*;

use crate::domain::audit::FieldChange;

/// Old -> new per field: `package Basic -> Silver`, `credits 500 -> 800`, `add-on removed`.
#[component]
pub fn FieldDiff(changes: Vec<FieldChange>) -> impl IntoView {
    view! {
        <ul class="diff">
            {changes.into_iter().map(|change| {
                let values = match (change.before, change.after) {
                    (Some(before), Some(after)) => view! {
                        <del>{before}</del>
                        <span aria-hidden="true">" → "</span>
                        <span class="visually-hidden">" changed to "</span>
                        <ins>{after}</ins>
                    }.into_any(),
                    (None, Some(after)) => view! {
                        <span class="diff-note">"added "</span>
                        <ins>{after}</ins>
                    }.into_any(),
                    (Some(before), None) => view! {
                        <del>{before}</del>
                        <span class="diff-note">" removed"</span>
                    }.into_any(),
                    (None, None) => ().into_any(),
                };
                view! {
                    <li>
                        <span class="diff-field">{change.field}</span>
                        ": "
                        {values}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// A state as `field: value` pairs.
#[component]
pub fn StateList(fields: Vec<(String, String)>) -> impl IntoView {
    view! {
        <dl class="state-list">
            {fields.into_iter().map(|(field, value)| view! {
                <div><dt>{field}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
    }
}
