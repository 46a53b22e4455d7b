//! Scheduled changes, the pending list, and the billing clock (API.md §2.4-2.6).

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, on, spawn, TestSim};

const ACCOUNT: &str = "/apiv2/reseller.account.json";
const PENDING: &str = "/apiv2/reseller.pending.json";

fn days_until_cycle_end(sim_today: &str, customer: &Value) -> u32 {
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let end = day(customer["billing_end_date"].as_str().unwrap());
    (end - day(sim_today)).num_days() as u32
}

async fn today(sim: &TestSim) -> String {
    let (_, clock) = sim.control(reqwest::Method::GET, "/_sim/clock", None).await;
    clock["today"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_scheduled_downgrade_waits_for_the_cycle_end_then_invoices_the_new_price() {
    let sim = spawn().await;
    let gold = sim
        .customer_where(|c| on("Gold Package")(c) && c["credits_used"].as_i64().unwrap() <= 300_000)
        .await;
    let user = gold["username"].as_str().unwrap();
    let reply = sim
        .legacy(
            ACCOUNT,
            &[
                ("task", "scheduled_downgrade"),
                ("user", user),
                ("package", "Silver Package"),
            ],
        )
        .await;
    assert_eq!(reply.json(), json!({"message": "success"}));

    let listed = sim
        .legacy(PENDING, &[("task", "list"), ("username", user)])
        .await
        .json();
    let process_date = sim
        .legacy(ACCOUNT, &[("task", "overview"), ("user", user)])
        .await
        .json()["billing_process_date"]
        .clone();
    assert_eq!(
        listed,
        json!([{"username": user, "type": "Account Downgrade", "current": "Gold Package", "update": "Silver Package",
                "ip_groups": [], "ips": [], "date": process_date}])
    );
    let again = sim
        .legacy(ACCOUNT, &[("task", "scheduled_close"), ("user", user)])
        .await;
    assert_error(&again, "User already has a pending account change");
    let now = sim
        .legacy(ACCOUNT, &[("task", "immediate_close"), ("user", user)])
        .await;
    assert_error(&now, "User already has a pending account change");

    let wait = days_until_cycle_end(&today(&sim).await, &gold);
    sim.advance(wait).await;
    assert_eq!(
        sim.state(user).await["v2"]["package"],
        "Gold Package",
        "still Gold on the last day of the cycle"
    );
    let advanced = sim.advance(1).await;
    assert!(advanced["scheduled_applied"].as_u64().unwrap() >= 1);

    let state = sim.state(user).await;
    assert_eq!(state["v2"]["package"], "Silver Package");
    assert!(state["v2"]["scheduled_change"].is_null());
    assert_eq!(state["v2"]["billing_start_date"], json!(today(&sim).await));
    let invoice = state["v2"]["invoices"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(invoice["kind"], "scheduled_downgrade");
    assert_eq!(invoice["amount_cents"], 7995, "the new price, no proration");
    assert_eq!(
        sim.legacy(PENDING, &[("task", "list"), ("username", user)])
            .await
            .json(),
        json!([])
    );
}

#[tokio::test]
async fn a_scheduled_upgrade_reserves_its_ip() {
    let sim = spawn().await;
    let basic = sim.customer_where(on("Basic Package")).await;
    let user = basic["username"].as_str().unwrap();
    let ip = sim.free_ip().await;
    let reply = sim
        .legacy(
            ACCOUNT,
            &[
                ("task", "scheduled_upgrade"),
                ("user", user),
                ("package", "Silver Package"),
                ("ip[]", &ip),
            ],
        )
        .await;
    assert_eq!(reply.json(), json!({"message": "success"}));
    assert_ne!(sim.free_ip().await, ip, "a promised IP is no longer free");

    let xml = sim
        .legacy(
            "/apiv2/reseller.pending.xml",
            &[("task", "list"), ("username", user)],
        )
        .await
        .text;
    assert!(
        xml.contains(&format!(
            "<user><username>{user}</username><type>Account Upgrade</type>"
        )),
        "{xml}"
    );
    assert!(
        xml.contains(&format!("<ips><ip>{ip}</ip></ips><ip_groups/>")),
        "{xml}"
    );

    sim.advance(days_until_cycle_end(&today(&sim).await, &basic) + 1)
        .await;
    let state = sim.state(user).await;
    assert_eq!(state["v2"]["package"], "Silver Package");
    assert_eq!(state["v2"]["ips"], json!([ip]));
}

#[tokio::test]
async fn pending_changes_can_be_filtered_and_deleted() {
    let sim = spawn().await;
    let silver = sim.customer_where(on("Silver Package")).await;
    let user = silver["username"].as_str().unwrap();
    sim.legacy(ACCOUNT, &[("task", "scheduled_close"), ("user", user)])
        .await;

    let closes = sim
        .legacy(PENDING, &[("task", "list"), ("type", "close")])
        .await
        .json();
    assert!(closes
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["type"] == "Account Close"));
    assert!(closes
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["username"] == user));
    assert_error(
        &sim.legacy(PENDING, &[("task", "list"), ("type", "sideways")])
            .await,
        "type must be one of upgrade, downgrade, close",
    );

    let deleted = sim
        .legacy(
            "/api/distributor.pending.json",
            &[("task", "delete"), ("user", user)],
        )
        .await;
    assert_eq!(deleted.json(), json!({"message": "success"}));
    assert_error(
        &sim.legacy(PENDING, &[("task", "delete"), ("user", user)])
            .await,
        "User has no pending account change",
    );
    let unknown = sim
        .legacy(PENDING, &[("task", "delete"), ("user", "ghost")])
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
    assert_eq!(unknown.json(), json!({"message": "User not found"}));
}

#[tokio::test]
async fn a_cycle_end_renews_with_an_invoice() {
    let sim = spawn().await;
    let basic = sim
        .customer_where(|c| on("Basic Package")(c) && c["credits_used"].as_i64().unwrap() <= 40_000)
        .await;
    let user = basic["username"].as_str().unwrap();
    let advanced = sim
        .advance(days_until_cycle_end(&today(&sim).await, &basic) + 1)
        .await;
    assert!(advanced["cycles_ended"].as_u64().unwrap() >= 1);
    let state = sim.state(user).await;
    let invoices = state["v2"]["invoices"].as_array().unwrap();
    assert_eq!(invoices.len(), 1);
    assert_eq!(invoices[0]["kind"], "renewal");
    assert_eq!(invoices[0]["amount_cents"], 995);
    assert_ne!(
        state["v2"]["billing_start_date"],
        basic["billing_start_date"]
    );
}

/// `api_2017`: the legacy API as it has been since the 2017 removal (API.md §2.6): every
/// scheduled task is an invalid task and the pending API an unknown module, on v1 and v2; the
/// immediate tasks and the rest of the module work as before.
#[tokio::test]
async fn the_2017_api_has_no_scheduled_tasks_and_no_pending_api() {
    let sim = crate::helpers::spawn_with(simulator::Config {
        api_key: crate::helpers::KEY.to_owned(),
        api_2017: true,
        ..simulator::Config::default()
    })
    .await;
    let gold = sim.customer_where(on("Gold Package")).await;
    let user = gold["username"].as_str().unwrap();
    for task in [
        "scheduled_upgrade",
        "scheduled_downgrade",
        "scheduled_close",
    ] {
        let reply = sim
            .legacy(
                ACCOUNT,
                &[
                    ("task", task),
                    ("user", user),
                    ("package", "Silver Package"),
                ],
            )
            .await;
        assert_error(&reply, "Invalid task");
    }
    for path in [PENDING, "/api/distributor.pending.json"] {
        let reply = sim.legacy(path, &[("task", "list")]).await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{path}: {}",
            reply.text
        );
        assert!(reply.text.contains("Unknown API module"), "{}", reply.text);
    }
    let now = sim
        .legacy(
            ACCOUNT,
            &[
                ("task", "immediate_downgrade"),
                ("user", user),
                ("package", "Silver Package"),
            ],
        )
        .await;
    assert_eq!(now.json(), json!({"message": "success"}));
}
