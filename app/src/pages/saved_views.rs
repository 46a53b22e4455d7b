//! The operator's saved views of a screen (Customers, Audit log), above its filters: each a link to the screen with
//! its filter (the one the page shows now marked), a form to save what the page shows under a
//! name, and the list to pin or remove them. Plain forms, so it all works without JavaScript.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

use super::customer::outcome::{invalid, FieldMessage};
use crate::api::saved_views::{list_saved_views, DeleteView, PinView, SaveView};
use crate::components::ConfirmFirst;
use crate::domain::saved_view::{SavedView, ViewField, ViewScreen, NAME_MAX_CHARS};

#[component]
pub fn SavedViews(screen: ViewScreen) -> impl IntoView {
    let save = ServerAction::<SaveView>::new();
    let pin = ServerAction::<PinView>::new();
    let delete = ServerAction::<DeleteView>::new();
    let views = Resource::new(
        move || {
            (
                save.version().get(),
                pin.version().get(),
                delete.version().get(),
            )
        },
        move |_| list_saved_views(screen.as_str().to_string()),
    );
    let location = use_location();
    // What the page shows now, as a view of it would store it.
    let current = Memo::new(move |_| {
        screen
            .canonical_query(&location.search.get())
            .unwrap_or_default()
    });

    view! {
        <section class="saved-views" aria-label=format!("Your saved views of {}", screen.label())>
            <Transition fallback=|| ()>
                {move || views.get().map(|loaded| match loaded {
                    Ok(views) => view! { <ViewLinks views current=current.get() /> }.into_any(),
                    Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
                })}
            </Transition>
            <SaveForm screen save />
            <Transition fallback=|| ()>
                {move || views.get().and_then(Result::ok).filter(|views| !views.is_empty()).map(|views| view! {
                    <ManageViews views pin delete />
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ViewLinks(views: Vec<SavedView>, current: String) -> impl IntoView {
    if views.is_empty() {
        return view! { <p class="hint saved-views-empty">"No saved views yet: filter the list, then save it under a name."</p> }.into_any();
    }
    view! {
        <ul class="view-links">
            {views.into_iter().map(|view| {
                let here = view.query == current;
                view! {
                    <li>
                        <a href=view.href() aria-current=here.then_some("page")>{view.name.clone()}</a>
                        {view.pinned.then(|| view! { <span class="hint" title="Shown on the dashboard">" · pinned"</span> })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn SaveForm(screen: ViewScreen, save: ServerAction<SaveView>) -> impl IntoView {
    let location = use_location();
    let pending = save.pending();
    let error_for = move |field: ViewField| {
        save.value()
            .get()
            .and_then(|result| result.err())
            .and_then(|error| error.message_for(&field))
    };
    let outcome = move || {
        save.value().get().map(|result| match result {
            Ok(saved) => {
                let text = match saved.replaced {
                    true => format!("“{}” now shows these filters.", saved.view.name),
                    false => format!("Saved as “{}”.", saved.view.name),
                };
                let pinned = saved
                    .view
                    .pinned
                    .then_some(" It is pinned to the dashboard.");
                view! { <p class="notice notice-ok" role="status">{text}{pinned}</p> }.into_any()
            }
            Err(error) => match error.general_message() {
                Some(message) => {
                    view! { <p class="notice notice-error" role="alert">{message}</p> }.into_any()
                }
                None => ().into_any(),
            },
        })
    };
    let name_id = format!("save-view-name-{}", screen.as_str());
    let pin_id = format!("save-view-pin-{}", screen.as_str());
    view! {
        <details class="save-view">
            <summary class="button button-ghost">"Save this view…"</summary>
            <ActionForm action=save attr:class="save-view-form">
                <input type="hidden" name="screen" value=screen.as_str() />
                // As the address has it: the server reads it as the screen does, and refuses
                // what the screen would refuse.
                <input type="hidden" name="query" value=move || location.search.get() />
                <div class="field">
                    <label for=name_id.clone()>"Name"</label>
                    <input id=name_id type="text" name="name" required maxlength=NAME_MAX_CHARS.to_string()
                        autocomplete="off" placeholder="e.g. Silver customers"
                        aria-invalid=move || invalid(&error_for(ViewField::Name))
                        aria-describedby=format!("save-view-hint-{} save-view-error-{}", screen.as_str(), screen.as_str()) />
                    <p class="hint" id=format!("save-view-hint-{}", screen.as_str())>
                        "The filters shown now. Saving under a name you used before replaces that view's filters."
                    </p>
                    {move || view! { <FieldMessage id=format!("save-view-error-{}", screen.as_str()) message=error_for(ViewField::Name).or_else(|| error_for(ViewField::Query)) /> }}
                </div>
                <div class="choice">
                    <input type="checkbox" id=pin_id.clone() name="pinned" value="on" />
                    <label for=pin_id>"Pin to the dashboard, with its count"</label>
                </div>
                <button type="submit" class="button" disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Save view" }}
                </button>
            </ActionForm>
            {outcome}
        </details>
    }
}

#[component]
fn ManageViews(
    views: Vec<SavedView>,
    pin: ServerAction<PinView>,
    delete: ServerAction<DeleteView>,
) -> impl IntoView {
    let count = views.len();
    view! {
        <details class="manage-views">
            <summary class="button button-ghost">{format!("Manage views ({count})")}</summary>
            <ul class="manage-views-list">
                {views.into_iter().map(|view| {
                    let (toggle, label) = match view.pinned {
                        true => ("false", "Unpin from the dashboard"),
                        false => ("true", "Pin to the dashboard"),
                    };
                    let pin_label = format!("{label}: {}", view.name);
                    view! {
                        <li>
                            <a href=view.href()>{view.name.clone()}</a>
                            <ActionForm action=pin attr:class="inline-form">
                                <input type="hidden" name="id" value=view.id.to_string() />
                                <input type="hidden" name="pinned" value=toggle />
                                <button type="submit" class="button button-secondary"
                                    aria-label=pin_label>{label}</button>
                            </ActionForm>
                            <ConfirmFirst opener="Remove…".to_string()
                                message=format!("Remove the saved view “{}”? The screen and its data stay as they are.", view.name)>
                                <ActionForm action=delete attr:class="inline-form">
                                    <input type="hidden" name="id" value=view.id.to_string() />
                                    <button type="submit" class="button button-danger">{format!("Remove “{}”", view.name)}</button>
                                </ActionForm>
                            </ConfirmFirst>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    }
}
