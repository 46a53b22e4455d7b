//! The customer's changes waiting for a second person, above the tabs, each linking to its
//! request on the Approvals page.

use leptos::prelude::*;

use crate::api::approvals::ApprovalsView;
use crate::api::ApiError;
use crate::domain::approval::{ApprovalRequest, ApprovalStatus};

/// The customer's requests, read by the page beside its summary.
pub type Requests = Resource<Result<ApprovalsView, ApiError>>;

/// The requests still waiting, from what was read (none while it loads or if it failed: the
/// Approvals page lists them all the same).
pub fn waiting(read: Option<Result<ApprovalsView, ApiError>>) -> Vec<ApprovalRequest> {
    read.and_then(Result::ok)
        .map(|view| {
            view.requests
                .into_iter()
                .filter(|r| r.status == ApprovalStatus::Pending)
                .collect()
        })
        .unwrap_or_default()
}

#[component]
pub fn WaitingApprovals(requests: Vec<ApprovalRequest>) -> impl IntoView {
    (!requests.is_empty()).then(|| {
        view! {
            <section class="notice notice-warn" aria-labelledby="waiting-approval-title" data-testid="waiting-approvals">
                <h2 id="waiting-approval-title" class="notice-title">"Waiting for a second person"</h2>
                <ul>
                    {requests.into_iter().map(|r| view! {
                        <li>
                            <a href=format!("/approvals/{}", r.id)>{format!("Request #{}", r.id)}</a>
                            {format!(": {} (asked by {})", r.summary, r.requested_by)}
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        }
    })
}
