//! The `/_sim/` control plane: faults, the call log, the clock and reset.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{on, spawn};

#[tokio::test]
async fn a_status_fault_answers_n_times_without_running_the_handler() {
    let sim = spawn().await;
    let (_, page) = sim
        .v3_json(Method::GET, "/v3/partners/accounts?limit=1", None)
        .await;
    let id = page["accounts"][0]["id"].as_str().unwrap().to_owned();
    let state = format!("/v3/partners/accounts/{id}/state");
    let before = sim.v3_json(Method::GET, &state, None).await.1;
    let (status, _) = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"path_prefix": "/v3/", "status": 503, "times": 2})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    let wanted = if before["state"] == "activated" {
        "deactivated"
    } else {
        "activated"
    };
    for _ in 0..2 {
        let (status, body) = sim
            .v3_json(Method::PUT, &state, Some(json!({ "state": wanted })))
            .await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(
            body,
            json!({"errors": [{"message": "Service Unavailable", "field": "", "error_id": "10-50300"}]})
        );
    }
    assert_eq!(
        sim.v3_json(Method::GET, &state, None).await.1,
        before,
        "faulted calls changed nothing"
    );
    assert_eq!(
        sim.v3(Method::PUT, &state, Some(json!({ "state": wanted })))
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
}

#[tokio::test]
async fn a_fault_can_send_any_body_and_legacy_faults_use_the_legacy_envelope() {
    let sim = spawn().await;
    let html = "<html><body>502 Bad Gateway</body></html>";
    sim.control(Method::POST, "/_sim/faults", Some(json!({"path_prefix": "/v3/partners/offerings", "status": 502, "times": 1, "body": html, "content_type": "text/html"}))).await;
    let response = sim.v3(Method::GET, "/v3/partners/offerings", None).await;
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert_eq!(response.text().await.unwrap(), html);

    let silver = sim.customer_where(on("Silver Package")).await;
    let user = silver["username"].as_str().unwrap();
    sim.control(
        Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/apiv2/", "status": 500, "times": 1})),
    )
    .await;
    let reply = sim
        .legacy(
            "/apiv2/reseller.account.json",
            &[("task", "immediate_close"), ("user", user)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        reply.json(),
        json!({"message": "error", "errors": ["Internal Server Error"]})
    );
    assert_eq!(sim.state(user).await["v2"]["package"], "Silver Package");
}

#[tokio::test]
async fn a_latency_fault_delays_then_runs_the_real_handler() {
    let sim = spawn().await;
    sim.control(
        Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/v3/", "latency_ms": 300})),
    )
    .await;
    for _ in 0..2 {
        let started = Instant::now();
        let response = sim.v3(Method::GET, "/v3/partners/offerings", None).await;
        assert_eq!(response.status(), StatusCode::OK);
        assert!(started.elapsed() >= Duration::from_millis(300));
    }
    let (_, faults) = sim.control(Method::GET, "/_sim/faults", None).await;
    assert_eq!(faults.as_array().unwrap().len(), 1, "no `times`: it stays");
    let (status, _) = sim.control(Method::DELETE, "/_sim/faults", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let started = Instant::now();
    sim.v3(Method::GET, "/v3/partners/offerings", None).await;
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn faults_never_touch_the_control_plane_and_bad_faults_are_refused() {
    let sim = spawn().await;
    sim.control(
        Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/", "status": 500})),
    )
    .await;
    let (status, _) = sim.control(Method::GET, "/_sim/clock", None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"path_prefix": "/", "status": 1000})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_call_log_counts_what_reached_the_api() {
    let sim = spawn().await;
    let basic = sim.customer_where(on("Basic Package")).await;
    let user = basic["username"].as_str().unwrap();
    sim.legacy(
        "/apiv2/reseller.account.json",
        &[("task", "overview"), ("user", user)],
    )
    .await;
    sim.control(
        Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/v3/", "status": 504, "times": 1})),
    )
    .await;
    sim.v3(Method::DELETE, "/v3/partners/accounts/sgabc", None)
        .await;

    let (_, calls) = sim.control(Method::GET, "/_sim/calls", None).await;
    let calls = calls.as_array().unwrap();
    assert_eq!(calls.len(), 2, "control-plane calls are not logged");
    assert_eq!(
        calls[0],
        json!({"method": "POST", "path": "/apiv2/reseller.account.json", "task": "overview", "api_method": null,
               "user": user, "account_id": null, "status": 200})
    );
    assert_eq!(calls[1]["account_id"], "sgabc");
    assert_eq!(calls[1]["status"], 504);
    sim.control(Method::DELETE, "/_sim/calls", None).await;
    assert_eq!(
        sim.control(Method::GET, "/_sim/calls", None).await.1,
        json!([])
    );
}

#[tokio::test]
async fn reset_restores_the_seeded_world_and_the_clock() {
    let sim = spawn().await;
    let before = sim.everyone().await;
    let (_, clock) = sim.control(Method::GET, "/_sim/clock", None).await;
    let silver = sim.customer_where(on("Silver Package")).await;
    sim.legacy(
        "/apiv2/reseller.account.json",
        &[
            ("task", "immediate_close"),
            ("user", silver["username"].as_str().unwrap()),
        ],
    )
    .await;
    let advanced = sim.advance(40).await;
    assert_ne!(advanced["today"], clock["today"]);
    sim.control(
        Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/v3/", "status": 500})),
    )
    .await;

    let (status, _) = sim.control(Method::POST, "/_sim/reset", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(sim.everyone().await, before);
    assert_eq!(sim.control(Method::GET, "/_sim/clock", None).await.1, clock);
    assert_eq!(
        sim.control(Method::GET, "/_sim/faults", None).await.1,
        json!([])
    );
    assert_eq!(
        sim.control(Method::GET, "/_sim/calls", None).await.1,
        json!([])
    );
}

#[tokio::test]
async fn customers_are_found_by_username_or_account_id() {
    let sim = spawn().await;
    let linked = sim.customer_where(|c| !c["account_id"].is_null()).await;
    let by_name = sim.state(linked["username"].as_str().unwrap()).await;
    let by_id = sim.state(linked["account_id"].as_str().unwrap()).await;
    assert_eq!(by_name, by_id);
    assert_eq!(by_name["v3"]["id"], linked["account_id"]);
    let (status, _) = sim
        .control(Method::GET, "/_sim/customers/nobody", None)
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = sim
        .control(
            Method::POST,
            "/_sim/clock/advance",
            Some(json!({"days": 99999})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"].is_string());
    let _: Value = body;
}

#[tokio::test]
async fn faults_can_match_one_task_or_method_and_add_headers() {
    let sim = spawn().await;
    let silver = sim.customer_where(on("Silver Package")).await;
    let user = silver["username"].as_str().unwrap();
    sim.control(
        Method::POST,
        "/_sim/faults",
        Some(
            json!({"path_prefix": "/apiv2/reseller.account", "task": "immediate_close",
                    "status": 429, "times": 1, "headers": {"Retry-After": "7"}}),
        ),
    )
    .await;
    // A read on the same path passes: the fault waits for its task.
    let overview = sim
        .legacy(
            "/apiv2/reseller.account.json",
            &[("task", "overview"), ("user", user)],
        )
        .await;
    assert_eq!(overview.status, StatusCode::OK);
    let close = reqwest::Client::new()
        .post(sim.url("/apiv2/reseller.account.json"))
        .form(&[
            ("api_user", "apikey"),
            ("api_key", crate::helpers::KEY),
            ("task", "immediate_close"),
            ("user", user),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(close.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(close.headers()["retry-after"], "7");
    assert_eq!(sim.state(user).await["v2"]["package"], "Silver Package");

    let id = linked_account(&sim).await.1;
    let state = format!("/v3/partners/accounts/{id}/state");
    sim.control(
        Method::POST,
        "/_sim/faults",
        Some(json!({"path_prefix": "/v3/", "method": "PUT", "status": 503, "times": 1})),
    )
    .await;
    assert_eq!(
        sim.v3(Method::GET, &state, None).await.status(),
        StatusCode::OK
    );
    let put = sim
        .v3(Method::PUT, &state, Some(json!({"state": "deactivated"})))
        .await;
    assert_eq!(put.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn each_customer_counts_the_changes_applied_to_it() {
    let sim = spawn().await;
    let (user, id) = linked_account(&sim).await;
    assert_eq!(sim.state(&user).await["changes"], 0);

    let state = format!("/v3/partners/accounts/{id}/state");
    for _ in 0..2 {
        // The second PUT of the same state changes nothing and is not counted.
        sim.v3(Method::PUT, &state, Some(json!({"state": "deactivated"})))
            .await;
    }
    assert_eq!(sim.state(&user).await["changes"], 1);
    let limit = sim
        .legacy(
            "/apiv2/reseller.manage.json",
            &[
                ("method", "limit"),
                ("task", "total"),
                ("user", &user),
                ("credits", "100"),
            ],
        )
        .await;
    assert_eq!(limit.status, StatusCode::OK, "{:?}", limit.json());
    assert_eq!(sim.state(&user).await["changes"], 2);
    assert_eq!(
        sim.state(&id).await["changes"],
        2,
        "the same customer by account id"
    );
    // A refused change is not counted.
    sim.legacy(
        "/apiv2/reseller.account.json",
        &[
            ("task", "immediate_upgrade"),
            ("user", &user),
            ("package", "No Such Package"),
        ],
    )
    .await;
    assert_eq!(sim.state(&user).await["changes"], 2);
}

/// A v2 customer with an activated v3 account: `(username, account id)`.
async fn linked_account(sim: &crate::helpers::TestSim) -> (String, String) {
    sim.everyone()
        .await
        .into_iter()
        .find(|c| !c["v2"].is_null() && c["v3"]["state"] == "activated")
        .map(|c| {
            (
                c["username"].as_str().unwrap().to_string(),
                c["v3"]["id"].as_str().unwrap().to_string(),
            )
        })
        .expect("a linked customer")
}

#[tokio::test]
async fn an_every_fault_answers_only_every_nth_matching_request() {
    let sim = spawn().await;
    let (status, _) = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"path_prefix": "/v3/partners/offerings", "status": 503, "every": 3})),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            sim.v3(Method::GET, "/v3/partners/offerings", None)
                .await
                .status()
                .as_u16(),
        );
    }
    assert_eq!(statuses, [200, 200, 503, 200, 200, 503, 200]);
    let (status, body) = sim
        .control(
            Method::POST,
            "/_sim/faults",
            Some(json!({"path_prefix": "/v3/", "status": 503, "every": 0})),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
}
