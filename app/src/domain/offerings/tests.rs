use super::*;

fn package(name: &str, quantity: i64) -> OfferingLine {
    OfferingLine {
        name: name.into(),
        kind: OfferingKind::Package,
        quantity,
    }
}

fn addon(name: &str, quantity: i64) -> OfferingLine {
    OfferingLine {
        name: name.into(),
        kind: OfferingKind::Addon,
        quantity,
    }
}

fn set(lines: &[OfferingLine]) -> OfferingSet {
    OfferingSet::parse(lines).unwrap()
}

fn fields(lines: &[OfferingLine]) -> Vec<OfferingField> {
    OfferingSet::parse(lines)
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn a_set_has_exactly_one_package_of_quantity_one() {
    let ok = set(&[
        package("org.ei.pro100k.v1", 1),
        addon("org.ip.dedicated.v1", 2),
    ]);
    assert_eq!(ok.package(), "org.ei.pro100k.v1");
    assert_eq!(ok.addons().get("org.ip.dedicated.v1"), Some(&2));
    assert_eq!(
        fields(&[addon("org.mc.basic.v1", 1)]),
        [OfferingField::Package]
    );
    assert_eq!(
        fields(&[
            package("org.ei.free.v1", 1),
            package("org.ei.pro100k.v1", 1)
        ]),
        [OfferingField::Package]
    );
    assert_eq!(
        fields(&[package("org.ei.free.v1", 2)]),
        [OfferingField::Package]
    );
    assert_eq!(
        fields(&[package("org.ei.free.v1", 0)]),
        [OfferingField::Package]
    );
}

#[test]
fn add_ons_need_a_quantity_of_at_least_one_and_no_repeats() {
    assert_eq!(
        fields(&[package("p", 1), addon("org.ease.v1", 0)]),
        [OfferingField::Quantity("org.ease.v1".into())]
    );
    assert_eq!(
        fields(&[package("p", 1), addon("a", 1), addon("a", 2)]),
        [OfferingField::Offerings]
    );
    assert_eq!(
        fields(&[package("p", 1), addon(" ", 1)]),
        [OfferingField::Offerings]
    );
}

#[test]
fn encoding_round_trips() {
    let original = set(&[package("org.ei.free.v1", 1), addon("org.mc.basic.v1", 3)]);
    assert_eq!(
        original.encode(),
        "package:org.ei.free.v1:1,addon:org.mc.basic.v1:3"
    );
    let lines = decode_lines(&original.encode()).unwrap();
    assert_eq!(OfferingSet::parse(&lines).unwrap(), original);
    assert!(decode_lines("package:x").is_err());
    assert!(decode_lines("addon:x:two").is_err());
    assert!(decode_lines("bundle:x:1").is_err());
}

#[test]
fn diff_names_kept_added_removed_and_changed() {
    let current = [
        package("org.ei.free.v1", 1),
        addon("org.mc.basic.v1", 1),
        addon("org.ip.dedicated.v1", 2),
    ];
    let desired = set(&[
        package("org.ei.pro100k.v1", 1),
        addon("org.mc.basic.v1", 1),
        addon("org.ip.dedicated.v1", 1),
        addon("org.ease.v1", 1),
    ]);
    let lines = diff(&current, &desired);
    let summary: Vec<(&str, DiffChange, Option<i64>, Option<i64>)> = lines
        .iter()
        .map(|l| (l.name.as_str(), l.change, l.before, l.after))
        .collect();
    assert_eq!(
        summary,
        [
            ("org.ei.free.v1", DiffChange::Removed, Some(1), None),
            ("org.ei.pro100k.v1", DiffChange::Added, None, Some(1)),
            ("org.ease.v1", DiffChange::Added, None, Some(1)),
            (
                "org.ip.dedicated.v1",
                DiffChange::QuantityChanged,
                Some(2),
                Some(1)
            ),
            ("org.mc.basic.v1", DiffChange::Kept, Some(1), Some(1)),
        ]
    );
    assert!(needs_confirmation(&lines));
}

#[test]
fn only_taking_something_away_needs_confirmation() {
    let current = [package("p", 1), addon("a", 1)];
    let more = diff(
        &current,
        &set(&[package("p", 1), addon("a", 2), addon("b", 1)]),
    );
    assert!(!needs_confirmation(&more));
    let same = diff(&current, &set(&current));
    assert!(same.iter().all(|l| l.change == DiffChange::Kept));
    let fewer = diff(&current, &set(&[package("p", 1)]));
    assert_eq!(fewer[1].change, DiffChange::Removed);
    assert!(needs_confirmation(&fewer));
}

#[test]
fn the_form_reads_checked_add_ons_with_their_quantities() {
    let form = OfferingsForm {
        package: "p".into(),
        addons: vec!["a".into(), "b".into()],
        quantities: vec![
            ("a".into(), "2".into()),
            ("b".into(), "".into()),
            ("c".into(), "9".into()),
        ],
    };
    assert_eq!(
        form.lines().unwrap(),
        [package("p", 1), addon("a", 2), addon("b", 1)]
    );
    let bad = OfferingsForm {
        quantities: vec![("a".into(), "two".into())],
        ..form.clone()
    };
    assert_eq!(
        bad.lines().unwrap_err()[0].field,
        OfferingField::Quantity("a".into())
    );
    let prefilled = OfferingsForm::from_current(&[package("p", 1), addon("a", 3)]);
    assert_eq!(prefilled.quantity_of("a"), Some("3"));
    assert!(prefilled.has_addon("a") && !prefilled.has_addon("b"));
}

#[test]
fn names_and_types_must_match_the_catalog() {
    let catalog = vec![
        CatalogItem {
            name: "p".into(),
            kind: OfferingKind::Package,
            entitlements: Entitlements::default(),
        },
        CatalogItem {
            name: "a".into(),
            kind: OfferingKind::Addon,
            entitlements: Entitlements::default(),
        },
    ];
    assert!(check_catalog(&[package("p", 1), addon("a", 1)], &catalog).is_ok());
    let errors = check_catalog(&[package("a", 1), addon("zzz", 1)], &catalog).unwrap_err();
    assert_eq!(errors.len(), 2);
    assert!(errors[0].message.contains("is an add-on, not a package"));
}

#[test]
fn upstream_fields_point_at_the_line_sent() {
    let sent = [package("p", 1), addon("a", 0)];
    assert_eq!(
        OfferingField::from_upstream("offerings[1].quantity", &sent),
        Some(OfferingField::Quantity("a".into()))
    );
    assert_eq!(
        OfferingField::from_upstream("offerings[0].quantity", &sent),
        Some(OfferingField::Package)
    );
    assert_eq!(
        OfferingField::from_upstream("offerings", &sent),
        Some(OfferingField::Offerings)
    );
    assert_eq!(OfferingField::from_upstream("", &sent), None);
}

#[test]
fn states_say_what_they_mean() {
    assert_eq!(
        AccountStateName::Activated.meaning().sentence(),
        "Can log in and send mail."
    );
    assert!(AccountStateName::Deactivated
        .meaning()
        .sentence()
        .contains("API keys are deactivated"));
    assert!(AccountStateName::Indeterminate
        .meaning()
        .sentence()
        .contains("support"));
    assert_eq!(WritableState::parse("suspended"), None);
    assert_eq!(WritableState::Deactivated.button(), "Deactivate account");
}
