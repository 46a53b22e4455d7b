//! Helpers for the limits, offerings, state and scheduled-change tests: a console on a
//! simulator the test controls (with an auditor too and a short scheduled-job poll), forms as
//! the review steps post them, and the simulator's view of a limit or an account.

use std::time::{Duration, Instant};

use app::domain::Role;
use serde_json::{json, Value};

use crate::customers_support::Customers;

/// A console on its own simulator with admin, manager, support and auditor signed in, and
/// the scheduled-change worker polling every `poll_seconds`.
pub struct Harness {
    pub t: Customers,
    pub auditor: reqwest::Client,
}

impl Harness {
    pub async fn stop(self) {
        self.t.stop().await;
    }

    pub async fn start(customers: usize, poll_seconds: u64) -> Harness {
        let t = Customers::start_with(
            customers,
            |_| {},
            |args| args.scheduled_jobs_poll_seconds = poll_seconds,
        )
        .await;
        t.console
            .add_operator("auditor@example.com", Role::Auditor)
            .await;
        let auditor = t.console.signed_in("auditor@example.com").await;
        Harness { t, auditor }
    }

    /// A v2 customer with at least one subuser: `(customer, first subuser)`.
    pub async fn customer_with_subuser(&self) -> (String, String) {
        self.t
            .sim_customers()
            .await
            .into_iter()
            .filter(|c| !c["v2"].is_null() && c["v2"]["active"] == true)
            .find_map(|c| {
                let subuser = c["v2"]["subusers"][0]["username"].as_str()?.to_string();
                Some((c["username"].as_str()?.to_string(), subuser))
            })
            .expect("a customer with a subuser")
    }

    /// A v2 customer with a v3 account, activated: `(username, account id)`; not in `except`.
    pub async fn linked_customer(&self, except: &[&str]) -> (String, String) {
        self.t
            .sim_customers()
            .await
            .into_iter()
            .filter(|c| !c["v2"].is_null() && c["v3"]["state"] == "activated")
            .find_map(|c| {
                let user = c["username"].as_str()?.to_string();
                let id = c["v3"]["id"].as_str()?.to_string();
                (!except.contains(&user.as_str())).then_some((user, id))
            })
            .expect("a customer with an activated v3 account")
    }

    /// A v3-only account, activated.
    pub async fn v3_only(&self) -> String {
        self.t
            .sim_customers()
            .await
            .into_iter()
            .filter(|c| c["v2"].is_null() && c["v3"]["state"] == "activated")
            .find_map(|c| c["v3"]["id"].as_str().map(str::to_string))
            .expect("a v3-only account")
    }

    /// A v2 customer without a v3 account.
    pub async fn v2_only(&self) -> String {
        self.t
            .sim_customers()
            .await
            .into_iter()
            .filter(|c| !c["v2"].is_null() && c["v3"].is_null())
            .find_map(|c| c["username"].as_str().map(str::to_string))
            .expect("a v2-only customer")
    }

    /// The simulator's limit of `target` (the customer or one of its subusers).
    pub async fn sim_limit(&self, customer: &str, target: &str) -> Value {
        let state = self.t.sim_customer(customer).await;
        if customer == target {
            return state["v2"]["limit"].clone();
        }
        state["v2"]["subusers"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["username"] == target)
            .map(|s| s["limit"].clone())
            .unwrap_or_else(|| panic!("{target} is not a subuser of {customer}"))
    }

    /// The simulator's offerings of an account, as `(type, name, quantity)` sorted.
    pub async fn sim_offerings(&self, account_id: &str) -> Vec<(String, String, i64)> {
        let state = self.t.sim_customer(account_id).await;
        let mut list: Vec<(String, String, i64)> = state["v3"]["offerings"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| {
                (
                    o["type"].as_str().unwrap_or_default().to_string(),
                    o["name"].as_str().unwrap_or_default().to_string(),
                    o["quantity"].as_i64().unwrap_or(1),
                )
            })
            .collect();
        list.sort();
        list
    }

    pub async fn sim_state(&self, account_id: &str) -> String {
        self.t.sim_customer(account_id).await["v3"]["state"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The simulator's day.
    pub async fn sim_today(&self) -> String {
        self.t.sim_get("/_sim/clock").await["today"]
            .as_str()
            .expect("today")
            .to_string()
    }

    pub async fn advance_days(&self, days: u32) -> Value {
        let response = reqwest::Client::new()
            .post(format!("{}/_sim/clock/advance", self.t.sim_url()))
            .json(&json!({ "days": days }))
            .send()
            .await
            .expect("simulator answers");
        response.json().await.expect("JSON")
    }

    /// Every API call the simulator has seen, oldest first.
    pub async fn calls(&self) -> Vec<Value> {
        self.t
            .sim_get("/_sim/calls")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Limit changes (not retrieves) sent for `user`.
    pub async fn limit_changes(&self, user: &str) -> usize {
        self.calls()
            .await
            .iter()
            .filter(|c| c["api_method"] == "limit" && c["user"] == user && c["task"] != "retrieve")
            .count()
    }

    /// PUTs to `/v3/partners/accounts/<id>/<what>` (`offerings` or `state`).
    pub async fn puts(&self, account_id: &str, what: &str) -> usize {
        let path = format!("/v3/partners/accounts/{account_id}/{what}");
        self.calls()
            .await
            .iter()
            .filter(|c| c["method"] == "PUT" && c["path"] == path.as_str())
            .count()
    }

    /// Puts the account's offerings in a known state, straight at the simulator.
    pub async fn set_offerings(&self, account_id: &str, offerings: &[sendgrid::Offering]) {
        self.t
            .upstream()
            .update_account_offerings(account_id, offerings)
            .await
            .expect("offerings set");
    }

    /// Waits until `check` holds for the scheduled job `id` (its row), failing after 15 s.
    pub async fn wait_for_job(&self, id: i64, status: &str) -> (String, Option<String>) {
        let started = Instant::now();
        loop {
            let row: (String, Option<String>) =
                sqlx::query_as("SELECT status, result FROM scheduled_jobs WHERE id = ?")
                    .bind(id)
                    .fetch_one(&self.t.console.pool)
                    .await
                    .expect("job row");
            if row.0 == status {
                return row;
            }
            assert!(
                started.elapsed() < Duration::from_secs(15),
                "job {id} is {row:?}, never {status}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// A limits form as the review step posts it.
#[derive(Clone, Default)]
pub struct LimitForm<'a> {
    pub user: &'a str,
    pub target: &'a str,
    pub task: &'a str,
    pub credits: &'a str,
    pub period: &'a str,
    pub start_date: &'a str,
    pub end_date: &'a str,
    pub initial_credits: &'a str,
    pub key: &'a str,
}

impl<'a> LimitForm<'a> {
    pub fn new(
        user: &'a str,
        target: &'a str,
        task: &'a str,
        credits: &'a str,
        key: &'a str,
    ) -> Self {
        LimitForm {
            user,
            target,
            task,
            credits,
            key,
            ..LimitForm::default()
        }
    }

    pub fn args(&self) -> Vec<(&'a str, &'a str)> {
        vec![
            ("user", self.user),
            ("target", self.target),
            ("task", self.task),
            ("credits", self.credits),
            ("period", self.period),
            ("start_date", self.start_date),
            ("end_date", self.end_date),
            ("initial_credits", self.initial_credits),
            ("idempotency_key", self.key),
        ]
    }
}

/// The fields named in an `Invalid` answer, e.g. `["Credits"]`.
pub fn invalid_fields(body: &Value) -> Vec<String> {
    body["Invalid"]
        .as_array()
        .unwrap_or_else(|| panic!("expected Invalid, got {body}"))
        .iter()
        .map(|e| match &e["field"] {
            Value::String(name) => name.clone(),
            other => other.to_string(),
        })
        .collect()
}

/// The audit rows of `customer` with their parameters, oldest first.
pub async fn audit_params(pool: &sqlx::SqlitePool, customer: &str) -> Vec<(String, String, Value)> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT kind, action, params FROM audit_events WHERE customer = ? ORDER BY id",
    )
    .bind(customer)
    .fetch_all(pool)
    .await
    .expect("audit rows");
    rows.into_iter()
        .map(|(kind, action, params)| (kind, action, serde_json::from_str(&params).unwrap()))
        .collect()
}

/// `n` days after the `YYYY-mm-dd` day `from`.
pub fn days_after(from: &str, n: i64) -> String {
    use sqlx::types::chrono::NaiveDate;
    let mut day = NaiveDate::parse_from_str(from, "%Y-%m-%d").expect("a day");
    for _ in 0..n.unsigned_abs() {
        day = if n > 0 {
            day.succ_opt()
        } else {
            day.pred_opt()
        }
        .expect("a day in range");
    }
    day.format("%Y-%m-%d").to_string()
}
