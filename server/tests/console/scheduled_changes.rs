//! Offerings and state changes held by the console for the end of the billing cycle (the v3
//! API cannot schedule): stored as jobs, listed, run through the audit log when due (by a
//! worker whose clock the test sets, and by the console's own worker), and cancelled.

use crate::limits_support;

use std::sync::Arc;
use std::time::Duration;

use app::services::schedule::Worker;
use limits_support::{audit_params, days_after, invalid_fields, Harness};
use sendgrid::Offering;
use sqlx::types::chrono::{DateTime, NaiveDate, Utc};

const CUSTOMERS: usize = 30;
const PRO: &str = "org.ei.pro100k.v1";
const FREE: &str = "org.ei.free.v1";
const MC: &str = "org.mc.basic.v1";

/// A worker on the test's console whose clock reads `at`.
fn worker_at(h: &Harness, at: DateTime<Utc>) -> Worker {
    Worker::new(
        h.t.console.pool.clone(),
        h.t.upstream(),
        Duration::from_secs(30),
    )
    .with_clock(Arc::new(move || at))
}

fn midnight(day: &str, minutes: u32) -> DateTime<Utc> {
    NaiveDate::parse_from_str(day, "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, minutes, 0)
        .unwrap()
        .and_utc()
}

/// A linked customer on the free package with one add-on, in the synced directory: its
/// username, account id, the offerings PUTs SendGrid has had for it, and its cycle's last day.
async fn free_customer(h: &Harness) -> (String, String, usize, String) {
    let (user, id) = h.linked_customer(&[]).await;
    h.t.sync().await;
    h.set_offerings(&id, &[Offering::package(FREE), Offering::addon(MC, 1)])
        .await;
    let puts = h.puts(&id, "offerings").await;
    let cycle_end = h.t.sim_customer(&user).await["v2"]["billing_end_date"]
        .as_str()
        .unwrap()
        .to_string();
    (user, id, puts, cycle_end)
}

#[tokio::test]
async fn an_offerings_change_for_the_end_of_the_cycle_runs_when_due() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, id, puts_before, cycle_end) = free_customer(&h).await;
    let t = &h.t;
    let due_day = days_after(&cycle_end, 1);

    let set = format!("package:{PRO}:1,addon:{MC}:1");
    let form = [
        ("user", user.as_str()),
        ("offerings", set.as_str()),
        ("timing", "end_of_cycle"),
        // The free package goes: the account's name confirms it.
        ("confirm", user.as_str()),
        ("idempotency_key", "k-later"),
    ];
    let (status, body) = t.call(&t.manager, "update_offerings", &form).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["attempt_id"].is_null());
    let job_id = body["job_id"].as_i64().expect("a job");
    assert!(
        body["summary"]
            .as_str()
            .unwrap()
            .starts_with(&format!("Scheduled for {due_day}")),
        "{body}"
    );
    let (status, again) = t.call(&t.manager, "update_offerings", &form).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["job_id"].as_i64(), again["replayed"].as_bool()),
        (Some(job_id), Some(true))
    );
    assert_eq!(
        h.puts(&id, "offerings").await,
        puts_before,
        "nothing sent yet"
    );

    let (_, view) = t
        .call(&t.support, "get_offerings", &[("user", &user)])
        .await;
    let jobs = view["jobs"].as_array().unwrap();
    assert_eq!(jobs.len(), 1, "{view}");
    assert_eq!(jobs[0]["status"], "Pending");
    assert_eq!(jobs[0]["due_at"], format!("{due_day}T00:00:00Z"));
    assert_eq!(jobs[0]["created_by"], "manager@example.com");

    assert_eq!(
        worker_at(&h, midnight(&cycle_end, 0)).run_due().await,
        0,
        "not due yet"
    );
    assert_eq!(worker_at(&h, midnight(&due_day, 1)).run_due().await, 1);
    h.wait_for_job(job_id, "done").await;
    let offerings = h.sim_offerings(&id).await;
    assert!(
        offerings.contains(&("package".into(), PRO.into(), 1)),
        "{offerings:?}"
    );
    assert!(
        offerings.contains(&("addon".into(), MC.into(), 1)),
        "{offerings:?}"
    );

    // Scheduling is an event; the run is an attempt and a result as the scheduling operator,
    // under the form's key.
    let rows = audit_params(&t.console.pool, &user).await;
    let kinds: Vec<(&str, &str)> = rows
        .iter()
        .map(|(k, a, _)| (k.as_str(), a.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("event", "schedule.create"),
            ("attempt", "offerings.update"),
            ("result", "offerings.update"),
        ]
    );
    let (operator, key): (String, String) = sqlx::query_as(
        "SELECT operator, idempotency_key FROM audit_events WHERE kind = 'attempt' AND customer = ?",
    )
    .bind(&user)
    .fetch_one(&t.console.pool)
    .await
    .unwrap();
    assert_eq!(
        (operator.as_str(), key.as_str()),
        ("manager@example.com", "k-later")
    );
    assert_eq!(rows[1].2["scheduled_for"], due_day.as_str());
    h.stop().await;
}

#[tokio::test]
async fn a_state_change_held_for_a_chosen_day_runs_by_itself() {
    let h = Harness::start(CUSTOMERS, 1).await;
    let id = h.v3_only().await;
    let t = &h.t;
    t.sync().await;
    let today = h.sim_today().await;
    let yesterday = days_after(&today, -1);
    let call = |apply_on: String, key: &'static str| {
        let args = [
            ("user", id.clone()),
            ("state", "deactivated".to_string()),
            ("timing", "end_of_cycle".to_string()),
            ("apply_on", apply_on),
            ("idempotency_key", key.to_string()),
        ];
        async move {
            let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.call(&t.manager, "change_account_state", &pairs).await
        }
    };
    // No v2 billing cycle: the operator names the day, which may not be past.
    let (status, body) = call(String::new(), "k-none").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["ApplyOn"]);
    let (status, body) = call(yesterday, "k-past").await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["ApplyOn"]);

    let (status, body) = call(today.clone(), "k-today").await;
    assert_eq!(status, 200, "{body}");
    let job_id = body["job_id"].as_i64().expect("a job");
    let (_, result) = h.wait_for_job(job_id, "done").await;
    assert_eq!(result.as_deref(), Some("SendGrid accepted the change."));
    assert_eq!(h.sim_state(&id).await, "deactivated");
    let (_, view) = t.call(&t.support, "get_offerings", &[("user", &id)]).await;
    assert_eq!(view["jobs"][0]["status"], "Done", "{view}");
    assert!(view["jobs"][0]["attempt_id"].is_i64());
    h.stop().await;
}

#[tokio::test]
async fn cancelling_a_scheduled_change_stops_it() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, id) = h.linked_customer(&[]).await;
    let t = &h.t;
    t.sync().await;
    let form = [
        ("user", user.as_str()),
        ("state", "deactivated"),
        ("timing", "end_of_cycle"),
        ("idempotency_key", "k-cancel-me"),
    ];
    let (status, body) = t.call(&t.manager, "change_account_state", &form).await;
    assert_eq!(status, 200, "{body}");
    let job_id = body["job_id"].as_i64().unwrap().to_string();

    let cancel = [("user", user.as_str()), ("job_id", job_id.as_str())];
    let (status, body) = t.call(&t.admin, "cancel_scheduled_change", &cancel).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["summary"]
        .as_str()
        .unwrap()
        .starts_with("Cancelled the scheduled change"));
    let (status, again) = t.call(&t.admin, "cancel_scheduled_change", &cancel).await;
    assert_eq!((status, again["replayed"].as_bool()), (200, Some(true)));
    let (status, _) = t
        .call(
            &t.admin,
            "cancel_scheduled_change",
            &[("user", user.as_str()), ("job_id", "999")],
        )
        .await;
    assert_eq!(status, 404);

    let far = midnight(&days_after(&h.sim_today().await, 400), 0);
    assert_eq!(worker_at(&h, far).run_due().await, 0);
    assert_eq!(h.sim_state(&id).await, "activated");
    assert_eq!(h.puts(&id, "state").await, 0);

    let (_, view) = t
        .call(&t.support, "get_offerings", &[("user", &user)])
        .await;
    assert_eq!(view["jobs"][0]["status"], "Cancelled", "{view}");
    let rows = audit_params(&t.console.pool, &user).await;
    let events: Vec<&str> = rows.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(events, ["schedule.create", "schedule.cancel"]);
    let (operator,): (String,) = sqlx::query_as(
        "SELECT operator FROM audit_events WHERE action = 'schedule.cancel' AND customer = ?",
    )
    .bind(&user)
    .fetch_one(&t.console.pool)
    .await
    .unwrap();
    assert_eq!(operator, "admin@example.com");
    h.stop().await;
}

#[tokio::test]
async fn a_change_held_for_later_does_not_run_once_its_operator_is_disabled() {
    use app::services::operators;

    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, id, puts_before, cycle_end) = free_customer(&h).await;
    let t = &h.t;
    let set = format!("package:{PRO}:1,addon:{MC}:1");
    let (status, body) = t
        .call(
            &t.manager,
            "update_offerings",
            &[
                ("user", user.as_str()),
                ("offerings", set.as_str()),
                ("timing", "end_of_cycle"),
                ("confirm", user.as_str()),
                ("idempotency_key", "k-disabled-later"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let job_id = body["job_id"].as_i64().expect("a job");

    operators::disable(
        &t.console.pool,
        &app::services::auth::Admin::local("test"),
        "manager@example.com",
        crate::support::by_test("operator.disable"),
    )
    .await
    .unwrap();
    let due = midnight(&days_after(&cycle_end, 1), 1);
    assert_eq!(worker_at(&h, due).run_due().await, 1);
    let (_, result) = h.wait_for_job(job_id, "failed").await;
    assert_eq!(
        result.as_deref(),
        Some("Not run: manager@example.com has been disabled. Nothing was sent.")
    );
    assert_eq!(h.puts(&id, "offerings").await, puts_before, "nothing sent");
    let refused: (String, Option<String>, String) = sqlx::query_as(
        "SELECT outcome, customer, params FROM audit_events
         WHERE action = 'offerings.update' AND outcome = 'refused' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&t.console.pool)
    .await
    .expect("the refusal is recorded");
    let job_customer: String =
        sqlx::query_scalar("SELECT customer FROM scheduled_jobs WHERE id = ?")
            .bind(job_id)
            .fetch_one(&t.console.pool)
            .await
            .unwrap();
    assert_eq!(
        refused.1,
        Some(job_customer),
        "filed under the job's customer"
    );
    assert!(refused.2.contains("has been disabled"), "{}", refused.2);
    h.stop().await;
}

/// `/scheduled`'s list: SendGrid's scheduled plan changes and the console's held ones, across
/// customers, filtered by kind and due day; every role reads it, only managers and admins get
/// cancel forms; a filter that is not one is a 400.
#[tokio::test]
async fn every_waiting_change_is_listed_across_customers() {
    let h = Harness::start(CUSTOMERS, 3600).await;
    let t = &h.t;
    let id = h.v3_only().await;
    let user = t.customer_on("Silver Package", &[]).await;
    t.sync().await;
    let downgrade = [
        ("user", user.as_str()),
        ("action", "downgrade"),
        ("timing", "end_of_cycle"),
        ("package", "Basic Package"),
        ("ip_group[]", "Reseller Group"),
        ("confirm", user.as_str()),
        ("idempotency_key", "k-list-down"),
    ];
    let (status, body) = t.call(&t.manager, "change_plan", &downgrade).await;
    assert_eq!(status, 200, "{body}");
    let due = days_after(&h.sim_today().await, 3);
    let state = [
        ("user", id.as_str()),
        ("state", "deactivated"),
        ("timing", "end_of_cycle"),
        ("apply_on", due.as_str()),
        ("idempotency_key", "k-list-state"),
    ];
    let (status, body) = t.call(&t.manager, "change_account_state", &state).await;
    assert_eq!(status, 200, "{body}");

    let list = |client: &'static str, kind: &'static str, due_by: String| {
        let client = if client == "support" {
            &t.support
        } else {
            &t.manager
        };
        async move {
            t.call(
                client,
                "list_waiting_changes",
                &[("kind", kind), ("due_by", due_by.as_str())],
            )
            .await
        }
    };
    let (status, view) = list("support", "", String::new()).await;
    assert_eq!(status, 200, "{view}");
    let changes = view["changes"].as_array().unwrap();
    let ours: Vec<&serde_json::Value> = changes
        .iter()
        .filter(|c| c["customer"] == user.as_str() || c["customer"] == id.as_str())
        .collect();
    assert_eq!(ours.len(), 2, "{view}");
    let held = ours.iter().find(|c| c["holder"] == "Console").unwrap();
    assert_eq!(
        (held["customer"].as_str(), held["kind"].as_str()),
        (Some(id.as_str()), Some("State"))
    );
    assert_eq!(held["due"], due.as_str());
    assert!(held["job_id"].is_i64());
    let sendgrids = ours.iter().find(|c| c["holder"] == "SendGrid").unwrap();
    assert_eq!(sendgrids["kind"], "Downgrade");
    assert!(
        sendgrids["summary"]
            .as_str()
            .unwrap()
            .contains("Basic Package"),
        "{sendgrids}"
    );
    assert_eq!(view["can_cancel"], false, "support reads, changes nothing");
    let (_, view) = list("manager", "", String::new()).await;
    assert_eq!(view["can_cancel"], true);
    assert_eq!(
        view["cancel_keys"].as_array().unwrap().len(),
        view["changes"].as_array().unwrap().len()
    );

    // Filters: by kind (the console's kinds ask SendGrid nothing), by the last due day.
    let pending_calls = || async {
        h.calls()
            .await
            .iter()
            .filter(|c| {
                c["path"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("reseller.pending")
            })
            .count()
    };
    let before = pending_calls().await;
    let (status, view) = list("manager", "state", String::new()).await;
    assert_eq!(status, 200, "{view}");
    assert!(view["changes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["kind"] == "State"));
    assert_eq!(pending_calls().await, before, "SendGrid not asked");
    let (_, view) = list("manager", "", "2000-01-01".to_string()).await;
    assert_eq!(view["changes"], serde_json::json!([]));
    for (kind, due_by) in [("banana", ""), ("", "31/12/2026")] {
        let (status, body) = list("manager", kind, due_by.to_string()).await;
        assert_eq!(status, 400, "{kind} {due_by}: {body}");
    }
    h.stop().await;
}

/// A held offerings change is made as the difference that was reviewed (API.md §5.7: the PUT
/// replaces the whole set), applied to what the account holds when it is due: what the account
/// gained meanwhile stays, and the audit row keeps the reviewed set and the one sent.
#[tokio::test]
async fn a_held_offerings_change_keeps_what_the_account_gained_meanwhile() {
    const IP: &str = "org.ip.dedicated.v1";
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, id, _, cycle_end) = free_customer(&h).await;
    let t = &h.t;
    let due_day = days_after(&cycle_end, 1);
    // Reviewed against FREE + MC: the package goes to PRO, MC stays.
    let set = format!("package:{PRO}:1,addon:{MC}:1");
    let form = [
        ("user", user.as_str()),
        ("offerings", set.as_str()),
        ("timing", "end_of_cycle"),
        ("confirm", user.as_str()),
        ("idempotency_key", "k-delta"),
    ];
    let (status, body) = t.call(&t.manager, "update_offerings", &form).await;
    assert_eq!(status, 200, "{body}");
    let job_id = body["job_id"].as_i64().expect("a job");
    // Before it is due, two dedicated IPs are added in SendGrid's own console.
    h.set_offerings(
        &id,
        &[
            Offering::package(FREE),
            Offering::addon(MC, 1),
            Offering::addon(IP, 2),
        ],
    )
    .await;
    assert_eq!(worker_at(&h, midnight(&due_day, 1)).run_due().await, 1);
    h.wait_for_job(job_id, "done").await;
    let mut offerings = h.sim_offerings(&id).await;
    offerings.sort();
    assert_eq!(
        offerings,
        [
            ("addon".to_string(), IP.to_string(), 2),
            ("addon".to_string(), MC.to_string(), 1),
            ("package".to_string(), PRO.to_string(), 1),
        ],
        "the IPs added meanwhile are kept"
    );
    let rows = audit_params(&t.console.pool, &user).await;
    let attempt = &rows.iter().find(|(k, _, _)| k == "attempt").unwrap().2;
    assert_eq!(
        attempt["reviewed"],
        format!("package:{FREE}:1,addon:{MC}:1")
    );
    assert_eq!(
        attempt["sent"],
        format!("package:{PRO}:1,addon:{IP}:2,addon:{MC}:1")
    );
    h.stop().await;
}
