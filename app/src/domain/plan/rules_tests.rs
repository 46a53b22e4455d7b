use super::*;
use crate::domain::plan::{BillingCycle, PendingInfo};
use crate::domain::{Cents, IsoDate};

fn package(name: &str, cents: i64, has_ip: bool) -> PackageInfo {
    PackageInfo {
        name: name.to_string(),
        price: Cents(cents),
        credits: 1000,
        has_ip,
    }
}

/// The simulator's packages (simulator/README.md "The seeded world").
pub(crate) fn state_on(current: &str) -> PlanState {
    PlanState {
        username: "acme-co".to_string(),
        package: current.to_string(),
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
    }
}

fn form(action: &str, timing: &str, package: &str, ip: &str, group: &str) -> PlanForm {
    PlanForm {
        action: action.into(),
        timing: timing.into(),
        package: package.into(),
        ip: ip.into(),
        ip_group: group.into(),
    }
}

fn fields(errors: Vec<FieldError>) -> Vec<PlanField> {
    errors.into_iter().map(|e| e.field).collect()
}

#[test]
fn upgrades_offer_only_pricier_packages_and_downgrades_only_cheaper() {
    let state = state_on("Silver Package");
    let names = |action| -> Vec<String> {
        targets(&state, action)
            .into_iter()
            .map(|p| p.name.clone())
            .collect()
    };
    assert_eq!(
        names(PlanAction::Upgrade),
        ["Gold Package", "Platinum Package"]
    );
    assert_eq!(
        names(PlanAction::Downgrade),
        ["Free Package", "Basic Package"]
    );
    assert!(names(PlanAction::Close).is_empty());
}

#[test]
fn free_customers_can_only_upgrade() {
    let state = state_on("Free Package");
    assert_eq!(action_unavailable(&state, PlanAction::Upgrade), None);
    assert_eq!(
        action_unavailable(&state, PlanAction::Downgrade).as_deref(),
        Some("Free customers cannot be downgraded.")
    );
    assert!(action_unavailable(&state, PlanAction::Close).is_some());
}

#[test]
fn the_top_package_cannot_be_upgraded() {
    let state = state_on("Platinum Package");
    assert!(action_unavailable(&state, PlanAction::Upgrade).is_some());
    assert_eq!(action_unavailable(&state, PlanAction::Downgrade), None);
}

#[test]
fn a_pending_change_blocks_every_action() {
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
        let reason = action_unavailable(&state, action).unwrap();
        assert!(reason.contains("cancel it first"), "{reason}");
    }
}

#[test]
fn an_upgrade_to_a_dedicated_ip_package_needs_a_free_ip_unless_one_is_held() {
    let basic = state_on("Basic Package");
    let errors = check(&form("upgrade", "now", "Silver Package", "", ""), &basic).unwrap_err();
    assert_eq!(fields(errors), [PlanField::Ip]);
    let ok = check(
        &form("upgrade", "now", "Silver Package", "198.51.100.200", ""),
        &basic,
    )
    .unwrap();
    assert_eq!(ok.placement, Placement::Ip("198.51.100.200".into()));

    let silver = state_on("Silver Package");
    let ok = check(
        &form("upgrade", "end_of_cycle", "Gold Package", "", ""),
        &silver,
    )
    .unwrap();
    assert_eq!(ok.placement, Placement::Unchanged);
    assert_eq!(ok.timing, PlanTiming::EndOfCycle);
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
    assert_eq!(ok.placement, Placement::IpGroup("Reseller Group".into()));
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
fn unknown_packages_and_wrong_directions_are_refused() {
    let state = state_on("Silver Package");
    let unknown = check(&form("upgrade", "now", "Diamond Package", "", ""), &state).unwrap_err();
    assert_eq!(fields(unknown.clone()), [PlanField::Package]);
    assert!(unknown[0].message.contains("no package named"));
    let cheaper = check(&form("upgrade", "now", "Basic Package", "", "G"), &state).unwrap_err();
    assert_eq!(fields(cheaper), [PlanField::Package]);
    let pricier = check(&form("downgrade", "now", "Gold Package", "", ""), &state).unwrap_err();
    assert_eq!(fields(pricier), [PlanField::Package]);
    let same = check(&form("downgrade", "now", "Silver Package", "", ""), &state).unwrap_err();
    assert_eq!(fields(same), [PlanField::Package]);
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
    assert_eq!(ok.placement, Placement::IpGroup("Marketing Pool".into()));
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
