//! The real binary killed with SIGKILL while a change waits on SendGrid, then started again on
//! the same database: the change is listed as outcome unknown until reconcile reads SendGrid
//! and settles it; a bulk change is interrupted with each customer exactly accounted for and a
//! resume finishes it without changing anyone twice; the database passes `integrity_check`
//! and the audit chain verifies.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::audit_support::console_cli;
use crate::customers_support::SIM_KEY;
use crate::process_support::{add_operator, database_url, ConsoleProcess};

const MANAGER: &str = "manager@example.com";

async fn simulator(customers: usize) -> simulator::Running {
    simulator::spawn(simulator::Config {
        customers,
        api_key: SIM_KEY.to_string(),
        ..simulator::Config::default()
    })
    .await
    .expect("simulator starts")
}

async fn sim_get(sim: &simulator::Running, path: &str) -> Value {
    reqwest::get(format!("{}{path}", sim.base_url()))
        .await
        .expect("simulator answers")
        .json()
        .await
        .expect("JSON")
}

async fn sim_fault(sim: &simulator::Running, fault: Value) {
    let response = reqwest::Client::new()
        .post(format!("{}/_sim/faults", sim.base_url()))
        .json(&fault)
        .send()
        .await
        .expect("simulator answers");
    assert!(response.status().is_success(), "{}", response.status());
}

async fn clear_faults(sim: &simulator::Running) {
    reqwest::Client::new()
        .delete(format!("{}/_sim/faults", sim.base_url()))
        .send()
        .await
        .expect("simulator answers");
}

/// Simulator calls whose legacy task is `task`.
async fn calls_with_task(sim: &simulator::Running, task: &str) -> usize {
    sim_get(sim, "/_sim/calls")
        .await
        .as_array()
        .map(|calls| calls.iter().filter(|c| c["task"] == task).count())
        .unwrap_or(0)
}

async fn changes_of(sim: &simulator::Running, user: &str) -> i64 {
    sim_get(sim, &format!("/_sim/customers/{user}")).await["changes"]
        .as_i64()
        .expect("a change counter")
}

/// Polls `check` every 50 ms until it answers `Some`; `what` names it if it never does.
async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "gave up waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `PRAGMA integrity_check` and `audit verify` on the database the console left.
async fn assert_database_sound(dir: &Path) {
    let url = database_url(dir);
    let pool = app::services::db::open(&url).await.expect("database opens");
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    pool.close().await;
    let verify = console_cli(&url, &["audit", "verify"]);
    let out = String::from_utf8_lossy(&verify.stdout);
    assert!(verify.status.success(), "audit verify: {out}");
    assert!(out.starts_with("ok "), "{out}");
}

#[tokio::test]
async fn a_change_cut_off_by_a_kill_is_outcome_unknown_until_reconciled() {
    let sim = simulator(20).await;
    let dir = tempfile::tempdir().unwrap();
    add_operator(dir.path(), MANAGER, "manager");
    let console = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    let manager = console.signed_in(MANAGER).await;

    let user = sim_get(&sim, "/_sim/customers").await["customers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["v2"]["package"] == "Basic Package"
                && c["v2"]["active"] == true
                && c["v2"]["scheduled_change"].is_null()
        })
        .and_then(|c| c["username"].as_str().map(str::to_string))
        .expect("a customer on Basic");
    let (status, plan) = console.call(&manager, "get_plan", &[("user", &user)]).await;
    assert_eq!(status, 200, "{plan}");
    let ip = plan["state"]["free_ips"][0].as_str().unwrap().to_string();

    // The upgrade reaches SendGrid and waits there, so the console dies while it is sent.
    sim_fault(
        &sim,
        json!({"path_prefix": "/apiv2/reseller.account", "task": "immediate_upgrade",
               "latency_ms": 30_000}),
    )
    .await;
    let request = {
        let (url, manager, user, ip) = (console.url.clone(), manager.clone(), user.clone(), ip);
        tokio::spawn(async move {
            manager
                .post(format!("{url}/api/change_plan"))
                .header("accept", "application/json")
                .form(&[
                    ("user", user.as_str()),
                    ("action", "upgrade"),
                    ("timing", "now"),
                    ("package", "Silver Package"),
                    ("ip", ip.as_str()),
                    ("ip_group", ""),
                    ("confirm", ""),
                    ("idempotency_key", "crash-upgrade"),
                ])
                .send()
                .await
        })
    };
    wait_for("the upgrade to reach SendGrid", || async {
        (calls_with_task(&sim, "immediate_upgrade").await == 1).then_some(())
    })
    .await;
    console.kill();
    assert!(
        request.await.unwrap().is_err(),
        "the operator got no answer: the console died"
    );

    let console = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    let manager = console.signed_in(MANAGER).await;
    let (status, unresolved) = console.call(&manager, "list_unresolved", &[]).await;
    assert_eq!(status, 200, "{unresolved}");
    assert_eq!(unresolved["total"], 1, "{unresolved}");
    let open = &unresolved["attempts"][0];
    assert_eq!(open["customer"], user.as_str());
    assert_eq!(open["action"], "plan.immediate_upgrade");
    let attempt_id = open["id"].as_i64().unwrap().to_string();

    // The simulator may still apply the held upgrade (its handler runs after the delay), so
    // what reconcile finds is checked against the counter read on both sides of it.
    let changes_before = changes_of(&sim, &user).await;
    let (status, report) = console
        .call(
            &manager,
            "reconcile_attempt",
            &[
                ("attempt_id", attempt_id.as_str()),
                ("idempotency_key", open["reconcile_key"].as_str().unwrap()),
            ],
        )
        .await;
    assert_eq!(status, 200, "{report}");
    let changes_after = changes_of(&sim, &user).await;
    assert_eq!(report["attempt_id"].to_string(), attempt_id);
    let found_silver = report["found"]
        .as_array()
        .unwrap()
        .iter()
        .any(|pair| pair[1] == "Silver Package");
    let package_changed = report["changes"].to_string().contains("Silver Package");
    assert_eq!(found_silver, package_changed, "{report}");
    if changes_before == changes_after {
        assert_eq!(
            found_silver,
            changes_after == 1,
            "reconcile found what SendGrid holds: {report}"
        );
    }
    assert!(changes_after <= 1, "the upgrade was applied at most once");

    let (status, unresolved) = console.call(&manager, "list_unresolved", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(unresolved["total"], 0, "reconcile settled it: {unresolved}");
    console.kill();
    assert_database_sound(dir.path()).await;
}

async fn get_job(console: &ConsoleProcess, client: &reqwest::Client, id: i64) -> Value {
    let (status, body) = console
        .call(client, "get_bulk_job", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn statuses(job: &Value) -> Vec<String> {
    job["all_items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["status"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_bulk_change_killed_mid_run_is_exactly_accounted_and_resumes_once() {
    const SIZE: usize = 16;
    let sim = simulator(120).await;
    let dir = tempfile::tempdir().unwrap();
    add_operator(dir.path(), MANAGER, "manager");
    let console = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    let manager = console.signed_in(MANAGER).await;
    let (status, body) = console.call(&manager, "refresh_directory", &[]).await;
    assert_eq!(status, 200, "{body}");
    wait_for("the directory sync", || async {
        let (_, body) = console.call(&manager, "directory_status", &[]).await;
        body["running"].is_null().then_some(())
    })
    .await;

    // Credits can only be added to an existing limit.
    let users: Vec<String> = sim_get(&sim, "/_sim/customers").await["customers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["v2"].is_null() && !c["v2"]["limit"].is_null())
        .filter_map(|c| c["username"].as_str().map(str::to_string))
        .take(SIZE)
        .collect();
    assert_eq!(users.len(), SIZE, "enough customers with a limit");
    let mut before = Vec::new();
    for user in &users {
        before.push(changes_of(&sim, user).await);
    }
    // Four increments answer; every later one is held at SendGrid, so with two at a time the
    // kill finds exactly four done and two sent without an answer.
    sim_fault(
        &sim,
        json!({"path_prefix": "/apiv2/", "task": "increment", "times": 4}),
    )
    .await;
    sim_fault(
        &sim,
        json!({"path_prefix": "/apiv2/", "task": "increment", "latency_ms": 60_000}),
    )
    .await;
    let pasted = users.join("\n");
    let (status, body) = console
        .call(
            &manager,
            "start_bulk",
            &[
                ("by", "paste"),
                ("pasted", pasted.as_str()),
                ("op", "limit_increment"),
                ("credits", "5"),
                ("concurrency", "2"),
                ("idempotency_key", "crash-bulk"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let id = body["Job"].as_i64().expect("a job id");
    wait_for("four done and two held", || async {
        let done = statuses(&get_job(&console, &manager, id).await)
            .iter()
            .filter(|s| *s == "Done")
            .count();
        let sent = calls_with_task(&sim, "increment").await;
        (done == 4 && sent == 6).then_some(())
    })
    .await;
    console.kill();
    clear_faults(&sim).await;

    let console = ConsoleProcess::start(dir.path(), &sim.base_url(), SIM_KEY, &[]).await;
    let manager = console.signed_in(MANAGER).await;
    let job = get_job(&console, &manager, id).await;
    assert_eq!(job["progress"]["status"], "Interrupted", "{job}");
    let after_kill = statuses(&job);
    let count = |s: &str| after_kill.iter().filter(|x| *x == s).count();
    assert_eq!(
        (count("Done"), count("Unknown"), count("Pending")),
        (4, 2, SIZE - 6),
        "four done, two sent with no answer, the rest not started: {job}"
    );
    for (n, user) in users.iter().enumerate() {
        let changed = changes_of(&sim, user).await - before[n];
        match after_kill[n].as_str() {
            "Done" => assert_eq!(changed, 1, "{user} done once"),
            "Pending" => assert_eq!(changed, 0, "{user} not started"),
            _ => assert!(changed <= 1, "{user} at most once"),
        }
    }

    let (status, body) = console
        .call(
            &manager,
            "rerun_bulk",
            &[("id", &id.to_string()), ("what", "resume")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let job = wait_for("the resume to end", || async {
        let job = get_job(&console, &manager, id).await;
        (job["progress"]["status"] == "Finished").then_some(job)
    })
    .await;
    let finished = statuses(&job);
    for (n, user) in users.iter().enumerate() {
        let changed = changes_of(&sim, user).await - before[n];
        if after_kill[n] == "Unknown" {
            assert_eq!(finished[n], "Unknown", "{user}: not sent again");
            assert!(changed <= 1, "{user} at most once");
        } else {
            assert_eq!(finished[n], "Done", "{user}: {job}");
            assert_eq!(changed, 1, "{user} changed exactly once");
        }
    }
    let (_, unresolved) = console.call(&manager, "list_unresolved", &[]).await;
    assert_eq!(
        unresolved["total"], 2,
        "the two cut off are left to reconcile"
    );
    console.kill();
    assert_database_sound(dir.path()).await;
}
