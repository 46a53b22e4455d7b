//! The home page's "what needs you" over HTTP: outcomes unknown, changes falling due this week
//! (and not later), bulk jobs that ended with failures (for roles that run them), the
//! directory and SendGrid, and the 30-day chart of changes for roles that read the audit log.

use chrono::{Days, Utc};
use serde_json::{json, Value};

use crate::audit_support::attempt;
use crate::customers_support::{fault, Change, Customers};
use app::services::schedule::{self, NewJob};

async fn summary(t: &Customers, who: &reqwest::Client) -> Value {
    let (status, body) = t.call(who, "home_summary", &[]).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn hold(t: &Customers, customer: &str, in_days: u64, key: &str) {
    let due = Utc::now() + Days::new(in_days);
    let job = NewJob {
        due_at: schedule::timestamp(due),
        customer: customer.to_string(),
        action: app::domain::AuditAction::StateUpdate,
        payload: json!({ "account_id": customer, "state": "deactivated" }),
        summary: format!("Deactivate {customer} in {in_days} days."),
        idempotency_key: key.to_string(),
        created_by: "manager@example.com".to_string(),
    };
    schedule::schedule(&t.console.pool, job, None)
        .await
        .unwrap();
}

/// A bulk credit limit of 100 for `users`, started by the manager; its id.
async fn start_limit_job(t: &Customers, users: &[String], key: &str) -> Value {
    let pasted = users.join(",");
    let (status, job) = t
        .call(
            &t.manager,
            "start_bulk",
            &[
                ("by", "paste"),
                ("pasted", &pasted),
                ("op", "limit_total"),
                ("credits", "100"),
                ("idempotency_key", key),
            ],
        )
        .await;
    assert_eq!(status, 200, "{job}");
    job["Job"].clone()
}

#[tokio::test]
async fn the_home_page_says_what_needs_each_role_and_what_is_fine() {
    let t = Customers::start(10).await;
    t.sync().await;
    let users: Vec<String> = t
        .sim_customers()
        .await
        .into_iter()
        .filter(|c| !c["v2"].is_null())
        .filter_map(|c| c["username"].as_str().map(str::to_string))
        .take(2)
        .collect();

    let fine = summary(&t, &t.manager).await;
    assert_eq!(fine["unknown_outcomes"], 0, "{fine}");
    assert_eq!(fine["bulk"], json!([]), "{fine}");
    assert_eq!(fine["sendgrid_ok"], true, "{fine}");
    assert!(
        fine["directory"]["customers"].as_u64().unwrap() > 0,
        "{fine}"
    );
    assert!(fine["directory"]["last_success_at"].is_string(), "{fine}");
    let support = summary(&t, &t.support).await;
    assert!(
        support["bulk"].is_null(),
        "support runs no bulk changes: {support}"
    );

    // A change sent without a recorded answer is counted.
    app::services::audit::append(
        &t.console.pool,
        attempt(&users[0], "limits.total", json!({})),
    )
    .await
    .unwrap();
    assert_eq!(summary(&t, &t.support).await["unknown_outcomes"], 1);

    // A bulk change that went well is not listed; its changes count on the chart below.
    let good = start_limit_job(&t, &users, "k-home-good").await;
    let started = std::time::Instant::now();
    loop {
        let (_, body) = t
            .call(&t.manager, "get_bulk_job", &[("id", &good.to_string())])
            .await;
        if body["progress"]["status"] == "Finished" {
            break;
        }
        assert!(started.elapsed().as_secs() < 60, "never ended: {body}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(summary(&t, &t.manager).await["bulk"], json!([]));

    // A bulk change whose customers failed is listed for managers.
    t.sim_post(
        "/_sim/faults",
        fault("/apiv2/reseller.manage", Some(400), 20),
    )
    .await;
    let job = start_limit_job(&t, &users, "k-home-bulk").await;
    let started = std::time::Instant::now();
    let listed = loop {
        let now = summary(&t, &t.manager).await;
        let jobs = now["bulk"].as_array().cloned().unwrap_or_default();
        if jobs
            .iter()
            .any(|j| j["id"] == job && j["status"] != "Running")
        {
            break jobs;
        }
        assert!(started.elapsed().as_secs() < 60, "never listed: {now}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let listed = listed.iter().find(|j| j["id"] == job).unwrap();
    assert!(listed["counts"]["failed"].as_u64().unwrap() > 0, "{listed}");
    t.clear_faults().await;

    // Due in two days is this week; in ten days is not.
    hold(&t, &users[0], 2, "k-home-soon").await;
    hold(&t, &users[1], 10, "k-home-later").await;
    let (status, due) = t.call(&t.support, "home_due_soon", &[]).await;
    assert_eq!(status, 200, "{due}");
    let customers: Vec<&str> = due["changes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["customer"].as_str())
        .collect();
    assert!(customers.contains(&users[0].as_str()), "{due}");
    assert!(!customers.contains(&users[1].as_str()), "{due}");
    let week = (Utc::now().date_naive() + Days::new(7)).to_string();
    assert_eq!(due["due_by"], week, "{due}");

    // Changes per day for those who read the audit log: the bulk changes made today count.
    let (status, days) = t.call(&t.manager, "home_daily_changes", &[]).await;
    assert_eq!(status, 200, "{days}");
    let days = days.as_array().unwrap();
    assert_eq!(days.len(), 30);
    assert_eq!(days.last().unwrap()["success"], 2, "{days:?}");
    let (status, _) = t.call(&t.support, "home_daily_changes", &[]).await;
    assert_eq!(status, 403);
    t.stop().await;
}

/// The dashboard as support is served it, without the renderer's hydration markers (`<!>`).
async fn dashboard_html(t: &Customers) -> String {
    t.support
        .get(format!("{}/", t.console.url()))
        .send()
        .await
        .expect("the dashboard answers")
        .text()
        .await
        .expect("a body")
        .replace("<!>", "")
}

/// Calls for SendGrid's whole pending list (no customer named) that reached the simulator.
async fn whole_pending_list_reads(t: &Customers) -> usize {
    t.sim_get("/_sim/calls")
        .await
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|c| {
            c["path"].as_str() == Some("/apiv2/reseller.pending.json") && c["user"].is_null()
        })
        .count()
}

/// "Due this week" asks SendGrid's whole pending list once for many views of the dashboard,
/// says when it was read, and asks again after the console sends a change.
#[tokio::test]
async fn the_due_box_reads_sendgrids_list_once_for_many_views_and_again_after_a_change() {
    let t = Customers::start(40).await;
    let mut read_at = Vec::new();
    for who in [&t.support, &t.manager, &t.support] {
        let (status, due) = t.call(who, "home_due_soon", &[]).await;
        assert_eq!(status, 200, "{due}");
        read_at.push(
            due["sendgrid_read_at"]
                .as_str()
                .expect("read at")
                .to_string(),
        );
    }
    assert_eq!(whole_pending_list_reads(&t).await, 1);
    assert!(read_at.iter().all(|at| at == &read_at[0]), "{read_at:?}");

    let user = t.customer_on("Silver Package", &[]).await;
    let change = Change {
        package: "Basic Package",
        ip_group: "Reseller Group",
        confirm: &user,
        ..Change::new(&user, "downgrade", "end_of_cycle", "key-due-box")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");

    let (status, due) = t.call(&t.support, "home_due_soon", &[]).await;
    assert_eq!(status, 200, "{due}");
    assert_eq!(whole_pending_list_reads(&t).await, 2);
    assert_ne!(
        due["sendgrid_read_at"].as_str(),
        Some(read_at[0].as_str()),
        "{due}"
    );
    t.stop().await;
}

/// The box says when SendGrid's list was read in the words the rest of the console uses for
/// a time, also before the page's code has arrived to show it in the viewer's zone.
#[tokio::test]
async fn the_due_box_says_when_sendgrids_list_was_read_as_a_utc_time() {
    let t = Customers::start(10).await;
    let page = dashboard_html(&t).await;
    let (_, after) = page
        .split_once("SendGrid's list as read at ")
        .unwrap_or_else(|| panic!("no read time: {page}"));
    let shown = after
        .split_once('>')
        .and_then(|(_, rest)| rest.split_once("</time>"))
        .map(|(shown, _)| shown)
        .unwrap_or_default();
    assert!(
        shown.ends_with(" UTC") && shown.len() == "2026-12-07 19:36:34 UTC".len(),
        "the read time shows as {shown:?}"
    );
    t.stop().await;
}

/// When SendGrid's pending list cannot be read, the box does not say that nothing falls due:
/// only the console's own changes were counted.
#[tokio::test]
async fn the_due_box_does_not_say_nothing_is_due_when_sendgrids_list_was_not_read() {
    let t = Customers::start(10).await;
    t.sim_post(
        "/_sim/faults",
        fault("/apiv2/reseller.pending", Some(400), 5),
    )
    .await;
    let page = dashboard_html(&t).await;
    assert!(
        page.contains("SendGrid's scheduled plan changes could not be read"),
        "{page}"
    );
    assert!(page.contains("SendGrid's could not be checked"), "{page}");
    assert!(!page.contains("Nothing falls due"), "{page}");
    t.stop().await;
}
