use leptos::prelude::*;

use crate::components::{LocalTime, StatusBadge};
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
        return view! {
            <section class="empty-state" aria-labelledby="audit-empty-title">
                <h2 id="audit-empty-title">
                    {if filtered { "No events match these filters" } else { "The audit log is empty" }}
                </h2>
                <p>
                    {if filtered {
                        "Widen the dates or clear a filter."
                    } else {
                        "Sign-ins, operator changes and every change sent to SendGrid will be listed here."
                    }}
                </p>
                {filtered.then(|| view! { <p><a class="button button-secondary" href="/audit">"Clear filters"</a></p> })}
            </section>
        }
        .into_any();
    }
    let newer = page.newer.map(|id| link("after", id));
    let older = page.older.map(|id| link("before", id));
    let at_newest = page.newer.is_none();
    view! {
        <div class="table-wrap">
            <table class="audit-table">
                <caption class="visually-hidden">"Audit events, newest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Event"</th>
                        <th scope="col">"Time"</th>
                        <th scope="col">"Operator"</th>
                        <th scope="col">"Customer"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Outcome"</th>
                        <th scope="col" class="num">"Duration"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.rows.into_iter().map(|row| view! { <Row row /> }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Audit log pages">
            {(!at_newest).then(|| view! { <a href="/audit">"Newest"</a> })}
            {newer.map(|href| view! { <a href=href rel="prev">"Newer"</a> })}
            {older.map(|href| view! { <a href=href rel="next">"Older"</a> })}
        </nav>
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
