use serde_json::json;

use super::*;
use crate::domain::offerings::{OfferingKind, OfferingLine};
use crate::domain::plan::{PackageInfo, PackageName, PlanState};
use crate::domain::Cents;

/// A package list in the shape `reseller.packages` answers (API.md §4.3).
fn state_on(current: &str) -> PlanState {
    let package = |name: &str, cents: i64, has_ip: bool| PackageInfo {
        name: PackageName::new(name),
        price: Cents(cents),
        credits: 1000,
        has_ip,
    };
    PlanState {
        username: "acme-co".to_string(),
        package: PackageName::new(current),
        cycle: None,
        pending: None,
        packages: vec![
            package("Free Package", 0, false),
            package("Basic Package", 995, false),
            package("Silver Package", 7995, true),
            package("Gold Package", 19995, true),
            package("Platinum Package", 39995, true),
        ],
        free_ips: Vec::new(),
        assigned_ips: Vec::new(),
    }
}

fn addon(name: &str, quantity: i64) -> OfferingLine {
    OfferingLine {
        name: name.into(),
        kind: OfferingKind::Addon,
        quantity,
    }
}

fn package(name: &str) -> OfferingLine {
    OfferingLine {
        name: name.into(),
        kind: OfferingKind::Package,
        quantity: 1,
    }
}

fn href(undo: Undo) -> String {
    match undo {
        Undo::Review { href, .. } => href,
        Undo::Nothing(why) => panic!("nothing to revert: {why}"),
    }
}

#[test]
fn an_upgrade_is_undone_by_the_downgrade_back_through_the_review() {
    let before = json!({"package": "Silver Package"});
    let after = json!({"package": "Gold Package"});
    let inverse = plan_inverse(
        PlanAction::Upgrade,
        &before,
        Some(&after),
        &state_on("Gold Package"),
    )
    .unwrap();
    assert_eq!(
        inverse.statement,
        "Downgrade acme-co back to Silver Package, now."
    );
    assert!(inverse.cannot_undo[0].contains("invoice stays"));
    assert_eq!(inverse.since, None);
    assert_eq!(
        href(inverse.undo("acme-co", 12, "k1")),
        "/customers/acme-co/plan?review=1&action=downgrade&timing=now&package=Silver%20Package&reverts=12&key=k1"
    );
}

#[test]
fn a_plan_that_moved_on_is_said_and_one_already_back_has_nothing_to_revert() {
    let before = json!({"package": "Silver Package"});
    let after = json!({"package": "Gold Package"});
    let moved = plan_inverse(
        PlanAction::Upgrade,
        &before,
        Some(&after),
        &state_on("Platinum Package"),
    )
    .unwrap();
    assert!(moved
        .since
        .unwrap()
        .contains("on Platinum Package now, not Gold Package"));
    assert!(plan_inverse(
        PlanAction::Upgrade,
        &before,
        Some(&after),
        &state_on("silver package")
    )
    .unwrap_err()
    .contains("already on"));
    let closed = plan_inverse(
        PlanAction::Close,
        &json!({"package": "Gold Package"}),
        None,
        &state_on("Free Package"),
    )
    .unwrap();
    assert_eq!(
        closed.pairs[0],
        ("action".to_string(), "upgrade".to_string())
    );
    assert!(closed.cannot_undo[0].contains("full price"));
}

#[test]
fn a_limit_goes_back_to_its_total_or_to_none() {
    let before = json!({"credits": 5000, "credits_remaining": 4000});
    let after = json!({"credits": 8000});
    let total = limits_inverse(
        "acme",
        "acme-sub1",
        &before,
        Some(&after),
        LimitNow {
            credits: Some(8000),
        },
    )
    .unwrap();
    assert_eq!(
        total.pairs,
        vec![
            ("target".to_string(), "acme-sub1".to_string()),
            ("task".to_string(), "total".to_string()),
            ("credits".to_string(), "5000".to_string())
        ]
    );
    assert!(total.cannot_undo[0].contains("stay spent"));
    let none = limits_inverse(
        "acme",
        "acme",
        &json!({"credits": null}),
        Some(&after),
        LimitNow {
            credits: Some(8000),
        },
    )
    .unwrap();
    assert_eq!(none.pairs, vec![("task".to_string(), "none".to_string())]);
    assert!(limits_inverse(
        "acme",
        "acme",
        &before,
        None,
        LimitNow {
            credits: Some(5000)
        }
    )
    .is_err());
    let moved = limits_inverse(
        "acme",
        "acme",
        &before,
        Some(&after),
        LimitNow { credits: Some(100) },
    )
    .unwrap();
    assert!(moved
        .since
        .unwrap()
        .contains("100 credits now, 8,000 credits after it"));
}

#[test]
fn reverting_an_add_on_removal_adds_it_back_and_only_that() {
    let before = json!({"package": "pro", "addons": {"ip": 2, "mc": 1}});
    let after = json!({"package": "pro", "addons": {"mc": 1}});
    // Since the removal, someone added expert services: the revert keeps them.
    let now = [package("pro"), addon("mc", 1), addon("expert", 1)];
    let inverse = offerings_inverse("acme", &before, Some(&after), &now).unwrap();
    assert_eq!(
        inverse.statement,
        "Change the offerings of acme: add ip ×2 back."
    );
    assert_eq!(
        inverse.pairs,
        vec![
            ("timing".to_string(), "now".to_string()),
            ("package".to_string(), "pro".to_string()),
            ("addon".to_string(), "mc".to_string()),
            ("addon".to_string(), "expert".to_string()),
            ("addon".to_string(), "ip".to_string()),
            ("quantity.mc".to_string(), "1".to_string()),
            ("quantity.expert".to_string(), "1".to_string()),
            ("quantity.ip".to_string(), "2".to_string()),
        ]
    );
    assert_eq!(inverse.since, None);
}

#[test]
fn offerings_changed_again_since_are_left_as_they_are() {
    let before = json!({"package": "pro", "addons": {}});
    let after = json!({"package": "essentials", "addons": {"ip": 1}});
    let now = [package("essentials"), addon("ip", 3)];
    let inverse = offerings_inverse("acme", &before, Some(&after), &now).unwrap();
    assert_eq!(
        inverse.statement,
        "Change the offerings of acme: package back to pro."
    );
    assert!(inverse.since.unwrap().contains("ip"));
    let untouched = [package("pro")];
    assert!(offerings_inverse("acme", &before, Some(&after), &untouched).is_err());
}

#[test]
fn a_state_goes_back_through_its_own_step() {
    let inverse = state_inverse("acme", &json!({"state": "activated"}), "deactivated").unwrap();
    assert_eq!(inverse.statement, "Activate acme again.");
    assert!(inverse.cannot_undo[0].contains("API keys"));
    assert_eq!(
        href(inverse.undo("acme", 7, "k2")),
        "/customers/acme/offerings?state=activated&reverts=7&key=k2"
    );
    assert!(state_inverse("acme", &json!({"state": "activated"}), "activated").is_err());
}

#[test]
fn only_accepted_changes_of_invertible_kinds_offer_a_revert() {
    let plan = "plan.immediate_upgrade";
    let before = json!({"package": "Silver Package"});
    assert!(offers_revert(plan, true, Some(&before)));
    assert!(!offers_revert(plan, false, Some(&before)));
    assert!(!offers_revert(plan, true, None));
    assert!(!offers_revert(
        "plan.scheduled_upgrade",
        true,
        Some(&before)
    ));
    assert!(!offers_revert(
        "limits.recurring",
        true,
        Some(&json!({"credits": 5}))
    ));
    assert!(offers_revert(
        "limits.increment",
        true,
        Some(&json!({"credits": 5}))
    ));
    assert!(!offers_revert(
        "state.update",
        true,
        Some(&json!({"state": "suspended"}))
    ));
    assert!(!offers_revert("auth.sign_in", true, Some(&before)));
}
