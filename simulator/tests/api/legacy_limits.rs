//! Customer subuser limits (API.md §3) on v2 `reseller.subuserManage` and v1
//! `distributor.manageSubuser`.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, spawn, TestSim};

const V2: &str = "/apiv2/reseller.subuserManage.json";

async fn limit(
    sim: &TestSim,
    user: &str,
    task: &str,
    extra: &[(&str, &str)],
) -> crate::helpers::Reply {
    let mut params = vec![("method", "limit"), ("task", task), ("user", user)];
    params.extend_from_slice(extra);
    sim.legacy(V2, &params).await
}

/// `reseller.manage method=limit`: the customer's own limit.
async fn customer_limit(
    sim: &TestSim,
    user: &str,
    task: &str,
    extra: &[(&str, &str)],
) -> crate::helpers::Reply {
    let mut params = vec![("method", "limit"), ("task", task), ("user", user)];
    params.extend_from_slice(extra);
    sim.legacy("/apiv2/reseller.manage.json", &params).await
}

async fn a_subuser(sim: &TestSim) -> String {
    let customer = sim
        .customer_where(|c| !c["subusers"].as_array().unwrap().is_empty())
        .await;
    customer["subusers"][0]["username"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn today(sim: &TestSim) -> String {
    let (_, clock) = sim.control(reqwest::Method::GET, "/_sim/clock", None).await;
    clock["today"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn total_increment_decrement_and_retrieve() {
    let sim = spawn().await;
    let sub = a_subuser(&sim).await;
    let success = json!({"message": "success"});
    assert_eq!(
        limit(&sim, &sub, "total", &[("credits", "500")])
            .await
            .json(),
        success
    );
    assert_eq!(
        limit(&sim, &sub, "increment", &[("credits", "25")])
            .await
            .json(),
        success
    );
    assert_eq!(
        limit(&sim, &sub, "decrement", &[("credits", "100")])
            .await
            .json(),
        success
    );
    let got = limit(&sim, &sub, "retrieve", &[]).await.json();
    assert_eq!(
        got,
        json!({"credit": "500", "credit_remain": "425", "last_reset": got["last_reset"]})
    );
    assert!(got["last_reset"].as_str().unwrap().len() == 10);

    let below = limit(&sim, &sub, "decrement", &[("credits", "426")]).await;
    assert_error(&below, "Cannot decrement credits below zero");

    let xml = sim
        .legacy(
            "/apiv2/reseller.subuserManage.xml",
            &[("method", "limit"), ("task", "retrieve"), ("user", &sub)],
        )
        .await;
    assert!(xml.text.ends_with(&format!(
        "<credits><credit>500</credit><credit_remain>425</credit_remain><last_reset>{}</last_reset></credits>",
        got["last_reset"].as_str().unwrap()
    )));
}

#[tokio::test]
async fn no_limit_is_an_empty_answer() {
    let sim = spawn().await;
    let sub = a_subuser(&sim).await;
    assert_eq!(
        limit(&sim, &sub, "none", &[]).await.json(),
        json!({"message": "success"})
    );
    let reply = limit(&sim, &sub, "retrieve", &[]).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({}));
    let xml = sim
        .legacy(
            "/apiv2/reseller.subuserManage.xml",
            &[("method", "limit"), ("task", "retrieve"), ("user", &sub)],
        )
        .await;
    assert!(xml.text.ends_with("<credits/>"), "{}", xml.text);
    assert_error(
        &limit(&sim, &sub, "increment", &[("credits", "5")]).await,
        "User has no credit limit",
    );
}

#[tokio::test]
async fn parameter_rules_are_enforced() {
    let sim = spawn().await;
    let sub = a_subuser(&sim).await;
    for credits in ["0", "-1", "1.5", "abc", "+3"] {
        assert_error(
            &limit(&sim, &sub, "total", &[("credits", credits)]).await,
            "credits must be an integer greater than 0",
        );
    }
    assert_error(
        &limit(&sim, &sub, "total", &[]).await,
        "Missing required parameter: credits",
    );
    let reply = limit(&sim, &sub, "recurring", &[]).await;
    assert_eq!(
        reply.json(),
        json!({"message": "error", "errors": ["Missing required parameter: credits", "Missing required parameter: period"]})
    );
    let recurring = |extra: &'static [(&'static str, &'static str)]| {
        let mut params = vec![("credits", "100"), ("period", "daily")];
        params.extend_from_slice(extra);
        params
    };
    assert_error(
        &limit(
            &sim,
            &sub,
            "recurring",
            &[("credits", "100"), ("period", "hourly")],
        )
        .await,
        "period must be one of daily, weekly, monthly",
    );
    assert_error(
        &limit(
            &sim,
            &sub,
            "recurring",
            &recurring(&[("startdate", "2024-13-01")]),
        )
        .await,
        "startdate must be a date in YYYY-mm-dd format",
    );
    assert_error(
        &limit(
            &sim,
            &sub,
            "recurring",
            &recurring(&[("enddate", "01/02/2024")]),
        )
        .await,
        "enddate must be a date in YYYY-mm-dd format",
    );
    assert_error(
        &limit(
            &sim,
            &sub,
            "recurring",
            &recurring(&[("startdate", "2030-02-01"), ("enddate", "2030-01-31")]),
        )
        .await,
        "enddate must not be before startdate",
    );
    assert_error(
        &limit(
            &sim,
            &sub,
            "recurring",
            &recurring(&[("initial_credits", "0")]),
        )
        .await,
        "initial_credits must be an integer greater than 0",
    );
    assert_error(&limit(&sim, &sub, "forever", &[]).await, "Invalid task");
}

/// `reseller.subuserManage` takes "the customer subuser; it must be registered under your
/// account" (API.md §3); the customer's own limit is `reseller.manage method=limit`.
#[tokio::test]
async fn the_subuser_call_takes_subusers_and_the_customer_call_customers() {
    let sim = spawn().await;
    let sub = a_subuser(&sim).await;
    let owner = sub.rsplit_once("-sub").unwrap().0.to_owned();
    for user in [owner.as_str(), "stranger", &format!("{owner}-sub99")] {
        let reply = limit(&sim, user, "retrieve", &[]).await;
        assert_eq!(reply.json(), json!({"message": "User not found"}), "{user}");
    }
    assert_eq!(
        customer_limit(&sim, &owner, "total", &[("credits", "7")])
            .await
            .json(),
        json!({"message": "success"})
    );
    assert_eq!(
        customer_limit(&sim, &sub, "retrieve", &[]).await.json(),
        json!({"message": "User not found"})
    );
    let state = sim.state(&owner).await;
    assert_eq!(state["v2"]["limit"]["credit_remain"], 7);
}

#[tokio::test]
async fn method_is_required_on_v2_and_optional_on_v1() {
    let sim = spawn().await;
    let sub = a_subuser(&sim).await;
    let v2 = sim
        .legacy(V2, &[("task", "retrieve"), ("user", &sub)])
        .await;
    assert_error(&v2, "Missing required parameter: method");
    let v1 = sim
        .legacy(
            "/api/distributor.manageSubuser.json",
            &[("task", "total"), ("user", &sub), ("credits", "9")],
        )
        .await;
    assert_eq!(v1.json(), json!({"message": "success"}));
    let old_v2 = sim
        .legacy(
            "/apiv2/reseller.manageSubuser.json",
            &[("method", "limit"), ("task", "retrieve"), ("user", &sub)],
        )
        .await;
    assert_eq!(old_v2.json()["credit"], "9");
    let customer = sub.rsplit_once("-sub").unwrap().0;
    let own = sim
        .legacy(
            "/apiv2/reseller.manage.json",
            &[("method", "limit"), ("task", "retrieve"), ("user", &sub)],
        )
        .await;
    assert_eq!(
        own.json(),
        json!({"message": "User not found"}),
        "reseller.manage limits are the customer's own"
    );
    let own = sim
        .legacy(
            "/apiv2/reseller.manage.json",
            &[
                ("method", "limit"),
                ("task", "retrieve"),
                ("user", customer),
            ],
        )
        .await;
    assert_eq!(own.status, StatusCode::OK);
}

#[tokio::test]
async fn recurring_limits_reset_on_their_period_until_the_end_date() {
    let sim = spawn().await;
    let sub = a_subuser(&sim).await;
    let start = today(&sim).await;
    let set = limit(
        &sim,
        &sub,
        "recurring",
        &[
            ("credits", "100"),
            ("period", "weekly"),
            ("startdate", &start),
            ("initial_credits", "10"),
        ],
    )
    .await;
    assert_eq!(set.json(), json!({"message": "success"}));
    let remain = |v: Value| v["credit_remain"].as_str().unwrap().to_owned();
    assert_eq!(
        remain(limit(&sim, &sub, "retrieve", &[]).await.json()),
        "10"
    );
    limit(&sim, &sub, "decrement", &[("credits", "4")]).await;

    sim.advance(6).await;
    assert_eq!(
        remain(limit(&sim, &sub, "retrieve", &[]).await.json()),
        "6",
        "no reset before a week has passed"
    );
    sim.advance(1).await;
    let got = limit(&sim, &sub, "retrieve", &[]).await.json();
    assert_eq!(remain(got.clone()), "100");
    assert_eq!(got["last_reset"].as_str().unwrap(), today(&sim).await);

    let end = today(&sim).await;
    limit(
        &sim,
        &sub,
        "recurring",
        &[("credits", "50"), ("period", "daily"), ("enddate", &end)],
    )
    .await;
    limit(&sim, &sub, "decrement", &[("credits", "50")]).await;
    sim.advance(3).await;
    assert_eq!(
        remain(limit(&sim, &sub, "retrieve", &[]).await.json()),
        "0",
        "no resets after the end date"
    );
}
