//! v3 answers checked against the official OpenAPI file (tests/fixtures, MIT): each status
//! must be declared for its operation, and each JSON body must satisfy the declared schema's
//! types, enums, required fields and date-time formats.

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn, TestSim};

struct Spec(Value);

impl Spec {
    fn load() -> Self {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/tsg_account_provisioning_v3.yaml"
        );
        let text = std::fs::read_to_string(path).expect("spec fixture");
        Self(serde_yaml::from_str(&text).expect("spec parses"))
    }

    /// Follows `$ref` chains inside the file.
    fn resolve<'a>(&'a self, mut node: &'a Value) -> &'a Value {
        while let Some(reference) = node.get("$ref").and_then(Value::as_str) {
            node = self
                .0
                .pointer(reference.trim_start_matches('#'))
                .unwrap_or_else(|| panic!("dangling {reference}"));
        }
        node
    }

    /// The JSON schema of one declared response, or `None` for a declared body-less one.
    fn response_schema(&self, path: &str, method: &str, status: StatusCode) -> Option<&Value> {
        let responses = &self.0["paths"][path][method]["responses"];
        let declared = responses
            .get(status.as_str())
            .unwrap_or_else(|| panic!("{method} {path} does not declare {status}"));
        self.resolve(declared)
            .pointer("/content/application~1json/schema")
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
        if schema.get("$ref").is_some() {
            self.check(self.resolve(schema), value, at, errors);
        }
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            let ok = match kind {
                "object" => value.is_object(),
                "array" => value.is_array(),
                "string" => value.is_string(),
                "integer" => value.is_i64() || value.is_u64(),
                "number" => value.is_number(),
                "boolean" => value.is_boolean(),
                _ => true,
            };
            if !ok {
                errors.push(format!("{at}: expected {kind}, got {value}"));
                return;
            }
        }
        if let Some(options) = schema.get("enum").and_then(Value::as_array) {
            if !options.contains(value) {
                errors.push(format!("{at}: {value} not in {options:?}"));
            }
        }
        if schema.get("format").and_then(Value::as_str) == Some("date-time") {
            if let Err(e) = chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap_or("")) {
                errors.push(format!("{at}: not RFC 3339 ({e})"));
            }
        }
        for name in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let name = name.as_str().unwrap_or("");
            if value.get(name).is_none() {
                errors.push(format!("{at}: missing required {name}"));
            }
        }
        for (name, property) in schema
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(inner) = value.get(name) {
                self.check(property, inner, &format!("{at}.{name}"), errors);
            }
        }
        if let (Some(items), Some(values)) = (schema.get("items"), value.as_array()) {
            for (i, inner) in values.iter().enumerate() {
                self.check(items, inner, &format!("{at}[{i}]"), errors);
            }
        }
    }

    /// Sends the call and checks its status and body against `path`'s `method` operation.
    async fn conforms(
        &self,
        sim: &TestSim,
        method: Method,
        url: &str,
        template: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let response = sim.v3(method.clone(), url, body).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        let schema = self.response_schema(template, &method.as_str().to_lowercase(), status);
        let value: Value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("JSON")
        };
        if let Some(schema) = schema {
            let mut errors = Vec::new();
            self.check(schema, &value, "$", &mut errors);
            assert!(errors.is_empty(), "{method} {url} -> {status}: {errors:#?}");
        } else {
            assert!(text.is_empty(), "{method} {url}: {status} declares no body");
        }
        (status, value)
    }
}

#[test]
fn the_walker_rejects_what_the_schema_forbids() {
    let spec = Spec::load();
    let schema = spec
        .response_schema("/v3/partners/accounts", "get", StatusCode::OK)
        .unwrap();
    let mut errors = Vec::new();
    spec.check(
        schema,
        &json!({"accounts": [{"id": 5, "created_at": "yesterday"}, {}], "pages": {}}),
        "$",
        &mut errors,
    );
    assert_eq!(errors.len(), 4, "{errors:#?}");
    let state = spec
        .response_schema(
            "/v3/partners/accounts/{accountID}/state",
            "get",
            StatusCode::OK,
        )
        .unwrap();
    let mut errors = Vec::new();
    spec.check(state, &json!({"state": "sleeping"}), "$", &mut errors);
    assert_eq!(errors.len(), 1);
}

#[tokio::test]
async fn every_operation_answers_what_the_spec_declares() {
    let spec = Spec::load();
    let sim = spawn().await;
    let accounts = "/v3/partners/accounts";
    let one = "/v3/partners/accounts/{accountID}";
    let (_, list) = spec
        .conforms(
            &sim,
            Method::GET,
            &format!("{accounts}?limit=100"),
            accounts,
            None,
        )
        .await;
    spec.conforms(
        &sim,
        Method::GET,
        "/v3/partners/offerings",
        "/v3/partners/offerings",
        None,
    )
    .await;

    let create = json!({"profile": {"first_name": "Sender", "email": "test@test.com", "timezone": "Asia/Tokyo"},
                        "offerings": [{"name": "org.ei.free.v1", "type": "package", "quantity": 1}]});
    let (status, created) = spec
        .conforms(&sim, Method::POST, accounts, accounts, Some(create))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let id = created["account_id"].as_str().unwrap();
    let at = |suffix: &str| format!("{accounts}/{id}{suffix}");

    spec.conforms(
        &sim,
        Method::GET,
        &at("/offerings"),
        &format!("{one}/offerings"),
        None,
    )
    .await;
    let offerings =
        json!({"offerings": [{"name": "org.ei.pro100k.v1", "type": "package", "quantity": 1}]});
    spec.conforms(
        &sim,
        Method::PUT,
        &at("/offerings"),
        &format!("{one}/offerings"),
        Some(offerings),
    )
    .await;
    spec.conforms(
        &sim,
        Method::GET,
        &at("/state"),
        &format!("{one}/state"),
        None,
    )
    .await;
    let (status, _) = spec
        .conforms(
            &sim,
            Method::PUT,
            &at("/state"),
            &format!("{one}/state"),
            Some(json!({"state": "deactivated"})),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    spec.conforms(
        &sim,
        Method::PUT,
        &at("/state"),
        &format!("{one}/state"),
        Some(json!({"state": "activated"})),
    )
    .await;
    let (status, _) = spec
        .conforms(&sim, Method::POST, &at("/sso"), &format!("{one}/sso"), None)
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, _) = spec
        .conforms(&sim, Method::DELETE, &at(""), one, None)
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let (status, _) = spec
        .conforms(
            &sim,
            Method::GET,
            &at("/state"),
            &format!("{one}/state"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let bad = json!({"profile": {"email": "nope"}, "offerings": []});
    let (status, _) = spec
        .conforms(&sim, Method::POST, accounts, accounts, Some(bad))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = spec
        .conforms(
            &sim,
            Method::GET,
            &format!("{accounts}?limit=500"),
            accounts,
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(list["accounts"].as_array().unwrap().len() == 100);

    let unauthenticated = sim.http.get(sim.url(accounts)).send().await.unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
    let body: Value = unauthenticated.json().await.unwrap();
    let schema = spec
        .response_schema(accounts, "get", StatusCode::UNAUTHORIZED)
        .unwrap();
    let mut errors = Vec::new();
    spec.check(schema, &body, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
}
