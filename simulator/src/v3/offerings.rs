//! The offering catalogue and an account's offerings (API.md §5.2, §5.6-5.7), with the rules
//! every offerings list must pass: exactly one package, of quantity 1; add-ons of quantity
//! at least 1; names and types from the catalogue; no name twice.

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};

use super::errors::{self, ApiError, ErrorItem};
use super::json_object;
use crate::catalog::{self, OfferingType, OFFERINGS};
use crate::clock;
use crate::sim::Shared;
use crate::state::AccountOffering;

pub async fn catalog() -> Json<Value> {
    let entries: Vec<Value> = OFFERINGS
        .iter()
        .map(|o| {
            json!({
                "offering": {"name": o.name, "type": o.kind, "quantity": 1},
                "entitlements": {
                    "email_sends_max_monthly": o.email_sends_max_monthly,
                    "ip_count": o.ip_count,
                    "teammates_max_total": o.teammates_max_total,
                    "users_max_total": o.users_max_total,
                },
            })
        })
        .collect();
    Json(json!({"catalog": entries}))
}

pub async fn list(
    State(shared): State<Shared>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let world = shared.world();
    let account = world.account(&id).ok_or_else(ApiError::no_such_account)?;
    Ok(Json(json!({"offerings": account.offerings})))
}

/// Overwrites the whole list (API.md §5.7) and answers the result.
pub async fn update(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Value>, ApiError> {
    let mut world = shared.world();
    let now = clock::now(world.today);
    let account = world
        .account_mut(&id)
        .ok_or_else(ApiError::no_such_account)?;
    let body = json_object(&body)?;
    let offerings = parse(body.get("offerings")).map_err(ApiError::bad_request)?;
    // A PUT repeated with the same list changes nothing, and is not counted.
    let changed = account.offerings != offerings;
    account.offerings = offerings;
    account.updated_at = now;
    let answer = json!({"offerings": account.offerings});
    if changed {
        world.count_change(&id);
    }
    Ok(Json(answer))
}

/// Checks an `offerings` array, collecting every problem with a `offerings[i].field` path.
pub fn parse(value: Option<&Value>) -> Result<Vec<AccountOffering>, Vec<ErrorItem>> {
    let items = match value {
        None => {
            return Err(vec![ErrorItem::new(
                "Field is required",
                "offerings",
                errors::REQUIRED,
            )])
        }
        Some(Value::Array(items)) => items,
        Some(_) => {
            return Err(vec![ErrorItem::new(
                "Field must be an array",
                "offerings",
                errors::BAD_JSON,
            )]);
        }
    };
    let mut problems = Vec::new();
    let mut seen = HashSet::new();
    let mut parsed = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = |name: &str| format!("offerings[{i}].{name}");
        let Some(name) = item.get("name").and_then(Value::as_str) else {
            problems.push(ErrorItem::new(
                "Field is required",
                field("name"),
                errors::REQUIRED,
            ));
            continue;
        };
        let Some(entry) = catalog::offering_named(name) else {
            problems.push(ErrorItem::new(
                format!("Offering {name} does not exist"),
                field("name"),
                errors::UNKNOWN_OFFERING,
            ));
            continue;
        };
        let kind = match item.get("type").and_then(Value::as_str) {
            Some("package") => OfferingType::Package,
            Some("addon") => OfferingType::Addon,
            _ => {
                problems.push(ErrorItem::new(
                    "Field must be one of package, addon",
                    field("type"),
                    errors::OFFERING_TYPE,
                ));
                continue;
            }
        };
        if kind != entry.kind {
            problems.push(ErrorItem::new(
                format!(
                    "Offering {name} is not of type {}",
                    if kind == OfferingType::Package {
                        "package"
                    } else {
                        "addon"
                    }
                ),
                field("type"),
                errors::OFFERING_TYPE,
            ));
            continue;
        }
        let quantity = match item.get("quantity") {
            None | Some(Value::Null) => Some(1),
            Some(q) => q.as_i64(),
        };
        let quantity_ok = match kind {
            OfferingType::Package => quantity == Some(1),
            OfferingType::Addon => quantity.is_some_and(|q| q >= 1),
        };
        if !quantity_ok {
            let message = match kind {
                OfferingType::Package => "Package quantity must be 1",
                OfferingType::Addon => "Add-on quantity must be an integer of at least 1",
            };
            problems.push(ErrorItem::new(message, field("quantity"), errors::QUANTITY));
            continue;
        }
        if !seen.insert(name) {
            problems.push(ErrorItem::new(
                format!("Offering {name} is listed more than once"),
                field("name"),
                errors::DUPLICATE_OFFERING,
            ));
            continue;
        }
        parsed.push(AccountOffering {
            name: name.to_owned(),
            kind,
            quantity: quantity.unwrap_or(1),
        });
    }
    let packages = parsed
        .iter()
        .filter(|o| o.kind == OfferingType::Package)
        .count();
    if problems.is_empty() && packages != 1 {
        problems.push(ErrorItem::new(
            "Exactly one package offering is required",
            "offerings",
            errors::PACKAGE_COUNT,
        ));
    }
    if problems.is_empty() {
        Ok(parsed)
    } else {
        Err(problems)
    }
}
