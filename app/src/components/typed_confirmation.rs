//! The field a change that takes something away asks for: the operator types what the review
//! names (a username, an account id, a count), so a slip cannot close, remove or deactivate.
//! The server checks it again; its refusal shows here.

use leptos::prelude::*;

#[component]
pub fn TypedConfirmation(
    /// The input's id; its hint and error take `{id}-hint` and `{id}-error`.
    id: &'static str,
    #[prop(into)] label: String,
    #[prop(optional, into)] hint: Option<String>,
    /// The server's refusal of what was typed, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// A count is typed: offer the numeric keyboard.
    #[prop(optional)]
    numeric: bool,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = hint.as_ref().map(|_| hint_id.clone());
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id name="confirm" type="text" required autocomplete="off" spellcheck="false"
                inputmode=numeric.then_some("numeric")
                aria-describedby=described
                aria-invalid=move || error.get().map(|_| "true") />
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            {move || {
                let id = error_id.clone();
                error.get().map(|message| view! { <p class="field-error" id=id role="alert">{message}</p> })
            }}
        </div>
    }
}
