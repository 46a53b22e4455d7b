//! `POST /login` and `POST /logout`: plain form posts, so signing in works without
//! JavaScript. A failed sign-in redirects to `/login?error=...`, which the page shows with a
//! 401 (or 429 when throttled); success rotates the session id and redirects to a same-site
//! `next`. Redirecting (rather than answering the POST with a page) keeps the URL and the
//! rendered page in agreement, which hydration relies on.

use app::domain::{encode_component, AuditAction};
use app::services::audit::{self, NewEvent, Outcome};
use app::services::auth::{self, CurrentOperator, SignInAttempt, SignInRefused};
use app::services::client_addr::ClientAddr;
use app::services::sign_in_email::SignInEmail;
use app::services::AppState;
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
    let next = safe_next(&form.next);
    let attempt = SignInAttempt {
        email: &typed,
        password: &form.password,
        client_ip: &client_ip,
    };
    let refused = match auth::sign_in(&state, &session, attempt).await {
        Ok(signed_in) if signed_in.must_change_password => {
            return Redirect::to("/account/password").into_response()
        }
        Ok(_) => return Redirect::to(&next).into_response(),
        Err(refused) => refused,
    };
    let error = match refused {
        SignInRefused::Throttled { wait } => {
            let minutes = wait.as_secs().div_ceil(60).max(1);
            format!("throttled&wait={minutes}")
        }
        SignInRefused::Invalid => "invalid".to_string(),
        SignInRefused::Expired => "expired".to_string(),
        SignInRefused::Busy => return busy(),
        SignInRefused::Unavailable(message) => {
            return (StatusCode::SERVICE_UNAVAILABLE, message).into_response()
        }
    };
    let query = format!(
        "error={error}&email={}&next={}",
        encode_component(typed.as_str()),
        encode_component(&next)
    );
    Redirect::to(&format!("/login?{query}")).into_response()
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
                AuditAction::SignOut,
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
