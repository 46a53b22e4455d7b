//! The catalogue and the rules of `PUT /v3/partners/accounts/{id}/offerings` (API.md §5.2, §5.7).

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{spawn, TestSim};

async fn first_account(sim: &TestSim) -> String {
    let (_, page) = sim
        .v3_json(Method::GET, "/v3/partners/accounts?limit=1", None)
        .await;
    page["accounts"][0]["id"].as_str().unwrap().to_owned()
}

fn package(name: &str) -> Value {
    json!({"name": name, "type": "package", "quantity": 1})
}

#[tokio::test]
async fn the_catalog_lists_packages_and_addons_with_entitlements() {
    let sim = spawn().await;
    let (status, body) = sim
        .v3_json(Method::GET, "/v3/partners/offerings", None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let catalog = body["catalog"].as_array().unwrap();
    assert_eq!(
        catalog[0],
        json!({"offering": {"name": "org.ei.free.v1", "type": "package", "quantity": 1},
               "entitlements": {"email_sends_max_monthly": 10000, "ip_count": 0, "teammates_max_total": 0, "users_max_total": 0}})
    );
    assert!(catalog.iter().any(|e| e["offering"]["type"] == "addon"));
}

#[tokio::test]
async fn put_overwrites_the_whole_list() {
    let sim = spawn().await;
    let id = first_account(&sim).await;
    let path = format!("/v3/partners/accounts/{id}/offerings");
    let wanted = json!([package("org.ei.pro300k.v1"), {"name": "org.ip.dedicated.v1", "type": "addon", "quantity": 2}]);
    let (status, body) = sim
        .v3_json(Method::PUT, &path, Some(json!({ "offerings": wanted })))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, json!({ "offerings": wanted }));
    assert_eq!(
        sim.v3_json(Method::GET, &path, None).await.1,
        json!({ "offerings": wanted })
    );

    let only_package = json!([package("org.ei.free.v1")]);
    sim.v3_json(
        Method::PUT,
        &path,
        Some(json!({ "offerings": only_package })),
    )
    .await;
    assert_eq!(
        sim.v3_json(Method::GET, &path, None).await.1,
        json!({ "offerings": only_package }),
        "left-out add-ons are removed"
    );
}

#[tokio::test]
async fn offering_rules_answer_400_with_field_paths() {
    let sim = spawn().await;
    let id = first_account(&sim).await;
    let path = format!("/v3/partners/accounts/{id}/offerings");
    let before = sim.v3_json(Method::GET, &path, None).await.1;
    let cases = [
        (
            json!([package("org.ei.free.v1"), package("org.ei.pro100k.v1")]),
            "offerings",
            "10-40005",
            "Exactly one package offering is required",
        ),
        (
            json!([{"name": "org.mc.basic.v1", "type": "addon"}]),
            "offerings",
            "10-40005",
            "Exactly one package offering is required",
        ),
        (
            json!([{"name": "org.ei.free.v1", "type": "package", "quantity": 2}]),
            "offerings[0].quantity",
            "10-40006",
            "Package quantity must be 1",
        ),
        (
            json!([package("org.ei.free.v1"), {"name": "org.mc.basic.v1", "type": "addon", "quantity": 0}]),
            "offerings[1].quantity",
            "10-40006",
            "Add-on quantity must be an integer of at least 1",
        ),
        (
            json!([package("org.ei.gold.v9")]),
            "offerings[0].name",
            "10-40007",
            "Offering org.ei.gold.v9 does not exist",
        ),
        (
            json!([{"name": "org.mc.basic.v1", "type": "package", "quantity": 1}]),
            "offerings[0].type",
            "10-40009",
            "Offering org.mc.basic.v1 is not of type package",
        ),
        (
            json!([package("org.ei.free.v1"), {"name": "org.ease.v1", "type": "addon"}, {"name": "org.ease.v1", "type": "addon"}]),
            "offerings[2].name",
            "10-40011",
            "Offering org.ease.v1 is listed more than once",
        ),
    ];
    for (offerings, field, error_id, message) in cases {
        let (status, body) = sim
            .v3_json(Method::PUT, &path, Some(json!({ "offerings": offerings })))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{offerings}");
        assert_eq!(
            body,
            json!({"errors": [{"message": message, "field": field, "error_id": error_id}]})
        );
    }
    let (status, body) = sim.v3_json(Method::PUT, &path, Some(json!({}))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["error_id"], "10-40001");
    assert_eq!(
        sim.v3_json(Method::GET, &path, None).await.1,
        before,
        "a refused PUT changes nothing"
    );
    let (status, _) = sim
        .v3_json(
            Method::PUT,
            "/v3/partners/accounts/sgmissing/offerings",
            Some(json!({"offerings": [package("org.ei.free.v1")]})),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
