//! Plan changes for the end of the cycle where SendGrid no longer schedules them (API.md §2.6:
//! the `scheduled_*` tasks and the pending API were removed in 2017). `SCHEDULED_PLAN_CHANGES`
//! decides: `auto` (the default) sends SendGrid's task while its pending API answers and
//! otherwise holds the change in the console, to make it as the immediate task when due;
//! `console` always holds; `upstream` always sends. The simulator's `api_2017` switch answers as
//! the 2017 API does.

use crate::customers_support::{audit_rows, Change, Customers};

use std::sync::Arc;
use std::time::Duration;

use app::domain::plan::SchedulingMode;
use app::services::schedule::Worker;
use serde_json::Value;
use sqlx::types::chrono::{NaiveDate, Utc};

const CUSTOMERS: usize = 20;

async fn start_2017(mode: SchedulingMode) -> Customers {
    Customers::start_with(
        CUSTOMERS,
        |sim| sim.api_2017 = true,
        |args| args.scheduled_plan_changes = mode,
    )
    .await
}

/// A Silver customer's scheduled downgrade to Basic, confirmed.
fn downgrade<'a>(user: &'a str, key: &'a str) -> Change<'a> {
    Change {
        package: "Basic Package",
        ip_group: "Reseller Group",
        confirm: user,
        ..Change::new(user, "downgrade", "end_of_cycle", key)
    }
}

/// Runs the console's due jobs as of the start of `day` plus a minute.
async fn run_jobs_on(t: &Customers, day: &str) -> usize {
    let at = NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 1, 0)
        .unwrap()
        .and_utc();
    Worker::new(
        t.console.pool.clone(),
        t.upstream(),
        Duration::from_secs(30),
    )
    .with_clock(Arc::new(move || at))
    .run_due()
    .await
}

#[tokio::test]
async fn without_scheduled_tasks_the_console_holds_the_change_and_makes_it_when_due() {
    let t = start_2017(SchedulingMode::Auto).await;
    let user = t.customer_on("Silver Package", &[]).await;
    let plan = t.plan(&user).await;
    assert_eq!(
        plan["scheduled_by"], "Console",
        "the review will say so: {plan}"
    );
    assert!(
        plan["note"].is_null(),
        "a removed API is not an error: {plan}"
    );
    let due = plan["state"]["cycle"]["process"]
        .as_str()
        .expect("a billing process date")
        .to_string();

    let (status, body) = t
        .call(
            &t.manager,
            "change_plan",
            &downgrade(&user, "k-held").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["job_id"].is_i64(), "{body}");
    assert!(body["attempt_id"].is_null(), "{body}");
    let summary = body["summary"].as_str().unwrap();
    assert!(
        summary.contains(&format!(
            "Downgrade {user} to Basic Package on {due}, made by the console"
        )),
        "{summary}"
    );
    assert!(t.plan_calls(&user).await.is_empty(), "nothing sent yet");
    let plan = t.plan(&user).await;
    assert_eq!(plan["held"][0]["status"], "Pending", "{plan}");

    // The same form again answers the held change.
    let (status, again) = t
        .call(
            &t.manager,
            "change_plan",
            &downgrade(&user, "k-held").args(),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["job_id"].clone(), again["replayed"].clone()),
        (body["job_id"].clone(), Value::Bool(true))
    );

    // Listed with every waiting change.
    let (_, waiting) = t.call(&t.support, "list_waiting_changes", &[]).await;
    let listed = waiting["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["customer"] == user.as_str())
        .cloned()
        .expect("listed");
    assert_eq!(
        (listed["holder"].as_str(), listed["kind"].as_str()),
        (Some("Console"), Some("Downgrade"))
    );

    // Not before its day; on it, as the immediate task, by the operator who scheduled it.
    let before = (Utc::now().date_naive()).to_string();
    assert_eq!(run_jobs_on(&t, &before).await, 0);
    assert_eq!(run_jobs_on(&t, &due).await, 1);
    let calls = t.plan_calls(&user).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    assert_eq!(calls[0]["task"], "immediate_downgrade");
    assert_eq!(
        t.sim_customer(&user).await["v2"]["package"],
        "Basic Package"
    );
    let rows = audit_rows(&t.console.pool, &user).await;
    assert!(
        rows.contains(&(
            "result".into(),
            "plan.immediate_downgrade".into(),
            Some("success".into())
        )),
        "{rows:?}"
    );
    let operator: String = sqlx::query_scalar(
        "SELECT operator FROM audit_events WHERE customer = ? AND action = 'plan.immediate_downgrade' AND kind = 'attempt'",
    )
    .bind(&user)
    .fetch_one(&t.console.pool)
    .await
    .unwrap();
    assert_eq!(operator, "manager@example.com");
    assert_eq!(t.plan(&user).await["held"][0]["status"], "Done");
    t.console.stop().await;
}

#[tokio::test]
async fn when_sendgrid_refuses_the_scheduled_task_auto_holds_it_instead() {
    // SendGrid's pending API answers, so the review says SendGrid; the task itself is refused.
    let t = Customers::start(CUSTOMERS).await;
    let user = t.customer_on("Silver Package", &[]).await;
    assert_eq!(t.plan(&user).await["scheduled_by"], "SendGrid");
    t.sim_post(
        "/_sim/faults",
        serde_json::json!({
            "path_prefix": "/apiv2/reseller.account",
            "task": "scheduled_downgrade",
            "status": 400,
            "body": r#"{"message":"error","errors":["Invalid task"]}"#,
            "content_type": "application/json",
        }),
    )
    .await;
    let (status, body) = t
        .call(
            &t.manager,
            "change_plan",
            &downgrade(&user, "k-fallback").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["job_id"].is_i64(), "{body}");
    let summary = body["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("SendGrid answered that scheduled changes do not exist")
            && summary.contains("Invalid task"),
        "{summary}"
    );
    let rows = audit_rows(&t.console.pool, &user).await;
    assert_eq!(
        rows,
        [
            ("attempt".into(), "plan.scheduled_downgrade".into(), None),
            (
                "result".into(),
                "plan.scheduled_downgrade".into(),
                Some("failure".into())
            ),
            (
                "event".into(),
                "schedule.create".into(),
                Some("success".into())
            ),
        ]
    );
    // The page reached again with the form's key (a plain form's redirect) says the same.
    let (status, view) = t
        .call(
            &t.manager,
            "get_plan",
            &[("user", &user), ("key", "k-fallback")],
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["earlier"]["Ok"]["summary"], body["summary"], "{view}");
    // The same form again: the held change, not the refusal.
    let (_, again) = t
        .call(
            &t.manager,
            "change_plan",
            &downgrade(&user, "k-fallback").args(),
        )
        .await;
    assert_eq!(again["job_id"], body["job_id"], "{again}");
    t.console.stop().await;
}

#[tokio::test]
async fn upstream_mode_sends_the_task_and_shows_sendgrids_refusal() {
    let t = start_2017(SchedulingMode::Upstream).await;
    let user = t.customer_on("Silver Package", &[]).await;
    assert_eq!(t.plan(&user).await["scheduled_by"], "SendGrid");
    let (status, body) = t
        .call(&t.manager, "change_plan", &downgrade(&user, "k-up").args())
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("Invalid task"), "{body}");
    assert!(t.plan(&user).await["held"].as_array().unwrap().is_empty());
    t.console.stop().await;
}

#[tokio::test]
async fn console_mode_holds_even_where_sendgrid_schedules() {
    let t = Customers::start_with(
        CUSTOMERS,
        |_| {},
        |args| args.scheduled_plan_changes = SchedulingMode::Console,
    )
    .await;
    let user = t.customer_on("Silver Package", &[]).await;
    assert_eq!(t.plan(&user).await["scheduled_by"], "Console");
    let (status, body) = t
        .call(
            &t.manager,
            "change_plan",
            &downgrade(&user, "k-console").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["job_id"].is_i64(), "{body}");
    assert!(t.plan_calls(&user).await.is_empty());
    assert!(t.sim_customer(&user).await["v2"]["scheduled_change"].is_null());
    t.console.stop().await;
}
