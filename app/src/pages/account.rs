use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::account::ChangePassword;
use crate::components::Me;

/// "Change my password"; also where a first sign-in with a generated password lands.
#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let me = Me::get();
    let action = ServerAction::<ChangePassword>::new();
    let pending = action.pending();
    let error = move || {
        action
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };

    view! {
        <Title text="Change password" />
        <section class="card narrow" aria-labelledby="password-title">
            <h1 id="password-title">"Change password"</h1>
            <Suspense fallback=|| ()>
                {move || me.operator().filter(|op| op.must_change_password).map(|_| view! {
                    <p class="notice notice-warn" role="status">
                        "You signed in with a generated password. Choose your own before continuing."
                    </p>
                })}
            </Suspense>
            {move || error().map(|message| view! { <p class="notice notice-error" role="alert">{message}</p> })}
            <ActionForm action>
                <div class="field">
                    <label for="current_password">"Current password"</label>
                    <input id="current_password" name="current_password" type="password" autocomplete="current-password" required />
                </div>
                <div class="field">
                    <label for="new_password">"New password"</label>
                    <input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="12" required aria-describedby="new-password-hint" />
                    <span class="hint" id="new-password-hint">"At least 12 characters."</span>
                </div>
                <div class="field">
                    <label for="confirm_password">"Repeat the new password"</label>
                    <input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" minlength="12" required />
                </div>
                <button type="submit" class="button" aria-busy=move || pending.get().then_some("true") disabled=move || pending.get()>
                    {move || if pending.get() { "Saving…" } else { "Change password" }}
                </button>
            </ActionForm>
        </section>
    }
}
