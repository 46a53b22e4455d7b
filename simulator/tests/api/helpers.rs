//! A simulator on a free loopback port per test, and typed helpers to call it.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use simulator::{Config, Running};

pub const KEY: &str = "test-key";

pub struct TestSim {
    pub running: Running,
    pub http: reqwest::Client,
}

pub async fn spawn() -> TestSim {
    spawn_with(Config {
        api_key: KEY.to_owned(),
        ..Config::default()
    })
    .await
}

pub async fn spawn_with(config: Config) -> TestSim {
    let running = simulator::spawn(config).await.expect("simulator starts");
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    TestSim { running, http }
}

/// A reply: status, content type and body text.
pub struct Reply {
    pub status: StatusCode,
    pub content_type: String,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text))
    }
}

impl TestSim {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.running.base_url())
    }

    /// POST a legacy call with the right credentials plus `params` as a form body.
    pub async fn legacy(&self, path: &str, params: &[(&str, &str)]) -> Reply {
        let mut form = vec![("api_user", "apikey"), ("api_key", KEY)];
        form.extend_from_slice(params);
        self.legacy_raw(path, &form).await
    }

    /// POST a legacy call with exactly `form` (no credentials added).
    pub async fn legacy_raw(&self, path: &str, form: &[(&str, &str)]) -> Reply {
        let response = self
            .http
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("legacy call");
        read(response).await
    }

    pub async fn v3(&self, method: Method, path: &str, body: Option<Value>) -> reqwest::Response {
        let mut request = self.http.request(method, self.url(path)).bearer_auth(KEY);
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send().await.expect("v3 call")
    }

    pub async fn v3_json(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let response = self.v3(method, path, body).await;
        let status = response.status();
        let text = response.text().await.expect("body");
        (
            status,
            if text.is_empty() {
                Value::Null
            } else {
                serde_json::from_str(&text).expect("JSON body")
            },
        )
    }

    pub async fn control(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, self.url(path));
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("control call");
        let status = response.status();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// `GET /_sim/customers/{key}`.
    pub async fn state(&self, key: &str) -> Value {
        let (status, body) = self
            .control(Method::GET, &format!("/_sim/customers/{key}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "state of {key}");
        body
    }

    /// Every customer and account, as `GET /_sim/customers` lists them.
    pub async fn everyone(&self) -> Vec<Value> {
        let (_, body) = self.control(Method::GET, "/_sim/customers", None).await;
        body["customers"].as_array().expect("customers").clone()
    }

    /// The first v2 customer matching `pick`, as its full state.
    pub async fn customer_where(&self, pick: impl Fn(&Value) -> bool) -> Value {
        self.everyone()
            .await
            .into_iter()
            .filter(|c| !c["v2"].is_null())
            .find(|c| pick(&c["v2"]))
            .map(|c| c["v2"].clone())
            .expect("a seeded customer matching the test's needs")
    }

    pub async fn advance(&self, days: u32) -> Value {
        let (status, body) = self
            .control(
                Method::POST,
                "/_sim/clock/advance",
                Some(json!({ "days": days })),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        body
    }

    /// A free IP, as `reseller.ip task=free` lists them.
    pub async fn free_ip(&self) -> String {
        let reply = self
            .legacy("/apiv2/reseller.ip.json", &[("task", "free")])
            .await;
        reply.json()[0]["ip"]
            .as_str()
            .expect("a free IP")
            .to_owned()
    }
}

async fn read(response: reqwest::Response) -> Reply {
    let status = response.status();
    let content_type = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let text = response.text().await.expect("body");
    Reply {
        status,
        content_type,
        text,
    }
}

/// `{"message":"error","errors":[message]}` with HTTP 400.
pub fn assert_error(reply: &Reply, message: &str) {
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text);
    assert_eq!(
        reply.json(),
        json!({"message": "error", "errors": [message]})
    );
}

pub fn package(customer: &Value) -> &str {
    customer["package"].as_str().expect("package")
}

/// Plain (non-scheduled) customer on `package`, with or without a pending change.
pub fn on(package_name: &'static str) -> impl Fn(&Value) -> bool {
    move |c| package(c) == package_name && c["scheduled_change"].is_null()
}
