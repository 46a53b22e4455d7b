//! `/bulk`: choose customers and one change, review it customer by customer, start it; the
//! recent bulk changes. `/bulk/:id`: a job's live progress and its report.
//!
//! Without JavaScript every step is a URL: the chooser is a GET form, the review is
//! `?step=review&…`, and starting posts to `start_bulk`, which redirects to the job's page.

mod chooser;
mod job;
mod recent;
mod review;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use crate::components::Guarded;
use crate::domain::bulk::{BulkForm, OperationForm, SelectionForm};
use crate::domain::Permission;

pub use job::BulkJobPage;

use chooser::BulkChooser;
use recent::RecentJobs;
use review::BulkReviewStep;

/// The bulk form carried in the query string.
fn form_from_query(query: &ParamsMap) -> BulkForm {
    let text = |name: &str| query.get(name).unwrap_or_default();
    BulkForm {
        selection: SelectionForm {
            by: text("by"),
            q: text("q"),
            package: text("package"),
            account_state: text("account_state"),
            count: text("count"),
            pasted: text("pasted"),
        },
        operation: OperationForm {
            op: text("op"),
            name: text("name"),
            quantity: text("quantity"),
            credits: text("credits"),
            state: text("state"),
            plan_package: text("plan_package"),
            timing: text("timing"),
            ip_group: text("ip_group"),
        },
        concurrency: text("concurrency"),
    }
}

/// `/bulk?…` carrying `pairs`.
fn bulk_href(pairs: &[(String, String)]) -> String {
    use crate::domain::encode_component;
    if pairs.is_empty() {
        return "/bulk".to_string();
    }
    let query = pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", encode_component(v)))
        .collect::<Vec<_>>()
        .join("&");
    format!("/bulk?{query}")
}

#[component]
pub fn BulkPage() -> impl IntoView {
    view! {
        <Title text="Bulk changes" />
        <Guarded permission=Permission::ChangeAccounts>
            <BulkHome />
        </Guarded>
    }
}

#[component]
fn BulkHome() -> impl IntoView {
    let query = use_query_map();
    // The step and form in the URL, compared by value: a navigation that sets the same query
    // again must not rebuild the fields and lose what the operator picked since.
    let current =
        Memo::new(move |_| query.with(|q| (q.get("step").unwrap_or_default(), form_from_query(q))));
    view! {
        <div class="page-head">
            <h1>"Bulk changes"</h1>
            <p class="hint">"One change for many customers: choose them, choose the change, review it customer by customer, then start it. Each customer is its own audited change."</p>
        </div>
        {move || {
            let (step, form) = current.get();
            if step == "review" {
                match form.parse() {
                    Ok(_) => view! { <BulkReviewStep form /> }.into_any(),
                    Err(errors) => view! { <BulkChooser form errors /> }.into_any(),
                }
            } else {
                view! { <BulkChooser form errors=Vec::new() /> }.into_any()
            }
        }}
        <RecentJobs />
    }
}
