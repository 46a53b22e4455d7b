//! Honest revert over HTTP against the simulator: the inverse is read against the account as
//! SendGrid reports it now and made through the normal change (never a replay), a revert names
//! an accepted change of the same customer or is refused, and both changes link to each other.

use crate::customers_support::{Change, Customers};
use crate::limits_support::{audit_params, Harness, LimitForm};
use sendgrid::Offering;
use serde_json::Value;

const PRO: &str = "org.ei.pro100k.v1";
const IP: &str = "org.ip.dedicated.v1";
const MC: &str = "org.mc.basic.v1";
const EASE: &str = "org.ease.v1";

/// The review step the revert page links to: its path and query pairs.
fn review_of(view: &Value) -> (String, Vec<(String, String)>) {
    let href = view["undo"]["Review"]["href"]
        .as_str()
        .unwrap_or_else(|| panic!("expected a review, got {view}"));
    let url = reqwest::Url::parse(&format!("http://console{href}")).unwrap();
    let pairs = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    (url.path().to_string(), pairs)
}

fn value<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

fn all<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

fn attempt_of(body: &Value) -> String {
    body["attempt_id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no attempt in {body}"))
        .to_string()
}

#[tokio::test]
async fn reverting_an_add_on_removal_adds_it_back_and_only_that() {
    let h = Harness::start(30, 30).await;
    let (user, id) = h.linked_customer(&[]).await;
    let t = &h.t;
    t.sync().await;
    h.set_offerings(
        &id,
        &[
            Offering::package(PRO),
            Offering::addon(MC, 1),
            Offering::addon(IP, 2),
        ],
    )
    .await;
    let update = |set: String, key: &'static str, reverts: Option<String>| {
        let (user, id) = (user.clone(), id.clone());
        async move {
            let mut form = vec![
                ("user", user),
                ("offerings", set),
                ("timing", "now".to_string()),
                ("confirm", id),
                ("idempotency_key", key.to_string()),
            ];
            form.extend(reverts.map(|r| ("reverts", r)));
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.call(&t.manager, "update_offerings", &pairs).await
        }
    };
    let (status, removed) = update(format!("package:{PRO}:1,addon:{MC}:1"), "k-rm", None).await;
    assert_eq!(status, 200, "{removed}");
    let removal = attempt_of(&removed);
    // Someone else adds an add-on afterwards: the revert must keep it.
    let (status, body) = update(
        format!("package:{PRO}:1,addon:{MC}:1,addon:{EASE}:1"),
        "k-add",
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (status, view) = t.call(&t.manager, "get_revert", &[("id", &removal)]).await;
    assert_eq!(status, 200, "{view}");
    let review = &view["undo"]["Review"];
    assert_eq!(
        review["statement"],
        format!("Change the offerings of {user}: add {IP} ×2 back."),
        "{view}"
    );
    assert!(review["cannot_undo"][0].as_str().unwrap().contains("§5.7"));
    let (path, pairs) = review_of(&view);
    assert_eq!(path, format!("/customers/{user}/offerings"));
    assert_eq!(value(&pairs, "review"), "1");
    assert_eq!(value(&pairs, "reverts"), removal);
    let mut addons = all(&pairs, "addon");
    addons.sort();
    assert_eq!(addons, [EASE, IP, MC]);
    assert_eq!(value(&pairs, &format!("quantity.{IP}")), "2");

    // What the review step posts for those fields.
    let set = format!("package:{PRO}:1,addon:{MC}:1,addon:{EASE}:1,addon:{IP}:2");
    let (status, body) = update(set, "k-revert", Some(removal.clone())).await;
    assert_eq!(status, 200, "{body}");
    let revert = attempt_of(&body);
    let mut held = h.sim_offerings(&id).await;
    held.sort();
    assert_eq!(
        held,
        [
            ("addon".to_string(), EASE.to_string(), 1),
            ("addon".to_string(), IP.to_string(), 2),
            ("addon".to_string(), MC.to_string(), 1),
            ("package".to_string(), PRO.to_string(), 1),
        ],
        "the removed add-on is back, the later one kept"
    );

    // Both ways: the revert names the change; the change lists its revert.
    let rows = audit_params(&t.console.pool, &user).await;
    let attempt = rows.iter().rev().find(|(k, _, _)| k == "attempt").unwrap();
    assert_eq!(attempt.2["reverts"].to_string(), removal);
    let (_, reverted) = t
        .call(&t.manager, "get_audit_event", &[("id", &removal)])
        .await;
    assert_eq!(reverted["reverted_by"][0].to_string(), revert, "{reverted}");
    let (_, reverting) = t
        .call(&h.auditor, "get_audit_event", &[("id", &revert)])
        .await;
    assert_eq!(reverting["reverts"].to_string(), removal);
    let (status, history) = t
        .call(&t.support, "customer_history", &[("customer", &user)])
        .await;
    assert_eq!(status, 200, "{history}");
    let entry = |id: &str| {
        history["entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["id"].to_string().as_str() == id)
            .cloned()
            .unwrap()
    };
    assert_eq!(entry(&removal)["reverted_by"][0].to_string(), revert);
    assert_eq!(entry(&revert)["reverts"].to_string(), removal);

    // Now there is nothing left to put back, and the page says so.
    let (status, again) = t.call(&t.manager, "get_revert", &[("id", &removal)]).await;
    assert_eq!(status, 200, "{again}");
    assert!(again["undo"]["Nothing"].is_string(), "{again}");
    assert_eq!(again["reverted_by"][0].to_string(), revert);
    h.stop().await;
}

#[tokio::test]
async fn a_downgrade_is_reverted_by_the_upgrade_back_made_now() {
    let t = Customers::start(40).await;
    let user = t.customer_on("Silver Package", &[]).await;
    let downgrade = Change {
        package: "Basic Package",
        confirm: &user,
        ..Change::new(&user, "downgrade", "now", "k-down")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &downgrade.args()).await;
    assert_eq!(status, 200, "{body}");
    let reverted = attempt_of(&body);

    let (status, view) = t.call(&t.manager, "get_revert", &[("id", &reverted)]).await;
    assert_eq!(status, 200, "{view}");
    let (path, pairs) = review_of(&view);
    assert_eq!(path, format!("/customers/{user}/plan"));
    assert_eq!(value(&pairs, "action"), "upgrade");
    assert_eq!(value(&pairs, "package"), "Silver Package");
    assert!(view["undo"]["Review"]["cannot_undo"][0]
        .as_str()
        .unwrap()
        .contains("§2.2"));

    // The review asks for the IP the package needs; then the upgrade goes through.
    let plan = t.plan(&user).await;
    let ip = plan["state"]["free_ips"][0].as_str().unwrap().to_string();
    let mut args = Change {
        package: "Silver Package",
        ip: &ip,
        ..Change::new(&user, "upgrade", "now", "k-back")
    }
    .args();
    args.push(("reverts", &reverted));
    // Later, not now: a revert is made now.
    let mut later = args.clone();
    later.retain(|(k, _)| *k != "timing" && *k != "idempotency_key");
    later.push(("timing", "end_of_cycle"));
    later.push(("idempotency_key", "k-back-later"));
    let (status, body) = t.call(&t.manager, "change_plan", &later).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["Conflict"].as_str().unwrap().contains("made now"));

    let (status, body) = t.call(&t.manager, "change_plan", &args).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        t.sim_customer(&user).await["v2"]["package"],
        "Silver Package"
    );
    let (_, event) = t
        .call(&t.manager, "get_audit_event", &[("id", &reverted)])
        .await;
    assert_eq!(
        event["reverted_by"][0].to_string(),
        attempt_of(&body),
        "{event}"
    );
    t.stop().await;
}

#[tokio::test]
async fn a_revert_must_name_an_accepted_change_of_the_same_customer() {
    let h = Harness::start(30, 30).await;
    let t = &h.t;
    let (user, subuser) = h.customer_with_subuser().await;
    let before = h.sim_limit(&user, &subuser).await;
    let form = LimitForm::new(&user, &subuser, "total", "4321", "k-total");
    let (status, body) = t.call(&t.manager, "set_credit_limit", &form.args()).await;
    assert_eq!(status, 200, "{body}");
    let changed = attempt_of(&body);

    // Support reads everything and changes nothing: no revert page either.
    let (status, _) = t.call(&t.support, "get_revert", &[("id", &changed)]).await;
    assert_eq!(status, 403);
    let (status, view) = t.call(&t.manager, "get_revert", &[("id", &changed)]).await;
    assert_eq!(status, 200, "{view}");
    let (_, pairs) = review_of(&view);
    assert_eq!(value(&pairs, "target"), subuser);

    let sent = h.limit_changes(&user).await;
    let (task, credits) = (value(&pairs, "task"), value(&pairs, "credits"));
    let (who, sub) = (user.as_str(), subuser.as_str());
    let attempt = |reverts: String, key: &'static str| async move {
        let mut args: Vec<(&str, String)> = LimitForm::new(who, sub, task, credits, key)
            .args()
            .into_iter()
            .map(|(k, v)| (k, v.to_string()))
            .collect();
        args.push(("reverts", reverts));
        let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        t.call(&t.manager, "set_credit_limit", &pairs).await
    };
    for (bogus, key) in [("999999", "k-bogus"), ("1", "k-other")] {
        let (status, body) = attempt(bogus.to_string(), key).await;
        assert_eq!(status, 409, "{bogus}: {body}");
        assert!(body["Conflict"]
            .as_str()
            .unwrap()
            .contains("Nothing was sent"));
    }
    assert_eq!(
        h.limit_changes(&user).await,
        sent,
        "refused reverts sent nothing"
    );
    let (status, body) = attempt(changed, "k-revert").await;
    assert_eq!(status, 200, "{body}");
    let after = h.sim_limit(&user, &subuser).await;
    assert_eq!(after.is_null(), before.is_null(), "{before} then {after}");
    assert_eq!(after["credit"], before["credit"], "back as it was");
    h.stop().await;
}

#[tokio::test]
async fn a_revert_held_for_approval_keeps_its_link_when_approved() {
    let h = Harness::start(20, 30).await;
    let t = &h.t;
    let user = t.customer_on("Basic Package", &[]).await;
    let plan = t.plan(&user).await;
    let ip = plan["state"]["free_ips"][0].as_str().unwrap().to_string();
    let upgrade = Change {
        package: "Silver Package",
        ip: &ip,
        ..Change::new(&user, "upgrade", "now", "k-up")
    };
    let (status, body) = t.call(&t.manager, "change_plan", &upgrade.args()).await;
    assert_eq!(status, 200, "{body}");
    let upgraded = attempt_of(&body);
    let policy = [
        ("downgrade", "on"),
        ("credits_threshold", ""),
        ("expiry_hours", "24"),
    ];
    let (status, body) = t.call(&t.admin, "set_approval_policy", &policy).await;
    assert_eq!(status, 200, "{body}");

    // The revert is a downgrade, so it waits for a second person like any other.
    let mut args = Change {
        package: "Basic Package",
        confirm: &user,
        ..Change::new(&user, "downgrade", "now", "k-revert")
    }
    .args();
    args.push(("reverts", &upgraded));
    let (status, held) = t.call(&t.manager, "change_plan", &args).await;
    assert_eq!(status, 200, "{held}");
    let request = held["approval_id"].as_i64().expect("a request").to_string();
    assert_eq!(
        t.sim_customer(&user).await["v2"]["package"],
        "Silver Package"
    );

    let (status, approved) = t
        .call(&t.admin, "approve_request", &[("id", &request)])
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["succeeded"], true, "{approved}");
    assert_eq!(
        t.sim_customer(&user).await["v2"]["package"],
        "Basic Package"
    );
    let revert = approved["attempt_id"].as_i64().unwrap().to_string();
    let (_, event) = t
        .call(&t.manager, "get_audit_event", &[("id", &revert)])
        .await;
    assert_eq!(event["reverts"].to_string(), upgraded, "{event}");
    let (_, original) = t
        .call(&t.manager, "get_audit_event", &[("id", &upgraded)])
        .await;
    assert_eq!(original["reverted_by"][0].to_string(), revert);
    h.stop().await;
}
