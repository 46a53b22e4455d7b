//! `/approvals/:id`: one request with the review the requester saw, the account as SendGrid
//! reported it then and as it reports it now (read again on opening), and the decision.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::status_class;
use crate::api::approvals::{get_approval, ApprovalDetailView, ApproveRequest, DeclineRequest};
use crate::components::{headings, Column, ConfirmFirst, DataTable, Guarded, LocalTime};
use crate::domain::approval::{ApprovalKind, ApprovalRequest, ApprovalStatus, StateLine};
use crate::domain::{encode_component, Permission};

#[component]
pub fn ApprovalDetailPage() -> impl IntoView {
    view! {
        <Title text="Approval request" />
        <Guarded permission=Permission::ReadCustomers>
            <RequestDetail />
        </Guarded>
    }
}

#[component]
fn RequestDetail() -> impl IntoView {
    let params = use_params_map();
    let approve = ServerAction::<ApproveRequest>::new();
    let decline = ServerAction::<DeclineRequest>::new();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let detail = Resource::new_blocking(
        move || (id(), approve.version().get(), decline.version().get()),
        |(id, _, _)| async move {
            match id.trim().parse::<i64>() {
                Ok(id) => get_approval(id).await,
                Err(_) => Err(crate::api::ApiError::Invalid(format!(
                    "{id:?} is not a request number."
                ))),
            }
        },
    );
    let refused = move || {
        let approve = approve.value().get().and_then(|r| r.err());
        let decline = decline.value().get().and_then(|r| r.err());
        approve.or(decline).map(
            |error| view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> },
        )
    };
    view! {
        <div class="approval-page">
            <p class="breadcrumb"><a href="/approvals">"← Approvals"</a></p>
            {refused}
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading the request…"</p> }>
                {move || detail.get().map(|loaded| match loaded {
                    Ok(detail) => view! { <Detail detail approve decline /> }.into_any(),
                    Err(error) => view! {
                        <section class="empty-state">
                            <h1>"Request not found"</h1>
                            <p>{error.to_string()}</p>
                        </section>
                    }.into_any(),
                })}
            </Transition>
        </div>
    }
}

#[component]
fn Detail(
    detail: ApprovalDetailView,
    approve: ServerAction<ApproveRequest>,
    decline: ServerAction<DeclineRequest>,
) -> impl IntoView {
    let request = detail.request.clone();
    let customer_href = format!("/customers/{}", encode_component(&request.customer));
    let changed = detail.state.iter().filter(|l| l.changed()).count();
    // A bulk change's "then and now" is the customers its form chooses, from the directory.
    let bulk = request.kind == ApprovalKind::Bulk;
    let (since_title, unchanged) = match bulk {
        true => (
            "The customers then and now",
            "The form chooses the same customers as when asked.",
        ),
        false => (
            "The account then and now",
            "Nothing changed at SendGrid since the request: the account is as the requester reviewed it.",
        ),
    };
    let since = match (&detail.unread, changed) {
        (Some(why), _) => view! { <p class="notice notice-warn" role="status">{why.clone()}</p> }.into_any(),
        (None, 0) if request.status == ApprovalStatus::Pending => view! {
            <p class="notice notice-ok" role="status" data-testid="changed-since">{unchanged}</p>
        }.into_any(),
        (None, 0) => ().into_any(),
        (None, n) => view! {
            <p class="notice notice-warn" role="status" data-testid="changed-since">{format!(
                "{n} {} changed at SendGrid since the request (marked below). Approving makes the change against the account as it is now; its rules are checked again.",
                if n == 1 { "field" } else { "fields" }
            )}</p>
        }.into_any(),
    };
    view! {
        <div class="page-head">
            <h1>{format!("Request #{}: {}", request.id, request.kind.label())}</h1>
            <p><span class=status_class(&request) data-testid="approval-status">{request.standing()}</span></p>
        </div>
        <section class="card" aria-labelledby="review-title">
            <h2 id="review-title">"The change"</h2>
            <p class="review-summary" data-testid="approval-summary">{request.summary.clone()}</p>
            <dl class="facts">
                {if request.kind == ApprovalKind::Bulk {
                    view! { <dt>"Customers"</dt><dd>"The bulk change's, as chosen below"</dd> }.into_any()
                } else {
                    view! { <dt>"Customer"</dt><dd><a href=customer_href>{request.customer.clone()}</a></dd> }.into_any()
                }}
                <dt>"Asked by"</dt><dd>{request.requested_by.clone()}</dd>
                <dt>"Asked at"</dt><dd><LocalTime utc=request.requested_at.clone() /></dd>
                <dt>"Expires"</dt><dd><LocalTime utc=request.expires_at.clone() /></dd>
                {detail.fields.iter().map(|(name, value)| view! {
                    <dt>{name.clone()}</dt><dd><code>{value.clone()}</code></dd>
                }).collect_view()}
            </dl>
        </section>
        <section class="card" aria-labelledby="since-title">
            <h2 id="since-title">{since_title}</h2>
            {since}
            <StateTable lines=detail.state.clone() />
        </section>
        <Decision request detail=detail.clone() approve decline />
    }
}

#[component]
fn StateTable(lines: Vec<StateLine>) -> impl IntoView {
    if lines.is_empty() {
        return view! { <p class="hint">"SendGrid's state was not read when the request was made."</p> }.into_any();
    }
    let rows = lines
        .into_iter()
        .map(|line| {
            let changed = line.changed();
            view! {
                <tr class:changed=changed data-changed=changed.to_string()>
                    <th scope="row">{line.field}</th>
                    <td>{line.then.unwrap_or_else(|| "—".to_string())}</td>
                    <td>{line.now.unwrap_or_else(|| "—".to_string())}</td>
                    <td>{if changed { "Changed" } else { "" }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable caption="Each field when the request was made and now" class="audit-table"
            head=headings(&[
                Column::new("Field"),
                Column::new("When asked"),
                Column::new("Now"),
                Column::new("Since").unseen(),
            ])>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// The decision: the forms while the request waits (never Approve for its own requester),
/// otherwise who decided and how the change ended.
#[component]
fn Decision(
    request: ApprovalRequest,
    detail: ApprovalDetailView,
    approve: ServerAction<ApproveRequest>,
    decline: ServerAction<DeclineRequest>,
) -> impl IntoView {
    let decided_by = request.decided_by.clone().unwrap_or_default();
    match request.status {
        ApprovalStatus::Pending if detail.can_decide => {
            let own = request.requested_by.eq_ignore_ascii_case(&detail.me);
            let busy = move || approve.pending().get() || decline.pending().get();
            let (id, approve_id) = (request.id.to_string(), request.id.to_string());
            view! {
                <section class="card" aria-labelledby="decide-title">
                    <h2 id="decide-title">"Decide"</h2>
                    {if own {
                        view! { <p class="hint" data-testid="own-request">"You asked for this change, so a different manager or an admin must approve it. You can withdraw it by declining."</p> }.into_any()
                    } else {
                        view! {
                            <ConfirmFirst opener="Approve…".to_string() message=format!(
                                "Approving makes the change now, in your name, with {} named as its requester: {}",
                                request.requested_by, request.summary
                            )>
                                <ActionForm action=approve attr:class="inline-form">
                                    <input type="hidden" name="id" value=approve_id />
                                    <button type="submit" class="button" disabled=busy>
                                        {move || if approve.pending().get() { "Approving…" } else { "Approve and make the change" }}
                                    </button>
                                </ActionForm>
                            </ConfirmFirst>
                        }.into_any()
                    }}
                    <ActionForm action=decline attr:class="decline-form">
                        <input type="hidden" name="id" value=id />
                        <div class="field">
                            <label for="decline-reason">{if own { "Why withdraw it" } else { "Why decline it" }}</label>
                            <textarea id="decline-reason" name="reason" rows="2" required maxlength="1000"></textarea>
                        </div>
                        <button type="submit" class="button button-danger" disabled=busy>
                            {if own { "Withdraw" } else { "Decline" }}
                        </button>
                    </ActionForm>
                </section>
            }
            .into_any()
        }
        ApprovalStatus::Pending => view! {
            <p class="hint">"A manager or an admin decides; your role can read requests only."</p>
        }
        .into_any(),
        ApprovalStatus::Expired => view! {
            <p class="notice notice-warn" role="status">"This request expired without a decision; its change will never run. The requester can submit it again."</p>
        }
        .into_any(),
        ApprovalStatus::Declined => view! {
            <div class="notice notice-error" role="status" data-testid="approval-decision">
                <p>{format!("Declined by {decided_by}: {}", request.reason.clone().unwrap_or_default())}</p>
                <p class="hint">"Nothing was sent to SendGrid."</p>
            </div>
        }
        .into_any(),
        ApprovalStatus::Approved => {
            let audit = request
                .attempt_id
                .map(|id| view! { <p><a href=format!("/audit/{id}")>{format!("Change #{id} in the audit log")}</a></p> });
            let bulk = request
                .job_id
                .filter(|_| request.kind == ApprovalKind::Bulk)
                .map(|id| view! { <p><a href=format!("/bulk/{id}")>{format!("Bulk change #{id}: its progress")}</a></p> });
            let class = if request.succeeded == Some(true) {
                "notice notice-ok"
            } else {
                "notice notice-warn"
            };
            view! {
                <div class=class role="status" data-testid="approval-decision">
                    <p>{format!("Approved by {decided_by}.")}</p>
                    <p>{request.result.clone().unwrap_or_else(|| "The change is being made.".to_string())}</p>
                    {audit}
                    {bulk}
                </div>
            }
            .into_any()
        }
    }
}
