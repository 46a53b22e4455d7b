//! Talking to the console as a browser does: sign in with the plain form post, keep the
//! session cookie, and call server functions with form-encoded arguments.

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, COOKIE, ORIGIN, SET_COOKIE};
use serde_json::Value;

use crate::BenchError;

pub const PASSWORD: &str = "bench password 4 the console";

#[derive(Clone)]
pub struct Session {
    pub base: String,
    /// `name=value` of the session cookie, for other clients (the load generator).
    pub cookie: String,
    client: reqwest::Client,
}

impl Session {
    /// Signs `email` in through `POST /login`.
    pub async fn sign_in(base: &str, email: &str) -> Result<Session, BenchError> {
        let anonymous = client(base, None)?;
        let response = anonymous
            .post(format!("{base}/login"))
            .form(&[("email", email), ("password", PASSWORD), ("next", "/")])
            .send()
            .await?;
        let location = response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let cookie = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .collect::<Vec<_>>()
            .join("; ");
        if response.status().as_u16() != 303 || location.contains("error") || cookie.is_empty() {
            return Err(BenchError::Setup(format!(
                "sign-in of {email} failed: {} -> {location}",
                response.status()
            )));
        }
        Ok(Session {
            base: base.to_string(),
            client: client(base, Some(&cookie))?,
            cookie,
        })
    }

    /// Calls the server function at `/api/{endpoint}`; its JSON answer, or an error naming
    /// the status and body.
    pub async fn call(&self, endpoint: &str, args: &[(&str, &str)]) -> Result<Value, BenchError> {
        let response = self
            .client
            .post(format!("{}/api/{endpoint}", self.base))
            .header(ACCEPT, "application/json")
            .form(args)
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(BenchError::Console(format!("{endpoint}: {status}: {text}")));
        }
        Ok(serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    /// GETs `path` and answers the body's length.
    pub async fn get(&self, path: &str) -> Result<String, BenchError> {
        let response = self
            .client
            .get(format!("{}{path}", self.base))
            .send()
            .await?;
        let status = response.status();
        let text = response.text().await?;
        if !status.is_success() {
            return Err(BenchError::Console(format!("GET {path}: {status}")));
        }
        Ok(text)
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.client
    }
}

/// A client sending this site's Origin (non-GET requests need it) and `cookie`; redirects
/// are returned, not followed.
fn client(base: &str, cookie: Option<&str>) -> Result<reqwest::Client, BenchError> {
    let mut headers = HeaderMap::new();
    let bad = |e: reqwest::header::InvalidHeaderValue| BenchError::Setup(e.to_string());
    headers.insert(ORIGIN, HeaderValue::from_str(base).map_err(bad)?);
    if let Some(cookie) = cookie {
        headers.insert(COOKIE, HeaderValue::from_str(cookie).map_err(bad)?);
    }
    Ok(reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()?)
}

/// A client for the simulator's API, with retries off so every call is one request.
pub fn upstream(base: &str, key: &str) -> Result<sendgrid::Client, BenchError> {
    let key = sendgrid::Secret::from(key.to_string());
    let mut config = sendgrid::Config::new(base.to_string(), key.clone(), key);
    config.retry = sendgrid::RetryConfig::disabled();
    sendgrid::Client::new(config).map_err(|e| BenchError::Setup(e.to_string()))
}
