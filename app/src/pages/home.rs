use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::UnresolvedPanel;

/// The dashboard home: where each kind of work starts.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <Title text="Dashboard" />
        <h1>"Dashboard"</h1>
        <div class="card-grid">
            <a class="card card-link" href="/customers">
                <h2>"Customers"</h2>
                <p>"Find a customer; read its plan, limits and offerings; change them."</p>
            </a>
            <a class="card card-link" href="/audit">
                <h2>"Audit"</h2>
                <p>"Who changed what for which customer, when, and with what result."</p>
            </a>
            <a class="card card-link" href="/bulk">
                <h2>"Bulk changes"</h2>
                <p>"Apply one change to many customers, with live progress."</p>
            </a>
            <a class="card card-link" href="/operators">
                <h2>"Operators"</h2>
                <p>"Who can sign in, and what each role may do."</p>
            </a>
        </div>
        <UnresolvedPanel />
    }
}
