//! Bulk changes over HTTP against the simulator: 200 customers through injected 503s (retried
//! by the client only, a v2 task never; "retry the failed" finishes them), the
//! progress stream reaching 100%, one audit result per change; review without sending;
//! removals needing the count typed; a stop in the middle leaving an exact record that a
//! resume completes without doing anyone twice.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::customers_support::Customers;

/// Signs the manager's client in and syncs the directory.
pub(crate) async fn harness(customers: usize) -> Customers {
    let t = Customers::start(customers).await;
    t.sync().await;
    t
}

async fn v2_usernames(t: &Customers, n: usize) -> Vec<String> {
    usernames_where(t, n, |_| true).await
}

/// The first `n` v2 customers whose simulator state passes `keep`.
pub(crate) async fn usernames_where(
    t: &Customers,
    n: usize,
    keep: impl Fn(&Value) -> bool,
) -> Vec<String> {
    let names: Vec<String> = t
        .sim_customers()
        .await
        .into_iter()
        .filter(|c| !c["v2"].is_null() && keep(c))
        .filter_map(|c| c["username"].as_str().map(str::to_string))
        .take(n)
        .collect();
    assert_eq!(names.len(), n, "the simulator seeded enough v2 customers");
    names
}

pub(crate) fn start_args<'a>(
    pasted: &'a str,
    op: &'a str,
    credits: &'a str,
    key: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("by", "paste"),
        ("pasted", pasted),
        ("op", op),
        ("credits", credits),
        ("concurrency", "4"),
        ("idempotency_key", key),
    ]
}

pub(crate) async fn start(t: &Customers, args: &[(&str, &str)]) -> i64 {
    let (status, body) = t.call(&t.manager, "start_bulk", args).await;
    assert_eq!(status, 200, "{body}");
    body["Job"].as_i64().expect("the job id")
}

async fn job(t: &Customers, id: i64) -> Value {
    let (status, body) = t
        .call(&t.manager, "get_bulk_job", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

pub(crate) async fn wait_until_ended(t: &Customers, id: i64) -> Value {
    let started = Instant::now();
    loop {
        let body = job(t, id).await;
        let status = body["progress"]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        if !matches!(status.as_str(), "Running" | "Cancelling") {
            return body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "bulk change never ended: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Reads the job's event stream to its `end` and answers the last progress it carried.
async fn stream_to_end(t: &Customers, id: i64) -> Value {
    let mut response = t
        .manager
        .get(format!("{}/bulk/{id}/events", t.console.url()))
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(120);
    while !text.contains("event: end") {
        assert!(Instant::now() < deadline, "the stream never ended: {text}");
        match tokio::time::timeout(Duration::from_secs(30), response.chunk()).await {
            Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            other => panic!("the stream broke off: {other:?}\n{text}"),
        }
    }
    let last = text
        .split("\n\n")
        .filter(|event| event.contains("event: progress"))
        .filter_map(|event| event.lines().find_map(|l| l.strip_prefix("data: ")))
        .last()
        .expect("progress events came");
    serde_json::from_str(last).expect("progress is JSON")
}

async fn results_of(t: &Customers, id: i64) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT customer, outcome FROM audit_events
         WHERE kind = 'result' AND json_extract(
             (SELECT params FROM audit_events a WHERE a.id = audit_events.attempt_id), '$.bulk_job') = ?",
    )
    .bind(id)
    .fetch_all(&t.console.pool)
    .await
    .expect("results read")
}

/// Retries live in one layer, the client's transport (DESIGN.md "Reliability"): a read that
/// meets a 503 is sent again there, a v2 task never, and the runner repeats neither. The
/// customers whose task met a 503 end failed with nothing changed, and "retry the failed"
/// finishes them.
#[tokio::test]
async fn two_hundred_customers_through_injected_503s_repeat_no_task_and_a_retry_finishes_them() {
    let t = harness(200).await;
    let users = v2_usernames(&t, 200).await;
    // Every 20th limit read and every 20th `task=total` fails with 503: 10 of the 200 tasks.
    for task in ["retrieve", "total"] {
        t.sim_post(
            "/_sim/faults",
            json!({"path_prefix": "/apiv2/reseller.manage", "task": task, "status": 503, "every": 20}),
        )
        .await;
    }
    let pasted = users.join("\n");
    let id = start(&t, &start_args(&pasted, "limit_total", "777", "job-200")).await;
    let last = stream_to_end(&t, id).await;
    assert_eq!(last["counts"]["total"], 200);
    assert_eq!(last["counts"]["done"], 190, "{last}");
    assert_eq!(last["counts"]["failed"], 10, "{last}");

    let body = wait_until_ended(&t, id).await;
    let items = body["all_items"].as_array().unwrap();
    let failed: Vec<String> = items
        .iter()
        .filter(|i| i["status"] == "Failed")
        .map(|i| i["customer"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(failed.len(), 10, "{body}");
    let results = results_of(&t, id).await;
    assert_eq!(results.len(), 200, "one try per customer: {results:?}");
    for user in &users {
        let state = t.sim_customer(user).await;
        let set = state["v2"]["limit"]["credit"] == 777;
        assert_eq!(set, !failed.contains(user), "{user}: {state}");
    }
    let tasks = t
        .sim_get("/_sim/calls")
        .await
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["task"] == "total")
        .count();
    assert_eq!(tasks, 200, "no v2 task was sent twice");

    t.clear_faults().await;
    let (status, answer) = t
        .call(
            &t.manager,
            "rerun_bulk",
            &[("id", &id.to_string()), ("what", "failed")],
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    let body = wait_until_ended(&t, id).await;
    assert_eq!(body["progress"]["status"], "Finished", "{body}");
    assert_eq!(body["progress"]["counts"]["done"], 200, "{body}");
    for user in &users {
        let state = t.sim_customer(user).await;
        assert_eq!(state["v2"]["limit"]["credit"], 777, "{user}: {state}");
    }
    let results = results_of(&t, id).await;
    let mut succeeded: Vec<&str> = results
        .iter()
        .filter(|(_, o)| o == "success")
        .map(|(c, _)| c.as_str())
        .collect();
    assert_eq!(succeeded.len(), 200, "one success result per customer");
    succeeded.sort();
    succeeded.dedup();
    assert_eq!(succeeded.len(), 200, "no customer changed twice");
    t.stop().await;
}

#[tokio::test]
async fn review_sends_nothing_and_removals_need_the_count_typed() {
    let t = harness(20).await;
    let users = v2_usernames(&t, 3).await;
    let pasted = users.join(", ");
    let calls_before = t.sim_get("/_sim/calls").await["calls"]
        .as_array()
        .map(Vec::len);
    let (status, review) = t
        .call(
            &t.manager,
            "review_bulk",
            &[
                ("form[by]", "paste"),
                ("form[q]", ""),
                ("form[package]", ""),
                ("form[account_state]", ""),
                ("form[count]", ""),
                ("form[pasted]", &format!("{pasted}, nobody-here")),
                ("form[op]", "limit_none"),
                ("form[name]", ""),
                ("form[quantity]", ""),
                ("form[credits]", ""),
                ("form[state]", ""),
                ("form[concurrency]", ""),
            ],
        )
        .await;
    assert_eq!(status, 200, "{review}");
    assert_eq!(review["items"].as_array().unwrap().len(), 3);
    assert_eq!(review["unknown"], json!(["nobody-here"]));
    assert_eq!(review["needs_confirmation"], true);
    let changes_after: usize = t.sim_get("/_sim/calls").await["calls"]
        .as_array()
        .map(|calls| calls.iter().filter(|c| c["task"] == "none").count())
        .unwrap_or(0);
    assert_eq!(
        changes_after, 0,
        "the review changed nothing (calls before: {calls_before:?})"
    );

    let mut args = start_args(&pasted, "limit_none", "", "job-none");
    let (status, body) = t.call(&t.manager, "start_bulk", &args).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("type 3 to confirm"), "{body}");
    args.push(("confirm", "3"));
    let id = start(&t, &args).await;
    let ended = wait_until_ended(&t, id).await;
    assert_eq!(ended["progress"]["counts"]["total"], 3);

    let (status, body) = t.call(&t.support, "list_bulk_jobs", &[]).await;
    assert_eq!(status, 403, "support cannot see bulk changes: {body}");
    let (status, _) = t
        .call(
            &t.manager,
            "start_bulk",
            &start_args("../../etc", "limit_total", "5", "k2"),
        )
        .await;
    assert_eq!(
        status, 400,
        "hostile names are refused before anything is read"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_stop_mid_job_leaves_an_exact_record_and_resume_does_no_one_twice() {
    let t = harness(150).await;
    // Credits can only be added to an existing limit.
    let users = usernames_where(&t, 24, |c| !c["v2"]["limit"].is_null()).await;
    // Every limits call takes 150 ms (an increment adds to the credits left), so the job is still running when the console stops.
    t.sim_post(
        "/_sim/faults",
        json!({"path_prefix": "/apiv2/reseller.manage", "latency_ms": 150}),
    )
    .await;
    let pasted = users.join("\n");
    let mut args = start_args(&pasted, "limit_increment", "5", "job-stop");
    args.retain(|(k, _)| *k != "concurrency");
    args.push(("concurrency", "2"));
    let before: Vec<i64> = {
        let mut credits = Vec::new();
        for user in &users {
            credits.push(
                t.sim_customer(user).await["v2"]["limit"]["credit_remain"]
                    .as_i64()
                    .unwrap_or(0),
            );
        }
        credits
    };
    let id = start(&t, &args).await;
    let started = Instant::now();
    loop {
        let body = job(&t, id).await;
        if body["progress"]["counts"]["done"].as_u64().unwrap_or(0) >= 4 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no progress: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let Customers { console, sim, .. } = t;
    // A graceful stop: calls under way finish and are recorded, nothing new starts.
    let kept = console.stop_keeping_files().await;

    let base = sim.base_url();
    let database_url = format!("sqlite://{}/console.db", kept.display());
    let console = crate::support::TestConsole::start_with(|args| {
        args.directory_sync_minutes = 0;
        args.database_url = database_url.clone();
        args.upstream.base = base.clone();
        args.upstream.api_key = Some(sendgrid::Secret::from(
            crate::customers_support::SIM_KEY.to_string(),
        ));
    })
    .await;
    console
        .add_operator("again@example.com", app::domain::Role::Manager)
        .await;
    let manager = console.signed_in("again@example.com").await;
    let get = |id: i64| {
        let (console, manager) = (&console, &manager);
        async move {
            let response = console
                .call(manager, "get_bulk_job", &[("id", &id.to_string())])
                .await;
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let body = get(id).await;
    assert_eq!(body["progress"]["status"], "Interrupted", "{body}");
    let items = body["all_items"].as_array().unwrap();
    let done: Vec<usize> = items
        .iter()
        .enumerate()
        .filter(|(_, i)| i["status"] == "Done")
        .map(|(n, _)| n)
        .collect();
    let not_started = items.iter().filter(|i| i["status"] == "Pending").count();
    assert!(done.len() >= 4, "{body}");
    assert_eq!(
        done.len() + not_started,
        24,
        "every customer is done or not started: {body}"
    );
    for (n, user) in users.iter().enumerate() {
        let now = reqwest::get(format!("{base}/_sim/customers/{user}"))
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()["v2"]["limit"]["credit_remain"]
            .as_i64()
            .unwrap_or(0);
        let expected = if done.contains(&n) {
            before[n] + 5
        } else {
            before[n]
        };
        assert_eq!(now, expected, "{user}: done ones once, the rest not at all");
    }

    let response = console
        .call(
            &manager,
            "rerun_bulk",
            &[("id", &id.to_string()), ("what", "resume")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let started = Instant::now();
    let body = loop {
        let body = get(id).await;
        if body["progress"]["status"] == "Finished" {
            break body;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "resume never ended: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(body["progress"]["counts"]["done"], 24, "{body}");
    for (n, user) in users.iter().enumerate() {
        let now = reqwest::get(format!("{base}/_sim/customers/{user}"))
            .await
            .unwrap()
            .json::<Value>()
            .await
            .unwrap()["v2"]["limit"]["credit_remain"]
            .as_i64()
            .unwrap_or(0);
        assert_eq!(now, before[n] + 5, "{user}: incremented exactly once");
    }
    console.stop().await;
    drop(sim);
}

#[tokio::test]
async fn a_bulk_change_stops_once_its_operator_is_disabled() {
    let t = harness(60).await;
    let users = v2_usernames(&t, 12).await;
    // Each limits call takes 150 ms, one customer at a time: the job is still running when
    // its operator is disabled.
    t.sim_post(
        "/_sim/faults",
        json!({"path_prefix": "/apiv2/reseller.manage", "latency_ms": 150}),
    )
    .await;
    let pasted = users.join("\n");
    let mut args = start_args(&pasted, "limit_total", "777", "job-revoked");
    args.retain(|(k, _)| *k != "concurrency");
    args.push(("concurrency", "1"));
    let id = start(&t, &args).await;
    let pool = &t.console.pool;
    let count = |status: &'static str| async move {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM bulk_items WHERE job_id = ? AND status = ?",
        )
        .bind(id)
        .bind(status)
        .fetch_one(pool)
        .await
        .unwrap()
    };
    let started = Instant::now();
    while count("done").await < 1 {
        assert!(started.elapsed() < Duration::from_secs(60), "no progress");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    app::services::operators::disable(
        pool,
        &app::services::auth::Admin::local("test"),
        "manager@example.com",
        crate::support::by_test("operator.disable"),
    )
    .await
    .unwrap();
    let status = loop {
        let status: String = sqlx::query_scalar("SELECT status FROM bulk_jobs WHERE id = ?")
            .bind(id)
            .fetch_one(pool)
            .await
            .unwrap();
        if !matches!(status.as_str(), "running" | "cancelling") {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "never ended");
        tokio::time::sleep(Duration::from_millis(25)).await;
    };
    assert_eq!(status, "cancelled");
    let done = count("done").await;
    assert!(
        done < users.len() as i64 && count("pending").await > 0,
        "the rest was not started: {done} done"
    );
    let mut changed = 0;
    for user in &users {
        if t.sim_customer(user).await["v2"]["limit"]["credit"].as_i64() == Some(777) {
            changed += 1;
        }
    }
    assert_eq!(changed, done, "SendGrid changed exactly the customers done");
    let (outcome, params): (String, String) = sqlx::query_as(
        "SELECT outcome, params FROM audit_events WHERE action = 'bulk.cancelled'
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(pool)
    .await
    .expect("the stop is recorded");
    assert_eq!(outcome, "refused");
    assert!(
        params.contains("manager@example.com has been disabled"),
        "{params}"
    );
    // The job's page says why it stopped, not only "Cancelled".
    let (status, view) = t
        .call(&t.admin, "get_bulk_job", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, 200, "{view}");
    assert!(
        view["stopped_because"]
            .as_str()
            .is_some_and(|why| why.contains("has been disabled")),
        "{view}"
    );
    let page = t
        .admin
        .get(format!("{}/bulk/{id}", t.console.url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Stopped by the console: "),
        "the page says so"
    );
    t.stop().await;
}
