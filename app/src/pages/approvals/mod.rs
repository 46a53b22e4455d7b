//! `/approvals`: changes waiting for a second person, the latest decided, and (admins) which
//! kinds of change need one. Every form is a plain POST, so the page works without
//! JavaScript.

mod detail;
mod policy;

use leptos::prelude::*;
use leptos_meta::Title;

pub use detail::ApprovalDetailPage;

use crate::api::approvals::{list_approvals, ApprovalsView, SetApprovalPolicy};
use crate::components::{headings, Column, DataTable, Guarded, LocalTime};
use crate::domain::approval::{ApprovalKind, ApprovalRequest, ApprovalStatus};
use crate::domain::{encode_component, Permission};

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    view! {
        <Title text="Approvals" />
        <Guarded permission=Permission::ReadCustomers>
            <Approvals />
        </Guarded>
    }
}

#[component]
fn Approvals() -> impl IntoView {
    // Saving the policy does not read the list again: the form keeps what was typed (a
    // refused value stays to be corrected) and the hint follows the saved policy.
    let set_policy = ServerAction::<SetApprovalPolicy>::new();
    let view = Resource::new_blocking(|| (), |_| list_approvals(None));
    view! {
        <div class="approval-page">
            <div class="page-head">
                <h1>"Approvals"</h1>
                <p class="hint">"Changes a manager asked for that need a second person: a different manager or an admin approves (the change is then made, checked against SendGrid again) or declines with a reason. A request not decided in time expires and never runs."</p>
            </div>
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading approvals…"</p> }>
                {move || view.get().map(|loaded| match loaded {
                    Ok(view) => view! { <Loaded view set_policy /> }.into_any(),
                    Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Loaded(view: ApprovalsView, set_policy: ServerAction<SetApprovalPolicy>) -> impl IntoView {
    let (waiting, decided): (Vec<_>, Vec<_>) = view
        .requests
        .into_iter()
        .partition(|r| r.status == ApprovalStatus::Pending);
    let loaded = view.policy.clone();
    let holds_any = move || {
        set_policy
            .value()
            .get()
            .and_then(Result::ok)
            .unwrap_or_else(|| loaded.clone())
            .any()
    };
    view! {
        <section aria-labelledby="waiting-title">
            <h2 id="waiting-title">"Waiting for a decision"</h2>
            {if waiting.is_empty() {
                view! {
                    <div class="empty-inline" data-testid="no-approvals">
                        <p><strong>"Nothing waits for approval."</strong></p>
                        <p class="hint">{move || if holds_any() {
                            "Changes the policy below holds appear here until someone decides."
                        } else {
                            "No kind of change needs a second person yet; an admin sets that below."
                        }}</p>
                    </div>
                }.into_any()
            } else {
                view! { <RequestTable caption="Requests waiting for a decision, the next to expire first" requests=waiting /> }.into_any()
            }}
        </section>
        {(!decided.is_empty()).then(|| view! {
            <section aria-labelledby="decided-title">
                <h2 id="decided-title">"Decided or expired lately"</h2>
                <RequestTable caption="Requests decided or expired, newest first" requests=decided />
            </section>
        })}
        <policy::PolicySection policy=view.policy can_set=view.can_set_policy set_policy />
    }
}

#[component]
fn RequestTable(caption: &'static str, requests: Vec<ApprovalRequest>) -> impl IntoView {
    let rows = requests
        .into_iter()
        .map(|request| {
            let href = format!("/approvals/{}", request.id);
            let customer = format!("/customers/{}", encode_component(&request.customer));
            let when = match request.status {
                ApprovalStatus::Pending | ApprovalStatus::Expired => request.expires_at.clone(),
                _ => request.decided_at.clone().unwrap_or_default(),
            };
            view! {
                <tr data-testid="approval-request">
                    <td><a href=href>{format!("#{}", request.id)}</a></td>
                    <td>{if request.kind == ApprovalKind::Bulk {
                        "Bulk change".into_any()
                    } else {
                        view! { <a href=customer>{request.customer.clone()}</a> }.into_any()
                    }}</td>
                    <td>{request.kind.label()}</td>
                    <td>{request.summary.clone()}</td>
                    <td>{request.requested_by.clone()}</td>
                    <td><span class=status_class(&request)>{request.standing()}</span></td>
                    <td><LocalTime utc=when /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption=caption class="audit-table"
            head=headings(&[
                Column::new("Request"),
                Column::new("Customer"),
                Column::new("Kind"),
                Column::new("Change"),
                Column::new("Asked by"),
                Column::new("Status"),
                Column::new("Expires / decided"),
            ])>
            {rows}
        </DataTable>
    }
}

pub(crate) fn status_class(request: &ApprovalRequest) -> &'static str {
    match request.status {
        ApprovalStatus::Pending => "badge badge-warn",
        ApprovalStatus::Approved if request.succeeded == Some(false) => "badge badge-warn",
        ApprovalStatus::Approved => "badge badge-ok",
        ApprovalStatus::Declined => "badge badge-danger",
        ApprovalStatus::Expired => "badge",
    }
}
