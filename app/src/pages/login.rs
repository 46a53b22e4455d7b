use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The sign-in form: a plain POST to `/login`, so it works without JavaScript. A failed
/// sign-in comes back here with `?error=`, answered 401 (429 when throttled).
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.with_untracked(|q| q.get(name)).unwrap_or_default();
    let error = match param("error").as_str() {
        "invalid" => Some("That email and password do not match an active operator.".to_string()),
        "expired" => Some(
            "This one-time password has expired. Ask an admin for a new one (Operators, New password)."
                .to_string(),
        ),
        "throttled" => Some(format!(
            "Too many failed sign-ins. Wait {} minute(s), then try again.",
            param("wait").parse::<u64>().unwrap_or(15)
        )),
        _ => None,
    };
    let signed_out = !param("signed_out").is_empty();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        match param("error").as_str() {
            "invalid" | "expired" => response.set_status(http::StatusCode::UNAUTHORIZED),
            "throttled" => response.set_status(http::StatusCode::TOO_MANY_REQUESTS),
            _ => {}
        }
    }
    let has_error = error.is_some();

    view! {
        <Title text="Sign in" />
        <section class="login card" aria-labelledby="login-title">
            <h1 id="login-title">"Sign in"</h1>
            {signed_out.then(|| view! { <p class="notice notice-ok" role="status">"You are signed out."</p> })}
            {error.map(|message| view! {
                <p class="notice notice-error" role="alert" id="login-error">{message}</p>
            })}
            <form method="post" action="/login">
                <input type="hidden" name="next" value=param("next") />
                <div class="field">
                    <label for="email">"Email"</label>
                    <input
                        id="email"
                        name="email"
                        type="email"
                        autocomplete="username"
                        required
                        autofocus=!has_error
                        value=param("email")
                        aria-invalid=has_error.then_some("true")
                        aria-describedby=has_error.then_some("login-error")
                    />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        autofocus=has_error
                        aria-invalid=has_error.then_some("true")
                        aria-describedby=has_error.then_some("login-error")
                    />
                </div>
                <button type="submit" class="button">"Sign in"</button>
            </form>
        </section>
    }
}
