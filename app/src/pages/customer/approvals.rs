//! The customer's changes waiting for a second person, above the tabs, each linking to its
//! request on the Approvals page.

use leptos::prelude::*;

use crate::api::approvals::ApprovalsView;
use crate::api::ApiError;
use crate::domain::approval::ApprovalStatus;

/// The customer's requests, read by the page beside its summary (created there, in the same
/// order on the server and in the browser, so the page's data hydrates in order).
pub type Requests = Resource<Result<ApprovalsView, ApiError>>;

#[component]
pub fn WaitingApprovals(requests: Requests) -> impl IntoView {
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
