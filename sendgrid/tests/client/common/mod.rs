//! Shared test helpers: a client aimed at a local server, with fast retries.

use std::time::Duration;

use sendgrid::{Client, Config, Format, RetryConfig, Secret};
use wiremock::MockServer;

pub const V2_KEY: &str = "SG.v2-secret-key";
pub const V3_KEY: &str = "SG.v3-secret-key";

/// A config for `base_url` whose retries wait milliseconds, not seconds.
pub fn config(base_url: &str) -> Config {
    let mut config = Config::new(base_url, Secret::from(V2_KEY), Secret::from(V3_KEY));
    config.retry = RetryConfig {
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_rate_limit_wait: Duration::from_secs(2),
        ..RetryConfig::default()
    };
    config.timeout = Duration::from_secs(5);
    config
}

pub fn client(server: &MockServer) -> Client {
    Client::new(config(&server.uri())).expect("valid config")
}

pub fn xml_client(server: &MockServer) -> Client {
    let mut config = config(&server.uri());
    config.format = Format::Xml;
    Client::new(config).expect("valid config")
}

/// The decoded form pairs of every request the server received, in order.
pub async fn forms(server: &MockServer) -> Vec<Vec<(String, String)>> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| form_pairs(&r.body))
        .collect()
}

pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(body).expect("a form body")
}

/// Values of `key` in a decoded form.
pub fn values<'a>(form: &'a [(String, String)], key: &str) -> Vec<&'a str> {
    form.iter()
        .filter(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .collect()
}

pub async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}
