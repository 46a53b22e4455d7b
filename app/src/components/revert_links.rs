//! A change's revert links, both ways (the change it reverts, the changes that revert it), and
//! "Revert…" where the change can be undone, shown on the audit event and in the history.

use leptos::prelude::*;

use crate::domain::revert::revert_href;

#[component]
pub fn RevertLinks(
    reverts: Option<i64>,
    reverted_by: Vec<i64>,
    /// "Revert…" is offered (an accepted change with an inverse, and a role that can change).
    can_revert: bool,
    /// The role may open audit events; otherwise the links are plain text.
    can_audit: bool,
    id: i64,
) -> impl IntoView {
    let link = move |text: String, id: i64| {
        if can_audit {
            view! { <a href=format!("/audit/{id}")>{text}</a> }.into_any()
        } else {
            view! { <span>{text}</span> }.into_any()
        }
    };
    let nothing = reverts.is_none() && reverted_by.is_empty() && !can_revert;
    (!nothing).then(|| {
        view! {
            <p class="revert-links" data-testid="revert-links">
                {reverts.map(|of| link(format!("Reverts change {of}"), of))}
                {(!reverted_by.is_empty()).then(|| view! {
                    <span>
                        "Reverted by "
                        {reverted_by.iter().enumerate().map(|(i, by)| view! {
                            {(i > 0).then_some(", ")}
                            {link(format!("change {by}"), *by)}
                        }).collect_view()}
                    </span>
                })}
                {can_revert.then(|| view! {
                    <a class="button button-secondary" href=revert_href(id)
                        aria-label=format!("Revert change {id}…")>"Revert…"</a>
                })}
            </p>
        }
    })
}
