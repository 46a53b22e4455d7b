//! `reseller.account` tasks and their rules (API.md §2).

use chrono::NaiveDate;
use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_error, on, package, spawn, TestSim};

const ACCOUNT: &str = "/apiv2/reseller.account.json";

fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
}

async fn today(sim: &TestSim) -> NaiveDate {
    let (_, clock) = sim.control(reqwest::Method::GET, "/_sim/clock", None).await;
    date(&clock["today"])
}

fn user(c: &Value) -> &str {
    c["username"].as_str().unwrap()
}

fn last_invoice(state: &Value) -> Value {
    state["v2"]["invoices"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .expect("an invoice")
}

#[tokio::test]
async fn an_upgrade_from_free_invoices_the_full_price() {
    let sim = spawn().await;
    let free = sim.customer_where(on("Free Package")).await;
    let reply = sim
        .legacy(
            ACCOUNT,
            &[
                ("task", "immediate_upgrade"),
                ("user", user(&free)),
                ("package", "Basic Package"),
                ("ip_group[]", "Transactional"),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json(), json!({"message": "success"}));
    let state = sim.state(user(&free)).await;
    assert_eq!(package(&state["v2"]), "Basic Package");
    assert_eq!(state["v2"]["ip_groups"], json!(["Transactional"]));
    let invoice = last_invoice(&state);
    assert_eq!(invoice["kind"], "immediate_upgrade");
    assert_eq!(invoice["amount_cents"], 995);
}

#[tokio::test]
async fn a_paid_upgrade_is_prorated_and_takes_a_free_ip() {
    let sim = spawn().await;
    let basic = sim.customer_where(on("Basic Package")).await;
    let ip = sim.free_ip().await;
    let reply = sim
        .legacy(
            ACCOUNT,
            &[
                ("task", "immediate_upgrade"),
                ("user", user(&basic)),
                ("package", "Gold Package"),
                ("ip[]", &ip),
            ],
        )
        .await;
    assert_eq!(
        reply.json(),
        json!({"message": "success"}),
        "{}",
        reply.text
    );

    let (start, end) = (
        date(&basic["billing_start_date"]),
        date(&basic["billing_end_date"]),
    );
    let total = (end - start).num_days() + 1;
    let left = (end - today(&sim).await).num_days() + 1;
    let expected = ((19_995 - 995) as f64 * left as f64 / total as f64).round() as i64;
    let state = sim.state(user(&basic)).await;
    assert_eq!(last_invoice(&state)["amount_cents"], expected);
    assert_eq!(state["v2"]["ips"], json!([ip]));
    let free = sim
        .legacy("/apiv2/reseller.ip.json", &[("task", "free")])
        .await
        .json();
    assert!(
        !free.as_array().unwrap().contains(&json!({"ip": ip})),
        "the IP is taken now"
    );
}

#[tokio::test]
async fn upgrade_rules_are_enforced() {
    let sim = spawn().await;
    let basic = sim.customer_where(on("Basic Package")).await;
    let silver = sim.customer_where(on("Silver Package")).await;
    let free = sim.customer_where(on("Free Package")).await;
    let taken = silver["ips"][0].as_str().unwrap().to_owned();
    let upgrade = |user: String, package: &'static str, extra: Vec<(&'static str, String)>| {
        let mut params = vec![
            ("task", "immediate_upgrade".to_owned()),
            ("user", user),
            ("package", package.to_owned()),
        ];
        params.extend(extra);
        params
    };
    let cases = [
        (
            upgrade(
                user(&basic).into(),
                "Gold Package",
                vec![("ip[]", taken.clone())],
            ),
            format!("IP {taken} is not a free IP"),
        ),
        (
            upgrade(user(&basic).into(), "Silver Package", vec![]),
            "ip[] is required: Silver Package needs a free IP".into(),
        ),
        (
            upgrade(user(&free).into(), "Basic Package", vec![]),
            "ip_group[] is required: Basic Package has no dedicated IP".into(),
        ),
        (
            upgrade(
                user(&free).into(),
                "Basic Package",
                vec![("ip_group[]", "Nope".into())],
            ),
            "IP group Nope does not exist".into(),
        ),
        (
            upgrade(user(&basic).into(), "Diamond Package", vec![]),
            "Package not found".into(),
        ),
        (
            upgrade(
                user(&silver).into(),
                "Basic Package",
                vec![("ip_group[]", "Transactional".into())],
            ),
            "Upgrade must be to a more expensive package".into(),
        ),
        (
            upgrade(user(&free).into(), "Free Package", vec![]),
            "Upgrade must be to a more expensive package".into(),
        ),
        (
            upgrade(
                user(&free).into(),
                "Basic Package",
                vec![
                    ("ip[]", "198.51.100.250".into()),
                    ("ip_group[]", "Transactional".into()),
                ],
            ),
            "Basic Package does not include a dedicated IP".into(),
        ),
    ];
    for (params, message) in cases {
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_error(&sim.legacy(ACCOUNT, &params).await, &message);
    }
    assert_eq!(
        sim.state(user(&basic)).await["v2"]["package"],
        "Basic Package",
        "nothing changed"
    );
}

#[tokio::test]
async fn downgrade_rules_are_enforced() {
    let sim = spawn().await;
    let free = sim.customer_where(on("Free Package")).await;
    let silver = sim.customer_where(on("Silver Package")).await;
    let down = |user: &str, package: &str| {
        vec![
            ("task", "immediate_downgrade".to_owned()),
            ("user", user.to_owned()),
            ("package", package.to_owned()),
        ]
    };
    for (params, message) in [
        (
            down(user(&free), "Free Package"),
            "Free customers cannot be downgraded",
        ),
        (
            down(user(&silver), "Gold Package"),
            "Downgrade must be to a less expensive package",
        ),
        (
            down(user(&silver), "Silver Package"),
            "Downgrade must be to a less expensive package",
        ),
    ] {
        let params: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_error(&sim.legacy(ACCOUNT, &params).await, message);
    }
}

#[tokio::test]
async fn a_downgrade_releases_the_ip_and_invoices_overages_only() {
    let sim = spawn().await;
    let silver = sim
        .customer_where(|c| {
            on("Silver Package")(c) && c["credits_used"].as_i64().unwrap() <= 100_000
        })
        .await;
    let ip = silver["ips"][0].as_str().unwrap().to_owned();
    let reply = sim
        .legacy(
            ACCOUNT,
            &[
                ("task", "immediate_downgrade"),
                ("user", user(&silver)),
                ("package", "Basic Package"),
            ],
        )
        .await;
    assert_eq!(reply.json(), json!({"message": "success"}));
    let state = sim.state(user(&silver)).await;
    assert_eq!(state["v2"]["ips"], json!([]));
    assert_eq!(last_invoice(&state)["kind"], "immediate_downgrade");
    assert_eq!(
        last_invoice(&state)["amount_cents"],
        0,
        "nothing owed: a zero-amount invoice"
    );
    let free = sim
        .legacy("/apiv2/reseller.ip.json", &[("task", "free")])
        .await
        .json();
    assert!(free.as_array().unwrap().contains(&json!({"ip": ip})));
}

#[tokio::test]
async fn a_close_reverts_to_free_with_an_invoice_and_free_customers_cannot_close() {
    let sim = spawn().await;
    let gold = sim
        .customer_where(|c| on("Gold Package")(c) && c["credits_used"].as_i64().unwrap() > 300_000)
        .await;
    let over = gold["credits_used"].as_i64().unwrap() - 300_000;
    let reply = sim
        .legacy(
            ACCOUNT,
            &[("task", "immediate_close"), ("user", user(&gold))],
        )
        .await;
    assert_eq!(reply.json(), json!({"message": "success"}));
    let state = sim.state(user(&gold)).await;
    assert_eq!(package(&state["v2"]), "Free Package");
    assert_eq!(last_invoice(&state)["kind"], "immediate_close");
    assert_eq!(
        last_invoice(&state)["amount_cents"],
        (over as f64 * 0.0008 * 100.0).round() as i64
    );
    let again = sim
        .legacy(
            ACCOUNT,
            &[("task", "immediate_close"), ("user", user(&gold))],
        )
        .await;
    assert_error(&again, "User is already on the free package");
}

#[tokio::test]
async fn missing_parameters_unknown_tasks_and_unknown_users() {
    let sim = spawn().await;
    let reply = sim.legacy(ACCOUNT, &[("task", "immediate_upgrade")]).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        reply.json(),
        json!({"message": "error", "errors": ["Missing required parameter: user", "Missing required parameter: package"]})
    );
    assert_error(
        &sim.legacy(ACCOUNT, &[]).await,
        "Missing required parameter: task",
    );
    assert_error(
        &sim.legacy(ACCOUNT, &[("task", "teleport")]).await,
        "Invalid task",
    );
    let reply = sim
        .legacy(
            ACCOUNT,
            &[("task", "immediate_close"), ("user", "nobody-here")],
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json(), json!({"message": "User not found"}));
}

#[tokio::test]
async fn v1_distributor_account_and_get_query_strings_behave_the_same() {
    let sim = spawn().await;
    let silver = sim.customer_where(on("Silver Package")).await;
    let url = sim.url(&format!(
        "/api/distributor.account.json?api_user=apikey&api_key={}&task=overview&user={}",
        crate::helpers::KEY,
        user(&silver)
    ));
    let overview: Value = sim
        .http
        .get(url)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(overview["package"], "Silver Package");
    let reply = sim
        .legacy(
            "/api/distributor.account.json",
            &[("task", "immediate_close"), ("user", user(&silver))],
        )
        .await;
    assert_eq!(reply.json(), json!({"message": "success"}));
}
