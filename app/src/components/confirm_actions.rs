//! The end of every review step: the button that sends the reviewed change (red when it takes
//! something away), busy while it is on its way, and the way back to the form.

use leptos::prelude::*;

#[component]
pub fn ConfirmActions(
    /// The change removes, closes or deactivates something.
    danger: bool,
    /// The change is being sent: the button waits and says so.
    #[prop(into)]
    pending: Signal<bool>,
    /// Where "back" goes: the form with its values, or the tab.
    back: String,
    #[prop(default = "Change something")] back_label: &'static str,
) -> impl IntoView {
    view! {
        <div class="form-actions">
            <button type="submit" class=if danger { "button button-danger" } else { "button" }
                disabled=move || pending.get()>
                {move || if pending.get() { "Sending…" } else { "Confirm change" }}
            </button>
            <a href=back>{back_label}</a>
        </div>
    }
}
