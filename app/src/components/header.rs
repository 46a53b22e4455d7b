use leptos::prelude::*;
use leptos_router::components::A;

use super::ThemeToggle;

/// Product name, main navigation, the signed-in operator and the theme toggle.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"RC"</span>
                <span class="brand-name">"Reseller Console"</span>
            </a>
            <nav class="nav" aria-label="Main">
                <A href="/customers">"Customers"</A>
                <A href="/audit">"Audit"</A>
                <A href="/bulk">"Bulk"</A>
                <A href="/operators">"Operators"</A>
            </nav>
            <div class="header-end">
                <div class="operator-slot" data-testid="operator-slot">
                    <a href="/login">"Sign in"</a>
                </div>
                <ThemeToggle />
            </div>
        </header>
    }
}
