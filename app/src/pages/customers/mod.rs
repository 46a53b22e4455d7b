//! `/customers`: the merged v2/v3 directory with search, filters, sort, pages and its sync.

mod search;
mod sync;
mod table;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::saved_views::SavedViews;
use crate::api::customers::{directory_status, get_directory_facets, search_customers};
use crate::components::{DirectoryMemory, EmptyState, Guarded, Pager};
use crate::domain::directory::{DirectoryPage, DirectoryQuery, SyncStatus, PAGE_SIZE};
use crate::domain::saved_view::ViewScreen;
use crate::domain::Permission;

use search::SearchForm;
use sync::SyncPanel;
use table::CustomerTable;

#[component]
pub fn CustomersPage() -> impl IntoView {
    view! {
        <Title text="Customers" />
        <Guarded permission=Permission::ReadCustomers>
            <Directory />
        </Guarded>
    }
}

#[component]
fn Directory() -> impl IntoView {
    let params = use_query_map();
    let query =
        Memo::new(move |_| params.with(|map| DirectoryQuery::from_params(|name| map.get(name))));
    // Bumped when a sync or a link changes the directory, so everything is read again.
    let synced = RwSignal::new(0u32);
    let status = Resource::new_blocking(move || synced.get(), |_| directory_status());
    let facets = Resource::new_blocking(move || synced.get(), |_| get_directory_facets());
    // Each page with the query it answers: while the next one loads, the count and the
    // filters it names stay those of the rows shown.
    let results = Resource::new_blocking(
        move || (query.get(), synced.get()),
        |(query, _)| async move {
            search_customers(query.clone())
                .await
                .map(|page| (page, query))
        },
    );
    let memory = DirectoryMemory::get();
    Effect::new(move |_| memory.remember(&query.get()));

    view! {
        <div class="page-head">
            <h1>"Customers"</h1>
            <Suspense fallback=|| ()>
                {move || status.get().map(|loaded| match loaded {
                    Ok(status) => view! { <SyncPanel status synced /> }.into_any(),
                    Err(error) => view! {
                        <p class="notice notice-error" role="alert">{error.to_string()}</p>
                    }.into_any(),
                })}
            </Suspense>
        </div>
        <SavedViews screen=ViewScreen::Customers />
        // Mounted once: a sync or a link that ends while the operator types reads the filters'
        // choices again without replacing the box they are typing in.
        <SearchForm query facets />
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading customers…"</p> }>
            {move || {
                let status = status.get().and_then(Result::ok).unwrap_or_default();
                results.get().map(|loaded| match loaded {
                    Ok((page, query)) => view! { <Results page status query /> }.into_any(),
                    Err(error) => view! {
                        <div class="notice notice-error" role="alert">
                            <p>{format!("The directory could not be read: {error}")}</p>
                            <p><a href=query.get().href()>"Try again"</a></p>
                        </div>
                    }.into_any(),
                })
            }}
        </Transition>
    }
}

#[component]
fn Results(page: DirectoryPage, status: SyncStatus, query: DirectoryQuery) -> impl IntoView {
    if page.total > 0 {
        let pager = (page.pages > 1).then(|| {
            let (at, pages) = (page.page, page.pages);
            let previous = (at > 1).then(|| query.at_page(at - 1).href());
            let next = (at < pages).then(|| query.at_page(at + 1).href());
            let position = Some(format!("Page {at} of {pages}"));
            view! { <Pager label="Pages" previous next position /> }
        });
        return view! {
            <p class="result-count" role="status">{count_text(&page, &query)}</p>
            <CustomerTable rows=page.rows query />
            {pager}
        }
        .into_any();
    }
    let filtered = !query.q.is_empty() || !query.package.is_empty() || !query.state.is_empty();
    if filtered {
        return view! {
            <EmptyState id="no-match-title" title="No customers match">
                <p>{describe_filters(&query)}</p>
                <p><a class="button button-secondary" href="/customers">"Clear search and filters"</a></p>
            </EmptyState>
        }
        .into_any();
    }
    let message = if status.running.is_some() {
        "The first sync is running; customers appear here when it finishes."
    } else if status.last_success_at.is_none() {
        "No sync has completed yet. Refresh from SendGrid to load the customer list."
    } else {
        "SendGrid reported no customers at the last sync."
    };
    view! {
        <EmptyState id="empty-title" title="The directory is empty">
            <p>{message}</p>
        </EmptyState>
    }
    .into_any()
}

fn count_text(page: &DirectoryPage, query: &DirectoryQuery) -> String {
    let noun = if page.total == 1 {
        "customer"
    } else {
        "customers"
    };
    let first = (u64::from(page.page) - 1) * u64::from(PAGE_SIZE) + 1;
    let last = (first + page.rows.len() as u64).saturating_sub(1);
    let filters = describe_filters(query);
    format!(
        "{first}–{last} of {} {noun}{}",
        page.total,
        if filters.is_empty() {
            String::new()
        } else {
            format!(" · {filters}")
        }
    )
}

fn describe_filters(query: &DirectoryQuery) -> String {
    let mut parts = Vec::new();
    if !query.q.is_empty() {
        parts.push(format!("matching “{}”", query.q));
    }
    if !query.package.is_empty() {
        parts.push(format!("on {}", query.package));
    }
    if !query.state.is_empty() {
        parts.push(format!("state {}", query.state));
    }
    parts.join(", ")
}
