//! Helpers for the audit log's tests: a fresh database, fast bulk appends, the real binary,
//! and a SendGrid client for a simulator.

use std::process::{Command, Output};

use app::services::audit::{self, Kind, NewEvent, Outcome};
use app::services::db;
use sqlx::SqlitePool;

/// A migrated database in its own temp dir.
pub struct TempDb {
    pub pool: SqlitePool,
    pub url: String,
    pub dir: tempfile::TempDir,
}

pub async fn temp_db() -> TempDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}/audit.db", dir.path().display());
    let pool = db::open(&url).await.expect("database opens");
    TempDb { pool, url, dir }
}

/// A local event about `customer` with `outcome`.
pub fn event(customer: &str, action: &str, outcome: Outcome) -> NewEvent {
    NewEvent {
        customer: Some(customer.to_string()),
        operator: Some("ann@example.com".to_string()),
        ..NewEvent::event(known(action), None, outcome, serde_json::json!({ "n": 1 }))
    }
}

/// An attempt with no result, as a crash between the call and its result leaves it.
pub fn attempt(customer: &str, action: &str, before: serde_json::Value) -> NewEvent {
    NewEvent {
        operator: Some("manager@example.com".to_string()),
        customer: Some(customer.to_string()),
        params: serde_json::json!({ "credits": 500 }),
        idempotency_key: Some(format!("key-{customer}-{action}")),
        before_state: Some(before),
        ..NewEvent::new(Kind::Attempt, known(action))
    }
}

/// Appends many rows in one transaction (one fsync), keeping the chain valid.
pub async fn bulk_append(pool: &SqlitePool, events: impl IntoIterator<Item = NewEvent>) {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    for event in events {
        audit::append_in(&mut tx, event).await.expect("append");
    }
    tx.commit().await.unwrap();
}

/// Runs `reseller-console ARGS` against the database at `url`.
pub fn console_cli(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_reseller-console"))
        .args(args)
        .env("DATABASE_URL", url)
        .env_remove("RUST_LOG")
        .output()
        .expect("the binary runs")
}

/// A client for a simulator started with its default key.
pub fn sim_client(base_url: &str) -> sendgrid::Client {
    let key = sendgrid::Secret::from(simulator::Config::default().api_key);
    let mut config = sendgrid::Config::new(base_url.to_string(), key.clone(), key);
    config.retry = sendgrid::RetryConfig::disabled();
    sendgrid::Client::new(config).expect("client")
}

/// The simulator's API calls, from `GET /_sim/calls`.
pub async fn sim_calls(base_url: &str) -> Vec<serde_json::Value> {
    reqwest::get(format!("{base_url}/_sim/calls"))
        .await
        .expect("calls answer")
        .json()
        .await
        .expect("calls are JSON")
}

/// Usernames of the simulator's v2 customers.
pub async fn sim_usernames(base_url: &str) -> Vec<String> {
    let body: serde_json::Value = reqwest::get(format!("{base_url}/_sim/customers"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["customers"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["username"].as_str().map(str::to_string))
        .collect()
}

/// The action a test names, as the console writes it.
pub fn known(action: &str) -> app::domain::AuditAction {
    app::domain::AuditAction::parse(action).expect("an action the console writes")
}
