//! `/scheduled`: every change waiting for a later day, across customers, soonest first:
//! SendGrid's scheduled plan changes and the changes the console holds, each with its cancel
//! (audited, as on the customer's page). The filter is a GET form, so the list works, and can
//! be linked to, without JavaScript.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::offerings::CancelScheduledChange;
use crate::api::plan::CancelPendingChange;
use crate::api::scheduled::{list_waiting_changes, WaitingView};
use crate::components::{headings, Column, ConfirmFirst, DataTable, Guarded};
use crate::domain::encode_component;
use crate::domain::scheduled::{Holder, WaitingChange, WaitingKind};
use crate::domain::Permission;

#[component]
pub fn ScheduledPage() -> impl IntoView {
    view! {
        <Title text="Scheduled changes" />
        <Guarded permission=Permission::ReadCustomers>
            <Scheduled />
        </Guarded>
    }
}

#[component]
fn Scheduled() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| {
            (
                q.get("kind").unwrap_or_default(),
                q.get("due_by").unwrap_or_default(),
            )
        })
    });
    // Above the list, so their outcome survives its reload.
    let cancel_pending = ServerAction::<CancelPendingChange>::new();
    let cancel_held = ServerAction::<CancelScheduledChange>::new();
    let list = Resource::new_blocking(
        move || {
            (
                filter.get(),
                cancel_pending.version().get(),
                cancel_held.version().get(),
            )
        },
        |((kind, due_by), _, _)| list_waiting_changes(Some(kind), Some(due_by)),
    );
    let outcome = move || {
        let pending = cancel_pending
            .value()
            .get()
            .map(|r| r.map(|d| d.summary).map_err(|e| e.to_string()));
        let held = cancel_held
            .value()
            .get()
            .map(|r| r.map(|d| d.summary).map_err(|e| e.to_string()));
        pending.or(held).map(|result| match result {
            Ok(text) => view! { <p class="notice notice-ok" role="status">{text}</p> }.into_any(),
            Err(text) => {
                view! { <p class="notice notice-error" role="alert">{text}</p> }.into_any()
            }
        })
    };

    view! {
        <div class="page-head">
            <h1>"Scheduled changes"</h1>
            <p class="hint">"Every change waiting for a later day: SendGrid's scheduled plan changes, and the offerings and state changes the console holds until they are due."</p>
        </div>
        <FilterForm filter />
        {outcome}
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading scheduled changes…"</p> }>
            {move || list.get().map(|loaded| match loaded {
                Ok(view) => view! { <WaitingTable view cancel_pending cancel_held /> }.into_any(),
                Err(error) => view! {
                    <div class="notice notice-error" role="alert">
                        <p>{error.to_string()}</p>
                        <p><a href="/scheduled">"Show every scheduled change"</a></p>
                    </div>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn FilterForm(filter: Memo<(String, String)>) -> impl IntoView {
    let kind = move || filter.get().0;
    view! {
        <form method="get" action="/scheduled" class="filters" role="search" aria-label="Filter scheduled changes">
            <div class="field">
                <label for="scheduled-kind">"Kind"</label>
                <select id="scheduled-kind" name="kind">
                    <option value="" selected=move || kind().is_empty()>"Every kind"</option>
                    {WaitingKind::ALL.into_iter().map(|k| view! {
                        <option value=k.as_str() selected=move || kind() == k.as_str()>{k.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="scheduled-due-by">"Due by"</label>
                <input id="scheduled-due-by" name="due_by" type="date" value=move || filter.get().1 />
            </div>
            <div class="filters-actions">
                <button type="submit" class="button">"Filter"</button>
                <a href="/scheduled" class="button button-ghost">"Clear"</a>
            </div>
        </form>
    }
}

#[component]
fn WaitingTable(
    view: WaitingView,
    cancel_pending: ServerAction<CancelPendingChange>,
    cancel_held: ServerAction<CancelScheduledChange>,
) -> impl IntoView {
    let note = view
        .note
        .clone()
        .map(|note| view! { <p class="notice notice-warn" role="status">{note}</p> });
    if view.changes.is_empty() {
        return view! {
            {note}
            <div class="empty-inline">
                <p><strong>"Nothing is scheduled."</strong></p>
                <p class="hint">"Changes chosen for the end of a billing cycle appear here until they apply."</p>
            </div>
        }
        .into_any();
    }
    let busy = move || cancel_pending.pending().get() || cancel_held.pending().get();
    let rows = view
        .changes
        .iter()
        .zip(view.cancel_keys.iter())
        .enumerate()
        .map(|(index, (change, key))| {
            let summary_id = format!("waiting-{index}");
            view! {
                <tr data-testid="waiting-change">
                    <td><a href=format!("/customers/{}", encode_component(&change.customer))>{change.customer.clone()}</a></td>
                    <td>{change.kind.map(|k| k.label()).unwrap_or("Other")}</td>
                    <td id=summary_id.clone()>{change.summary.clone()}</td>
                    <td>{change.due.map(|d| d.to_string()).unwrap_or_else(|| "—".to_string())}</td>
                    <td>{held_by(change)}</td>
                    <td>{view.can_cancel.then(|| cancel_form(change, key, &summary_id, cancel_pending, cancel_held, busy))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {note}
        <DataTable caption="Changes waiting for a later day, soonest first" class="audit-table"
            head=headings(&[
                Column::new("Customer"),
                Column::new("Kind"),
                Column::new("Change"),
                Column::new("Due"),
                Column::new("Held by"),
                Column::new("Cancel").unseen(),
            ])>
            {rows}
        </DataTable>
    }
    .into_any()
}

fn held_by(change: &WaitingChange) -> String {
    match (change.holder, &change.created_by) {
        (Holder::SendGrid, _) => "SendGrid".to_string(),
        (Holder::Console, Some(by)) => format!("The console (scheduled by {by})"),
        (Holder::Console, None) => "The console".to_string(),
    }
}

/// "Cancel": SendGrid's pending change through `cancel_pending_change`, a held one through
/// `cancel_scheduled_change`; both audited, as on the customer's page.
fn cancel_form(
    change: &WaitingChange,
    key: &str,
    summary_id: &str,
    cancel_pending: ServerAction<CancelPendingChange>,
    cancel_held: ServerAction<CancelScheduledChange>,
    busy: impl Fn() -> bool + Send + Sync + Copy + 'static,
) -> AnyView {
    let (user, key, summary_id) = (
        change.customer.clone(),
        key.to_string(),
        summary_id.to_string(),
    );
    let what = match change.kind {
        Some(WaitingKind::Upgrade) => "the upgrade",
        Some(WaitingKind::Downgrade) => "the downgrade",
        Some(WaitingKind::Close) => "the close",
        Some(WaitingKind::Offerings) => "the offerings change",
        Some(WaitingKind::State) => "the state change",
        None => "the change",
    };
    let message = match change.holder {
        // API.md §2.6: the scheduled tasks are documented as removed in 2017.
        Holder::SendGrid => format!(
            "Cancel {what} of {user}? SendGrid documents its scheduled changes as removed since \
             2017, so it may not take this change again once it is cancelled."
        ),
        Holder::Console => format!(
            "Cancel {what} of {user}? It will not be made; it can be chosen again on the \
             customer's page."
        ),
    };
    let button = move || {
        view! {
            <button type="submit" class="button button-danger" aria-describedby=summary_id.clone()
                disabled=busy>"Yes, cancel it"</button>
        }
    };
    match (change.holder, change.job_id) {
        (Holder::SendGrid, _) => view! {
            <ConfirmFirst opener="Cancel…".to_string() message=message.clone()>
                <ActionForm action=cancel_pending attr:class="inline-form">
                    <input type="hidden" name="user" value=user />
                    <input type="hidden" name="idempotency_key" value=key />
                    {button()}
                </ActionForm>
            </ConfirmFirst>
        }
        .into_any(),
        (Holder::Console, Some(job_id)) => view! {
            <ConfirmFirst opener="Cancel…".to_string() message>
                <ActionForm action=cancel_held attr:class="inline-form">
                    <input type="hidden" name="user" value=user />
                    <input type="hidden" name="job_id" value=job_id.to_string() />
                    {button()}
                </ActionForm>
            </ConfirmFirst>
        }
        .into_any(),
        (Holder::Console, None) => ().into_any(),
    }
}
