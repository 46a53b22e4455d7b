//! A form's idempotency key (DESIGN.md "Reliability", Stripe's rule): bound to the operator
//! and the exact change, required on every change form, and never one of the keys the console
//! mints for its own bulk items.

use crate::limits_support::{Harness, LimitForm};

use serde_json::Value;

fn malformed(body: &Value) -> String {
    body["Malformed"]
        .as_str()
        .unwrap_or_else(|| panic!("expected Malformed, got {body}"))
        .to_string()
}

#[tokio::test]
async fn a_key_is_bound_to_its_operator_and_change_and_must_be_one_the_console_gives_out() {
    let h = Harness::start(20, 3600).await;
    let (user, sub) = h.customer_with_subuser().await;
    let t = &h.t;
    t.sync().await;
    let attempts = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_events WHERE kind = 'attempt'")
            .fetch_one(&t.console.pool)
            .await
            .unwrap()
    };

    // Blank, foreign-shaped and console-namespace keys: 400, nothing sent, nothing filed.
    for (key, says) in [
        ("", "without its key"),
        ("   ", "without its key"),
        ("not a key!", "not one the console gives out"),
        (&"k".repeat(65) as &str, "not one the console gives out"),
        ("bulk-1-1-1", "not one the console gives out"),
    ] {
        let form = LimitForm::new(&user, &sub, "total", "10", key);
        let (status, body) = t.call(&t.manager, "set_credit_limit", &form.args()).await;
        assert_eq!(status, 400, "{key:?}: {body}");
        assert!(malformed(&body).contains(says), "{key:?}: {body}");
    }
    let plan = [
        ("user", user.as_str()),
        ("action", "close"),
        ("timing", "now"),
        ("package", ""),
        ("ip", ""),
        ("ip_group", ""),
        ("confirm", user.as_str()),
        ("idempotency_key", ""),
    ];
    let (status, body) = t.call(&t.manager, "change_plan", &plan).await;
    assert_eq!(status, 400, "{body}");
    assert!(malformed(&body).contains("without its key"), "{body}");
    let start = [
        ("by", "paste"),
        ("pasted", user.as_str()),
        ("op", "limit_total"),
        ("credits", "5000"),
        ("concurrency", "1"),
        ("idempotency_key", "bulk-9-0-1"),
    ];
    let (status, body) = t.call(&t.manager, "start_bulk", &start).await;
    assert_eq!(status, 400, "{body}");
    assert!(malformed(&body).contains("not one the console gives out"));
    assert_eq!(h.limit_changes(&sub).await, 0, "nothing was sent");
    assert!(t.plan_calls(&user).await.is_empty(), "nothing was sent");
    assert_eq!(attempts().await, 0, "nothing was filed");

    // The key is the operator's: another operator sending it is refused, even with the same
    // values, and the first answer stays the first operator's to replay.
    let form = LimitForm::new(&user, &sub, "total", "10", "k-bound");
    let (status, first) = t.call(&t.manager, "set_credit_limit", &form.args()).await;
    assert_eq!(status, 200, "{first}");
    let (status, body) = t.call(&t.admin, "set_credit_limit", &form.args()).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["Conflict"]
            .as_str()
            .unwrap()
            .contains("already used for a different change"),
        "{body}"
    );
    let other = LimitForm::new(&user, &sub, "total", "11", "k-bound");
    let (status, _) = t.call(&t.manager, "set_credit_limit", &other.args()).await;
    assert_eq!(status, 409, "other values");
    let (status, again) = t.call(&t.manager, "set_credit_limit", &form.args()).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(again["attempt_id"], first["attempt_id"]);
    assert_eq!(h.limit_changes(&sub).await, 1, "changed once");
    h.stop().await;
}
