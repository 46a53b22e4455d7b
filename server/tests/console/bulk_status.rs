//! A bulk customer's status changes with its audit rows: it is "running" exactly while a
//! change for it may have been sent (its attempt is recorded, its result not yet), so the
//! job's page never shows a customer under way that nothing was sent for.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::bulk::{harness, start, start_args, usernames_where, wait_until_ended};

/// Counts, in one statement and so one snapshot of the file, the job's customers shown
/// running, those among them with no attempt recorded, and those whose result is recorded.
const WATCH: &str = "
    WITH running AS (
        SELECT 'bulk-' || job_id || '-' || position || '-' || try AS key
        FROM bulk_items WHERE job_id = ?1 AND status = 'running'
    ),
    attempts AS (
        SELECT e.id, r.key FROM running r
        JOIN audit_events e ON e.kind = 'attempt' AND e.idempotency_key = r.key
    )
    SELECT
        (SELECT COUNT(*) FROM running),
        (SELECT COUNT(*) FROM running WHERE key NOT IN (SELECT key FROM attempts)),
        (SELECT COUNT(*) FROM attempts a
         WHERE EXISTS (SELECT 1 FROM audit_events r WHERE r.attempt_id = a.id AND r.kind = 'result')),
        (SELECT COUNT(*) FROM bulk_jobs WHERE id = ?1 AND status = 'running')";

#[tokio::test]
async fn a_customer_is_shown_running_exactly_while_its_change_is_recorded_as_sent() {
    let t = harness(60).await;
    let users = usernames_where(&t, 12, |c| !c["v2"]["limit"].is_null()).await;
    // Every call takes 100 ms, the reads before a change included: customers are watched
    // while their state is read, while their change is out, and as it is recorded.
    t.sim_post(
        "/_sim/faults",
        json!({"path_prefix": "/", "latency_ms": 100}),
    )
    .await;
    let pasted = users.join("\n");
    let id = start(
        &t,
        &start_args(&pasted, "limit_increment", "5", "job-status"),
    )
    .await;

    let started = Instant::now();
    let mut most_running = 0;
    loop {
        let (running, unsent, settled, active): (i64, i64, i64, i64) = sqlx::query_as(WATCH)
            .bind(id)
            .fetch_one(&t.console.pool)
            .await
            .expect("the job's customers read");
        assert_eq!(
            unsent, 0,
            "a customer was shown running with no change recorded as sent"
        );
        assert_eq!(
            settled, 0,
            "a customer was still shown running after its result was recorded"
        );
        most_running = most_running.max(running);
        if active == 0 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the job never ended"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        most_running > 0,
        "the job was never seen with a customer running"
    );
    let body = wait_until_ended(&t, id).await;
    assert_eq!(body["progress"]["counts"]["done"], 12, "{body}");
    t.stop().await;
}

/// Cancel starts no more customers: one whose state was still being read when it came has had
/// nothing sent, so it stays not started, as the page showed it, and SendGrid changed nothing.
#[tokio::test]
async fn a_customer_still_being_read_when_the_job_is_cancelled_is_not_changed() {
    let t = harness(60).await;
    let users = usernames_where(&t, 8, |c| !c["v2"]["limit"].is_null()).await;
    let mut credits = Vec::new();
    for user in &users {
        credits.push(t.sim_customer(user).await["v2"]["limit"]["credit_remain"].clone());
    }
    // Every call takes a second: the cancel comes while the first customers are being read.
    t.sim_post(
        "/_sim/faults",
        json!({"path_prefix": "/", "latency_ms": 1000}),
    )
    .await;
    let pasted = users.join("\n");
    let id = start(
        &t,
        &start_args(&pasted, "limit_increment", "5", "job-cancel"),
    )
    .await;
    let (status, body) = t
        .call(&t.manager, "cancel_bulk", &[("id", &id.to_string())])
        .await;
    assert_eq!(status, 200, "{body}");
    let body = wait_until_ended(&t, id).await;
    assert_eq!(body["progress"]["status"], "Cancelled", "{body}");
    let statuses: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT status FROM bulk_items WHERE job_id = ?")
            .bind(id)
            .fetch_all(&t.console.pool)
            .await
            .expect("the job's customers read");
    assert_eq!(statuses, ["pending"], "{body}");
    t.clear_faults().await;
    for (user, before) in users.iter().zip(&credits) {
        let now = &t.sim_customer(user).await["v2"]["limit"]["credit_remain"];
        assert_eq!(now, before, "{user} was changed after the cancel");
    }
    t.stop().await;
}
