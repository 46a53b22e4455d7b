//! `GET/POST /v3/partners/accounts` and `DELETE /v3/partners/accounts/{id}` (API.md §5.3-5.5).

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::SecondsFormat;
use serde_json::{json, Map, Value};

use super::errors::{self, ApiError, ErrorItem};
use super::{json_object, offerings};
use crate::clock;
use crate::seed::account_id;
use crate::sim::Shared;
use crate::state::{Account, AccountState, Profile};

const DEFAULT_LIMIT: usize = 10;
const MAX_LIMIT: usize = 100;

/// Accounts in creation order after the `offset` cursor (the id of the last account already
/// seen). `pages.last` names the last account of a non-empty page; an empty page has
/// `"pages":{}`, so a walk ends on a short page or an empty one (API.md §9 Q6).
pub async fn list(
    State(shared): State<Shared>,
    RawQuery(query): RawQuery,
) -> Result<Json<Value>, ApiError> {
    let params: Vec<(String, String)> =
        serde_urlencoded::from_str(query.as_deref().unwrap_or("")).unwrap_or_default();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let limit = match param("limit") {
        None => DEFAULT_LIMIT,
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|l| (1..=MAX_LIMIT).contains(l))
            .ok_or_else(|| {
                ApiError::bad_request(vec![ErrorItem::new(
                    "Field must be an integer between 1 and 100",
                    "limit",
                    errors::LIMIT,
                )])
            })?,
    };
    let world = shared.world();
    // Deleted accounts stay in the list as tombstones, so a cursor naming one still works.
    let start = match param("offset").filter(|o| !o.is_empty()) {
        None => 0,
        Some(cursor) => {
            let position = world
                .accounts
                .iter()
                .position(|a| a.id == cursor)
                .ok_or_else(|| {
                    ApiError::bad_request(vec![ErrorItem::new(
                        "Field must be the id of a listed account",
                        "offset",
                        errors::OFFSET,
                    )])
                })?;
            position + 1
        }
    };
    let page: Vec<&Account> = world.accounts[start..]
        .iter()
        .filter(|a| !a.deleted)
        .take(limit)
        .collect();
    let accounts: Vec<Value> = page
        .iter()
        .map(|a| {
            json!({
                "id": a.id,
                "email": a.email,
                "created_at": a.created_at.to_rfc3339_opts(SecondsFormat::Secs, true),
                "updated_at": a.updated_at.to_rfc3339_opts(SecondsFormat::Secs, true),
            })
        })
        .collect();
    let pages = page
        .last()
        .map_or_else(|| json!({}), |a| json!({"last": a.id}));
    Ok(Json(json!({"accounts": accounts, "pages": pages})))
}

/// 201 `{"account_id"}`. The optional `T-Test-Account` header is accepted and has no effect
/// (API.md §9 Q7).
pub async fn create(State(shared): State<Shared>, body: Bytes) -> Result<Response, ApiError> {
    let body = json_object(&body)?;
    let mut problems = Vec::new();
    let profile = profile(body.get("profile"), &mut problems);
    let offerings = offerings::parse(body.get("offerings")).unwrap_or_else(|mut e| {
        problems.append(&mut e);
        Vec::new()
    });
    if !problems.is_empty() {
        return Err(ApiError::bad_request(problems));
    }
    let mut world = shared.world();
    let now = clock::now(world.today);
    let id = account_id(&mut world.rng);
    world.accounts.push(Account {
        id: id.clone(),
        email: profile.email.clone().unwrap_or_default(),
        created_at: now,
        updated_at: now,
        state: AccountState::Activated,
        offerings,
        profile,
        username: None,
        deleted: false,
    });
    Ok((StatusCode::CREATED, Json(json!({"account_id": id}))).into_response())
}

/// 204; the account disappears from every endpoint at once (API.md §5.5).
pub async fn remove(
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let mut world = shared.world();
    let now = clock::now(world.today);
    let account = world
        .account_mut(&id)
        .ok_or_else(ApiError::no_such_account)?;
    account.deleted = true;
    account.updated_at = now;
    account.offerings.clear();
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Every profile field is optional; email, website and phone are checked with the spec's
/// messages and ids (API.md §5.1).
fn profile(value: Option<&Value>, problems: &mut Vec<ErrorItem>) -> Profile {
    let empty = Map::new();
    let map = match value {
        None | Some(Value::Null) => &empty,
        Some(Value::Object(map)) => map,
        Some(_) => {
            problems.push(ErrorItem::new(
                "Field must be an object",
                "profile",
                errors::BAD_JSON,
            ));
            &empty
        }
    };
    let field = |name: &str| map.get(name).and_then(Value::as_str).map(str::to_owned);
    let profile = Profile {
        first_name: field("first_name"),
        last_name: field("last_name"),
        company_name: field("company_name"),
        company_website: field("company_website"),
        email: field("email"),
        phone: field("phone"),
        timezone: field("timezone"),
    };
    if profile.email.as_deref().is_some_and(|e| !valid_email(e)) {
        problems.push(ErrorItem::new(
            errors::EMAIL_MESSAGE,
            "email",
            errors::EMAIL,
        ));
    }
    if profile.phone.as_deref().is_some_and(|p| !valid_e164(p)) {
        problems.push(ErrorItem::new(
            errors::PHONE_MESSAGE,
            "phone",
            errors::PHONE,
        ));
    }
    if profile
        .company_website
        .as_deref()
        .is_some_and(|u| !valid_url(u))
    {
        problems.push(ErrorItem::new(
            errors::URL_MESSAGE,
            "company_website",
            errors::URL,
        ));
    }
    profile
}

/// One `@`, a non-empty local part, a dotted domain, no whitespace.
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|part| !part.is_empty())
        && !email.chars().any(char::is_whitespace)
}

/// `+`, a country code not starting with 0, at most fifteen digits in all.
pub fn valid_e164(phone: &str) -> bool {
    let Some(digits) = phone.strip_prefix('+') else {
        return false;
    };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// An http(s) URL with a host.
pub fn valid_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| r.split(['/', '?', '#']).next().unwrap_or(""));
    host.is_some_and(|h| !h.is_empty() && h.contains('.') && !h.chars().any(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validators_follow_the_documented_rules() {
        assert!(valid_email("test@test.com"));
        assert!(!valid_email("not-an-email"));
        assert!(!valid_email("a@b"));
        assert!(valid_e164("+14155550100"));
        assert!(!valid_e164("4155550100"));
        assert!(!valid_e164("+1234567890123456"));
        assert!(valid_url("https://sendgrid.com/x"));
        assert!(!valid_url("sendgrid.com"));
    }
}
