//! Helpers that look at the simulator behind a `TestConsole`: its call log, a customer's
//! internal state, and its fault control plane.
#![allow(dead_code)]

use serde_json::Value;

use crate::support::TestConsole;

/// How many API calls reached the simulator so far.
pub async fn upstream_calls(console: &TestConsole) -> usize {
    crate::audit_support::sim_calls(&console.simulator_url())
        .await
        .len()
}

/// `GET /_sim/customers/{key}`: the simulator's whole state of one customer.
pub async fn sim_customer(console: &TestConsole, key: &str) -> Value {
    reqwest::get(format!(
        "{}/_sim/customers/{}",
        console.simulator_url(),
        urlencoding(key)
    ))
    .await
    .expect("simulator answers")
    .json()
    .await
    .expect("state is JSON")
}

/// Adds a fault (`POST /_sim/faults`).
pub async fn add_fault(console: &TestConsole, fault: Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/_sim/faults", console.simulator_url()))
        .json(&fault)
        .send()
        .await
        .expect("simulator answers");
    assert_eq!(response.status(), 201, "fault accepted: {fault}");
}

pub async fn clear_faults(console: &TestConsole) {
    reqwest::Client::new()
        .delete(format!("{}/_sim/faults", console.simulator_url()))
        .send()
        .await
        .expect("simulator answers");
}

/// Rows in the audit log.
pub async fn audit_rows(console: &TestConsole) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(&console.pool)
        .await
        .expect("audit log readable")
}

/// Percent-encodes a path segment.
pub fn urlencoding(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}
