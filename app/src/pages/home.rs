use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{Me, UnresolvedPanel};
use crate::domain::Permission;

/// Where each kind of work starts: a card per area, each only for roles that may open it.
const CARDS: [(&str, &str, &str, Permission); 5] = [
    (
        "/customers",
        "Customers",
        "Find a customer; read its plan, limits and offerings; change them.",
        Permission::ReadCustomers,
    ),
    (
        "/audit",
        "Audit",
        "Who changed what for which customer, when, and with what result.",
        Permission::ReadAudit,
    ),
    (
        "/bulk",
        "Bulk changes",
        "Apply one change to many customers, with live progress.",
        Permission::ChangeAccounts,
    ),
    (
        "/operators",
        "Operators",
        "Who can sign in, and what each role may do.",
        Permission::ManageOperators,
    ),
    (
        "/connection",
        "SendGrid connection",
        "Where the console's calls go, with which credential, and whether SendGrid accepts them.",
        Permission::ManageSettings,
    ),
];

/// The dashboard home.
#[component]
pub fn HomePage() -> impl IntoView {
    let me = Me::get();
    view! {
        <Title text="Dashboard" />
        <h1>"Dashboard"</h1>
        <Suspense fallback=|| ()>
            {move || me.operator().map(|op| view! {
                <div class="card-grid">
                    {CARDS.into_iter().filter(|card| op.role.allows(card.3)).map(|(href, title, text, _)| view! {
                        <a class="card card-link" href=href>
                            <h2>{title}</h2>
                            <p>{text}</p>
                        </a>
                    }).collect_view()}
                </div>
            })}
        </Suspense>
        <UnresolvedPanel />
    }
}
