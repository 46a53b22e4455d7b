use reqwest::Method;
use serde_json::Value;
use simulator::Config;

use crate::helpers::{spawn, spawn_with, KEY};

fn config(seed: u64) -> Config {
    Config {
        seed,
        api_key: KEY.to_owned(),
        ..Config::default()
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_world() {
    let a = spawn_with(config(11)).await;
    let b = spawn_with(config(11)).await;
    assert_eq!(a.everyone().await, b.everyone().await);
    let path = "/v3/partners/accounts?limit=100";
    assert_eq!(
        a.v3_json(Method::GET, path, None).await.1,
        b.v3_json(Method::GET, path, None).await.1
    );
}

#[tokio::test]
async fn another_seed_gives_another_world() {
    let a = spawn_with(config(1)).await;
    let b = spawn_with(config(2)).await;
    assert_ne!(a.everyone().await, b.everyone().await);
}

#[tokio::test]
async fn the_customer_count_is_honoured() {
    let sim = spawn_with(Config {
        customers: 12,
        ..config(3)
    })
    .await;
    let v2 = sim
        .everyone()
        .await
        .into_iter()
        .filter(|c| !c["v2"].is_null())
        .count();
    assert_eq!(v2, 12);
}

#[tokio::test]
async fn the_seeded_world_has_the_awkward_cases_a_dashboard_must_handle() {
    let sim = spawn().await;
    let everyone = sim.everyone().await;
    let v2: Vec<&Value> = everyone
        .iter()
        .map(|c| &c["v2"])
        .filter(|c| !c.is_null())
        .collect();
    let companies: Vec<&str> = v2.iter().map(|c| c["company"].as_str().unwrap()).collect();
    assert_eq!(v2.len(), 200);
    assert_eq!(
        companies
            .iter()
            .filter(|c| **c == "<script>alert(1)</script>")
            .count(),
        1
    );
    assert!(companies.contains(&"日本商事"));
    assert!(companies.contains(&"Müller GmbH"));
    assert!(companies.contains(&"<b>Acme</b> & \"Sons\""));

    let today = everyone_today(&sim).await.expect("today");
    let usernames: std::collections::HashSet<&str> =
        v2.iter().map(|c| c["username"].as_str().unwrap()).collect();
    assert_eq!(usernames.len(), v2.len(), "usernames are unique");
    for customer in &v2 {
        let username = customer["username"].as_str().unwrap();
        for (n, sub) in customer["subusers"].as_array().unwrap().iter().enumerate() {
            assert_eq!(sub["username"], format!("{username}-sub{}", n + 1));
        }
        assert!(customer["billing_end_date"].as_str().unwrap() >= today.as_str());
    }
    assert!(
        v2.iter().any(|c| c["account_id"].is_null()),
        "some customers are v2-only"
    );
    assert!(
        everyone.iter().any(|c| c["v2"].is_null()),
        "some accounts are v3-only"
    );
    assert!(v2.iter().any(|c| !c["limit"].is_null()));
    assert!(v2.iter().any(|c| c["subusers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|s| !s["limit"].is_null())));

    let accounts: Vec<&Value> = everyone
        .iter()
        .map(|c| &c["v3"])
        .filter(|a| !a.is_null())
        .collect();
    for account in &accounts {
        let id = account["id"].as_str().unwrap();
        assert!(
            id.len() == 34
                && id.starts_with("sg")
                && id[2..].chars().all(|c| c.is_ascii_hexdigit())
        );
        let packages = account["offerings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["type"] == "package");
        assert_eq!(packages.count(), 1);
    }
    let states: Vec<&str> = accounts
        .iter()
        .map(|a| a["state"].as_str().unwrap())
        .collect();
    assert!(states.iter().filter(|s| **s == "activated").count() > states.len() / 2);
    assert!(states.contains(&"deactivated"));
    assert!(states.contains(&"suspended"));
    let differently_cased = everyone
        .iter()
        .filter(|c| !c["v2"].is_null() && !c["v3"].is_null())
        .any(|c| {
            let (v2, v3) = (
                c["v2"]["email"].as_str().unwrap(),
                c["v3"]["email"].as_str().unwrap(),
            );
            v2 != v3 && v2.eq_ignore_ascii_case(v3)
        });
    assert!(
        differently_cased,
        "some v3 emails differ from v2 only by case"
    );
}

async fn everyone_today(sim: &crate::helpers::TestSim) -> Option<String> {
    let (_, clock) = sim.control(Method::GET, "/_sim/clock", None).await;
    clock["today"].as_str().map(str::to_owned)
}
