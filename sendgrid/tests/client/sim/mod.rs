//! A seeded simulator per test, a client aimed at it, and reads of its `/_sim/` state.

use std::time::Duration;

use sendgrid::{Client, Config, Format, RetryConfig, Secret};
use serde_json::{json, Value};
use simulator::Running;

pub const KEY: &str = "sim-test-key";

pub struct Sim {
    pub running: Running,
    pub client: Client,
    http: reqwest::Client,
}

pub async fn start() -> Sim {
    start_with(None).await
}

/// A world of 60 customers from seed 7; `rate_limit_per_minute` as given.
pub async fn start_with(rate_limit_per_minute: Option<u32>) -> Sim {
    let running = simulator::spawn(simulator::Config {
        customers: 60,
        seed: 7,
        api_key: KEY.to_owned(),
        v2_user: "apikey".to_owned(),
        rate_limit_per_minute,
        ..simulator::Config::default()
    })
    .await
    .expect("simulator starts");
    let client = Client::new(config(&running, |_| {})).expect("client");
    Sim {
        running,
        client,
        http: reqwest::Client::new(),
    }
}

/// A client configuration for this simulator with fast retries, adjusted by `tweak`.
pub fn config(running: &Running, tweak: impl FnOnce(&mut Config)) -> Config {
    let mut config = Config::new(running.base_url(), Secret::from(KEY), Secret::from(KEY));
    config.retry = RetryConfig {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_rate_limit_wait: Duration::from_secs(1),
        ..RetryConfig::default()
    };
    tweak(&mut config);
    config
}

impl Sim {
    pub fn client_with(&self, tweak: impl FnOnce(&mut Config)) -> Client {
        Client::new(config(&self.running, tweak)).expect("client")
    }

    pub fn xml_client(&self) -> Client {
        self.client_with(|c| c.format = Format::Xml)
    }

    async fn control(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/_sim/{path}", self.running.base_url());
        let mut request = self.http.request(method, url);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("control plane answers");
        let text = response.text().await.expect("control plane body");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Every seeded customer's `v2` state (customers without one are left out).
    pub async fn v2_customers(&self) -> Vec<Value> {
        let all = self.control(reqwest::Method::GET, "customers", None).await;
        all["customers"]
            .as_array()
            .expect("customers")
            .iter()
            .filter(|c| !c["v2"].is_null())
            .map(|c| c["v2"].clone())
            .collect()
    }

    /// Ids of the v3 accounts that are not deleted.
    pub async fn live_account_ids(&self) -> Vec<String> {
        let all = self.control(reqwest::Method::GET, "customers", None).await;
        all["customers"]
            .as_array()
            .expect("customers")
            .iter()
            .filter(|c| !c["v3"].is_null() && c["v3"]["deleted"] != json!(true))
            .map(|c| c["v3"]["id"].as_str().expect("id").to_owned())
            .collect()
    }

    /// The first customer (by username) without a scheduled change for which `wanted` holds.
    pub async fn customer_where(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        self.v2_customers()
            .await
            .into_iter()
            .find(|c| c["scheduled_change"].is_null() && wanted(c))
            .expect("the seeded world has such a customer")
    }

    pub async fn customer(&self, key: &str) -> Value {
        self.control(reqwest::Method::GET, &format!("customers/{key}"), None)
            .await
    }

    pub async fn add_fault(&self, fault: Value) {
        self.control(reqwest::Method::POST, "faults", Some(fault))
            .await;
    }

    /// How many API calls reached the simulator whose path starts with `prefix`.
    pub async fn calls_to(&self, prefix: &str) -> usize {
        let calls = self.control(reqwest::Method::GET, "calls", None).await;
        calls
            .as_array()
            .expect("calls")
            .iter()
            .filter(|c| c["path"].as_str().is_some_and(|p| p.starts_with(prefix)))
            .count()
    }
}

pub fn username(customer: &Value) -> String {
    customer["username"].as_str().expect("username").to_owned()
}

pub fn package(customer: &Value) -> &str {
    customer["package"].as_str().expect("package")
}
