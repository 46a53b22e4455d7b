//! Admins correct the directory's email matching from the customer's page: unlink a v2
//! customer from the v3 account it was joined with, or link a lone v2 customer or v3 account
//! to its other half. Only the console's directory changes; nothing is sent to SendGrid.

use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use super::CustomerContext;
use crate::api::customers::{LinkCustomers, UnlinkCustomers};
use crate::components::{ConfirmFirst, Me};
use crate::domain::encode_component;
use crate::domain::{CustomerSummary, Permission};

#[component]
pub fn DirectoryLink(summary: CustomerSummary) -> impl IntoView {
    let me = Me::get();
    let context = CustomerContext::get();
    let link = ServerAction::<LinkCustomers>::new();
    let unlink = ServerAction::<UnlinkCustomers>::new();
    let key = summary.customer.key.clone();
    let navigate = use_navigate();
    // A v3-only account linked to a username is listed under the username from then on.
    Effect::new(move |_| {
        let linked = link.value().get().is_some_and(|r| r.is_ok());
        let unlinked = unlink.value().get().is_some_and(|r| r.is_ok());
        if linked || unlinked {
            let username = link.input().get_untracked().map(|input| input.username);
            match username.filter(|name| linked && *name != key) {
                Some(name) => navigate(
                    &format!("/customers/{}", encode_component(name.trim())),
                    Default::default(),
                ),
                None => context.bump(),
            }
        }
    });
    let problem = move || {
        [link.value().get(), unlink.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|error| view! { <p class="notice notice-error" role="alert">{error.to_string()}</p> })
    };
    let busy = move || link.pending().get() || unlink.pending().get();
    view! {
        {move || me.allows(Permission::LinkCustomers).then(|| view! {
            <div class="directory-link" data-testid="directory-link">
                {problem}
                {link_form(&summary, link, unlink, busy)}
            </div>
        })}
    }
}

/// The form the customer's linkage calls for.
fn link_form(
    summary: &CustomerSummary,
    link: ServerAction<LinkCustomers>,
    unlink: ServerAction<UnlinkCustomers>,
    busy: impl Fn() -> bool + Send + Sync + Copy + 'static,
) -> AnyView {
    match (summary.customer.username.clone(), summary.customer.account_id.clone()) {
        (Some(username), Some(account_id)) => view! {
            <ConfirmFirst opener="Unlink…".to_string()
                message=format!("Unlink {username} from v3 account {account_id}? The directory lists them as two customers until they are linked again; nothing changes at SendGrid.")>
                <ActionForm action=unlink attr:class="inline-form">
                    <input type="hidden" name="username" value=username.clone() />
                    <input type="hidden" name="account_id" value=account_id.clone() />
                    <button type="submit" class="button button-danger" disabled=busy>"Yes, unlink them"</button>
                </ActionForm>
            </ConfirmFirst>
        }
        .into_any(),
        (Some(username), None) => link_to(
            link,
            busy,
            ("username", username.clone()),
            ("account_id", "v3 account id"),
            "Link to a v3 account…".to_string(),
            format!("Join {username} with the v3 account that is the same customer; the directory lists them as one from then on."),
        ),
        (None, Some(account_id)) => link_to(
            link,
            busy,
            ("account_id", account_id.clone()),
            ("username", "v2 username"),
            "Link to a v2 customer…".to_string(),
            format!("Join v3 account {account_id} with the v2 customer that is the same customer; the directory lists them as one, under the username, from then on."),
        ),
        (None, None) => ().into_any(),
    }
}

/// Linking a lone half: `known` is the half this page is (field, value), `other` the field to
/// type the other half into and its label.
fn link_to(
    link: ServerAction<LinkCustomers>,
    busy: impl Fn() -> bool + Send + Sync + Copy + 'static,
    known: (&'static str, String),
    other: (&'static str, &'static str),
    opener: String,
    message: String,
) -> AnyView {
    let id = format!("link-{}", other.0);
    view! {
        <ConfirmFirst opener message>
            <ActionForm action=link attr:class="inline-form">
                <input type="hidden" name=known.0 value=known.1 />
                <label for=id.clone()>{other.1}</label>
                <input id=id name=other.0 type="text" required autocomplete="off" />
                <button type="submit" class="button" disabled=busy>"Link"</button>
            </ActionForm>
        </ConfirmFirst>
    }
    .into_any()
}
