//! `POST /login` and `POST /logout`: plain form posts, so signing in works without
//! JavaScript. A failed sign-in redirects to `/login?error=...`, which the page shows with a
//! 401 (or 429 when throttled); success rotates the session id and redirects to a same-site
//! `next`. Redirecting (rather than answering the POST with a page) keeps the URL and the
//! rendered page in agreement, which hydration relies on.

use app::services::audit::{self, NewEvent, Outcome};
use app::services::auth::{self, CurrentOperator};
use app::services::client_addr::ClientAddr;
use app::services::sign_in_email::SignInEmail;
use app::services::{operators, passwords, AppState};
use axum::{
    body::Body,
    extract::State,
    http::{Request, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension, Form,
};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

pub async fn sign_in(
    State(state): State<AppState>,
    Extension(client): Extension<ClientAddr>,
    session: Session,
    Form(form): Form<SignInForm>,
) -> Response {
    let client_ip = client.to_string();
    // Only a bounded part of what was typed is kept anywhere (keys, audit rows, the redirect).
    let typed = SignInEmail::from_form(&form.email);
    let email = typed.as_str();
    let next = safe_next(&form.next);

    // Counted before the password is checked, so a parallel burst gets no extra guesses.
    let attempt = match state.login_throttle.reserve(email, &client_ip) {
        Ok(attempt) => attempt,
        Err(blocked) => {
            let minutes = blocked.wait.as_secs().div_ceil(60).max(1);
            if let Some(refusals) = blocked.record {
                let mut params = typed.audit_fields();
                params["reason"] = json!("throttled");
                params["refusals"] = json!(refusals);
                audit::record(
                    &state.pool,
                    NewEvent::event("auth.sign_in", None, Outcome::Refused, params)
                        .with_client_ip(Some(client_ip)),
                )
                .await;
            }
            let query = format!(
                "error=throttled&wait={minutes}&email={}&next={}",
                enc(email),
                enc(&next)
            );
            return Redirect::to(&format!("/login?{query}")).into_response();
        }
    };

    let found = if typed.is_truncated() {
        // Longer than any email: it names no operator, whatever its first 254 characters.
        Ok(None)
    } else {
        operators::find_by_email(&state.pool, email).await
    };
    let operator = match found {
        Ok(found) => found,
        Err(error) => {
            tracing::error!(%error, "sign-in lookup failed");
            state.login_throttle.release(attempt);
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The console's database is unavailable.",
            )
                .into_response();
        }
    };
    // Always verify against some hash, so an unknown email costs the same time as a wrong password.
    let hash = operator
        .as_ref()
        .map(|op| op.password_hash.as_str())
        .unwrap_or(passwords::decoy_hash());
    // An email failing from many addresses is slowed down, never locked (see `throttle`).
    if !attempt.delay.is_zero() {
        tokio::time::sleep(attempt.delay).await;
    }
    let checked = state
        .password_checks
        .verify(form.password.clone(), hash.to_string())
        .await;
    let Ok(password_ok) = checked else {
        state.login_throttle.release(attempt);
        return busy();
    };
    let signed_in = match operator {
        Some(op) if password_ok && op.disabled_at.is_none() => Some(op),
        _ => None,
    };

    let Some(operator) = signed_in else {
        state.login_throttle.failed(attempt);
        audit::record(
            &state.pool,
            NewEvent::event("auth.sign_in", None, Outcome::Failure, typed.audit_fields())
                .with_client_ip(Some(client_ip)),
        )
        .await;
        let query = format!("error=invalid&email={}&next={}", enc(email), enc(&next));
        return Redirect::to(&format!("/login?{query}")).into_response();
    };

    state.login_throttle.succeeded(attempt);
    // The right one-time password, but too old to choose a password of one's own with.
    if auth::one_time_password_expired(&operator, state.session_limits.one_time_password) {
        audit::record(
            &state.pool,
            NewEvent::event(
                "auth.sign_in",
                Some(&operator.email),
                Outcome::Refused,
                json!({"reason": "one-time password expired"}),
            )
            .with_client_ip(Some(client_ip)),
        )
        .await;
        let query = format!("error=expired&email={}&next={}", enc(email), enc(&next));
        return Redirect::to(&format!("/login?{query}")).into_response();
    }
    if let Err(error) = auth::start_session(&session, &operator).await {
        tracing::error!(%error, "cannot start a session");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "Cannot start a session; try again.",
        )
            .into_response();
    }
    audit::record(
        &state.pool,
        NewEvent::event(
            "auth.sign_in",
            Some(&operator.email),
            Outcome::Success,
            json!({}),
        )
        .with_client_ip(Some(client_ip)),
    )
    .await;
    let destination = if operator.must_change_password {
        "/account/password".to_string()
    } else {
        next
    };
    Redirect::to(&destination).into_response()
}

pub async fn sign_out(
    State(state): State<AppState>,
    Extension(client): Extension<ClientAddr>,
    session: Session,
    request: Request<Body>,
) -> Response {
    let operator = request
        .extensions()
        .get::<CurrentOperator>()
        .and_then(|current| current.0.clone());
    if let Some(operator) = operator {
        audit::record(
            &state.pool,
            NewEvent::event(
                "auth.sign_out",
                Some(&operator.email),
                Outcome::Success,
                json!({}),
            )
            .with_client_ip(Some(client.to_string())),
        )
        .await;
    }
    auth::end_session(&session).await;
    Redirect::to("/login?signed_out=1").into_response()
}

/// Every password check is taken and the queue is full: come back in a moment.
fn busy() -> Response {
    let mut response = (
        StatusCode::SERVICE_UNAVAILABLE,
        "Too many sign-ins are being checked at once. Nothing was done; try again in a few seconds.",
    )
        .into_response();
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("2"),
    );
    response
}

/// Only a path on this site: never `//host`, a scheme, or a backslash trick.
pub fn safe_next(next: &str) -> String {
    let ok = next.starts_with('/')
        && !next.starts_with("//")
        && !next.contains('\\')
        && !next.chars().any(char::is_control)
        && !next.starts_with("/login");
    if ok {
        next.to_string()
    } else {
        "/".to_string()
    }
}

fn enc(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s.trim_start_matches("v=").to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/customers?q=acme"), "/customers?q=acme");
        for hostile in [
            "//evil.example",
            "https://evil.example",
            "/\\evil.example",
            "",
            "customers",
            "/login",
        ] {
            assert_eq!(safe_next(hostile), "/", "{hostile:?}");
        }
    }
}
