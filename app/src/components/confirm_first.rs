//! An action that cannot simply be taken back, behind a second, explicit step: a disclosure
//! whose summary names the action and whose panel says what will happen and holds the form
//! with the button that acts. A native `<details>` (`details.confirm` in the style sheet), so
//! it works before the page's code has arrived and without JavaScript, and the keyboard opens
//! it (Enter or Space on the summary).

use leptos::prelude::*;

#[component]
pub fn ConfirmFirst(
    /// The summary, e.g. "Disable…".
    opener: String,
    /// What acting will do, in words, e.g. "ann will be signed out at once…".
    message: String,
    /// The form whose button acts.
    children: Children,
) -> impl IntoView {
    view! {
        <details class="confirm">
            <summary class="button button-secondary">{opener}</summary>
            <div class="confirm-body">
                <p>{message}</p>
                {children()}
            </div>
        </details>
    }
}
