//! `/audit`: the whole log for auditors, admins and (read-only) managers. Filters are GET
//! query parameters of a plain form, pages are `?before=` / `?after=` links, so everything
//! works without JavaScript.

mod detail;
mod filters;
mod revert;
mod table;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::saved_views::SavedViews;
use crate::api::audit::{audit_daily_counts, list_audit_events};
use crate::components::{DailyChart, Guarded};
use crate::domain::audit_filter::AuditQuery;
use crate::domain::saved_view::ViewScreen;
use crate::domain::Permission;

pub use detail::AuditDetailPage;
pub use revert::RevertPage;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log" />
        <Guarded permission=Permission::ReadAudit>
            <AuditLog />
        </Guarded>
    }
}

#[component]
fn AuditLog() -> impl IntoView {
    let query = use_query_map();
    let current = Memo::new(move |_| query.with(|q| AuditQuery::from_params(|name| q.get(name))));
    let page = Resource::new_blocking(move || current.get(), list_audit_events);
    let chart = Resource::new_blocking(|| (), |_| audit_daily_counts());
    let filter_query = move || {
        current
            .get()
            .filter()
            .ok()
            .map(|f| f.query_string())
            .unwrap_or_default()
    };
    let csv_href = move || match filter_query() {
        query if query.is_empty() => "/audit/export.csv".to_string(),
        query => format!("/audit/export.csv?{query}"),
    };

    view! {
        <div class="page-head">
            <h1>"Audit log"</h1>
            // `rel="external"` keeps the client-side router from treating the file as a page.
            <a class="button button-secondary" href=csv_href rel="external" download="">"Download CSV"</a>
        </div>
        <SavedViews screen=ViewScreen::Audit />
        <filters::FilterForm current />
        <Suspense fallback=|| ()>
            {move || chart.get().map(|loaded| match loaded {
                Ok(days) => view! { <DailyChart days /> }.into_any(),
                Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Suspense>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading events…"</p> }>
            {move || page.get().map(|loaded| match loaded {
                Ok(page) => view! {
                    <table::AuditTable page filter_query=filter_query() filtered=!filter_query().is_empty() />
                }.into_any(),
                Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}
