//! The directory table, sortable by column links. Linking and unlinking a
//! customer's v2 and v3 halves is on the customer's page (admins), so a row stays one line.

use leptos::prelude::*;

use crate::components::DataTable;

use crate::domain::directory::{CustomerRow, DirectoryQuery, Linkage, SortColumn};
use crate::domain::{encode_component, state_tone};

#[component]
pub fn CustomerTable(rows: Vec<CustomerRow>, query: DirectoryQuery) -> impl IntoView {
    let head = SortColumn::ALL
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
        .collect_view()
        .into_any();

    view! {
        <DataTable caption="Customers" class="directory" head>
            {rows.into_iter().map(|row| view! { <Row row /> }).collect_view()}
        </DataTable>
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
