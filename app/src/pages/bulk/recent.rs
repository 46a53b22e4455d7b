//! The recent bulk changes on /bulk, newest first.

use leptos::prelude::*;

use crate::api::bulk::list_bulk_jobs;
use crate::components::{headings, Column, DataTable};
use crate::domain::bulk::JobSummary;
use crate::domain::directory::format_utc;

#[component]
pub fn RecentJobs() -> impl IntoView {
    let jobs = Resource::new_blocking(|| (), |_| list_bulk_jobs());
    view! {
        <section class="card bulk-recent" aria-labelledby="bulk-recent-title">
            <h2 id="bulk-recent-title">"Recent bulk changes"</h2>
            <Suspense fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
                {move || jobs.get().map(|answer| match answer {
                    Ok(list) if list.is_empty() => view! {
                        <p class="empty-inline">"No bulk change yet. The ones you start are listed here with their progress."</p>
                    }.into_any(),
                    Ok(list) => view! { <JobTable list /> }.into_any(),
                    Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn JobTable(list: Vec<JobSummary>) -> impl IntoView {
    let head = headings(&[
        Column::new("#"),
        Column::new("Change"),
        Column::new("Started by"),
        Column::new("Started"),
        Column::new("Status"),
        Column::new("Progress"),
    ]);
    view! {
        <DataTable caption="Recent bulk changes, newest first" head>
                    {list.into_iter().map(|job| view! {
                        <tr>
                            <td><a href=format!("/bulk/{}", job.id)>{format!("#{}", job.id)}</a></td>
                            <td>{job.summary.clone()}</td>
                            <td>{job.created_by.clone()}</td>
                            <td>{format_utc(&job.created_at)}</td>
                            <td>{job.status.label()}</td>
                            <td>{format!(
                                "{} of {} finished: {} done, {} failed, {} unknown",
                                job.counts.finished(), job.counts.total, job.counts.done, job.counts.failed, job.counts.unknown
                            )}</td>
                        </tr>
                    }).collect_view()}
        </DataTable>
    }
}
