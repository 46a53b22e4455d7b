//! The v3 Account Provisioning API (API.md §5, `tsg_account_provisioning_v3.yaml`): Bearer
//! auth, per-endpoint rate limits with headers on every answer, JSON bodies only.

pub mod accounts;
pub mod errors;
pub mod offerings;
pub mod rate_limit;
pub mod sso;
pub mod state;

use axum::body::Bytes;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::Router;
use serde_json::Value;

use errors::{ApiError, ErrorItem};

use crate::sim::Shared;

pub fn routes(shared: Shared) -> Router<Shared> {
    let api = Router::new()
        .route("/partners/offerings", get(offerings::catalog))
        .route(
            "/partners/accounts",
            get(accounts::list).post(accounts::create),
        )
        .route("/partners/accounts/{account_id}", delete(accounts::remove))
        .route(
            "/partners/accounts/{account_id}/offerings",
            get(offerings::list).put(offerings::update),
        )
        .route(
            "/partners/accounts/{account_id}/state",
            get(state::read).put(state::update),
        )
        .route("/partners/accounts/{account_id}/sso", post(sso::login))
        .fallback(|| async { ApiError::no_such_endpoint() })
        .method_not_allowed_fallback(|| async {
            ApiError::one(
                StatusCode::METHOD_NOT_ALLOWED,
                "Method not allowed",
                "",
                "10-40500",
            )
        })
        .layer(from_fn_with_state(shared, guard));
    Router::new().nest("/v3", api)
}

/// Authenticates, then counts the request against its endpoint's window. Refused requests
/// still carry the rate-limit headers; a 401 does not use up the quota.
async fn guard(State(shared): State<Shared>, request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("*", |m| m.as_str());
    let endpoint = format!("{} {route}", request.method());
    if !authorized(request.headers(), &shared.config.api_key) {
        let quota = shared.rate().check(&endpoint, false);
        let mut response = ApiError::unauthorized().into_response();
        quota.stamp(&mut response);
        return response;
    }
    let quota = shared.rate().check(&endpoint, true);
    let mut response = if quota.exceeded {
        errors::too_many_requests()
    } else {
        next.run(request).await
    };
    quota.stamp(&mut response);
    response
}

/// `Authorization: Bearer <key>`, the scheme matched case-insensitively.
fn authorized(headers: &HeaderMap, key: &str) -> bool {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    value
        .and_then(|v| v.split_once(' '))
        .is_some_and(|(scheme, token)| scheme.eq_ignore_ascii_case("bearer") && token.trim() == key)
}

/// The request body as a JSON object, or the 400 a malformed one gets.
pub fn json_object(body: &Bytes) -> Result<serde_json::Map<String, Value>, ApiError> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(ApiError::bad_request(vec![ErrorItem::new(
            "Request body must be a JSON object",
            "",
            errors::BAD_JSON,
        )])),
    }
}
