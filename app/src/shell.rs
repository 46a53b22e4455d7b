use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::components::{Footer, Header};
use crate::domain::Theme;
use crate::pages::{HomePage, NotFoundPage};

/// The HTML document around the app. Rendered on the server only; the theme comes from the
/// request's cookie so the first byte already carries the right colours (no flash).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let theme = request_theme();
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

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let theme = RwSignal::new(rendered_theme());
    provide_context(theme);

    view! {
        <Stylesheet id="leptos" href="/pkg/reseller-console.css" />
        <Title formatter=|page: String| {
            if page.is_empty() { "Reseller Console".to_string() } else { format!("{page} · Reseller Console") }
        } />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <Header />
            <main id="main" class="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=HomePage />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}
