//! `POST /_sim/customers`: a test adds a customer of its choosing, and the APIs treat it like
//! any seeded one.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::spawn;

#[tokio::test]
async fn an_added_customer_is_served_by_both_apis() {
    let sim = spawn().await;
    let script = "<script>alert(1)</script>";
    let (status, added) = sim
        .control(
            Method::POST,
            "/_sim/customers",
            Some(json!({
                "username": "added-silver",
                "first_name": script,
                "last_name": "<img src=x onerror=alert(1)>",
                "company": "Added & Co",
                "package": "Silver Package",
                "v3": {"offerings": [
                    {"name": "org.ei.pro100k.v1", "type": "package", "quantity": 1},
                    {"name": "org.ip.dedicated.v1", "type": "addon", "quantity": 2}
                ]}
            })),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{added}");
    assert_eq!(added["username"], "added-silver");
    assert_eq!(added["v2"]["package"], "Silver Package");
    assert_eq!(added["v2"]["first_name"], script);
    assert_eq!(added["v2"]["email"], "added-silver@example.com");
    let ip = added["v2"]["ips"][0]
        .as_str()
        .expect("a dedicated IP")
        .to_owned();
    let id = added["v3"]["id"].as_str().expect("a v3 account").to_owned();
    assert_eq!(added["v2"]["account_id"], id.as_str());
    assert_eq!(sim.state(&id).await, sim.state("added-silver").await);

    let profiles = sim
        .legacy(
            "/apiv2/reseller.manage.json",
            &[
                ("method", "profile"),
                ("task", "get"),
                ("username", "added-silver"),
            ],
        )
        .await
        .json();
    assert_eq!(profiles[0]["first_name"], script);
    let usage = sim
        .legacy("/apiv2/reseller.ip.json", &[("task", "usage"), ("ip", &ip)])
        .await
        .json();
    assert_eq!(usage[0]["user"], "added-silver");

    let (status, offerings) = sim
        .v3_json(
            Method::GET,
            &format!("/v3/partners/accounts/{id}/offerings"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(offerings["offerings"][1]["quantity"], 2);

    let upgrade = sim
        .legacy(
            "/apiv2/reseller.account.json",
            &[
                ("task", "immediate_upgrade"),
                ("user", "added-silver"),
                ("package", "Gold Package"),
            ],
        )
        .await;
    assert_eq!(upgrade.status, StatusCode::OK, "{}", upgrade.text);
    assert_eq!(
        sim.state("added-silver").await["v2"]["package"],
        "Gold Package"
    );
}

#[tokio::test]
async fn defaults_give_a_free_customer_without_v3_and_bad_requests_are_refused() {
    let sim = spawn().await;
    let add = |body| sim.control(Method::POST, "/_sim/customers", Some(body));
    let (status, added) = add(json!({"username": "added-free"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(added["v2"]["package"], "Free Package");
    assert_eq!(added["v2"]["ip_groups"], json!([]));
    assert!(added["v3"].is_null());

    let (status, basic) = add(json!({"username": "added-basic", "package": "Basic Package"})).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(basic["v2"]["ip_groups"], json!(["Reseller Group"]));

    let refused = [
        (json!({"username": "added-free"}), StatusCode::CONFLICT),
        (json!({"username": ""}), StatusCode::BAD_REQUEST),
        (
            json!({"username": "x", "package": "Tin Package"}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"username": "x", "ip_groups": ["Nope"]}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"username": "x", "cycle_day": 40}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"username": "x", "v3": {"offerings": [{"name": "org.mc.basic.v1", "type": "addon", "quantity": 1}]}}),
            StatusCode::BAD_REQUEST,
        ),
        (
            json!({"username": "x", "v3": {"offerings": [{"name": "org.ei.free.v1", "type": "package", "quantity": 2}]}}),
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (body, expected) in refused {
        let (status, answer) = add(body.clone()).await;
        assert_eq!(status, expected, "{body} -> {answer}");
        assert!(answer["error"].is_string(), "{answer}");
    }
    let (status, _) = sim.control(Method::GET, "/_sim/customers/x", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "nothing refused was added");
}
