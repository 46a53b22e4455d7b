use leptos::prelude::*;

use crate::components::{headings, Column, DataTable, EmptyState, LocalTime, Pager, StatusBadge};
use crate::domain::audit::{duration_display, AuditPage, AuditRow, Kind};

/// The events of one page, newest first, each linking to its detail; then the pager.
#[component]
pub fn AuditTable(page: AuditPage, filter_query: String, filtered: bool) -> impl IntoView {
    let link = move |cursor: &str, id: i64| {
        if filter_query.is_empty() {
            format!("/audit?{cursor}={id}")
        } else {
            format!("/audit?{filter_query}&{cursor}={id}")
        }
    };
    if page.rows.is_empty() {
        let title = if filtered {
            "No events match these filters"
        } else {
            "The audit log is empty"
        };
        return view! {
            <EmptyState id="audit-empty-title" title>
                <p>
                    {if filtered {
                        "Widen the dates or clear a filter."
                    } else {
                        "Sign-ins, operator changes and every change sent to SendGrid will be listed here."
                    }}
                </p>
                {filtered.then(|| view! { <p><a class="button button-secondary" href="/audit">"Clear filters"</a></p> })}
            </EmptyState>
        }
        .into_any();
    }
    let newer = page.newer.map(|id| link("after", id));
    let older = page.older.map(|id| link("before", id));
    let newest = page.newer.is_some().then(|| "/audit".to_string());
    let head = headings(&[
        Column::new("Event"),
        Column::new("Time"),
        Column::new("Operator"),
        Column::new("Customer"),
        Column::new("Action"),
        Column::new("Outcome"),
        Column::new("Duration").numeric(),
    ]);
    view! {
        <DataTable caption="Audit events, newest first" class="audit-table" head>
            {page.rows.into_iter().map(|row| view! { <Row row /> }).collect_view()}
        </DataTable>
        <Pager label="Audit log pages" previous=newer next=older previous_text="Newer" next_text="Older"
            first=newest first_text="Newest" />
    }
    .into_any()
}

#[component]
fn Row(row: AuditRow) -> impl IntoView {
    let AuditRow {
        id,
        occurred_at,
        kind,
        attempt_id,
        operator,
        customer,
        action,
        status,
        upstream_status,
        duration_ms,
    } = row;
    let kind_note = match (kind, attempt_id) {
        (Kind::Attempt, _) => Some("attempt".to_string()),
        (Kind::Result, Some(attempt)) => Some(format!("result of {attempt}")),
        (Kind::Reconcile, Some(attempt)) => Some(format!("reconcile of {attempt}")),
        _ => None,
    };
    view! {
        <tr data-event=id.to_string()>
            <td><a href=format!("/audit/{id}") aria-label=format!("Details of event {id}")>{format!("#{id}")}</a></td>
            <td><LocalTime utc=occurred_at /></td>
            <td>{operator.unwrap_or_default()}</td>
            <td>{customer.unwrap_or_default()}</td>
            <td>
                <code>{action}</code>
                {kind_note.map(|note| view! { <span class="kind-note">{note}</span> })}
            </td>
            <td>
                <StatusBadge status />
                {upstream_status.map(|code| view! { <span class="hint">{format!(" HTTP {code}")}</span> })}
            </td>
            <td class="num">{duration_ms.map(duration_display).unwrap_or_default()}</td>
        </tr>
    }
}
