//! Resolves the session to an operator once per request (stored in the request's
//! extensions for pages and server functions), and sends anonymous visitors of a page to
//! `/login?next=...`. Server functions decide 401/403 themselves through `require`.

use app::domain::encode_return_path;
use app::services::auth::{self, CurrentOperator};
use app::services::AppState;
use axum::{
    extract::{Request, State},
    http::{header, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
};
use tower_sessions::Session;

/// Paths anyone may fetch: the sign-in page, health, compiled assets, server functions
/// (which check roles themselves) and the site's static files.
fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/logout" | "/healthz" | "/favicon.svg")
        || path.starts_with("/pkg/")
        || path.starts_with("/api/")
}

pub async fn authenticate(
    State(state): State<AppState>,
    session: Session,
    mut request: Request,
    next: Next,
) -> Response {
    let current = match auth::resolve(&state.pool, &session, state.session_limits).await {
        Ok(current) => current,
        Err(error) => {
            tracing::error!(%error, "cannot read the operator of a session");
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                "The console's database is unavailable.",
            )
                .into_response();
        }
    };
    let path = request.uri().path().to_string();
    let is_page_view = matches!(*request.method(), Method::GET | Method::HEAD) && !is_public(&path);

    if is_page_view {
        match &current.0 {
            None => {
                let target = request
                    .uri()
                    .path_and_query()
                    .map(|pq| pq.as_str().to_string())
                    .unwrap_or_else(|| "/".to_string());
                let location = format!("/login?next={}", encode_return_path(&target));
                return Redirect::to(&location).into_response();
            }
            Some(operator) if operator.must_change_password && path != "/account/password" => {
                return Redirect::to("/account/password").into_response();
            }
            Some(_) => {}
        }
    }
    let signed_in = current.0.is_some();
    request.extensions_mut().insert::<CurrentOperator>(current);
    let mut response = next.run(request).await;
    if signed_in {
        // What a signed-in operator sees (customers, the audit log) must not stay in a shared
        // or back-button cache after sign-out; assets keep the policy they set themselves.
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("no-store"));
    }
    response
}
