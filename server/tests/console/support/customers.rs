//! Helpers for the directory and plan tests: a console on a simulator the test controls (its
//! key is known, so accounts can be created), no background syncs, operators per role, the
//! simulator's control plane, and server functions called over HTTP with JSON answers.

use std::time::{Duration, Instant};

use app::domain::Role;
use serde_json::{json, Value};

use crate::support::TestConsole;

/// The simulator's API key in these tests.
pub const SIM_KEY: &str = "sim-test-key";

/// A console talking to its own simulator, with admin, manager and support operators signed in.
pub struct Customers {
    pub console: TestConsole,
    pub sim: simulator::Running,
    pub admin: reqwest::Client,
    pub manager: reqwest::Client,
    pub support: reqwest::Client,
}

impl Customers {
    pub async fn stop(self) {
        self.console.stop().await;
    }

    /// `customers` v2 customers (plus v3-only accounts); background syncs off, so each test
    /// decides when the directory is read.
    pub async fn start(customers: usize) -> Customers {
        Customers::start_with(customers, |_| {}, |_| {}).await
    }

    /// [`Self::start`] with the simulator's and the console's settings adjusted.
    pub async fn start_with(
        customers: usize,
        simulator: impl FnOnce(&mut simulator::Config),
        console: impl FnOnce(&mut server::config::ServeArgs),
    ) -> Customers {
        let mut config = simulator::Config {
            customers,
            api_key: SIM_KEY.to_string(),
            ..simulator::Config::default()
        };
        simulator(&mut config);
        let sim = simulator::spawn(config).await.expect("simulator starts");
        let base = sim.base_url();
        let console = TestConsole::start_with(|args| {
            args.directory_sync_minutes = 0;
            args.upstream.base = base;
            args.upstream.api_key = Some(sendgrid::Secret::from(SIM_KEY.to_string()));
            console(args);
        })
        .await;
        for (email, role) in [
            ("admin@example.com", Role::Admin),
            ("manager@example.com", Role::Manager),
            ("support@example.com", Role::Support),
        ] {
            console.add_operator(email, role).await;
        }
        let admin = console.signed_in("admin@example.com").await;
        let manager = console.signed_in("manager@example.com").await;
        let support = console.signed_in("support@example.com").await;
        Customers {
            console,
            sim,
            admin,
            manager,
            support,
        }
    }

    pub fn sim_url(&self) -> String {
        self.sim.base_url()
    }

    /// A SendGrid client for the simulator, to set up upstream state directly.
    pub fn upstream(&self) -> sendgrid::Client {
        let key = sendgrid::Secret::from(SIM_KEY.to_string());
        let mut config = sendgrid::Config::new(self.sim_url(), key.clone(), key);
        config.retry = sendgrid::RetryConfig::disabled();
        sendgrid::Client::new(config).expect("client")
    }

    /// Calls a server function; the status and the JSON answer (`Value::Null` if not JSON).
    pub async fn call(
        &self,
        client: &reqwest::Client,
        endpoint: &str,
        args: &[(&str, &str)],
    ) -> (u16, Value) {
        let response = self.console.call(client, endpoint, args).await;
        let status = response.status().as_u16();
        let text = response.text().await.expect("a body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Runs a sync to its end through the server functions; the final status.
    /// Starts a directory refresh and waits for that refresh to end: its outcome differs from
    /// the one before (a refresh runs in the background, so "not running" alone may still be
    /// the state from before it started).
    pub async fn sync(&self) -> Value {
        let (_, before) = self.call(&self.support, "directory_status", &[]).await;
        let outcome = |status: &Value| {
            (
                status["last_success_at"].clone(),
                status["last_failure_at"].clone(),
            )
        };
        let (status, _) = self.call(&self.support, "refresh_directory", &[]).await;
        assert_eq!(status, 200, "refresh starts");
        let started = Instant::now();
        loop {
            let status = self.wait_for_sync().await;
            if outcome(&status) != outcome(&before) {
                return status;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the refresh never ended: {status}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    pub async fn wait_for_sync(&self) -> Value {
        let started = Instant::now();
        loop {
            let (status, body) = self.call(&self.support, "directory_status", &[]).await;
            assert_eq!(status, 200, "{body}");
            if body["running"].is_null() {
                return body;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "sync never ended"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// One page of the directory for `query` pairs (`q`, `package`, `sort`, ...).
    pub async fn search(&self, query: &[(&str, &str)]) -> Value {
        let mut args: Vec<(String, String)> = vec![
            ("query[q]".into(), String::new()),
            ("query[package]".into(), String::new()),
            ("query[state]".into(), String::new()),
            ("query[sort]".into(), "Name".into()),
            ("query[descending]".into(), "false".into()),
            ("query[page]".into(), "1".into()),
        ];
        for (name, value) in query {
            let key = format!("query[{name}]");
            match args.iter_mut().find(|(k, _)| *k == key) {
                Some(slot) => slot.1 = value.to_string(),
                None => args.push((key, value.to_string())),
            }
        }
        let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let (status, body) = self.call(&self.support, "search_customers", &pairs).await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn sim_get(&self, path: &str) -> Value {
        reqwest::get(format!("{}{path}", self.sim_url()))
            .await
            .expect("simulator answers")
            .json()
            .await
            .expect("JSON")
    }

    pub async fn sim_post(&self, path: &str, body: Value) {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", self.sim_url()))
            .json(&body)
            .send()
            .await
            .expect("simulator answers");
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
    }

    pub async fn clear_faults(&self) {
        reqwest::Client::new()
            .delete(format!("{}/_sim/faults", self.sim_url()))
            .send()
            .await
            .expect("simulator answers");
    }

    /// The simulator's state of one customer (`v2` / `v3` halves).
    pub async fn sim_customer(&self, key: &str) -> Value {
        self.sim_get(&format!("/_sim/customers/{key}")).await
    }

    /// Every seeded customer, `{"username","v2","v3"}`.
    pub async fn sim_customers(&self) -> Vec<Value> {
        self.sim_get("/_sim/customers").await["customers"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// An active v2 customer on `package` with nothing scheduled, not in `except`.
    pub async fn customer_on(&self, package: &str, except: &[&str]) -> String {
        self.sim_customers()
            .await
            .into_iter()
            .filter(|c| !c["v2"].is_null())
            .find(|c| {
                let v2 = &c["v2"];
                v2["package"] == package
                    && v2["scheduled_change"].is_null()
                    && v2["active"] == true
                    && !except.contains(&c["username"].as_str().unwrap_or_default())
            })
            .and_then(|c| c["username"].as_str().map(str::to_string))
            .unwrap_or_else(|| panic!("no free customer on {package}"))
    }

    /// The simulator's plan calls (`reseller.account` tasks other than overview) for `user`.
    pub async fn plan_calls(&self, user: &str) -> Vec<Value> {
        self.sim_get("/_sim/calls")
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|c| {
                c["user"] == user
                    && c["path"]
                        .as_str()
                        .unwrap_or_default()
                        .contains("reseller.account")
                    && c["task"] != "overview"
            })
            .collect()
    }

    /// The plan tab's data for `user` as the manager sees it.
    pub async fn plan(&self, user: &str) -> Value {
        let (status, body) = self
            .call(&self.manager, "get_plan", &[("user", user)])
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }
}

/// A plan change form, as the review step posts it.
pub struct Change<'a> {
    pub user: &'a str,
    pub action: &'a str,
    pub timing: &'a str,
    pub package: &'a str,
    pub ip: &'a str,
    pub ip_group: &'a str,
    pub confirm: &'a str,
    pub key: &'a str,
}

impl<'a> Change<'a> {
    pub fn new(user: &'a str, action: &'a str, timing: &'a str, key: &'a str) -> Change<'a> {
        Change {
            user,
            action,
            timing,
            package: "",
            ip: "",
            ip_group: "",
            confirm: "",
            key,
        }
    }

    pub fn args(&self) -> Vec<(&'a str, &'a str)> {
        vec![
            ("user", self.user),
            ("action", self.action),
            ("timing", self.timing),
            ("package", self.package),
            ("ip", self.ip),
            ("ip_group", self.ip_group),
            ("confirm", self.confirm),
            ("idempotency_key", self.key),
        ]
    }
}

/// The audit rows of `customer`, oldest first: `(kind, action, outcome)`.
pub async fn audit_rows(
    pool: &sqlx::SqlitePool,
    customer: &str,
) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as("SELECT kind, action, outcome FROM audit_events WHERE customer = ? ORDER BY id")
        .bind(customer)
        .fetch_all(pool)
        .await
        .expect("audit rows")
}

/// A fault at the simulator (`/_sim/faults`, simulator README).
pub fn fault(path_prefix: &str, status: Option<u16>, times: u32) -> Value {
    let mut fault = json!({"path_prefix": path_prefix, "times": times});
    if let Some(status) = status {
        fault["status"] = json!(status);
    }
    fault
}
