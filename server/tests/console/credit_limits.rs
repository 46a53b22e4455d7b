//! Credit limits over HTTP against the simulator (API.md §3): each task on a customer's
//! subuser, each validation failure (refused before anything is sent), SendGrid's refusals
//! mapped to fields, a recurring reset after the simulator's clock moves, idempotency and
//! subusers typed in by hand.

use crate::limits_support;

use limits_support::{audit_params, days_after, invalid_fields, Harness, LimitForm};

const CUSTOMERS: usize = 30;

#[tokio::test]
async fn each_task_changes_the_subusers_limit_and_is_audited() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, sub) = h.customer_with_subuser().await;
    let today = h.sim_today().await;
    let t = &h.t;

    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "total", "5000", "k-total").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["summary"], format!("Set {sub}'s credits to 5,000."));
    let limit = h.sim_limit(&user, &sub).await;
    assert_eq!(
        (limit["credit"].as_i64(), limit["credit_remain"].as_i64()),
        (Some(5000), Some(5000))
    );

    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "increment", "100", "k-inc").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(h.sim_limit(&user, &sub).await["credit_remain"], 5100);

    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "decrement", "600", "k-dec").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(h.sim_limit(&user, &sub).await["credit_remain"], 4500);

    let end = days_after(&today, 60);
    let recurring = LimitForm {
        period: "weekly",
        start_date: &today,
        end_date: &end,
        initial_credits: "100",
        ..LimitForm::new(&user, &sub, "recurring", "500", "k-rec")
    };
    let (status, body) = t
        .call(&t.manager, "set_credit_limit", &recurring.args())
        .await;
    assert_eq!(status, 200, "{body}");
    let limit = h.sim_limit(&user, &sub).await;
    assert_eq!(limit["credit_remain"], 100);
    assert_eq!(limit["recurring"]["credits"], 500);
    assert_eq!(limit["recurring"]["period"], "weekly");
    assert_eq!(limit["recurring"]["enddate"], end.as_str());

    // The tab describes the rule the console set, which `retrieve` does not report.
    let (status, view) = t
        .call(
            &t.support,
            "get_limits",
            &[("user", &user), ("target", &sub)],
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["limit"]["remaining"], 100);
    assert_eq!(view["rule"]["rule"]["period"], "Weekly");
    assert_eq!(view["rule"]["set_by"], "manager@example.com");
    assert!(view["targets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n == sub.as_str()));

    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "none", "", "k-none").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(h.sim_limit(&user, &sub).await.is_null());
    let (_, view) = t
        .call(
            &t.support,
            "get_limits",
            &[("user", &user), ("target", &sub)],
        )
        .await;
    assert_eq!(view["limit_known"], true, "{view}");
    assert!(view["limit"].is_null(), "{view}");
    assert!(
        view["rule"].is_null(),
        "the rule is forgotten with the limit: {view}"
    );

    // Every change is an attempt and a result under the customer, naming the subuser.
    let rows = audit_params(&t.console.pool, &user).await;
    let actions: Vec<(String, String)> = rows
        .iter()
        .map(|(k, a, _)| (k.clone(), a.clone()))
        .collect();
    let expected: Vec<(String, String)> = ["total", "increment", "decrement", "recurring", "none"]
        .iter()
        .flat_map(|task| {
            [
                ("attempt".to_string(), format!("limits.{task}")),
                ("result".to_string(), format!("limits.{task}")),
            ]
        })
        .collect();
    assert_eq!(actions, expected);
    assert_eq!(rows[0].2["user"], sub.as_str());
    assert_eq!(rows[0].2["credits"], "5000");
    h.stop().await;
}

#[tokio::test]
async fn the_customers_own_limit_and_a_recurring_reset_after_the_clock_moves() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, _) = h.customer_with_subuser().await;
    let today = h.sim_today().await;
    let t = &h.t;
    let daily = LimitForm {
        period: "daily",
        start_date: &today,
        initial_credits: "100",
        ..LimitForm::new(&user, "", "recurring", "500", "k-daily")
    };
    let (status, body) = t.call(&t.manager, "set_credit_limit", &daily.args()).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, "", "decrement", "40", "k-use").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(h.sim_limit(&user, &user).await["credit_remain"], 60);

    let advanced = h.advance_days(1).await;
    assert!(
        advanced["limits_reset"].as_u64().unwrap_or(0) >= 1,
        "{advanced}"
    );
    let limit = h.sim_limit(&user, &user).await;
    assert_eq!(limit["credit_remain"], 500);
    let tomorrow = days_after(&today, 1);
    assert_eq!(limit["last_reset"], tomorrow.as_str());

    // The tab reads the reset back from SendGrid.
    let (status, view) = t.call(&t.support, "get_limits", &[("user", &user)]).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["target"], user.as_str());
    assert_eq!(view["limit"]["remaining"], 500);
    assert_eq!(view["limit"]["last_reset"], tomorrow.as_str());
    h.stop().await;
}

#[tokio::test]
async fn invalid_forms_are_refused_next_to_their_field_before_anything_is_sent() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, sub) = h.customer_with_subuser().await;
    let today = h.sim_today().await;
    let yesterday = days_after(&today, -1);
    let later = days_after(&today, 10);
    let earlier = days_after(&today, 5);
    let t = &h.t;
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "total", "100", "k-setup").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let sent_before = h.limit_changes(&sub).await;

    let recurring = |credits, period, start, end, initial, key| LimitForm {
        period,
        start_date: start,
        end_date: end,
        initial_credits: initial,
        ..LimitForm::new(&user, &sub, "recurring", credits, key)
    };
    let cases: Vec<(LimitForm, Vec<&str>)> = vec![
        (
            LimitForm::new(&user, &sub, "total", "0", "k1"),
            vec!["Credits"],
        ),
        (
            LimitForm::new(&user, &sub, "increment", "12.5", "k2"),
            vec!["Credits"],
        ),
        (
            LimitForm::new(&user, &sub, "total", "", "k3"),
            vec!["Credits"],
        ),
        (
            LimitForm::new(&user, &sub, "yearly", "5", "k5"),
            vec!["Task"],
        ),
        (recurring("500", "", "", "", "", "k6"), vec!["Period"]),
        (
            recurring("500", "daily", "2026-02-30", "", "", "k7"),
            vec!["StartDate"],
        ),
        (
            recurring("500", "daily", &yesterday, "", "", "k8"),
            vec!["StartDate"],
        ),
        (
            recurring("500", "weekly", &later, &earlier, "", "k9"),
            vec!["EndDate"],
        ),
        (
            recurring("500", "monthly", "", "", "-3", "k10"),
            vec!["InitialCredits"],
        ),
    ];
    for (form, fields) in cases {
        let (status, body) = t.call(&t.manager, "set_credit_limit", &form.args()).await;
        assert_eq!(status, 400, "{} {}: {body}", form.task, form.credits);
        assert_eq!(invalid_fields(&body), fields, "{body}");
    }
    assert_eq!(h.limit_changes(&sub).await, sent_before, "nothing was sent");
    assert_eq!(h.sim_limit(&user, &sub).await["credit_remain"], 100);
    h.stop().await;
}

#[tokio::test]
async fn sendgrid_refusals_land_on_their_field() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, sub) = h.customer_with_subuser().await;
    let t = &h.t;
    let (status, _) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "none", "", "k-clear").args(),
        )
        .await;
    assert_eq!(status, 200);
    // No limit: the balance is unknown, so the console lets SendGrid decide (API.md §9 Q3).
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "increment", "5", "k-inc").args(),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["Failed"]["field"], "Credits", "{body}");
    assert!(
        body["Failed"]["message"]
            .as_str()
            .unwrap()
            .contains("no credit limit"),
        "{body}"
    );
    let rows = audit_params(&t.console.pool, &user).await;
    let last = rows.last().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1.as_str()),
        ("result", "limits.increment")
    );
    h.stop().await;
}

#[tokio::test]
async fn a_repeated_form_changes_once_and_answers_the_first_result() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, sub) = h.customer_with_subuser().await;
    let t = &h.t;
    let (status, _) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "total", "50", "k-base").args(),
        )
        .await;
    assert_eq!(status, 200);
    let take = LimitForm::new(&user, &sub, "decrement", "30", "k-twice");
    let (status, first) = t.call(&t.manager, "set_credit_limit", &take.args()).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["replayed"], false);
    // The second time the form no longer passes (30 > 20 left): answered from the log.
    let (status, again) = t.call(&t.manager, "set_credit_limit", &take.args()).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(again["attempt_id"], first["attempt_id"]);
    assert_eq!(h.sim_limit(&user, &sub).await["credit_remain"], 20);
    // The page reached with that key shows the recorded outcome.
    let (_, view) = t
        .call(
            &t.manager,
            "get_limits",
            &[("user", &user), ("target", &sub), ("key", "k-twice")],
        )
        .await;
    assert_eq!(
        view["earlier"]["Ok"]["summary"],
        format!("Took 30 credits away from {sub}.")
    );
    // The same key with other values is refused.
    let other = LimitForm::new(&user, &sub, "decrement", "5", "k-twice");
    let (status, body) = t.call(&t.manager, "set_credit_limit", &other.args()).await;
    assert_eq!(status, 409, "{body}");
    h.stop().await;
}

#[tokio::test]
async fn typed_subusers_are_checked_first_and_remembered() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, sub) = h.customer_with_subuser().await;
    let t = &h.t;
    let (status, view) = t
        .call(
            &t.support,
            "get_limits",
            &[("user", &user), ("target", "nobody-here-sub9")],
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["target_error"], "User not found");
    assert_eq!(view["limit_known"], false);
    assert_eq!(
        view["targets"],
        serde_json::json!([user]),
        "unknown names are not remembered"
    );

    let form = LimitForm::new(&user, "nobody-here-sub9", "total", "10", "k-ghost");
    let (status, body) = t.call(&t.manager, "set_credit_limit", &form.args()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Subuser"]);
    assert_eq!(body["Invalid"][0]["message"], "User not found");
    assert_eq!(h.limit_changes("nobody-here-sub9").await, 0);

    let (status, view) = t
        .call(
            &t.support,
            "get_limits",
            &[("user", &user), ("target", &sub)],
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert!(view["target_error"].is_null());
    assert_eq!(view["limit_known"], true);
    let (_, view) = t.call(&t.support, "get_limits", &[("user", &user)]).await;
    assert_eq!(
        view["targets"],
        serde_json::json!([user]),
        "reading a subuser does not make it the customer's"
    );
    assert_eq!(view["can_change"], false, "support reads only");

    let form = LimitForm::new(&user, &sub, "total", "10", "k-claim");
    let (status, body) = t.call(&t.manager, "set_credit_limit", &form.args()).await;
    assert_eq!(status, 200, "{body}");
    let (_, view) = t.call(&t.support, "get_limits", &[("user", &user)]).await;
    assert_eq!(view["targets"], serde_json::json!([user, sub]));
    h.stop().await;
}

/// No documented call names a subuser's customer (API.md §3), so the first change made to a
/// subuser from a customer's page makes it that customer's; any other customer's page is
/// then refused, before SendGrid is asked, and so is a customer typed as a subuser.
#[tokio::test]
async fn a_subuser_is_changed_only_from_its_own_customers_page() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (owner, sub) = h.customer_with_subuser().await;
    let t = &h.t;
    let other = t
        .sim_customers()
        .await
        .into_iter()
        .filter(|c| !c["v2"].is_null())
        .find_map(|c| Some(c["username"].as_str()?.to_string()).filter(|u| *u != owner))
        .expect("a second v2 customer");
    t.sync().await;
    let attempts = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_events WHERE kind = 'attempt'")
            .fetch_one(&t.console.pool)
            .await
            .unwrap()
    };

    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&owner, &sub, "total", "700", "k-own").args(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let changes = h.limit_changes(&sub).await;
    let attempts_before = attempts().await;

    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&other, &sub, "total", "1", "k-foreign").args(),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Subuser"]);
    assert_eq!(
        body["Invalid"][0]["message"],
        format!("{sub} is a subuser of {owner}, not of {other}: its limit is on {owner}'s page.")
    );
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&other, &owner, "total", "1", "k-customer").args(),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["Invalid"][0]["message"],
        format!("{owner} is a customer, not a subuser of {other}: its limit is on its own page.")
    );
    assert_eq!(h.limit_changes(&sub).await, changes, "nothing sent");
    assert_eq!(h.limit_changes(&owner).await, 0, "nothing sent");
    assert_eq!(h.sim_limit(&owner, &sub).await["credit_remain"], 700);
    assert_eq!(attempts().await, attempts_before, "nothing filed");

    // The other customer's page does not read it either, and does not offer it.
    let (status, view) = t
        .call(
            &t.support,
            "get_limits",
            &[("user", &other), ("target", &sub)],
        )
        .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["limit_known"], false);
    assert!(
        view["target_error"]
            .as_str()
            .unwrap()
            .contains(&format!("is a subuser of {owner}")),
        "{view}"
    );
    assert_eq!(view["targets"], serde_json::json!([other]));
    h.stop().await;
}

#[tokio::test]
async fn the_limits_tab_renders_without_javascript() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, sub) = h.customer_with_subuser().await;
    let t = &h.t;
    let (status, _) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "total", "2000", "k-page").args(),
        )
        .await;
    assert_eq!(status, 200);
    let page = |query: String| {
        let url = format!("{}/customers/{user}/limits?{query}", t.console.url());
        let client = t.manager.clone();
        async move {
            let response = client.get(url).send().await.expect("page answers");
            assert_eq!(response.status(), 200);
            // Without the renderer's hydration markers (`<!>`) after dynamic text.
            response.text().await.expect("HTML").replace("<!>", "")
        }
    };
    let html = page(format!("target={sub}")).await;
    assert!(
        html.contains("2,000 credits left; allowance 2,000"),
        "the limit in words"
    );
    for label in [
        "Task",
        "Credits",
        "Period",
        "Start date",
        "End date",
        "Initial credits",
        "Subuser",
    ] {
        assert!(html.contains(&format!(">{label}</label>")), "label {label}");
    }
    assert!(html.contains("Review change"));
    // The review step of a decrement, then of one that goes below zero, which SendGrid's
    // documents leave open: the review warns, and SendGrid decides.
    let html = page(format!(
        "target={sub}&review=1&key=k-r&task=decrement&credits=500"
    ))
    .await;
    assert!(
        html.contains("Take 500 credits away from"),
        "review statement"
    );
    assert!(html.contains("Confirm change"));
    let html = page(format!(
        "target={sub}&review=1&key=k-r&task=decrement&credits=5000"
    ))
    .await;
    assert!(html.contains("SendGrid may refuse this"), "warned");
    assert!(html.contains("Confirm change"), "SendGrid decides");
    // And SendGrid's answer lands next to the field, the change recorded as refused.
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&user, &sub, "decrement", "5000", "k-below").args(),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["Failed"]["field"], "Credits", "{body}");
    h.stop().await;
}

/// Limits are v2 (API.md §3): a v3-only account cannot take one and says so the way the Plan
/// tab does (404 `Unsupported`, nothing asked of SendGrid); a blank name names nobody.
#[tokio::test]
async fn a_v3_only_account_and_a_blank_name_take_no_limit() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let t = &h.t;
    t.sync().await;
    let account = h.v3_only().await;
    let (status, body) = t
        .call(&t.manager, "get_limits", &[("user", &account)])
        .await;
    assert_eq!(status, 404, "{body}");
    let message = body["Unsupported"].as_str().unwrap_or_default();
    assert!(message.contains("exists only in v3"), "{body}");
    let (status, body) = t
        .call(
            &t.manager,
            "set_credit_limit",
            &LimitForm::new(&account, "", "total", "2000", "k-v3-only").args(),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(body["Unsupported"].is_string(), "{body}");
    let (status, body) = t.call(&t.manager, "get_limits", &[("user", " ")]).await;
    assert_eq!(status, 404, "{body}");
    assert_eq!(body["NotFound"], "No customer was named.", "{body}");
    h.t.console.stop().await;
}
