//! v3 accounts: listing with the cursor, creation with validation, deletion, state, SSO, auth
//! and rate limits (API.md §5, §7).

use std::collections::HashSet;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use simulator::Config;

use crate::helpers::{spawn, spawn_with, TestSim, KEY};

const ACCOUNTS: &str = "/v3/partners/accounts";

/// Walks every page with `limit`, answering the ids in order and the number of calls.
async fn walk(sim: &TestSim, limit: usize) -> (Vec<String>, usize) {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut calls = 0;
    loop {
        let offset = cursor
            .as_ref()
            .map(|c| format!("&offset={c}"))
            .unwrap_or_default();
        let (status, page) = sim
            .v3_json(
                Method::GET,
                &format!("{ACCOUNTS}?limit={limit}{offset}"),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        calls += 1;
        let accounts = page["accounts"].as_array().unwrap();
        ids.extend(
            accounts
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned()),
        );
        match page["pages"]["last"].as_str() {
            Some(last) if accounts.len() == limit => cursor = Some(last.to_owned()),
            _ => return (ids, calls),
        }
    }
}

async fn live_accounts(sim: &TestSim) -> Vec<Value> {
    let everyone = sim.everyone().await;
    everyone
        .into_iter()
        .map(|c| c["v3"].clone())
        .filter(|a| !a.is_null() && a["deleted"] == false)
        .collect()
}

#[tokio::test]
async fn paging_walks_every_account_exactly_once() {
    let sim = spawn().await;
    let expected = live_accounts(&sim).await.len();
    let (ids, calls) = walk(&sim, 7).await;
    assert_eq!(ids.len(), expected);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        expected,
        "no account twice"
    );
    assert_eq!(calls, expected / 7 + 1);

    let (default, _) = sim.v3_json(Method::GET, ACCOUNTS, None).await;
    assert_eq!(default, StatusCode::OK);
    let (_, first) = sim.v3_json(Method::GET, ACCOUNTS, None).await;
    assert_eq!(
        first["accounts"].as_array().unwrap().len(),
        10,
        "limit defaults to 10"
    );
    let (_, end) = sim
        .v3_json(
            Method::GET,
            &format!("{ACCOUNTS}?offset={}", ids.last().unwrap()),
            None,
        )
        .await;
    assert_eq!(
        end,
        json!({"accounts": [], "pages": {}}),
        "past the end: an empty page with no last"
    );
}

#[tokio::test]
async fn list_parameters_are_checked() {
    let sim = spawn().await;
    for limit in ["101", "0", "ten"] {
        let (status, body) = sim
            .v3_json(Method::GET, &format!("{ACCOUNTS}?limit={limit}"), None)
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body,
            json!({"errors": [{"message": "Field must be an integer between 1 and 100", "field": "limit", "error_id": "10-40003"}]})
        );
    }
    let (_, hundred) = sim
        .v3_json(Method::GET, &format!("{ACCOUNTS}?limit=100"), None)
        .await;
    assert_eq!(hundred["accounts"].as_array().unwrap().len(), 100);
    let (status, body) = sim
        .v3_json(Method::GET, &format!("{ACCOUNTS}?offset=sgnope"), None)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "offset");
}

#[tokio::test]
async fn create_validates_the_profile_with_the_documented_messages() {
    let sim = spawn().await;
    let body = json!({
        "profile": {"email": "not-an-email", "phone": "555-0100", "company_website": "sendgrid dot com"},
        "offerings": [{"name": "org.ei.free.v1", "type": "package", "quantity": 1}]
    });
    let (status, errors) = sim.v3_json(Method::POST, ACCOUNTS, Some(body)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors,
        json!({"errors": [
            {"message": "Field must be a valid email", "field": "email", "error_id": "10-40002"},
            {"message": "Field must be formatted using the E.164 standard consisting of [+] [country code] [subscriber number including area code] and can have a maximum of fifteen digits.", "field": "phone", "error_id": "10-40010"},
            {"message": "Field must be a valid URL", "field": "company_website", "error_id": "10-40008"},
        ]})
    );
    let (status, errors) = sim
        .v3_json(Method::POST, ACCOUNTS, Some(json!({"profile": {}})))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        errors,
        json!({"errors": [{"message": "Field is required", "field": "offerings", "error_id": "10-40001"}]})
    );
    let raw = sim
        .http
        .post(sim.url(ACCOUNTS))
        .bearer_auth(KEY)
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_created_account_is_listed_last_and_a_deleted_one_disappears() {
    let sim = spawn().await;
    let body = json!({
        "profile": {"email": "new@example.com", "phone": "+14155550100", "company_website": "https://new.example.com"},
        "offerings": [{"name": "org.ei.pro100k.v1", "type": "package", "quantity": 1}, {"name": "org.mc.basic.v1", "type": "addon"}]
    });
    let response = sim.v3(Method::POST, ACCOUNTS, Some(body)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let id = response.json::<Value>().await.unwrap()["account_id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(id.starts_with("sg") && id.len() == 34);

    let (ids, _) = walk(&sim, 100).await;
    assert_eq!(ids.last(), Some(&id));
    let (_, state) = sim
        .v3_json(Method::GET, &format!("{ACCOUNTS}/{id}/state"), None)
        .await;
    assert_eq!(state, json!({"state": "activated"}));
    let (_, offerings) = sim
        .v3_json(Method::GET, &format!("{ACCOUNTS}/{id}/offerings"), None)
        .await;
    assert_eq!(
        offerings["offerings"][1],
        json!({"name": "org.mc.basic.v1", "type": "addon", "quantity": 1})
    );

    let victim = ids[3].clone();
    let response = sim
        .v3(Method::DELETE, &format!("{ACCOUNTS}/{victim}"), None)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (status, body) = sim
        .v3_json(Method::GET, &format!("{ACCOUNTS}/{victim}/state"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        body,
        json!({"errors": [{"message": "No such account", "field": "", "error_id": "10-40401"}]})
    );
    let (status, _) = sim
        .v3_json(Method::DELETE, &format!("{ACCOUNTS}/{victim}"), None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (after, _) = walk(&sim, 100).await;
    assert!(!after.contains(&victim));
    let (_, next) = sim
        .v3_json(
            Method::GET,
            &format!("{ACCOUNTS}?limit=1&offset={victim}"),
            None,
        )
        .await;
    assert_eq!(
        next["accounts"][0]["id"],
        json!(ids[4]),
        "a deleted account still works as a cursor"
    );
}

#[tokio::test]
async fn only_activated_and_deactivated_can_be_written() {
    let sim = spawn().await;
    let (_, page) = sim.v3_json(Method::GET, ACCOUNTS, None).await;
    let id = page["accounts"][0]["id"].as_str().unwrap().to_owned();
    let path = format!("{ACCOUNTS}/{id}/state");
    let response = sim
        .v3(Method::PUT, &path, Some(json!({"state": "deactivated"})))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        sim.v3_json(Method::GET, &path, None).await.1,
        json!({"state": "deactivated"})
    );
    for state in ["suspended", "banned", "asleep"] {
        let (status, body) = sim
            .v3_json(Method::PUT, &path, Some(json!({ "state": state })))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(
            body["errors"][0],
            json!({"message": "Field must be one of activated, deactivated", "field": "state", "error_id": "10-40012"})
        );
    }
    let (status, _) = sim
        .v3_json(
            Method::PUT,
            &format!("{ACCOUNTS}/sg00/state"),
            Some(json!({"state": "activated"})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn sso_redirects_with_a_one_time_code() {
    let sim = spawn().await;
    let accounts = live_accounts(&sim).await;
    let active = accounts.iter().find(|a| a["state"] == "activated").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let locations: Vec<String> = sso_twice(&sim, &active).await;
    for location in &locations {
        assert!(
            location.starts_with("https://app.sendgrid.com/"),
            "{location}"
        );
        assert!(location.contains("code="));
    }
    assert_ne!(locations[0], locations[1], "each code is used once");
    let deactivated = accounts
        .iter()
        .find(|a| a["state"] == "deactivated")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, body) = sim
        .v3_json(Method::POST, &format!("{ACCOUNTS}/{deactivated}/sso"), None)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(body["errors"][0]["error_id"], "10-40301");
}

async fn sso_twice(sim: &TestSim, id: &str) -> Vec<String> {
    let mut locations = Vec::new();
    for _ in 0..2 {
        let response = sim
            .v3(Method::POST, &format!("{ACCOUNTS}/{id}/sso"), None)
            .await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        locations.push(response.headers()["location"].to_str().unwrap().to_owned());
    }
    locations
}

#[tokio::test]
async fn v3_needs_the_bearer_key_and_answers_with_rate_headers() {
    let sim = spawn().await;
    let expected = json!({"errors": [{"message": "Failed to authenticate user", "field": "", "error_id": "10-40100"}]});
    let no_auth = sim.http.get(sim.url(ACCOUNTS)).send().await.unwrap();
    let wrong = sim
        .http
        .get(sim.url(ACCOUNTS))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    let basic = sim
        .http
        .get(sim.url(ACCOUNTS))
        .basic_auth("apikey", Some(KEY))
        .send()
        .await
        .unwrap();
    for response in [no_auth, wrong, basic] {
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert!(response.headers().contains_key("x-ratelimit-limit"));
        assert_eq!(response.json::<Value>().await.unwrap(), expected);
    }
    let ok = sim.v3(Method::GET, "/v3/partners/offerings", None).await;
    for name in [
        "x-ratelimit-limit",
        "x-ratelimit-remaining",
        "x-ratelimit-reset",
    ] {
        assert!(
            ok.headers()[name].to_str().unwrap().parse::<u64>().is_ok(),
            "{name}"
        );
    }
    let (status, body) = sim.v3_json(Method::GET, "/v3/partners/nowhere", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["errors"][0]["message"], "No such endpoint");
}

#[tokio::test]
async fn the_rate_limit_answers_429_per_endpoint_until_lifted() {
    let sim = spawn_with(Config {
        api_key: KEY.to_owned(),
        rate_limit_per_minute: Some(3),
        ..Config::default()
    })
    .await;
    for remaining in ["2", "1", "0"] {
        let response = sim.v3(Method::GET, ACCOUNTS, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["x-ratelimit-limit"], "3");
        assert_eq!(response.headers()["x-ratelimit-remaining"], remaining);
    }
    let refused = sim.v3(Method::GET, ACCOUNTS, None).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()["x-ratelimit-remaining"], "0");
    let reset: u64 = refused.headers()["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(reset > now && reset <= now + 60);
    assert_eq!(
        refused.json::<Value>().await.unwrap(),
        json!({"errors": [{"field": null, "message": "too many requests"}]})
    );

    let other = sim.v3(Method::GET, "/v3/partners/offerings", None).await;
    assert_eq!(other.status(), StatusCode::OK, "limits are per endpoint");

    let (status, _) = sim
        .control(
            Method::POST,
            "/_sim/config",
            Some(json!({"rate_limit_per_minute": null})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        sim.v3(Method::GET, ACCOUNTS, None).await.status(),
        StatusCode::OK
    );
}
