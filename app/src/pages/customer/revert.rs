//! A change made from "Revert…" carries the change it reverts (`?reverts=<attempt id>`) from
//! the revert page through the tab's form and review into the submission, which records it.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::domain::revert::revert_href;

/// The change the page's form reverts, from `?reverts=`.
pub fn reverts_in_query() -> Option<i64> {
    use_query_map()
        .with_untracked(|q| q.get("reverts"))
        .and_then(|id| id.trim().parse().ok())
}

/// `href` with the page's `reverts` kept, for "Edit the change" and "Back".
pub fn keep_reverts(href: String) -> String {
    match reverts_in_query() {
        Some(id) if href.contains('?') => format!("{href}&reverts={id}"),
        Some(id) => format!("{href}?reverts={id}"),
        None => href,
    }
}

/// The hidden field that sends the link with the form.
#[component]
pub fn RevertField() -> impl IntoView {
    reverts_in_query()
        .map(|id| view! { <input type="hidden" name="reverts" value=id.to_string() /> })
}

/// Said above a form or review that reverts a change.
#[component]
pub fn RevertNotice() -> impl IntoView {
    reverts_in_query().map(|id| {
        view! {
            <p class="notice" role="note" data-testid="revert-notice">
                "This change reverts "
                <a href=format!("/audit/{id}")>{format!("change {id}")}</a>
                ". What it cannot undo is said on "
                <a href=revert_href(id)>"its revert page"</a>
                "; the history will link the two."
            </p>
        }
    })
}
