//! `/audit/:id`: one event, the change it belongs to, upstream's answer and what changed.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::audit::{get_audit_event, ReconcileAttempt};
use crate::components::{
    FieldDiff, Guarded, LocalTime, Me, ReconcileButton, ReconcileResult, RevertLinks, StateList,
    StatusBadge,
};
use crate::domain::audit::{
    duration_display, AuditDetail, AuditRow, FieldChange, Kind, Outcome, Status,
};
use crate::domain::Permission;

#[component]
pub fn AuditDetailPage() -> impl IntoView {
    view! {
        <Title text="Audit event" />
        <Guarded permission=Permission::ReadAudit>
            <EventDetail />
        </Guarded>
    }
}

#[component]
fn EventDetail() -> impl IntoView {
    let params = use_params_map();
    let reconcile = ServerAction::<ReconcileAttempt>::new();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let detail = Resource::new_blocking(
        move || (id(), reconcile.version().get()),
        |(id, _)| async move {
            match id.trim().parse::<i64>() {
                Ok(id) => get_audit_event(id).await,
                Err(_) => Err(crate::api::ApiError::Invalid(format!(
                    "{id:?} is not an audit event number."
                ))),
            }
        },
    );
    view! {
        <p class="breadcrumb"><a href="/audit">"← Audit log"</a></p>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading the event…"</p> }>
            {move || detail.get().map(|loaded| match loaded {
                Ok(detail) => view! { <Detail detail reconcile /> }.into_any(),
                Err(error) => view! {
                    <section class="empty-state">
                        <h1>"Event not found"</h1>
                        <p>{error.to_string()}</p>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Detail(detail: AuditDetail, reconcile: ServerAction<ReconcileAttempt>) -> impl IntoView {
    let me = Me::get();
    let AuditDetail {
        row,
        change_status,
        params,
        upstream_status,
        upstream_message,
        duration_ms,
        idempotency_key,
        client_ip,
        prev_hash,
        hash,
        before,
        after,
        changes,
        related,
        reconcile_key,
        reverts,
        reverted_by,
        revertible,
    } = detail;
    // Local events (sign-ins, operator changes) have no upstream answer and no state.
    let local = row.kind == Kind::Event;
    let answer = match (upstream_status, upstream_message) {
        (Some(code), Some(message)) => format!("HTTP {code}: {message}"),
        (None, Some(message)) => message,
        (Some(code), None) => format!("HTTP {code}"),
        (None, None) if local => "—".to_string(),
        (None, None) => match change_status {
            Status::Open => "No answer recorded.".to_string(),
            Status::Done(Outcome::Success) => "Accepted.".to_string(),
            _ => "None recorded.".to_string(),
        },
    };
    let has_state = !before.is_empty() || !after.is_empty();
    let title = format!("Event {}: {}", row.id, row.action);
    let unknown = reconcile_key.map(|key| {
        let attempt = row.attempt_id.unwrap_or(row.id);
        view! {
            <div class="notice notice-warn" role="status">
                <p>"No result was recorded for this change: SendGrid may or may not have applied it."</p>
                {if me.allows(Permission::ChangeAccounts) {
                    view! { <ReconcileButton action=reconcile attempt_id=attempt key /> }.into_any()
                } else {
                    view! { <p class="hint">"A manager or admin can reconcile it."</p> }.into_any()
                }}
            </div>
        }
    });
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        <ReconcileResult action=reconcile />
        {unknown}
        <RevertLinks reverts reverted_by can_revert=revertible && me.allows(Permission::ChangeAccounts)
            can_audit=true id=row.attempt_id.unwrap_or(row.id) />
        <dl class="facts card">
            <div><dt>"Time"</dt><dd><LocalTime utc=row.occurred_at.clone() /></dd></div>
            <div><dt>"Kind"</dt><dd>{row.kind.as_str()}</dd></div>
            <div><dt>"Operator"</dt><dd>{row.operator.clone().unwrap_or_else(|| "—".to_string())}</dd></div>
            <div><dt>"Customer"</dt><dd>{row.customer.clone().unwrap_or_else(|| "—".to_string())}</dd></div>
            <div><dt>"Outcome"</dt><dd><StatusBadge status=change_status /></dd></div>
            <div><dt>"Upstream answer"</dt><dd>{answer}</dd></div>
            <div><dt>"Duration"</dt><dd>{duration_ms.map(duration_display).unwrap_or_else(|| "—".to_string())}</dd></div>
            <div><dt>"Idempotency key"</dt><dd><code>{idempotency_key.unwrap_or_else(|| "—".to_string())}</code></dd></div>
            <div><dt>"Client IP"</dt><dd>{client_ip.unwrap_or_else(|| "—".to_string())}</dd></div>
        </dl>
        {(has_state || !local).then(|| view! { <StateSection changes before after /> })}
        <section class="card detail-section" aria-labelledby="params-title">
            <h2 id="params-title">"Parameters"</h2>
            <p class="hint">"As sent, with anything resembling a credential redacted."</p>
            <pre class="json">{params}</pre>
        </section>
        <section class="card detail-section" aria-labelledby="related-title">
            <h2 id="related-title">"This change in the log"</h2>
            <Related rows=related current=row.id />
        </section>
        <section class="card detail-section" aria-labelledby="chain-title">
            <h2 id="chain-title">"Hash chain"</h2>
            <dl class="facts">
                <div><dt>"Previous hash"</dt><dd><code class="hash">{prev_hash}</code></dd></div>
                <div><dt>"Hash"</dt><dd><code class="hash">{hash}</code></dd></div>
            </dl>
        </section>
    }
}

/// What changed, and the state on each side.
#[component]
fn StateSection(
    changes: Vec<FieldChange>,
    before: Vec<(String, String)>,
    after: Vec<(String, String)>,
) -> impl IntoView {
    let summary = if !changes.is_empty() {
        view! { <FieldDiff changes /> }.into_any()
    } else if before.is_empty() || after.is_empty() {
        view! { <p class="hint">"The state was not recorded on both sides of this change, so there is nothing to compare."</p> }.into_any()
    } else {
        view! { <p class="hint">"The state read after the change is the same as before it."</p> }
            .into_any()
    };
    let side = |fields: Vec<(String, String)>| {
        if fields.is_empty() {
            view! { <p class="hint">"Not recorded."</p> }.into_any()
        } else {
            view! { <StateList fields /> }.into_any()
        }
    };
    view! {
        <section class="card detail-section" aria-labelledby="changes-title">
            <h2 id="changes-title">"What changed"</h2>
            {summary}
            <div class="state-columns">
                <div><h3>"Before"</h3>{side(before)}</div>
                <div><h3>"After"</h3>{side(after)}</div>
            </div>
        </section>
    }
}

#[component]
fn Related(rows: Vec<AuditRow>, current: i64) -> impl IntoView {
    view! {
        <ol class="related">
            {rows.into_iter().map(|row| {
                let label = format!("{} {}", row.kind.as_str(), row.id);
                view! {
                    <li>
                        {if row.id == current {
                            view! { <strong aria-current="true">{label}</strong> }.into_any()
                        } else {
                            view! { <a href=format!("/audit/{}", row.id)>{label}</a> }.into_any()
                        }}
                        " "
                        <LocalTime utc=row.occurred_at />
                        " "
                        <StatusBadge status=row.status />
                        {row.operator.map(|op| format!(" by {op}"))}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}
