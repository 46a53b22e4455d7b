use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::field_diff::FieldDiff;
use super::local_time::LocalTime;
use super::reconcile::ReconcileButton;
use super::revert_links::RevertLinks;
use super::status_badge::StatusBadge;
use super::unresolved::{UnresolvedPanel, UnresolvedResource};
use super::Me;
use crate::api::audit::{customer_history, list_unresolved, ReconcileAttempt};
use crate::api::ApiError;
use crate::domain::audit::{duration_display, HistoryEntry, HistoryPage};
use crate::domain::Permission;

/// What a customer's History reads: kept by the customer page (made once per page, see
/// `CustomerContext::tab_data`), read only while `showing`.
#[derive(Clone, Copy)]
pub struct HistoryData {
    reconcile: ServerAction<ReconcileAttempt>,
    page: Resource<Option<Result<HistoryPage, ApiError>>>,
    unresolved: UnresolvedResource,
}

impl HistoryData {
    pub fn new(
        customer: Memo<String>,
        showing: impl Fn() -> bool + Send + Sync + 'static,
    ) -> HistoryData {
        let reconcile = ServerAction::<ReconcileAttempt>::new();
        let query = use_query_map();
        let before = Memo::new(move |_| {
            query
                .read()
                .get("before")
                .and_then(|v| v.trim().parse::<i64>().ok())
        });
        let page = Resource::new_blocking(
            move || showing().then(|| (customer.get(), before.get(), reconcile.version().get())),
            |source| async move {
                match source {
                    Some((customer, before, _)) => Some(customer_history(customer, before).await),
                    None => None,
                }
            },
        );
        let unresolved = Resource::new_blocking(
            move || (customer.get(), reconcile.version().get()),
            |(customer, _)| list_unresolved(Some(customer)),
        );
        HistoryData {
            reconcile,
            page,
            unresolved,
        }
    }
}

/// A customer's history from the audit log, as a timeline: each change with who made it, how
/// it ended and what changed, and changes of unknown outcome marked for reconciling.
/// `?before=<id>` pages back, so it works without JavaScript.
#[component]
pub fn CustomerHistory(data: HistoryData) -> impl IntoView {
    let me = Me::get();
    let HistoryData {
        reconcile,
        page,
        unresolved,
    } = data;
    let query = use_query_map();
    let paged = move || query.read().get("before").is_some();

    view! {
        <section class="history" aria-labelledby="history-title">
            <h2 id="history-title">"History"</h2>
            <UnresolvedPanel hide_when_empty=true action=reconcile list=unresolved />
            <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading history…"</p> }>
                {move || page.get().flatten().map(|loaded| match loaded {
                    Ok(page) => view! { <Timeline page paged=paged() me reconcile /> }.into_any(),
                    Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Timeline(
    page: HistoryPage,
    paged: bool,
    me: Me,
    reconcile: ServerAction<ReconcileAttempt>,
) -> impl IntoView {
    if page.entries.is_empty() {
        return view! {
            <div class="empty-inline">
                <p><strong>{if paged { "No older entries." } else { "No history yet." }}</strong></p>
                <p>"Changes made through the console, and their outcomes, appear here."</p>
            </div>
        }
        .into_any();
    }
    let can_reconcile = me.allows(Permission::ChangeAccounts);
    let can_audit = me.allows(Permission::ReadAudit);
    view! {
        <ol class="timeline">
            {page.entries.into_iter().map(|entry| view! {
                <TimelineEntry entry can_reconcile can_audit reconcile />
            }).collect_view()}
        </ol>
        <nav class="pager" aria-label="History pages">
            {paged.then(|| view! { <a href="?">"Newest"</a> })}
            {page.older.map(|id| view! { <a href=format!("?before={id}")>"Older entries"</a> })}
        </nav>
    }
    .into_any()
}

#[component]
fn TimelineEntry(
    entry: HistoryEntry,
    can_reconcile: bool,
    can_audit: bool,
    reconcile: ServerAction<ReconcileAttempt>,
) -> impl IntoView {
    let HistoryEntry {
        id,
        occurred_at,
        operator,
        action,
        status,
        duration_ms,
        message,
        changes,
        reconciled_by,
        reconcile_key,
        reverts,
        reverted_by,
        revertible,
    } = entry;
    let unknown = reconcile_key.map(|key| {
        view! {
            <div class="notice notice-warn timeline-unknown">
                <p>"Outcome unknown: SendGrid may or may not have applied this change. Check before trying it again."</p>
                {if can_reconcile {
                    view! { <ReconcileButton action=reconcile attempt_id=id key /> }.into_any()
                } else {
                    view! { <p class="hint">"A manager or admin can reconcile it."</p> }.into_any()
                }}
            </div>
        }
    });
    view! {
        <li class="timeline-entry" data-status=status.label()>
            <div class="timeline-head">
                <LocalTime utc=occurred_at />
                <code class="timeline-action">{action}</code>
                <StatusBadge status />
                {duration_ms.map(|ms| view! { <span class="hint">{duration_display(ms)}</span> })}
            </div>
            <p class="timeline-who">
                {format!("by {}", operator.unwrap_or_else(|| "an unknown operator".to_string()))}
                {reconciled_by.map(|by| format!("; reconciled by {by}"))}
            </p>
            {message.map(|message| view! { <p class="timeline-message">{message}</p> })}
            {(!changes.is_empty()).then(|| view! { <FieldDiff changes /> })}
            {unknown}
            <RevertLinks reverts reverted_by can_revert=revertible && can_reconcile can_audit id />
            {can_audit.then(|| view! { <a href=format!("/audit/{id}")>{format!("Audit event {id}")}</a> })}
        </li>
    }
}
