use leptos::prelude::*;
use leptos_router::components::A;

use super::me::Me;
use super::ThemeToggle;
use crate::domain::Permission;

/// Product name, main navigation (only what the operator's role may open), the signed-in
/// operator with sign-out, and the theme toggle.
#[component]
pub fn Header() -> impl IntoView {
    let me = Me::get();
    let directory = crate::components::DirectoryMemory::get();
    view! {
        <header class="header">
            <a class="brand" href="/">
                <span class="brand-mark" aria-hidden="true">"RC"</span>
                <span class="brand-name">"Reseller Console"</span>
            </a>
            <Suspense fallback=|| ()>
                {move || {
                    me.operator().map(|op| {
                        let role = op.role;
                        view! {
                            <nav class="nav" aria-label="Main">
                                <A href=move || directory.href()>"Customers"</A>
                                <A href="/scheduled">"Scheduled"</A>
                                <A href="/approvals">"Approvals"</A>
                                {role.allows(Permission::ReadAudit).then(|| view! { <A href="/audit">"Audit"</A> })}
                                {role.allows(Permission::ChangeAccounts).then(|| view! { <A href="/bulk">"Bulk"</A> })}
                                {role.allows(Permission::ManageOperators).then(|| view! { <A href="/operators">"Operators"</A> })}
                                {role.allows(Permission::ManageSettings).then(|| view! { <A href="/connection">"Connection"</A> })}
                                {role.allows(Permission::ManageSettings).then(|| view! { <A href="/notifications">"Notifications"</A> })}
                            </nav>
                        }
                    })
                }}
            </Suspense>
            <div class="header-end">
                <Suspense fallback=|| ()>
                    {move || me.operator().map(|_| view! { <super::CommandPalette /> })}
                </Suspense>
                <div class="operator-slot" data-testid="operator-slot">
                    <Suspense fallback=|| ()>
                        {move || match me.operator() {
                            Some(op) => view! {
                                <span class="operator-name" title=op.email.clone()>
                                    {op.display_name.clone()}
                                    <span class="badge">{op.role.label()}</span>
                                </span>
                                <a href="/account/password">"Change password"</a>
                                <form method="post" action="/logout" class="inline-form">
                                    <button type="submit" class="button button-secondary">"Sign out"</button>
                                </form>
                            }.into_any(),
                            None => view! { <a href="/login">"Sign in"</a> }.into_any(),
                        }}
                    </Suspense>
                </div>
                <ThemeToggle />
            </div>
        </header>
    }
}
