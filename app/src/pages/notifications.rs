//! `/notifications` (admins): the webhook that hears what needs a person (Slack-compatible
//! JSON), a test message, and the latest deliveries with their tries. Plain forms, so it all
//! works without JavaScript.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use super::customer::outcome::{invalid, FieldMessage};
use crate::api::notifications::{get_notifications, SendTestNotification, SetWebhook};
use crate::components::{headings, Column, DataTable, Guarded, LocalTime};
use crate::domain::notification::{
    Delivery, DeliveryStatus, NotificationKind, WebhookField, MAX_ATTEMPTS,
};
use crate::domain::Permission;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    view! {
        <Title text="Notifications" />
        <Guarded permission=Permission::ManageSettings>
            <Notifications />
        </Guarded>
    }
}

#[component]
fn Notifications() -> impl IntoView {
    let set = ServerAction::<SetWebhook>::new();
    let test = ServerAction::<SendTestNotification>::new();
    let refreshed = RwSignal::new(0u32);
    let view_ = Resource::new_blocking(
        move || (set.version().get(), test.version().get(), refreshed.get()),
        |_| get_notifications(),
    );
    view! {
        <div class="page-head">
            <h1>"Notifications"</h1>
            <p class="hint">"The console posts to a webhook when something needs a person, and never waits for it: a change goes ahead whether or not the webhook answers."</p>
        </div>
        <Transition fallback=|| view! { <p class="loading" aria-busy="true">"Loading…"</p> }>
            {move || view_.get().map(|loaded| match loaded {
                Ok(loaded) => view! {
                    <WebhookCard webhook=loaded.webhook.clone() set test />
                    <Deliveries deliveries=loaded.deliveries refreshed />
                }.into_any(),
                Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn WebhookCard(
    webhook: Option<String>,
    set: ServerAction<SetWebhook>,
    test: ServerAction<SendTestNotification>,
) -> impl IntoView {
    let error_for = move |field: WebhookField| {
        set.value()
            .get()
            .and_then(|result| result.err())
            .and_then(|error| error.message_for(&field))
    };
    let saved = move || {
        set.value().get().map(|result| match result {
            Ok(Some(masked)) => view! { <p class="notice notice-ok" role="status">{format!("Saved: messages go to {masked}.")}</p> }.into_any(),
            Ok(None) => view! { <p class="notice notice-ok" role="status">"Notifications are off: nothing is sent."</p> }.into_any(),
            Err(error) => match error.general_message() {
                Some(message) => view! { <p class="notice notice-error" role="alert">{message}</p> }.into_any(),
                None => ().into_any(),
            },
        })
    };
    let tested = move || {
        test.value().get().map(|result| match result {
            Ok(()) => view! { <p class="notice notice-ok" role="status">"A test message is queued; it shows below once the webhook has answered."</p> }.into_any(),
            Err(error) => view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> }.into_any(),
        })
    };
    let current = match &webhook {
        Some(masked) => view! { <p data-testid="webhook-now">"Messages go to "<code>{masked.clone()}</code>" (shown masked: its path is its secret)."</p> }.into_any(),
        None => view! { <p data-testid="webhook-now">"Off: no webhook is set, so nothing is sent."</p> }.into_any(),
    };
    let off = webhook.is_none();
    // Once saved, the address leaves the box: it is a secret, and the card shows it masked.
    // A refused one stays, to be mended; so does one typed since (a later save only clears).
    let address = NodeRef::<leptos::html::Input>::new();
    let saves_seen = set.version().get_untracked();
    Effect::new(move |_| {
        let saves = set.version().get();
        let saved = matches!(set.value().get_untracked(), Some(Ok(_)));
        if let (true, true, Some(field)) = (saves != saves_seen, saved, address.get_untracked()) {
            field.set_value("");
        }
    });
    let set_pending = set.pending();
    let test_pending = test.pending();
    view! {
        <section class="card" aria-labelledby="webhook-title">
            <h2 id="webhook-title">"Webhook"</h2>
            {current}
            <p>"It hears of:"</p>
            <ul class="hint">
                {NotificationKind::ALL.into_iter().filter(|kind| *kind != NotificationKind::Test).map(|kind| view! {
                    <li>{kind.label()}</li>
                }).collect_view()}
            </ul>
            {saved}
            <ActionForm action=set attr:class="webhook-form">
                <div class="field">
                    <label for="webhook-url">"Webhook address"</label>
                    <input node_ref=address id="webhook-url" name="url" type="text" inputmode="url" autocomplete="off"
                        placeholder="https://hooks.slack.com/services/…"
                        aria-invalid=move || invalid(&error_for(WebhookField::Url))
                        aria-describedby="webhook-url-hint webhook-url-error" />
                    <p class="hint" id="webhook-url-hint">
                        "Slack-compatible: the console POSTs JSON with a "<code>"text"</code>" field. Enter the whole address again to change it; leave it blank and save to turn notifications off."
                    </p>
                    {move || view! { <FieldMessage id="webhook-url-error" message=error_for(WebhookField::Url) /> }}
                </div>
                <button type="submit" class="button" disabled=move || set_pending.get()>
                    {move || if set_pending.get() { "Saving…" } else { "Save webhook" }}
                </button>
            </ActionForm>
            {tested}
            <ActionForm action=test attr:class="inline-form">
                <button type="submit" class="button button-secondary" disabled=move || off || test_pending.get()>
                    {move || if test_pending.get() { "Queuing…" } else { "Send a test message" }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Deliveries(deliveries: Vec<Delivery>, refreshed: RwSignal<u32>) -> impl IntoView {
    const COLUMNS: [Column; 5] = [
        Column::new("Raised"),
        Column::new("About"),
        Column::new("Message"),
        Column::new("Tries").numeric(),
        Column::new("Delivery"),
    ];
    let body = if deliveries.is_empty() {
        view! { <p class="hint" data-testid="no-deliveries">"Nothing sent yet. Messages appear here as they are raised, with each try's answer."</p> }.into_any()
    } else {
        view! {
            <DataTable caption="Latest notifications, newest first" head=headings(&COLUMNS)>
                {deliveries.into_iter().map(|delivery| view! { <DeliveryRow delivery /> }).collect_view()}
            </DataTable>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="deliveries-title">
            <div class="section-head">
                <h2 id="deliveries-title">"Latest notifications"</h2>
                <form method="get" action="/notifications">
                    <button type="submit" class="button button-ghost"
                        on:click=move |ev| { ev.prevent_default(); refreshed.update(|n| *n += 1); }>
                        "Refresh"
                    </button>
                </form>
            </div>
            {body}
        </section>
    }
}

#[component]
fn DeliveryRow(delivery: Delivery) -> impl IntoView {
    let status = match delivery.status.clone() {
        DeliveryStatus::Delivered { at } => view! { <span class="badge badge-ok">"Delivered"</span>" "<LocalTime utc=at /> }.into_any(),
        DeliveryStatus::GaveUp { at } => view! {
            <span class="badge badge-danger">{format!("Gave up after {MAX_ATTEMPTS} tries")}</span>" "<LocalTime utc=at />
        }.into_any(),
        DeliveryStatus::Pending { next_attempt_at } => view! {
            <span class="badge badge-warn">"Waiting"</span>" next try "<LocalTime utc=next_attempt_at />
        }.into_any(),
    };
    view! {
        <tr data-testid="delivery">
            <td><LocalTime utc=delivery.created_at.clone() /></td>
            <td>{delivery.kind.label()}</td>
            <td>{delivery.text.clone()}</td>
            <td class="num">{delivery.attempts}</td>
            <td>
                {status}
                {delivery.last_error.clone().map(|error| view! { <p class="hint">{error}</p> })}
            </td>
        </tr>
    }
}
