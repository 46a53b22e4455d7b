//! Offerings and account state over HTTP against the simulator (API.md §5): the cached
//! catalog, whole-set updates, removals that need a typed confirmation, sets refused before
//! SendGrid sees them, the diff the review step renders, and activate / deactivate.

use crate::limits_support;

use crate::customers_support::fault;
use limits_support::{audit_params, invalid_fields, Harness};
use sendgrid::Offering;

const CUSTOMERS: usize = 30;
const PRO: &str = "org.ei.pro100k.v1";
const FREE: &str = "org.ei.free.v1";
const IP: &str = "org.ip.dedicated.v1";
const MC: &str = "org.mc.basic.v1";
const EASE: &str = "org.ease.v1";

fn owned(list: &[(&str, &str, i64)]) -> Vec<(String, String, i64)> {
    let mut list: Vec<(String, String, i64)> = list
        .iter()
        .map(|(k, n, q)| (k.to_string(), n.to_string(), *q))
        .collect();
    list.sort();
    list
}

fn args<'a>(
    user: &'a str,
    offerings: &'a str,
    confirm: &'a str,
    key: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("user", user),
        ("offerings", offerings),
        ("timing", "now"),
        ("apply_on", ""),
        ("confirm", confirm),
        ("idempotency_key", key),
    ]
}

#[tokio::test]
async fn the_catalog_is_cached_until_refreshed() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, _) = h.linked_customer(&[]).await;
    let t = &h.t;
    t.sync().await;
    let catalog_calls = || async {
        h.calls()
            .await
            .iter()
            .filter(|c| c["path"] == "/v3/partners/offerings")
            .count()
    };
    let (status, view) = t
        .call(&t.support, "get_offerings", &[("user", &user)])
        .await;
    assert_eq!(status, 200, "{view}");
    let names: Vec<&str> = view["catalog"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&PRO) && names.contains(&IP), "{names:?}");
    let pro = view["catalog"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == PRO)
        .unwrap();
    assert!(
        pro["entitlements"]["email_sends_max_monthly"]
            .as_i64()
            .unwrap()
            > 0
    );
    let fetched = view["catalog_fetched_at"].as_str().unwrap().to_string();
    assert!(!fetched.is_empty());
    let (_, again) = t
        .call(&t.support, "get_offerings", &[("user", &user)])
        .await;
    assert_eq!(again["catalog_fetched_at"], fetched.as_str());
    assert_eq!(catalog_calls().await, 1, "read once, then from the cache");

    let (status, body) = t.call(&t.support, "refresh_catalog", &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(catalog_calls().await, 2);
    h.stop().await;
}

#[tokio::test]
async fn the_whole_set_is_sent_and_removing_an_add_on_keeps_the_rest() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, id) = h.linked_customer(&[]).await;
    let t = &h.t;
    t.sync().await;
    h.set_offerings(&id, &[Offering::package(FREE), Offering::addon(MC, 1)])
        .await;

    // A new package replaces the old one, which counts as taking something away.
    let set = format!("package:{PRO}:1,addon:{MC}:1,addon:{IP}:2");
    let (status, body) = t
        .call(
            &t.manager,
            "update_offerings",
            &args(&user, &set, "", "k-up"),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Confirm"]);
    let (status, body) = t
        .call(
            &t.manager,
            "update_offerings",
            &args(&user, &set, &user, "k-up"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        h.sim_offerings(&id).await,
        owned(&[("package", PRO, 1), ("addon", MC, 1), ("addon", IP, 2)])
    );

    // Dropping an add-on removes something, so the account's name must be typed.
    let smaller = format!("package:{PRO}:1,addon:{IP}:2");
    let (status, body) = t
        .call(
            &t.manager,
            "update_offerings",
            &args(&user, &smaller, "", "k-down"),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Confirm"]);
    let (status, body) = t
        .call(
            &t.manager,
            "update_offerings",
            &args(&user, &smaller, "somebody-else", "k-down"),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    let sent = h.puts(&id, "offerings").await;

    let (status, body) = t
        .call(
            &t.manager,
            "update_offerings",
            &args(&user, &smaller, &id, "k-down"),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        h.sim_offerings(&id).await,
        owned(&[("package", PRO, 1), ("addon", IP, 2)]),
        "the other add-on and the package stay"
    );
    assert_eq!(
        h.puts(&id, "offerings").await,
        sent + 1,
        "refused forms sent nothing"
    );

    let rows = audit_params(&t.console.pool, &user).await;
    let updates: Vec<_> = rows
        .iter()
        .filter(|(_, a, _)| a == "offerings.update")
        .collect();
    assert_eq!(updates.len(), 4, "two attempts, two results: {rows:?}");
    assert_eq!(updates[2].2["account_id"], id.as_str());
    assert_eq!(updates[2].2["offerings"], smaller.as_str());

    // Nothing to change is refused; the same form again is answered from the log.
    let (status, again) = t
        .call(
            &t.manager,
            "update_offerings",
            &args(&user, &smaller, &id, "k-down"),
        )
        .await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["replayed"], true);
    let (status, body) = t
        .call(
            &t.manager,
            "update_offerings",
            &args(&user, &smaller, "", "k-same"),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(invalid_fields(&body), ["Offerings"]);
    h.stop().await;
}

#[tokio::test]
async fn invalid_sets_are_refused_before_sendgrid_sees_them() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, id) = h.linked_customer(&[]).await;
    let t = &h.t;
    t.sync().await;
    let cases = [
        (format!("package:{FREE}:1,package:{PRO}:1"), "Package"),
        (format!("package:{PRO}:2"), "Package"),
        (format!("addon:{MC}:1"), "Package"),
        (
            format!("package:{PRO}:1,addon:{IP}:0"),
            r#"{"Quantity":"org.ip.dedicated.v1"}"#,
        ),
        (
            format!("package:{PRO}:1,addon:{MC}:1,addon:{MC}:2"),
            "Offerings",
        ),
        (
            format!("package:{PRO}:1,addon:org.nothing.v1:1"),
            "Offerings",
        ),
        (format!("package:{IP}:1"), "Package"),
        ("package:x".to_string(), "Offerings"),
    ];
    for (i, (set, field)) in cases.iter().enumerate() {
        let key = format!("k-bad-{i}");
        let (status, body) = t
            .call(&t.manager, "update_offerings", &args(&user, set, &id, &key))
            .await;
        assert_eq!(status, 400, "{set}: {body}");
        assert_eq!(invalid_fields(&body), [*field], "{set}: {body}");
    }
    assert_eq!(h.puts(&id, "offerings").await, 0, "no PUT reached SendGrid");
    h.stop().await;
}

#[tokio::test]
async fn the_review_step_renders_the_diff_with_removals_marked() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, id) = h.linked_customer(&[]).await;
    let t = &h.t;
    t.sync().await;
    h.set_offerings(
        &id,
        &[
            Offering::package(FREE),
            Offering::addon(MC, 1),
            Offering::addon(IP, 2),
        ],
    )
    .await;
    let sent = h.puts(&id, "offerings").await;
    let url = format!(
        "{}/customers/{user}/offerings?review=1&key=k-view&package={PRO}&addon={IP}&quantity.{IP}=1&addon={EASE}&quantity.{EASE}=1",
        t.console.url()
    );
    let response = t.manager.get(url).send().await.expect("page answers");
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let row = |class: &str, name: &str| {
        html.split("<tr")
            .any(|row| row.contains(&format!("class=\"{class}\"")) && row.contains(name))
    };
    assert!(row("diff-removed", FREE), "the old package is removed");
    assert!(row("diff-removed", MC), "the unticked add-on is removed");
    assert!(row("diff-added", PRO));
    assert!(row("diff-added", EASE));
    assert!(row("diff-changed diff-reduced", IP), "2 → 1 dedicated IPs");
    assert!(html.contains("Type the username or account ID to confirm"));
    assert!(html.contains("Confirm change"));
    assert_eq!(
        h.puts(&id, "offerings").await,
        sent,
        "a review sends nothing"
    );
    h.stop().await;
}

#[tokio::test]
async fn state_changes_are_confirmed_and_audited() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let id = h.v3_only().await;
    let t = &h.t;
    t.sync().await;
    let state = |value: &'static str, key: &'static str| {
        vec![
            ("user", id.clone()),
            ("state", value.to_string()),
            ("timing", "now".to_string()),
            ("idempotency_key", key.to_string()),
        ]
    };
    let call = |args: Vec<(&'static str, String)>| async move {
        let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        t.call(&t.manager, "change_account_state", &pairs).await
    };
    let (status, body) = call(state("deactivated", "k-off")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(h.sim_state(&id).await, "deactivated");
    let (status, view) = t.call(&t.support, "get_offerings", &[("user", &id)]).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["state"], "Deactivated");

    let (status, body) = call(state("deactivated", "k-off-again")).await;
    assert_eq!(status, 400, "already deactivated: {body}");
    let (status, body) = call(state("suspended", "k-suspend")).await;
    assert_eq!(status, 400, "only SendGrid suspends: {body}");
    let (status, body) = call(state("activated", "k-on")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(h.sim_state(&id).await, "activated");
    assert_eq!(h.puts(&id, "state").await, 2);

    let rows = audit_params(&t.console.pool, &id).await;
    let states: Vec<(&str, &str)> = rows
        .iter()
        .filter(|(_, a, _)| a == "state.update")
        .map(|(k, _, p)| (k.as_str(), p["state"].as_str().unwrap_or_default()))
        .collect();
    assert_eq!(
        states,
        [
            ("attempt", "deactivated"),
            ("result", ""),
            ("attempt", "activated"),
            ("result", ""),
        ]
    );
    h.stop().await;
}

#[tokio::test]
async fn v2_only_customers_get_an_explanation() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let user = h.v2_only().await;
    let t = &h.t;
    t.sync().await;
    let (status, view) = t
        .call(&t.support, "get_offerings", &[("user", &user)])
        .await;
    assert_eq!(status, 200, "{view}");
    assert!(view["account_id"].is_null());
    let set = format!("package:{PRO}:1");
    let (status, body) = t
        .call(
            &t.manager,
            "update_offerings",
            &args(&user, &set, "", "k-v2"),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    assert!(
        body["NotFound"].as_str().unwrap().contains("no v3 account"),
        "{body}"
    );
    h.stop().await;
}

#[tokio::test]
async fn a_sendgrid_outage_is_not_taken_for_a_missing_v3_account() {
    let h = Harness::start(CUSTOMERS, 30).await;
    // Not synced: the directory does not know this id, so the console must ask SendGrid.
    let id = h.v3_only().await;
    let t = &h.t;
    t.sim_post("/_sim/faults", fault("/v3/", Some(503), 1000))
        .await;
    let (status, view) = t.call(&t.support, "get_offerings", &[("user", &id)]).await;
    assert_eq!(status, 502, "an outage, not 'no v3 account': {view}");
    assert!(
        view["Unavailable"].as_str().unwrap().contains("SendGrid"),
        "{view}"
    );
    let set = format!("package:{PRO}:1");
    let (status, body) = t
        .call(
            &t.manager,
            "update_offerings",
            &args(&id, &set, "", "k-outage"),
        )
        .await;
    assert_eq!(status, 502, "{body}");
    assert!(
        body["Unavailable"]
            .as_str()
            .unwrap()
            .contains("nothing was sent"),
        "{body}"
    );

    t.clear_faults().await;
    let (status, view) = t.call(&t.support, "get_offerings", &[("user", &id)]).await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["account_id"], id.as_str());
    h.stop().await;
}

#[tokio::test]
async fn support_and_auditor_cannot_change_anything() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, sub) = h.customer_with_subuser().await;
    let (linked, id) = h.linked_customer(&[]).await;
    let t = &h.t;
    t.sync().await;
    let set = format!("package:{PRO}:1");
    for client in [&t.support, &h.auditor] {
        let limit = [
            ("user", user.as_str()),
            ("target", sub.as_str()),
            ("task", "total"),
            ("credits", "5"),
            ("idempotency_key", "k-x"),
        ];
        let (status, _) = t.call(client, "set_credit_limit", &limit).await;
        assert_eq!(status, 403);
        let (status, _) = t
            .call(client, "update_offerings", &args(&linked, &set, &id, "k-y"))
            .await;
        assert_eq!(status, 403);
        let state = [
            ("user", linked.as_str()),
            ("state", "deactivated"),
            ("idempotency_key", "k-z"),
        ];
        let (status, _) = t.call(client, "change_account_state", &state).await;
        assert_eq!(status, 403);
        let (status, _) = t
            .call(
                client,
                "cancel_scheduled_change",
                &[("user", linked.as_str()), ("job_id", "1")],
            )
            .await;
        assert_eq!(status, 403);
    }
    assert_eq!(h.limit_changes(&sub).await, 0);
    assert_eq!(
        h.puts(&id, "offerings").await + h.puts(&id, "state").await,
        0
    );
    // Both may read.
    for client in [&t.support, &h.auditor] {
        let (status, _) = t
            .call(client, "get_limits", &[("user", user.as_str())])
            .await;
        assert_eq!(status, 200);
        let (status, _) = t
            .call(client, "get_offerings", &[("user", linked.as_str())])
            .await;
        assert_eq!(status, 200);
    }
    h.stop().await;
}

#[tokio::test]
async fn the_tab_renders_every_part_without_javascript() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, _) = h.linked_customer(&[]).await;
    let t = &h.t;
    t.sync().await;
    let form = [
        ("user", user.as_str()),
        ("state", "deactivated"),
        ("timing", "end_of_cycle"),
        ("idempotency_key", "k-held"),
    ];
    let (status, body) = t.call(&t.manager, "change_account_state", &form).await;
    assert_eq!(status, 200, "{body}");
    let page = |query: &str| {
        let url = format!("{}/customers/{user}/offerings{query}", t.console.url());
        async move {
            let response = t.manager.get(url).send().await.expect("page answers");
            assert_eq!(response.status(), 200);
            response.text().await.expect("HTML")
        }
    };
    let html = page("").await;
    for text in [
        "<legend>Package</legend>",
        &format!("aria-label=\"Quantity of {IP}\""),
        "Review change",
        "Deactivate account",
        "Cancel scheduled change",
        "Refresh catalog",
        "What each state means",
        "Monthly sends",
    ] {
        assert!(html.contains(text), "{text}");
    }
    let html = page("?state=deactivated&key=k-step").await;
    assert!(html.contains("Confirm change"));
    assert!(html.contains("Cannot log in or send mail; its API keys are deactivated."));
    assert!(html.contains("Keep the current state"));
    // The form's key is spent once used: the page shows what it did.
    let html = page("?state=deactivated&key=k-held").await;
    assert!(html.contains("Scheduled for"), "the recorded outcome");
    h.stop().await;
}

/// The PUT replaces the whole set (API.md §5.7): a change reviewed against what the account
/// held then is not sent once SendGrid reports other holdings; the operator reviews again.
#[tokio::test]
async fn a_change_reviewed_against_other_holdings_is_not_sent() {
    let h = Harness::start(CUSTOMERS, 30).await;
    let (user, id) = h.linked_customer(&[]).await;
    let t = &h.t;
    t.sync().await;
    h.set_offerings(&id, &[Offering::package(PRO), Offering::addon(MC, 1)])
        .await;
    let reviewed = format!("package:{PRO}:1,addon:{MC}:1");
    let wanted = format!("package:{PRO}:1,addon:{MC}:1,addon:{EASE}:1");
    // Someone adds an IP in SendGrid's own console between the review and the confirm.
    h.set_offerings(
        &id,
        &[
            Offering::package(PRO),
            Offering::addon(MC, 1),
            Offering::addon(IP, 1),
        ],
    )
    .await;
    let puts = h.puts(&id, "offerings").await;
    let mut form = args(&user, &wanted, "", "k-stale");
    form.push(("reviewed", reviewed.as_str()));
    let (status, body) = t.call(&t.manager, "update_offerings", &form).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body.to_string()
            .contains(&format!("it now holds {PRO}, {MC}, {IP}")),
        "{body}"
    );
    assert_eq!(h.puts(&id, "offerings").await, puts, "nothing was sent");
    assert_eq!(
        h.sim_offerings(&id).await,
        owned(&[("package", PRO, 1), ("addon", MC, 1), ("addon", IP, 1)]),
        "the IP added elsewhere is still there"
    );

    // Reviewed again against what it holds now, the same form key goes through.
    let reviewed = format!("package:{PRO}:1,addon:{IP}:1,addon:{MC}:1");
    let wanted = format!("package:{PRO}:1,addon:{MC}:1,addon:{IP}:1,addon:{EASE}:1");
    let mut form = args(&user, &wanted, "", "k-stale");
    form.push(("reviewed", reviewed.as_str()));
    let (status, body) = t.call(&t.manager, "update_offerings", &form).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        h.sim_offerings(&id).await,
        owned(&[
            ("package", PRO, 1),
            ("addon", MC, 1),
            ("addon", IP, 1),
            ("addon", EASE, 1)
        ])
    );
    h.t.console.stop().await;
}
