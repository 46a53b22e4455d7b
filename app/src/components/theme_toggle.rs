use leptos::form::ActionForm;
use leptos::prelude::*;

use crate::api::theme::SetTheme;
use crate::domain::Theme;

/// Cycles system -> light -> dark. A plain form POST without JavaScript; with it, the page
/// switches in place and the server's cookie keeps the choice for the next visit.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let theme = expect_context::<RwSignal<Theme>>();
    let action = ServerAction::<SetTheme>::new();

    Effect::new(move |_| {
        if let Some(Ok(chosen)) = action.value().get() {
            theme.set(chosen);
        }
    });
    Effect::new(move |_| apply_to_document(theme.get()));

    view! {
        <ActionForm action attr:class="theme-toggle">
            <input type="hidden" name="theme" value=move || theme.get().next().as_str() />
            <button
                type="submit"
                class="button button-ghost"
                title=move || format!("{}: switch to {}", theme.get().label(), theme.get().next().as_str())
                aria-label=move || format!("{}. Switch to {}.", theme.get().label(), theme.get().next().as_str())
                data-theme-current=move || theme.get().as_str()
            >
                <span aria-hidden="true">
                    {move || match theme.get() {
                        Theme::System => "◐",
                        Theme::Light => "☀",
                        Theme::Dark => "☾",
                    }}
                </span>
            </button>
        </ActionForm>
    }
}

/// Sets `<html data-theme>`, which lives outside the app's own DOM tree.
fn apply_to_document(theme: Theme) {
    #[cfg(feature = "hydrate")]
    if let Some(html) = document().document_element() {
        let _ = match theme.html_attribute() {
            Some(value) => html.set_attribute("data-theme", value),
            None => html.remove_attribute("data-theme"),
        };
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = theme;
}
