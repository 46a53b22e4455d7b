//! Bulk plan changes (API.md §2.1–2.5) over HTTP against the simulator: each customer checked
//! by the Plan tab's own rules on the review and again before its change is sent, a downgrade
//! or close needing the count typed, one audited change per customer with the Plan tab's
//! parameters; and at the end of the cycle, held by the console where SendGrid no longer
//! schedules (§2.6).

use serde_json::Value;

use crate::customers_support::{audit_rows, Customers};
use app::domain::plan::SchedulingMode;

/// The review step's call for a plan operation on `pasted`.
fn review_args<'a>(
    pasted: &'a str,
    op: &'a str,
    package: &'a str,
    timing: &'a str,
    ip_group: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("form[by]", "paste"),
        ("form[q]", ""),
        ("form[package]", ""),
        ("form[account_state]", ""),
        ("form[count]", ""),
        ("form[pasted]", pasted),
        ("form[op]", op),
        ("form[name]", ""),
        ("form[quantity]", ""),
        ("form[credits]", ""),
        ("form[state]", ""),
        ("form[plan_package]", package),
        ("form[timing]", timing),
        ("form[ip_group]", ip_group),
        ("form[concurrency]", ""),
    ]
}

/// The start form's fields, as the review page posts them.
fn start_args<'a>(
    pasted: &'a str,
    op: &'a str,
    package: &'a str,
    timing: &'a str,
    ip_group: &'a str,
    key: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("by", "paste"),
        ("pasted", pasted),
        ("op", op),
        ("plan_package", package),
        ("timing", timing),
        ("ip_group", ip_group),
        ("concurrency", "2"),
        ("idempotency_key", key),
    ]
}

/// The review's line for `customer`: (effect, after).
fn line_of(review: &Value, customer: &str) -> (String, String) {
    let item = review["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["customer"] == customer)
        .unwrap_or_else(|| panic!("{customer} is reviewed: {review}"));
    (
        item["effect"].as_str().unwrap().to_string(),
        format!("{} → {}", item["before"], item["after"]),
    )
}

/// Waits for the job to end and answers its items: customer → (status, message).
async fn ended_items(t: &Customers, id: i64) -> Vec<(String, String, String)> {
    let started = std::time::Instant::now();
    loop {
        let (status, body) = t
            .call(&t.manager, "get_bulk_job", &[("id", &id.to_string())])
            .await;
        assert_eq!(status, 200, "{body}");
        let state = body["progress"]["status"].as_str().unwrap_or_default();
        if !matches!(state, "Running" | "Cancelling") {
            return body["all_items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| {
                    (
                        i["customer"].as_str().unwrap().to_string(),
                        i["status"].as_str().unwrap().to_string(),
                        i["message"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "never ended: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn status_of<'a>(items: &'a [(String, String, String)], customer: &str) -> (&'a str, &'a str) {
    items
        .iter()
        .find(|(c, _, _)| c == customer)
        .map(|(_, status, message)| (status.as_str(), message.as_str()))
        .unwrap_or_else(|| panic!("{customer} has a line: {items:?}"))
}

#[tokio::test]
async fn a_bulk_downgrade_checks_each_customer_by_the_plan_rules_and_records_each_change() {
    let t = Customers::start(30).await;
    t.sync().await;
    let silver_a = t.customer_on("Silver Package", &[]).await;
    let silver_b = t.customer_on("Silver Package", &[&silver_a]).await;
    let basic = t.customer_on("Basic Package", &[]).await;
    let free = t.customer_on("Free Package", &[]).await;
    let pasted = [&silver_a, &silver_b, &basic, &free]
        .map(String::as_str)
        .join("\n");

    let (status, review) = t
        .call(
            &t.manager,
            "review_bulk",
            &review_args(
                &pasted,
                "plan_downgrade",
                "Basic Package",
                "now",
                "Reseller Group",
            ),
        )
        .await;
    assert_eq!(status, 200, "{review}");
    assert_eq!(review["needs_confirmation"], true, "{review}");
    assert_eq!(review["changes"], 2, "{review}");
    let (effect, line) = line_of(&review, &silver_a);
    assert_eq!(effect, "Change", "{line}");
    assert!(
        line.contains("Silver Package") && line.contains("Basic Package"),
        "{line}"
    );
    assert_eq!(line_of(&review, &basic).0, "NoChange");
    let (effect, line) = line_of(&review, &free);
    assert_eq!(effect, "NotApplicable", "{line}");
    assert!(
        line.contains("Free customers cannot be downgraded"),
        "{line}"
    );
    assert!(
        t.plan_calls(&silver_a).await.is_empty(),
        "the review sends nothing"
    );

    let mut args = start_args(
        &pasted,
        "plan_downgrade",
        "Basic Package",
        "now",
        "Reseller Group",
        "k-plan-1",
    );
    let (status, body) = t.call(&t.manager, "start_bulk", &args).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.to_string().contains("type 4 to confirm"), "{body}");
    args.push(("confirm", "4"));
    let (status, body) = t.call(&t.manager, "start_bulk", &args).await;
    assert_eq!(status, 200, "{body}");
    let items = ended_items(&t, body["Job"].as_i64().unwrap()).await;

    for user in [&silver_a, &silver_b] {
        assert_eq!(status_of(&items, user).0, "Done", "{items:?}");
        assert_eq!(t.sim_customer(user).await["v2"]["package"], "Basic Package");
        let calls = t.plan_calls(user).await;
        assert_eq!(calls.len(), 1, "one change each: {calls:?}");
        assert_eq!(calls[0]["task"], "immediate_downgrade", "{calls:?}");
        let rows = audit_rows(&t.console.pool, user).await;
        assert!(
            rows.iter().any(|(kind, action, outcome)| kind == "result"
                && action == "plan.immediate_downgrade"
                && outcome.as_deref() == Some("success")),
            "{rows:?}"
        );
    }
    // The same parameters a change from the Plan tab records, and the job.
    let params: String = sqlx::query_scalar(
        "SELECT params FROM audit_events WHERE kind = 'attempt' AND customer = ?",
    )
    .bind(&silver_a)
    .fetch_one(&t.console.pool)
    .await
    .unwrap();
    let params: Value = serde_json::from_str(&params).unwrap();
    assert_eq!(params["package"], "Basic Package", "{params}");
    assert_eq!(
        params["ip_group"],
        serde_json::json!(["Reseller Group"]),
        "{params}"
    );
    assert!(params["bulk_job"].is_i64(), "{params}");

    assert_eq!(status_of(&items, &basic).0, "Skipped", "{items:?}");
    let (status, message) = status_of(&items, &free);
    assert_eq!(status, "Skipped", "{items:?}");
    assert!(
        message.contains("Free customers cannot be downgraded"),
        "{message}"
    );
    assert!(t.plan_calls(&free).await.is_empty());
    assert!(t.plan_calls(&basic).await.is_empty());
    t.stop().await;
}

#[tokio::test]
async fn a_bulk_upgrade_to_a_package_with_its_own_ip_is_left_to_each_customers_page() {
    let t = Customers::start(20).await;
    t.sync().await;
    let basic = t.customer_on("Basic Package", &[]).await;
    let (status, review) = t
        .call(
            &t.manager,
            "review_bulk",
            &review_args(&basic, "plan_upgrade", "Silver Package", "now", ""),
        )
        .await;
    assert_eq!(status, 200, "{review}");
    let (effect, line) = line_of(&review, &basic);
    assert_eq!(effect, "NotApplicable", "{line}");
    assert!(line.contains("needs a dedicated IP"), "{line}");
    assert_eq!(
        review["needs_confirmation"], false,
        "an upgrade takes nothing away"
    );

    // The operation's own fields are checked before any customer is read.
    let (status, body) = t
        .call(
            &t.manager,
            "review_bulk",
            &review_args(&basic, "plan_close", "Silver Package", "", ""),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let text = body.to_string();
    assert!(text.contains("A close takes no package"), "{text}");
    assert!(text.contains("Choose when"), "{text}");
    t.stop().await;
}

#[tokio::test]
async fn a_bulk_change_for_the_cycle_end_is_held_by_the_console_where_sendgrid_no_longer_schedules()
{
    let t = Customers::start_with(
        20,
        |sim| sim.api_2017 = true,
        |args| args.scheduled_plan_changes = SchedulingMode::Auto,
    )
    .await;
    t.sync().await;
    let silver = t.customer_on("Silver Package", &[]).await;
    let (status, review) = t
        .call(
            &t.manager,
            "review_bulk",
            &review_args(
                &silver,
                "plan_downgrade",
                "Basic Package",
                "end_of_cycle",
                "Reseller Group",
            ),
        )
        .await;
    assert_eq!(status, 200, "{review}");
    let (effect, line) = line_of(&review, &silver);
    assert_eq!(effect, "Change", "{line}");
    assert!(
        line.contains("held by the console"),
        "the review says who makes it: {line}"
    );

    let mut args = start_args(
        &silver,
        "plan_downgrade",
        "Basic Package",
        "end_of_cycle",
        "Reseller Group",
        "k-plan-held",
    );
    args.push(("confirm", "1"));
    let (status, body) = t.call(&t.manager, "start_bulk", &args).await;
    assert_eq!(status, 200, "{body}");
    let items = ended_items(&t, body["Job"].as_i64().unwrap()).await;
    let (status, message) = status_of(&items, &silver);
    assert_eq!(status, "Done", "{items:?}");
    assert!(message.contains("made by the console"), "{message}");
    assert!(t.plan_calls(&silver).await.is_empty(), "nothing sent yet");
    assert_eq!(
        t.sim_customer(&silver).await["v2"]["package"],
        "Silver Package"
    );

    let (_, waiting) = t.call(&t.support, "list_waiting_changes", &[]).await;
    let listed = waiting["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["customer"] == silver.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("held and listed: {waiting}"));
    assert_eq!(
        (listed["holder"].as_str(), listed["kind"].as_str()),
        (Some("Console"), Some("Downgrade"))
    );
    let rows = audit_rows(&t.console.pool, &silver).await;
    assert!(
        rows.iter()
            .any(|(_, action, _)| action == "schedule.create"),
        "{rows:?}"
    );
    t.stop().await;
}
