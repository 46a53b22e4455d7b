//! Plan changes over HTTP against the simulator: every action x timing, each rule the form
//! enforces, SendGrid's refusals and failures, idempotency, pending changes and roles.

use crate::customers_support;

use customers_support::{audit_rows, fault, Change, Customers};
use serde_json::Value;

const CUSTOMERS: usize = 40;

fn free_ip(plan: &Value) -> String {
    plan["state"]["free_ips"][0]
        .as_str()
        .expect("a free IP")
        .to_string()
}

/// The field names of an `Invalid` answer.
fn invalid_fields(body: &Value) -> Vec<String> {
    body["Invalid"]
        .as_array()
        .unwrap_or_else(|| panic!("expected Invalid, got {body}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn immediate_and_scheduled_upgrades() {
    let t = Customers::start(CUSTOMERS).await;
    let now_user = t.customer_on("Basic Package", &[]).await;
    let ip = free_ip(&t.plan(&now_user).await);
    let change = Change {
        package: "Silver Package",
        ip: &ip,
        ..Change::new(&now_user, "upgrade", "now", "key-up-now")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["replayed"], false);
    assert!(
        body["summary"].as_str().unwrap().contains("Silver Package"),
        "{body}"
    );
    let sim = t.sim_customer(&now_user).await;
    assert_eq!(sim["v2"]["package"], "Silver Package");
    assert!(sim["v2"]["ips"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i == ip.as_str()));
    assert_eq!(
        audit_rows(&t.console.pool, &now_user).await,
        [
            ("attempt".into(), "plan.immediate_upgrade".into(), None),
            (
                "result".into(),
                "plan.immediate_upgrade".into(),
                Some("success".into())
            ),
        ]
    );

    let later_user = t.customer_on("Basic Package", &[&now_user]).await;
    let ip = free_ip(&t.plan(&later_user).await);
    let change = Change {
        package: "Gold Package",
        ip: &ip,
        ..Change::new(&later_user, "upgrade", "end_of_cycle", "key-up-later")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");
    let sim = t.sim_customer(&later_user).await;
    assert_eq!(
        sim["v2"]["package"], "Basic Package",
        "not before the cycle ends"
    );
    assert_eq!(sim["v2"]["scheduled_change"]["package"], "Gold Package");
    let plan = t.plan(&later_user).await;
    assert_eq!(plan["state"]["pending"]["update"], "Gold Package");

    // The end of the cycle applies it.
    t.sim_post("/_sim/clock/advance", serde_json::json!({"days": 31}))
        .await;
    assert_eq!(
        t.sim_customer(&later_user).await["v2"]["package"],
        "Gold Package"
    );
    t.console.stop().await;
}

#[tokio::test]
async fn immediate_and_scheduled_downgrades_need_the_username_typed() {
    let t = Customers::start(CUSTOMERS).await;
    let now_user = t.customer_on("Gold Package", &[]).await;
    let mut change = Change {
        package: "Basic Package",
        ip_group: "Reseller Group",
        ..Change::new(&now_user, "downgrade", "now", "key-down-now")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Confirm"]);
    assert!(t.plan_calls(&now_user).await.is_empty(), "nothing sent");

    change.confirm = &now_user;
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");
    let sim = t.sim_customer(&now_user).await;
    assert_eq!(sim["v2"]["package"], "Basic Package");
    assert_eq!(sim["v2"]["ip_groups"][0], "Reseller Group");

    // A scheduled downgrade names its placement (API.md §8 item 1, "Maybe Yes").
    let later_user = t.customer_on("Silver Package", &[]).await;
    let mut change = Change {
        package: "Basic Package",
        confirm: &later_user,
        ..Change::new(&later_user, "downgrade", "end_of_cycle", "key-down-later")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["IpGroup"]);
    change.ip_group = "Reseller Group";
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");
    let sim = t.sim_customer(&later_user).await;
    assert_eq!(sim["v2"]["package"], "Silver Package");
    assert_eq!(sim["v2"]["scheduled_change"]["package"], "Basic Package");
    t.console.stop().await;
}

#[tokio::test]
async fn immediate_and_scheduled_closes() {
    let t = Customers::start(CUSTOMERS).await;
    let now_user = t.customer_on("Basic Package", &[]).await;
    let change = Change {
        confirm: &now_user,
        ..Change::new(&now_user, "close", "now", "key-close-now")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        t.sim_customer(&now_user).await["v2"]["package"],
        "Free Package"
    );

    let later_user = t.customer_on("Gold Package", &[]).await;
    let change = Change {
        confirm: &later_user,
        ..Change::new(&later_user, "close", "end_of_cycle", "key-close-later")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");
    let sim = t.sim_customer(&later_user).await;
    assert_eq!(sim["v2"]["package"], "Gold Package");
    assert!(!sim["v2"]["scheduled_change"].is_null(), "{sim}");
    let rows = audit_rows(&t.console.pool, &later_user).await;
    assert_eq!(rows[0].1, "plan.scheduled_close");
    t.console.stop().await;
}

#[tokio::test]
async fn a_form_submitted_twice_changes_once_and_answers_the_first_result() {
    let t = Customers::start(CUSTOMERS).await;
    let user = t.customer_on("Basic Package", &[]).await;
    let ip = free_ip(&t.plan(&user).await);
    let change = Change {
        package: "Silver Package",
        ip: &ip,
        ..Change::new(&user, "upgrade", "now", "key-twice")
    };
    let (first, _) = t.call(&t.manager, "change_plan", &change.args()).await;
    let (second, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!((first, second), (200, 200));
    assert_eq!(body["replayed"], true, "{body}");
    assert_eq!(
        t.plan_calls(&user).await.len(),
        1,
        "one upgrade reached SendGrid"
    );

    // The same key with other values is refused, and nothing is sent.
    let other = Change {
        package: "Gold Package",
        ..change
    };
    let (status, body) = t.call(&t.manager, "change_plan", &other.args()).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body["Conflict"]
            .as_str()
            .unwrap()
            .contains("already used for a different change"),
        "{body}"
    );
    assert_eq!(t.plan_calls(&user).await.len(), 1);

    // get_plan with the form's key finds the recorded outcome (the page after a no-JS post).
    let (_, plan) = t
        .call(
            &t.manager,
            "get_plan",
            &[("user", &user), ("key", "key-twice")],
        )
        .await;
    assert!(
        plan["earlier"]["Ok"]["summary"].as_str().is_some(),
        "{plan}"
    );
    t.console.stop().await;
}

#[tokio::test]
async fn rule_violations_are_refused_before_anything_is_sent() {
    let t = Customers::start(CUSTOMERS).await;
    let basic = t.customer_on("Basic Package", &[]).await;
    let free = t.customer_on("Free Package", &[]).await;
    let taken_ip = t
        .sim_customers()
        .await
        .into_iter()
        .find_map(|c| c["v2"]["ips"][0].as_str().map(str::to_string));
    let taken_ip = taken_ip.expect("someone holds an IP");

    let cases: Vec<(Change, &str)> = vec![
        (
            Change {
                package: "Diamond Package",
                ip_group: "Reseller Group",
                ..Change::new(&basic, "upgrade", "now", "k1")
            },
            "Package",
        ),
        (
            Change {
                package: "Silver Package",
                ip: &taken_ip,
                ..Change::new(&basic, "upgrade", "now", "k2")
            },
            "Ip",
        ),
        (
            Change {
                package: "Silver Package",
                ..Change::new(&basic, "upgrade", "now", "k3")
            },
            "Ip",
        ),
        (
            Change {
                package: "Basic Package",
                ..Change::new(&free, "upgrade", "now", "k4")
            },
            "IpGroup",
        ),
        (
            Change {
                package: "Free Package",
                confirm: &free,
                ..Change::new(&free, "downgrade", "now", "k5")
            },
            "Action",
        ),
        (
            Change {
                package: "Basic Package",
                ip_group: "G",
                ..Change::new(&basic, "upgrade", "now", "k6")
            },
            "Package",
        ),
        (Change::new(&basic, "upgrade", "someday", "k7"), "Timing"),
    ];
    for (change, field) in cases {
        let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
        assert_eq!(status, 400, "{field}: {body}");
        assert!(
            invalid_fields(&body).contains(&field.to_string()),
            "{field}: {body}"
        );
    }
    assert!(t.plan_calls(&basic).await.is_empty());
    assert!(t.plan_calls(&free).await.is_empty());
    assert!(
        audit_rows(&t.console.pool, &basic).await.is_empty(),
        "nothing was attempted"
    );

    // An "upgrade" to a cheaper package is not refused on a guess (the documents do not say
    // an upgrade must cost more): SendGrid is asked, and its answer is shown and recorded.
    let cheaper = Change {
        package: "Free Package",
        ip_group: "G",
        ..Change::new(&basic, "upgrade", "now", "k6-cheaper")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &cheaper.args()).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(t.plan_calls(&basic).await.len(), 1, "SendGrid decided");

    let unknown = Change {
        package: "Silver Package",
        ..Change::new("nobody-at-all", "upgrade", "now", "k8")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &unknown.args()).await;
    assert_eq!(status, 404, "{body}");
    assert!(body["NotFound"].is_string(), "{body}");
    t.console.stop().await;
}

#[tokio::test]
async fn sendgrid_refusals_land_next_to_their_field_and_are_recorded() {
    let t = Customers::start(CUSTOMERS).await;
    let user = t.customer_on("Free Package", &[]).await;
    let change = Change {
        package: "Basic Package",
        ip_group: "No Such Group",
        ..Change::new(&user, "upgrade", "now", "key-group")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["Failed"]["field"], "IpGroup", "{body}");
    assert!(body["Failed"]["message"]
        .as_str()
        .unwrap()
        .contains("No Such Group"));
    let rows = audit_rows(&t.console.pool, &user).await;
    assert_eq!(
        rows[1],
        (
            "result".into(),
            "plan.immediate_upgrade".into(),
            Some("failure".into())
        )
    );
    t.console.stop().await;
}

#[tokio::test]
async fn upstream_failures_and_unknown_outcomes() {
    let t = Customers::start(CUSTOMERS).await;
    let user = t.customer_on("Free Package", &[]).await;
    // The first reseller.account call (the overview read before the change) passes; the
    // change itself then gets a 503.
    t.sim_post("/_sim/faults", fault("/apiv2/reseller.account", None, 1))
        .await;
    t.sim_post(
        "/_sim/faults",
        fault("/apiv2/reseller.account", Some(503), 1),
    )
    .await;
    let change = Change {
        package: "Basic Package",
        ip_group: "Reseller Group",
        ..Change::new(&user, "upgrade", "now", "key-503")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["Failed"]["message"].as_str().unwrap().contains("503"),
        "{body}"
    );
    assert_eq!(t.sim_customer(&user).await["v2"]["package"], "Free Package");

    // A gateway error after sending: SendGrid may have applied it.
    t.sim_post("/_sim/faults", fault("/apiv2/reseller.account", None, 1))
        .await;
    t.sim_post(
        "/_sim/faults",
        fault("/apiv2/reseller.account", Some(504), 1),
    )
    .await;
    let change = Change {
        key: "key-504",
        ..change
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 502, "{body}");
    assert!(body["Unknown"]["message"].is_string(), "{body}");
    let outcomes: Vec<Option<String>> = audit_rows(&t.console.pool, &user)
        .await
        .into_iter()
        .filter(|r| r.0 == "result")
        .map(|r| r.2)
        .collect();
    assert_eq!(outcomes, [Some("failure".into()), Some("unknown".into())]);
    t.console.stop().await;
}

#[tokio::test]
async fn pending_changes_are_listed_and_cancelled() {
    let t = Customers::start(CUSTOMERS).await;
    let user = t.customer_on("Silver Package", &[]).await;
    let change = Change {
        package: "Basic Package",
        ip_group: "Reseller Group",
        confirm: &user,
        ..Change::new(&user, "downgrade", "end_of_cycle", "key-schedule")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &change.args()).await;
    assert_eq!(status, 200, "{body}");

    // While it waits, another change is not refused by the console (API.md §2.6 has no such
    // rule): it goes to SendGrid, whose answer is shown and recorded.
    let ip = free_ip(&t.plan(&user).await);
    let second = Change {
        package: "Gold Package",
        ip: &ip,
        ..Change::new(&user, "upgrade", "now", "key-second")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &second.args()).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string()
            .contains("User already has a pending account change"),
        "SendGrid's own words: {body}"
    );
    assert_eq!(t.plan_calls(&user).await.len(), 2, "both were sent");

    let (status, body) = t
        .call(
            &t.manager,
            "cancel_pending_change",
            &[("user", &user), ("idempotency_key", "key-cancel")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(t.sim_customer(&user).await["v2"]["scheduled_change"].is_null());
    assert!(t.plan(&user).await["state"]["pending"].is_null());
    let actions: Vec<String> = audit_rows(&t.console.pool, &user)
        .await
        .into_iter()
        .map(|r| r.1)
        .collect();
    assert!(
        actions.contains(&"pending.delete".to_string()),
        "{actions:?}"
    );

    // The same cancel form again answers its first result; a new one finds nothing to cancel.
    let (status, body) = t
        .call(
            &t.manager,
            "cancel_pending_change",
            &[("user", &user), ("idempotency_key", "key-cancel")],
        )
        .await;
    assert_eq!(
        (status, body["replayed"].clone()),
        (200, Value::Bool(true)),
        "{body}"
    );
    let (status, body) = t
        .call(
            &t.manager,
            "cancel_pending_change",
            &[("user", &user), ("idempotency_key", "key-cancel-2")],
        )
        .await;
    assert_eq!(status, 404, "{body}");
    t.console.stop().await;
}

#[tokio::test]
async fn support_reads_plans_but_cannot_change_them() {
    let t = Customers::start(CUSTOMERS).await;
    let user = t.customer_on("Basic Package", &[]).await;
    let (status, plan) = t.call(&t.support, "get_plan", &[("user", &user)]).await;
    assert_eq!(status, 200, "{plan}");
    assert_eq!(plan["can_change"], false);
    assert_eq!(plan["state"]["package"], "Basic Package");
    assert_eq!(t.plan(&user).await["can_change"], true);

    let change = Change {
        confirm: &user,
        ..Change::new(&user, "close", "now", "key-support")
    };
    let (status, body) = t.call(&t.support, "change_plan", &change.args()).await;
    assert_eq!(status, 403, "{body}");
    assert!(body["Denied"].is_string(), "{body}");
    let (status, _) = t
        .call(
            &t.support,
            "cancel_pending_change",
            &[("user", &user), ("idempotency_key", "k")],
        )
        .await;
    assert_eq!(status, 403);
    assert!(t.plan_calls(&user).await.is_empty());
    t.console.stop().await;
}

#[tokio::test]
async fn v3_only_accounts_have_no_plan() {
    let t = Customers::start(CUSTOMERS).await;
    t.sync().await;
    let account = t
        .sim_customers()
        .await
        .into_iter()
        .find(|c| c["v2"].is_null())
        .and_then(|c| c["v3"]["id"].as_str().map(str::to_string))
        .expect("a v3-only account");
    let (status, body) = t.call(&t.manager, "get_plan", &[("user", &account)]).await;
    assert_eq!(status, 404);
    let message = body["Unsupported"].as_str().unwrap_or_default();
    assert!(message.contains("only in SendGrid's v3 API"), "{body}");
    t.console.stop().await;
}

/// `ip[]` and `ip_group[]` are repeated fields (API.md §2.1): several IPs, or several groups,
/// reach SendGrid and the audit row as posted by the review form (`ip[]=…&ip[]=…`).
#[tokio::test]
async fn several_ips_and_ip_groups_are_sent_and_recorded() {
    let t = Customers::start(CUSTOMERS).await;
    let user = t.customer_on("Basic Package", &[]).await;
    let plan = t.plan(&user).await;
    let free: Vec<String> = plan["state"]["free_ips"]
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|ip| ip.as_str().unwrap().to_string())
        .collect();
    assert_eq!(free.len(), 2, "two free IPs: {plan}");
    let args = [
        ("user", user.as_str()),
        ("action", "upgrade"),
        ("timing", "now"),
        ("package", "Silver Package"),
        ("ip[]", free[0].as_str()),
        ("ip[]", free[1].as_str()),
        ("idempotency_key", "key-two-ips"),
    ];
    let (status, body) = t.call(&t.manager, "change_plan", &args).await;
    assert_eq!(status, 200, "{body}");
    let calls = t.plan_calls(&user).await;
    assert_eq!(calls.len(), 1, "{calls:?}");
    let mut held: Vec<String> = t.sim_customer(&user).await["v2"]["ips"]
        .as_array()
        .unwrap()
        .iter()
        .map(|ip| ip.as_str().unwrap().to_string())
        .collect();
    held.sort();
    let mut sent = free.clone();
    sent.sort();
    assert_eq!(held, sent, "both IPs assigned");
    let params: String = sqlx::query_scalar(
        "SELECT params FROM audit_events WHERE customer = ? AND kind = 'attempt'",
    )
    .bind(&user)
    .fetch_one(&t.console.pool)
    .await
    .unwrap();
    let params: Value = serde_json::from_str(&params).unwrap();
    assert_eq!(params["ip"], serde_json::json!(free), "{params}");

    // A close into two IP groups.
    let args = [
        ("user", user.as_str()),
        ("action", "close"),
        ("timing", "now"),
        ("ip_group[]", "Reseller Group"),
        ("ip_group[]", "Transactional"),
        ("confirm", user.as_str()),
        ("idempotency_key", "key-two-groups"),
    ];
    let (status, body) = t.call(&t.manager, "change_plan", &args).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        t.sim_customer(&user).await["v2"]["ip_groups"],
        serde_json::json!(["Reseller Group", "Transactional"])
    );
    // No documented call lists IP groups (API.md §9 Q5): the groups used are offered next time.
    let other = t.customer_on("Basic Package", &[&user]).await;
    assert_eq!(
        t.plan(&other).await["known_groups"],
        serde_json::json!(["Reseller Group", "Transactional"])
    );
    t.console.stop().await;
}

/// A downgrade may take an IP "from your assigned IPs" as well as a free one (API.md §2.2):
/// the console offers the reseller's own IPs for a downgrade and sends one; whether that IP can
/// be moved is SendGrid's to say (the simulator refuses a taken one, its choice 6).
#[tokio::test]
async fn a_downgrade_may_name_one_of_the_resellers_assigned_ips() {
    let t = Customers::start(CUSTOMERS).await;
    let user = t.customer_on("Gold Package", &[]).await;
    let plan = t.plan(&user).await;
    let free: Vec<&str> = plan["state"]["free_ips"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let assigned = plan["state"]["assigned_ips"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .find(|ip| !free.contains(ip))
        .expect("an assigned IP that is not free")
        .to_string();
    // An upgrade takes free IPs only (§2.1): refused before SendGrid is asked.
    let basic = t.customer_on("Basic Package", &[&user]).await;
    let upgrade = Change {
        package: "Silver Package",
        ip: &assigned,
        ..Change::new(&basic, "upgrade", "now", "k-up-assigned")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &upgrade.args()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Ip"]);
    assert!(t.plan_calls(&basic).await.is_empty());

    let downgrade = Change {
        package: "Silver Package",
        ip: &assigned,
        confirm: &user,
        ..Change::new(&user, "downgrade", "now", "k-down-assigned")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &downgrade.args()).await;
    assert_eq!(t.plan_calls(&user).await.len(), 1, "sent: {body}");
    assert_eq!(status, 422, "{body}");
    assert!(
        body.to_string().contains("is not a free IP"),
        "SendGrid's words: {body}"
    );
    t.console.stop().await;
}
