use leptos::prelude::*;
use leptos_meta::Title;

/// Shown for any address the console does not know, with a 404 status on the server.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="empty-state not-found" aria-labelledby="not-found-title">
            <p class="empty-state-code" aria-hidden="true">"404"</p>
            <h1 id="not-found-title">"Page not found"</h1>
            <p>"There is nothing at this address. It may have moved, or the link may be mistyped."</p>
            <p><a class="button" href="/">"Go to the dashboard"</a></p>
        </section>
    }
}
