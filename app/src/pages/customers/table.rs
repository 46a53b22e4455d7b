//! The directory table (sortable by column links) and the pager. Linking and unlinking a
//! customer's v2 and v3 halves is on the customer's page (admins), so a row stays one line.

use leptos::prelude::*;

use crate::domain::directory::{CustomerRow, DirectoryQuery, Linkage, SortColumn};
use crate::domain::{encode_component, state_tone};

#[component]
pub fn CustomerTable(rows: Vec<CustomerRow>, query: DirectoryQuery) -> impl IntoView {
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
        <div class="table-wrap">
            <table class="directory">
                <caption class="visually-hidden">"Customers"</caption>
                <thead>
                    <tr>
                        {headers}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! { <Row row /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn Row(row: CustomerRow) -> impl IntoView {
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
    let name = row.display_name().to_string();
    view! {
        <tr data-customer=row.key.clone()>
            <td>
                <a class="customer-link clip" href=href title=name.clone()>{name.clone()}</a>
                {badge.map(|(text, class)| view! { " " <span class=class>{text}</span> })}
            </td>
            <td><Clipped text=row.company.clone() /></td>
            <td><Clipped text=row.username.clone().unwrap_or_else(dash) /></td>
            <td><Clipped text=row.email.clone() /></td>
            <td><Clipped text=row.package.clone().unwrap_or_else(dash) /></td>
            <td>{state}</td>
        </tr>
    }
}

/// A cell's text on one line: cut with an ellipsis past its width, whole in the tooltip, so a
/// row stays one line at 1366 px whatever a customer typed.
#[component]
fn Clipped(text: String) -> impl IntoView {
    let title = text.clone();
    view! { <span class="clip" title=title>{text}</span> }
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
