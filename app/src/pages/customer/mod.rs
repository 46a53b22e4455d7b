//! `/customers/:user` (a v2 username, or the account id of a v3-only account): the header,
//! and the tabs Plan (the default), Limits, Offerings and History as sub-routes.

mod approvals;
mod directory_link;
mod header;
mod held_jobs;
mod limits;
mod offerings;
pub(crate) mod outcome;
mod plan;
mod revert;
mod tabs;

use std::any::Any;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

use crate::api::customers::get_customer;
use crate::components::{DirectoryMemory, Guarded};
use crate::domain::encode_component;
use crate::domain::{CustomerSummary, Permission};

use header::CustomerHeader;
pub use limits::LimitsTab;
pub use offerings::OfferingsTab;
pub use plan::PlanTab;
pub use tabs::HistoryTab;

/// Shared with the tabs: which customer, and a counter bumped after each change so the
/// header and the tab read SendGrid again.
#[derive(Clone, Copy)]
pub struct CustomerContext {
    pub key: Memo<String>,
    pub changed: RwSignal<u32>,
    pub summary: Resource<Result<Option<CustomerSummary>, crate::api::ApiError>>,
    tabs: StoredValue<TabData>,
}

/// What the tabs keep on the customer page (see [`CustomerContext::tab_data`]).
struct TabData {
    /// The customer page's owner, so what a tab keeps lives as long as the page.
    owner: Owner,
    kept: Vec<(&'static str, Box<dyn Any + Send + Sync>)>,
}

impl CustomerContext {
    /// A tab's data (its resource), made once per customer page under the page's owner. The
    /// router makes a tab's view anew on each server-side pass over the page (its `Outlet` is
    /// a closure run by each pass), so a resource made in the tab itself was read three times
    /// per page view, SendGrid included.
    pub fn tab_data<T>(&self, tab: &'static str, make: impl FnOnce() -> T) -> T
    where
        T: Clone + Send + Sync + 'static,
    {
        let found = self.tabs.with_value(|tabs| {
            tabs.kept
                .iter()
                .find(|(name, _)| *name == tab)
                .and_then(|(_, data)| data.downcast_ref::<T>().cloned())
        });
        if let Some(found) = found {
            return found;
        }
        let owner = self.tabs.with_value(|tabs| tabs.owner.clone());
        let made = owner.with(make);
        self.tabs
            .update_value(|tabs| tabs.kept.push((tab, Box::new(made.clone()))));
        made
    }

    /// What a tab's resource is read by: the customer, the form key in the address (`?key=`,
    /// for the answer a submitted form got) and the change counter; `None` while `tab` is not
    /// the one shown, so a kept resource reads only while its tab is open.
    pub fn tab_source(
        &self,
        tab: &'static str,
    ) -> impl Fn() -> Option<(String, Option<String>, u32)> + Send + Sync + Copy + 'static {
        let showing = CustomerContext::showing(tab);
        let query = use_query_map();
        let key = Memo::new(move |_| query.read().get("key").filter(|k| !k.trim().is_empty()));
        let (customer, changed) = (self.key, self.changed);
        move || showing().then(|| (customer.get(), key.get(), changed.get()))
    }

    /// Whether `tab` is the one shown: a kept resource reads only while its tab is open.
    pub fn showing(tab: &'static str) -> impl Fn() -> bool + Send + Sync + Copy + 'static {
        let location = use_location();
        move || {
            location.pathname.with(|path| {
                let path = path.trim_end_matches('/');
                path.ends_with(&format!("/{tab}"))
                    // The bare customer address shows the Plan tab.
                    || (tab == "plan" && path.matches('/').count() == 2)
            })
        }
    }

    pub fn get() -> CustomerContext {
        expect_context::<CustomerContext>()
    }

    pub fn bump(&self) {
        self.changed.update(|n| *n += 1);
    }
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    view! {
        <Guarded permission=Permission::ReadCustomers>
            <Customer />
        </Guarded>
    }
}

#[component]
fn Customer() -> impl IntoView {
    let params = use_params_map();
    let key = Memo::new(move |_| params.read().get("user").unwrap_or_default());
    let changed = RwSignal::new(0u32);
    let summary = Resource::new_blocking(
        move || (key.get(), changed.get()),
        |(key, _)| get_customer(key),
    );
    let requests: approvals::Requests = Resource::new_blocking(
        move || (key.get(), changed.get()),
        |(key, _)| crate::api::approvals::list_approvals(Some(key)),
    );
    provide_context(CustomerContext {
        key,
        changed,
        summary,
        tabs: StoredValue::new(TabData {
            owner: Owner::current().expect("a component has an owner"),
            kept: Vec::new(),
        }),
    });

    let directory = DirectoryMemory::get();
    // The head is written after the body, and under load the page's signals can already be
    // disposed by then: fall back to the key as it was when the page was built.
    let first_key = key.get_untracked();
    view! {
        <Title text=move || key.try_get().unwrap_or_else(|| first_key.clone()) />
        <p class="breadcrumb"><a href=move || directory.href()>"Customers"</a></p>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading customer…"</p> }>
            {move || summary.get().map(|loaded| match loaded {
                // Read in the same render as the summary: one Transition waits for both.
                Ok(Some(summary)) => view! {
                    <CustomerHeader summary />
                    <approvals::WaitingApprovals requests=approvals::waiting(requests.get()) />
                    <Tabs key=key.get() />
                }.into_any(),
                Ok(None) => view! { <NotFound key=key.get() /> }.into_any(),
                Err(error) => view! {
                    <div class="notice notice-error" role="alert">
                        <p>{format!("This customer could not be loaded: {error}")}</p>
                        <p><a href=format!("/customers/{}", encode_component(&key.get()))>"Try again"</a></p>
                    </div>
                }.into_any(),
            })}
        </Transition>
        <Outlet />
    }
}

#[component]
fn NotFound(key: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="empty-state" aria-labelledby="missing-title">
            <p class="empty-state-code" aria-hidden="true">"404"</p>
            <h1 id="missing-title">"No such customer"</h1>
            <p>{format!("Neither the directory nor SendGrid knows a customer {key:?}.")}</p>
            <p><a class="button" href="/customers">"Back to customers"</a></p>
        </section>
    }
}

const TABS: [(&str, &str); 4] = [
    ("plan", "Plan"),
    ("limits", "Limits"),
    ("offerings", "Offerings"),
    ("history", "History"),
];

#[component]
fn Tabs(key: String) -> impl IntoView {
    let location = use_location();
    let base = format!("/customers/{}", encode_component(&key));
    let links = TABS
        .into_iter()
        .map(|(slug, label)| {
            let href = format!("{base}/{slug}");
            let here = href.clone();
            let bare = base.clone();
            // The bare customer URL shows the Plan tab.
            let current = move || {
                let path = location.pathname.get();
                let path = path.trim_end_matches('/');
                (path == here || (slug == "plan" && path == bare)).then_some("page")
            };
            view! { <a class="tab" href=href aria-current=current>{label}</a> }
        })
        .collect_view();
    view! { <nav class="tabs" aria-label="Customer sections">{links}</nav> }
}

/// The customer the header was loaded for, for tabs that need more than the key.
pub fn display_name(summary: &CustomerSummary) -> String {
    summary.customer.display_name().to_string()
}
