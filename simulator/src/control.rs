//! The `/_sim/` control plane for tests and demos (DESIGN.md "Simulator control plane"):
//! faults, the clock, internal state, adding a customer, the call log, reset and the rate
//! limit. Not authenticated, never part of the SendGrid surface.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::clock;
use crate::enrol::{self, NewCustomer, Refusal};
use crate::faults::Fault;
use crate::sim::Shared;

pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/_sim/faults",
            get(list_faults).post(add_fault).delete(clear_faults),
        )
        .route("/_sim/clock", get(today))
        .route("/_sim/clock/advance", post(advance))
        .route("/_sim/customers", get(customers).post(add_customer))
        .route("/_sim/customers/{key}", get(customer))
        .route("/_sim/calls", get(calls).delete(clear_calls))
        .route("/_sim/reset", post(reset))
        .route("/_sim/config", get(config).post(set_config))
}

async fn list_faults(State(shared): State<Shared>) -> Json<Vec<Fault>> {
    Json(shared.faults().clone())
}

/// Appends a fault; faults are tried in the order they were added.
async fn add_fault(State(shared): State<Shared>, Json(fault): Json<Fault>) -> Response {
    if let Err(message) = fault.check() {
        return (StatusCode::BAD_REQUEST, Json(json!({"error": message}))).into_response();
    }
    let mut faults = shared.faults();
    faults.push(fault);
    (StatusCode::CREATED, Json(faults.clone())).into_response()
}

async fn clear_faults(State(shared): State<Shared>) -> StatusCode {
    shared.faults().clear();
    StatusCode::NO_CONTENT
}

async fn today(State(shared): State<Shared>) -> Json<Value> {
    Json(json!({"today": shared.world().today}))
}

#[derive(Deserialize)]
struct Advance {
    days: u32,
}

async fn advance(State(shared): State<Shared>, Json(body): Json<Advance>) -> Response {
    if body.days > clock::MAX_DAYS {
        let message = format!("days must be at most {}", clock::MAX_DAYS);
        return (StatusCode::BAD_REQUEST, Json(json!({"error": message}))).into_response();
    }
    let done = clock::advance(&mut shared.world(), body.days);
    Json(done).into_response()
}

/// Every v2 customer and v3 account, in the shape of `GET /_sim/customers/{key}`.
async fn customers(State(shared): State<Shared>) -> Json<Value> {
    let world = shared.world();
    let linked = |username: &str| {
        world
            .accounts
            .iter()
            .find(|a| a.username.as_deref() == Some(username))
    };
    let mut all: Vec<Value> = world
        .customers
        .values()
        .map(|c| json!({"username": c.username, "v2": c, "v3": linked(&c.username)}))
        .collect();
    let v3_only = world.accounts.iter().filter(|a| a.username.is_none());
    all.extend(v3_only.map(|a| json!({"username": null, "v2": null, "v3": a})));
    Json(json!({"today": world.today, "customers": all}))
}

/// Adds a customer chosen by the test (see `enrol`); answers 201 with its state.
async fn add_customer(State(shared): State<Shared>, Json(new): Json<NewCustomer>) -> Response {
    let added = enrol::add(&mut shared.world(), new);
    match added {
        Ok(username) => {
            let mut response = customer(State(shared), Path(username)).await;
            *response.status_mut() = StatusCode::CREATED;
            response
        }
        Err(Refusal::Invalid(message)) => {
            (StatusCode::BAD_REQUEST, Json(json!({"error": message}))).into_response()
        }
        Err(Refusal::Taken(message)) => {
            (StatusCode::CONFLICT, Json(json!({"error": message}))).into_response()
        }
    }
}

/// By v2 username or v3 account id: the v2 customer and the v3 account, whichever exist.
async fn customer(State(shared): State<Shared>, Path(key): Path<String>) -> Response {
    let world = shared.world();
    let v2 = world.customers.get(&key).or_else(|| {
        let account = world.accounts.iter().find(|a| a.id == key)?;
        world.customers.get(account.username.as_deref()?)
    });
    let account_id = v2
        .and_then(|c| c.account_id.clone())
        .unwrap_or_else(|| key.clone());
    let v3 = world.accounts.iter().find(|a| a.id == account_id);
    if v2.is_none() && v3.is_none() {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({"error": format!("no customer or account {key}")})),
        )
            .into_response();
    }
    let username = v2
        .map(|c| c.username.clone())
        .or_else(|| v3.and_then(|a| a.username.clone()));
    // Changes applied to the v2 customer and its subusers plus those to its v3 account.
    let changes = username.as_deref().map_or(0, |u| world.changes_of(u))
        + v3.map_or(0, |a| world.changes_of(&a.id));
    Json(
        json!({"username": username, "today": world.today, "v2": v2, "v3": v3, "changes": changes}),
    )
    .into_response()
}

async fn calls(State(shared): State<Shared>) -> Response {
    Json(shared.calls().clone()).into_response()
}

async fn clear_calls(State(shared): State<Shared>) -> StatusCode {
    shared.calls().clear();
    StatusCode::NO_CONTENT
}

async fn reset(State(shared): State<Shared>) -> StatusCode {
    shared.reset();
    StatusCode::NO_CONTENT
}

async fn config(State(shared): State<Shared>) -> Json<Value> {
    Json(json!({"rate_limit_per_minute": shared.rate().per_minute()}))
}

#[derive(Deserialize)]
struct RateConfig {
    rate_limit_per_minute: Option<u32>,
}

async fn set_config(State(shared): State<Shared>, Json(body): Json<RateConfig>) -> Json<Value> {
    shared.rate().set_per_minute(body.rate_limit_per_minute);
    Json(json!({"rate_limit_per_minute": body.rate_limit_per_minute}))
}
