//! The customer's changes waiting for a second person, above the tabs, each linking to its
//! request on the Approvals page.

use leptos::prelude::*;

use super::CustomerContext;
use crate::api::approvals::list_approvals;
use crate::domain::approval::ApprovalStatus;

#[component]
pub fn WaitingApprovals(key: String) -> impl IntoView {
    let changed = use_context::<CustomerContext>().map(|c| c.changed);
    let requests = Resource::new_blocking(
        move || (key.clone(), changed.map(|c| c.get())),
        |(key, _)| list_approvals(Some(key)),
    );
    view! {
        <Transition fallback=|| ()>
            {move || requests.get().and_then(Result::ok).map(|view| {
                let waiting: Vec<_> = view
                    .requests
                    .into_iter()
                    .filter(|r| r.status == ApprovalStatus::Pending)
                    .collect();
                (!waiting.is_empty()).then(|| view! {
                    <section class="notice notice-warn" aria-labelledby="waiting-approval-title" data-testid="waiting-approvals">
                        <h2 id="waiting-approval-title" class="notice-title">"Waiting for a second person"</h2>
                        <ul>
                            {waiting.into_iter().map(|r| view! {
                                <li>
                                    <a href=format!("/approvals/{}", r.id)>{format!("Request #{}", r.id)}</a>
                                    {format!(": {} (asked by {})", r.summary, r.requested_by)}
                                </li>
                            }).collect_view()}
                        </ul>
                    </section>
                })
            })}
        </Transition>
    }
}
