use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, Lazy, SsrMode,
};

use crate::components::{Footer, Header, Me};
use crate::domain::Theme;
use crate::pages::{
    ApprovalDetailRoute, ApprovalsRoute, AuditDetailRoute, AuditRoute, BulkJobRoute, BulkRoute,
    ChangePasswordRoute, ConnectionRoute, CustomerRoute, CustomersRoute, HistoryRoute, HomeRoute,
    LimitsRoute, LoginRoute, NotFoundPage, NotificationsRoute, OfferingsRoute, OperatorsRoute,
    PlanRoute, RevertRoute, ScheduledRoute,
};

/// The HTML document around the app. Rendered on the server only; the theme comes from the
/// request's cookie so the first byte already carries the right colours (no flash).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let theme = request_theme();
    #[cfg(feature = "ssr")]
    content_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme.html_attribute()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// A per-request nonce for Leptos's hydration script, and a CSP that allows that script, our
/// own wasm and styles, and nothing foreign. Forms post only here, and may be sent on to
/// SendGrid's sign-in: "Open in SendGrid" is answered with a redirect to app.sendgrid.com
/// (API.md §5.10), and `form-action` covers a form's redirects too.
#[cfg(feature = "ssr")]
fn content_security_policy() {
    leptos::nonce::provide_nonce();
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self' https://app.sendgrid.com; frame-ancestors 'none'"
    );
    if let Ok(value) = http::HeaderValue::from_str(&policy) {
        response.insert_header(
            http::HeaderName::from_static("content-security-policy"),
            value,
        );
    }
}

/// The theme the current request asked for, read from its cookie.
fn request_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|value| value.to_str().ok())
                    .map(Theme::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Theme::System
    }
}

/// The theme the page was rendered with: on the server from the cookie, in the browser
/// from the `<html>` element the server wrote, so both sides start from the same value.
fn rendered_theme() -> Theme {
    #[cfg(feature = "ssr")]
    {
        request_theme()
    }
    #[cfg(not(feature = "ssr"))]
    {
        document()
            .document_element()
            .and_then(|html| html.get_attribute("data-theme"))
            .and_then(|value| Theme::parse(&value))
            .unwrap_or_default()
    }
}

/// Every route renders with `SsrMode::Async`: the whole page, resources resolved, in one
/// response. Pages then work without JavaScript (no out-of-order chunks to swap in) and a
/// page can still set its status (403, 404) before the first byte.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let theme = RwSignal::new(rendered_theme());
    provide_context(theme);
    crate::components::DirectoryMemory::provide();
    Me::provide();
    // True while the router loads the next screen (its chunk and data), for the progress bar.
    let (is_routing, set_is_routing) = signal(false);

    view! {
        <Stylesheet id="leptos" href="/pkg/reseller-console.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Reseller Console".to_string() } else { format!("{page} · Reseller Console") }
        } />
        <Router set_is_routing>
            <div class="route-progress" class:is-active=move || is_routing.get() aria-hidden="true"></div>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header />
            <main id="main" class="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/account/password") view={Lazy::<ChangePasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/operators") view={Lazy::<OperatorsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/connection") view={Lazy::<ConnectionRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/audit") view={Lazy::<AuditRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/audit/:id") view={Lazy::<AuditDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/audit/:id/revert") view={Lazy::<RevertRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/customers") view={Lazy::<CustomersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/bulk") view={Lazy::<BulkRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/scheduled") view={Lazy::<ScheduledRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/approvals") view={Lazy::<ApprovalsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/approvals/:id") view={Lazy::<ApprovalDetailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/bulk/:id") view={Lazy::<BulkJobRoute>::new()} ssr=SsrMode::Async />
                    <ParentRoute path=path!("/customers/:user") view={Lazy::<CustomerRoute>::new()} ssr=SsrMode::Async>
                        <Route path=path!("") view={Lazy::<PlanRoute>::new()} />
                        <Route path=path!("plan") view={Lazy::<PlanRoute>::new()} />
                        <Route path=path!("limits") view={Lazy::<LimitsRoute>::new()} />
                        <Route path=path!("offerings") view={Lazy::<OfferingsRoute>::new()} />
                        <Route path=path!("history") view={Lazy::<HistoryRoute>::new()} />
                    </ParentRoute>
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}
