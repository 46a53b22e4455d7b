//! Four-eyes approval over HTTP: the admins' policy holds a manager's change as a request;
//! nothing reaches SendGrid until a different manager or an admin approves it; the requester
//! cannot approve their own; support and auditors read but cannot decide; a declined or
//! expired request never runs; the change made on approval names both people in the log.

use crate::customers_support::Change;
use crate::limits_support::{invalid_fields, Harness, LimitForm};

use app::domain::Role;
use serde_json::Value;

const CUSTOMERS: usize = 20;

async fn set_policy(h: &Harness, fields: &[(&str, &str)]) {
    let t = &h.t;
    let (status, body) = t.call(&t.admin, "set_approval_policy", fields).await;
    assert_eq!(status, 200, "{body}");
}

/// A Silver customer's immediate downgrade to Basic, confirmed.
fn downgrade<'a>(user: &'a str, key: &'a str) -> Change<'a> {
    Change {
        package: "Basic Package",
        ip_group: "Reseller Group",
        confirm: user,
        ..Change::new(user, "downgrade", "now", key)
    }
}

async fn second_manager(h: &Harness) -> reqwest::Client {
    h.t.console
        .add_operator("second@example.com", Role::Manager)
        .await;
    h.t.console.signed_in("second@example.com").await
}

#[tokio::test]
async fn a_held_downgrade_runs_only_when_a_different_person_approves_it() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let t = &h.t;
    let (status, body) = t
        .call(
            &t.support,
            "set_approval_policy",
            &[
                ("downgrade", "on"),
                ("credits_threshold", ""),
                ("expiry_hours", "24"),
            ],
        )
        .await;
    assert_eq!(status, 403, "only admins set the policy: {body}");
    let (status, body) = t
        .call(
            &t.admin,
            "set_approval_policy",
            &[
                ("downgrade", "on"),
                ("credits_threshold", "some"),
                ("expiry_hours", "0"),
            ],
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["CreditsThreshold", "ExpiryHours"]);
    set_policy(
        &h,
        &[
            ("downgrade", "on"),
            ("credits_threshold", ""),
            ("expiry_hours", "24"),
        ],
    )
    .await;
    let user = t.customer_on("Silver Package", &[]).await;

    let (status, held) = t
        .call(
            &t.manager,
            "change_plan",
            &downgrade(&user, "k-held").args(),
        )
        .await;
    assert_eq!(status, 200, "{held}");
    let id = held["approval_id"].as_i64().expect("a request");
    assert!(held["attempt_id"].is_null(), "{held}");
    assert!(
        held["summary"].as_str().unwrap().starts_with(&format!(
            "Waiting for a second person: Downgrade {user} to Basic Package now."
        )),
        "{held}"
    );
    assert!(t.plan_calls(&user).await.is_empty(), "nothing sent");
    // The same form again answers the same request.
    let (_, again) = t
        .call(
            &t.manager,
            "change_plan",
            &downgrade(&user, "k-held").args(),
        )
        .await;
    assert_eq!(
        (again["approval_id"].as_i64(), again["replayed"].as_bool()),
        (Some(id), Some(true))
    );

    let id_text = id.to_string();
    let approve = [("id", id_text.as_str())];
    let (status, body) = t.call(&t.manager, "approve_request", &approve).await;
    assert_eq!(status, 403, "the requester cannot approve: {body}");
    assert!(
        body.to_string().contains("a different manager or an admin"),
        "{body}"
    );
    let (status, _) = t.call(&t.support, "approve_request", &approve).await;
    assert_eq!(status, 403, "support reads only");
    let (status, _) = t.call(&h.auditor, "approve_request", &approve).await;
    assert_eq!(status, 403, "auditors read only");
    assert!(t.plan_calls(&user).await.is_empty(), "still nothing sent");

    // Support sees the request, with the account then and now.
    let (status, listed) = t.call(&t.support, "list_approvals", &[]).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed["requests"][0]["id"], id, "{listed}");
    assert_eq!(listed["requests"][0]["status"], "Pending");
    let (status, detail) = t.call(&t.support, "get_approval", &approve).await;
    assert_eq!(status, 200, "{detail}");
    assert!(
        detail["state"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["then"] == l["now"]),
        "nothing changed since: {detail}"
    );

    let second = second_manager(&h).await;
    let (status, approved) = t.call(&second, "approve_request", &approve).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "Approved");
    assert_eq!(approved["succeeded"], true, "{approved}");
    let attempt = approved["attempt_id"].as_i64().expect("recorded");
    assert_eq!(
        t.sim_customer(&user).await["v2"]["package"],
        "Basic Package"
    );
    assert_eq!(t.plan_calls(&user).await.len(), 1, "sent once");

    // The attempt names the approver as its operator and the requester beside.
    let (operator, params): (String, String) =
        sqlx::query_as("SELECT operator, params FROM audit_events WHERE id = ?")
            .bind(attempt)
            .fetch_one(&t.console.pool)
            .await
            .unwrap();
    let params: Value = serde_json::from_str(&params).unwrap();
    assert_eq!(operator, "second@example.com");
    assert_eq!(params["approval"]["requested_by"], "manager@example.com");
    assert_eq!(params["approval"]["request_id"], id);
    let events: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, operator FROM audit_events WHERE action LIKE 'approval.%' ORDER BY id",
    )
    .fetch_all(&t.console.pool)
    .await
    .unwrap();
    assert_eq!(
        events,
        [
            (
                "approval.policy".to_string(),
                "admin@example.com".to_string()
            ),
            (
                "approval.request".to_string(),
                "manager@example.com".to_string()
            ),
            (
                "approval.approve".to_string(),
                "second@example.com".to_string()
            ),
        ]
    );

    // Approving twice runs nothing more; the requester's form now answers the outcome.
    let (status, _) = t.call(&t.admin, "approve_request", &approve).await;
    assert_eq!(status, 409);
    let (status, answer) = t
        .call(
            &t.manager,
            "change_plan",
            &downgrade(&user, "k-held").args(),
        )
        .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["attempt_id"], attempt);
    assert!(answer["summary"]
        .as_str()
        .unwrap()
        .starts_with("Approved by second@example.com."));
    assert_eq!(t.plan_calls(&user).await.len(), 1, "still sent once");

    // An admin's own downgrade is not held.
    let other = t.customer_on("Silver Package", &[&user]).await;
    let (status, body) = t
        .call(
            &t.admin,
            "change_plan",
            &downgrade(&other, "k-admin").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body["approval_id"].is_null() && body["attempt_id"].is_i64(),
        "{body}"
    );
    h.stop().await;
}

#[tokio::test]
async fn an_expired_request_never_runs_and_a_declined_one_sends_nothing() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let t = &h.t;
    set_policy(
        &h,
        &[
            ("close", "on"),
            ("credits_threshold", "10000"),
            ("expiry_hours", "1"),
        ],
    )
    .await;
    let user = t.customer_on("Silver Package", &[]).await;
    let close = Change {
        confirm: &user,
        ..Change::new(&user, "close", "now", "k-close")
    };
    let (status, held) = t.call(&t.manager, "change_plan", &close.args()).await;
    assert_eq!(status, 200, "{held}");
    let id = held["approval_id"].as_i64().expect("a request");
    // An hour passes.
    sqlx::query(
        "UPDATE approval_requests SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ?",
    )
    .bind(id)
    .execute(&t.console.pool)
    .await
    .unwrap();
    let id_text = id.to_string();
    let (status, body) = t
        .call(&t.admin, "approve_request", &[("id", &id_text)])
        .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("expired"), "{body}");
    assert!(
        t.plan_calls(&user).await.is_empty(),
        "an expired request never runs"
    );
    let (_, answer) = t.call(&t.manager, "change_plan", &close.args()).await;
    assert!(
        answer.to_string().contains("expired without a decision"),
        "{answer}"
    );

    // A credit change under the threshold is made at once; at it, it waits.
    let (customer, sub) = h.customer_with_subuser().await;
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&customer, &sub, "total", "9999", "k-small").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["attempt_id"].is_i64(), "{body}");
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&customer, &sub, "total", "10000", "k-large").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let id = body["approval_id"].as_i64().expect("held at the threshold");
    assert_eq!(h.sim_limit(&customer, &sub).await["credit"], 9999);

    let id_text = id.to_string();
    let (status, body) = t
        .call(
            &t.admin,
            "decline_request",
            &[("id", &id_text), ("reason", "  ")],
        )
        .await;
    assert_eq!(status, 400, "a reason is needed: {body}");
    let (status, body) = t
        .call(
            &t.admin,
            "decline_request",
            &[
                ("id", &id_text),
                ("reason", "Not before the invoice is paid."),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "Declined");
    assert_eq!(
        h.sim_limit(&customer, &sub).await["credit"],
        9999,
        "nothing sent"
    );
    let (status, answer) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&customer, &sub, "total", "10000", "k-large").args(),
        )
        .await;
    assert_eq!(status, 409, "{answer}");
    assert!(
        answer
            .to_string()
            .contains("declined by admin@example.com: Not before the invoice is paid."),
        "{answer}"
    );
    let (status, _) = t
        .call(&t.admin, "approve_request", &[("id", &id_text)])
        .await;
    assert_eq!(status, 409, "a declined request cannot be approved after");
    h.stop().await;
}

#[tokio::test]
async fn a_deactivation_waits_and_the_approver_sees_what_changed_since() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let t = &h.t;
    set_policy(
        &h,
        &[
            ("deactivate", "on"),
            ("credits_threshold", ""),
            ("expiry_hours", "24"),
        ],
    )
    .await;
    let id = h.v3_only().await;
    t.sync().await;
    let args = [
        ("user", id.as_str()),
        ("state", "deactivated"),
        ("timing", "now"),
        ("idempotency_key", "k-off"),
    ];
    let (status, held) = t.call(&t.manager, "change_account_state", &args).await;
    assert_eq!(status, 200, "{held}");
    let request = held["approval_id"].as_i64().expect("a request");
    assert_eq!(h.sim_state(&id).await, "activated", "nothing sent");
    let (_, waiting) = t
        .call(&t.support, "list_approvals", &[("customer", &id)])
        .await;
    assert_eq!(
        waiting["requests"][0]["id"], request,
        "listed for the customer: {waiting}"
    );

    // Someone deactivates the account at SendGrid meanwhile: the request shows it.
    h.t.upstream()
        .update_account_state(&id, sendgrid::WritableState::Deactivated)
        .await
        .unwrap();
    let request_text = request.to_string();
    let (_, detail) = t
        .call(&t.admin, "get_approval", &[("id", &request_text)])
        .await;
    let changed: Vec<&Value> = detail["state"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["then"] != l["now"])
        .collect();
    assert_eq!(changed.len(), 1, "{detail}");
    // Approving checks the rules again: already deactivated, so nothing is sent.
    let (status, approved) = t
        .call(&t.admin, "approve_request", &[("id", &request_text)])
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["succeeded"], false, "{approved}");
    assert!(
        approved["result"]
            .as_str()
            .unwrap()
            .contains("already deactivated"),
        "{approved}"
    );
    // A form the rules refuse is refused at once, next to its field: it never waits.
    let again = [
        ("user", id.as_str()),
        ("state", "deactivated"),
        ("timing", "now"),
        ("idempotency_key", "k-off-again"),
    ];
    let (status, refused) = t.call(&t.manager, "change_account_state", &again).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(invalid_fields(&refused), ["State"]);
    let later = [
        ("user", id.as_str()),
        ("state", "deactivated"),
        ("timing", "end_of_cycle"),
        ("apply_on", "not a day"),
        ("idempotency_key", "k-on-later"),
    ];
    let (status, refused) = t.call(&t.manager, "change_account_state", &later).await;
    assert_eq!(status, 400, "{refused}");
    assert_eq!(invalid_fields(&refused), ["ApplyOn"]);
    let (_, listed) = t
        .call(&t.support, "list_approvals", &[("customer", &id)])
        .await;
    assert_eq!(listed["requests"].as_array().unwrap().len(), 1, "{listed}");
    h.stop().await;
}

#[tokio::test]
async fn a_bulk_change_for_more_customers_than_the_threshold_starts_only_when_approved() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let t = &h.t;
    t.sync().await;
    set_policy(
        &h,
        &[
            ("credits_threshold", ""),
            ("bulk_threshold", "2"),
            ("expiry_hours", "24"),
        ],
    )
    .await;
    let users: Vec<String> = sqlx::query_scalar(
        "SELECT username FROM customers WHERE username IS NOT NULL ORDER BY username LIMIT 3",
    )
    .fetch_all(&t.console.pool)
    .await
    .unwrap();
    let args = |pasted: String, key: &'static str| {
        vec![
            ("by", "paste".to_string()),
            ("pasted", pasted),
            ("op", "limit_total".to_string()),
            ("credits", "100".to_string()),
            ("concurrency", "2".to_string()),
            ("idempotency_key", key.to_string()),
        ]
    };
    let call = |client: &reqwest::Client, args: Vec<(&'static str, String)>| {
        let client = client.clone();
        async move {
            let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.call(&client, "start_bulk", &pairs).await
        }
    };

    // Two customers: at the threshold, it starts.
    let (status, body) = call(&t.manager, args(users[..2].join("\n"), "start-two")).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["Job"].is_i64(), "{body}");

    // Three: held, nothing started or sent.
    let limit_calls = || async {
        t.sim_get("/_sim/calls")
            .await
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| {
                c["path"].as_str().unwrap_or_default().contains("apiv2") && c["method"] != "GET"
            })
            .count()
    };
    let (status, body) = call(&t.manager, args(users.join("\n"), "start-three")).await;
    assert_eq!(status, 200, "{body}");
    let request = body["Held"]["request_id"]
        .as_i64()
        .expect("held for approval");
    let (_, jobs) = t.call(&t.manager, "list_bulk_jobs", &[]).await;
    assert_eq!(
        jobs.as_array().unwrap().len(),
        1,
        "only the two-customer job: {jobs}"
    );
    // The same form again answers the same request.
    let (_, again) = call(&t.manager, args(users.join("\n"), "start-three")).await;
    assert_eq!(again["Held"]["request_id"], request, "{again}");

    // The request shows the customers chosen then and now, and the form.
    let id = request.to_string();
    let (status, detail) = t.call(&t.support, "get_approval", &[("id", &id)]).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["request"]["kind"], "Bulk");
    assert_eq!(detail["request"]["customer"], "");
    let chosen = detail["state"]
        .as_array()
        .unwrap()
        .iter()
        .find(|line| line["field"] == "Customers chosen")
        .cloned()
        .expect("the count of customers");
    assert_eq!(
        (chosen["then"].as_str(), chosen["now"].as_str()),
        (Some("3"), Some("3")),
        "{chosen}"
    );

    // The requester cannot approve it; a second manager does, and it starts as theirs.
    let (status, _) = t.call(&t.manager, "approve_request", &[("id", &id)]).await;
    assert_eq!(status, 403);
    let before = limit_calls().await;
    let second = second_manager(&h).await;
    let (status, approved) = t.call(&second, "approve_request", &[("id", &id)]).await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["succeeded"], true, "{approved}");
    let job = approved["job_id"].as_i64().expect("the job started");
    assert!(approved["result"]
        .as_str()
        .unwrap()
        .contains(&format!("Bulk change #{job}")));
    let started: (String, String) = sqlx::query_as(
        "SELECT operator, params FROM audit_events WHERE action = 'bulk.start' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&t.console.pool)
    .await
    .unwrap();
    assert_eq!(started.0, "second@example.com");
    let params: Value = serde_json::from_str(&started.1).unwrap();
    assert_eq!(params["approval"]["request_id"], request, "{params}");
    assert_eq!(params["approval"]["requested_by"], "manager@example.com");
    assert_eq!(params["customers"], 3);
    for _ in 0..200 {
        if limit_calls().await >= before + 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        limit_calls().await >= before + 3,
        "the job sent its three changes"
    );
    h.stop().await;
}
