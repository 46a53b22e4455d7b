//! `/audit/:id/revert`: what undoing a change would do, read against the account as SendGrid
//! reports it now, and what it cannot undo; then the change's normal review, one link away.
//! Nothing is sent from here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::api::audit::get_revert;
use crate::components::{FieldDiff, Guarded, LocalTime};
use crate::domain::revert::{RevertView, Undo};
use crate::domain::{encode_component, Permission};

#[component]
pub fn RevertPage() -> impl IntoView {
    view! {
        <Title text="Revert a change" />
        <Guarded permission=Permission::ChangeAccounts>
            <RevertLoader />
        </Guarded>
    }
}

#[component]
fn RevertLoader() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id")).unwrap_or_default();
    let revert = Resource::new_blocking(id, |id| async move {
        match id.trim().parse::<i64>() {
            Ok(id) => get_revert(id).await,
            Err(_) => Err(crate::api::ApiError::Invalid(format!(
                "{id:?} is not an audit event number."
            ))),
        }
    });
    view! {
        <p class="breadcrumb"><a href=move || format!("/audit/{}", id())>"← Audit event"</a></p>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Reading the account from SendGrid…"</p> }>
            {move || revert.get().map(|loaded| match loaded {
                Ok(view) => view! { <Revert view /> }.into_any(),
                Err(error) => view! {
                    <section class="empty-state">
                        <h1>"Nothing to revert"</h1>
                        <p>{error.to_string()}</p>
                    </section>
                }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Revert(view: RevertView) -> impl IntoView {
    let RevertView {
        event_id,
        customer,
        action,
        operator,
        occurred_at,
        changes,
        reverted_by,
        undo,
    } = view;
    let title = format!("Revert change {event_id}");
    let customer_href = format!("/customers/{}", encode_component(&customer));
    let already = (!reverted_by.is_empty()).then(|| {
        view! {
            <div class="notice notice-warn" role="status">
                "This change was reverted before, by "
                {reverted_by.iter().enumerate().map(|(i, by)| view! {
                    {(i > 0).then_some(", ")}
                    <a href=format!("/audit/{by}")>{format!("change {by}")}</a>
                }).collect_view()}
                ". What follows is read from SendGrid now."
            </div>
        }
    });
    let next = match undo {
        Undo::Review {
            statement,
            href,
            cannot_undo,
            since,
        } => view! {
            <section class="card detail-section" aria-labelledby="revert-does">
                <h2 id="revert-does">"What the revert does"</h2>
                <p class="review-statement" data-testid="revert-statement">{statement}</p>
                {since.map(|since| view! { <p class="notice notice-warn" role="status" data-testid="revert-since">{since}</p> })}
                <h3>"What it cannot undo"</h3>
                <ul data-testid="revert-cannot-undo">
                    {cannot_undo.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
                <p class="hint">
                    "Nothing is sent yet. The next step is this change's normal review, checked \
                     against the account as SendGrid reports it when it opens; confirm it there."
                </p>
                <p><a class="button" href=href>"Review the revert"</a></p>
            </section>
        }
        .into_any(),
        Undo::Nothing(why) => view! {
            <section class="card detail-section" aria-labelledby="revert-does">
                <h2 id="revert-does">"Nothing to revert"</h2>
                <p data-testid="revert-nothing">{why}</p>
                <p><a href=customer_href.clone()>{format!("Open {customer}")}</a></p>
            </section>
        }
        .into_any(),
    };
    view! {
        <Title text=title.clone() />
        <h1>{title}</h1>
        {already}
        <dl class="facts card">
            <div><dt>"Change"</dt><dd><code>{action}</code></dd></div>
            <div><dt>"Customer"</dt><dd><a href=customer_href>{customer.clone()}</a></dd></div>
            <div><dt>"Made by"</dt><dd>{operator.unwrap_or_else(|| "—".to_string())}</dd></div>
            <div><dt>"Time"</dt><dd><LocalTime utc=occurred_at /></dd></div>
        </dl>
        <section class="card detail-section" aria-labelledby="revert-did">
            <h2 id="revert-did">"What the change did"</h2>
            {if changes.is_empty() {
                view! { <p class="hint">"The state was not recorded on both sides of this change."</p> }.into_any()
            } else {
                view! { <FieldDiff changes /> }.into_any()
            }}
        </section>
        {next}
    }
}
