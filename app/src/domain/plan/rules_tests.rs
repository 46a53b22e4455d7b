use super::*;
use crate::domain::plan::warnings;
use crate::domain::plan::{BillingCycle, PackageName, PendingInfo};
use crate::domain::{Cents, IsoDate};

fn package(name: &str, cents: i64, has_ip: bool) -> PackageInfo {
    PackageInfo {
        name: PackageName::new(name),
        price: Cents(cents),
        credits: 1000,
        has_ip,
    }
}

/// A package list in the shape `reseller.packages` answers (API.md §4.3).
pub(crate) fn state_on(current: &str) -> PlanState {
    PlanState {
        username: "acme-co".to_string(),
        package: PackageName::new(current),
        cycle: Some(BillingCycle {
            start: IsoDate::parse("2026-11-01").unwrap(),
            end: IsoDate::parse("2026-11-30").unwrap(),
            process: IsoDate::parse("2026-12-01").ok(),
        }),
        pending: None,
        packages: vec![
            package("Free Package", 0, false),
            package("Basic Package", 995, false),
            package("Silver Package", 7995, true),
            package("Gold Package", 19995, true),
            package("Platinum Package", 39995, true),
        ],
        free_ips: vec!["198.51.100.200".to_string()],
        assigned_ips: vec!["198.51.100.1".to_string(), "198.51.100.200".to_string()],
    }
}

fn form(action: &str, timing: &str, package: &str, ip: &str, group: &str) -> PlanForm {
    PlanForm {
        action: action.into(),
        timing: timing.into(),
        package: package.into(),
        ip: vec![ip.into()],
        ip_group: vec![group.into()],
    }
}

fn fields(errors: Vec<PlanFieldError>) -> Vec<PlanField> {
    errors.into_iter().map(|e| e.field).collect()
}

#[test]
fn every_other_package_is_a_target_those_against_the_price_last() {
    let state = state_on("Silver Package");
    let names = |action| -> Vec<String> {
        targets(&state, action)
            .into_iter()
            .map(|p| p.name.to_string())
            .collect()
    };
    assert_eq!(
        names(PlanAction::Upgrade),
        [
            "Gold Package",
            "Platinum Package",
            "Free Package",
            "Basic Package"
        ]
    );
    assert_eq!(
        names(PlanAction::Downgrade),
        [
            "Free Package",
            "Basic Package",
            "Gold Package",
            "Platinum Package"
        ]
    );
    assert!(names(PlanAction::Close).is_empty());
}

#[test]
fn only_the_documented_free_downgrade_is_refused_outright() {
    let state = state_on("Free Package");
    assert_eq!(action_unavailable(&state, PlanAction::Upgrade), None);
    assert_eq!(
        action_unavailable(&state, PlanAction::Downgrade).as_deref(),
        Some("Free customers cannot be downgraded.")
    );
    // A close of a free account is SendGrid's to refuse (§2.3 is silent); the review warns.
    let close = check(&form("close", "now", "", "", ""), &state).unwrap();
    let warned = warnings(&close, &state);
    assert_eq!(warned.len(), 1, "{warned:?}");
    assert!(
        warned[0].contains("already on the free package"),
        "{warned:?}"
    );
}

#[test]
fn a_move_against_the_price_is_warned_about_not_refused() {
    let state = state_on("Platinum Package");
    assert_eq!(action_unavailable(&state, PlanAction::Upgrade), None);
    let upgrade = check(
        &form("upgrade", "now", "Gold Package", "198.51.100.200", ""),
        &state,
    )
    .unwrap();
    let warned = warnings(&upgrade, &state);
    assert!(warned[0].starts_with("SendGrid may refuse this: Gold Package ($199.95) is not pricier than Platinum Package ($399.95)"), "{warned:?}");
    let silver = state_on("Silver Package");
    let downgrade = check(&form("downgrade", "now", "Gold Package", "", ""), &silver).unwrap();
    assert!(warnings(&downgrade, &silver)[0].contains("is not cheaper than"));
    let usual = check(&form("downgrade", "now", "Basic Package", "", ""), &silver).unwrap();
    assert!(warnings(&usual, &silver).is_empty());
}

#[test]
fn a_pending_change_is_warned_about_and_blocks_nothing() {
    let mut state = state_on("Basic Package");
    state.pending = Some(PendingInfo {
        kind: "Account Close".into(),
        current: "Basic Package".into(),
        update: "Free Package".into(),
        date: IsoDate::parse("2026-12-01").ok(),
        ips: vec![],
        ip_groups: vec![],
    });
    for action in PlanAction::ALL {
        assert_eq!(action_unavailable(&state, action), None);
    }
    let close = check(&form("close", "now", "", "", ""), &state).unwrap();
    let warned = warnings(&close, &state);
    assert!(
        warned[0].contains("Account Close to Free Package on 2026-12-01 is already scheduled"),
        "{warned:?}"
    );
}

#[test]
fn a_package_sendgrid_does_not_list_leaves_every_choice_open() {
    let state = state_on("Legacy Package");
    assert_eq!(action_unavailable(&state, PlanAction::Downgrade), None);
    let upgrade = check(&form("upgrade", "now", "Basic Package", "", "G"), &state).unwrap();
    assert!(warnings(&upgrade, &state)[0]
        .contains("does not list the current package (Legacy Package)"));
}

#[test]
fn an_upgrade_to_a_dedicated_ip_package_needs_a_free_ip_even_when_one_is_held() {
    let basic = state_on("Basic Package");
    let errors = check(&form("upgrade", "now", "Silver Package", "", ""), &basic).unwrap_err();
    assert_eq!(fields(errors), [PlanField::Ip]);
    let ok = check(
        &form("upgrade", "now", "Silver Package", "198.51.100.200", ""),
        &basic,
    )
    .unwrap();
    assert_eq!(ok.placement, Placement::Ips(vec!["198.51.100.200".into()]));

    // §2.1 "you must assign a free IP": holding one already does not waive it.
    let silver = state_on("Silver Package");
    let errors = check(
        &form("upgrade", "end_of_cycle", "Gold Package", "", ""),
        &silver,
    )
    .unwrap_err();
    assert_eq!(fields(errors), [PlanField::Ip]);
    let ok = check(
        &form(
            "upgrade",
            "end_of_cycle",
            "Gold Package",
            "198.51.100.200",
            "",
        ),
        &silver,
    )
    .unwrap();
    assert_eq!(ok.timing, PlanTiming::EndOfCycle);
}

#[test]
fn a_scheduled_downgrade_needs_the_placement_its_target_calls_for() {
    let gold = state_on("Gold Package");
    let errors = check(
        &form("downgrade", "end_of_cycle", "Basic Package", "", ""),
        &gold,
    )
    .unwrap_err();
    assert_eq!(fields(errors), [PlanField::IpGroup]);
    let errors = check(
        &form("downgrade", "end_of_cycle", "Silver Package", "", ""),
        &gold,
    )
    .unwrap_err();
    assert_eq!(fields(errors), [PlanField::Ip]);
    let ok = check(
        &form(
            "downgrade",
            "end_of_cycle",
            "Basic Package",
            "",
            "Reseller Group",
        ),
        &gold,
    )
    .unwrap();
    assert_eq!(
        ok.placement,
        Placement::IpGroups(vec!["Reseller Group".into()])
    );
    // Now, the same downgrade takes either as an option (§2.2 "you may").
    assert!(check(&form("downgrade", "now", "Basic Package", "", ""), &gold).is_ok());
}

#[test]
fn a_taken_ip_is_refused() {
    let errors = check(
        &form("upgrade", "now", "Silver Package", "198.51.100.1", ""),
        &state_on("Basic Package"),
    )
    .unwrap_err();
    assert_eq!(fields(errors), [PlanField::Ip]);
}

#[test]
fn an_upgrade_without_a_dedicated_ip_needs_an_ip_group() {
    let state = state_on("Free Package");
    let errors = check(&form("upgrade", "now", "Basic Package", "", ""), &state).unwrap_err();
    assert_eq!(fields(errors), [PlanField::IpGroup]);
    let ok = check(
        &form("upgrade", "now", "Basic Package", "", " Reseller Group "),
        &state,
    )
    .unwrap();
    assert_eq!(
        ok.placement,
        Placement::IpGroups(vec!["Reseller Group".into()])
    );
}

#[test]
fn the_wrong_ip_field_for_the_target_is_refused() {
    let state = state_on("Free Package");
    let errors = check(
        &form(
            "upgrade",
            "now",
            "Basic Package",
            "198.51.100.200",
            "Reseller Group",
        ),
        &state,
    )
    .unwrap_err();
    assert_eq!(fields(errors), [PlanField::Ip]);
    let errors = check(
        &form(
            "upgrade",
            "now",
            "Silver Package",
            "198.51.100.200",
            "Reseller Group",
        ),
        &state,
    )
    .unwrap_err();
    assert_eq!(fields(errors), [PlanField::IpGroup]);
}

#[test]
fn unknown_and_current_packages_are_refused() {
    let state = state_on("Silver Package");
    let unknown = check(&form("upgrade", "now", "Diamond Package", "", ""), &state).unwrap_err();
    assert_eq!(fields(unknown.clone()), [PlanField::Package]);
    assert!(unknown[0].message.contains("no package named"));
    let same = check(&form("downgrade", "now", "Silver Package", "", ""), &state).unwrap_err();
    assert_eq!(fields(same.clone()), [PlanField::Package]);
    assert_eq!(same[0].message, "Silver Package is the current package.");
}

#[test]
fn downgrades_and_closes_take_optional_placements() {
    let state = state_on("Gold Package");
    let ok = check(&form("downgrade", "now", "Basic Package", "", ""), &state).unwrap();
    assert_eq!(ok.placement, Placement::Unchanged);
    let ok = check(
        &form("close", "end_of_cycle", "", "", "Marketing Pool"),
        &state,
    )
    .unwrap();
    assert_eq!(ok.target, None);
    assert_eq!(
        ok.placement,
        Placement::IpGroups(vec!["Marketing Pool".into()])
    );
    let errors = check(&form("close", "now", "Basic Package", "", ""), &state).unwrap_err();
    assert_eq!(fields(errors), [PlanField::Package]);
}

#[test]
fn free_downgrades_and_missing_choices_are_reported_per_field() {
    let errors = check(
        &form("downgrade", "", "", "", ""),
        &state_on("Free Package"),
    )
    .unwrap_err();
    assert_eq!(fields(errors), [PlanField::Action, PlanField::Timing]);
    let errors = check(&form("", "later", "", "", ""), &state_on("Basic Package")).unwrap_err();
    assert_eq!(fields(errors), [PlanField::Action, PlanField::Timing]);
}

#[test]
fn destructive_changes_need_the_username_typed() {
    assert!(check_confirmation(PlanAction::Upgrade, "acme-co", "").is_ok());
    assert!(check_confirmation(PlanAction::Close, "acme-co", " acme-co ").is_ok());
    let error = check_confirmation(PlanAction::Downgrade, "acme-co", "ACME-CO").unwrap_err();
    assert_eq!(error.field, PlanField::Confirm);
}

#[test]
fn several_ips_and_groups_are_taken_as_lists() {
    let mut state = state_on("Basic Package");
    state.free_ips.push("198.51.100.201".into());
    let mut both = form("upgrade", "now", "Silver Package", "", "");
    both.ip = vec![
        " 198.51.100.200 ".into(),
        "198.51.100.201".into(),
        "198.51.100.200".into(),
        String::new(),
    ];
    let ok = check(&both, &state).unwrap();
    assert_eq!(
        ok.placement,
        Placement::Ips(vec!["198.51.100.200".into(), "198.51.100.201".into()]),
        "trimmed, blanks and repeats dropped, order kept"
    );
    both.ip.push("198.51.100.1".into());
    both.ip.push("198.51.100.2".into());
    let errors = check(&both, &state).unwrap_err();
    assert_eq!(
        errors[0].message,
        "198.51.100.1, 198.51.100.2 are not free IP addresses; choose from the list."
    );

    let mut groups = form("downgrade", "end_of_cycle", "Basic Package", "", "");
    groups.ip_group = vec!["Reseller Group\r\n\nTransactional ".into()];
    let ok = check(&groups, &state_on("Gold Package")).unwrap();
    assert_eq!(
        ok.placement,
        Placement::IpGroups(vec!["Reseller Group".into(), "Transactional".into()])
    );
    groups.ip_group = (0..21).map(|n| format!("G{n}")).collect();
    let errors = check(&groups, &state_on("Gold Package")).unwrap_err();
    assert_eq!(fields(errors), [PlanField::IpGroup]);
}

#[test]
fn the_form_reads_one_value_or_many() {
    let qs = |text: &str| -> PlanForm { serde_json::from_str(text).unwrap() };
    assert_eq!(qs(r#"{"ip": "a"}"#).ip, ["a"]);
    assert_eq!(qs(r#"{"ip": ["a", "b"], "ip_group": []}"#).ip, ["a", "b"]);
    assert!(qs(r#"{"action": "close"}"#).ip_group.is_empty());
    let mut form = form("upgrade", "now", "Silver Package", "x", "");
    form.ip.push("y".into());
    assert_eq!(
        form.query_pairs(),
        [
            ("action", "upgrade".to_string()),
            ("timing", "now".to_string()),
            ("package", "Silver Package".to_string()),
            ("ip[]", "x".to_string()),
            ("ip[]", "y".to_string()),
        ]
    );
}

#[test]
fn a_downgrade_may_take_one_of_the_resellers_assigned_ips() {
    let gold = state_on("Gold Package");
    let ok = check(
        &form("downgrade", "now", "Silver Package", "198.51.100.1", ""),
        &gold,
    )
    .unwrap();
    assert_eq!(ok.placement, Placement::Ips(vec!["198.51.100.1".into()]));
    let errors = check(
        &form("downgrade", "now", "Silver Package", "198.51.100.77", ""),
        &gold,
    )
    .unwrap_err();
    assert_eq!(
        errors[0].message,
        "198.51.100.77 is neither free nor one of your assigned IPs; choose from the list."
    );
    // An upgrade assigns a free IP (§2.1): an assigned one is refused.
    let errors = check(
        &form("upgrade", "now", "Silver Package", "198.51.100.1", ""),
        &state_on("Basic Package"),
    )
    .unwrap_err();
    assert_eq!(
        errors[0].message,
        "198.51.100.1 is not a free IP address; choose from the list."
    );
}
