//! The search box and filters: a plain GET form, so `?q=` works without JavaScript; with it,
//! the URL follows the typing (debounced) and the results follow the URL.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

use crate::api::ApiError;
use crate::domain::directory::{DirectoryFacets, DirectoryQuery};

/// Wait this long after the last keystroke before searching.
const DEBOUNCE: Duration = Duration::from_millis(250);

/// The directory's facets as the page reads them (again after each sync).
pub type FacetsResource = Resource<Result<DirectoryFacets, ApiError>>;

#[component]
pub fn SearchForm(query: Memo<DirectoryQuery>, facets: FacetsResource) -> impl IntoView {
    let initial = query.get_untracked();
    let navigate = use_navigate();
    let location = use_location();
    let pending = StoredValue::new(None::<TimeoutHandle>);
    // The screen may go before the debounce ends (a result clicked, the form submitted with
    // Enter, Back): the late search must not take the person back to the list.
    on_cleanup(move || {
        if let Some(handle) = pending.try_get_value().flatten() {
            handle.clear();
        }
    });
    // The box follows the address when something else than typing changed it (a saved view's
    // link, Back); while typing, the address follows the box, trimmed, and is left alone.
    let search_box = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        let q = query.get().q;
        if let Some(field) = search_box.get_untracked() {
            if field.value().trim() != q {
                field.set_value(&q);
            }
        }
    });
    let (path, search) = (location.pathname, location.search);
    let here = move || (path.get_untracked(), search.get_untracked());

    let go = move |next: DirectoryQuery| {
        navigate(
            &next.href(),
            NavigateOptions {
                replace: true,
                scroll: false,
                ..Default::default()
            },
        );
    };
    let on_input = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            if let Some(handle) = pending.get_value() {
                handle.clear();
            }
            let go = go.clone();
            let next = DirectoryQuery {
                q: text.trim().to_string(),
                page: 1,
                ..query.get_untracked()
            };
            // The person's last action wins: if anything navigated since this keystroke (a
            // click on a result, Enter, a sort link), the typing is no longer what they want.
            let typed_at = here();
            let late_search = move || {
                if here() == typed_at {
                    go(next);
                }
            };
            pending.set_value(set_timeout_with_handle(late_search, DEBOUNCE).ok());
        }
    };
    let on_package = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            go(DirectoryQuery {
                package: event_target_value(&ev),
                page: 1,
                ..query.get_untracked()
            })
        }
    };
    let on_state = move |ev: leptos::ev::Event| {
        go(DirectoryQuery {
            state: event_target_value(&ev),
            page: 1,
            ..query.get_untracked()
        })
    };

    // The choices are what the directory holds: every package and state present, read again
    // when the directory changes (the filter chosen stays listed).
    let package = Memo::new(move |_| query.with(|q| q.package.clone()));
    let state = Memo::new(move |_| query.with(|q| q.state.clone()));
    let choices = move |values: fn(DirectoryFacets) -> Vec<String>,
                        chosen: Memo<String>,
                        all: &'static str| {
        view! {
            <Transition fallback=|| ()>
                {move || facets.get().map(|loaded| {
                    options(values(loaded.unwrap_or_default()), chosen.get(), all)
                })}
            </Transition>
        }
    };

    view! {
        <Form method="get" action="/customers" replace=true noscroll=true attr:role="search" attr:class="directory-search">
            <div class="field field-grow">
                <label for="customer-search">"Search customers"</label>
                <input node_ref=search_box id="customer-search" type="search" name="q" value=initial.q.clone()
                    placeholder="Username, email, name or company" autocomplete="off" maxlength="200"
                    on:input=on_input />
            </div>
            <div class="field">
                <label for="filter-package">"Package"</label>
                // Follows the address too: a saved view's link or Back changes the filter.
                <select id="filter-package" name="package" on:change=on_package prop:value=move || query.get().package>
                    {choices(|facets| facets.packages, package, "All packages")}
                </select>
            </div>
            <div class="field">
                <label for="filter-state">"State"</label>
                <select id="filter-state" name="state" on:change=on_state prop:value=move || query.get().state>
                    {choices(|facets| facets.states, state, "All states")}
                </select>
            </div>
            <input type="hidden" name="sort" value=initial.sort.as_str() prop:value=move || query.get().sort.as_str() />
            <input type="hidden" name="dir" value=dir(initial.descending) prop:value=move || dir(query.get().descending) />
            <button type="submit" class="button button-secondary">"Search"</button>
        </Form>
    }
}

/// "All …" and `values`, `chosen` selected (and listed even when the directory no longer
/// holds it).
fn options(mut values: Vec<String>, chosen: String, all: &'static str) -> impl IntoView {
    if !chosen.is_empty() && !values.contains(&chosen) {
        values.insert(0, chosen.clone());
    }
    let none = chosen.is_empty();
    view! {
        <option value="" selected=none>{all}</option>
        {values.into_iter().map(|value| {
            let selected = value == chosen;
            view! { <option value=value.clone() selected=selected>{value.clone()}</option> }
        }).collect_view()}
    }
}

fn dir(descending: bool) -> &'static str {
    if descending {
        "desc"
    } else {
        "asc"
    }
}
