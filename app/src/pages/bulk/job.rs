//! `/bulk/:id`: a bulk change's live progress (server-sent events while it runs), cancel,
//! and the final report with retry of the failed customers or resume after an interruption.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::bulk::{get_bulk_job, CancelBulk, RerunBulk};
use crate::components::{headings, Column, DataTable, Guarded};
use crate::domain::bulk::{
    describe_seconds, BulkError, ItemStatus, ItemView, JobStatus, JobView, Progress,
};
use crate::domain::directory::format_utc;
use crate::domain::Permission;

#[component]
pub fn BulkJobPage() -> impl IntoView {
    view! {
        <Title text="Bulk change" />
        <Guarded permission=Permission::ChangeAccounts>
            <JobLoader />
        </Guarded>
    }
}

#[component]
fn JobLoader() -> impl IntoView {
    let params = use_params_map();
    let cancel = ServerAction::<CancelBulk>::new();
    let rerun = ServerAction::<RerunBulk>::new();
    let job = Resource::new_blocking(
        move || {
            let id = params.with(|p| p.get("id").and_then(|v| v.parse::<i64>().ok()));
            (id, cancel.version().get(), rerun.version().get())
        },
        |(id, _, _)| async move {
            match id {
                Some(id) => get_bulk_job(id).await,
                None => Err(BulkError::NotFound(
                    "There is no such bulk change.".to_string(),
                )),
            }
        },
    );
    view! {
        <p class="breadcrumb"><a href="/bulk">"Bulk changes"</a></p>
        <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading the bulk change…"</p> }>
            {move || job.get().map(|answer| match answer {
                Ok(view) => view! { <JobBody view cancel rerun /> }.into_any(),
                Err(error) => view! {
                    <section class="empty-state">
                        <h1>"Bulk change not available"</h1>
                        <p>{error.to_string()}</p>
                        <p><a class="button" href="/bulk">"All bulk changes"</a></p>
                    </section>
                }.into_any(),
            })}
        </Suspense>
    }
}

/// Applies one progress event: the counts and status, and the customers it names.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn apply(update: Progress, progress: RwSignal<Progress>, items: RwSignal<Vec<ItemView>>) {
    items.update(|list| {
        for item in &update.items {
            if let Some(slot) = list.get_mut((item.position as usize).saturating_sub(1)) {
                if slot.seq <= item.seq {
                    *slot = item.clone();
                }
            }
        }
    });
    progress.set(Progress {
        items: Vec::new(),
        ..update
    });
}

/// Listens to the job's event stream until it ends or the page goes away.
#[cfg(feature = "hydrate")]
fn listen(id: i64, seq: i64, progress: RwSignal<Progress>, items: RwSignal<Vec<ItemView>>) {
    use leptos::reactive::owner::on_cleanup;
    use send_wrapper::SendWrapper;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    let Ok(source) = web_sys::EventSource::new(&format!("/bulk/{id}/events?since={seq}")) else {
        return;
    };
    let on_progress =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            if let Some(update) = event
                .data()
                .as_string()
                .and_then(|text| serde_json::from_str::<Progress>(&text).ok())
            {
                apply(update, progress, items);
            }
        });
    let closing = source.clone();
    let on_end = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| closing.close());
    let _ =
        source.add_event_listener_with_callback("progress", on_progress.as_ref().unchecked_ref());
    let _ = source.add_event_listener_with_callback("end", on_end.as_ref().unchecked_ref());
    let held = SendWrapper::new((source, on_progress, on_end));
    on_cleanup(move || held.0.close());
}

#[component]
fn JobBody(
    view: JobView,
    cancel: ServerAction<CancelBulk>,
    rerun: ServerAction<RerunBulk>,
) -> impl IntoView {
    let query = use_query_map();
    let progress = RwSignal::new(view.progress.clone());
    let items = RwSignal::new(view.all_items.clone());
    let (id, seq, active) = (view.id, view.progress.seq, view.progress.status.is_active());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if active {
            listen(id, seq, progress, items);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, seq, active);
    });
    let returned_error = query.with_untracked(|q| q.get("error"));
    let problem = move || {
        [
            cancel.value().get().and_then(|r| r.err()),
            rerun.value().get().and_then(|r| r.err()),
        ]
        .into_iter()
        .flatten()
        .map(|e| e.to_string())
        .next()
        .or_else(|| returned_error.clone())
    };
    let status = move || progress.with(|p| p.status);
    let counts = move || progress.with(|p| p.counts);

    view! {
        <div class="page-head">
            <h1>{format!("Bulk change #{}", view.id)}</h1>
            <p class="review-statement"><strong>{view.summary.clone()}</strong></p>
            <p class="hint">{format!(
                "Started by {} on {}, {} customers at a time.",
                view.created_by, format_utc(&view.created_at), view.concurrency
            )}</p>
        </div>
        {move || problem().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
        <section class="card bulk-progress" aria-labelledby="bulk-progress-title">
            <h2 id="bulk-progress-title">{move || status().label()}</h2>
            <ProgressBar progress />
            <div class="form-actions">
                {move || status().is_active().then(|| view! {
                    <ActionForm action=cancel attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string() />
                        <button class="button button-danger" type="submit" disabled=move || status() == JobStatus::Cancelling>
                            "Cancel: start no more customers"
                        </button>
                    </ActionForm>
                })}
                {move || (!status().is_active() && counts().failed > 0).then(|| view! {
                    <ActionForm action=rerun attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="what" value="failed" />
                        <button class="button" type="submit" disabled=move || rerun.pending().get()>
                            {format!("Retry the {} failed", counts().failed)}
                        </button>
                    </ActionForm>
                })}
                {move || (!status().is_active() && counts().pending > 0).then(|| view! {
                    <ActionForm action=rerun attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string() />
                        <input type="hidden" name="what" value="resume" />
                        <button class="button button-secondary" type="submit" disabled=move || rerun.pending().get()>
                            {format!("Start the {} not started", counts().pending)}
                        </button>
                    </ActionForm>
                })}
            </div>
            {view.stopped_because.clone().map(|why| view! {
                <p class="notice notice-warn" role="status" data-testid="bulk-stopped">
                    {format!("Stopped by the console: {why}. No further customer was started; the ones not started can be started by an operator who may change accounts.")}
                </p>
            })}
            {move || (counts().unknown > 0).then(|| view! {
                <p class="notice notice-warn" role="status">
                    "Some outcomes are unknown: SendGrid got the change and no answer came back. Open each one's history and reconcile it before trying again; they are never retried by themselves."
                </p>
            })}
        </section>
        <ItemTable items />
    }
}

#[component]
fn ProgressBar(progress: RwSignal<Progress>) -> impl IntoView {
    let line = move || {
        progress.with(|p| {
            let c = p.counts;
            let mut parts = vec![
                format!("{} done", c.done),
                format!("{} failed", c.failed),
                format!("{} unknown", c.unknown),
                format!("{} skipped", c.skipped),
                format!("{} remaining", c.remaining()),
            ];
            if let Some(rate) = p.rate {
                parts.push(format!("{rate:.1} customers/s"));
            }
            if let Some(eta) = p.eta_seconds {
                parts.push(format!("about {} left", describe_seconds(eta)));
            }
            parts.join(" · ")
        })
    };
    view! {
        <div class="bulk-progress-bar" role="status" aria-live="polite">
            <progress aria-label="Customers finished" max=move || progress.with(|p| p.counts.total.max(1))
                value=move || progress.with(|p| p.counts.finished())></progress>
            <p class="bulk-progress-figure" data-testid="bulk-progress">
                {move || progress.with(|p| format!(
                    "{} of {} finished ({}%)", p.counts.finished(), p.counts.total, p.counts.percent()
                ))}
            </p>
            <p class="bulk-progress-counts">{line}</p>
        </div>
    }
}

const FILTERS: [(&str, &str); 6] = [
    ("", "All"),
    ("failed", "Failed"),
    ("unknown", "Unknown"),
    ("pending", "Not started"),
    ("done", "Done"),
    ("skipped", "Skipped"),
];

fn status_badge(status: ItemStatus) -> &'static str {
    match status {
        ItemStatus::Done => "badge badge-ok",
        ItemStatus::Failed => "badge badge-danger",
        ItemStatus::Unknown => "badge badge-warn",
        ItemStatus::Running => "badge badge-info",
        ItemStatus::Pending | ItemStatus::Skipped => "badge",
    }
}

#[component]
fn ItemTable(items: RwSignal<Vec<ItemView>>) -> impl IntoView {
    let query = use_query_map();
    let show = move || query.with(|q| q.get("show").unwrap_or_default());
    let shown = move || {
        let show = show();
        items.with(|list| {
            list.iter()
                .filter(|i| show.is_empty() || i.status.as_str() == show)
                .cloned()
                .collect::<Vec<_>>()
        })
    };
    view! {
        <section class="card" aria-labelledby="bulk-items-title">
            <h2 id="bulk-items-title">"Customers"</h2>
            <nav class="tabs bulk-filter" aria-label="Show customers by outcome">
                {FILTERS.into_iter().map(|(value, label)| {
                    let href = if value.is_empty() { "?".to_string() } else { format!("?show={value}") };
                    view! {
                        <a class="tab" href=href aria-current=move || (show() == value).then_some("page")>{label}</a>
                    }
                }).collect_view()}
            </nav>
            <DataTable caption="The job's customers, in the order they were chosen" class="bulk-items"
                head=headings(&[
                    Column::new("#"),
                    Column::new("Customer"),
                    Column::new("Outcome"),
                    Column::new("Details"),
                    Column::new("Audit"),
                ])>
                        <For each=shown key=|item| (item.position, item.seq) let:item>
                            <tr data-status=item.status.as_str()>
                                <td>{item.position}</td>
                                <td><a href=format!("/customers/{}/history", item.customer)>{item.name.clone()}</a></td>
                                <td><span class=status_badge(item.status)>{item.status.label()}</span></td>
                                <td>{item.message.clone()}</td>
                                <td>{item.attempt_id.map(|a| view! { <a href=format!("/audit/{a}")>{format!("#{a}")}</a> })}</td>
                            </tr>
                        </For>
            </DataTable>
            {move || shown().is_empty().then(|| view! { <p class="empty-inline">"No customer with this outcome."</p> })}
        </section>
    }
}
