//! The directory table (sortable by column links), admin link/unlink, and the pager.

use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::customers::{LinkCustomers, UnlinkCustomers};
use crate::domain::directory::{
    encode_component, CustomerRow, DirectoryQuery, Linkage, SortColumn,
};
use crate::domain::state_tone;
use crate::pages::account::clean;

#[component]
pub fn CustomerTable(
    rows: Vec<CustomerRow>,
    query: DirectoryQuery,
    admin: bool,
    synced: RwSignal<u32>,
) -> impl IntoView {
    let link = ServerAction::<LinkCustomers>::new();
    let unlink = ServerAction::<UnlinkCustomers>::new();
    Effect::new(move |_| {
        let changed = [link.value().get(), unlink.value().get()]
            .into_iter()
            .flatten()
            .any(|result| result.is_ok());
        if changed {
            synced.update(|n| *n += 1);
        }
    });
    let problem = move || {
        [link.value().get(), unlink.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|error| view! { <p class="notice notice-error" role="alert">{clean(&error)}</p> })
    };
    let headers = SortColumn::ALL
        .into_iter()
        .map(|column| {
            let sorted = query.sort == column;
            let aria_sort = sorted.then_some(if query.descending {
                "descending"
            } else {
                "ascending"
            });
            let arrow = if !sorted {
                ""
            } else if query.descending {
                " ▼"
            } else {
                " ▲"
            };
            view! {
                <th scope="col" aria-sort=aria_sort>
                    <a class="sort-link" href=query.sorted_by(column).href()>
                        {column.label()}<span aria-hidden="true">{arrow}</span>
                    </a>
                </th>
            }
        })
        .collect_view();

    view! {
        {problem}
        <div class="table-wrap">
            <table class="directory">
                <caption class="visually-hidden">"Customers"</caption>
                <thead>
                    <tr>
                        {headers}
                        {admin.then(|| view! { <th scope="col">"Link"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! { <Row row admin link unlink /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Row(
    row: CustomerRow,
    admin: bool,
    link: ServerAction<LinkCustomers>,
    unlink: ServerAction<UnlinkCustomers>,
) -> impl IntoView {
    let href = format!("/customers/{}", encode_component(&row.key));
    let badge = match row.linkage {
        Linkage::V2Only => Some(("v2 only", "badge badge-warn")),
        Linkage::V3Only => Some(("v3 only", "badge badge-warn")),
        Linkage::Manual => Some(("linked by hand", "badge")),
        Linkage::Email => None,
    };
    let state = row.state.clone().map(|state| {
        let class = format!("badge {}", state_tone(&state));
        view! { <span class=class>{state}</span> }
    });
    let dash = || "—".to_string();
    view! {
        <tr data-customer=row.key.clone()>
            <td>
                <a class="customer-link" href=href>{row.display_name().to_string()}</a>
                {badge.map(|(text, class)| view! { " " <span class=class>{text}</span> })}
            </td>
            <td>{row.company.clone()}</td>
            <td>{row.username.clone().unwrap_or_else(dash)}</td>
            <td>{row.email.clone()}</td>
            <td>{row.package.clone().unwrap_or_else(dash)}</td>
            <td>{state}</td>
            {admin.then(|| view! { <td><LinkCell row=row.clone() link unlink /></td> })}
        </tr>
    }
}

/// Admins correct the email matching: unlink a joined pair, or link a lone entry to its other
/// half by username or account id.
#[component]
fn LinkCell(
    row: CustomerRow,
    link: ServerAction<LinkCustomers>,
    unlink: ServerAction<UnlinkCustomers>,
) -> impl IntoView {
    match (row.username.clone(), row.account_id.clone()) {
        (Some(username), Some(account_id)) => {
            let label = format!("Unlink {username} from v3 account {account_id}");
            view! {
                <ActionForm action=unlink attr:class="inline-form">
                    <input type="hidden" name="username" value=username />
                    <input type="hidden" name="account_id" value=account_id />
                    <button type="submit" class="button button-ghost" aria-label=label>"Unlink"</button>
                </ActionForm>
            }
            .into_any()
        }
        (Some(username), None) => {
            let id = format!("link-{}", row.key);
            view! {
                <details class="confirm">
                    <summary class="button button-ghost">"Link…"</summary>
                    <ActionForm action=link attr:class="confirm-body">
                        <input type="hidden" name="username" value=username.clone() />
                        <label for=id.clone()>{format!("v3 account id for {username}")}</label>
                        <input id=id name="account_id" type="text" required autocomplete="off" />
                        <button type="submit" class="button">"Link"</button>
                    </ActionForm>
                </details>
            }
            .into_any()
        }
        (None, Some(account_id)) => {
            let id = format!("link-{}", row.key);
            view! {
                <details class="confirm">
                    <summary class="button button-ghost">"Link…"</summary>
                    <ActionForm action=link attr:class="confirm-body">
                        <input type="hidden" name="account_id" value=account_id.clone() />
                        <label for=id.clone()>{format!("v2 username for {account_id}")}</label>
                        <input id=id name="username" type="text" required autocomplete="off" />
                        <button type="submit" class="button">"Link"</button>
                    </ActionForm>
                </details>
            }
            .into_any()
        }
        (None, None) => ().into_any(),
    }
}

#[component]
pub fn Pager(page: u32, pages: u32, query: DirectoryQuery) -> impl IntoView {
    let previous = (page > 1).then(|| query.at_page(page - 1).href());
    let next = (page < pages).then(|| query.at_page(page + 1).href());
    view! {
        <nav class="pager" aria-label="Pages">
            {match previous {
                Some(href) => view! { <a rel="prev" href=href>"Previous"</a> }.into_any(),
                None => view! { <span class="pager-off" aria-hidden="true">"Previous"</span> }.into_any(),
            }}
            <span class="pager-where">{format!("Page {page} of {pages}")}</span>
            {match next {
                Some(href) => view! { <a rel="next" href=href>"Next"</a> }.into_any(),
                None => view! { <span class="pager-off" aria-hidden="true">"Next"</span> }.into_any(),
            }}
        </nav>
    }
}
